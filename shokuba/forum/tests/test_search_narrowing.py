"""The search finds exactly the threads `visible_threads` lets a user open, for every role: public, closed to
other members, hidden and deleted by the secretariat, of one's own member and of another."""

from __future__ import annotations

from typing import Any

import pytest

from shokuba.core.permissions import SYSTEM
from shokuba.forum import services
from shokuba.forum.permissions import visible_threads
from shokuba.network.models import User
from shokuba.search.selectors import SearchFilters, search

pytestmark = pytest.mark.django_db


def _every_kind(actor: Any) -> None:
    services.thread_start(actor=actor, category="4", title="育休 public", body="育休の相談")
    services.thread_start(actor=actor, category="worries", title="育休 closed", body="育休の悩み", private=True)
    hidden = services.thread_start(actor=actor, category="4", title="育休 hidden", body="育休の話")
    services.thread_moderate(actor=SYSTEM, thread=hidden, action="hide", reason="理由")
    deleted = services.thread_start(actor=actor, category="4", title="育休 deleted", body="育休の話")
    services.thread_moderate(actor=SYSTEM, thread=deleted, action="delete", reason="理由")


@pytest.mark.parametrize(
    "role", ["secretariat", "support", "coordinator", "prefecture_coordinator", "other_coordinator", "org_admin"]
)
def test_search_finds_exactly_the_visible_threads(
    request: pytest.FixtureRequest, role: str, coordinator: User, other_coordinator: User
) -> None:
    _every_kind(coordinator)
    _every_kind(other_coordinator)
    user = request.getfixturevalue(role)
    expected = set(visible_threads(user).filter(deleted=False).values_list("pk", flat=True))
    found = {h.object_id for h in search(user, "育休", filters=SearchFilters(kinds=("forum",)), limit=50).hits}
    assert found == expected
