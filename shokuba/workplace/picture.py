"""The regional picture: how each workplace indicator is distributed over a set of organisations (a programme, or
the whole network), by fiscal year, industry and size band, with year-on-year change and the share meeting a
target. Also the peer medians of the self-diagnosis.

One `values_list` pass reads the rows (organisation, year, industry, size band, member, indicator columns); numpy
does the grouping and the quantiles (the same linear interpolation as pandas' `quantile`), so 10,000
organisations × 5 years summarise well under a second (`bench/workplace.py: workplace_regional_summary`).

Suppression: every number stands on a count of organisations with a value. Where that count is under the
threshold (default 5, the survey engine's `DEFAULT_THRESHOLD`; never under its `MIN_THRESHOLD`), the number is
not shown — the one small-group rule of `shokuba.analysis.suppression` (`group_hidden`). Medians and quartiles are
not sums of the organisations' values, so no complementary suppression is needed: hiding one industry's median
does not let it be recomputed from the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from shokuba.analysis.suppression import DEFAULT_THRESHOLD, group_hidden, validate_threshold
from shokuba.workplace.definitions import gettext_noop

# The indicators of the picture and the self-diagnosis, in display order.
PICTURE_INDICATORS: tuple[str, ...] = (
    "women_manager_ratio",
    "women_chief_ratio",
    "women_officer_ratio",
    "women_hire_ratio",
    "women_worker_ratio",
    "competition_ratio_sex",
    "pay_gap_all",
    "pay_gap_regular",
    "pay_gap_non_regular",
    "tenure_ratio",
    "childcare_leave_rate_women",
    "male_childcare_leave_rate_leave",
    "avg_monthly_overtime",
    "max_monthly_overtime_fulltime",
    "paid_leave_rate",
)


@dataclass(frozen=True)
class Target:
    op: str
    value: float
    label: str  # where the target comes from (Japanese, marked for translation)


TARGETS: dict[str, Target] = {
    "male_childcare_leave_rate_leave": Target(">=", 30, gettext_noop("くるみん認定基準（令和7年4月〜）: 30%以上")),
    "childcare_leave_rate_women": Target(">=", 75, gettext_noop("くるみん認定基準: 75%以上")),
    "max_monthly_overtime_fulltime": Target("<", 30, gettext_noop("くるみん認定基準（令和7年4月〜）: 各月30時間未満")),
    "avg_monthly_overtime": Target("<", 45, gettext_noop("えるぼし認定基準（労働時間等の働き方）: 45時間未満")),
    "tenure_ratio": Target(">=", 70, gettext_noop("えるぼし認定基準（継続就業）: 女性÷男性が0.7以上")),
    "competition_ratio_sex": Target("<", 1.25, gettext_noop("えるぼし認定基準（採用）: 女性÷男性が1.25未満")),
    "paid_leave_rate": Target(">=", 70, gettext_noop("政府目標（過労死等の防止のための対策に関する大綱）: 70%以上")),
}

QUANTILES = (0.25, 0.5, 0.75)
ALL = "all"


@dataclass
class Cell:
    """One indicator in one group and year. `n` organisations have a value; the statistics are None when hidden."""

    n: int
    hidden: bool
    q1: float | None = None
    median: float | None = None
    q3: float | None = None
    share_meeting: float | None = None  # % of the n meeting the target (None: no target or hidden)
    change_n: int = 0  # organisations with a value this year and the year before
    change_median: float | None = None  # median of their year-on-year differences (None: hidden or none)


@dataclass
class Group:
    kind: str  # "all", "industry", "size_band"
    key: str
    years: dict[int, dict[str, Cell]] = field(default_factory=dict)  # year -> indicator -> cell
    organisations: dict[int, int] = field(default_factory=dict)  # year -> organisations with any figure


@dataclass
class Picture:
    years: list[int]
    indicators: tuple[str, ...]
    threshold: int
    groups: list[Group]

    def group(self, kind: str, key: str = ALL) -> Group | None:
        return next((g for g in self.groups if g.kind == kind and g.key == key), None)


@dataclass
class Rows:
    """The rows read once from the database, as arrays."""

    organisation: np.ndarray  # int
    year: np.ndarray  # int
    industry: np.ndarray  # str
    size_band: np.ndarray  # str
    values: np.ndarray  # float, rows × indicators, NaN = unknown
    indicators: tuple[str, ...]

    @classmethod
    def from_tuples(cls, tuples: Iterable[Sequence[Any]], indicators: Sequence[str]) -> Rows:
        """(organisation id, year, industry, size band, *indicator values) per row."""
        data = list(tuples)
        k = len(indicators)
        if not data:
            empty = np.array([], dtype=object)
            return cls(
                np.array([], dtype=np.int64),
                np.array([], dtype=np.int64),
                empty,
                empty,
                np.zeros((0, k)),
                tuple(indicators),
            )
        values = np.array([row[4:] for row in data], dtype=float) if k else np.zeros((len(data), 0))
        return cls(
            organisation=np.fromiter((row[0] for row in data), dtype=np.int64, count=len(data)),
            year=np.fromiter((row[1] for row in data), dtype=np.int64, count=len(data)),
            industry=np.array([row[2] for row in data], dtype=object),
            size_band=np.array([row[3] for row in data], dtype=object),
            values=values,
            indicators=tuple(indicators),
        )


def _meets(values: np.ndarray, target: Target) -> np.ndarray:
    # Rounded like readiness: a value exactly at the target counts as at it.
    rounded = np.round(values, 9)
    if target.op == ">=":
        return rounded >= target.value
    if target.op == ">":
        return rounded > target.value
    if target.op == "<=":
        return rounded <= target.value
    return rounded < target.value


def _year_changes(rows: Rows) -> np.ndarray:
    """Per row, the change of each indicator since the same organisation's previous fiscal year (NaN if none)."""
    change = np.full(rows.values.shape, np.nan)
    if len(rows.year) < 2:
        return change
    order = np.lexsort((rows.year, rows.organisation))
    org, year, vals = rows.organisation[order], rows.year[order], rows.values[order]
    consecutive = (org[1:] == org[:-1]) & (year[1:] == year[:-1] + 1)
    diffs = vals[1:] - vals[:-1]
    target_rows = order[1:][consecutive]
    change[target_rows] = diffs[consecutive]
    return change


def _grouped_quantiles(
    keys: np.ndarray, n_keys: int, column: np.ndarray, qs: Sequence[float]
) -> tuple[np.ndarray, np.ndarray]:
    """Per group key (0 … n_keys−1): the count of non-NaN values and their quantiles (linear interpolation, as
    numpy's and pandas' default), for all groups at once: one sort by (group, value)."""
    present = ~np.isnan(column)
    k, v = keys[present], column[present]
    counts = np.bincount(k, minlength=n_keys)
    result = np.full((len(qs), n_keys), np.nan)
    if not len(v):
        return counts, result
    # One float sort instead of a lexsort: each group's values are shifted into a band of their own
    # (key × span + value − min), sorted together, and shifted back.
    low_value = float(v.min())
    span = float(v.max()) - low_value + 1.0
    ordered = np.sort(k * span + (v - low_value))
    ordered -= np.repeat(np.arange(n_keys, dtype=float) * span, counts)
    ordered += low_value
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    has = counts > 0
    for i, q in enumerate(qs):
        position = q * (counts[has] - 1)
        low = np.floor(position).astype(np.int64)
        high = np.ceil(position).astype(np.int64)
        a, b = ordered[starts[has] + low], ordered[starts[has] + high]
        result[i, has] = a + (b - a) * (position - low)
    # The shift's floating-point noise (values are stored to 6 decimals): 30.000000000000004 is 30.
    return counts, np.round(result, 9)


def _stats(
    keys: np.ndarray, n_keys: int, values: np.ndarray, changes: np.ndarray, indicators: Sequence[str], threshold: int
) -> list[dict[str, Cell]]:
    """The cells of every group key at once (index = key)."""
    cells: list[dict[str, Cell]] = [{} for _ in range(n_keys)]
    for j, code in enumerate(indicators):
        column = values[:, j]
        counts, quantiles = _grouped_quantiles(keys, n_keys, column, QUANTILES)
        change_counts, change_medians = _grouped_quantiles(keys, n_keys, changes[:, j], (0.5,))
        target = TARGETS.get(code)
        meeting = None
        if target is not None:
            present = ~np.isnan(column)
            meeting = np.bincount(keys[present], weights=_meets(column[present], target), minlength=n_keys)
        for key in range(n_keys):
            n = int(counts[key])
            hidden = n == 0 or group_hidden(n, threshold)
            cell = Cell(n=n, hidden=hidden)
            if not hidden:
                cell.q1, cell.median, cell.q3 = (float(quantiles[i, key]) for i in range(3))
                if meeting is not None:
                    cell.share_meeting = float(meeting[key]) / n * 100.0
                m = int(change_counts[key])
                cell.change_n = m
                if m and not group_hidden(m, threshold):
                    cell.change_median = float(change_medians[0, key])
            cells[key][code] = cell
    return cells


def _cells(values: np.ndarray, changes: np.ndarray, indicators: Sequence[str], threshold: int) -> dict[str, Cell]:
    """One group's cells."""
    keys = np.zeros(values.shape[0], dtype=np.int64)
    return _stats(keys, 1, values, changes, indicators, threshold)[0]


def summarise(
    rows: Rows, *, threshold: int = DEFAULT_THRESHOLD, by: Sequence[str] = ("industry", "size_band")
) -> Picture:
    """The distribution of every indicator per year: over all rows, and per industry and per size band."""
    threshold = validate_threshold(threshold)
    changes = _year_changes(rows)
    years = sorted(int(y) for y in np.unique(rows.year)) if len(rows.year) else []
    year_index = np.searchsorted(np.array(years, dtype=np.int64), rows.year) if years else rows.year
    any_value = ~np.isnan(rows.values).all(axis=1) if rows.values.size else np.zeros(len(rows.year), dtype=bool)
    groupings: list[tuple[str, list[str], np.ndarray]] = [(ALL, [ALL], np.zeros(len(rows.year), dtype=np.int64))]
    for kind in by:
        column: np.ndarray = getattr(rows, kind)
        found, inverse = np.unique(column.astype(str), return_inverse=True) if len(column) else (np.array([]), column)
        groupings.append((kind, [str(x) for x in found], inverse.astype(np.int64)))
    groups: list[Group] = []
    if not years:
        return Picture(years=[], indicators=rows.indicators, threshold=threshold, groups=[Group(kind=ALL, key=ALL)])
    # Every grouping's keys side by side (each offset past the previous one), so each indicator is sorted once for
    # all of them: one pass per indicator instead of one per indicator and grouping.
    offsets, stacked_keys = [], []
    total_keys = 0
    for _kind, labels, index in groupings:
        offsets.append(total_keys)
        stacked_keys.append(total_keys + index * len(years) + year_index)
        total_keys += len(labels) * len(years)
    keys = np.concatenate(stacked_keys)
    repeat = len(groupings)
    stats = _stats(
        keys, total_keys, np.tile(rows.values, (repeat, 1)), np.tile(changes, (repeat, 1)), rows.indicators, threshold
    )
    organisations = np.bincount(keys[np.tile(any_value, repeat)], minlength=total_keys)
    for (kind, labels, _index), offset in zip(groupings, offsets, strict=True):
        for g, label in enumerate(labels):
            group = Group(kind=kind, key=label)
            for y, year in enumerate(years):
                key = offset + g * len(years) + y
                group.years[year] = stats[key]
                group.organisations[year] = int(organisations[key])
            groups.append(group)
    if not groups or groups[0].kind != ALL:
        groups.insert(0, Group(kind=ALL, key=ALL))
    return Picture(years=years, indicators=rows.indicators, threshold=threshold, groups=groups)


def peer_medians(
    rows: Rows, *, year: int, industry: str, size_band: str, threshold: int = DEFAULT_THRESHOLD
) -> dict[str, dict[str, Cell]]:
    """The self-diagnosis' comparison groups for one year: same size band, same industry (each suppressed on its
    own count)."""
    threshold = validate_threshold(threshold)
    changes = np.full(rows.values.shape, np.nan)
    in_year = rows.year == year
    return {
        "size_band": _cells(
            rows.values[in_year & (rows.size_band == size_band)],
            changes[in_year & (rows.size_band == size_band)],
            rows.indicators,
            threshold,
        ),
        "industry": _cells(
            rows.values[in_year & (rows.industry == industry)],
            changes[in_year & (rows.industry == industry)],
            rows.indicators,
            threshold,
        ),
    }
