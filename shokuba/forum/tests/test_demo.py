"""The demo threads: 豊岡市, 気仙沼市 and 南砺市, all marked demo; the worry closed to other members."""

from __future__ import annotations

import pytest

from conftest import make_user
from shokuba.forum.demo import KESENNUMA, NANTO, TOYOOKA, demo_threads
from shokuba.forum.models import Thread
from shokuba.forum.permissions import visible_threads
from shokuba.network.models import Member, Role, User

pytestmark = pytest.mark.django_db


def test_demo_threads_are_marked_and_the_worry_is_closed() -> None:
    for username, code in (("toyooka", TOYOOKA), ("kesennuma", KESENNUMA)):
        make_user(username, Role.COORDINATOR, member=Member.objects.get(pk=code))
    make_user("support", Role.SUPPORT)
    made = demo_threads()
    assert {t.member_id for t in made} == {TOYOOKA, KESENNUMA, NANTO}
    assert all(t.demo and "（デモ）" in t.title for t in Thread.objects.all())
    worry = Thread.objects.get(member_id=NANTO)
    assert worry.private and worry.category == "worries"
    kesennuma = User.objects.get(username="kesennuma")
    assert not visible_threads(kesennuma).filter(pk=worry.pk).exists()
    assert made[0].posts.filter(helpful=True).count() == 1
    assert kesennuma.notifications.count() == 0
    assert User.objects.get(username="toyooka").notifications.filter(kind="forum.mentioned").count() == 1


def test_demo_threads_without_accounts() -> None:
    assert len(demo_threads()) == 3
