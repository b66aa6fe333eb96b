"""Every workplace API operation × every role × session and token (the API's role matrix for this router), the
suppression of the picture in the API, and a refused write leaving the database and the audit log as they were."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shokuba.api.tests.helpers import ROLES, Api, assert_error_shape
from shokuba.core.models import AuditEntry
from shokuba.core.permissions import SYSTEM
from shokuba.network.models import Member, Organisation
from shokuba.workplace.models import IndicatorYear
from shokuba.workplace.services import indicator_year_save

OWN = {
    "secretariat": 200,
    "support": 200,
    "coordinator": 200,
    "prefecture_coordinator": 404,
    "other_coordinator": 404,
    "org_admin": 200,
}
FOREIGN = {
    "secretariat": 200,
    "support": 200,
    "coordinator": 404,
    "prefecture_coordinator": 404,
    "other_coordinator": 200,
    "org_admin": 404,
}
BODY = {"raw": {"managers": 10, "managers_women": 3}, "male_childcare_leave_formula": "leave"}

# {org}: the organisation admin's 豊岡市 company; {foreign}: a 気仙沼市 company.
CASES: list[tuple[str, str, str, Any, dict[str, int]]] = [
    ("indicators", "GET", "workplace/organisations/{org}/indicators", None, OWN),
    ("indicators of another programme", "GET", "workplace/organisations/{foreign}/indicators", None, FOREIGN),
    (
        "save a year",
        "PUT",
        "workplace/organisations/{org}/indicators/2025",
        BODY,
        {**OWN, "support": 403},
    ),
    ("readiness", "GET", "workplace/organisations/{org}/readiness", None, OWN),
    (
        "picture of a programme",
        "GET",
        "workplace/members/282090/picture",
        None,
        {
            "secretariat": 200,
            "support": 200,
            "coordinator": 200,
            "prefecture_coordinator": 404,
            "other_coordinator": 404,
            "org_admin": 404,
        },
    ),
    (
        "picture of a municipality in the prefecture",
        "GET",
        "workplace/members/042056/picture",
        None,
        {
            "secretariat": 200,
            "support": 200,
            "coordinator": 404,
            "prefecture_coordinator": 200,
            "other_coordinator": 200,
            "org_admin": 404,
        },
    ),
    (
        "picture of the network",
        "GET",
        "workplace/picture",
        None,
        {**dict.fromkeys(ROLES, 403), "secretariat": 200, "support": 200},
    ),
]


def _path(path: str, organisation: Organisation, foreign: Organisation) -> str:
    return path.format(org=organisation.pk, foreign=foreign.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "statuses"), CASES, ids=[case[0] for case in CASES])
def test_workplace_api_matrix(
    name: str,
    method: str,
    path: str,
    body: Any,
    statuses: dict[str, int],
    role: str,
    auth: str,
    request: pytest.FixtureRequest,
    organisation: Organisation,
    other_organisation: Organisation,
) -> None:
    indicator_year_save(actor=SYSTEM, organisation=organisation, fiscal_year=2024, raw={"managers": 4})
    indicator_year_save(actor=SYSTEM, organisation=other_organisation, fiscal_year=2024, raw={"managers": 4})
    user = request.getfixturevalue(role)
    api = Api(user, auth=auth)  # issuing a token is audited: count after it
    before = (list(IndicatorYear.objects.values_list("pk", "raw")), AuditEntry.objects.count())
    response = api.call(method, _path(path, organisation, other_organisation), body)
    assert response.status_code == statuses[role], response.json_body
    if response.status_code >= 400:
        assert_error_shape(response, statuses[role])
        after = (list(IndicatorYear.objects.values_list("pk", "raw")), AuditEntry.objects.count())
        assert after == before


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "path", "body", "statuses"), CASES, ids=[case[0] for case in CASES])
def test_anonymous_callers_are_refused(
    name: str,
    method: str,
    path: str,
    body: Any,
    statuses: dict[str, int],
    organisation: Organisation,
    other_organisation: Organisation,
) -> None:
    assert_error_shape(Api().call(method, _path(path, organisation, other_organisation), body), 401)


def test_put_reports_each_bad_field_and_writes_nothing(org_admin: Any, organisation: Organisation) -> None:
    api = Api(org_admin)
    response = api.put(
        f"workplace/organisations/{organisation.pk}/indicators/2025",
        {"raw": {"managers": 2, "managers_women": 3}},
    )
    assert_error_shape(response, 422)
    assert "管理職" in response.content.decode()
    assert not IndicatorYear.objects.filter(organisation=organisation).exists()
    unknown = api.put(f"workplace/organisations/{organisation.pk}/indicators/2025", {"raw": {}, "colour": "red"})
    assert_error_shape(unknown, 422)
    ok = api.put(
        f"workplace/organisations/{organisation.pk}/indicators/2025", {"raw": {"managers": 4, "managers_women": 1}}
    )
    assert ok.status_code == 200
    assert ok.json_body["values"]["women_manager_ratio"] == 25.0


def test_picture_api_suppresses_under_the_threshold(coordinator: Any, toyooka: Member) -> None:
    def add(n: int) -> None:
        start = Organisation.objects.filter(member=toyooka).count()
        for i in range(n):
            org = Organisation.objects.create(
                member=toyooka,
                name=f"社{start + i}",
                industry="E",
                size_band="30-100",
                location_id="282090",
                joined_on=dt.date(2025, 4, 1),
            )
            indicator_year_save(
                actor=SYSTEM, organisation=org, fiscal_year=2025, raw={"managers": 10, "managers_women": 1 + i}
            )

    add(4)
    body = Api(coordinator).get("workplace/members/282090/picture?year=2025").json_body
    overall = next(c for c in body["cells"] if c["group_kind"] == "all" and c["indicator"] == "women_manager_ratio")
    assert overall["hidden"] and overall["median"] is None and overall["n"] == 4
    add(1)
    body = Api(coordinator).get("workplace/members/282090/picture?year=2025").json_body
    overall = next(c for c in body["cells"] if c["group_kind"] == "all" and c["indicator"] == "women_manager_ratio")
    assert not overall["hidden"] and overall["median"] == pytest.approx(20.0)  # 10, 20, 30, 40, 10
    assert Api(coordinator).get("workplace/members/282090/picture?year=2001").status_code == 404  # no figures
    assert Api(coordinator).get("workplace/members/282090/picture?year=1999").status_code == 422  # not a year
