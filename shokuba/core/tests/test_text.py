"""core.text: which characters a stored text may hold, the same rule in Python and in the schema's patterns."""

from __future__ import annotations

import re

import jsonschema_rs
import pytest
from django import forms
from hypothesis import given, settings
from hypothesis import strategies as st

from shokuba.core.forms import AccessibleFormMixin
from shokuba.core.text import (
    MULTI_LINE_PATTERN,
    NAME_PATTERN,
    SINGLE_LINE_PATTERN,
    file_name_clean,
    forbidden_character,
    strip_forbidden,
)
from shokuba.core.validation import text_error, texts_check

# Every code point but the surrogates (which JSON Schema's regex engines cannot name; see core.text).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)


@pytest.mark.parametrize(
    ("value", "multiline", "position", "code_point"),
    [
        ("株式会社テスト", False, None, None),
        ("株式会社\x00テスト", False, 5, "U+0000"),
        ("一行目\n二行目", False, 4, "U+000A"),
        ("一行目\n二行目\tタブ", True, None, None),
        ("メモ\x00", True, 3, "U+0000"),
        ("名前\u202etxt.exe", False, 3, "U+202E"),
        ("名前\u202etxt.exe", True, None, None),
        ("名前\u2028", False, 3, "U+2028"),
        ("C1\x85", True, 3, "U+0085"),
        ("DEL\x7f", False, 4, "U+007F"),
        ("lone\ud800", True, 5, "U+D800"),
    ],
)
def test_the_first_forbidden_character_and_where_it_is(
    value: str, multiline: bool, position: int | None, code_point: str | None
) -> None:
    found = forbidden_character(value, multiline=multiline)
    assert (found.position if found else None) == position
    assert (found.code_point if found else None) == code_point


@settings(max_examples=400, derandomize=True)
@given(TEXT)
def test_the_schema_patterns_say_what_the_server_checks(value: str) -> None:
    # The patterns are read by Python's re (the server), and by the Rust engine Schemathesis validates with.
    for pattern, accepted in (
        (SINGLE_LINE_PATTERN, forbidden_character(value) is None),
        (MULTI_LINE_PATTERN, forbidden_character(value, multiline=True) is None),
        (NAME_PATTERN, forbidden_character(value) is None and bool(value.strip())),
    ):
        assert (re.fullmatch(pattern, value) is not None) == accepted, (pattern, value)
        assert jsonschema_rs.validator_for({"type": "string", "pattern": pattern}).is_valid(value) == accepted


def test_lone_surrogates_are_refused_though_the_patterns_cannot_name_them() -> None:
    assert forbidden_character("a\udfffb") is not None
    assert forbidden_character("a\udfffb", multiline=True) is not None


def test_messages_name_the_field_and_the_place() -> None:
    assert (
        text_error("調査の名称", "2026年度\nベースライン")
        == "「調査の名称」は1行で入力してください（7文字目に改行があります）。"
    )
    assert "「備考」" in (text_error("備考", "a\x00", multiline=True) or "")
    assert "2文字目の U+0000" in (text_error("備考", "a\x00", multiline=True) or "")
    assert text_error("名称", "   ", required=True) == "「名称」を入力してください。"
    assert texts_check({"notes": ("備考", "ok\n", True), "name": ("名称", None, False)}) == {}


def test_stripping_and_file_names() -> None:
    assert strip_forbidden("a\x00b\u202ec") == "abc"
    assert strip_forbidden("a\nb\x00", multiline=True) == "a\nb"
    assert file_name_clean("C:\\Users\\x\\議事録\n第1回\u202e.pdf") == "議事録第1回.pdf"
    assert file_name_clean("../../etc/passwd") == "passwd"


class _Form(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label="名称")
    notes = forms.CharField(label="備考", required=False, widget=forms.Textarea)
    email = forms.EmailField(label="メール", required=False)


@pytest.mark.parametrize(
    ("data", "field", "fragment"),
    [
        ({"name": "株式会社\x00"}, "name", "「名称」に使えない文字があります（5文字目の U+0000）"),
        ({"name": "a\u202eb"}, "name", "U+202E"),
        ({"name": "ok", "notes": "x\x07"}, "notes", "「備考」に使えない文字があります"),
    ],
)
def test_every_text_field_of_a_form_refuses_control_characters(data: dict[str, str], field: str, fragment: str) -> None:
    form = _Form(data)
    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert fragment in form.errors[field][0]
    assert len(form.errors[field]) == 1  # Django's own NUL message is replaced, not repeated


def test_a_textarea_keeps_its_line_breaks() -> None:
    form = _Form({"name": "株式会社テスト", "notes": "一行目\r\n二行目\tタブ"})
    assert form.is_valid(), form.errors
