"""Cross-tabulation of one item by one or two attributes (two attributes: the caller combines them into rows,
e.g. 「女性・29歳以下」): row percentages, a test between groups, adjusted standardised residuals.

Rows are groups; whether a group may be shown is the gate's decision (`suppression.GroupRelease`, made on the
respondents, identical for every item): a hidden row shows nothing at all — no count, percentage or mean.

The test covers the groups `GroupRelease.tested_keys` names — released, substantive (not 答えたくない / 無回答) and at
least the threshold — that answered the item; the rule is the same for every item of the wave, so a wave's tables
are tested on the same groups. What is tested:
- a scale: the share answering on the positive side (「そう思う傾向」: top box vs the rest), with `stats.groups_test`,
  exactly as the gap analysis compares two groups (so both pages give the same p for the same two groups);
  the size in words from Cohen's h for two groups, Cramér's V for more;
- a single choice: the whole distribution, chi-square (Fisher for a 2 × 2 table with a small expected count),
  Cramér's V.
Verdicts are adjusted across the family (`adjust`: the items of the same kind tested on the same split, Benjamini–
Hochberg), and residual flags (▲▼) are shown only where the table's adjusted verdict is clear.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from shokuba.analysis import stats
from shokuba.analysis.gaps import ALPHA, effect_label, format_p
from shokuba.analysis.i18n import _
from shokuba.analysis.suppression import GroupRelease, Key
from shokuba.analysis.types import Category, clean, ensure_counts

RESIDUAL_FLAG = 1.96


@dataclass(frozen=True)
class ContingencyTable:
    """Counts of one item's answers (columns, in printed order) for each group (rows)."""

    item_code: str
    text: str
    row_attribute: str  # e.g. "性別" or "性別×年齢"
    rows: tuple[Category, ...]
    keys: tuple[Key, ...]  # each row's group key, in the order of the gate's split
    columns: tuple[Category, ...]
    counts: tuple[tuple[int, ...], ...]
    top_box: int = 0  # > 0: the columns are a scale's points; rows also get the top-box rate and the mean


@dataclass
class CrosstabRow:
    code: str
    label: str
    n: int | None
    counts: list[int | None]
    percents: list[float | None]
    top_percent: float | None = None
    mean: float | None = None
    residuals: list[float | None] = field(default_factory=list)  # per column of the tested table
    flags: list[str] = field(default_factory=list)  # "+" / "-" / ""; set only when the verdict is clear
    hidden: bool = False
    tested: bool = False


@dataclass
class TestResult:
    measure: str  # "top" (a scale's 「そう思う傾向」) | "distribution" (a single choice)
    method: str  # "chi2" | "fisher" | "" (not tested)
    statistic: float | None
    df: int | None
    p_value: float | None
    q_value: float | None
    effect: float | None  # Cohen's h (two groups on a scale) or Cramér's V
    effect_name: str  # "h" | "V" | ""
    effect_label: str
    n: int | None
    rows_tested: list[str]
    rows_left_out: list[str]  # shown groups not tested (答えたくない / 無回答, or nobody answered the item)
    min_expected: float | None
    clear: bool
    reason: str  # why there is no test, in the active language
    summary: str


@dataclass
class Crosstab:
    item_code: str
    text: str
    row_attribute: str
    columns: list[Category]
    rows: list[CrosstabRow]
    total: CrosstabRow
    test: TestResult
    hidden_rows: int
    threshold: int
    notes: list[str] = field(default_factory=list)


def _strength(v: float) -> str:
    if v < 0.1:
        return _("ごく弱い")
    if v < 0.2:
        return _("弱い")
    if v < 0.3:
        return _("中程度")
    return _("強い")


def _row(code: str, label: str, counts: list[int], top_box: int) -> CrosstabRow:
    n = sum(counts)
    k = len(counts)
    percents: list[float | None] = [clean(100 * v / n) if n else None for v in counts]
    top = clean(100 * sum(counts[:top_box]) / n) if top_box and n else None
    mean = clean(sum((k - i) * v for i, v in enumerate(counts)) / n) if top_box and n else None
    return CrosstabRow(code, label, n, list(counts), percents, top, mean)


def _hidden_row(code: str, label: str, k: int) -> CrosstabRow:
    return CrosstabRow(code, label, None, [None] * k, [None] * k, None, None, [], [], True, False)


def crosstab(table: ContingencyTable, release: GroupRelease) -> Crosstab:
    """Rows of the groups the gate releases, the test on the groups it names; q comes from `adjust`."""
    k = len(table.columns)
    counts = [
        list(ensure_counts(r, f"{table.item_code} {row.label}"))
        for row, r in zip(table.rows, table.counts, strict=True)
    ]
    if any(len(r) != k for r in counts):
        raise ValueError(f"{table.item_code}: 各行の件数の数が回答の種類（{k}）と合いません。")
    tested_keys = set(release.tested_keys())
    rows: list[CrosstabRow] = []
    for category, key, row_counts in zip(table.rows, table.keys, counts, strict=True):
        if release.shown(key):
            row = _row(category.code, category.label, row_counts, table.top_box)
            row.tested = key in tested_keys and sum(row_counts) > 0
            rows.append(row)
        else:
            rows.append(_hidden_row(category.code, category.label, k))
    column_totals = [sum(r[c] for r in counts) for c in range(k)]
    total = (
        _row("", _("全体"), column_totals, table.top_box)
        if release.total >= release.threshold
        else _hidden_row("", _("全体"), k)
    )
    test = _test(table, rows, counts, release.threshold)
    test.rows_left_out = [r.label for r in rows if not r.hidden and not r.tested]
    hidden_rows = sum(r.hidden for r in rows)
    return Crosstab(
        table.item_code,
        table.text,
        table.row_attribute,
        list(table.columns),
        rows,
        total,
        test,
        hidden_rows,
        release.threshold,
    )


def _test(table: ContingencyTable, rows: list[CrosstabRow], counts: list[list[int]], threshold: int) -> TestResult:
    measure = "top" if table.top_box else "distribution"
    tested = [(r, c) for r, c in zip(rows, counts, strict=True) if r.tested]
    labels = [r.label for r, _c in tested]
    if len(tested) < 2:
        return _untested(
            measure,
            labels,
            _(
                "比べられる群（%(threshold)d人以上で表示している群。答えたくない・無回答を除く）が2つ未満のため、検定していません。"
            )
            % {"threshold": threshold},
        )
    if table.top_box:
        matrix = [[sum(c[: table.top_box]), sum(c) - sum(c[: table.top_box])] for _r, c in tested]
    else:
        matrix = [list(c) for _r, c in tested]
    method, statistic, df, p, smallest = stats.groups_test(matrix)
    if not method:
        reason = (
            _("比べた群の全員が同じ側の回答（「そう思う傾向」かそれ以外）のため、差を検定できません。")
            if table.top_box
            else _("比べた群の全員が同じ選択肢を選んでいるため、差を検定できません。")
        )
        return _untested(measure, labels, reason)
    n = sum(sum(r) for r in matrix)
    if table.top_box and len(matrix) == 2:
        (a, b), (c, d) = matrix
        effect = stats.cohens_h(a / (a + b), c / (c + d))
        name, label = "h", effect_label(effect)
    else:
        columns = sum(1 for j in range(len(matrix[0])) if any(r[j] for r in matrix))
        effect = stats.cramers_v(statistic, n, len(matrix), columns)
        name, label = "V", _strength(effect)
    residuals = stats.adjusted_residuals(matrix)
    for (row, _c), res in zip(tested, residuals, strict=True):
        row.residuals = [clean(v) for v in res]
    return TestResult(
        measure,
        method,
        clean(statistic),
        df,
        clean(p),
        None,
        clean(effect),
        name,
        label,
        n,
        labels,
        [],
        clean(smallest),
        False,
        "",
        "",
    )


def _untested(measure: str, labels: list[str], reason: str) -> TestResult:
    return TestResult(measure, "", None, None, None, None, None, "", "", None, labels, [], None, False, reason, reason)


def adjust(family: Sequence[Crosstab], alpha: float = ALPHA) -> None:
    """Benjamini–Hochberg across a family (the tables of one kind of item on one split): every verdict uses its
    adjusted q; residual flags are kept only where the verdict is clear; the summary is worded from q."""
    tested = [ct for ct in family if ct.test.p_value is not None]
    adjusted = stats.benjamini_hochberg([ct.test.p_value or 0.0 for ct in tested])
    for ct, q in zip(tested, adjusted, strict=True):
        ct.test.q_value = clean(q)
        ct.test.clear = q < alpha
    for ct in family:
        test = ct.test
        if test.reason:
            test.summary = test.reason
            continue
        for row in ct.rows:
            row.flags = [
                ("+" if r > 0 else "-") if test.clear and r is not None and abs(r) > RESIDUAL_FLAG else ""
                for r in row.residuals
            ]
        words = {
            "groups": _("・").join(test.rows_tested),
            "effect": test.effect_label,
            "value": test.effect or 0.0,
            "p": format_p(test.q_value if test.q_value is not None else math.nan),
        }
        if test.measure == "top":
            if test.clear:
                text = _(
                    "%(groups)sの間で、「そう思う傾向」の割合に偶然では説明しにくい差があります（差の大きさの目安「%(effect)s」、"
                    "比べた項目全体で調整した%(p)s）。"
                )
            else:
                text = _(
                    "この人数では、%(groups)sの間の「そう思う傾向」の割合の差ははっきりしません（比べた項目全体で調整した%(p)s）。"
                )
        elif test.clear:
            text = _(
                "%(groups)sの間で、回答の分布に偶然では説明しにくい差があります（関連の強さの目安「%(effect)s」、"
                "クラメールのV=%(value).2f、比べた項目全体で調整した%(p)s）。"
            )
        else:
            text = _(
                "この人数では、%(groups)sの間の回答の分布の差ははっきりしません（比べた項目全体で調整した%(p)s）。"
            )
        note = ""
        if test.method == "chi2" and test.min_expected is not None and test.min_expected < 5:
            note = _("期待度数が5未満のセルがあり、p値は目安です。")
        test.summary = (text % words) + note
