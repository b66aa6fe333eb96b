"""Checking one respondent's answers against a questionnaire definition. Pure Python (no Django): the answering
page, the API and the later paper/Excel import all call `validate_submission` and get the same decisions.

Answers travel in one canonical JSON shape (also what a response keeps as its raw answers):

    single, likert      "2"  (a likert question may also hold "dk" / "refused", kept apart from the scale)
    multiple            ["1", "3"]
    ranking             ["4", "1", "8"]          (first = rank 1; "up to N, in order")
    number              "12.5" in, 12.5 out      (full-width digits, thousands separators and the unit accepted)
    text_short/long     "…"
    matrix              {"UB-H01": "2", "UB-H02": "dk"}

Problems come back as `AnswerProblem` (question code, matrix item, a code and parameters); the Django side
(`shokuba.surveys.messages`) words them in Japanese, next to the field they belong to.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from shokuba.core.text import strip_forbidden
from shokuba.surveys.instrument import ATTRIBUTES, Definition, Question

_MINUS_SIGNS = str.maketrans({"−": "-", "ー": "-", "‐": "-", "–": "-", "—": "-"})


@dataclass(frozen=True)
class AnswerProblem:
    question: str
    code: str
    item: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AnswerRow:
    """One typed row for analysis: the item, a sequence number (rank, or the order of a chosen option),
    and the choice code, the number (or scale value) and/or the text."""

    item_code: str
    seq: int
    choice_code: str = ""
    value: float | None = None
    text: str = ""


@dataclass
class Validated:
    answers: dict[str, Any]
    attributes: dict[str, str]
    problems: list[AnswerProblem]

    @property
    def ok(self) -> bool:
        return not self.problems

    def problems_for(self, question: str) -> list[AnswerProblem]:
        return [p for p in self.problems if p.question == question]


def clean_text(value: str) -> str:
    # An anonymous respondent cannot be asked to correct a character: what core.text forbids in multi-line text
    # (control characters but tab and line breaks, lone surrogates) is dropped rather than refused.
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return strip_forbidden(text, multiline=True).strip()


def parse_number(raw: str, *, unit: str = "") -> Decimal | None:
    """'１,２３４．５時間' → Decimal('1234.5'); None when it is not a number."""
    text = unicodedata.normalize("NFKC", str(raw)).translate(_MINUS_SIGNS).strip()
    if unit:
        text = text.removesuffix(unicodedata.normalize("NFKC", unit)).strip()
    text = text.replace(",", "").replace(" ", "")
    if not text or not re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only valid decimals
        return None
    # Beyond a float's range the answer row's value would be infinite, which neither JSON nor the database takes.
    return number if math.isfinite(float(number)) else None


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return all(_is_blank(v) for v in value)
    if isinstance(value, dict):
        return all(_is_blank(v) for v in value.values())
    return False


def is_shown(question: Question, answers: Mapping[str, Any]) -> bool:
    """Whether a conditional question applies, given the (already cleaned) earlier answers."""
    condition = question.show_if
    if condition is None:
        return True
    earlier = answers.get(condition.question)
    if condition.item:
        earlier = earlier.get(condition.item) if isinstance(earlier, dict) else None
    if isinstance(earlier, list):
        return any(v in condition.any_of for v in earlier)
    return earlier in condition.any_of


def _one_code(question: Question, value: Any, allowed: set[str], problems: list[AnswerProblem], item: str = "") -> str:
    if not isinstance(value, str):
        problems.append(AnswerProblem(question.code, "shape_invalid", item))
        return ""
    code = value.strip()
    if code not in allowed:
        problems.append(AnswerProblem(question.code, "choice_unknown", item, {"value": code[:40]}))
        return ""
    return code


def _validate_one(question: Question, value: Any, problems: list[AnswerProblem]) -> Any:
    """The cleaned answer, or None when unanswered. Appends problems (the caller adds 'required')."""
    kind = question.type
    codes = {c.code for c in question.options}
    if kind in {"single", "likert"}:
        allowed = codes | set(question.non_substantive)
        return _one_code(question, value, allowed, problems) or None
    if kind == "multiple":
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
            problems.append(AnswerProblem(question.code, "shape_invalid"))
            return None
        chosen = [v.strip() for v in values if v.strip()]
        unknown = [v for v in chosen if v not in codes]
        if unknown:
            problems.append(AnswerProblem(question.code, "choice_unknown", params={"value": unknown[0][:40]}))
            return None
        if len(set(chosen)) != len(chosen):
            problems.append(AnswerProblem(question.code, "choice_repeat"))
            return None
        if question.max_choices is not None and len(chosen) > question.max_choices:
            problems.append(AnswerProblem(question.code, "too_many", params={"max": question.max_choices}))
            return None
        exclusive = [c.code for c in question.choices if c.exclusive and c.code in chosen]
        if exclusive and len(chosen) > 1:
            label = next(c.label for c in question.choices if c.code == exclusive[0])
            problems.append(AnswerProblem(question.code, "exclusive_combined", params={"label": label}))
            return None
        order = [c.code for c in question.choices]
        return sorted(chosen, key=order.index) or None
    if kind == "ranking":
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
            problems.append(AnswerProblem(question.code, "shape_invalid"))
            return None
        ranked = [v.strip() for v in values]
        while ranked and not ranked[-1]:
            ranked.pop()
        if not ranked:
            return None
        limit = question.max_choices or len(question.choices)
        if len(ranked) > limit:
            problems.append(AnswerProblem(question.code, "too_many", params={"max": limit}))
            return None
        if "" in ranked:
            problems.append(AnswerProblem(question.code, "rank_gap", params={"rank": ranked.index("") + 1}))
            return None
        unknown = [v for v in ranked if v not in codes]
        if unknown:
            problems.append(AnswerProblem(question.code, "choice_unknown", params={"value": unknown[0][:40]}))
            return None
        if len(set(ranked)) != len(ranked):
            problems.append(AnswerProblem(question.code, "rank_repeat"))
            return None
        return ranked
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            problems.append(AnswerProblem(question.code, "shape_invalid"))
            return None
        if isinstance(value, str) and not value.strip():
            return None
        number = parse_number(str(value), unit=question.unit)
        if number is None or not number.is_finite():
            problems.append(AnswerProblem(question.code, "number_invalid", params={"value": str(value)[:40]}))
            return None
        if question.integer and number != number.to_integral_value():
            problems.append(AnswerProblem(question.code, "number_integer"))
            return None
        if question.minimum is not None and number < question.minimum:
            problems.append(AnswerProblem(question.code, "number_min", params={"min": question.minimum}))
            return None
        if question.maximum is not None and number > question.maximum:
            problems.append(AnswerProblem(question.code, "number_max", params={"max": question.maximum}))
            return None
        if number == number.to_integral_value() and abs(number) < 10**15:
            return int(number)
        return float(number)
    if kind in {"text_short", "text_long"}:
        if not isinstance(value, str):
            problems.append(AnswerProblem(question.code, "shape_invalid"))
            return None
        text = clean_text(value)
        if len(text) > question.max_length:
            problems.append(
                AnswerProblem(question.code, "text_too_long", params={"max": question.max_length, "length": len(text)})
            )
            return None
        return text or None
    if kind == "matrix":
        if not isinstance(value, dict):
            problems.append(AnswerProblem(question.code, "shape_invalid"))
            return None
        allowed = codes | set(question.non_substantive)
        known = {item.code for item in question.items}
        for key in value:
            if key not in known:
                problems.append(AnswerProblem(question.code, "item_unknown", str(key)[:40]))
        cleaned: dict[str, str] = {}
        for item in question.items:
            raw = value.get(item.code)
            if _is_blank(raw):
                if question.required:
                    problems.append(AnswerProblem(question.code, "required", item.code))
                continue
            code = _one_code(question, raw, allowed, problems, item.code)
            if code:
                cleaned[item.code] = code
        return cleaned or None
    raise AssertionError(kind)  # pragma: no cover - parse_definition admits only known types


def validate_submission(
    definition: Definition, answers: Mapping[str, Any], attributes: Mapping[str, Any] | None = None
) -> Validated:
    """Check every answer and attribute. Answers to questions whose condition is not met are dropped."""
    problems: list[AnswerProblem] = []
    cleaned: dict[str, Any] = {}
    known = {q.code for q in definition.questions}
    for code in answers:
        if code not in known:
            problems.append(AnswerProblem(str(code)[:40], "question_unknown"))
    for question in definition.questions:
        if not is_shown(question, cleaned):
            continue
        value = answers.get(question.code)
        if _is_blank(value):
            if question.required:
                if question.type == "matrix":
                    problems.extend(AnswerProblem(question.code, "required", item.code) for item in question.items)
                else:
                    problems.append(AnswerProblem(question.code, "required"))
            continue
        before = len(problems)
        result = _validate_one(question, value, problems)
        if result is None and question.required and len(problems) == before:
            problems.append(AnswerProblem(question.code, "required"))
        if result is not None:
            cleaned[question.code] = result
    clean_attributes: dict[str, str] = {}
    for code, raw in (attributes or {}).items():
        if code not in definition.attributes:
            problems.append(AnswerProblem(f"attr:{str(code)[:32]}", "attribute_unknown"))
            continue
        if _is_blank(raw):
            continue
        value = str(raw).strip() if isinstance(raw, str) else ""
        if value not in {c.code for c in ATTRIBUTES[code].choices}:
            problems.append(AnswerProblem(f"attr:{code}", "choice_unknown", params={"value": value[:40]}))
            continue
        clean_attributes[code] = value
    return Validated(answers=cleaned, attributes=clean_attributes, problems=problems)


def answer_rows(definition: Definition, answers: Mapping[str, Any]) -> list[AnswerRow]:
    """The typed rows of cleaned answers: one per single answer, chosen option, rank or matrix statement."""
    rows: list[AnswerRow] = []
    for question in definition.questions:
        value = answers.get(question.code)
        if value is None:
            continue
        kind = question.type
        if kind == "single":
            rows.append(AnswerRow(question.code, 0, choice_code=value))
        elif kind == "likert":
            scale_value = question.scale.value_of(value) if question.scale else None
            rows.append(AnswerRow(question.code, 0, choice_code=value, value=scale_value))
        elif kind == "multiple":
            rows.extend(AnswerRow(question.code, i, choice_code=code) for i, code in enumerate(value, start=1))
        elif kind == "ranking":
            rows.extend(
                AnswerRow(question.code, rank, choice_code=code, value=rank) for rank, code in enumerate(value, start=1)
            )
        elif kind == "number":
            rows.append(AnswerRow(question.code, 0, value=float(value)))
        elif kind in {"text_short", "text_long"}:
            rows.append(AnswerRow(question.code, 0, text=value))
        elif kind == "matrix":
            for item in question.items:
                code = value.get(item.code)
                if code is None:
                    continue
                scale_value = question.scale.value_of(code) if question.scale else None
                rows.append(AnswerRow(item.code, 0, choice_code=code, value=scale_value))
    return rows


# --- the answering form's field names ------------------------------------------------------------------------


def field_name(question: str, part: str = "") -> str:
    """q.<code> for a question, q.<code>.<item> for a matrix statement, q.<code>.r<n> for a rank."""
    return f"q.{question}.{part}" if part else f"q.{question}"


def attribute_field_name(code: str) -> str:
    return f"a.{code}"


def raw_from_form(definition: Definition, data: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """Canonical answers and attributes from a posted form (a Django QueryDict or any mapping of lists)."""

    def values(name: str) -> list[str]:
        if hasattr(data, "getlist"):
            return [str(v) for v in data.getlist(name)]
        raw = data.get(name)
        if raw is None:
            return []
        return [str(v) for v in raw] if isinstance(raw, list | tuple) else [str(raw)]

    def first(name: str) -> str:
        found = values(name)
        return found[0] if found else ""

    answers: dict[str, Any] = {}
    for question in definition.questions:
        name = field_name(question.code)
        if question.type == "multiple":
            chosen = values(name)
            if chosen:
                answers[question.code] = chosen
        elif question.type == "ranking":
            limit = question.max_choices or len(question.choices)
            ranked = [first(field_name(question.code, f"r{rank}")) for rank in range(1, limit + 1)]
            if any(v.strip() for v in ranked):
                answers[question.code] = ranked
        elif question.type == "matrix":
            statements = {item.code: first(field_name(question.code, item.code)) for item in question.items}
            if any(v.strip() for v in statements.values()):
                answers[question.code] = statements
        else:
            value = first(name)
            if value.strip():
                answers[question.code] = value
    attributes = {code: first(attribute_field_name(code)) for code in definition.attributes}
    return answers, {code: value for code, value in attributes.items() if value}


def form_values(definition: Definition, answers: Mapping[str, Any]) -> dict[str, Sequence[str]]:
    """The reverse of raw_from_form for re-showing a form: field name → the values to mark as chosen/filled."""
    shown: dict[str, Sequence[str]] = {}
    for question in definition.questions:
        value = answers.get(question.code)
        if value is None:
            continue
        if question.type == "matrix" and isinstance(value, dict):
            for item, code in value.items():
                shown[field_name(question.code, str(item))] = [str(code)]
        elif question.type == "ranking" and isinstance(value, list):
            for rank, code in enumerate(value, start=1):
                shown[field_name(question.code, f"r{rank}")] = [str(code)]
        elif isinstance(value, list):
            shown[field_name(question.code)] = [str(v) for v in value]
        else:
            shown[field_name(question.code)] = [str(value)]
    return shown
