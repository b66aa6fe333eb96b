"""Editing a draft definition (plain JSON dicts): add, change, remove and reorder questions, choices and matrix
statements. Pure Python; the services call these, then check the result with instrument.parse_definition.

Lineage: an existing question, choice or statement keeps its code whatever its wording becomes; something new
gets a code never used in any version of the questionnaire (`taken`), so results compare across versions.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shokuba.surveys.instrument import CHOICE_TYPES, SCALE_TYPES, next_custom_code


class EditError(ValueError):
    """An edit that cannot be made; `code` is worded by the caller."""

    def __init__(self, kind: str, /, **params: Any) -> None:
        super().__init__(kind)
        self.code = kind
        self.params = params


@dataclass(frozen=True)
class RowEdit:
    """One row of an editable list (choices or matrix statements): existing code ('' = new), wording, order."""

    code: str
    label: str
    order: float
    delete: bool = False
    exclusive: bool = False


def codes_in(definition: Mapping[str, Any]) -> set[str]:
    codes: set[str] = set()
    for question in definition.get("questions") or ():
        codes.add(str(question.get("code", "")))
        codes.update(str(item.get("code", "")) for item in question.get("items") or ())
    return codes


def _find(definition: dict[str, Any], code: str) -> tuple[int, dict[str, Any]]:
    for index, question in enumerate(definition.get("questions") or ()):
        if question.get("code") == code:
            return index, question
    raise EditError("question_missing", code=code)


def question_add(
    definition: Mapping[str, Any], *, kind: str, text: str, taken: Iterable[str], after: str = ""
) -> tuple[dict[str, Any], str]:
    """A new question (with two placeholder choices or statements where the type needs them). Returns the new
    definition and the new question's code."""
    result = copy.deepcopy(dict(definition))
    used = set(taken) | codes_in(result)
    code = next_custom_code(used)
    question: dict[str, Any] = {"code": code, "type": kind, "text": text.strip(), "required": False}
    if kind in CHOICE_TYPES:
        question["choices"] = [{"code": "1", "label": "選択肢1"}, {"code": "2", "label": "選択肢2"}]
    if kind in SCALE_TYPES:
        question["scale"] = "agree4"
    if kind == "matrix":
        used.add(code)
        first = next_custom_code(used, prefix=f"{code}-")
        used.add(first)
        second = next_custom_code(used, prefix=f"{code}-")
        question["items"] = [{"code": first, "text": "項目1"}, {"code": second, "text": "項目2"}]
    if kind == "ranking":
        question["max_choices"] = 2
    questions = list(result.get("questions") or [])
    position = len(questions)
    if after:
        position = _find(result, after)[0] + 1
    questions.insert(position, question)
    result["questions"] = questions
    return result, code


def question_remove(definition: Mapping[str, Any], *, code: str) -> dict[str, Any]:
    result = copy.deepcopy(dict(definition))
    index, _question = _find(result, code)
    for other in result["questions"]:
        condition = other.get("show_if") or {}
        if condition.get("question") == code:
            raise EditError("question_is_condition", code=code, other=other.get("code", ""))
    del result["questions"][index]
    return result


def question_move(definition: Mapping[str, Any], *, code: str, offset: int) -> dict[str, Any]:
    """Move a question up (-1) or down (+1). A question never moves above the question its condition reads."""
    result = copy.deepcopy(dict(definition))
    questions = result["questions"]
    index, _question = _find(result, code)
    target = max(0, min(len(questions) - 1, index + offset))
    if target == index:
        return result
    questions.insert(target, questions.pop(index))
    position = {q.get("code"): i for i, q in enumerate(questions)}
    for i, other in enumerate(questions):
        condition = other.get("show_if") or {}
        source = condition.get("question")
        if source and position.get(source, -1) >= i:
            raise EditError("condition_order", code=str(other.get("code", "")), target=str(source))
    return result


def _rows(
    existing: Sequence[Mapping[str, Any]], edits: Sequence[RowEdit], *, new_code: Any, text_key: str
) -> list[dict[str, Any]]:
    by_code = {str(row.get("code")): dict(row) for row in existing}
    rows: list[tuple[float, int, dict[str, Any]]] = []
    for position, edit in enumerate(edits):
        label = edit.label.strip()
        if edit.code:
            row = by_code.get(edit.code)
            if row is None:
                raise EditError("row_missing", code=edit.code)
            if edit.delete:
                continue
            row[text_key] = label
        else:
            if edit.delete or not label:
                continue
            row = {"code": new_code(), text_key: label}
        if text_key == "label":
            if edit.exclusive:
                row["exclusive"] = True
            else:
                row.pop("exclusive", None)
        rows.append((edit.order, position, row))
    return [row for _order, _position, row in sorted(rows, key=lambda r: (r[0], r[1]))]


def question_update(
    definition: Mapping[str, Any],
    *,
    code: str,
    taken: Iterable[str],
    text: str,
    help: str = "",
    required: bool = True,
    section: str = "",
    choices: Sequence[RowEdit] | None = None,
    items: Sequence[RowEdit] | None = None,
    scale: str | None = None,
    non_substantive: Sequence[str] | None = None,
    max_choices: int | None = None,
    minimum: str | None = None,
    maximum: str | None = None,
    unit: str | None = None,
    integer: bool | None = None,
    show_if: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Change a question's wording and settings in place; its code stays."""
    result = copy.deepcopy(dict(definition))
    _index, question = _find(result, code)
    kind = question.get("type")
    question["text"] = text.strip()
    question["help"] = help.strip()
    question["required"] = bool(required)
    question["section"] = section.strip()
    used = set(taken) | codes_in(result)
    if choices is not None and kind in CHOICE_TYPES:
        existing = question.get("choices") or []
        numbers = [int(c["code"]) for c in existing if str(c.get("code", "")).isdigit()]
        counter = iter(range(max(numbers, default=0) + 1, 10_000))
        question["choices"] = _rows(existing, choices, new_code=lambda: str(next(counter)), text_key="label")
    if items is not None and kind == "matrix":

        def new_item_code() -> str:
            fresh = next_custom_code(used, prefix=f"{code}-")
            used.add(fresh)
            return fresh

        question["items"] = _rows(question.get("items") or [], items, new_code=new_item_code, text_key="text")
    if scale is not None and kind in SCALE_TYPES:
        question["scale"] = scale
    if non_substantive is not None and kind in SCALE_TYPES:
        question["non_substantive"] = list(non_substantive)
    if kind in {"multiple", "ranking"}:
        if max_choices:
            question["max_choices"] = max_choices
        elif kind == "multiple":
            question.pop("max_choices", None)
    if kind == "number":
        for key, value in (("min", minimum), ("max", maximum)):
            if value is None:
                continue
            if str(value).strip():
                question[key] = str(value).strip()
            else:
                question.pop(key, None)
        if unit is not None:
            question["unit"] = unit.strip()
        if integer is not None:
            question["integer"] = bool(integer)
    if show_if is not None:
        if show_if.get("question"):
            question["show_if"] = dict(show_if)
        else:
            question.pop("show_if", None)
    return result


def meta_update(
    definition: Mapping[str, Any], *, title: str, purpose: str, attributes: Sequence[str]
) -> dict[str, Any]:
    result = copy.deepcopy(dict(definition))
    result["title"] = title.strip()
    result["purpose"] = purpose.strip()
    result["attributes"] = list(attributes)
    return result
