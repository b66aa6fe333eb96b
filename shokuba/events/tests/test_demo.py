"""The demo's events: a past lecture with attendance and materials, an upcoming exchange meeting, both marked."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_user
from shokuba.events.demo import demo_events
from shokuba.events.models import Registration
from shokuba.events.tests.icalparse import parse
from shokuba.network.models import Member, Role, User


@pytest.mark.django_db
def test_demo_events() -> None:
    for name, code in (("toyooka", "282090"), ("kesennuma", "042056")):
        make_user(name, Role.COORDINATOR, member=Member.objects.get(pk=code))
    lecture, meeting = demo_events()
    lecture.refresh_from_db()
    assert lecture.demo and meeting.demo and "（デモ）" in lecture.title and "（デモ）" in meeting.title
    assert lecture.ends_at < timezone.now() < meeting.starts_at
    assert lecture.materials_url and lecture.recording_url
    assert sorted(Registration.objects.filter(event=lecture).values_list("attended", flat=True)) == [True, True]
    client = Client()
    client.force_login(User.objects.get(username="kesennuma"))
    page = client.get(f"/events/{lecture.pk}/").content.decode()
    assert "資料を見る" in page and "デモ用の架空の開催" in page
    feed = parse(client.get("/events/my.ics").content)
    assert [c["SUMMARY"] for c in feed[1:]] == [lecture.title, meeting.title]
