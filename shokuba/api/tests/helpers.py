"""Helpers for API tests: a JSON client by session or by token, and checks of the one error shape."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.test import Client

from shokuba.api.services import api_token_issue
from shokuba.core.codes import corporate_number_check_digit

ROLES = ["secretariat", "support", "coordinator", "prefecture_coordinator", "other_coordinator", "org_admin"]


def corporate_number(body: str) -> str:
    """A valid 法人番号 for a 12-digit body."""
    return f"{corporate_number_check_digit(body)}{body}"


class Api:
    """A JSON client for /api/v1/. `auth` is "session" (logged in; CSRF not enforced unless asked) or "token"."""

    def __init__(self, user: Any = None, *, auth: str = "session", enforce_csrf: bool = False) -> None:
        self.client = Client(enforce_csrf_checks=enforce_csrf)
        self.headers: dict[str, str] = {}
        self.user = user
        if user is not None and auth == "session":
            self.client.force_login(user)
        elif user is not None and auth == "token":
            _token, raw = api_token_issue(user=user, name="test")
            self.headers["Authorization"] = f"Bearer {raw}"

    def call(self, method: str, path: str, body: Any = None, *, raw: bytes | None = None, **headers: str) -> Any:
        data: Any = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs: dict[str, Any] = {"headers": {**self.headers, **headers}}
        if data is not None:
            kwargs["data"] = data
            kwargs["content_type"] = "application/json"
        response = getattr(self.client, method.lower())(f"/api/v1/{path.lstrip('/')}", **kwargs)
        if getattr(response, "streaming", False):  # a file download: the test reads streaming_content itself
            response.json_body = None
            return response
        is_json = response.get("Content-Type", "").startswith("application/json")
        response.json_body = json.loads(response.content) if response.content and is_json else None
        return response

    def get(self, path: str, **headers: str) -> Any:
        return self.call("GET", path, **headers)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.call("POST", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.call("PUT", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.call("PATCH", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.call("DELETE", path, **kwargs)


def locs(response: Any) -> list[list[Any]]:
    return [item["loc"] for item in response.json_body["detail"]]


def messages(response: Any) -> str:
    return " ".join(item["msg"] for item in response.json_body["detail"])


def assert_error_shape(response: Any, status: int) -> None:
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"].startswith("application/json")
    body = response.json_body
    assert set(body) == {"message", "detail"}
    assert isinstance(body["message"], str) and body["message"]
    assert body["detail"], body
    for item in body["detail"]:
        assert set(item) == {"loc", "msg", "type"}
        assert isinstance(item["loc"], list)
        assert item["msg"]
    # Japanese first: every message carries Japanese text.
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in body["message"])


def matrix_row_check(call: Callable[[], Any], *, method: str, expected: int, state: Callable[[], Any]) -> Any:
    """One row of an app's API matrix for one role: the expected status; a refusal in the one error shape that changed
    nothing (nothing stored, nothing audited); a read that changed nothing. Returns the state before a granted write
    (the app checks what the write changed), else None."""
    before = state()
    response = call()
    if expected >= 400:
        assert_error_shape(response, expected)
        assert state() == before, "a refused request changed something"
        return None
    assert response.status_code == expected, response.content.decode()
    if method == "GET":
        assert state() == before
        return None
    return before


def session_reads_check(
    request: Any,
    places: dict[str, Any],
    cases: list[Any],
    roles: tuple[str, ...],
    *,
    fill: Callable[[Any], Any] | None = None,
) -> None:
    """Sessions reach the same answers as tokens: every GET row of an app's matrix, logged in as each of `roles`."""
    for role in roles:
        api = Api(request.getfixturevalue(role), auth="session")
        for _name, method, path, body, statuses in cases:
            if method == "GET":
                sent = fill(body) if fill else body
                assert api.call(method, path.format(**places), sent).status_code == statuses[role], (role, path)
