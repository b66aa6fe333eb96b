"""Small-cell suppression: the one mechanism every analysis output goes through.

A published table is a set of *cells* (counts of respondents) and *aggregates* (linear combinations of cells that
are published next to them: a group's size, a column total, the table's total, a group's top-box count, the sum
of its scores behind a mean). `suppress` decides which of them are shown as "—":

1. **Primary.** Any count (cell or count aggregate) with 0 < value < threshold.
2. **Group.** A group (an aggregate marked ``group``, e.g. the respondents of one row: women in their twenties)
   with 0 < size < threshold is hidden as a whole: all its cells (zeros included: "nobody in this group of three
   agreed" is a disclosure) and every aggregate computed only from its cells (its top-box count, its mean).
3. **Complementary.** An attacker knows the structure (which cells add up to which aggregate) and every value
   shown. A hidden value is *recoverable* when the linear system "aggregate = its weighted cells" with the shown
   values fixed determines it, i.e. when every vector in the null space of that system restricted to the hidden
   values is zero at it. While some hidden value is recoverable, one more value is hidden: first one sharing an
   equation with it, cells before aggregates, group sizes last, smallest positive count first (zeros last, as a
   hidden zero can be pinned by non-negativity). Hiding everything leaves every cell free, so this ends.

The test suite attacks the result with linear algebra and with linear programming (bounds under non-negativity).
For an ordinary table this gives the classical rule "at least two suppressed cells in any row or column that has
one, and no suppressed cell alone on a path" (the cells must lie on cycles of the row–column graph).

**Two overlapping filters.** Group sizes from two requests can be subtracted: "all women" minus "women who are
not managers" is the women managers. `differencing_safe` refuses a group whose size differs from a published
group that contains it by 1 … threshold − 1; the callers pass the sizes of the groups containing it that a user can
also see (the wave, the organisation, each single-attribute group the filter narrows). The engine has no memory
of earlier requests, so the pages offer filters over the fixed attribute categories only and check each group
against its parents with this function.

**Statistics.** Percentages, rates and means are published only where their numerator and denominator are
(`hidden` is true for them otherwise). Test statistics are not linear in the cells; a cross-tabulation tests only
the rows that have nothing hidden, so no statistic is computed from a hidden cell, and a two-group comparison
needs both groups at or above the threshold (`group_hidden`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

DEFAULT_THRESHOLD = 5
MIN_THRESHOLD = 3
HIDDEN_MARK = "—"

AggregateKind = Literal["count", "group", "derived"]
Reason = Literal["", "primary", "group", "complementary"]


class ThresholdError(ValueError):
    pass


def validate_threshold(threshold: int) -> int:
    """The threshold in force; never below MIN_THRESHOLD (a configuration below it is refused, not raised)."""
    if isinstance(threshold, bool) or not isinstance(threshold, int):
        raise ThresholdError(f"最小表示人数は整数で指定してください（{threshold!r}）。")
    if threshold < MIN_THRESHOLD:
        raise ThresholdError(f"最小表示人数は{MIN_THRESHOLD}人以上にしてください（指定: {threshold}人）。")
    return threshold


def group_hidden(size: int, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """A group (or one side of a comparison) with fewer respondents than the threshold is shown as "—"."""
    return size < validate_threshold(threshold)


def differencing_safe(size: int, containing: Iterable[int], threshold: int = DEFAULT_THRESHOLD) -> bool:
    """False when subtracting this group from a published group that contains it leaves 1 … threshold−1 people."""
    threshold = validate_threshold(threshold)
    if size < threshold:
        return False
    return all(not (0 < parent - size < threshold) for parent in containing)


@dataclass(frozen=True)
class Aggregate:
    """A published linear combination of cells: sum of weight × cell over `terms` (cell index, weight)."""

    terms: tuple[tuple[int, float], ...]
    kind: AggregateKind = "count"
    name: str = ""


@dataclass(frozen=True)
class Suppression:
    """Which cells and aggregates are hidden, and why (same order as the input)."""

    cells_hidden: tuple[bool, ...]
    aggregates_hidden: tuple[bool, ...]
    cell_reasons: tuple[Reason, ...]
    aggregate_reasons: tuple[Reason, ...]
    threshold: int

    @property
    def any_hidden(self) -> bool:
        return any(self.cells_hidden) or any(self.aggregates_hidden)


def _null_space(matrix: np.ndarray) -> np.ndarray:
    rows, cols = matrix.shape
    if cols == 0:
        return np.zeros((0, 0))
    if rows == 0 or not matrix.any():
        return np.eye(cols)
    _, singular, vh = np.linalg.svd(matrix)
    tolerance = max(matrix.shape) * np.finfo(float).eps * (singular[0] if singular.size else 1.0) * 1e3
    rank = int((singular > tolerance).sum())
    return vh[rank:].T.conj()


def _equations(values_count: int, aggregates: Sequence[Aggregate]) -> np.ndarray:
    """One row per aggregate: aggregate − Σ weight × cell = 0, over cells then aggregates."""
    equations = np.zeros((len(aggregates), values_count + len(aggregates)))
    for row, aggregate in enumerate(aggregates):
        for cell, weight in aggregate.terms:
            equations[row, cell] -= weight
        equations[row, values_count + row] += 1.0
    return equations


def _free(basis: np.ndarray) -> np.ndarray:
    if basis.size == 0:
        return np.zeros(basis.shape[0], dtype=bool)
    return np.asarray(np.abs(basis).max(axis=1) > 1e-9)


INTEGER_CHECK_MAX = 400  # variables; above this only the linear protection is checked (see docstring)


def _integer_range(values: Sequence[int], aggregates: Sequence[Aggregate], hidden: Sequence[bool], k: int) -> float:
    """max − min of hidden cell k over non-negative integer tables agreeing with every shown figure."""
    from scipy.optimize import Bounds, LinearConstraint, milp  # type: ignore[import-untyped]

    n = len(values)
    rows, targets = [], []
    for i in range(n):
        if not hidden[i]:
            e = np.zeros(n)
            e[i] = 1.0
            rows.append(e)
            targets.append(float(values[i]))
    for g, aggregate in enumerate(aggregates):
        if not hidden[n + g]:
            e = np.zeros(n)
            for cell, weight in aggregate.terms:
                e[cell] += weight
            rows.append(e)
            targets.append(float(sum(values[c] * w for c, w in aggregate.terms)))
    if not rows:
        return float("inf")
    constraint = LinearConstraint(np.array(rows), np.array(targets), np.array(targets))
    integrality = np.ones(n)
    objective = np.zeros(n)
    objective[k] = 1.0
    box = Bounds(np.zeros(n), np.full(n, float(sum(values))))
    low = milp(objective, constraints=constraint, integrality=integrality, bounds=box)
    high = milp(-objective, constraints=constraint, integrality=integrality, bounds=box)
    if low.status != 0 or high.status != 0:
        return float("inf")
    return float(-high.fun - low.fun)


def recoverable(values_count: int, aggregates: Sequence[Aggregate], hidden: Sequence[bool]) -> list[int]:
    """Indexes (cells first, then aggregates) of hidden values that the shown ones determine exactly."""
    equations = _equations(values_count, aggregates)
    hidden_index = [i for i in range(equations.shape[1]) if hidden[i]]
    if not hidden_index:
        return []
    free = _free(_null_space(equations[:, hidden_index]))
    return [hidden_index[k] for k in range(len(hidden_index)) if not free[k]]


def suppress(
    values: Sequence[int], aggregates: Sequence[Aggregate] = (), threshold: int = DEFAULT_THRESHOLD
) -> Suppression:
    """Decide what to hide in a table of counts (`values`) and the aggregates published with it."""
    threshold = validate_threshold(threshold)
    n_cells = len(values)
    agg_values = [sum(values[c] * w for c, w in a.terms) for a in aggregates]
    all_values = [float(v) for v in values] + [float(v) for v in agg_values]
    kinds: list[str] = ["cell"] * n_cells + [a.kind for a in aggregates]
    n_vars = len(all_values)
    hidden = [False] * n_vars
    reasons: list[Reason] = [""] * n_vars
    supports = [frozenset(c for c, w in a.terms if w) for a in aggregates]

    # The same published number under two names (a one-row table's column totals are its cells; its row total
    # is the table total) is one value: hidden together.
    same: dict[tuple[tuple[int, float], ...], list[int]] = {}
    for i in range(n_cells):
        same.setdefault(((i, 1.0),), []).append(i)
    for g, aggregate in enumerate(aggregates):
        key = tuple(sorted((c, float(w)) for c, w in aggregate.terms if w))
        same.setdefault(key, []).append(n_cells + g)
    twins: list[list[int]] = [[i] for i in range(n_vars)]
    for members in same.values():
        for m in members:
            twins[m] = members

    def hide(i: int, reason: Reason) -> None:
        for twin in twins[i]:
            if not hidden[twin]:
                hidden[twin], reasons[twin] = True, reason

    for i in range(n_vars):
        if kinds[i] != "derived" and 0 < all_values[i] < threshold:
            hide(i, "primary")
    for g, aggregate in enumerate(aggregates):
        if aggregate.kind == "group" and 0 < agg_values[g] < threshold:
            for cell in supports[g]:
                hide(cell, "group")
            for other, support in enumerate(supports):
                if support and support <= supports[g]:
                    hide(n_cells + other, "group")

    # Which variables share an equation with which (cells of an aggregate, and the aggregate itself).
    neighbours: list[set[int]] = [set() for _ in range(n_vars)]
    for g, support in enumerate(supports):
        group_members = set(support) | {n_cells + g}
        for m in group_members:
            neighbours[m] |= group_members - {m}

    equations_of: list[list[int]] = [[] for _ in range(n_vars)]
    for g, support in enumerate(supports):
        for m in set(support) | {n_cells + g}:
            equations_of[m].append(g)

    def open_equations(candidate: int) -> int:
        """How many of the candidate's equations already hold a hidden value (joining them spreads less)."""
        return sum(
            any(hidden[m] for m in [*list(supports[g]), n_cells + g] if m != candidate) for g in equations_of[candidate]
        )

    def cost(candidate: int, target: int) -> tuple[int, int, int, int, float, int]:
        kind_rank = {"cell": 0, "count": 1, "derived": 2, "group": 3}[kinds[candidate]]
        return (
            0 if candidate in neighbours[target] else 1,
            kind_rank,
            1 if all_values[candidate] <= 0 else 0,
            -open_equations(candidate),
            all_values[candidate],
            candidate,
        )

    equations = _equations(n_cells, aggregates)
    while True:
        hidden_index = [i for i in range(n_vars) if hidden[i]]
        if not hidden_index:
            break
        matrix = equations[:, hidden_index]
        free = _free(_null_space(matrix))
        exposed = [hidden_index[k] for k in range(len(hidden_index)) if not free[k]]
        if not exposed:
            break
        target = exposed[0]
        candidates = sorted((i for i in range(n_vars) if not hidden[i]), key=lambda c: cost(c, target))
        if not candidates:  # cannot happen: with everything hidden every cell is free
            break
        # Hiding candidate c frees the target iff M x = −column_c has a solution with x[target] ≠ 0 (the null
        # space of M is zero at the target, so the minimum-norm solution decides). One pseudo-inverse per step.
        columns = equations[:, candidates]
        pinv = np.linalg.pinv(matrix)
        solution = pinv @ columns
        in_range = np.abs(matrix @ solution - columns).max(axis=0, initial=0.0) < 1e-7
        gain = np.abs(solution[hidden_index.index(target)]) > 1e-9
        chosen = candidates[0]
        for position, candidate in enumerate(candidates):
            if in_range[position] and gain[position]:
                chosen = candidate
                break
        hide(chosen, "complementary")

    # Linear protection holds; counts are also non-negative integers. A small cell whose integer range under the
    # shown figures is a single value is still exposed (e.g. [0, 1, 2] with its total and score sum): hide more.
    if n_vars <= INTEGER_CHECK_MAX:
        while True:
            pinned = [i for i in range(n_cells) if hidden[i] and reasons[i] in ("primary", "group") and values[i] > 0]
            pinned = [i for i in pinned if _integer_range(values, aggregates, hidden, i) < 1]
            if not pinned:
                break
            target = pinned[0]
            candidates = sorted((i for i in range(n_vars) if not hidden[i]), key=lambda c: cost(c, target))
            if not candidates:
                break
            hide(candidates[0], "complementary")

    return Suppression(
        cells_hidden=tuple(hidden[:n_cells]),
        aggregates_hidden=tuple(hidden[n_cells:]),
        cell_reasons=tuple(reasons[:n_cells]),
        aggregate_reasons=tuple(reasons[n_cells:]),
        threshold=threshold,
    )


# --- tables ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableSuppression:
    """A rows × columns table of counts after suppression: None = hidden ("—").

    `row_extras[name][r]` / `total_extras[name]` are the per-row linear summaries published with the table (e.g.
    "top_box": the top-box count; "score": the sum of scores behind a mean), hidden the same way.
    """

    counts: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None
    row_extras: dict[str, list[float | None]] = field(default_factory=dict)
    total_extras: dict[str, float | None] = field(default_factory=dict)
    cell_reasons: list[list[Reason]] = field(default_factory=list)
    threshold: int = DEFAULT_THRESHOLD

    def row_complete(self, r: int) -> bool:
        return self.row_totals[r] is not None and all(c is not None for c in self.counts[r])

    @property
    def hidden_cells(self) -> int:
        return sum(c is None for row in self.counts for c in row)


def table_aggregates(
    n_rows: int,
    n_columns: int,
    row_weights: Mapping[str, Sequence[float]] | None = None,
    *,
    rows_are_groups: bool = True,
) -> tuple[list[Aggregate], dict[str, object]]:
    """The aggregates a table publishes: row totals (groups), column totals, the total and per-row extras."""
    extras = dict(row_weights or {})
    aggregates: list[Aggregate] = []
    layout: dict[str, object] = {}

    def cell(r: int, c: int) -> int:
        return r * n_columns + c

    row_index = []
    for r in range(n_rows):
        row_index.append(len(aggregates))
        aggregates.append(
            Aggregate(tuple((cell(r, c), 1.0) for c in range(n_columns)), "group" if rows_are_groups else "count")
        )
    column_index = []
    for c in range(n_columns):
        column_index.append(len(aggregates))
        aggregates.append(Aggregate(tuple((cell(r, c), 1.0) for r in range(n_rows)), "count"))
    total_index = len(aggregates)
    aggregates.append(Aggregate(tuple((i, 1.0) for i in range(n_rows * n_columns)), "group"))
    extra_index: dict[str, list[int]] = {}
    for name, weights in extras.items():
        if len(weights) != n_columns:
            raise ValueError(f"{name}: {len(weights)} weights for {n_columns} columns")
        kind: AggregateKind = "count" if all(float(w) in (0.0, 1.0) for w in weights) else "derived"
        indexes = []
        for r in range(n_rows):
            indexes.append(len(aggregates))
            aggregates.append(Aggregate(tuple((cell(r, c), float(w)) for c, w in enumerate(weights) if w), kind, name))
        indexes.append(len(aggregates))
        aggregates.append(
            Aggregate(
                tuple((cell(r, c), float(w)) for r in range(n_rows) for c, w in enumerate(weights) if w), kind, name
            )
        )
        extra_index[name] = indexes
    layout.update(rows=row_index, columns=column_index, total=total_index, extras=extra_index)
    return aggregates, layout


def suppress_table(
    counts: Sequence[Sequence[int]],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    row_weights: Mapping[str, Sequence[float]] | None = None,
    rows_are_groups: bool = True,
) -> TableSuppression:
    """Suppress a rows × columns table with its margins (and optional per-row weighted sums, e.g. top box)."""
    n_rows = len(counts)
    n_columns = len(counts[0]) if n_rows else 0
    if any(len(row) != n_columns for row in counts):
        raise ValueError("every row needs the same number of columns")
    flat = [int(v) for row in counts for v in row]
    if any(v < 0 for v in flat):
        raise ValueError("counts cannot be negative")
    aggregates, layout = table_aggregates(n_rows, n_columns, row_weights, rows_are_groups=rows_are_groups)
    result = suppress(flat, aggregates, threshold)
    agg_values = [sum(flat[c] * w for c, w in a.terms) for a in aggregates]

    def agg(i: int) -> float | None:
        return None if result.aggregates_hidden[i] else agg_values[i]

    def agg_int(i: int) -> int | None:
        value = agg(i)
        return None if value is None else round(value)

    rows_idx: list[int] = layout["rows"]  # type: ignore[assignment]
    cols_idx: list[int] = layout["columns"]  # type: ignore[assignment]
    total_idx: int = layout["total"]  # type: ignore[assignment]
    extras_idx: dict[str, list[int]] = layout["extras"]  # type: ignore[assignment]
    return TableSuppression(
        counts=[
            [None if result.cells_hidden[r * n_columns + c] else flat[r * n_columns + c] for c in range(n_columns)]
            for r in range(n_rows)
        ],
        row_totals=[agg_int(i) for i in rows_idx],
        column_totals=[agg_int(i) for i in cols_idx],
        total=agg_int(total_idx),
        row_extras={name: [agg(i) for i in idx[:-1]] for name, idx in extras_idx.items()},
        total_extras={name: agg(idx[-1]) for name, idx in extras_idx.items()},
        cell_reasons=[list(result.cell_reasons[r * n_columns : (r + 1) * n_columns]) for r in range(n_rows)],
        threshold=result.threshold,
    )


def suppress_counts(
    counts: Sequence[int],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    weights: Mapping[str, Sequence[float]] | None = None,
) -> TableSuppression:
    """One distribution (one row): its small cells and whatever would reveal them from the total."""
    return suppress_table([list(counts)], threshold, row_weights=weights)
