"""Cross-tabulation of one item by one or two attributes (two attributes: the caller combines them into rows,
e.g. 「女性・29歳以下」): row percentages, chi-square (Fisher's exact for a 2×2 table with an expected count below
5), Cramér's V, adjusted standardised residuals flagged where |r| > 1.96.

Suppression: the table, its margins and (for a scale) each row's top-box count and score sum go through
`suppress` together. The test uses only the rows with nothing hidden, so no statistic depends on a hidden cell.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from shokuba.analysis import stats
from shokuba.analysis.gaps import format_p
from shokuba.analysis.i18n import _
from shokuba.analysis.suppression import DEFAULT_THRESHOLD, suppress_table
from shokuba.analysis.types import Category, clean, ensure_counts

RESIDUAL_FLAG = 1.96


@dataclass(frozen=True)
class ContingencyTable:
    """Counts of one item's answers (columns, in printed order) for each group (rows)."""

    item_code: str
    text: str
    row_attribute: str  # e.g. "性別" or "性別×年齢"
    rows: tuple[Category, ...]
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
    residuals: list[float | None]
    flags: list[str]  # "+" over-represented, "-" under-represented, "" otherwise
    top_percent: float | None = None
    mean: float | None = None


@dataclass
class TestResult:
    method: str  # "chi2" | "fisher" | ""
    statistic: float | None
    df: int | None
    p_value: float | None
    cramers_v: float | None
    n: int | None
    rows_tested: list[str]
    min_expected: float | None
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
    hidden_cells: int
    threshold: int
    notes: list[str] = field(default_factory=list)


def _strength(v: float) -> str:
    if v < 0.1:
        return _("ごく弱い")
    if v < 0.2:
        return _("弱い")
    if v < 0.3:
        return _("中程度の")
    return _("強い")


def untested() -> TestResult:
    """No test: no group is left to compare (every one has a "—")."""
    return TestResult("", None, None, None, None, None, [], None, _("表示できる群がないため、検定していません。"))


def test_table(counts: Sequence[Sequence[int]], labels: Sequence[str]) -> TestResult:
    """Chi-square, or Fisher's exact test for a 2×2 table with an expected count below 5; Cramér's V."""
    rows = [(label, list(r)) for label, r in zip(labels, counts, strict=True) if sum(r) > 0]
    column_sums = [sum(r[c] for _, r in rows) for c in range(len(counts[0]) if counts else 0)]
    kept = [c for c, s in enumerate(column_sums) if s > 0]
    table = [[r[c] for c in kept] for _, r in rows]
    n = sum(sum(r) for r in table)
    if len(table) < 2 or len(kept) < 2:
        return TestResult(
            "",
            None,
            None,
            None,
            None,
            n or None,
            [lbl for lbl, _counts in rows],
            None,
            _("比べられる群または回答の種類が2つ未満のため、検定していません。"),
        )
    statistic, df, p, expected = stats.chi_square(table)
    min_expected = min(min(r) for r in expected)
    v = stats.cramers_v(statistic, n, len(table), len(kept))
    method = "chi2"
    if len(table) == 2 and len(kept) == 2 and min_expected < 5:
        method = "fisher"
        _odds, p = stats.fisher_exact_2x2(table)
    note = ""
    if method == "chi2" and min_expected < 5:
        note = _("（期待度数が5未満のセルがあり、p値は目安です）")
    words = {"strength": _strength(v), "v": v, "p": format_p(p), "note": note}
    if p < 0.05:
        summary = (
            _("群によって回答の分布に差がみられます（%(strength)s関連、クラメールのV=%(v).2f、%(p)s）%(note)s。")
            % words
        )
    else:
        summary = _("この人数では、群による回答の分布の差ははっきりしません（%(p)s）%(note)s。") % words
    return TestResult(
        method,
        clean(statistic),
        df,
        clean(p),
        clean(v),
        n,
        [lbl for lbl, _counts in rows],
        clean(min_expected),
        summary,
    )


def crosstab(table: ContingencyTable, threshold: int = DEFAULT_THRESHOLD) -> Crosstab:
    counts = [
        list(ensure_counts(r, f"{table.item_code} {row.label}"))
        for row, r in zip(table.rows, table.counts, strict=True)
    ]
    k = len(table.columns)
    if any(len(r) != k for r in counts):
        raise ValueError(f"{table.item_code}: 各行の件数の数が回答の種類（{k}）と合いません。")
    weights: dict[str, list[float]] = {}
    if table.top_box:
        weights["top"] = [1.0 if c < table.top_box else 0.0 for c in range(k)]
        weights["score"] = [float(k - c) for c in range(k)]
    shown = suppress_table(counts, threshold, row_weights=weights) if counts else None
    residuals = stats.adjusted_residuals(counts) if counts else []

    def build(
        code: str,
        label: str,
        raw: list[int],
        visible: list[int | None],
        n: int | None,
        res: list[float] | None,
        col_ok: list[bool],
        top: float | None,
        score: float | None,
    ) -> CrosstabRow:
        percents = [clean(100 * v / n) if v is not None and n else None for v in visible]
        res_shown: list[float | None] = []
        flags: list[str] = []
        for c in range(k):
            r = res[c] if res is not None else math.nan
            ok = res is not None and visible[c] is not None and n is not None and col_ok[c] and not math.isnan(r)
            res_shown.append(clean(r) if ok else None)
            flags.append(("+" if r > 0 else "-") if ok and abs(r) > RESIDUAL_FLAG else "")
        return CrosstabRow(
            code,
            label,
            n,
            visible,
            percents,
            res_shown,
            flags,
            clean(100 * top / n) if top is not None and n else None,
            clean(score / n) if score is not None and n else None,
        )

    rows: list[CrosstabRow] = []
    col_ok = [v is not None for v in (shown.column_totals if shown else [])]
    for r, category in enumerate(table.rows):
        assert shown is not None
        n = shown.row_totals[r]
        rows.append(
            build(
                category.code,
                category.label,
                counts[r],
                shown.counts[r],
                n,
                residuals[r],
                col_ok,
                shown.row_extras.get("top", [None] * len(counts))[r],
                shown.row_extras.get("score", [None] * len(counts))[r],
            )
        )
    total_visible: list[int | None] = list(shown.column_totals) if shown else [None] * k
    total = build(
        "",
        _("全体"),
        [sum(c) for c in zip(*counts, strict=True)] if counts else [0] * k,
        total_visible,
        shown.total if shown else None,
        None,
        col_ok,
        shown.total_extras.get("top") if shown else None,
        shown.total_extras.get("score") if shown else None,
    )
    complete = [r for r in range(len(counts)) if shown is not None and shown.row_complete(r)]
    test = (
        test_table([counts[r] for r in complete], [table.rows[r].label for r in complete]) if complete else untested()
    )
    notes = []
    hidden_cells = shown.hidden_cells if shown else 0
    if hidden_cells:
        notes.append(
            _("%(threshold)d人未満のセルと、そこから逆算できるセルは「—」で表示しています。") % {"threshold": threshold}
        )
    if len(complete) < len(counts):
        notes.append(_("「—」を含む群は検定から除いています。"))
    return Crosstab(
        table.item_code,
        table.text,
        table.row_attribute,
        list(table.columns),
        rows,
        total,
        test,
        hidden_cells,
        threshold,
        notes,
    )
