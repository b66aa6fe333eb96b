"""Every materials API operation × every role (token; session for two roles): 404 for what the caller may not see,
403 for a visible thing without the right, 2xx otherwise; a refused write changes nothing and leaves the audit log as
it was; an accepted write adds one audit entry. A download counts."""

from __future__ import annotations

from typing import Any

import pytest

from shokuba.api.tests.helpers import ROLES, Api, matrix_row_check, session_reads_check
from shokuba.core.models import AuditEntry
from shokuba.materials.models import IntroductionRequest, MaterialVersion
from shokuba.materials.tests.fixtures import expert, introduction, material
from shokuba.network.models import Member, User

SEC, SUP, COORD, PREF, OTHER, ORG = ROLES


def expect(default: int, **by_role: int) -> dict[str, int]:
    names = {"sec": SEC, "sup": SUP, "coord": COORD, "pref": PREF, "other": OTHER, "org": ORG}
    statuses = dict.fromkeys(ROLES, default)
    statuses.update({names[key]: status for key, status in by_role.items()})
    return statuses


READERS = {"sec": 200, "sup": 200, "coord": 200, "pref": 200, "other": 200}
CASES: list[tuple[str, str, str, Any, dict[str, int]]] = [
    ("list", "GET", "materials/?q=スライド&audience=companies", None, expect(403, **READERS)),
    ("detail", "GET", "materials/{material}", None, expect(404, **READERS)),
    ("download", "GET", "materials/versions/{version}/download", None, expect(404, **READERS)),
    ("introductions", "GET", "materials/introductions", None, expect(403, **READERS)),
    (
        "request",
        "POST",
        "materials/introductions",
        {"expert": "{expert}", "purpose": "研修の講師", "preferred_dates": "2月"},
        expect(403, coord=201, pref=201, other=201),
    ),
    ("introduction", "GET", "materials/introductions/{introduction}", None, expect(404, sec=200, sup=200, coord=200)),
    (
        "route",
        "POST",
        "materials/introductions/{introduction}/route",
        {"status": "introduced", "note": "連絡先を送付"},
        expect(404, sec=200, sup=403, coord=403),
    ),
]


@pytest.fixture
def places(toyooka: Member, coordinator: User, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    with django_capture_on_commit_callbacks(execute=True):
        found = material()
    someone = expert()
    return {
        "material": found.pk,
        "version": found.versions.get().pk,
        "expert": someone.pk,
        "introduction": introduction(toyooka, coordinator, someone).pk,
    }


def _state() -> tuple[Any, ...]:
    return (
        AuditEntry.objects.count(),
        sorted(IntroductionRequest.objects.values_list("pk", "status", "note")),
    )


def _body(body: Any, places: dict[str, Any]) -> Any:
    if body is None:
        return None
    return {k: (places["expert"] if v == "{expert}" else v) for k, v in body.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "statuses"), CASES, ids=[c[0] for c in CASES])
def test_materials_api_matrix(
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
        lambda: api.call(method, path.format(**places), _body(body, places)),
        method=method,
        expected=statuses[role],
        state=_state,
    )
    if before is not None:  # a granted write: audited once, as its caller
        assert AuditEntry.objects.count() == before[0] + 1
        assert AuditEntry.objects.order_by("-id").first().actor_id == user.pk  # type: ignore[union-attr]


@pytest.mark.django_db
def test_session_reaches_the_same_answers(request: pytest.FixtureRequest, places: dict[str, Any]) -> None:
    session_reads_check(request, places, CASES, (COORD, ORG))


@pytest.mark.django_db
def test_download_counts_and_bad_input_is_422(request: pytest.FixtureRequest, places: dict[str, Any]) -> None:
    api = Api(request.getfixturevalue(OTHER), auth="token")
    sec = Api(request.getfixturevalue(SEC), auth="token")
    response = api.call("GET", f"materials/versions/{places['version']}/download")
    assert response.status_code == 200 and "attachment;" in response["Content-Disposition"]
    assert MaterialVersion.objects.get(pk=places["version"]).downloads == 1
    assert api.call("GET", f"materials/{places['material']}").json()["downloads"] == 1
    before = _state()
    response = api.call("POST", "materials/introductions", {"expert": places["expert"], "purpose": " "})
    assert response.status_code == 422 and _state() == before
    response = api.call("POST", "materials/introductions", {"expert": 999999, "purpose": "講師"})
    assert response.status_code == 404 and _state() == before
    response = sec.call(
        "POST", f"materials/introductions/{places['introduction']}/route", {"status": "declined", "note": ""}
    )
    assert response.status_code == 422 and "事務局の記録" in response.json()["detail"][0]["msg"]
    assert _state() == before
