"""The forum's rows of the project's permission matrix (tests/test_permission_matrix.py).

豊岡市 (coord) asked a public question, answered by 気仙沼市 (other), and a worry closed to other members. Every
coordinator and the network's staff read the public thread; the closed one only 豊岡市's coordinator and the
staff; only coordinators start threads; the author edits, the asker marks helpful, any other reader reports; the
secretariat moderates; organisation admins see nothing of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shokuba.forum.tests.fixtures import Places, places


def _places(world: Any) -> Places:
    found = getattr(world, "_forum_places", None)
    if found is None:
        found = world._forum_places = places(world.users["coord"], world.users["other"])
    return found


def _thread(name: str, suffix: str = "") -> Callable[[Any], str]:
    return lambda w: f"/forum/threads/{getattr(_places(w), name).pk}/{suffix}"


def _post(name: str, suffix: str) -> Callable[[Any], str]:
    return lambda w: f"/forum/posts/{getattr(_places(w), name).pk}/{suffix}"


def forum_cases(case: Callable[..., Any], expect: Callable[..., dict[str, int]]) -> list[Any]:
    readers = {"sec": 200, "sup": 200, "coord": 200, "pref": 200, "other": 200}
    closed = {"sec": 200, "sup": 200, "coord": 200}
    thread_form = {"category": "worries", "title": "相談", "body": "本文です"}
    moderate = {"action": "hide", "reason": "個人が特定されるため"}
    return [
        case("forum:index", "GET", lambda w: "/forum/?q=育休&category=4", expect(403, **readers)),
        case("forum:moderation", "GET", lambda w: "/forum/moderation/", expect(403, sec=200)),
        case("forum:thread_new", "GET", lambda w: "/forum/threads/new/", expect(403, coord=200, pref=200, other=200)),
        case(
            "forum:thread_new",
            "POST",
            lambda w: "/forum/threads/new/",
            expect(403, coord=302, pref=302, other=302),
            body=lambda w: thread_form,
        ),
        case("forum:thread", "GET", _thread("public"), expect(200, org=404), label="public"),
        case("forum:thread", "GET", _thread("private"), expect(404, **closed), label="closed"),
        case(
            "forum:thread_reply",
            "POST",
            _thread("private", "reply/"),
            expect(404, sec=302, sup=302, coord=302),
            body=lambda w: {"body": "回答します"},
        ),
        case(
            "forum:thread_subscription",
            "POST",
            _thread("public", "subscription/"),
            expect(302, org=404),
            body=lambda w: {"subscribed": "1"},
        ),
        case(
            "forum:thread_moderate",
            "POST",
            _thread("public", "moderate/"),
            expect(403, sec=302, org=404),
            body=lambda w: moderate,
        ),
        case("forum:post_edit", "GET", _post("answer", "edit/"), expect(403, other=200, org=404)),
        case(
            "forum:post_edit",
            "POST",
            _post("answer", "edit/"),
            expect(403, other=302, org=404),
            body=lambda w: {"body": "書き直しました"},
        ),
        case(
            "forum:post_helpful",
            "POST",
            _post("answer", "helpful/"),
            expect(403, coord=302, org=404),
            body=lambda w: {"helpful": "1"},
        ),
        case(
            "forum:post_report",
            "POST",
            _post("private_question", "report/"),
            expect(404, sec=302, sup=302, coord=403),
            body=lambda w: {"reason": "確認してください"},
        ),
        case(
            "forum:post_moderate",
            "POST",
            _post("answer", "moderate/"),
            expect(403, sec=302, org=404),
            body=lambda w: moderate,
        ),
        case(
            "forum:report_close",
            "POST",
            lambda w: f"/forum/reports/{_places(w).report.pk}/close/",
            expect(403, sec=302),
        ),
    ]
