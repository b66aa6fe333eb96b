"""The answering form as plain objects for the template: each question with its inputs, the values to show
again and the messages next to it. Shared by the respondent's page and the staff's phone preview."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shokuba.surveys.answers import AnswerProblem, attribute_field_name, field_name, form_values
from shokuba.surveys.instrument import ATTRIBUTES, Choice, Definition, Question
from shokuba.surveys.messages import answer_message


@dataclass
class OptionView:
    value: str
    label: str
    checked: bool
    id: str
    non_substantive: bool = False


@dataclass
class RowView:
    code: str
    text: str
    name: str
    id: str
    options: list[OptionView]
    errors: list[str] = field(default_factory=list)


@dataclass
class RankView:
    rank: int
    name: str
    id: str
    options: list[OptionView]


@dataclass
class QuestionView:
    question: Question
    number: int
    id: str
    name: str
    errors: list[str]
    options: list[OptionView] = field(default_factory=list)
    rows: list[RowView] = field(default_factory=list)
    ranks: list[RankView] = field(default_factory=list)
    value: str = ""
    show_if: str = ""
    condition_text: str = ""
    section_start: str = ""

    @property
    def type(self) -> str:
        return self.question.type

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(row.errors for row in self.rows)


@dataclass
class AttributeView:
    code: str
    label: str
    name: str
    id: str
    options: list[OptionView]
    errors: list[str]


def dom_id(name: str) -> str:
    return "f-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in name)


def _options(
    name: str, choices: Sequence[Choice], chosen: Sequence[str], *, non_substantive: Sequence[Choice] = ()
) -> list[OptionView]:
    views = [OptionView(c.code, c.label, c.code in chosen, f"{dom_id(name)}-{c.code}") for c in choices]
    views += [
        OptionView(c.code, c.label, c.code in chosen, f"{dom_id(name)}-{c.code}", non_substantive=True)
        for c in non_substantive
    ]
    return views


def _condition_text(definition: Definition, question: Question) -> str:
    condition = question.show_if
    if condition is None:
        return ""
    target = definition.question(condition.question)
    if target is None:
        return ""
    labels = {o.code: o.label for o in (*target.options, *target.non_substantive_choices())}
    chosen = "」「".join(labels.get(code, code) for code in condition.any_of)
    return f"{condition.question}で「{chosen}」と答えた方に伺います。"


def question_views(
    definition: Definition, raw_answers: Mapping[str, Any], problems: Sequence[AnswerProblem] = ()
) -> list[QuestionView]:
    values = form_values(definition, raw_answers)
    views: list[QuestionView] = []
    section = ""
    for number, question in enumerate(definition.questions, start=1):
        name = field_name(question.code)
        own = [p for p in problems if p.question == question.code]
        view = QuestionView(
            question=question,
            number=number,
            id=dom_id(name),
            name=name,
            errors=[answer_message(p) for p in own if not p.item],
            condition_text=_condition_text(definition, question),
        )
        if question.section and question.section != section:
            view.section_start = question.section
            section = question.section
        if question.show_if is not None:
            view.show_if = json.dumps(
                {
                    "name": field_name(question.show_if.question, question.show_if.item),
                    "any_of": list(question.show_if.any_of),
                },
                ensure_ascii=False,
            )
        chosen = list(values.get(name, ()))
        if question.type in {"single", "multiple", "likert"}:
            view.options = _options(name, question.options, chosen, non_substantive=question.non_substantive_choices())
        elif question.type == "ranking":
            limit = question.max_choices or len(question.choices)
            for rank in range(1, limit + 1):
                rank_name = field_name(question.code, f"r{rank}")
                view.ranks.append(
                    RankView(
                        rank,
                        rank_name,
                        dom_id(rank_name),
                        _options(rank_name, question.choices, list(values.get(rank_name, ()))),
                    )
                )
        elif question.type == "matrix":
            for item in question.items:
                item_name = field_name(question.code, item.code)
                view.rows.append(
                    RowView(
                        item.code,
                        item.text,
                        item_name,
                        dom_id(item_name),
                        _options(
                            item_name,
                            question.options,
                            list(values.get(item_name, ())),
                            non_substantive=question.non_substantive_choices(),
                        ),
                        [answer_message(p) for p in own if p.item == item.code],
                    )
                )
        else:
            text = chosen[0] if chosen else ""
            # Never echo more than a field may hold (a 10 MB paste is refused, not sent back).
            view.value = text[: question.max_length + 1] if question.type.startswith("text") else text[:40]
        views.append(view)
    return views


def attribute_views(
    definition: Definition, raw_attributes: Mapping[str, str], problems: Sequence[AnswerProblem] = ()
) -> list[AttributeView]:
    views = []
    for code in definition.attributes:
        attribute = ATTRIBUTES[code]
        name = attribute_field_name(code)
        chosen = [raw_attributes[code]] if raw_attributes.get(code) else []
        views.append(
            AttributeView(
                code=code,
                label=attribute.label,
                name=name,
                id=dom_id(name),
                options=_options(name, attribute.choices, chosen),
                errors=[answer_message(p) for p in problems if p.question == f"attr:{code}"],
            )
        )
    return views
