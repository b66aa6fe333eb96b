"""A case started from a closed consultation (issue #15.4): the member's coordinator opens the case form prefilled
with the consultation and the support team's answers — never its internal notes — and saves it as the member's own
draft; another member, an open consultation or an unknown id is 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, TestCase

from shokuba.learning.models import Case, CaseState
from shokuba.network.models import Member, User
from shokuba.support import services as support_services
from shokuba.support.models import Status
from shokuba.support.tests.fixtures import consultation_with_rows

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _closed(toyooka: Member, coordinator: User, support: User) -> Any:
    consultation, _record = consultation_with_rows(toyooka, coordinator, support)
    with TestCase.captureOnCommitCallbacks(execute=True):
        support_services.consultation_reply(
            actor=support, consultation=consultation, body="担当課長に確認済み（秘）", internal=True
        )
    for status in (Status.ANSWERED, Status.CLOSED):
        if consultation.status != status:
            consultation = support_services.consultation_status_set(
                actor=coordinator if status == Status.CLOSED else support, consultation=consultation, status=status
            )
    consultation.refresh_from_db()
    assert consultation.status == Status.CLOSED
    return consultation


def test_the_member_starts_a_case_from_its_closed_consultation(
    toyooka: Member, coordinator: User, support: User
) -> None:
    consultation = _closed(toyooka, coordinator, support)
    client = _client(coordinator)
    page = client.get(f"/support/consultations/{consultation.pk}/").content.decode()
    assert f"/learning/cases/new/?consultation={consultation.pk}" in page
    form = client.get(f"/learning/cases/new/?consultation={consultation.pk}")
    assert form.status_code == 200
    text = form.content.decode()
    assert "参加企業を増やしたい" in text and "商工会と一緒に説明会を開きたい" in text
    assert "労働局を紹介します。" in text  # the support team's answer
    assert "担当課長に確認済み" not in text  # never the internal note
    saved = client.post(
        f"/learning/cases/new/?consultation={consultation.pk}",
        {"title": "参加企業を増やす説明会", "tried": "説明会", "visibility": "network"},
    )
    assert saved.status_code == 302
    case = Case.objects.get(title="参加企業を増やす説明会")
    assert case.member_id == toyooka.pk and case.state == CaseState.DRAFT


def test_nobody_else_starts_a_case_from_it(
    toyooka: Member, coordinator: User, support: User, other_coordinator: User, secretariat: User
) -> None:
    consultation = _closed(toyooka, coordinator, support)
    url = f"/learning/cases/new/?consultation={consultation.pk}"
    assert _client(other_coordinator).get(url).status_code == 404
    assert _client(coordinator).get("/learning/cases/new/?consultation=99999").status_code == 404
    assert _client(coordinator).get("/learning/cases/new/?consultation=abc").status_code == 404
    assert _client(coordinator).get("/learning/cases/new/?consultation=99999999999999999999").status_code == 404
    # The support team and the secretariat have no member: a case is a member's own story.
    assert _client(support).get(url).status_code in (403, 404)
    assert _client(secretariat).get(url).status_code in (403, 404)


def test_an_open_consultation_is_not_a_case_yet(toyooka: Member, coordinator: User, support: User) -> None:
    consultation, _record = consultation_with_rows(toyooka, coordinator, support)
    assert consultation.status != Status.CLOSED
    assert _client(coordinator).get(f"/learning/cases/new/?consultation={consultation.pk}").status_code == 404
