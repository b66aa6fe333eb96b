"""The plan pages' rows of the project's permission matrix (tests/test_permission_matrix.py).

豊岡市 has a plan (its coordinator writes it); the secretariat changes it too; the support team reads it; 宮城県's
coordinator oversees 気仙沼市 (not 豊岡市); 気仙沼市's coordinator and the organisation admin see nothing of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shokuba.plans.tests.fixtures import plan_with_rows


def _rows(world: Any) -> Any:
    found = getattr(world, "_plan_rows", None)
    if found is None:
        found = world._plan_rows = plan_with_rows(world.toyooka, world.users["coord"])
    return found


def _kpi(world: Any) -> int:
    return int(_rows(world)[1].pk)


def _initiative(world: Any) -> int:
    return int(_rows(world)[2].pk)


def _job(world: Any) -> int:
    return int(_rows(world)[3].pk)


def _base(world: Any) -> str:
    _rows(world)
    return "/plans/members/282090/"


PLAN_FORM = {"title": "計画", "vision": "姿", "goals": "", "start_year": "2026", "end_year": "2028"}
KPI_FORM = {
    "name": "新しいKPI",
    "source": "manual",
    "unit": "人",
    "baseline_year": "2026",
    "baseline_value": "1",
    "target_value": "5",
    "target_year": "2028",
    "window_years": "1",
}


def plan_cases(case: Callable[..., Any], expect: Callable[..., dict[str, int]]) -> list[Any]:
    read = {"sec": 200, "sup": 200, "coord": 200}
    write = {"sec": 200, "sup": 403, "coord": 200}
    post = {"sec": 302, "sup": 403, "coord": 302}
    return [
        case("plans:network", "GET", lambda w: "/plans/network/", expect(403, sec=200, sup=200)),
        case("plans:plan", "GET", lambda w: _base(w), expect(404, **read), label="toyooka"),
        case(
            "plans:plan",
            "GET",
            lambda w: "/plans/members/042056/",
            expect(404, sec=200, sup=200, pref=200, other=200),
            label="kesennuma",
        ),
        case("plans:plan_edit", "GET", lambda w: _base(w) + "edit/", expect(404, **write)),
        case("plans:plan_edit", "POST", lambda w: _base(w) + "edit/", expect(404, **post), body=lambda w: PLAN_FORM),
        case("plans:approve", "GET", lambda w: _base(w) + "approve/", expect(404, **write)),
        case(
            "plans:approve",
            "POST",
            lambda w: _base(w) + "approve/",
            expect(404, **post),
            body=lambda w: {"approved_on": "2026-05-01", "body": "推進会議", "note": ""},
        ),
        case("plans:revise", "POST", lambda w: _base(w) + "revise/", expect(404, **post), body=lambda w: {}),
        case("plans:kpi_add", "GET", lambda w: _base(w) + "kpis/new/", expect(404, **write)),
        case("plans:kpi_add", "POST", lambda w: _base(w) + "kpis/new/", expect(404, **post), body=lambda w: KPI_FORM),
        case("plans:initiative_add", "GET", lambda w: _base(w) + "initiatives/new/", expect(404, **write)),
        case("plans:review_edit", "GET", lambda w: _base(w) + "reviews/2026/", expect(404, **write)),
        case("plans:reports", "GET", lambda w: _base(w) + "reports/", expect(404, **read)),
        case(
            "plans:reports",
            "POST",
            lambda w: _base(w) + "reports/",
            expect(404, **post),
            body=lambda w: {"fiscal_year": "2026", "variant": "public"},
        ),
        case("plans:kpi", "GET", lambda w: f"/plans/kpis/{_kpi(w)}/", expect(404, **read)),
        case("plans:kpi_edit", "GET", lambda w: f"/plans/kpis/{_kpi(w)}/edit/", expect(404, **write)),
        case(
            "plans:kpi_delete",
            "POST",
            lambda w: f"/plans/kpis/{_kpi(w)}/delete/",
            expect(404, **post),
            body=lambda w: {},
        ),
        case(
            "plans:kpi_value_add",
            "POST",
            lambda w: f"/plans/kpis/{_kpi(w)}/values/",
            expect(404, sec=400, sup=403, coord=400),
            body=lambda w: {},
        ),
        case(
            "plans:initiative_edit", "GET", lambda w: f"/plans/initiatives/{_initiative(w)}/edit/", expect(404, **write)
        ),
        case("plans:report_job", "GET", lambda w: f"/plans/reports/{_job(w)}/", expect(404, **read)),
        case("plans:report_download", "GET", lambda w: f"/plans/reports/{_job(w)}/pdf/", expect(404, **read)),
    ]
