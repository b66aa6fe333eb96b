"""Every learning API operation × every role (token; session for two roles): 404 for a case the caller may not see,
403 for a visible one without the right, 2xx otherwise; a refused write changes nothing and leaves the audit log
as it was; an accepted write adds one audit entry."""

from __future__ import annotations

from typing import Any

import pytest

from shokuba.api.tests.helpers import ROLES, Api, matrix_row_check, session_reads_check
from shokuba.core.models import AuditEntry
from shokuba.learning import services
from shokuba.learning.models import Case, CaseComment, CaseHelpful
from shokuba.learning.tests.fixtures import approved_case, case_input
from shokuba.network.models import Member, User

SEC, SUP, COORD, PREF, OTHER, ORG = ROLES


def expect(default: int, **by_role: int) -> dict[str, int]:
    names = {"sec": SEC, "sup": SUP, "coord": COORD, "pref": PREF, "other": OTHER, "org": ORG}
    statuses = dict.fromkeys(ROLES, default)
    statuses.update({names[key]: status for key, status in by_role.items()})
    return statuses


CASE = {
    "title": "API の事例",
    "steps": ["4-3"],
    "themes": ["childcare"],
    "tried": "取組",
    "happened": "結果",
    "failures": "失敗",
    "failure_causes": "理由",
    "lessons": "教訓",
}
READERS = {"sec": 200, "sup": 200, "coord": 200, "pref": 200, "other": 200}
CASES: list[tuple[str, str, str, Any, dict[str, int]]] = [
    ("search", "GET", "learning/search?q=育休&theme=childcare", None, expect(403, **READERS)),
    ("create", "POST", "learning/cases", CASE, expect(403, coord=201, pref=201, other=201)),
    ("approved", "GET", "learning/cases/{approved}", None, expect(200, org=404)),
    ("draft", "GET", "learning/cases/{draft}", None, expect(404, coord=200)),
    ("submitted", "GET", "learning/cases/{submitted}", None, expect(404, sec=200, sup=200, coord=200)),
    ("put draft", "PUT", "learning/cases/{draft}", CASE, expect(404, coord=200)),
    ("submit draft", "POST", "learning/cases/{draft}/submit", None, expect(404, coord=200)),
    ("approve", "POST", "learning/cases/{submitted}/approve", None, expect(404, sec=200, sup=403, coord=403)),
    (
        "return",
        "POST",
        "learning/cases/{submitted}/return",
        {"reason": "費用を書いてください"},
        expect(404, sec=200, sup=403, coord=403),
    ),
    ("comment", "POST", "learning/cases/{approved}/comments", {"body": "参考にします"}, expect(201, org=404)),
    ("helpful", "PUT", "learning/cases/{approved}/helpful", {"helpful": True}, expect(200, coord=403, org=404)),
]


@pytest.fixture
def places(toyooka: Member, coordinator: User) -> dict[str, Any]:
    approved = approved_case(toyooka, coordinator)
    draft = services.case_save(actor=coordinator, member=toyooka, data=case_input(title="下書き"))
    submitted = services.case_save(actor=coordinator, member=toyooka, data=case_input(title="提出済み"))
    services.case_submit(actor=coordinator, case=submitted)
    return {"approved": approved.pk, "draft": draft.pk, "submitted": submitted.pk}


def _state() -> tuple[Any, ...]:
    return (
        AuditEntry.objects.count(),
        sorted(Case.objects.values_list("pk", "state", "title")),
        CaseComment.objects.count(),
        CaseHelpful.objects.count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "statuses"), CASES, ids=[c[0] for c in CASES])
def test_learning_api_matrix(
    request: pytest.FixtureRequest,
    places: dict[str, Any],
    role: str,
    name: str,
    method: str,
    path: str,
    body: Any,
    statuses: dict[str, int],
) -> None:
    user = request.getfixturevalue(role)
    api = Api(user, auth="token")
    before = matrix_row_check(
        lambda: api.call(method, path.format(**places), body), method=method, expected=statuses[role], state=_state
    )
    if before is not None:  # a granted write: audited once, as its caller
        assert AuditEntry.objects.count() == before[0] + 1
        assert AuditEntry.objects.order_by("-id").first().actor_id == user.pk  # type: ignore[union-attr]


@pytest.mark.django_db
def test_session_reaches_the_same_answers(request: pytest.FixtureRequest, places: dict[str, Any]) -> None:
    session_reads_check(request, places, CASES, (COORD, ORG))


@pytest.mark.django_db
def test_search_answers_marked_html_and_bad_input_is_422(
    request: pytest.FixtureRequest, places: dict[str, Any]
) -> None:
    api = Api(request.getfixturevalue(OTHER), auth="token")
    body = api.call("GET", "learning/search?q=育休", None).json()
    assert body["total"] == 1 and "<mark>育休</mark>" in body["hits"][0]["title_html"]
    response = api.call("GET", "learning/search?theme=nope", None)
    assert response.status_code == 422
    response = api.call("POST", "learning/cases", {**CASE, "steps": ["9-z"]})
    assert response.status_code == 422 and response.json()["detail"][0]["type"] == "reference"
