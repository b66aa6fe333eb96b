"""Which characters a stored text may hold: one definition for forms, services, the API schema and imports.

Pure (no Django): the survey definition parser and the respondents' answers use it too. Two kinds of text:

- single-line (names of waves, questionnaires, organisations, people, stages, file names, every short field):
  no control character at all — C0 (tab, line breaks and NUL included), DEL, C1 — no line or paragraph
  separator (U+2028/2029), no bidirectional override or isolate (U+202A–202E, U+2066–2069: they make a name
  read differently from what it is), no lone surrogate (not a character; PostgreSQL and UTF-8 refuse it);
- multi-line (notes, descriptions, question texts): the same, except that tab, line feed and carriage return
  are allowed and bidirectional marks are left to the writer.

The patterns are written so that Python's `re`, pydantic (with ``regex_engine="python-re"``) and JSON Schema
(ECMA-262) read them alike, so the OpenAPI schema states exactly the rule the server applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Character classes (inside [...]) of what each kind of text refuses.
_C0_C1 = "\\u0000-\\u001f\\u007f-\\u009f"
_MULTI_LINE_C0_C1 = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f"
_SEPARATORS_AND_BIDI = "\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069"
_SURROGATES = "\\ud800-\\udfff"

SINGLE_LINE_FORBIDDEN = _C0_C1 + _SEPARATORS_AND_BIDI
MULTI_LINE_FORBIDDEN = _MULTI_LINE_C0_C1

# Whole-value patterns for the schema: any single-line text (may be empty), a name (at least one visible
# character), any multi-line text. Lone surrogates are refused as well, but left out of these patterns: a regex
# engine over Unicode scalar values (ECMA with the u flag, Rust's) cannot name them, and JSON can carry one only
# as an escape (a string no conforming client produces).
SINGLE_LINE_PATTERN = f"^[^{SINGLE_LINE_FORBIDDEN}]*$"
NAME_PATTERN = f"^[^{SINGLE_LINE_FORBIDDEN}]*[^\\s{SINGLE_LINE_FORBIDDEN}][^{SINGLE_LINE_FORBIDDEN}]*$"
MULTI_LINE_PATTERN = f"^[^{MULTI_LINE_FORBIDDEN}]*$"
REQUIRED_MULTI_LINE_PATTERN = f"^[^{MULTI_LINE_FORBIDDEN}]*[^\\s{MULTI_LINE_FORBIDDEN}][^{MULTI_LINE_FORBIDDEN}]*$"

_SINGLE_LINE_BAD = re.compile(f"[{SINGLE_LINE_FORBIDDEN}{_SURROGATES}]")
_MULTI_LINE_BAD = re.compile(f"[{MULTI_LINE_FORBIDDEN}{_SURROGATES}]")


def gettext_noop(text: str) -> str:
    """Marks a string for translation without Django (makemessages knows this name)."""
    return text


@dataclass(frozen=True)
class ForbiddenCharacter:
    """The first character a text may not hold: its position (1-based, as a person counts) and code point."""

    position: int
    character: str

    @property
    def code_point(self) -> str:
        return f"U+{ord(self.character):04X}"

    @property
    def is_line_break(self) -> bool:
        return self.character in "\n\r\u2028\u2029\u0085\u000b\u000c"


def forbidden_character(value: str, *, multiline: bool = False) -> ForbiddenCharacter | None:
    """The first character `value` may not hold as a single-line (default) or multi-line text, or None."""
    found = (_MULTI_LINE_BAD if multiline else _SINGLE_LINE_BAD).search(value)
    if found is None:
        return None
    return ForbiddenCharacter(position=found.start() + 1, character=found.group())


def strip_forbidden(value: str, *, multiline: bool = False, replacement: str = "") -> str:
    """`value` without the characters it may not hold (for text nobody can be asked to correct: an anonymous
    respondent's answer, the name of an uploaded file), or with each replaced by `replacement`."""
    return (_MULTI_LINE_BAD if multiline else _SINGLE_LINE_BAD).sub(replacement, value)


def file_name_clean(name: str, *, limit: int = 255) -> str:
    """The name of an uploaded file as it is stored and shown: the last path part, without what a single-line
    text may not hold (a browser or a script can send a line break or a bidi override in a file name)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return strip_forbidden(base).strip()[:limit]


# Japanese templates (translated by the Django layer, core.validation); %(label)s is the field's name.
T_LINE_BREAK = gettext_noop("「%(label)s」は1行で入力してください（%(position)d文字目に改行があります）。")
T_SINGLE_LINE = gettext_noop(
    "「%(label)s」に使えない文字があります（%(position)d文字目の %(code_point)s）。"
    "タブ・改行などの制御文字や、文字の向きを変える記号は使えません。"
)
T_MULTI_LINE = gettext_noop(
    "「%(label)s」に使えない文字があります（%(position)d文字目の %(code_point)s）。"
    "改行とタブ以外の制御文字は使えません。"
)
T_BLANK = gettext_noop("「%(label)s」を入力してください。")


def problem_template(found: ForbiddenCharacter, *, multiline: bool) -> str:
    if multiline:
        return T_MULTI_LINE
    return T_LINE_BREAK if found.is_line_break else T_SINGLE_LINE
