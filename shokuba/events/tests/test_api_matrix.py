"""Every events API operation × every role (token; session for two roles): 404 for what the caller may not see,
403 for a visible event without the right, 2xx otherwise; a refused write changes nothing and leaves the audit log
as it was; an accepted write adds one audit entry. A coordinator sees only their own member's registrations."""

from __future__ import annotations

from typing import Any

import pytest

from shokuba.api.tests.helpers import ROLES, Api, matrix_row_check, session_reads_check
from shokuba.core.models import AuditEntry
from shokuba.events.models import Event, Registration
from shokuba.events.tests.places import events_places
from shokuba.network.models import User

SEC, SUP, COORD, PREF, OTHER, ORG = ROLES


def expect(default: int, **by_role: int) -> dict[str, int]:
    names = {"sec": SEC, "sup": SUP, "coord": COORD, "pref": PREF, "other": OTHER, "org": ORG}
    statuses = dict.fromkeys(ROLES, default)
    statuses.update({names[key]: status for key, status in by_role.items()})
    return statuses


EVENT = {
    "kind": "exchange",
    "title": "API の交流会",
    "description": "担当者の悩みの共有",
    "starts_at": "2030-01-20T14:00:00+09:00",
    "ends_at": "2030-01-20T16:00:00+09:00",
    "online_url": "https://meet.example.jp/x",
    "capacity": 20,
    "steps": ["4-3"],
}
READERS = {"sec": 200, "sup": 200, "coord": 200, "pref": 200, "other": 200}
SECRETARIAT_ONLY = {"sec": 200, "org": 404}
CASES: list[tuple[str, str, str, Any, dict[str, int]]] = [
    ("list", "GET", "events/", None, expect(403, **READERS)),
    ("create", "POST", "events/", EVENT, expect(403, sec=201)),
    ("detail", "GET", "events/{upcoming}", None, expect(200, org=404)),
    ("put", "PUT", "events/{upcoming}", EVENT, expect(403, **SECRETARIAT_ONLY)),
    ("cancel", "POST", "events/{free}/cancel", {"reason": "講師の都合"}, expect(403, **SECRETARIAT_ONLY)),
    (
        "materials",
        "PUT",
        "events/{past}/materials",
        {"materials_url": "https://example.jp/slides.pdf", "recording_url": "https://example.jp/video"},
        expect(403, **SECRETARIAT_ONLY),
    ),
    ("registrations", "GET", "events/{upcoming}/registrations", None, expect(200, org=404)),
    ("register", "POST", "events/{free}/registrations", None, expect(201, sec=403, sup=403, org=404)),
    (
        "unregister",
        "POST",
        "events/registrations/{registration}/cancel",
        None,
        expect(404, sec=403, sup=403, coord=200),
    ),
    (
        "attendance",
        "PUT",
        "events/{past}/attendance",
        {"attended": ["{past_registration}"]},
        expect(403, **SECRETARIAT_ONLY),
    ),
]


@pytest.fixture
def places(coordinator: User) -> dict[str, Any]:
    return events_places(coordinator)


def _state() -> tuple[Any, ...]:
    return (
        AuditEntry.objects.count(),
        sorted(Event.objects.values_list("pk", "title", "state", "materials_url")),
        sorted(Registration.objects.values_list("pk", "state", "attended")),
    )


def _body(body: Any, places: dict[str, Any]) -> Any:
    if isinstance(body, dict) and "attended" in body:
        return {"attended": [places["past_registration"]]}
    return body


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "statuses"), CASES, ids=[c[0] for c in CASES])
def test_events_api_matrix(
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
def test_coordinators_see_only_their_own_members_registrations(
    request: pytest.FixtureRequest, places: dict[str, Any]
) -> None:
    path = f"events/{places['upcoming']}/registrations"
    own = Api(request.getfixturevalue(COORD), auth="token").call("GET", path).json()
    assert [r["member"] for r in own] == ["282090"]
    assert Api(request.getfixturevalue(OTHER), auth="token").call("GET", path).json() == []
    assert Api(request.getfixturevalue(PREF), auth="token").call("GET", path).json() == []
    assert len(Api(request.getfixturevalue(SUP), auth="token").call("GET", path).json()) == 1


@pytest.mark.django_db
def test_bad_input_is_422_naming_the_field(request: pytest.FixtureRequest, places: dict[str, Any]) -> None:
    api = Api(request.getfixturevalue(SEC), auth="token")
    before = _state()
    response = api.call("POST", "events/", {**EVENT, "ends_at": "2030-01-20T13:00:00+09:00"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "date_order" and "終了日時" in response.json()["detail"][0]["msg"]
    response = api.call("POST", "events/", {**EVENT, "online_url": ""})
    assert response.status_code == 422 and response.json()["detail"][0]["type"] == "place"
    assert "会場" in response.json()["detail"][0]["msg"]
    response = api.call("POST", "events/", {**EVENT, "capacity": 0})
    assert response.status_code == 422 and "定員" in response.json()["detail"][0]["msg"]
    response = api.call("POST", "events/", {**EVENT, "starts_at": "2030-01-20T14:00:00"})
    assert response.status_code == 422 and "開始日時" in response.json()["detail"][0]["msg"]
    assert _state() == before


@pytest.mark.django_db
def test_full_is_422_in_japanese(request: pytest.FixtureRequest, places: dict[str, Any]) -> None:
    api = Api(request.getfixturevalue(SEC), auth="token")
    created = api.call("POST", "events/", {**EVENT, "capacity": 1}).json()
    first = Api(request.getfixturevalue(COORD), auth="token").call("POST", f"events/{created['id']}/registrations")
    assert first.status_code == 201
    other = Api(request.getfixturevalue(OTHER), auth="token")
    before = _state()
    response = other.call("POST", f"events/{created['id']}/registrations")
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "定員（1人）に達したため、申し込めません。"
    assert _state() == before
