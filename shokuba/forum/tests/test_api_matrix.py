"""Every forum API operation × every role (token; session for two roles): 404 for a thread or post the caller may
not see, 403 for a visible one without the right, 2xx otherwise; a refused write changes nothing and leaves the
audit log as it was; an accepted write adds one audit entry (a subscription left as it was: none)."""

from __future__ import annotations

from typing import Any

import pytest

from shokuba.api.tests.helpers import ROLES, Api, matrix_row_check, session_reads_check
from shokuba.core.models import AuditEntry
from shokuba.forum.models import Post, PostVersion, Report, Subscription, Thread
from shokuba.forum.tests.fixtures import places
from shokuba.network.models import User

SEC, SUP, COORD, PREF, OTHER, ORG = ROLES


def expect(default: int, **by_role: int) -> dict[str, int]:
    names = {"sec": SEC, "sup": SUP, "coord": COORD, "pref": PREF, "other": OTHER, "org": ORG}
    statuses = dict.fromkeys(ROLES, default)
    statuses.update({names[key]: status for key, status in by_role.items()})
    return statuses


READERS = {"sec": 200, "sup": 200, "coord": 200, "pref": 200, "other": 200}
THREAD = {"category": "worries", "title": "API の相談", "body": "本文です", "private": True}
MODERATE = {"action": "hide", "reason": "個人が特定されるため"}
CASES: list[tuple[str, str, str, Any, dict[str, int]]] = [
    ("categories", "GET", "forum/categories", None, expect(403, **READERS)),
    ("threads", "GET", "forum/threads?category=4", None, expect(403, **READERS)),
    ("search", "GET", "forum/search?q=育休", None, expect(403, **READERS)),
    ("reports", "GET", "forum/reports", None, expect(403, sec=200)),
    ("create", "POST", "forum/threads", THREAD, expect(403, coord=201, pref=201, other=201)),
    ("public", "GET", "forum/threads/{public}", None, expect(200, org=404)),
    ("closed", "GET", "forum/threads/{private}", None, expect(404, sec=200, sup=200, coord=200)),
    ("reply public", "POST", "forum/threads/{public}/posts", {"body": "回答です"}, expect(201, org=404)),
    (
        "reply closed",
        "POST",
        "forum/threads/{private}/posts",
        {"body": "回答です"},
        expect(404, sec=201, sup=201, coord=201),
    ),
    ("subscribe", "PUT", "forum/threads/{public}/subscription", {"subscribed": True}, expect(200, org=404)),
    ("moderate thread", "POST", "forum/threads/{public}/moderate", MODERATE, expect(403, sec=200, org=404)),
    ("edit", "PUT", "forum/posts/{answer}", {"body": "書き直しました"}, expect(403, other=200, org=404)),
    ("helpful", "PUT", "forum/posts/{answer}/helpful", {"helpful": True}, expect(403, coord=200, org=404)),
    ("report", "POST", "forum/posts/{answer}/report", {"reason": "確認を"}, expect(201, other=403, org=404)),
    (
        "report closed",
        "POST",
        "forum/posts/{private_question}/report",
        {"reason": "確認を"},
        expect(404, sec=201, sup=201, coord=403),
    ),
    ("moderate post", "POST", "forum/posts/{answer}/moderate", MODERATE, expect(403, sec=200, org=404)),
]


@pytest.fixture
def ids(coordinator: User, other_coordinator: User) -> dict[str, int]:
    found = places(coordinator, other_coordinator)
    return {
        "public": found.public.pk,
        "private": found.private.pk,
        "answer": found.answer.pk,
        "private_question": found.private_question.pk,
    }


def _state() -> tuple[Any, ...]:
    return (
        AuditEntry.objects.count(),
        sorted(Thread.objects.values_list("pk", "title", "private", "hidden", "locked", "deleted")),
        sorted(Post.objects.values_list("pk", "body", "helpful", "hidden", "deleted")),
        PostVersion.objects.count(),
        Report.objects.count(),
        Subscription.objects.count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "statuses"), CASES, ids=[c[0] for c in CASES])
def test_forum_api_matrix(
    request: pytest.FixtureRequest,
    ids: dict[str, int],
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
        lambda: api.call(method, path.format(**ids), body), method=method, expected=statuses[role], state=_state
    )
    if before is None:
        return
    added = AuditEntry.objects.count() - before[0]
    if name == "subscribe" and role in (COORD, OTHER):  # already subscribed by asking or answering
        assert added == 0
        return
    assert added == 1
    assert AuditEntry.objects.order_by("-id").first().actor_id == user.pk  # type: ignore[union-attr]


@pytest.mark.django_db
def test_session_reaches_the_same_answers(request: pytest.FixtureRequest, ids: dict[str, int]) -> None:
    session_reads_check(request, ids, CASES, (COORD, ORG))


@pytest.mark.django_db
def test_search_marks_words_and_hides_closed_threads(request: pytest.FixtureRequest, ids: dict[str, int]) -> None:
    other = Api(request.getfixturevalue(OTHER), auth="token")
    body = other.call("GET", "forum/search?q=育休", None).json()
    assert body["total"] == 1 and "<mark>育休</mark>" in body["hits"][0]["title_html"]
    assert other.call("GET", "forum/search?q=協力", None).json()["total"] == 0  # the closed worry
    support = Api(request.getfixturevalue(SUP), auth="token")
    assert support.call("GET", "forum/search?q=協力", None).json()["total"] == 1


@pytest.mark.django_db
def test_bad_input_is_4xx_in_japanese_and_changes_nothing(request: pytest.FixtureRequest, ids: dict[str, int]) -> None:
    api = Api(request.getfixturevalue(COORD), auth="token")
    before = _state()
    response = api.call("POST", "forum/threads", {**THREAD, "category": "9"})
    assert response.status_code == 422 and "カテゴリ" in response.content.decode()
    response = api.call("POST", "forum/threads", {**THREAD, "title": " "})
    assert response.status_code == 422 and "題名" in response.content.decode()  # 「題名・名称」, not a survey's name
    response = api.call("POST", f"forum/threads/{ids['public']}/posts", {"body": "x" * 4001})
    assert response.status_code == 422
    response = api.call("POST", f"forum/threads/{ids['public']}/moderate", {"action": "nuke"})
    assert response.status_code in (403, 422)
    assert _state() == before
