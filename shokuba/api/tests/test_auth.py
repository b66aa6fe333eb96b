"""Session and token authentication, CSRF for session writes, and API tokens themselves."""

from __future__ import annotations

import hashlib
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from shokuba.api.models import ApiToken
from shokuba.api.services import api_token_issue, api_token_revoke
from shokuba.api.tests.helpers import Api, assert_error_shape, corporate_number, locs
from shokuba.core.models import AuditEntry
from shokuba.network.models import Organisation, User

ENDPOINTS = [
    ("GET", "local-governments"),
    ("GET", "local-governments/282090"),
    ("GET", "members"),
    ("GET", "members/282090"),
    ("GET", "members/282090/progress"),
    ("PUT", "members/282090/progress/1-a"),
    ("GET", "organisations"),
    ("POST", "organisations"),
    ("GET", "organisations/1"),
    ("PATCH", "organisations/1"),
    ("DELETE", "organisations/1"),
]


def organisation_body(name: str = "株式会社トークン工業", body: str = "000012050201") -> dict[str, Any]:
    return {
        "member": "282090",
        "name": name,
        "corporate_number": corporate_number(body),
        "industry": "E",
        "size_band": "1-29",
        "location": "282090",
        "joined_on": "2026-04-01",
    }


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_refuses_anonymous_callers_with_401(db: Any, method: str, path: str) -> None:
    response = Api().call(method, path, {} if method in {"POST", "PUT", "PATCH"} else None)
    assert_error_shape(response, 401)
    assert "認証が必要です" in response.json_body["message"]
    assert locs(response) == [["header", "Authorization"]]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_anonymous_post_without_csrf_is_401_not_403(db: Any) -> None:
    # CSRF protects a logged-in browser; a caller with no session is simply not authenticated.
    response = Api(enforce_csrf=True).post("organisations", organisation_body())
    assert_error_shape(response, 401)


def test_token_authenticates_reads_and_writes_without_csrf(coordinator: User) -> None:
    token, raw = api_token_issue(user=coordinator, name="集計スクリプト")
    client = Client(enforce_csrf_checks=True)
    headers = {"Authorization": f"Bearer {raw}"}

    listed = client.get("/api/v1/members", headers=headers)
    assert listed.status_code == 200
    assert [m["code"] for m in listed.json()["items"]] == ["282090"]

    created = client.post(
        "/api/v1/organisations", data=organisation_body(), content_type="application/json", headers=headers
    )
    assert created.status_code == 201, created.content.decode()
    entry = AuditEntry.objects.filter(target_type="network.organisation", action="create").get()
    assert entry.actor_id == coordinator.pk
    assert entry.target_id == str(created.json()["id"])
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_scheme_is_case_insensitive(coordinator: User) -> None:
    _token, raw = api_token_issue(user=coordinator, name="x")
    response = Client().get("/api/v1/members/282090", headers={"Authorization": f"bearer {raw}"})
    assert response.status_code == 200


def test_revoked_token_is_refused_with_401_and_changes_nothing(coordinator: User) -> None:
    token, raw = api_token_issue(user=coordinator, name="古いスクリプト")
    api_token_revoke(token=token, actor=coordinator)
    before = Organisation.objects.count()
    api = Api()
    api.headers["Authorization"] = f"Bearer {raw}"

    assert_error_shape(api.get("members"), 401)
    response = api.post("organisations", organisation_body())
    assert_error_shape(response, 401)
    assert "失効" in response.json_body["message"]
    assert Organisation.objects.count() == before


@pytest.mark.parametrize(
    "header", ["Bearer shk_not-a-real-token", "Bearer ", "Bearer " + "x" * 500, "Bearer shk_" + "a" * 43]
)
def test_unknown_token_is_refused_even_with_a_session(coordinator: User, header: str) -> None:
    # A script must learn that its token is wrong, not be let in by a browser session it happens to share.
    client = Client()
    client.force_login(coordinator)
    response = client.get("/api/v1/members", headers={"Authorization": header})
    assert response.status_code == 401
    assert "APIトークン" in response.json()["message"]


def test_token_of_a_deactivated_user_is_refused(coordinator: User) -> None:
    _token, raw = api_token_issue(user=coordinator, name="x")
    coordinator.is_active = False
    coordinator.save()
    response = Client().get("/api/v1/members", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401


def test_other_authorization_schemes_fall_back_to_the_session(coordinator: User) -> None:
    client = Client()
    assert client.get("/api/v1/members", headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 401
    client.force_login(coordinator)
    assert client.get("/api/v1/members", headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 200


def test_session_write_without_csrf_token_is_refused_with_403(coordinator: User) -> None:
    api = Api(coordinator, enforce_csrf=True)
    before = (Organisation.objects.count(), AuditEntry.objects.count())
    refusals = [
        api.post("organisations", organisation_body()),
        api.put("members/282090/progress/1-a", {"status": "in_progress"}),
        api.delete("organisations/1"),
    ]
    api.client.get("/api/v1/docs")  # now the CSRF cookie is set, but the header carries someone else's token
    assert api.client.cookies["csrftoken"].value
    refusals.append(api.post("organisations", organisation_body(), **{"X-CSRFToken": "x" * 64}))
    for response in refusals:
        assert_error_shape(response, 403)
        assert "CSRF" in response.json_body["message"]
        assert locs(response) == [["header", "X-CSRFToken"]]
    assert (Organisation.objects.count(), AuditEntry.objects.count()) == before


def test_session_write_with_csrf_token_is_accepted(coordinator: User) -> None:
    api = Api(coordinator, enforce_csrf=True)
    assert api.get("members").status_code == 200  # reads need no CSRF token
    api.client.get("/api/v1/docs")  # any page that renders the token sets the CSRF cookie
    csrf = api.client.cookies["csrftoken"].value
    response = api.post("organisations", organisation_body(), **{"X-CSRFToken": csrf})
    assert response.status_code == 201, response.content.decode()
    assert Organisation.objects.filter(name="株式会社トークン工業").exists()


def test_only_the_hash_of_a_token_is_stored(coordinator: User) -> None:
    token, raw = api_token_issue(user=coordinator, name="保管テスト")
    assert raw.startswith("shk_") and len(raw) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert stored.prefix == raw[:12]
    values = [str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert raw not in values and not any(raw[12:] in v for v in values)
    # The audit log records the issue, without the hash or the token.
    entry = AuditEntry.objects.get(target_type="api.apitoken", target_id=str(token.pk))
    assert entry.action == "create" and entry.after is not None
    assert "key_hash" not in entry.after and raw not in str(entry.after)


def test_two_tokens_differ(coordinator: User) -> None:
    _a, raw_a = api_token_issue(user=coordinator, name="a")
    _b, raw_b = api_token_issue(user=coordinator, name="b")
    assert raw_a != raw_b


def test_issue_refuses_an_empty_name(coordinator: User) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        api_token_issue(user=coordinator, name="  ")
    assert "name" in info.value.message_dict
    assert not ApiToken.objects.exists()


def test_revoke_is_recorded_once(coordinator: User) -> None:
    token, _raw = api_token_issue(user=coordinator, name="x")
    api_token_revoke(token=token)
    api_token_revoke(token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(target_type="api.apitoken", action="update").count() == 1


def test_issue_command_prints_the_token_once_and_it_works(coordinator: User) -> None:
    out, err = StringIO(), StringIO()
    call_command("issue_api_token", coordinator.username, "夜間バッチ", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert raw.startswith("shk_") and "\n" not in raw
    assert raw not in err.getvalue()
    assert "二度と表示されません" in err.getvalue()
    token = ApiToken.objects.get(user=coordinator)
    assert token.name == "夜間バッチ" and token.prefix == raw[:12]
    assert Client().get("/api/v1/members", headers={"Authorization": f"Bearer {raw}"}).status_code == 200

    call_command("revoke_api_token", token.prefix, stdout=StringIO())
    assert Client().get("/api/v1/members", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_issue_command_refuses_an_unknown_user(db: Any) -> None:
    with pytest.raises(CommandError, match="見つかりません"):
        call_command("issue_api_token", "nobody", "x", stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()
