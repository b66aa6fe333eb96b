"""The translation of validation errors into Japanese messages that name the field."""

from __future__ import annotations

from typing import Any

import pytest

from shokuba.api.errors import pydantic_message
from shokuba.api.tests.helpers import Api, assert_error_shape, locs
from shokuba.network.models import User


@pytest.mark.parametrize(
    ("error", "loc", "expected"),
    [
        ({"type": "missing"}, ["body", "name"], "「名称」（name）を指定してください。"),
        ({"type": "missing"}, ["body"], "リクエスト本文（JSON）がありません。"),
        (
            {"type": "extra_forbidden"},
            ["body", "colour"],
            "「colour」という項目はありません。項目名を確認してください。",
        ),
        (
            {"type": "string_too_long", "ctx": {"max_length": 200}},
            ["body", "name"],
            "「名称」は200文字以内で入力してください。",
        ),
        (
            {"type": "enum", "ctx": {"expected": "'prefecture' or 'municipality'"}},
            ["query", "kind"],
            "「種別」（kind）は次のいずれかにしてください：「prefecture」「municipality」",
        ),
        ({"type": "int_parsing"}, ["query", "page"], "「ページ」（page）は整数で指定してください。"),
        ({"type": "greater_than_equal", "ctx": {"ge": 1}}, ["query", "page"], "「ページ」は1以上にしてください。"),
        (
            {"type": "date_from_datetime_parsing"},
            ["body", "joined_on"],
            "「参加日」（joined_on）は日付で指定してください（例：2026-04-01）。",
        ),
        ({"type": "bool_parsing"}, ["body", "flag"], "「flag」（flag）は true か false で指定してください。"),
        ({"type": "model_attributes_type"}, ["body"], "リクエスト本文はJSONのオブジェクト（{ … }）にしてください。"),
        (
            {"type": "value_error", "ctx": {"error": "null は指定できません。"}},
            ["body", "name"],
            "「名称」（name）：null は指定できません。",
        ),
        ({"type": "something_new"}, ["body", "notes"], "「備考・メモ」（notes）の値が正しくありません。"),
    ],
)
def test_pydantic_errors_become_japanese_messages(error: dict, loc: list, expected: str) -> None:
    assert pydantic_message(error, loc) == expected


def test_unknown_url_and_wrong_method_answer_in_the_error_shape(as_user: Any, secretariat: User) -> None:
    api = as_user(secretariat)
    unknown = api.get("memberz")
    assert_error_shape(unknown, 404)
    assert "/api/v1/memberz" in unknown.json_body["message"]
    assert_error_shape(Api().post("no/such/thing", {"a": 1}), 404)  # even anonymous, even without CSRF

    wrong = api.post("members", {})
    assert_error_shape(wrong, 405)
    assert wrong["Allow"] == "GET"
    assert "POST" in wrong.json_body["message"]


def test_a_non_numeric_id_is_422(as_user: Any, secretariat: User) -> None:
    response = as_user(secretariat).get("organisations/abc")
    assert_error_shape(response, 422)
    assert locs(response) == [["path", "id"]]
