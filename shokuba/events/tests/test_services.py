"""Events: the secretariat creates, changes and cancels; coordinators register within the capacity (also under
concurrency, on PostgreSQL); the reminder goes out once the day before; attendance, materials and the survey; bad
input names the field and changes nothing; the iCalendar files parse back strictly."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from conftest import make_user
from shokuba.core.models import AuditEntry, Notification
from shokuba.core.notifications import reminders_run
from shokuba.events import ical, services
from shokuba.events.models import Event, EventState, Registration, RegistrationState
from shokuba.events.tests.fixtures import TOKYO, event_input, make_event
from shokuba.events.tests.icalparse import parse
from shokuba.network.models import Role, User
from shokuba.surveys import services as surveys

pytestmark = pytest.mark.django_db


def _state() -> tuple[Any, ...]:
    return (
        AuditEntry.objects.count(),
        sorted(Event.objects.values_list("pk", "title", "capacity", "state", "sequence")),
        sorted(Registration.objects.values_list("pk", "state", "attended")),
    )


def test_secretariat_creates_and_others_may_not(secretariat: User, coordinator: User, support: User) -> None:
    event = services.event_save(actor=secretariat, data=event_input())
    assert event.steps.get().code == "4-3" and event.sequence == 0
    for actor in (coordinator, support):
        with pytest.raises(PermissionDenied):
            services.event_save(actor=actor, data=event_input())


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"title": " "}, "title", "名称"),
        ({"capacity": 0}, "capacity", "定員"),
        ({"capacity": None}, "capacity", "定員"),
        ({"venue": "", "online_url": ""}, "venue", "会場"),
        ({"online_url": "javascript:alert(1)"}, "online_url", "オンライン参加のURL"),
        ({"kind": "party"}, "kind", "種類"),
        ({"steps": ["9-z"]}, "steps", "9-z"),
        ({"title": "a\x07b"}, "title", "名称"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    secretariat: User, changes: dict[str, Any], field: str, words: str
) -> None:
    before = _state()
    with pytest.raises(ValidationError) as caught:
        services.event_save(actor=secretariat, data=event_input(**changes))
    assert any(words in m for m in caught.value.message_dict[field])
    assert _state() == before


def test_dates_in_order(secretariat: User) -> None:
    data = event_input()
    data.ends_at = data.starts_at
    data.registration_deadline = data.starts_at + dt.timedelta(hours=1)  # type: ignore[operator]
    with pytest.raises(ValidationError) as caught:
        services.event_save(actor=secretariat, data=data)
    assert "終了日時は開始日時より後" in caught.value.message_dict["ends_at"][0]
    assert "申込締切は開始日時より前" in caught.value.message_dict["registration_deadline"][0]


def test_capacity_is_enforced_with_a_clear_message(coordinator: User, other_coordinator: User) -> None:
    event = make_event(capacity=1)
    services.registration_create(actor=coordinator, event=event)
    before = _state()
    with pytest.raises(ValidationError) as caught:
        services.registration_create(actor=other_coordinator, event=event)
    assert caught.value.message_dict["capacity"] == ["定員（1人）に達したため、申し込めません。"]
    assert _state() == before
    with pytest.raises(ValidationError, match="すでに申し込んでいます"):
        services.registration_create(actor=coordinator, event=event)


def test_cancel_frees_the_place_and_registering_again_revives_the_row(
    coordinator: User, other_coordinator: User
) -> None:
    event = make_event(capacity=1)
    first = services.registration_create(actor=coordinator, event=event)
    services.registration_cancel(actor=coordinator, registration=first)
    services.registration_create(actor=other_coordinator, event=event)
    services.registration_cancel(actor=other_coordinator, registration=Registration.objects.get(user=other_coordinator))
    again = services.registration_create(actor=coordinator, event=event)
    assert again.pk == first.pk and again.state == RegistrationState.REGISTERED


def test_deadline_and_start(coordinator: User) -> None:
    event = make_event(registration_deadline=timezone.now() + dt.timedelta(days=1))
    later = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(ValidationError) as caught:
        services.registration_create(actor=coordinator, event=event, now=later)
    assert "申込締切を過ぎた" in caught.value.message_dict["registration_deadline"][0]


def test_a_registration_is_not_cancelled_after_the_start(coordinator: User) -> None:
    start = timezone.now() - dt.timedelta(hours=1)
    event = make_event(starts_at=start, ends_at=start + dt.timedelta(hours=2))
    registration = services.registration_create(actor=coordinator, event=event, now=start - dt.timedelta(days=1))
    before = _state()
    with pytest.raises(ValidationError) as caught:
        services.registration_cancel(actor=coordinator, registration=registration)
    assert caught.value.message_dict["registration"] == ["開始日時を過ぎた申込は取り消せません。"]
    assert _state() == before


def test_the_page_offers_cancelling_only_to_those_who_may(
    secretariat: User, coordinator: User, prefecture_coordinator: User, toyooka: Any
) -> None:
    colleague = make_user("t-toyooka-2", Role.COORDINATOR, member=toyooka)
    event = make_event()
    registration = services.registration_create(actor=coordinator, event=event)
    cancel = f"/events/registrations/{registration.pk}/cancel/"
    client = Client()
    client.force_login(colleague)  # the member's other coordinator may cancel it
    assert cancel in client.get(f"/events/{event.pk}/").content.decode()
    client.force_login(secretariat)  # the staff see it, but cancelling is the member's
    assert cancel not in client.get(f"/events/{event.pk}/").content.decode()


def test_other_members_coordinator_cannot_cancel_a_registration(coordinator: User, other_coordinator: User) -> None:
    registration = services.registration_create(actor=coordinator, event=make_event())
    with pytest.raises(PermissionDenied):
        services.registration_cancel(actor=other_coordinator, registration=registration)


def test_reminder_the_day_before_once(
    coordinator: User, other_coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    coordinator.email = "toyooka@example.jp"
    coordinator.save(update_fields=["email"])
    event = make_event()
    services.registration_create(actor=coordinator, event=event)
    cancelled = services.registration_create(actor=other_coordinator, event=event)
    services.registration_cancel(actor=other_coordinator, registration=cancelled)
    two_days_before = event.starts_at - dt.timedelta(days=2)
    assert reminders_run(two_days_before)["events.day_before"] == 0
    day_before = event.starts_at.astimezone(TOKYO).replace(hour=6) - dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_run(day_before)["events.day_before"] == 1
    assert reminders_run(day_before + dt.timedelta(hours=3))["events.day_before"] == 0
    notice = Notification.objects.get(kind="events.reminder")
    assert notice.recipient == coordinator and event.title in notice.subject
    assert [m.to for m in mail.outbox] == [["toyooka@example.jp"]]
    assert "14:00" in mail.outbox[0].body and "meet.example.jp" in mail.outbox[0].body


def test_cancelling_tells_the_people_registered(secretariat: User, coordinator: User) -> None:
    event = make_event()
    services.registration_create(actor=coordinator, event=event)
    with pytest.raises(ValidationError) as caught:
        services.event_cancel(actor=secretariat, event=event, reason=" ")
    assert "中止の理由" in caught.value.message_dict["reason"][0]
    event = services.event_cancel(actor=secretariat, event=event, reason="講師の体調不良のため")
    assert event.state == EventState.CANCELLED and event.sequence == 1
    assert Notification.objects.get(kind="events.cancelled").recipient == coordinator
    with pytest.raises(PermissionDenied):
        services.registration_create(actor=coordinator, event=event)


def test_attendance_after_the_start_and_materials(secretariat: User, coordinator: User) -> None:
    event = make_event()
    registration = services.registration_create(actor=coordinator, event=event)
    with pytest.raises(ValidationError, match="開始日時の後"):
        services.attendance_record(actor=secretariat, event=event, attended={registration.pk})
    after = event.ends_at + dt.timedelta(hours=1)
    services.attendance_record(actor=secretariat, event=event, attended={registration.pk}, now=after)
    assert Registration.objects.get().attended is True
    with pytest.raises(ValidationError) as caught:
        services.attendance_record(actor=secretariat, event=event, attended={999999}, now=after)
    assert "attended" in caught.value.message_dict
    before = _state()
    with pytest.raises(ValidationError) as caught:
        services.materials_save(actor=secretariat, event=event, materials_url="ftp://x", recording_url="")
    assert "資料のURL" in caught.value.message_dict["materials_url"][0]
    assert _state() == before
    event = services.materials_save(
        actor=secretariat, event=event, materials_url="https://example.jp/a.pdf", recording_url=""
    )
    assert event.materials_url == "https://example.jp/a.pdf"


def test_editing_raises_the_sequence_and_capacity_not_below_registrations(secretariat: User, coordinator: User) -> None:
    event = make_event(capacity=2)
    services.registration_create(actor=coordinator, event=event)
    same = services.event_save(actor=secretariat, event=event, data=services.event_input(event))
    assert same.sequence == 0
    moved = services.event_input(event)
    moved.starts_at = moved.starts_at + dt.timedelta(hours=1)  # type: ignore[operator]
    moved.ends_at = moved.ends_at + dt.timedelta(hours=1)  # type: ignore[operator]
    assert services.event_save(actor=secretariat, event=event, data=moved).sequence == 1
    moved.capacity = 0
    with pytest.raises(ValidationError):
        services.event_save(actor=secretariat, event=event, data=moved)


def test_ical_escapes_folds_and_parses_back() -> None:
    event = make_event(
        title="交流会; 育休, 両立\\支援 " + "とても長い名前" * 10,
        description="1行目\n2行目, 3; 4",
    )
    now = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
    body = ical.calendar([(event, "https://shokuba.example.jp/events/1/")], now=now, name="申込")
    assert b"\r\n " in body  # folded
    calendar, vevent = parse(body)
    assert calendar["VERSION"] == "2.0" and calendar["METHOD"] == "PUBLISH" and calendar["PRODID"]
    assert vevent["SUMMARY"] == event.title
    assert "1行目\n2行目, 3; 4" in vevent["DESCRIPTION"]
    assert vevent["LOCATION"] == "東京都千代田区 会議室A, 3階; 受付は1階 / https://meet.example.jp/lecture-1"
    assert vevent["UID"] == f"{event.uid}@shokuba.events"
    assert vevent["DTSTART"] == event.starts_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert vevent["DTSTART"].endswith("T050000Z")  # 14:00 in Tokyo
    assert vevent["DTSTAMP"] == "20261206T120000Z" and vevent["STATUS"] == "CONFIRMED"
    again = parse(ical.calendar([(event, "https://x/")], now=now))[1]
    assert again["UID"] == vevent["UID"]


def test_ics_downloads(coordinator: User, other_coordinator: User, org_admin: User) -> None:
    event = make_event(title="講義: 評価")
    services.registration_create(actor=coordinator, event=event)
    client = Client()
    client.force_login(coordinator)
    response = client.get(f"/events/{event.pk}/event.ics")
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert parse(response.content)[1]["SUMMARY"] == "講義: 評価"
    feed = parse(client.get("/events/my.ics").content)
    assert [c["SUMMARY"] for c in feed[1:]] == ["講義: 評価"]
    client.force_login(other_coordinator)
    assert parse(client.get("/events/my.ics").content)[1:] == []
    client.force_login(org_admin)
    assert client.get("/events/my.ics").status_code == 403
    assert client.get(f"/events/{event.pk}/event.ics").status_code == 404


def test_full_page_answers_400_in_japanese(coordinator: User, other_coordinator: User) -> None:
    event = make_event(capacity=1)
    client = Client()
    client.force_login(coordinator)
    assert client.post(f"/events/{event.pk}/register/").status_code == 302
    client.force_login(other_coordinator)
    before = _state()
    response = client.post(f"/events/{event.pk}/register/")
    assert response.status_code == 400
    assert "定員（1人）に達したため、申し込めません。" in response.content.decode()
    assert _state() == before


def test_form_bad_input_is_400(secretariat: User) -> None:
    client = Client()
    client.force_login(secretariat)
    before = _state()
    response = client.post(
        "/events/new/",
        {
            "kind": "lecture",
            "title": "講義",
            "starts_at": "2027-01-10T14:00",
            "ends_at": "2027-01-10T13:00",
            "capacity": "5",
            "venue": "",
            "online_url": "",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "終了日時は開始日時より後にしてください。" in body and "会場かオンライン参加のURL" in body
    assert _state() == before
    response = client.post(
        "/events/new/",
        {
            "kind": "lecture",
            "title": "講義",
            "starts_at": "2027-01-10T14:00",
            "ends_at": "2027-01-10T16:00",
            "capacity": "5",
            "venue": "会議室",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get(title="講義")
    assert event.starts_at == dt.datetime(2027, 1, 10, 5, 0, tzinfo=dt.UTC)  # entered in Japan time


def _feedback_wave(coordinator: User, toyooka: Any) -> Any:
    questionnaire = surveys.questionnaire_create_from_template(
        actor=coordinator, member=toyooka, template_code="resident"
    )
    version = surveys.questionnaire_publish(actor=coordinator, version=questionnaire.versions.get())
    today = timezone.localdate()
    wave = surveys.wave_create(
        actor=coordinator,
        version=version,
        name="講義の感想",
        fiscal_year=2026,
        opens_on=today,
        closes_on=today + dt.timedelta(days=14),
        public_link=True,
    )
    return surveys.wave_open(actor=coordinator, wave=wave)


def test_feedback_survey_reaches_the_attendees_through_the_survey_engine(
    secretariat: User, coordinator: User, other_coordinator: User, toyooka: Any
) -> None:
    wave = _feedback_wave(coordinator, toyooka)
    event = make_event()
    came = services.registration_create(actor=coordinator, event=event)
    services.registration_create(actor=other_coordinator, event=event)
    services.attendance_record(actor=secretariat, event=event, attended={came.pk}, now=event.ends_at)
    before = _state()
    with pytest.raises(ValidationError) as caught:
        services.survey_attach(actor=secretariat, event=event, wave_id=999999)
    assert "アンケート" in caught.value.message_dict["wave"][0]
    assert _state() == before
    services.survey_attach(actor=secretariat, event=event, wave_id=wave.pk)
    assert [n.recipient for n in Notification.objects.filter(kind="events.survey")] == [coordinator]
    token = wave.links.get().token
    client = Client()
    client.force_login(coordinator)
    assert f"/s/{token}/" in client.get(f"/events/{event.pk}/").content.decode()
    client.force_login(other_coordinator)  # absent: no link
    assert f"/s/{token}/" not in client.get(f"/events/{event.pk}/").content.decode()
    client.force_login(secretariat)  # the figures: only through the results page (its suppression gate)
    assert f"/surveys/waves/{wave.pk}/results/" in client.get(f"/events/{event.pk}/").content.decode()


def test_a_coordinator_sees_only_their_own_members_registrations(
    secretariat: User, coordinator: User, other_coordinator: User
) -> None:
    coordinator.display_name = "豊岡 花子"
    coordinator.save(update_fields=["display_name"])
    event = make_event()
    services.registration_create(actor=coordinator, event=event)
    client = Client()
    client.force_login(other_coordinator)
    assert "豊岡 花子" not in client.get(f"/events/{event.pk}/").content.decode()
    client.force_login(coordinator)
    assert "豊岡 花子" in client.get(f"/events/{event.pk}/").content.decode()
    client.force_login(secretariat)
    assert "豊岡 花子" in client.get(f"/events/{event.pk}/").content.decode()
