"""The events' rows of the project's permission matrix (tests/test_permission_matrix.py).

豊岡市 (coord) registered for an upcoming lecture and a past one; nobody registered for an exchange meeting. The
network's staff and every member's coordinator see events; only the secretariat organises them; coordinators
register; a registration is cancelled by its member's coordinator (another member's is 404 to them); organisation
admins see nothing of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shokuba.events.tests.places import events_places


def _places(world: Any) -> dict[str, int]:
    found = getattr(world, "_event_places", None)
    if found is None:
        found = world._event_places = events_places(world.users["coord"])
    return found


def _event(name: str, suffix: str = "") -> Callable[[Any], str]:
    return lambda w: f"/events/{_places(w)[name]}/{suffix}"


EVENT_FORM = {
    "kind": "lecture",
    "title": "マトリクスの講義",
    "starts_at": "2030-01-20T14:00",
    "ends_at": "2030-01-20T16:00",
    "venue": "会議室",
    "capacity": "10",
}


def events_cases(case: Callable[..., Any], expect: Callable[..., dict[str, int]]) -> list[Any]:
    readers = {"sec": 200, "sup": 200, "coord": 200, "pref": 200, "other": 200}
    only_secretariat = {"sec": 302, "org": 404}
    return [
        case("events:index", "GET", lambda w: "/events/", expect(403, **readers)),
        case("events:my_ics", "GET", lambda w: "/events/my.ics", expect(403, **readers)),
        case("events:event_new", "GET", lambda w: "/events/new/", expect(403, sec=200)),
        case("events:event_new", "POST", lambda w: "/events/new/", expect(403, sec=302), body=lambda w: EVENT_FORM),
        case("events:event", "GET", _event("upcoming"), expect(200, org=404)),
        case("events:event_ics", "GET", _event("upcoming", "event.ics"), expect(200, org=404)),
        case("events:event_edit", "GET", _event("upcoming", "edit/"), expect(403, sec=200, org=404)),
        case(
            "events:event_edit",
            "POST",
            _event("upcoming", "edit/"),
            expect(403, **only_secretariat),
            body=lambda w: EVENT_FORM,
        ),
        case(
            "events:event_cancel",
            "POST",
            _event("free", "cancel/"),
            expect(403, **only_secretariat),
            body=lambda w: {"reason": "講師の都合"},
        ),
        case(
            "events:event_register",
            "POST",
            _event("free", "register/"),
            expect(302, sec=403, sup=403, org=404),
        ),
        case(
            "events:registration_cancel",
            "POST",
            lambda w: f"/events/registrations/{_places(w)['registration']}/cancel/",
            expect(404, sec=403, sup=403, coord=302),
        ),
        case(
            "events:attendance",
            "POST",
            _event("past", "attendance/"),
            expect(403, **only_secretariat),
            body=lambda w: {"attended": [str(_places(w)["past_registration"])]},
        ),
        case(
            "events:materials",
            "POST",
            _event("past", "materials/"),
            expect(403, **only_secretariat),
            body=lambda w: {"materials_url": "https://example.jp/slides.pdf", "recording_url": ""},
        ),
        case(
            "events:survey",
            "POST",
            _event("past", "survey/"),
            expect(403, **only_secretariat),
            body=lambda w: {"wave": ""},
        ),
    ]
