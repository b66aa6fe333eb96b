"""Throwing away a draft, and changing a wave's answering period (e.g. extending the deadline)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shokuba.core.models import AuditAction, AuditEntry
from shokuba.surveys import services
from shokuba.surveys.models import Questionnaire, QuestionnaireVersion, VersionStatus, Wave
from shokuba.surveys.tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def test_discarding_a_later_draft_keeps_the_published_version(
    coordinator: Any, questionnaire: Questionnaire, published: QuestionnaireVersion
) -> None:
    draft = services.questionnaire_draft_start(actor=coordinator, questionnaire=questionnaire)
    services.question_remove(actor=coordinator, version=draft, code="WS-FREE")
    response = logged_in(coordinator).post(f"/surveys/questionnaires/{questionnaire.pk}/draft/discard/")
    assert response.status_code == 302
    assert response["Location"] == f"/surveys/questionnaires/{questionnaire.pk}/"
    assert list(questionnaire.versions.values_list("number", "status")) == [(1, VersionStatus.PUBLISHED)]
    entry = AuditEntry.objects.filter(action=AuditAction.DELETE).get()
    assert entry.before is not None and entry.before["number"] == 2
    # A new draft starts again from the published version, WS-FREE included.
    again = services.questionnaire_draft_start(actor=coordinator, questionnaire=questionnaire)
    assert again.number == 2 and any(q["code"] == "WS-FREE" for q in again.definition["questions"])


def test_discarding_a_never_published_questionnaire_deletes_it(coordinator: Any, questionnaire: Questionnaire) -> None:
    response = logged_in(coordinator).post(f"/surveys/questionnaires/{questionnaire.pk}/draft/discard/")
    assert response.status_code == 302 and response["Location"] == "/members/282090/surveys/"
    assert not Questionnaire.objects.filter(pk=questionnaire.pk).exists()
    assert not QuestionnaireVersion.objects.exists()
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, target_type="surveys.questionnaire").count() == 1


def test_a_published_version_cannot_be_discarded(
    coordinator: Any, questionnaire: Questionnaire, published: QuestionnaireVersion
) -> None:
    with pytest.raises(Exception, match="公開済みの版は変更できません"):
        services.questionnaire_draft_discard(actor=coordinator, version=published)
    assert QuestionnaireVersion.objects.filter(pk=published.pk).exists()


def test_the_deadline_of_an_open_wave_can_be_extended(coordinator: Any, wave: Wave) -> None:
    later = wave.closes_on + dt.timedelta(days=14)
    client = logged_in(coordinator)
    page = client.get(f"/surveys/waves/{wave.pk}/dates/")
    assert page.status_code == 200 and "受付期間を変更する" in page.content.decode()
    response = client.post(
        f"/surveys/waves/{wave.pk}/dates/", {"opens_on": wave.opens_on.isoformat(), "closes_on": later.isoformat()}
    )
    assert response.status_code == 302
    wave.refresh_from_db()
    assert wave.closes_on == later
    entry = AuditEntry.objects.filter(target_type="surveys.wave", action=AuditAction.UPDATE).latest("id")
    assert entry.after is not None and entry.after["closes_on"] == later.isoformat()


@pytest.mark.parametrize(
    ("opens_on", "closes_on", "message"),
    [
        ("2026-12-01", "2026-11-01", "終了日は開始日と同じか、それより後の日付にしてください。"),
        ("2026-12-01", "", "このフィールドは必須です。"),
        ("2026-13-01", "2026-12-31", "日付を正しく入力してください。"),
    ],
)
def test_bad_dates_are_named_and_change_nothing(
    coordinator: Any, wave: Wave, opens_on: str, closes_on: str, message: str
) -> None:
    before = (wave.opens_on, wave.closes_on)
    audit_count = AuditEntry.objects.count()
    response = logged_in(coordinator).post(
        f"/surveys/waves/{wave.pk}/dates/", {"opens_on": opens_on, "closes_on": closes_on}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    wave.refresh_from_db()
    assert (wave.opens_on, wave.closes_on) == before
    assert AuditEntry.objects.count() == audit_count


def test_a_closed_wave_keeps_its_dates(coordinator: Any, wave: Wave) -> None:
    services.wave_close(actor=coordinator, wave=wave)
    response = logged_in(coordinator).post(
        f"/surveys/waves/{wave.pk}/dates/", {"opens_on": wave.opens_on.isoformat(), "closes_on": "2027-03-31"}
    )
    assert response.status_code == 400
    assert "終了した調査の期間は変更できません。" in response.content.decode()
    wave.refresh_from_db()
    assert wave.closes_on != dt.date(2027, 3, 31)
