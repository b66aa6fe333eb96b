"""Consultations, referrals, reminders and the notifications they send, through the services and pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from shokuba.api.tests.helpers import Api
from shokuba.core.models import AuditEntry, Notification, NotificationPreference
from shokuba.core.notifications import kinds, notifications_digest_send, unsubscribe_token
from shokuba.support import services
from shokuba.support.models import Consultation, ReferralRecord, Status
from shokuba.support.tests.fixtures import consultation_with_rows
from shokuba.workplace.models import Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(toyooka: Any, coordinator: Any, support: Any, django_capture_on_commit_callbacks: Any) -> Any:
    coordinator.email = "coord@example.jp"
    coordinator.save()
    support.email = "support@example.jp"
    support.save()
    return consultation_with_rows(toyooka, coordinator, support)


def test_directory_ships_94_unverified_entries_with_sources() -> None:
    bureaus = Referral.objects.filter(kind="labour_bureau")
    centres = Referral.objects.filter(kind="support_centre")
    assert bureaus.count() == 47 and centres.count() == 47
    assert all(r.url.startswith("https://jsite.mhlw.go.jp/") and r.url.endswith("-roudoukyoku/") for r in bureaus)
    assert bureaus.get(prefecture_code="28").url == "https://jsite.mhlw.go.jp/hyogo-roudoukyoku/"
    assert {r.url for r in centres} == {"https://www.mhlw.go.jp/stf/seisakunitsuite/bunya/0000198331.html"}
    assert not Referral.objects.filter(verified=True).exists()
    assert not Referral.objects.exclude(phone="").exists() and not Referral.objects.exclude(address="").exists()
    assert all("DOMAIN.md §9" in r.source_title for r in bureaus)


def test_ask_answer_refer_notify_by_mail(rows: Any, coordinator: Any, support: Any) -> None:
    consultation, record = rows
    assert consultation.status == Status.REFERRED
    assert consultation.first_answered_at is not None
    kinds = list(Notification.objects.filter(recipient=coordinator).values_list("kind", flat=True))
    assert sorted(kinds) == ["support.answered", "support.referred"]
    subjects = [m.subject for m in mail.outbox if m.to == ["coord@example.jp"]]
    assert any("回答" in s for s in subjects) and any("紹介" in s for s in subjects)
    message = next(m for m in mail.outbox if m.to == ["coord@example.jp"])
    assert message.alternatives == [] and "/notifications/unsubscribe/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "兵庫労働局" in record.body_name


def test_state_machine_refuses_and_changes_nothing(rows: Any, support: Any) -> None:
    consultation, _record = rows
    services.consultation_status_set(actor=support, consultation=consultation, status=Status.CLOSED)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.consultation_status_set(actor=support, consultation=consultation, status=Status.IN_PROGRESS)
    assert "「完了」の相談を「対応中」にすることはできません。" in str(refused.value)
    assert AuditEntry.objects.count() == before
    consultation.refresh_from_db()
    assert consultation.status == Status.CLOSED


def test_internal_notes_are_never_shown_to_the_member(rows: Any, coordinator: Any, support: Any) -> None:
    consultation, _record = rows
    services.consultation_reply(actor=support, consultation=consultation, body="内部の見立てメモ", internal=True)
    client = Client()
    client.force_login(coordinator)
    page = client.get(f"/support/consultations/{consultation.pk}/").content.decode()
    assert "内部の見立てメモ" not in page
    client.force_login(support)
    assert "内部の見立てメモ" in client.get(f"/support/consultations/{consultation.pk}/").content.decode()
    with pytest.raises(ValidationError):
        services.consultation_reply(actor=coordinator, consultation=consultation, body="x", internal=True)


def test_other_member_sees_nothing(rows: Any, other_coordinator: Any) -> None:
    consultation, _record = rows
    client = Client()
    client.force_login(other_coordinator)
    assert client.get(f"/support/consultations/{consultation.pk}/").status_code == 404
    assert consultation.title not in client.get("/support/").content.decode()


def test_follow_up_reminder_once_and_overdue(
    rows: Any, coordinator: Any, support: Any, secretariat: Any, django_capture_on_commit_callbacks: Any
) -> None:
    consultation, record = rows
    record.follow_up_on = timezone.localdate()
    record.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=open("/dev/null", "w"))
    notices = Notification.objects.filter(recipient=support, kind="support.referral_follow_up")
    assert notices.count() == 1
    assert any("フォローアップ" in m.subject for m in mail.outbox)
    call_command("send_reminders", stdout=open("/dev/null", "w"))  # nothing twice
    assert notices.count() == 1
    # An unanswered consultation past its target: the team and the secretariat are told once.
    late = services.consultation_ask(
        actor=coordinator, member=consultation.member, theme="other", title="遅れた相談", description="本文"
    )
    Consultation.objects.filter(pk=late.pk).update(answer_due=timezone.now() - dt.timedelta(hours=1))
    call_command("send_reminders", stdout=open("/dev/null", "w"))
    call_command("send_reminders", stdout=open("/dev/null", "w"))
    assert Notification.objects.filter(kind="support.consultation_overdue", recipient=secretariat).count() == 1


def test_digest_and_unsubscribe(
    rows: Any, coordinator: Any, support: Any, django_capture_on_commit_callbacks: Any
) -> None:
    consultation, _record = rows
    client = Client()
    client.force_login(coordinator)
    choices = {kind.code: kind.default for kind in kinds()}
    choices.update({"support.answered": "digest", "support.referred": "none"})
    assert client.post("/notifications/preferences/", choices).status_code == 302
    assert client.post("/notifications/preferences/", {**choices, "support.answered": "x"}).status_code == 422
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.consultation_reply(actor=support, consultation=consultation, body="二度目の回答")
    assert mail.outbox == []  # digest: not now
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_digest_send() == 1
    assert "二度目の回答" in mail.outbox[0].body and "まとめ" in mail.outbox[0].subject
    assert notifications_digest_send() == 0
    # One-click unsubscribe without logging in.
    token = unsubscribe_token(coordinator, "support.answered")
    assert Client().get(f"/notifications/unsubscribe/{token}/").status_code == 200
    assert Client().post(f"/notifications/unsubscribe/{token}/").status_code == 200
    assert NotificationPreference.objects.get(user=coordinator, kind="support.answered").delivery == "none"
    assert Client().get("/notifications/unsubscribe/forged/").status_code == 404


def test_faq_needs_consent_and_anonymity(rows: Any, coordinator: Any, support: Any) -> None:
    consultation, _record = rows
    services.consultation_status_set(actor=support, consultation=consultation, status=Status.CLOSED)
    with pytest.raises(ValidationError):
        services.faq_create(actor=support, consultation=consultation, question="Q", answer="A")
    services.consultation_consent_set(actor=coordinator, consultation=consultation, consent=True)
    with pytest.raises(ValidationError) as named:
        services.faq_create(actor=support, consultation=consultation, question="豊岡市の説明会は？", answer="A")
    assert "豊岡" in str(named.value)
    entry = services.faq_create(
        actor=support, consultation=consultation, question="説明会に労働局の協力を得るには？", answer="紹介します。"
    )
    assert entry.source == consultation


def test_referral_needs_consent_and_a_body(rows: Any, support: Any, coordinator: Any) -> None:
    consultation, _record = rows
    with pytest.raises(ValidationError) as refused:
        services.referral_create(actor=support, consultation=consultation, reason="r", consent_note="")
    assert set(refused.value.message_dict) == {"body", "consent_note"}
    with pytest.raises(PermissionDenied):
        services.referral_create(
            actor=coordinator, consultation=consultation, other_body="x", reason="r", consent_note="c"
        )
    assert ReferralRecord.objects.count() == 1


def test_referral_letter_pdf(rows: Any, coordinator: Any) -> None:
    _consultation, record = rows
    client = Client()
    client.force_login(coordinator)
    response = client.get(f"/support/referrals/{record.pk}/letter.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert b"IPAexGothic" in response.content


def test_api_ask_with_step_and_unknown_references(coordinator: Any) -> None:
    api = Api(coordinator, auth="token")
    made = api.call(
        "POST", "support/consultations", {"theme": "plan", "title": "計画", "description": "d", "step": "3-a"}
    )
    assert made.status_code == 201 and made.json()["step"] == "3-a"
    before = Consultation.objects.count()
    for body, field in (
        ({"step": "9-z"}, "step"),
        ({"organisations": [999999]}, "organisations"),
    ):
        refused = api.call("POST", "support/consultations", {"theme": "plan", "title": "t", "description": "d", **body})
        assert refused.status_code == 422, refused.content
        assert refused.json()["detail"][0]["loc"] == ["body", field]
        assert refused.json()["detail"][0]["type"] == "reference"
    assert Consultation.objects.count() == before
