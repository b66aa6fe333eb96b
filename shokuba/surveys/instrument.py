"""A questionnaire's definition: question types, scales, the standard respondent attributes, and the check that
a definition is well formed. Pure Python (no Django), so the paper/Excel import and the tests use it as it is.
The standard attributes, the shipped scales and the non-substantive answers are the vocabulary the analysis engine
shares (`shokuba.analysis.vocabulary`, re-exported here).

A definition is plain JSON (stored in `QuestionnaireVersion.definition`, shipped as the template library's
files). `parse_definition` turns it into frozen dataclasses or returns every problem it finds as a
`DefinitionProblem` (a code and parameters; `shokuba.surveys.messages` words them in Japanese).

Item codes are the lineage of the platform's results: a question's code (and a matrix statement's code)
stays the same across versions, waves and members, so results compare. Codes are never reused for a
different item.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from shokuba.analysis.vocabulary import ATTRIBUTE_CODES as ATTRIBUTE_CODES
from shokuba.analysis.vocabulary import ATTRIBUTES as ATTRIBUTES
from shokuba.analysis.vocabulary import NON_SUBSTANTIVE as NON_SUBSTANTIVE
from shokuba.analysis.vocabulary import STANDARD_SCALES as STANDARD_SCALES
from shokuba.analysis.vocabulary import Attribute as Attribute
from shokuba.analysis.vocabulary import Choice as Choice
from shokuba.analysis.vocabulary import Scale as Scale
from shokuba.core.text import forbidden_character

QuestionType = Literal["single", "multiple", "likert", "ranking", "number", "text_short", "text_long", "matrix"]
QUESTION_TYPES: tuple[QuestionType, ...] = (
    "single",
    "multiple",
    "likert",
    "ranking",
    "number",
    "text_short",
    "text_long",
    "matrix",
)
CHOICE_TYPES = frozenset({"single", "multiple", "ranking"})
SCALE_TYPES = frozenset({"likert", "matrix"})
TEXT_TYPES = frozenset({"text_short", "text_long"})
LIKERT_POINTS = frozenset({4, 5, 7})

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
CHOICE_CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$")

# Free-text limits (characters). A short answer is a line; a long one a paragraph or two.
TEXT_SHORT_MAX = 200
TEXT_LONG_MAX = 4000


@dataclass(frozen=True)
class Benchmark:
    """A published figure an item can be compared with, e.g. 内閣府 R4: men 48.7 % agree."""

    source: str
    year: int
    group: str
    value: float
    measure: str = "そう思う傾向（%）"


@dataclass(frozen=True)
class MatrixItem:
    code: str
    text: str
    theme: str = ""
    benchmarks: tuple[Benchmark, ...] = ()
    origin: str = ""  # where the wording comes from ("" = written for Shokuba)


@dataclass(frozen=True)
class Condition:
    """Show a question only when an earlier answer (a question, or one statement of a matrix) is one of these."""

    question: str
    any_of: tuple[str, ...]
    item: str = ""


@dataclass(frozen=True)
class Question:
    code: str
    type: QuestionType
    text: str
    help: str = ""
    required: bool = True
    section: str = ""
    theme: str = ""
    choices: tuple[Choice, ...] = ()
    scale: Scale | None = None
    non_substantive: tuple[str, ...] = ()
    max_choices: int | None = None  # multiple: at most; ranking: "up to N, in order"
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    integer: bool = False
    unit: str = ""
    items: tuple[MatrixItem, ...] = ()
    show_if: Condition | None = None
    benchmarks: tuple[Benchmark, ...] = ()
    origin: str = ""

    @property
    def max_length(self) -> int:
        return TEXT_SHORT_MAX if self.type == "text_short" else TEXT_LONG_MAX

    @property
    def options(self) -> tuple[Choice, ...]:
        """The answers that can be picked: choices, or a scale's points (non-substantive ones excluded)."""
        if self.scale is not None:
            return self.scale.points
        return self.choices

    def non_substantive_choices(self) -> tuple[Choice, ...]:
        return tuple(Choice(code, NON_SUBSTANTIVE[code]) for code in self.non_substantive)

    def item_codes(self) -> tuple[str, ...]:
        """The codes results are stored under: the statements of a matrix, else the question itself."""
        if self.type == "matrix":
            return tuple(item.code for item in self.items)
        return (self.code,)


@dataclass(frozen=True)
class Definition:
    title: str
    questions: tuple[Question, ...]
    attributes: tuple[str, ...] = ()
    purpose: str = ""
    audience: str = "employee"
    notes: str = ""
    sources: tuple[str, ...] = ()
    template_code: str = ""
    template_version: int | None = None
    scales: Mapping[str, Scale] = field(default_factory=dict)
    benchmarks: tuple[Benchmark, ...] = ()

    def question(self, code: str) -> Question | None:
        for question in self.questions:
            if question.code == code:
                return question
        return None

    def all_codes(self) -> set[str]:
        codes: set[str] = set()
        for question in self.questions:
            codes.add(question.code)
            codes.update(item.code for item in question.items)
        return codes


# --- parsing and checking a definition -----------------------------------------------------------------------


@dataclass(frozen=True)
class DefinitionProblem:
    """One thing wrong with a definition: where (question code, may be empty), a code, parameters."""

    where: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


class DefinitionError(ValueError):
    def __init__(self, problems: list[DefinitionProblem]) -> None:
        super().__init__("; ".join(f"{p.where}: {p.code} {dict(p.params)}" for p in problems))
        self.problems = problems


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _choices(raw: Iterable[Mapping[str, Any]]) -> tuple[Choice, ...]:
    return tuple(
        Choice(str(c.get("code", "")), str(c.get("label", "")), bool(c.get("exclusive", False))) for c in raw or ()
    )


def _benchmarks(raw: Iterable[Mapping[str, Any]] | None) -> tuple[Benchmark, ...]:
    return tuple(
        Benchmark(
            source=str(b.get("source", "")),
            year=int(b.get("year", 0)),
            group=str(b.get("group", "")),
            value=float(b.get("value", 0)),
            measure=str(b.get("measure", "そう思う傾向（%）")),
        )
        for b in raw or ()
    )


def _scale(raw: Mapping[str, Any], code: str) -> Scale:
    return Scale(
        code=code,
        label=str(raw.get("label", code)),
        points=_choices(raw.get("points", ())),
        top_box=int(raw.get("top_box", 2)),
    )


def _check_choices(where: str, choices: tuple[Choice, ...], problems: list[DefinitionProblem]) -> None:
    seen: set[str] = set()
    for choice in choices:
        if not CHOICE_CODE_PATTERN.match(choice.code):
            problems.append(DefinitionProblem(where, "choice_code_invalid", {"choice": choice.code}))
        elif choice.code in seen:
            problems.append(DefinitionProblem(where, "choice_code_duplicate", {"choice": choice.code}))
        if choice.code in NON_SUBSTANTIVE:
            problems.append(DefinitionProblem(where, "choice_code_reserved", {"choice": choice.code}))
        seen.add(choice.code)
        if not choice.label.strip():
            problems.append(DefinitionProblem(where, "choice_label_missing", {"choice": choice.code}))


# Where a definition holds objects and lists of objects: anything else there is refused before it is read.
_OBJECT_LISTS = ("questions", "benchmarks")
_QUESTION_OBJECT_LISTS = ("choices", "items", "benchmarks")
# Texts shown as one line (a title, a label, a code); every other text may hold line breaks and tabs.
_SINGLE_LINE_KEYS = frozenset({"title", "label", "code", "section", "unit", "theme", "type", "scale", "question"})


def _shape_problems(data: Any) -> list[DefinitionProblem]:
    """A definition is a JSON object whose questions, choices, items, scales and benchmarks are objects; a
    number, string or list where an object belongs is refused by path (it would otherwise crash the reading)."""
    if not isinstance(data, Mapping):
        return [DefinitionProblem("", "shape_invalid", {"path": "(definition)"})]
    problems: list[DefinitionProblem] = []

    def objects(value: Any, path: str) -> list[Mapping[str, Any]]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            problems.append(DefinitionProblem("", "shape_invalid", {"path": path}))
            return []
        return value

    for key in _OBJECT_LISTS:
        for index, question in enumerate(objects(data.get(key), key)):
            if key != "questions":
                continue
            for inner in _QUESTION_OBJECT_LISTS:
                for item_index, item in enumerate(objects(question.get(inner), f"questions[{index}].{inner}")):
                    if inner == "items":
                        objects(item.get("benchmarks"), f"questions[{index}].items[{item_index}].benchmarks")
            condition = question.get("show_if")
            values = condition.get("any_of") if isinstance(condition, Mapping) else None
            if condition and (not isinstance(condition, Mapping) or not isinstance(values or [], list)):
                problems.append(DefinitionProblem("", "shape_invalid", {"path": f"questions[{index}].show_if"}))
            if question.get("non_substantive") is not None and not isinstance(question["non_substantive"], list):
                problems.append(DefinitionProblem("", "shape_invalid", {"path": f"questions[{index}].non_substantive"}))
    scales = data.get("scales")
    if scales is not None:
        if not isinstance(scales, Mapping) or not all(isinstance(v, Mapping) for v in scales.values()):
            problems.append(DefinitionProblem("", "shape_invalid", {"path": "scales"}))
        else:
            for code, scale in scales.items():
                objects(scale.get("points"), f"scales.{code}.points")
                if not _is_integer(scale.get("top_box", 2)):
                    problems.append(DefinitionProblem("", "shape_invalid", {"path": f"scales.{code}.top_box"}))
    if data.get("template_version") is not None and not _is_integer(data.get("template_version")):
        problems.append(DefinitionProblem("", "shape_invalid", {"path": "template_version"}))
    for key in ("attributes", "sources"):
        if data.get(key) is not None and not isinstance(data.get(key), list):
            problems.append(DefinitionProblem("", "shape_invalid", {"path": key}))
    if problems:
        return problems
    for benchmark_path, benchmark in _benchmark_values(data):
        try:
            int(benchmark.get("year", 0))
            number = float(benchmark.get("value", 0))
        except (TypeError, ValueError, OverflowError):
            problems.append(DefinitionProblem("", "shape_invalid", {"path": benchmark_path}))
            continue
        if not math.isfinite(number):
            problems.append(DefinitionProblem("", "shape_invalid", {"path": benchmark_path}))
    return problems


def _is_integer(value: Any) -> bool:
    try:
        int(value)
    except (TypeError, ValueError, OverflowError):
        return False
    return not isinstance(value, bool)


def _benchmark_values(data: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    found: list[tuple[str, Mapping[str, Any]]] = []
    for index, benchmark in enumerate(data.get("benchmarks") or ()):
        found.append((f"benchmarks[{index}]", benchmark))
    for q_index, question in enumerate(data.get("questions") or ()):
        for index, benchmark in enumerate(question.get("benchmarks") or ()):
            found.append((f"questions[{q_index}].benchmarks[{index}]", benchmark))
        for i_index, item in enumerate(question.get("items") or ()):
            for index, benchmark in enumerate(item.get("benchmarks") or ()):
                found.append((f"questions[{q_index}].items[{i_index}].benchmarks[{index}]", benchmark))
    return found


def _text_problems(value: Any, path: str = "", key: str = "") -> list[DefinitionProblem]:
    """Every text of the definition (keys included) against core.text: titles, labels and codes single-line,
    the rest multi-line. A number that is not finite (NaN, Infinity) cannot be stored as JSON either."""
    problems: list[DefinitionProblem] = []
    if isinstance(value, str):
        found = forbidden_character(value, multiline=key not in _SINGLE_LINE_KEYS)
        if found is not None:
            params = {"path": path or "(definition)", "position": found.position, "code_point": found.code_point}
            problems.append(DefinitionProblem("", "text_control_character", params))
    elif isinstance(value, float) and not math.isfinite(value):
        problems.append(DefinitionProblem("", "shape_invalid", {"path": path}))
    elif isinstance(value, Mapping):
        for child_key, child in value.items():
            child_path = f"{path}.{child_key}" if path else str(child_key)
            problems.extend(_text_problems(str(child_key), child_path, "code"))
            problems.extend(_text_problems(child, child_path, str(child_key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            problems.extend(_text_problems(child, f"{path}[{index}]", key))
    return problems


def parse_definition(data: Mapping[str, Any]) -> Definition:
    """Check a definition and return it as dataclasses, or raise DefinitionError listing every problem."""
    early = _shape_problems(data)
    if not early:
        early = _text_problems(data)
    if early:
        raise DefinitionError(early)
    problems: list[DefinitionProblem] = []
    scales: dict[str, Scale] = dict(STANDARD_SCALES)
    for code, raw_scale in (data.get("scales") or {}).items():
        scales[str(code)] = _scale(raw_scale, str(code))
    for declared in scales.values():
        if len(declared.points) not in LIKERT_POINTS:
            problems.append(DefinitionProblem("", "scale_points", {"scale": declared.code, "n": len(declared.points)}))
        _check_choices(f"scale:{declared.code}", declared.points, problems)

    title = str(data.get("title", "")).strip()
    if not title:
        problems.append(DefinitionProblem("", "title_missing"))
    attributes = tuple(str(a) for a in data.get("attributes") or ())
    for attribute in attributes:
        if attribute not in ATTRIBUTES:
            problems.append(DefinitionProblem("", "attribute_unknown", {"attribute": attribute}))

    questions: list[Question] = []
    codes_seen: set[str] = set()
    earlier: dict[str, Question] = {}
    for raw in data.get("questions") or ():
        code = str(raw.get("code", ""))
        kind = str(raw.get("type", ""))
        where = code or "?"
        if not CODE_PATTERN.match(code):
            problems.append(DefinitionProblem(where, "code_invalid", {"code": code}))
        elif code in codes_seen:
            problems.append(DefinitionProblem(where, "code_duplicate", {"code": code}))
        codes_seen.add(code)
        if kind not in QUESTION_TYPES:
            problems.append(DefinitionProblem(where, "type_unknown", {"type": kind}))
            continue
        text = str(raw.get("text", "")).strip()
        if not text:
            problems.append(DefinitionProblem(where, "text_missing"))
        choices = _choices(raw.get("choices", ()))
        scale: Scale | None = None
        if kind in CHOICE_TYPES:
            if len(choices) < 2:
                problems.append(DefinitionProblem(where, "choices_too_few"))
            _check_choices(where, choices, problems)
        if kind in SCALE_TYPES:
            scale_code = str(raw.get("scale", ""))
            scale = scales.get(scale_code)
            if scale is None:
                problems.append(DefinitionProblem(where, "scale_unknown", {"scale": scale_code}))
        non_substantive = tuple(str(n) for n in raw.get("non_substantive") or ())
        for option in non_substantive:
            if option not in NON_SUBSTANTIVE:
                problems.append(DefinitionProblem(where, "non_substantive_unknown", {"option": option}))
        max_choices = raw.get("max_choices")
        if max_choices is not None:
            try:
                max_choices = int(max_choices)
            except (TypeError, ValueError):
                max_choices = 0
            if max_choices < 1:
                problems.append(DefinitionProblem(where, "max_choices_invalid"))
                max_choices = None
        if kind == "ranking" and max_choices is None:
            max_choices = len(choices)
        if max_choices is not None and choices and max_choices > len(choices):
            problems.append(DefinitionProblem(where, "max_choices_too_many", {"n": len(choices)}))
        minimum, maximum = _decimal(raw.get("min")), _decimal(raw.get("max"))
        if kind == "number" and minimum is not None and maximum is not None and minimum > maximum:
            problems.append(DefinitionProblem(where, "range_invalid"))
        items: list[MatrixItem] = []
        if kind == "matrix":
            for raw_item in raw.get("items") or ():
                item_code = str(raw_item.get("code", ""))
                if not CODE_PATTERN.match(item_code):
                    problems.append(DefinitionProblem(where, "code_invalid", {"code": item_code}))
                elif item_code in codes_seen:
                    problems.append(DefinitionProblem(where, "code_duplicate", {"code": item_code}))
                codes_seen.add(item_code)
                if not str(raw_item.get("text", "")).strip():
                    problems.append(DefinitionProblem(where, "item_text_missing", {"code": item_code}))
                items.append(
                    MatrixItem(
                        code=item_code,
                        text=str(raw_item.get("text", "")).strip(),
                        theme=str(raw_item.get("theme", "")),
                        benchmarks=_benchmarks(raw_item.get("benchmarks")),
                        origin=str(raw_item.get("origin", "")),
                    )
                )
            if not items:
                problems.append(DefinitionProblem(where, "items_missing"))
        condition: Condition | None = None
        raw_condition = raw.get("show_if")
        if raw_condition:
            condition = Condition(
                question=str(raw_condition.get("question", "")),
                any_of=tuple(str(v) for v in raw_condition.get("any_of") or ()),
                item=str(raw_condition.get("item", "")),
            )
            target = earlier.get(condition.question)
            if target is None:
                problems.append(DefinitionProblem(where, "condition_target", {"target": condition.question}))
            else:
                allowed = {o.code for o in target.options} | set(target.non_substantive)
                if target.type not in CHOICE_TYPES | SCALE_TYPES:
                    problems.append(DefinitionProblem(where, "condition_target_type", {"target": target.code}))
                if target.type == "matrix" and condition.item not in {i.code for i in target.items}:
                    problems.append(DefinitionProblem(where, "condition_item", {"target": target.code}))
                if not condition.any_of or not set(condition.any_of) <= allowed:
                    problems.append(DefinitionProblem(where, "condition_values", {"target": target.code}))
        question = Question(
            code=code,
            type=kind,  # narrowed to QuestionType by the check against QUESTION_TYPES above
            text=text,
            help=str(raw.get("help", "")).strip(),
            required=bool(raw.get("required", True)),
            section=str(raw.get("section", "")).strip(),
            theme=str(raw.get("theme", "")).strip(),
            choices=choices,
            scale=scale,
            non_substantive=non_substantive if kind in SCALE_TYPES else (),
            max_choices=max_choices if kind in {"multiple", "ranking"} else None,
            minimum=minimum if kind == "number" else None,
            maximum=maximum if kind == "number" else None,
            integer=bool(raw.get("integer", False)) if kind == "number" else False,
            unit=str(raw.get("unit", "")).strip() if kind == "number" else "",
            items=tuple(items),
            show_if=condition,
            benchmarks=_benchmarks(raw.get("benchmarks")),
            origin=str(raw.get("origin", "")),
        )
        questions.append(question)
        earlier[code] = question
    if not questions:
        problems.append(DefinitionProblem("", "questions_missing"))
    if problems:
        raise DefinitionError(problems)
    template_version = data.get("template_version")
    return Definition(
        title=title,
        questions=tuple(questions),
        attributes=attributes,
        purpose=str(data.get("purpose", "")),
        audience=str(data.get("audience", "employee")),
        notes=str(data.get("notes", "")),
        sources=tuple(str(s) for s in data.get("sources") or ()),
        template_code=str(data.get("template_code", "")),
        template_version=int(template_version) if template_version is not None else None,
        scales={code: s for code, s in scales.items() if code in (data.get("scales") or {})},
        benchmarks=_benchmarks(data.get("benchmarks")),
    )


def next_custom_code(taken: Iterable[str], prefix: str = "C") -> str:
    """A fresh item code for a question a programme adds: C01, C02, … never one used before."""
    used = set(taken)
    n = 1
    while f"{prefix}{n:02d}" in used:
        n += 1
    return f"{prefix}{n:02d}"


def next_choice_code(choices: Iterable[Choice]) -> str:
    numbers = [int(c.code) for c in choices if c.code.isdigit()]
    return str(max(numbers, default=0) + 1)
