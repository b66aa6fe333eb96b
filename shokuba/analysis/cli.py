"""`python -m shokuba.analysis`: every analysis on an exported file (the platform's raw export XLSX with its
codebook sheet, or a CSV plus a codebook file), written as JSON (docs/analysis-json.md) and XLSX.

The file is read once into counts; from there on the engine sees only counts, as it does behind the pages.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from shokuba.analysis import benchmarks, crosstab, distributions, freetext, gaps, recognition
from shokuba.analysis.change import WaveItem, before_after
from shokuba.analysis.suppression import (
    DEFAULT_THRESHOLD,
    HIDDEN_MARK,
    Decision,
    Gate,
    ThresholdError,
    validate_threshold,
)
from shokuba.analysis.types import Category, ItemCounts, MultipleChoiceCounts, RankingCounts, to_jsonable
from shokuba.analysis.vocabulary import ATTRIBUTES, NON_SUBSTANTIVE, STANDARD_SCALES
from shokuba.tabular import (
    CellValueError,
    Codebook,
    ColumnSpec,
    Limits,
    Problems,
    Row,
    TableRefused,
    column_letter,
    folded,
    is_blank,
    locate_header,
    open_workbook,
    plain_text,
)

KINDS = {
    "単一選択": "single",
    "複数選択（0/1）": "multiple",
    "段階評価": "likert",
    "順位": "ranking",
    "数値": "number",
    "自由記述（短文）": "text",
    "自由記述（長文）": "text",
    "表形式の項目": "likert",
    "回答者の属性": "attribute",
}
CODEBOOK_HEADER = ["列", "項目コード", "質問・項目の文言", "種類", "選択肢（コード=文言）", "尺度"]
TEMPLATES = resources.files("shokuba").joinpath("surveys", "data", "templates")  # data files, wherever shokuba is


class CliError(Exception):
    """A problem with the input, worded for the analyst (Japanese, naming the file, row or column)."""


@dataclass
class Column:
    header: str
    item_code: str
    text: str
    kind: str
    choices: list[Category]
    scale_points: list[Category] = field(default_factory=list)
    non_substantive: list[Category] = field(default_factory=list)
    top_box: int = 2


def _pairs(text: str) -> list[Category]:
    result = []
    for part in (text or "").split(" / "):
        if "=" in part:
            code, label = part.split("=", 1)
            result.append(Category(code.strip(), label.strip()))
    return result


def parse_scale(text: str) -> tuple[list[Category], list[Category], int]:
    if not text:
        return [], [], 0
    label, _, rest = text.partition(": ")
    extra: list[Category] = []
    match = re.search(r"（尺度外: (.*)）$", rest)
    if match:
        extra = _pairs(match.group(1))
        rest = rest[: match.start()]
    top_box = next((s.top_box for s in STANDARD_SCALES.values() if s.label == label.strip()), 2)
    return _pairs(rest), extra, top_box


MAX_LISTED_CELLS = 20
DATA_EXTENSIONS = {".csv", ".txt", ".xlsx", ".xlsm"}
LIMITS = Limits(max_bytes=2 * 1024**3, max_uncompressed_bytes=4 * 1024**3, max_ratio=1000)


def _refused(path: Path, refusal: TableRefused) -> CliError:
    lines = [f"{path}: {error}" for error in refusal.errors[:MAX_LISTED_CELLS]]
    if refusal.total > len(lines):
        lines.append(f"ほかに {refusal.total - len(lines):,} 件の問題があります。")
    return CliError("\n".join(lines))


def read_rows(path: Path, sheet: str | None = None) -> tuple[str, list[Row]]:
    """The rows of a file's sheet (a CSV's only sheet), as the tabular reader gives them: the platform's encodings
    (UTF-8 with or without BOM, CP932), XLSX through calamine; formulas are refused by cell."""
    if not path.exists():
        raise CliError(f"{path}: ファイルが見つかりません。")
    try:
        with path.open("rb") as stream:
            workbook = open_workbook(stream, path.name, limits=LIMITS, extensions=DATA_EXTENSIONS)
            chosen = workbook.sheet(sheet) if sheet is not None and workbook.format == "xlsx" else workbook.sheet()
            rows = list(chosen.rows())
            refusal = chosen.problems(merged_from_row=None)
    except TableRefused as refused:
        raise _refused(path, refused) from refused
    if refusal:
        raise _refused(path, TableRefused(refusal))
    return chosen.name, rows


def read_table(path: Path, sheet: str | None = None) -> list[list[str]]:
    """A sheet as text: cells as typed, core.exports' formula neutralising undone ("'-29" → "-29")."""
    return [[plain_text(v).strip() for v in row.cells] for row in read_rows(path, sheet)[1]]


def read_codebook(rows: list[list[str]], name: str) -> list[Column]:
    if not rows or [h.strip() for h in rows[0][: len(CODEBOOK_HEADER)]] != CODEBOOK_HEADER:
        raise CliError(f"{name}: コードブックの見出しは「{'・'.join(CODEBOOK_HEADER)}」にしてください。")
    columns = []
    for number, row in enumerate(rows[1:], start=2):
        row = [*row, "", "", "", "", "", ""][:6]
        header, code, text, kind_label, choices, scale = row
        if not header:
            continue
        if kind_label and kind_label not in KINDS:
            raise CliError(f"{name} {number}行目: 種類「{kind_label}」は読めません（{'、'.join(KINDS)}）。")
        points, extra, top_box = parse_scale(scale)
        columns.append(Column(header, code, text, KINDS.get(kind_label, ""), _pairs(choices), points, extra, top_box))
    return columns


@dataclass
class Dataset:
    header: list[str]
    rows: list[list[str]]
    columns: list[Column]

    def index(self, header: str) -> int:
        return self.header.index(header)

    def values(self, header: str) -> list[str]:
        i = self.index(header)
        return [row[i] if i < len(row) else "" for row in self.rows]


def _codes(column: Column) -> Codebook | None:
    """What a code column accepts: its codes, their labels, and what a spreadsheet made of them (tabular.Codebook)."""
    if column.kind == "attribute":
        choices = column.choices
        if not choices and column.item_code in ATTRIBUTES:
            choices = [Category(c.code, c.label) for c in ATTRIBUTES[column.item_code].choices]
        return Codebook((c.code, c.label) for c in choices) if choices else None
    if column.kind == "likert":
        return Codebook((c.code, c.label) for c in [*column.scale_points, *column.non_substantive])
    if column.kind in {"single", "ranking"}:
        return Codebook((c.code, c.label) for c in column.choices)
    return None


def _attribute_column(code: str) -> Column:
    attribute = ATTRIBUTES[code]
    return Column(code, code, attribute.label, "attribute", [Category(c.code, c.label) for c in attribute.choices])


def load(path: Path, codebook: Path | None) -> Dataset:
    """The responses with every attribute and item cell turned into its code: labels (女性), full-width forms (Ｆ)
    and what a spreadsheet made of a code (60 for 60+, 4 for 04) are accepted; anything else is an error naming
    its cells, never dropped."""
    if path.suffix.lower() in {".xlsx", ".xlsm"} and codebook is None:
        sheet, rows = read_rows(path, "回答")
        book = read_table(path, "コードブック")
    else:
        if codebook is None:
            raise CliError(f"{path}: CSV にはコードブック（--codebook）を指定してください。")
        sheet, rows = read_rows(path)
        book = read_table(codebook, "コードブック" if codebook.suffix.lower() in {".xlsx", ".xlsm"} else None)
    if not any(not is_blank(v) for row in rows for v in row.cells):
        raise CliError(f"{path}: 回答がありません。")
    columns = read_codebook(book, str(codebook or path))
    # Attribute columns are known by their code (sex) or their label (性別); the data then calls them by code.
    specs = [ColumnSpec(c.header, (c.header,)) for c in columns]
    known = {c.header for c in columns}
    specs += [ColumnSpec(a, (a, ATTRIBUTES[a].label)) for a in ATTRIBUTES if a not in known]
    try:
        match, body = locate_header(rows, specs, loose=False)
    except TableRefused as refused:
        raise _refused(path, refused) from refused
    missing = [s.key for s in match.missing if any(c.header == s.key and c.kind for c in columns)]
    if missing:
        raise CliError(f"{path}: コードブックにある列がデータにありません: {'、'.join(missing[:10])}")
    by_header = {c.header: c for c in columns}
    header = [h.strip() for h in match.headers]
    readers: dict[int, Column] = {}
    for key, index in match.columns.items():
        column = by_header.get(key) or (_attribute_column(key) if key in ATTRIBUTES else None)
        if column is None:
            continue
        if column.kind == "attribute" and column.item_code in ATTRIBUTES:
            header[index] = column.item_code
        readers[index] = column
    problems = Problems(sheet, limit=MAX_LISTED_CELLS)
    codebooks = {i: _codes(c) for i, c in readers.items()}
    data: list[list[str]] = []
    for row in body:
        if all(is_blank(v) for v in row.cells):
            continue
        cells = [*row.cells, *[""] * (len(header) - len(row.cells))]
        values = []
        for index, value in enumerate(cells[: len(header)]):
            values.append(
                _cell_code(value, readers.get(index), codebooks.get(index), row.number, index, header, problems)
            )
        data.append(values)
    if problems:
        lines = [f"{path}: {error}" for error in problems.listed]
        if problems.total > len(problems.listed):
            lines.append(f"ほかに {problems.total - len(problems.listed):,} 件の問題があります。")
        raise CliError("\n".join(lines))
    return Dataset(header, data, columns)


def _cell_code(
    value: Any,
    column: Column | None,
    codes: Codebook | None,
    row: int,
    index: int,
    header: Sequence[str],
    problems: Problems,
) -> str:
    if column is None or column.kind in {"text", "number", ""}:
        return plain_text(value).strip()
    try:
        if codes is not None:
            return codes.match(value) or ""
        text = folded(value)  # a 0/1 column of a multiple choice
        if text in {"", "0", "1"}:
            return text
        raise CellValueError(f"「{text[:20]}」は入力できません。選んだときは 1、選ばなかったときは 0 です。")
    except CellValueError as error:
        problems.add(error.message, row=row, column=column_letter(index), header=header[index])
        return ""


# --- counts from rows ------------------------------------------------------------------------------------------


def _scale_counts(column: Column, values: Iterable[str]) -> ItemCounts:
    codes = [p.code for p in column.scale_points]
    tally = Counter(values)
    unknown = [v for v in tally if v and v not in codes and v not in NON_SUBSTANTIVE]
    if unknown:
        raise CliError(f"列「{column.header}」: 尺度にない値があります: {'、'.join(sorted(unknown)[:5])}")
    return ItemCounts(
        column.item_code,
        column.text,
        tuple(column.scale_points),
        tuple(tally.get(c, 0) for c in codes),
        tuple((n, tally.get(n.code, 0)) for n in column.non_substantive),
        tally.get("", 0),
        column.top_box,
    )


def _single_counts(column: Column, values: Iterable[str]) -> ItemCounts:
    codes = [c.code for c in column.choices]
    tally = Counter(values)
    unknown = [v for v in tally if v and v not in codes]
    if unknown:
        raise CliError(f"列「{column.header}」: 選択肢にない値があります: {'、'.join(sorted(unknown)[:5])}")
    return ItemCounts(
        column.item_code,
        column.text,
        tuple(column.choices),
        tuple(tally.get(c, 0) for c in codes),
        (),
        tally.get("", 0),
    )


def item_counts(data: Dataset, column: Column, rows: Sequence[int] | None = None) -> ItemCounts:
    values = data.values(column.header)
    if rows is not None:
        values = [values[i] for i in rows]
    return _scale_counts(column, values) if column.kind == "likert" else _single_counts(column, values)


def attribute_rows(data: Dataset, attribute: str, codes: Sequence[str]) -> list[int]:
    values = data.values(attribute)
    return [i for i, v in enumerate(values) if v in codes]


def _multiple(data: Dataset) -> list[MultipleChoiceCounts]:
    grouped: dict[str, list[Column]] = defaultdict(list)
    for column in data.columns:
        if column.kind == "multiple":
            grouped[column.item_code].append(column)
    result = []
    for code, columns in grouped.items():
        vectors = [data.values(c.header) for c in columns]
        answered = [i for i in range(len(data.rows)) if any(v[i] != "" for v in vectors)]
        counts = tuple(sum(1 for i in answered if v[i] == "1") for v in vectors)
        labels = tuple(Category(c.header.removeprefix(code + "_"), c.text.split("：")[-1]) for c in columns)
        result.append(
            MultipleChoiceCounts(
                code, columns[0].text.split("：")[0], labels, counts, len(answered), len(data.rows) - len(answered)
            )
        )
    return result


def _rankings(data: Dataset) -> list[RankingCounts]:
    grouped: dict[str, list[Column]] = defaultdict(list)
    for column in data.columns:
        if column.kind == "ranking":
            grouped[column.item_code].append(column)
    result = []
    for code, columns in grouped.items():
        choices = columns[0].choices
        index = {c.code: i for i, c in enumerate(choices)}
        table = [[0] * len(columns) for _ in choices]
        vectors = [data.values(c.header) for c in columns]
        answered = 0
        for i in range(len(data.rows)):
            if any(v[i] for v in vectors):
                answered += 1
            for rank, v in enumerate(vectors):
                if v[i]:
                    if v[i] not in index:
                        raise CliError(f"列「{columns[rank].header}」: 選択肢にない値があります: {v[i]}")
                    table[index[v[i]]][rank] += 1
        text = re.sub(r"（\d+位）$", "", columns[0].text)
        result.append(RankingCounts(code, text, tuple(choices), tuple(tuple(r) for r in table), answered, len(columns)))
    return result


def _national_figures() -> dict[str, list[benchmarks.PublishedFigure]]:
    """Published national results by item code, from the shipped templates (plain JSON files)."""
    figures: dict[str, list[benchmarks.PublishedFigure]] = defaultdict(list)
    for path in sorted((p for p in TEMPLATES.iterdir() if p.name.endswith(".json")), key=lambda p: p.name):
        definition = json.loads(path.read_text(encoding="utf-8"))
        for question in definition.get("questions", []):
            for entry in [question, *question.get("items", [])]:
                for b in entry.get("benchmarks", []):
                    figures[entry["code"]].append(
                        benchmarks.PublishedFigure(
                            b["source"],
                            int(b["year"]),
                            b["group"],
                            float(b["value"]),
                            b.get("measure", "そう思う傾向（%）"),
                        )
                    )
    return figures


# --- the run ---------------------------------------------------------------------------------------------------


def dataset_gate(data: Dataset, threshold: int) -> Gate:
    """The gate of a file's respondents: the same decisions the pages make on the same counts."""
    columns = {a: data.values(a) for a in ATTRIBUTES if a in data.header}
    if "企業・団体" in data.header:
        columns["organisation"] = data.values("企業・団体")

    def sizes(dims: tuple[str, ...]) -> dict[tuple[str, ...], int]:
        if not dims:
            return {(): len(data.rows)}
        return dict(Counter(tuple(columns[d][i] for d in dims) for i in range(len(data.rows))))

    def space(dim: str) -> list[str]:
        if dim == "organisation":
            return sorted(set(columns[dim]) | {""})
        return [c.code for c in ATTRIBUTES[dim].choices] + [""]

    return Gate(sizes=sizes, space=space, threshold=threshold, unions=gaps.preset_groups())


def _rows_of(data: Dataset, filters: dict[str, tuple[str, ...]]) -> list[int]:
    keep = set(range(len(data.rows)))
    for attribute, codes in filters.items():
        keep &= set(attribute_rows(data, attribute, codes))
    return sorted(keep)


def analyse(
    data: Dataset,
    threshold: int,
    *,
    before: Dataset | None = None,
    recognition_items: Sequence[str] = recognition.DEFAULT_ITEMS,
) -> dict[str, Any]:
    scale_columns = [c for c in data.columns if c.kind == "likert"]
    single_columns = [c for c in data.columns if c.kind == "single"]
    attributes = [a for a in ATTRIBUTES if a in data.header]
    gate = dataset_gate(data, threshold)
    everyone = gate.scope()
    report: dict[str, Any] = {"format": "shokuba-analysis/2", "threshold": threshold, "responses": len(data.rows)}
    report["distributions"] = [
        distributions.distribution(item_counts(data, c), everyone) for c in scale_columns + single_columns
    ]
    report["multiple_choice"] = [distributions.multiple_choice(m, everyone) for m in _multiple(data)]
    report["rankings"] = [distributions.ranking(r, everyone) for r in _rankings(data)]

    tables = []
    for attribute in attributes:
        release = gate.split((attribute,))
        categories = [Category(c.code, c.label) for c in ATTRIBUTES[attribute].choices] + [Category("", "無回答")]
        groups = [(c, attribute_rows(data, attribute, [c.code])) for c in categories]
        for family in (scale_columns, single_columns):
            family_tables = []
            for column in family:
                per_group = [item_counts(data, column, rows) for _, rows in groups]
                family_tables.append(
                    crosstab.crosstab(
                        crosstab.ContingencyTable(
                            column.item_code,
                            column.text,
                            ATTRIBUTES[attribute].label,
                            tuple(c for c, _ in groups),
                            tuple((c.code,) for c, _ in groups),
                            per_group[0].categories,
                            tuple(p.counts for p in per_group),
                            per_group[0].top_box,
                        ),
                        release,
                    )
                )
            crosstab.adjust(family_tables)
            tables += family_tables
    report["crosstabs"] = tables

    gap_reports = {}
    for preset, ((label_a, filter_a), (label_b, filter_b)) in gaps.PRESETS.items():
        if not all(a in data.header for a in [*filter_a, *filter_b]):
            continue
        rows_a, rows_b = _rows_of(data, filter_a), _rows_of(data, filter_b)
        pairs = [
            gaps.ScaleItemPair(
                c.item_code, c.text, item_counts(data, c, rows_a).counts, item_counts(data, c, rows_b).counts, c.top_box
            )
            for c in scale_columns
        ]
        gap_reports[preset] = gaps.gap_analysis(pairs, label_a, label_b, gate.group(filter_a), gate.group(filter_b))
    report["gaps"] = gap_reports

    figures = _national_figures()
    national = []
    if "sex" in data.header:
        sexes = {"男性": ("M", attribute_rows(data, "sex", ["M"])), "女性": ("F", attribute_rows(data, "sex", ["F"]))}
        for c in scale_columns:
            if c.item_code not in figures:
                continue
            overall = item_counts(data, c)
            groups_counts = {"全体": (sum(overall.counts[: overall.top_box]), overall.valid_n, everyone)}
            for label, (code, rows) in sexes.items():
                counts = item_counts(data, c, rows)
                groups_counts[label] = (
                    sum(counts.counts[: counts.top_box]),
                    counts.valid_n,
                    gate.group({"sex": (code,)}),
                )
            national += benchmarks.vs_national(c.item_code, c.text, groups_counts, figures[c.item_code])
    report["national"] = national

    if "企業・団体" in data.header and all(any(c.item_code == i for c in scale_columns) for i in recognition_items):
        organisations = sorted({v for v in data.values("企業・団体") if v})
        results = []
        sex = data.values("sex") if "sex" in data.header else [""] * len(data.rows)
        org_of = data.values("企業・団体")
        for organisation in organisations:
            positives: list[recognition.PositiveCounts] = []
            for code in recognition_items:
                column = next(c for c in scale_columns if c.item_code == code)
                values = data.values(column.header)
                positive = {p.code for p in column.scale_points[: column.top_box]}
                substantive = {p.code for p in column.scale_points}
                tallies = {"M": [0, 0], "F": [0, 0], "": [0, 0]}
                for i, v in enumerate(values):
                    if org_of[i] != organisation or v not in substantive:
                        continue
                    key = sex[i] if sex[i] in ("M", "F") else ""
                    tallies[key][1] += 1
                    tallies[key][0] += v in positive
                positives.append(recognition.PositiveCounts(code, *tallies["M"], *tallies["F"], *tallies[""]))
            decisions = {"overall": gate.group({"organisation": (organisation,)})}
            if "sex" in data.header:
                decisions["men"] = gate.group({"organisation": (organisation,), "sex": ("M",)})
                decisions["women"] = gate.group({"organisation": (organisation,), "sex": ("F",)})
            else:
                decisions["men"] = decisions["women"] = Decision(False, "primary", 0, threshold)
            results.append(recognition.recognition(organisation, positives, decisions, items=recognition_items))
        report["recognition"] = results
    else:
        report["recognition"] = []

    texts = []
    sex_release = gate.split(("sex",)) if "sex" in data.header else None
    labels = {c.code: c.label for c in ATTRIBUTES["sex"].choices} | {"": "無回答"}
    hidden_groups = (
        [labels.get(k[0], k[0]) for k, h in zip(sex_release.keys, sex_release.hidden, strict=True) if h]
        if sex_release
        else []
    )
    for column in data.columns:
        if column.kind != "text":
            continue
        values = data.values(column.header)
        sex = data.values("sex") if "sex" in data.header else [""] * len(values)
        answers = [freetext.TextAnswer(v, labels.get(s, s)) for v, s in zip(values, sex, strict=True) if v]
        texts.append(
            {
                "item_code": column.item_code,
                "text": column.text,
                "result": freetext.freetext(answers, scope=everyone, hidden_groups=hidden_groups),
            }
        )
    report["free_text"] = texts

    if before is not None:

        def wave_items(d: Dataset) -> list[WaveItem]:
            return [
                WaveItem(c.item_code, c.text, item_counts(d, c).counts, {}, c.top_box)
                for c in d.columns
                if c.kind == "likert"
            ]

        report["change"] = before_after(
            wave_items(before),
            wave_items(data),
            before_group=dataset_gate(before, threshold).scope(),
            after_group=everyone,
        )
    return to_jsonable(report)


# --- XLSX ------------------------------------------------------------------------------------------------------


def _cell(v: Any) -> Any:
    return HIDDEN_MARK if v is None else v


def write_xlsx(report: dict[str, Any], path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheets: dict[str, list[list[Any]]] = {
        "分布": [["項目コード", "項目", "区分", "件数", "%", "95%下限", "95%上限", "有効回答数"]],
        "クロス集計": [
            [
                *("項目コード", "属性", "群", "n", "区分", "件数", "行%"),
                *("検定の対象", "検定", "調整後p値", "差の大きさの目安", "結果"),
            ]
        ],
        "気づきポイント": [
            [
                "比較",
                "順位",
                "項目コード",
                "項目",
                "A n",
                "B n",
                "A そう思う傾向%",
                "B そう思う傾向%",
                "差（ポイント）",
                "95%下限",
                "95%上限",
                "A 平均",
                "B 平均",
                "調整後p値",
                "差の大きさの目安",
                "説明",
            ]
        ],
        "全国比較": [["項目コード", "群", "出典", "全国%", "n", "%", "95%下限", "95%上限", "説明"]],
        "3分の2基準": [["企業・団体", "判定", "項目コード", "全体%", "男性%", "女性%", "説明"]],
        "自由記述（語）": [["項目コード", "語", "品詞", "記述数", "出現数"]],
    }
    for d in report["distributions"]:
        for c in d["categories"] + d["non_substantive"]:
            sheets["分布"].append(
                [
                    d["item_code"],
                    d["text"],
                    c["label"],
                    c["count"],
                    c["percent"],
                    c["ci_low"],
                    c["ci_high"],
                    d["valid_n"],
                ]
            )
    for t in report["crosstabs"]:
        test = t["test"]
        for row in [*t["rows"], t["total"]]:
            for i, column in enumerate(t["columns"]):
                sheets["クロス集計"].append(
                    [
                        t["item_code"],
                        t["row_attribute"],
                        row["label"],
                        row["n"],
                        column["label"],
                        row["counts"][i],
                        row["percents"][i],
                        "○" if row["tested"] else "",
                        test["method"],
                        test["q_value"],
                        test["effect_label"],
                        test["summary"],
                    ]
                )
    for g in report["gaps"].values():
        for c in g["items"]:
            sheets["気づきポイント"].append(
                [
                    f"{g['label_a']} / {g['label_b']}",
                    c["rank"],
                    c["item_code"],
                    c["text"],
                    c["n_a"],
                    c["n_b"],
                    c["top_percent_a"],
                    c["top_percent_b"],
                    c["top_diff_points"],
                    c["top_diff_ci_low"],
                    c["top_diff_ci_high"],
                    c["mean_a"],
                    c["mean_b"],
                    c["q_value"],
                    c["effect"],
                    c["explanation"],
                ]
            )
    for n in report["national"]:
        sheets["全国比較"].append(
            [
                n["item_code"],
                n["group"],
                f"{n['source']}（{n['year']}）",
                n["national_percent"],
                n["n"],
                n["percent"],
                n["ci_low"],
                n["ci_high"],
                n["explanation"],
            ]
        )
    for r in report["recognition"]:
        for item in r["items"]:
            sheets["3分の2基準"].append(
                [
                    r["organisation"],
                    r["label"],
                    item["item_code"],
                    item["overall_percent"],
                    item["men_percent"],
                    item["women_percent"],
                    r["explanation"],
                ]
            )
    for t in report["free_text"]:
        for w in t["result"]["words"]:
            sheets["自由記述（語）"].append([t["item_code"], w["word"], w["pos"], w["answers"], w["occurrences"]])
    first = True
    for title, rows in sheets.items():
        ws = workbook.active if first else workbook.create_sheet(title)
        assert ws is not None
        ws.title = title
        first = False
        for row in rows:
            ws.append([_cell(v) for v in row])
        ws.freeze_panes = "A2"
    workbook.save(path)


def output_paths(responses: Path, *, json_path: Path | None = None, xlsx_path: Path | None = None) -> tuple[Path, Path]:
    """Where the results go: beside the input, its whole name kept (x.csv → x.csv.analysis.json, x.xlsx →
    x.xlsx.analysis.json), so two inputs never write one file."""
    return (
        json_path or responses.with_name(responses.name + ".analysis.json"),
        xlsx_path or responses.with_name(responses.name + ".analysis.xlsx"),
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m shokuba.analysis",
        description=(
            "回答データ（Shokuba の回答ダウンロード XLSX、または CSV とコードブック）から全ての分析を行い、"
            "JSON と XLSX に書き出します。"
        ),
    )
    parser.add_argument("responses", type=Path, help="回答ファイル（.xlsx または .csv）")
    parser.add_argument("--codebook", type=Path, help="コードブック（CSV/XLSX）。XLSX の回答ファイルでは省略可")
    parser.add_argument("--before", type=Path, help="比べる前回の調査回の回答ファイル（効果検証）")
    parser.add_argument("--before-codebook", type=Path)
    parser.add_argument("--threshold", type=int, default=DEFAULT_THRESHOLD, help="最小表示人数（既定 5、3 以上）")
    parser.add_argument("--recognition-items", default=",".join(recognition.DEFAULT_ITEMS))
    parser.add_argument("--json", type=Path, help="JSON の出力先（既定: 回答ファイル名に .analysis.json を足した名前）")
    parser.add_argument("--xlsx", type=Path, help="XLSX の出力先（既定: 回答ファイル名に .analysis.xlsx を足した名前）")
    args = parser.parse_args(argv)
    try:
        threshold = validate_threshold(args.threshold)
        data = load(args.responses, args.codebook)
        before = load(args.before, args.before_codebook) if args.before else None
        report = analyse(data, threshold, before=before, recognition_items=tuple(args.recognition_items.split(",")))
    except (CliError, ThresholdError) as error:
        print(f"エラー: {error}", file=sys.stderr)
        return 2
    json_path, xlsx_path = output_paths(args.responses, json_path=args.json, xlsx_path=args.xlsx)
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    write_xlsx(report, xlsx_path)
    print(f"{json_path} と {xlsx_path} に書き出しました（回答 {report['responses']} 件、最小表示人数 {threshold}）。")
    return 0
