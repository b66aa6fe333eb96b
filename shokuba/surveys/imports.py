"""Paper and Excel responses: the import sheet of a wave, and reading a filled one back, cell by cell.

The import sheet has exactly the column layout of the raw export (`exports.header`): the four fixed columns
(回答ID, 回答日, 企業・団体, 経路), the attribute columns, then one column per single/likert/number/text answer and
matrix statement, one 0/1 column per option of a multiple choice and one column per rank of a ranking. So a
downloaded export imports again as it is, and the blank sheet is the export's header with no rows.

Reading is all-or-nothing and happens before any write: `prepare_import` returns either every row as cleaned
answers (checked by `answers.validate_submission`, the same check as the answering page) or every problem as a
`CellError` naming the sheet, the row as Excel numbers it, the column letter and its header, and what was
expected, in Japanese. The file is read by the one tabular reader (`shokuba.tabular`): its encodings (BOM → UTF-8,
strict UTF-8, CP932; others refused by name), its ZIP guard and calamine for .xlsx, its rule for formula and merged
cells (refused by cell, merged ones from the header row down). The header row is found by its content (a title
above it is fine); columns are matched by header, so their order may change.

Cells go through the reader's conversions: a code cell takes the code, its label, full-width forms, and what a
spreadsheet made of the code when that is unambiguous (4 for "04", 60 for "60+", -29 for "-29", a date for "3-9");
formula-like text (=, +, @) in a code or number cell is an error, while in a free-text cell it is stored as typed
(exports neutralise it again). The exports' own neutralising quote ('=…, '-29) is taken off, so an export
round-trips, also after Excel or LibreOffice opened and saved it.

Blank rows are skipped wherever they are. At most `MAX_LISTED_ERRORS` problems are listed, with the total.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import unicodedata
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from shokuba.core.text import file_name_clean
from shokuba.surveys import exports
from shokuba.surveys.answers import AnswerProblem, AnswerRow, answer_rows, validate_submission
from shokuba.surveys.instrument import ATTRIBUTES, NON_SUBSTANTIVE, Choice, Definition, Question
from shokuba.surveys.messages import answer_message
from shokuba.tabular import (
    CellError,
    CellValueError,
    Codebook,
    ColumnSpec,
    Limits,
    Problems,
    Row,
    Sheet,
    TableRefused,
    column_letter,
    folded,
    is_blank,
    locate_header,
    open_workbook,
    plain_text,
)
from shokuba.tabular.cells import FORMULA_LIKE
from shokuba.tabular.errors import MAX_LISTED_ERRORS, short

__all__ = ["MAX_LISTED_ERRORS", "CellError", "ImportRefused", "PreparedImport", "prepare_import"]

# Limits. The file: 20 MB (a 10 MB text cell still gets a message about that cell, not about the file); the
# inflated workbook: the reader's defaults (200 MB in at most 2,000 entries, no entry inflating more than 200-fold
# once it is over 1 MB); 10,000 responses per file.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 2000

SHEET_NAME = "回答"
CODEBOOK_SHEET = "コードブック"
GUIDE_SHEET = "記入方法"
ID_HEADER, DATE_HEADER, ORGANISATION_HEADER, CHANNEL_HEADER = exports.FIXED_HEADER

ImportRefused = TableRefused  # the reader's refusal: every problem by cell, the first MAX_LISTED_ERRORS listed


def max_file_bytes() -> int:
    return int(getattr(settings, "SURVEY_IMPORT_MAX_BYTES", MAX_FILE_BYTES))


def _refuse(message: str, **where: Any) -> ImportRefused:
    return ImportRefused([CellError(message, **where)])


# --- the layout (the export's columns) -----------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """What one column of the sheet holds: an attribute, or part of a question's answer."""

    header: str
    kind: str  # "attribute", or the question's type
    question: Question | None = None
    attribute: str = ""
    part: str = ""  # the choice (multiple), the rank (ranking) or the statement (matrix)


def layout(definition: Definition) -> list[Slot]:
    """The answer columns in the export's order, headers taken from `exports.columns` so the two never drift."""
    parts: list[tuple[Question, str]] = []
    for question in definition.questions:
        if question.type == "multiple":
            parts.extend((question, choice.code) for choice in question.choices)
        elif question.type == "ranking":
            limit = question.max_choices or len(question.choices)
            parts.extend((question, str(rank)) for rank in range(1, limit + 1))
        elif question.type == "matrix":
            parts.extend((question, item.code) for item in question.items)
        else:
            parts.append((question, ""))
    slots = [Slot(code, "attribute", attribute=code) for code in definition.attributes]
    for column, (question, part) in zip(exports.columns(definition), parts, strict=True):
        slots.append(Slot(column.header, question.type, question=question, part=part))
    return slots


def sheet_header(definition: Definition) -> list[str]:
    return exports.header(definition)


def guide_rows(definition: Definition) -> list[list[str]]:
    """The 記入方法 sheet of the blank workbook: how to fill the 回答 sheet, one instruction per row."""
    lines = [
        _("1行に1人分の回答を入力します。1行目の見出しは変えないでください（列の順番は入れ替えても構いません）。"),
        _("回答はコードで入力します。コードの意味は「コードブック」シートにあります（選択肢の文言でも受け付けます）。"),
        _("複数選択の質問は、選んだ選択肢の列に 1、選ばなかった列に 0 を入力します（空欄は 0 と同じです）。"),
        _("順位の質問は、1位・2位…の列に選択肢のコードを入力します。同じコードは2回使えません。"),
        _("無回答は空欄のままにします。必須の質問が空欄の行は取り込めません。"),
        _("「回答ID」「回答日」「経路」は空欄で構いません（取り込む日付と新しい回答IDが付きます）。"),
        _("「企業・団体」には回答用リンクの配布先の名称を入力します（全体で1つのリンクの調査では空欄にできます）。"),
        _("数式は使わず、値を入力してください。セルの結合もしないでください。"),
        _(
            "ファイルは1件の回答も欠けずに取り込まれるか、1件も取り込まれないかのどちらかです。同じファイルは2回取り込めません。"
        ),
    ]
    return [[f"{n}. {line}"] for n, line in enumerate(lines, start=1)]


# --- cells → answers -----------------------------------------------------------------------------------------


def _codes_of(slot: Slot) -> Codebook:
    if slot.kind == "attribute":
        return Codebook((c.code, c.label) for c in ATTRIBUTES[slot.attribute].choices)
    question = slot.question
    assert question is not None
    extra = tuple(Choice(code, NON_SUBSTANTIVE[code]) for code in question.non_substantive)
    return Codebook((c.code, c.label) for c in (*question.options, *extra))


@dataclass
class ImportRow:
    """One response ready to store: the Excel row it came from, its organisation, cleaned answers and rows."""

    row: int
    organisation_id: int | None
    attributes: dict[str, str]
    answers: dict[str, Any]
    rows: list[AnswerRow]
    response_id: str = ""  # the 回答ID cell when it holds a UUID (an export re-imported): checked by the service


@dataclass
class PreparedImport:
    file_name: str
    sha256: str
    file_format: str
    encoding: str
    sheet: str
    rows: list[ImportRow]


def _organisation_key(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).casefold()


@dataclass
class _Table:
    """The response sheet as read: its rows (a list: at most MAX_ROWS + 1000 of them) and which cells are formulas."""

    sheet: Sheet
    rows: list[Row]
    file_format: str
    encoding: str


def _read(data: bytes, file_name: str) -> _Table:
    workbook = open_workbook(
        data,
        file_name,
        limits=Limits(max_bytes=max_file_bytes(), max_rows=MAX_ROWS + 1000, max_columns=MAX_COLUMNS),
        extensions={".xlsx", ".csv"},
    )
    sheet = workbook.sheet(prefer=[SHEET_NAME])
    return _Table(sheet, list(sheet.rows()), workbook.format, workbook.encoding)


def _specs(definition: Definition) -> list[ColumnSpec]:
    specs = [ColumnSpec(slot.header, (slot.header,)) for slot in layout(definition)]
    return specs + [ColumnSpec(header, (header,)) for header in exports.FIXED_HEADER]


def _header_map(table: _Table, definition: Definition, errors: Problems) -> tuple[int, dict[int, Slot | str]]:
    """The header row's number and what each column holds (a Slot, or a fixed column's name)."""
    if not any(not is_blank(v) for row in table.rows for v in row.cells):
        errors.add(_("回答が1行もありません（シートが空です）。取込用シートに入力してください。"))
        errors.refuse_if_any()
    header, _rest = locate_header(table.rows, _specs(definition), loose=False)
    errors.extend(_with_headers(table.sheet.problems(merged_from_row=header.row), header.headers))
    slots = {slot.header: slot for slot in layout(definition)}
    duplicates = {i: columns[0] for columns in header.ambiguous.values() for i in columns[1:]}
    for first in {columns[0] for columns in header.ambiguous.values()}:
        header.columns[header.headers[first]] = first  # the first of repeated headers is read, the rest reported
    unknown = set(header.unclaimed)
    width = max((len(row.cells) for row in table.rows), default=0)
    below = [row.cells for row in table.rows if row.number > header.row]
    for index in range(width):
        text = header.headers[index] if index < len(header.headers) else ""
        where: dict[str, Any] = {"row": header.row, "column": column_letter(index)}
        if not text:
            if any(index < len(cells) and not is_blank(cells[index]) for cells in below):
                errors.add(
                    _("見出しが空ですが、この列に値があります。見出しを入れるか、列を削除してください。"), **where
                )
        elif index in duplicates:
            errors.add(
                _("見出し「%(header)s」が%(other)s列と重複しています。")
                % {"header": short(text), "other": column_letter(duplicates[index])},
                header=short(text),
                **where,
            )
        elif index in unknown:
            errors.add(
                _(
                    "見出し「%(header)s」はこの調査の調査票にありません。"
                    "この調査の取込用シートをダウンロードし、その見出しのまま入力してください。"
                )
                % {"header": short(text)},
                header=short(text),
                **where,
            )
    columns: dict[int, Slot | str] = {
        index: slots.get(key, key) for key, index in header.columns.items() if index not in duplicates
    }
    missing = [spec.key for spec in header.missing if spec.key in slots]
    if missing:
        errors.add(
            _("列「%(headers)s」がありません。取込用シートの見出しをすべて残してください。")
            % {"headers": "」「".join(short(m, 20) for m in missing[:10]) + ("」ほか" if len(missing) > 10 else "")},
            row=header.row,
        )
    errors.refuse_if_any()
    return header.row, columns


def _with_headers(found: list[CellError], headers: Sequence[str]) -> list[CellError]:
    """The reader's cell problems with the column's header added, as every other problem of the sheet has."""
    named = []
    for error in found:
        index = next((i for i in range(len(headers)) if column_letter(i) == error.column), None)
        header = headers[index] if index is not None else ""
        named.append(dataclasses.replace(error, header=short(header)) if header else error)
    return named


@dataclass
class _RowState:
    excel_row: int
    answers: dict[str, Any] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)
    bad_cells: set[str] = field(default_factory=set)  # question codes / item codes / attr:code with cell errors
    organisation_id: int | None = None
    response_id: str = ""


def prepare_import(
    data: bytes,
    file_name: str,
    definition: Definition,
    organisations: Mapping[str, int],
    *,
    organisation_required: bool = False,
) -> PreparedImport:
    """Read and check a whole file: every response cleaned, or ImportRefused listing every problem by cell.
    `organisations` maps the names of the wave's participating organisations to their ids; with
    `organisation_required` (a wave without a public link) every response must name one of them, so that it counts
    for that organisation as a response through its link would."""
    table = _read(data, file_name)
    errors = Problems(table.sheet.name)
    header_row, columns = _header_map(table, definition, errors)
    organisation_column = next((i for i, slot in columns.items() if slot == ORGANISATION_HEADER), None)
    names = sorted(organisations)
    known_names = "、".join(names[:5]) + (_(" ほか%(n)d件") % {"n": len(names) - 5} if len(names) > 5 else "")
    if organisation_required and organisation_column is None:
        errors.add(
            _(
                "列「%(header)s」がありません。この調査は企業・団体ごとに回答を集めているため、配布先の名称を入力してください。"
            )
            % {"header": ORGANISATION_HEADER},
            row=header_row,
        )
        errors.refuse_if_any()
    letters = {index: column_letter(index) for index in columns}
    by_question: dict[str, list[int]] = {}
    for index, slot in columns.items():
        if isinstance(slot, Slot) and slot.question is not None:
            by_question.setdefault(slot.question.code, []).append(index)
    codes = {
        index: _codes_of(slot)
        for index, slot in columns.items()
        if isinstance(slot, Slot) and slot.kind in {"attribute", "single", "likert", "ranking", "matrix"}
    }
    organisation_keys = {_organisation_key(name): pk for name, pk in organisations.items()}
    # A row counts when an attribute or answer cell holds something: a row with only the paper form's number (回答ID)
    # or an organisation typed ahead is as blank as an empty one.
    answer_columns = [index for index, slot in columns.items() if isinstance(slot, Slot)]
    formula_cells = table.sheet.formula_cells
    prepared: list[ImportRow] = []
    data_rows = 0
    for row in table.rows:
        if row.number <= header_row or _blank_row(row, answer_columns, formula_cells):
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            errors.add(
                _("1つのファイルで取り込めるのは%(max)s件までです。ファイルを分けてください。")
                % {"max": f"{MAX_ROWS:,}"},
                row=row.number,
            )
            break
        state = _RowState(excel_row=row.number)
        _read_row(row, columns, letters, codes, organisation_keys, known_names, formula_cells, state, errors)
        if organisation_required and organisation_column is not None and state.organisation_id is None:
            if f"fixed:{ORGANISATION_HEADER}" not in state.bad_cells:
                errors.add(
                    _(
                        "この調査は企業・団体ごとに回答を集めています。配布先の企業・団体の名称を入力してください"
                        "（%(names)s）。"
                    )
                    % {"names": known_names},
                    row=state.excel_row,
                    column=letters[organisation_column],
                    header=ORGANISATION_HEADER,
                )
                state.bad_cells.add(f"fixed:{ORGANISATION_HEADER}")
        validated = validate_submission(definition, state.answers, state.attributes)
        for problem in validated.problems:
            _report(problem, state, columns, letters, by_question, definition, errors)
        if validated.ok and not state.bad_cells:
            prepared.append(
                ImportRow(
                    row=state.excel_row,
                    organisation_id=state.organisation_id,
                    attributes=validated.attributes,
                    answers=validated.answers,
                    rows=answer_rows(definition, validated.answers),
                    response_id=state.response_id,
                )
            )
    if not data_rows and not errors.total:
        errors.add(_("回答が1行もありません。見出しの下の行に入力してください。"), row=header_row + 1)
    errors.refuse_if_any()
    return PreparedImport(
        file_name=file_name_clean(file_name),
        sha256=hashlib.sha256(data).hexdigest(),
        file_format=table.file_format,
        encoding=table.encoding,
        sheet=table.sheet.name,
        rows=prepared,
    )


def _blank_row(row: Row, answer_columns: Sequence[int], formula_cells: frozenset[tuple[int, int]]) -> bool:
    cells = row.cells
    for index in answer_columns:
        if (row.number, index) in formula_cells:
            return False
        if index < len(cells) and not is_blank(cells[index]):
            return False
    return True


def _read_row(
    row: Row,
    columns: Mapping[int, Slot | str],
    letters: Mapping[int, str],
    codes: Mapping[int, Codebook],
    organisation_keys: Mapping[str, int],
    known_names: str,
    formula_cells: frozenset[tuple[int, int]],
    state: _RowState,
    errors: Problems,
) -> None:
    cells = row.cells
    excel_row = state.excel_row
    chosen: dict[str, list[str]] = {}  # multiple: question → chosen codes in column order
    ranked: dict[str, dict[int, str]] = {}

    for index, slot in columns.items():
        if slot in (DATE_HEADER, CHANNEL_HEADER):
            continue  # the import date and the import's channel are used instead
        value = cells[index] if index < len(cells) else None
        if value is None or value == "":
            if isinstance(slot, Slot) and (row.number, index) not in formula_cells:
                continue  # the common case, kept cheap: an unanswered cell
        header = slot.header if isinstance(slot, Slot) else slot
        where: dict[str, Any] = {"row": excel_row, "column": letters[index], "header": short(header)}
        key = _slot_key(slot)
        if (row.number, index) in formula_cells:
            state.bad_cells.add(key)  # reported with the sheet's problems
            continue
        if isinstance(slot, str):
            if slot == ORGANISATION_HEADER and not is_blank(value):
                text = plain_text(value).strip()
                found = organisation_keys.get(_organisation_key(text))
                if found is None:
                    errors.add(
                        _(
                            "「%(name)s」はこの調査の配布先の企業・団体ではありません。"
                            "配布先の名称どおりに入力してください（%(names)s）。"
                        )
                        % {"name": short(text), "names": known_names or _("配布先の企業・団体はありません")},
                        **where,
                    )
                    state.bad_cells.add(key)
                state.organisation_id = found
            elif slot == ID_HEADER and not is_blank(value):
                try:
                    state.response_id = str(uuid.UUID(folded(value)))
                except ValueError:
                    pass  # a paper form's own number: a note for whoever types, not stored
            continue
        if is_blank(value):
            continue
        kind = slot.kind
        if kind in {"text_short", "text_long"}:
            assert slot.question is not None
            state.answers[slot.question.code] = plain_text(value)
            continue
        if kind in {"number", "multiple"}:
            text = folded(value)
            if isinstance(value, bool) or isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
                errors.add(_expected_message(slot, text), **where)
                state.bad_cells.add(key)
                continue
            if text.startswith(FORMULA_LIKE):
                errors.add(
                    _("数式のような値（%(value)s）は使えません。%(expected)s")
                    % {"value": short(text, 20), "expected": _expected_message(slot, "", bare=True)},
                    **where,
                )
                state.bad_cells.add(key)
                continue
            assert slot.question is not None
            if kind == "number":
                state.answers[slot.question.code] = text
            elif text in {"1", "0"}:
                if text == "1":
                    chosen.setdefault(slot.question.code, []).append(slot.part)
                else:
                    chosen.setdefault(slot.question.code, [])
            else:
                errors.add(_expected_message(slot, text), **where)
                state.bad_cells.add(key)
            continue
        try:
            match = codes[index].match(value)
        except CellValueError as exc:
            errors.add(exc.message, **where)
            state.bad_cells.add(key)
            continue
        if match is None:
            continue
        if kind == "attribute":
            state.attributes[slot.attribute] = match
        elif kind == "ranking":
            assert slot.question is not None
            ranked.setdefault(slot.question.code, {})[int(slot.part)] = match
        elif kind == "matrix":
            assert slot.question is not None
            state.answers.setdefault(slot.question.code, {})[slot.part] = match
        else:
            assert slot.question is not None
            state.answers[slot.question.code] = match
    for code, values in chosen.items():
        if values and code not in state.bad_cells:
            state.answers[code] = values
    for code, by_rank in ranked.items():
        if code not in state.bad_cells:
            state.answers[code] = [by_rank.get(rank, "") for rank in range(1, max(by_rank) + 1)]


def _slot_key(slot: Slot | str) -> str:
    if isinstance(slot, str):
        return f"fixed:{slot}"
    if slot.kind == "attribute":
        return f"attr:{slot.attribute}"
    assert slot.question is not None
    if slot.kind == "matrix":
        return slot.part
    return slot.question.code


def _expected_message(slot: Slot, value: str, *, bare: bool = False) -> str:
    """What a number or multiple-choice cell should hold; with `bare=False`, preceded by what is wrong with `value`."""
    shown = {"value": short(value, 20)}
    if slot.kind == "number":
        expected = _("数字を入力してください。")
        wrong = _("「%(value)s」は数字として読み取れません。") % shown
    else:
        expected = _("選んだときは 1、選ばなかったときは 0 を入力してください。")
        wrong = _("「%(value)s」は入力できません。") % shown
    return expected if bare else wrong + expected


def _report(
    problem: AnswerProblem,
    state: _RowState,
    columns: Mapping[int, Slot | str],
    letters: Mapping[int, str],
    by_question: Mapping[str, list[int]],
    definition: Definition,
    errors: Problems,
) -> None:
    """A validator problem, put on the cell (or the columns of one question) it belongs to."""
    row = state.excel_row
    if problem.question.startswith("attr:"):
        if problem.question in state.bad_cells:
            return
        code = problem.question.removeprefix("attr:")
        index = next((i for i, s in columns.items() if isinstance(s, Slot) and s.attribute == code), None)
        column = letters[index] if index is not None else ""
        errors.add(answer_message(problem), row=row, column=column, header=code)
        return
    if (problem.item and problem.item in state.bad_cells) or problem.question in state.bad_cells:
        return
    indexes = by_question.get(problem.question, [])
    question = definition.question(problem.question)
    if question is None or not indexes:
        errors.add(answer_message(problem), row=row, header=problem.question)
        return
    target: list[int] = indexes
    if problem.item:
        target = [i for i in indexes if _part(columns[i]) == problem.item] or indexes
    elif question.type == "ranking":
        target = _ranking_cell(problem, state.answers.get(question.code), indexes, columns) or indexes
    if len(target) == 1:
        slot = columns[target[0]]
        header = slot.header if isinstance(slot, Slot) else slot
        errors.add(_message(problem, question), row=row, column=letters[target[0]], header=header)
    else:
        first, last = columns[target[0]], columns[target[-1]]
        header = (
            f"{first.header}〜{last.header}" if isinstance(first, Slot) and isinstance(last, Slot) else question.code
        )
        errors.add(
            _message(problem, question),
            row=row,
            column=f"{letters[target[0]]}〜{letters[target[-1]]}",
            header=header,
        )


def _part(slot: Slot | str) -> str:
    return slot.part if isinstance(slot, Slot) else ""


def _ranking_cell(
    problem: AnswerProblem, ranked: Any, indexes: list[int], columns: Mapping[int, Slot | str]
) -> list[int]:
    by_rank = {int(s.part): i for i in indexes if isinstance((s := columns[i]), Slot)}
    if problem.code == "rank_gap":
        rank = int(problem.params.get("rank", 1))
        return [by_rank[rank]] if rank in by_rank else []
    if problem.code == "rank_repeat" and isinstance(ranked, list):
        seen: set[str] = set()
        for rank, code in enumerate(ranked, start=1):
            if code in seen and rank in by_rank:
                return [by_rank[rank]]
            seen.add(code)
    return []


def _message(problem: AnswerProblem, question: Question) -> str:
    if problem.code == "required" and question.type == "multiple":
        return _("この質問に回答してください（選んだ選択肢の列に 1 を入力します）。")
    if problem.code == "required" and question.type == "ranking":
        return _("この質問に回答してください（1位の列から順に選択肢のコードを入力します）。")
    return answer_message(problem)
