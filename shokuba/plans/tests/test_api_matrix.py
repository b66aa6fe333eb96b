"""Every plans API operation × every role (token; session for two roles): 404 for a member, KPI or report the
caller may not see, 403 for a visible one without the right, 2xx otherwise; a refused write changes nothing and
leaves the audit log as it was."""

from __future__ import annotations

from typing import Any

import pytest

from shokuba.api.tests.helpers import ROLES, Api, matrix_row_check, session_reads_check
from shokuba.core.models import AuditEntry
from shokuba.network.models import Member, User
from shokuba.plans.models import Kpi, Plan, ReportJob
from shokuba.plans.tests.fixtures import plan_with_rows

SEC, SUP, COORD, PREF, OTHER, ORG = ROLES


def expect(default: int, **by_role: int) -> dict[str, int]:
    names = {"sec": SEC, "sup": SUP, "coord": COORD, "pref": PREF, "other": OTHER, "org": ORG}
    statuses = dict.fromkeys(ROLES, default)
    statuses.update({names[key]: status for key, status in by_role.items()})
    return statuses


READ = {"sec": 200, "sup": 200, "coord": 200}
PLAN = {"title": "計画", "vision": "姿", "goals": "", "start_year": 2026, "end_year": 2028}
KPI = {
    "name": "API のKPI",
    "source": "manual",
    "unit": "人",
    "baseline_year": 2026,
    "baseline_value": 1,
    "target_value": 5,
    "target_year": 2028,
}
CASES: list[tuple[str, str, str, Any, dict[str, int]]] = [
    ("plan", "GET", "plans/members/282090", None, expect(404, **READ)),
    ("plan kesennuma", "GET", "plans/members/042056", None, expect(404, sec=404, sup=404, pref=404, other=404)),
    ("plan put", "PUT", "plans/members/282090", PLAN, expect(404, sec=200, sup=403, coord=200)),
    ("kpi create", "POST", "plans/members/282090/kpis", KPI, expect(404, sec=201, sup=403, coord=201)),
    ("kpi", "GET", "plans/kpis/{kpi}", None, expect(404, **READ)),
    (
        "report request",
        "POST",
        "plans/members/282090/reports",
        {"fiscal_year": 2026, "variant": "public"},
        expect(404, sec=202, sup=403, coord=202),
    ),
    ("report", "GET", "plans/reports/{job}", None, expect(404, **READ)),
    ("report download", "GET", "plans/reports/{job}/download?format=xlsx", None, expect(404, **READ)),
    ("network", "GET", "plans/network", None, expect(403, sec=200, sup=200)),
]


@pytest.fixture
def places(toyooka: Member, kesennuma: Member, coordinator: User) -> dict[str, Any]:
    _plan, kpi, _initiative, job = plan_with_rows(toyooka, coordinator)
    return {"kpi": kpi.pk, "job": job.pk}


def _state() -> tuple[Any, ...]:
    return (
        AuditEntry.objects.count(),
        Plan.objects.count(),
        Kpi.objects.count(),
        ReportJob.objects.count(),
        list(Plan.objects.values_list("title", flat=True)),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "statuses"), CASES, ids=[c[0] for c in CASES])
def test_plans_api_matrix(
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
    matrix_row_check(
        lambda: api.call(method, path.format(**places), body), method=method, expected=statuses[role], state=_state
    )


@pytest.mark.django_db
def test_session_reaches_the_same_answers(request: pytest.FixtureRequest, places: dict[str, Any]) -> None:
    session_reads_check(request, places, CASES, (COORD, ORG))
