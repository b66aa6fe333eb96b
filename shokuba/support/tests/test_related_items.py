"""The support team's answer can point to the case library (issue #15.1): the consultation page lists the cases
that match its title (the same guidebook step first) and quotes one into the answer with its address; the member's
coordinator does not get the list, and a case the reader may not see cannot be quoted."""

from __future__ import annotations

import pytest
from django.test import Client, TestCase

from shokuba.guidebook.models import Step
from shokuba.learning import services as learning_services
from shokuba.learning.tests.fixtures import approved_case, case_input
from shokuba.network.models import Member, User
from shokuba.support import services
from shokuba.support.models import ConsultationTheme

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_support_team_sees_matching_cases_and_quotes_one(
    toyooka: Member, coordinator: User, support: User, kesennuma: Member, other_coordinator: User
) -> None:
    case = approved_case(kesennuma, other_coordinator)  # 男性の育休取得を後押しする企業向け説明会, step 4-3
    draft = learning_services.case_save(
        actor=other_coordinator, member=kesennuma, data=case_input(title="育休の下書き（未提出）")
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        consultation = services.consultation_ask(
            actor=coordinator,
            member=toyooka,
            theme=ConsultationTheme.WORK_STYLE,
            title="男性の育休を広げたい",
            description="説明会の進め方を知りたい。",
            step=Step.objects.get(code="4-3"),
        )
    page = _client(support).get(f"/support/consultations/{consultation.pk}/").content.decode()
    assert f"/learning/cases/{case.pk}/" in page
    assert f"?cite=case:{case.pk}" in page
    assert "育休の下書き" not in page  # a draft is nobody's to quote
    quoted = _client(support).get(f"/support/consultations/{consultation.pk}/?cite=case:{case.pk}").content.decode()
    assert f"参考：「{case.title}」 http://testserver/learning/cases/{case.pk}/" in quoted
    not_quoted = _client(support).get(f"/support/consultations/{consultation.pk}/?cite=case:{draft.pk}")
    assert "育休の下書き" not in not_quoted.content.decode()
    too_big = _client(support).get(f"/support/consultations/{consultation.pk}/?cite=case:99999999999999999999")
    assert too_big.status_code == 200  # ignored, not a database error
    member_page = _client(coordinator).get(f"/support/consultations/{consultation.pk}/").content.decode()
    assert "関連する事例など" not in member_page and "?cite=" not in member_page
