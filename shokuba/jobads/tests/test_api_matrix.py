"""Every job-ad API operation × every role (token; session for two roles): 404 for an organisation, check or
member the caller may not see, 403 for a visible one without the right, 2xx otherwise; a refused write changes
nothing and leaves the audit log as it was; an allowed write leaves exactly one audit entry more."""

from __future__ import annotations

from typing import Any

import pytest

from shokuba.api.tests.helpers import ROLES, Api, matrix_row_check, session_reads_check
from shokuba.core.models import AuditEntry
from shokuba.jobads.models import JobAdCheck
from shokuba.jobads.tests.fixtures import flagged_key, saved_check
from shokuba.network.models import Organisation, User

SEC, SUP, COORD, PREF, OTHER, ORG = ROLES


def expect(default: int, **by_role: int) -> dict[str, int]:
    names = {"sec": SEC, "sup": SUP, "coord": COORD, "pref": PREF, "other": OTHER, "org": ORG}
    statuses = dict.fromkeys(ROLES, default)
    statuses.update({names[key]: status for key, status in by_role.items()})
    return statuses


READ = {"sec": 200, "sup": 200, "coord": 200, "org": 200}
AD = {"title": "事務（API）", "text": "看護婦募集。35歳以下。"}
CASES: list[tuple[str, str, str, Any, dict[str, int]]] = [
    ("check text", "POST", "jobads/check", {"text": "営業マン募集"}, expect(200)),
    ("check save", "POST", "jobads/organisations/{org}/checks", AD, expect(404, sec=201, sup=403, coord=201, org=201)),
    (
        "check save other",
        "POST",
        "jobads/organisations/{other_org}/checks",
        AD,
        expect(404, sec=201, sup=403, other=201),
    ),
    ("check", "GET", "jobads/checks/{check}", None, expect(404, **READ)),
    (
        "rewrite",
        "POST",
        "jobads/checks/{check}/rewrite",
        "KEYS",
        expect(404, sec=201, sup=403, coord=201, org=201),
    ),
    ("summary", "GET", "jobads/members/282090/summary", None, expect(404, **READ)),
    ("summary kesennuma", "GET", "jobads/members/042056/summary", None, expect(404, sec=200, sup=200, other=200)),
]


@pytest.fixture
def places(organisation: Organisation, other_organisation: Organisation, coordinator: User) -> dict[str, Any]:
    check = saved_check(organisation, coordinator)
    return {"org": organisation.pk, "other_org": other_organisation.pk, "check": check.pk, "key": flagged_key(check)}


def _state() -> tuple[Any, ...]:
    return (AuditEntry.objects.count(), JobAdCheck.objects.count())


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "statuses"), CASES, ids=[c[0] for c in CASES])
def test_jobads_api_matrix(
    request: pytest.FixtureRequest,
    places: dict[str, Any],
    role: str,
    name: str,
    method: str,
    path: str,
    body: Any,
    statuses: dict[str, int],
) -> None:
    api = Api(request.getfixturevalue(role), auth="token")
    sent = {"keys": [places["key"]]} if body == "KEYS" else body
    before = matrix_row_check(
        lambda: api.call(method, path.format(**places), sent), method=method, expected=statuses[role], state=_state
    )
    if before is not None:  # a granted write: one check stored and audited, except the stateless text check
        assert _state() == (before if name == "check text" else (before[0] + 1, before[1] + 1))


@pytest.mark.django_db
def test_session_reaches_the_same_answers(request: pytest.FixtureRequest, places: dict[str, Any]) -> None:
    session_reads_check(request, places, CASES, (COORD, ORG))
