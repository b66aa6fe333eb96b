"""Raw responses of a wave as a table for Excel, through core.exports (the platform's one CSV/XLSX mechanism).

One row per response; one column per single answer, scale answer, number, text and matrix statement; a multiple
choice as one 0/1 column per option; a ranking as one column per rank. Cells hold codes; the XLSX has a codebook
sheet (column, item code, wording, choices, scale). This is the synchronous export for small waves; large waves
are left to the background export (see docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from shokuba.surveys.instrument import ATTRIBUTES, Definition, Question
from shokuba.surveys.models import Channel, Response, Wave

# Above this many responses the synchronous download is refused: the background export streams instead.
SYNC_EXPORT_MAX = 5000

TYPE_LABELS = {
    "single": "単一選択",
    "multiple": "複数選択（0/1）",
    "likert": "段階評価",
    "ranking": "順位",
    "number": "数値",
    "text_short": "自由記述（短文）",
    "text_long": "自由記述（長文）",
    "matrix": "表形式の項目",
}


@dataclass(frozen=True)
class Column:
    header: str
    item_code: str
    wording: str
    kind: str
    choices: str
    scale: str
    value: Callable[[dict[str, Any]], Any]
    # Where the cell comes from in the answers JSON, for the background export that lets the database pick it out
    # (export_jobs.py): mode "value" answers[question], "text" the same as free text, "item" answers[question][part],
    # "rank" answers[question][int(part)] (0-based), "flag" 1/0: part among answers[question] (None if unanswered).
    mode: str = "value"
    question: str = ""
    part: str = ""


_SHORT_CODES: dict[str, Any] = {}  # '3' → 3 and the like, remembered: a million rows repeat a dozen codes


def _code(value: Any) -> Any:
    """'3' → 3 so Excel sees a number; codes with a leading zero ('01') or letters stay text."""
    if type(value) is not str:
        return value
    known = _SHORT_CODES.get(value)
    if known is not None:
        return known
    code: Any = int(value) if value.isdigit() and (value == "0" or not value.startswith("0")) else value
    if len(value) <= 4:
        _SHORT_CODES[value] = code
    return code


def _choices_text(choices: Sequence[Any]) -> str:
    return " / ".join(f"{c.code}={c.label}" for c in choices)


def _scale_text(question: Question) -> str:
    if question.scale is None:
        return ""
    points = " / ".join(f"{p.code}={p.label}" for p in question.scale.points)
    extra = " / ".join(f"{c.code}={c.label}" for c in question.non_substantive_choices())
    return f"{question.scale.label}: {points}" + (f"（尺度外: {extra}）" if extra else "")


def columns(definition: Definition) -> list[Column]:
    result: list[Column] = []
    for question in definition.questions:
        code, kind = question.code, question.type
        scale = _scale_text(question)
        if kind in {"single", "likert", "number", "text_short", "text_long"}:
            unit = f"（{question.unit}）" if question.unit else ""
            result.append(
                Column(
                    code,
                    code,
                    question.text + unit,
                    TYPE_LABELS[kind],
                    _choices_text(question.choices),
                    scale,
                    (lambda a, c=code: a.get(c)) if kind.startswith("text") else (lambda a, c=code: _code(a.get(c))),  # type: ignore[misc]
                    mode="text" if kind.startswith("text") else "value",
                    question=code,
                )
            )
        elif kind == "multiple":
            for choice in question.choices:
                result.append(
                    Column(
                        f"{code}_{choice.code}",
                        code,
                        f"{question.text}：{choice.label}",
                        TYPE_LABELS[kind],
                        "1=選んだ / 0=選ばなかった",
                        "",
                        lambda a, c=code, k=choice.code: None if a.get(c) is None else int(k in a[c]),  # type: ignore[misc]
                        mode="flag",
                        question=code,
                        part=choice.code,
                    )
                )
        elif kind == "ranking":
            for rank in range(1, (question.max_choices or len(question.choices)) + 1):
                result.append(
                    Column(
                        f"{code}_{rank}位",
                        code,
                        f"{question.text}（{rank}位）",
                        TYPE_LABELS[kind],
                        _choices_text(question.choices),
                        "",
                        lambda a, c=code, r=rank: a[c][r - 1] if a.get(c) and len(a[c]) >= r else None,  # type: ignore[misc]
                        mode="rank",
                        question=code,
                        part=str(rank - 1),
                    )
                )
        elif kind == "matrix":
            for item in question.items:
                result.append(
                    Column(
                        item.code,
                        item.code,
                        f"{question.text}：{item.text}",
                        TYPE_LABELS[kind],
                        "",
                        scale,
                        lambda a, c=code, i=item.code: _code((a.get(c) or {}).get(i)),  # type: ignore[misc]
                        mode="item",
                        question=code,
                        part=item.code,
                    )
                )
    return result


FIXED_HEADER = ["回答ID", "回答日", "企業・団体", "経路"]


def header(definition: Definition) -> list[str]:
    return FIXED_HEADER + list(definition.attributes) + [c.header for c in columns(definition)]


def rows(wave: Wave, definition: Definition, *, chunk_size: int = 2000) -> Iterator[list[Any]]:
    """The response rows, read in chunks from the database (never all at once)."""
    organisations = {
        link.organisation_id: link.organisation.name
        for link in wave.links.select_related("organisation")
        if link.organisation
    }
    channel_labels = {value: str(label) for value, label in Channel.choices}  # translated once, not per row
    cols = columns(definition)
    fields = ["submission_id", "submitted_on", "organisation_id", "channel", *definition.attributes, "answers"]
    queryset = (
        Response.objects.filter(member_id=wave.member_id, wave=wave)
        .order_by("submitted_on", "submission_id")
        .values_list(*fields)
    )
    for record in queryset.iterator(chunk_size=chunk_size):
        submission_id, submitted_on, organisation_id, channel, *rest = record
        attributes, answers = rest[:-1], rest[-1]
        yield [
            str(submission_id),
            submitted_on.isoformat(),
            organisations.get(organisation_id, "") if organisation_id else "",
            channel_labels.get(channel, channel),
            *[a or None for a in attributes],
            *[column.value(answers) for column in cols],
        ]


def codebook(definition: Definition) -> tuple[list[str], list[list[Any]]]:
    head = ["列", "項目コード", "質問・項目の文言", "種類", "選択肢（コード=文言）", "尺度"]
    body: list[list[Any]] = [
        ["回答ID", "", "回答ごとの無作為な番号（回答者とは結びつきません）", "", "", ""],
        ["回答日", "", "回答した日付（時刻は記録していません）", "", "", ""],
        ["企業・団体", "", "回答用リンクの配布先（全体で1つのリンクのときは空欄）", "", "", ""],
        ["経路", "", "ウェブ／紙（入力）／Excel 取込", "", "", ""],
    ]
    for code in definition.attributes:
        attribute = ATTRIBUTES[code]
        body.append([code, code, attribute.label, "回答者の属性", _choices_text(attribute.choices), ""])
    for column in columns(definition):
        body.append([column.header, column.item_code, column.wording, column.kind, column.choices, column.scale])
    return head, body


def too_large_message(count: int) -> str:
    return _(
        "回答が%(count)s件あり、この画面からすぐにダウンロードできる上限（%(max)s件）を超えています。"
        "この画面でファイルを作成してからダウンロードしてください。"
    ) % {"count": f"{count:,}", "max": f"{SYNC_EXPORT_MAX:,}"}
