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

**Speed.** Pages call this for dozens of tables per request. The linear checks keep the published equations in
reduced row echelon form, one hidden value at a time (no SVD: LAPACK on these small matrices is slow, and far slower
when a multi-threaded BLAS competes for the cores). The integer check never weakens: a small cell counts as free
only with a *witness*, a second non-negative integer table that agrees with every shown figure and differs there
(checked exactly). Witnesses come first from integer null-space moves (no solver), else from one integer program on
the cell's connected part of the table; a cell is pinned when one linear program shows it fixed in real numbers
(hidden zeros that must stay zero, then linear algebra) or both integer programs are infeasible. A witness stays
valid when more is hidden, so each cell is proven once. The decision is memoised on (values, aggregates,
threshold).

**Statistics.** Percentages, rates and means are published only where their numerator and denominator are
(`hidden` is true for them otherwise). Test statistics are not linear in the cells; a cross-tabulation tests only
the rows that have nothing hidden, so no statistic is computed from a hidden cell, and a two-group comparison
needs both groups at or above the threshold (`group_hidden`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
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
_INTEGER_SCALES = np.arange(1, 61, dtype=float)  # denominators tried when scaling a kernel vector to integers
_PAIRWISE_MAX = 60  # kernel vectors; up to this many, sums and differences of two are tried as well


def _cell_matrix(values_count: int, aggregates: Sequence[Aggregate]) -> np.ndarray:
    """One row per aggregate: its weights over the cells."""
    matrix = np.zeros((len(aggregates), values_count))
    for row, aggregate in enumerate(aggregates):
        for cell, weight in aggregate.terms:
            matrix[row, cell] += weight
    return matrix


def _integer_range(values: Sequence[int], aggregates: Sequence[Aggregate], hidden: Sequence[bool], k: int) -> float:
    """max − min of hidden cell k over non-negative integer tables agreeing with every shown figure.

    The exact (and slow: two integer programs) reference; `suppress` proves the same thing with witnesses.
    """
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


def _kernel_basis(matrix: np.ndarray) -> np.ndarray:
    """A basis of {d : matrix @ d = 0} (one row per vector) from the reduced row echelon form: vector j is 1 at
    the j-th free column, 0 at the other free columns. Columns further left become pivots first."""
    rows, cols = matrix.shape
    reduced = matrix.astype(float, copy=True)
    pivots: list[int] = []
    row = 0
    for col in range(cols):
        if row >= rows:
            break
        best = row + int(np.argmax(np.abs(reduced[row:, col])))
        if abs(reduced[best, col]) < 1e-9:
            continue
        if best != row:
            reduced[[row, best]] = reduced[[best, row]]
        reduced[row] /= reduced[row, col]
        factors = reduced[:, col].copy()
        factors[row] = 0.0
        reduced -= np.outer(factors, reduced[row])
        pivots.append(col)
        row += 1
    free = np.setdiff1d(np.arange(cols), pivots)
    basis = np.zeros((len(free), cols))
    basis[np.arange(len(free)), free] = 1.0
    if pivots:
        basis[:, pivots] = -reduced[: len(pivots), free].T
    return basis


def _integer_vectors(basis: np.ndarray) -> np.ndarray:
    """Each basis vector times its smallest integer scale (1 … 60) that makes it integral; others dropped."""
    if basis.size == 0:
        return np.zeros((0, basis.shape[1]), dtype=np.int64)
    scaled = _INTEGER_SCALES[None, :, None] * basis[:, None, :]  # vectors × scales × columns
    error = np.abs(scaled - np.round(scaled)).max(axis=2)
    ok = error < 1e-6
    has = ok.any(axis=1)
    first = ok.argmax(axis=1)
    chosen = np.round(scaled[np.arange(len(basis)), first])[has]
    return chosen.astype(np.int64)


class _IntegerAttack:
    """The attacker's integer view of the table with the current hidden set: the hidden cells (non-negative
    integers, at most the grand total) must satisfy every shown aggregate. A hidden cell is *not pinned* when a
    second integer table agrees with everything shown and differs there; such a table (a witness) stays valid
    when more values are hidden later (that only removes constraints), so each cell needs one witness once."""

    def __init__(self, values: Sequence[int], weights: np.ndarray) -> None:
        self.truth = np.asarray([float(v) for v in values])
        self.weights = weights  # aggregates × cells
        self.total = float(sum(values))
        self.witnessed = np.zeros(len(values), dtype=bool)
        self.hidden_cells = np.zeros(0, dtype=np.int64)
        self.system = np.zeros((0, 0))
        self._fixed: set[int] | None = None  # positions (in hidden_cells) that no real solution can move

    def update(self, hidden: Sequence[bool]) -> None:
        n = len(self.truth)
        mask = np.asarray(hidden, dtype=bool)
        self.hidden_cells = np.flatnonzero(mask[:n])
        shown_aggregates = ~mask[n:]
        system = self.weights[shown_aggregates][:, self.hidden_cells]
        self.system = system[np.abs(system).max(axis=1, initial=0.0) > 0]
        self._fixed = None
        self._cheap_witnesses()

    def _accept(self, moves: np.ndarray) -> None:
        """Mark the cells moved by the feasible integer kernel moves (rows of `moves`, over the hidden cells)."""
        if moves.size == 0:
            return
        base = self.truth[self.hidden_cells]
        feasible = np.zeros(len(moves), dtype=bool)
        for sign in (1.0, -1.0):
            moved = base[None, :] + sign * moves
            feasible |= ((moved >= 0) & (moved <= self.total)).all(axis=1)
        if feasible.any():
            self.witnessed[self.hidden_cells[(moves[feasible] != 0).any(axis=0)]] = True

    def _cheap_witnesses(self) -> None:
        """Integer null-space moves of the hidden system: one per free column (large cells become pivots, so a
        small cell usually moves by one against large ones), then sums and differences of two."""
        if len(self.hidden_cells) == 0:
            return
        order = np.argsort(-self.truth[self.hidden_cells], kind="stable")
        basis = _kernel_basis(self.system[:, order])
        vectors = np.zeros_like(basis)
        vectors[:, order] = basis
        moves = _integer_vectors(vectors)
        if moves.size == 0:
            return
        exact = np.abs(self.system @ moves.T).max(axis=0, initial=0.0) < 1e-9
        moves = moves[exact]
        self._accept(moves)
        if 1 < len(moves) <= _PAIRWISE_MAX:
            upper = np.triu_indices(len(moves), k=1)
            self._accept(moves[upper[0]] + moves[upper[1]])
            self._accept(moves[upper[0]] - moves[upper[1]])

    def _always_zero(self) -> np.ndarray:
        """Positions of hidden zeros that stay zero in every real solution (one linear program: the feasible
        directions d at the true table, A d = 0 with d ≥ 0 at the hidden zeros, maximising how many zeros rise)."""
        from scipy.optimize import linprog

        base = self.truth[self.hidden_cells]
        unknown = np.flatnonzero((base == 0) & ~self.witnessed[self.hidden_cells])
        if len(unknown) == 0:
            return unknown
        h, z = len(base), len(unknown)
        if self.system.shape[0] == 0:
            return np.zeros(0, dtype=np.int64)  # nothing links them: each can rise alone
        limit = 1e6
        lower = np.where(base == 0, 0.0, -limit)
        bounds = [(float(lo), limit) for lo in lower] + [(0.0, 1.0)] * z
        equality = np.hstack([self.system, np.zeros((self.system.shape[0], z))])
        rise = np.zeros((z, h + z))
        rise[np.arange(z), unknown] = -1.0
        rise[np.arange(z), h + np.arange(z)] = 1.0  # s_j ≤ d_j
        objective = np.concatenate([np.zeros(h), -np.ones(z)])
        result = linprog(
            objective,
            A_ub=rise,
            b_ub=np.zeros(z),
            A_eq=equality,
            b_eq=np.zeros(equality.shape[0]),
            bounds=bounds,
            method="highs",
        )
        if result.status != 0 or result.x is None:
            return np.zeros(0, dtype=np.int64)  # undecided: leave it to the integer program
        return np.asarray(unknown[result.x[h:] < 1e-7])

    def _linearly_fixed(self) -> set[int]:
        """Positions of hidden cells the shown figures determine once the always-zero cells are known to be 0: a
        real (hence integer) solution cannot move them."""
        if self._fixed is None:
            zero = set(self._always_zero().tolist())
            keep = [k for k in range(len(self.hidden_cells)) if k not in zero]
            fixed = set(zero)
            if keep and self.system.shape[0]:
                elimination = _Elimination(self.system[:, keep])
                for k in range(len(keep)):
                    elimination.add(k)
                fixed |= {keep[k] for k in elimination.determined()}
            self._fixed = fixed
        return self._fixed

    def pinned(self, cell: int) -> bool:
        """True when every integer table agreeing with the shown figures has this (hidden) cell's true value."""
        if self.witnessed[cell]:
            return False
        if int(np.searchsorted(self.hidden_cells, cell)) in self._linearly_fixed():
            return True  # pinned already in real numbers
        from scipy.optimize import Bounds, LinearConstraint, milp
        from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]

        position = int(np.searchsorted(self.hidden_cells, cell))
        system = self.system
        # Only the hidden cells linked to this one by shown aggregates matter.
        if system.shape[0]:
            nonzero = system != 0
            adjacency = (nonzero.T.astype(np.int64) @ nonzero.astype(np.int64)) > 0
            _, labels = connected_components(adjacency, directed=False)
            part = np.flatnonzero(labels == labels[position])
        else:
            part = np.array([position])
        rows = system[:, part]
        rows = rows[np.abs(rows).max(axis=1, initial=0.0) > 0]
        base = self.truth[self.hidden_cells]
        target = int(np.searchsorted(part, position))
        value = base[position]
        for low, high in ((0.0, value - 1), (value + 1, self.total)):
            if high < low:
                continue
            lower = np.zeros(len(part))
            upper = np.full(len(part), self.total)
            lower[target], upper[target] = low, high
            constraints = []
            if rows.shape[0]:
                rhs = rows @ base[part]
                constraints.append(LinearConstraint(rows, rhs, rhs))
            result = milp(
                np.zeros(len(part)),
                constraints=constraints,
                integrality=np.ones(len(part)),
                bounds=Bounds(lower, upper),
            )
            if result.status != 0 or result.x is None:
                continue
            solution = base.copy()
            solution[part] = np.round(result.x)
            # Verified exactly before it counts: integral, in the box, every shown aggregate unchanged.
            if (
                (solution >= 0).all()
                and (solution <= self.total).all()
                and solution[position] != value
                and (system.shape[0] == 0 or np.abs(system @ (solution - base)).max() < 1e-7)
            ):
                self.witnessed[self.hidden_cells[solution != base]] = True
                return False
        return True


_PIVOT_TOLERANCE = 1e-9


class _Elimination:
    """The published equations (aggregate − Σ weight × cell = 0, over cells then aggregates) kept in reduced row
    echelon form over the hidden values, one hidden value at a time (Gauss–Jordan with partial pivoting; elementwise
    numpy only: LAPACK on these small matrices is slower, and much slower when a multi-threaded BLAS competes
    for the cores). In this form:

    - a hidden value is *determined* by the shown ones iff it is a pivot whose row is zero at every hidden
      non-pivot value (the null space restricted to the hidden values is zero there);
    - hiding a shown value c frees a determined value t iff the system M x = −column_c over the hidden values is
      solvable (column c is zero below the pivot rows) and gives x[t] ≠ 0 (−entry (row of t, c))."""

    def __init__(self, equations: np.ndarray) -> None:
        self.table = equations.astype(float, copy=True)
        self.rank = 0
        self.pivot_row: dict[int, int] = {}
        self.loose: list[int] = []  # hidden values that are not pivots (free by themselves)

    def add(self, var: int) -> None:
        table, rank = self.table, self.rank
        if var in self.pivot_row or var in self.loose:
            return
        column = table[rank:, var]
        if column.size and np.abs(column).max() > _PIVOT_TOLERANCE:
            best = rank + int(np.argmax(np.abs(column)))
            if best != rank:
                table[[rank, best]] = table[[best, rank]]
            table[rank] /= table[rank, var]
            factors = table[:, var].copy()
            factors[rank] = 0.0
            table -= np.outer(factors, table[rank])
            table[:, var] = 0.0
            table[rank, var] = 1.0
            self.pivot_row[var] = rank
            self.rank += 1
        else:
            self.loose.append(var)

    def determined(self) -> list[int]:
        """Hidden values the shown ones determine exactly, in index order."""
        if not self.pivot_row:
            return []
        pivots = sorted(self.pivot_row)
        rows = [self.pivot_row[v] for v in pivots]
        if not self.loose:
            return pivots
        touched = np.abs(self.table[np.ix_(rows, self.loose)]).max(axis=1) > _PIVOT_TOLERANCE
        return [v for v, t in zip(pivots, touched, strict=True) if not t]

    def frees(self, target: int, candidates: np.ndarray) -> np.ndarray:
        """For each shown candidate: does hiding it make the determined `target` free?"""
        below = self.table[self.rank :][:, candidates]
        in_range = np.abs(below).max(axis=0, initial=0.0) < 1e-7
        gain = np.abs(self.table[self.pivot_row[target], candidates]) > _PIVOT_TOLERANCE
        return np.asarray(in_range & gain)


def recoverable(values_count: int, aggregates: Sequence[Aggregate], hidden: Sequence[bool]) -> list[int]:
    """Indexes (cells first, then aggregates) of hidden values that the shown ones determine exactly."""
    elimination = _Elimination(_equations(values_count, aggregates))
    for i, is_hidden in enumerate(hidden):
        if is_hidden:
            elimination.add(i)
    return elimination.determined()


@lru_cache(maxsize=4096)
def _suppress_cached(values: tuple[int, ...], aggregates: tuple[Aggregate, ...], threshold: int) -> Suppression:
    return _suppress(values, aggregates, threshold)


def suppress(
    values: Sequence[int], aggregates: Sequence[Aggregate] = (), threshold: int = DEFAULT_THRESHOLD
) -> Suppression:
    """Decide what to hide in a table of counts (`values`) and the aggregates published with it.

    Pure and deterministic, so the decision is memoised on (values, aggregates, threshold)."""
    threshold = validate_threshold(threshold)
    key_values, key_aggregates = tuple(values), tuple(aggregates)
    try:
        hash((key_values, key_aggregates))
    except TypeError:  # e.g. terms given as lists
        return _suppress(key_values, key_aggregates, threshold)
    return _suppress_cached(key_values, key_aggregates, threshold)


def _suppress(values: Sequence[int], aggregates: Sequence[Aggregate], threshold: int) -> Suppression:
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

    # membership[v, g]: variable v takes part in equation g (a cell of aggregate g, or aggregate g itself).
    membership = np.zeros((n_vars, len(aggregates)), dtype=np.int64)
    for g, support in enumerate(supports):
        membership[list(support), g] = 1
        membership[n_cells + g, g] = 1
    kind_rank = np.array([{"cell": 0, "count": 1, "derived": 2, "group": 3}[k] for k in kinds])
    value_array = np.array(all_values)
    positions = np.arange(n_vars)

    def candidates_for(target: int) -> np.ndarray:
        """The shown values in the order they are tried: sharing an equation with the target first, cells before
        aggregates, group sizes last, positive before zero, joining equations that already hold a hidden value
        (spreads less), then the smallest value."""
        shown = ~np.asarray(hidden)
        hidden_in = membership[np.asarray(hidden)].sum(axis=0)
        open_equations = membership @ (hidden_in > 0).astype(np.int64)
        near = membership @ membership[target] > 0
        order = np.lexsort(
            (positions, value_array, -open_equations, (value_array <= 0).astype(int), kind_rank, (~near).astype(int))
        )
        return order[shown[order]]

    elimination = _Elimination(_equations(n_cells, aggregates))
    while True:
        for i in range(n_vars):
            if hidden[i]:
                elimination.add(i)
        exposed = elimination.determined()
        if not exposed:
            break
        target = exposed[0]
        candidates = candidates_for(target)
        if not len(candidates):  # cannot happen: with everything hidden every cell is free
            break
        # The first candidate (in cost order) whose hiding frees the target; else simply the first.
        good = np.flatnonzero(elimination.frees(target, candidates))
        chosen = int(candidates[good[0]]) if len(good) else int(candidates[0])
        hide(chosen, "complementary")

    # Linear protection holds; counts are also non-negative integers. A small cell whose integer range under the
    # shown figures is a single value is still exposed (e.g. [0, 1, 2] with its total and score sum): hide more.
    # Each small cell is proven free once by a witness (a second integer table agreeing with everything shown):
    # integer null-space moves first, an integer program only for the cells those do not move.
    if n_vars <= INTEGER_CHECK_MAX:
        attack = _IntegerAttack(values, _cell_matrix(n_cells, aggregates))
        while True:
            checked = [i for i in range(n_cells) if hidden[i] and reasons[i] in ("primary", "group") and values[i] > 0]
            if not checked:
                break
            attack.update(hidden)
            target = next((i for i in checked if attack.pinned(i)), -1)
            if target < 0:
                break
            candidates = candidates_for(target)
            if not len(candidates):
                break
            hide(int(candidates[0]), "complementary")

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
