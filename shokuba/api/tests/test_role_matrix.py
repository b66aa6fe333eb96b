"""Every endpoint × every role × both ways of signing in: who is answered, who is refused, and how.

404 means "not among the rows you may see" (other tenants' ids reveal nothing); 403 means "you may see it, but
not do this". A refused write leaves the database and the audit log exactly as they were; an allowed write
leaves exactly one audit entry more.
"""

from __future__ import annotations

from typing import Any

import pytest

from shokuba.api.tests.helpers import ROLES, assert_error_shape, corporate_number
from shokuba.core.models import AuditEntry
from shokuba.guidebook.models import StepProgress
from shokuba.network.models import Organisation

SEC, SUP, COORD, PREF, OTHER, ORG = ROLES


def expect(**by_role: int) -> dict[str, int]:
    names = {"sec": SEC, "sup": SUP, "coord": COORD, "pref": PREF, "other": OTHER, "org": ORG}
    return {names[key]: status for key, status in by_role.items()}


def new_organisation(member: str, body: str) -> dict[str, Any]:
    return {
        "member": member,
        "name": f"株式会社マトリクス{body}",
        "corporate_number": corporate_number(body),
        "industry": "G",
        "size_band": "30-100",
        "location": member,
        "joined_on": "2026-04-01",
    }


DONE = {"status": "done", "started_on": "2026-04-01", "completed_on": "2026-04-30", "responsible": "担当 太郎"}

# (name, method, path, body, statuses). {org} is the Toyooka organisation, {other_org} Kesennuma's.
CASES: list[tuple[str, str, str, Any, dict[str, int]]] = [
    (
        "local-government search",
        "GET",
        "local-governments?q=豊岡",
        None,
        expect(sec=200, sup=200, coord=200, pref=200, other=200, org=200),
    ),
    (
        "local government",
        "GET",
        "local-governments/28209",
        None,
        expect(sec=200, sup=200, coord=200, pref=200, other=200, org=200),
    ),
    ("members", "GET", "members", None, expect(sec=200, sup=200, coord=200, pref=200, other=200, org=200)),
    (
        "member toyooka",
        "GET",
        "members/282090",
        None,
        expect(sec=200, sup=200, coord=200, pref=404, other=404, org=404),
    ),
    (
        "member kesennuma",
        "GET",
        "members/042056",
        None,
        expect(sec=200, sup=200, coord=404, pref=200, other=200, org=404),
    ),
    (
        "progress toyooka",
        "GET",
        "members/282090/progress",
        None,
        expect(sec=200, sup=200, coord=200, pref=404, other=404, org=404),
    ),
    (
        "progress kesennuma",
        "GET",
        "members/042056/progress",
        None,
        expect(sec=200, sup=200, coord=404, pref=403, other=200, org=404),
    ),
    (
        "set progress toyooka",
        "PUT",
        "members/282090/progress/1-a",
        DONE,
        expect(sec=200, sup=403, coord=200, pref=404, other=404, org=404),
    ),
    (
        "set progress kesennuma",
        "PUT",
        "members/042056/progress/1-a",
        DONE,
        expect(sec=200, sup=403, coord=404, pref=403, other=200, org=404),
    ),
    (
        "organisations of toyooka",
        "GET",
        "organisations?member=282090",
        None,
        expect(sec=200, sup=200, coord=200, pref=404, other=404, org=404),
    ),
    (
        "organisations of kesennuma",
        "GET",
        "organisations?member=042056",
        None,
        expect(sec=200, sup=200, coord=404, pref=403, other=200, org=404),
    ),
    (
        "add organisation to toyooka",
        "POST",
        "organisations",
        new_organisation("282090", "000012050101"),
        expect(sec=201, sup=403, coord=201, pref=404, other=404, org=404),
    ),
    (
        "add organisation to kesennuma",
        "POST",
        "organisations",
        new_organisation("042056", "000012050102"),
        expect(sec=201, sup=403, coord=404, pref=403, other=201, org=404),
    ),
    (
        "organisation",
        "GET",
        "organisations/{org}",
        None,
        expect(sec=200, sup=200, coord=200, pref=404, other=404, org=200),
    ),
    (
        "other organisation",
        "GET",
        "organisations/{other_org}",
        None,
        expect(sec=200, sup=200, coord=404, pref=404, other=200, org=404),
    ),
    (
        "rename organisation",
        "PATCH",
        "organisations/{org}",
        {"name": "株式会社テスト精工ホールディングス"},
        expect(sec=200, sup=403, coord=200, pref=404, other=404, org=200),
    ),
    (
        "rename other organisation",
        "PATCH",
        "organisations/{other_org}",
        {"name": "株式会社よその水産ホールディングス"},
        expect(sec=200, sup=403, coord=404, pref=404, other=200, org=404),
    ),
    (
        # With the org_admin fixture the organisation has an admin account; the admin is refused before that matters.
        "delete organisation",
        "DELETE",
        "organisations/{org}",
        None,
        expect(sec=204, sup=403, coord=204, pref=404, other=404, org=403),
    ),
    (
        "delete other organisation",
        "DELETE",
        "organisations/{other_org}",
        None,
        expect(sec=204, sup=403, coord=404, pref=404, other=204, org=404),
    ),
]


def _state() -> tuple[Any, ...]:
    return (
        AuditEntry.objects.count(),
        sorted(Organisation.objects.values_list("pk", "name")),
        sorted(StepProgress.objects.values_list("member_id", "step__code", "status")),
    )


@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "statuses"), CASES, ids=[case[0] for case in CASES])
def test_role_matrix(
    request: pytest.FixtureRequest,
    as_user: Any,
    organisation: Organisation,
    other_organisation: Organisation,
    auth: str,
    role: str,
    name: str,
    method: str,
    path: str,
    body: Any,
    statuses: dict[str, int],
) -> None:
    user = request.getfixturevalue(role)
    api = as_user(user, auth=auth)
    before = _state()
    response = api.call(method, path.format(org=organisation.pk, other_org=other_organisation.pk), body)
    expected = statuses[role]
    if expected >= 400:
        assert_error_shape(response, expected)
        assert _state() == before, "a refused request changed something"
        return
    assert response.status_code == expected, response.content.decode()
    if method != "GET":
        assert AuditEntry.objects.count() == before[0] + 1
        entry = AuditEntry.objects.order_by("-id").first()
        assert entry is not None and entry.actor_id == user.pk
    else:
        assert _state() == before
