"""THE gate: every figure derived from survey answers is published only through the decisions made here.

**The unit of protection is the group** (a set of respondents: women; women in their twenties; one organisation's
men; the respondents of a wave). A figure is always a figure *of a group* (its size, its answers' counts, shares,
mean, interval, a test between groups), and a group is either released — every figure of it may be shown — or
hidden — none may, not even its mean. So a row of a table is never half shown ("— / 0 / —").

`release_split` decides the groups of one split of the respondents (one attribute, or two combined, e.g. sex × age):

1. **Primary.** A group with 0 < respondents < threshold is hidden.
2. **Complementary.** An attacker knows the structure (which groups add up to which published group) and every shown
   figure. Because every answer column of every item has the same structure (a hidden group's counts are unknowns
   with the same coefficients in each column), a hidden group is safe for every figure at once when its *vector* of
   figures is not determined: the linear check runs on groups as units. While
   - a hidden group (or a hidden group of a linked table, e.g. the one-attribute margins of a two-attribute split)
     is determined by the shown ones (`recoverable`: the null space of the published equations is zero there), or
   - the hidden part of a shown group — or of the difference of two shown groups, one inside the other — holds
     1 … threshold − 1 respondents (those few people's answers, taken together, would be known: "the three who did
     not give their sex all disagreed"),
   one more group is hidden: 答えたくない / 無回答 groups first (so the groups a comparison is about stay), then the
   smallest. A group whose state is decided by another table (a margin) is never changed here.
3. **Derived groups** (a preset's union such as 管理職 = 課長級以上 + 役員, a stratum set of a weighted target, an
   industry as the union of its organisations) are checked against the released table they are made of, jointly with
   every other derived group of that table (`release_unions`): shown only if they reveal no hidden group and leave no
   small hidden part.

The decisions depend only on the respondents' counts per group, never on the answers, so one split is decided once
per scope and the same for every item: the pages, downloads, API, CLI and reports agree, and no request can be
subtracted from another to reach a hidden group. `Published`/`Hidden` in the engine's results carry `None` for every
figure of a hidden group; percentages, rates, means and tests are computed only from released groups (a test between
groups covers the released substantive groups: `tested_keys`).

Integer reasoning: counts are non-negative integers; a small hidden group whose size every integer solution agrees
on is hidden with more company (witnesses first, an integer program only when needed; see `_IntegerAttack`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import numpy as np

DEFAULT_THRESHOLD = 5
MIN_THRESHOLD = 3
HIDDEN_MARK = "—"

AggregateKind = Literal["count", "group", "derived"]
Reason = Literal["", "primary", "group", "complementary", "differencing"]


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


def _equations(values_count: int, aggregates: Sequence[Aggregate]) -> np.ndarray:
    """One row per aggregate: aggregate − Σ weight × cell = 0, over cells then aggregates."""
    equations = np.zeros((len(aggregates), values_count + len(aggregates)))
    for row, aggregate in enumerate(aggregates):
        for cell, weight in aggregate.terms:
            equations[row, cell] -= weight
        equations[row, values_count + row] += 1.0
    return equations


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
def _suppress_cached(
    values: tuple[int, ...],
    aggregates: tuple[Aggregate, ...],
    threshold: int,
    fixed: tuple[tuple[int, bool], ...],
    preferred: frozenset[int],
) -> Suppression:
    return _suppress(values, aggregates, threshold, dict(fixed), preferred)


def suppress(
    values: Sequence[int],
    aggregates: Sequence[Aggregate] = (),
    threshold: int = DEFAULT_THRESHOLD,
    *,
    fixed: Mapping[int, bool] | None = None,
    preferred: Collection[int] = (),
) -> Suppression:
    """Decide what to hide among `values` (group sizes, or counts) and the `aggregates` published with them.

    `fixed`: variables (cells first, then aggregates) whose state another decision has made — True hidden, False
    shown; they are never chosen here and must stay protected. `preferred`: cells tried first as complements.
    Pure and deterministic, so the decision is memoised."""
    threshold = validate_threshold(threshold)
    key_fixed = tuple(sorted((int(i), bool(h)) for i, h in (fixed or {}).items()))
    return _suppress_cached(tuple(values), tuple(aggregates), threshold, key_fixed, frozenset(preferred))


def _suppress(
    values: Sequence[int],
    aggregates: Sequence[Aggregate],
    threshold: int,
    fixed: Mapping[int, bool],
    preferred: frozenset[int],
) -> Suppression:
    n_cells = len(values)
    agg_values = [sum(values[c] * w for c, w in a.terms) for a in aggregates]
    all_values = [float(v) for v in values] + [float(v) for v in agg_values]
    kinds: list[str] = ["cell"] * n_cells + [a.kind for a in aggregates]
    n_vars = len(all_values)
    hidden = [False] * n_vars
    reasons: list[Reason] = [""] * n_vars
    supports = [frozenset(c for c, w in a.terms if w) for a in aggregates]
    unit = [all(w == 1 for _, w in a.terms) for a in aggregates]
    fixed = dict(fixed)
    if fixed:
        # A cell that the published (fixed-shown) figures alone determine is published too, whatever happens here:
        # e.g. the only group of a margin. It can neither be hidden nor serve as a complement.
        given = _Elimination(_equations(n_cells, aggregates))
        for i in range(n_vars):
            if fixed.get(i) is not False:
                given.add(i)
        for i in given.determined():
            if i < n_cells and i not in fixed:
                if 0 < values[i] < threshold:
                    raise ValueError(f"group {i} is published elsewhere although below the threshold")
                fixed[i] = False
    for i, is_hidden in fixed.items():
        hidden[i] = is_hidden
        reasons[i] = "complementary" if is_hidden else ""

    # The same published number under two names (a one-group split's only group is the total) is one value.
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
            if not hidden[twin] and twin not in fixed:
                hidden[twin], reasons[twin] = True, reason

    for i in range(n_vars):
        if kinds[i] != "derived" and 0 < all_values[i] < threshold:
            if fixed.get(i) is False:
                raise ValueError(f"value {i} is published elsewhere although below the threshold")
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
    first = np.array([0 if i in preferred else 1 for i in range(n_vars)])
    free = np.array([i not in fixed for i in range(n_vars)])

    def order(candidates: np.ndarray, target_equations: np.ndarray | None) -> np.ndarray:
        """Shown, free values in the order they are tried: in the target's equations first, groups with people
        before empty ones (an empty group hidden as cover can be found empty by other means), preferred cells
        (答えたくない / 無回答) first, cells before aggregates, group sizes last, joining equations that already hold a
        hidden value (spreads less), then the smallest value."""
        shown = ~np.asarray(hidden) & free
        hidden_in = membership[np.asarray(hidden)].sum(axis=0)
        open_equations = membership @ (hidden_in > 0).astype(np.int64)
        near = membership @ target_equations > 0 if target_equations is not None else np.ones(n_vars, dtype=bool)
        ranked = np.lexsort(
            (
                positions,
                value_array,
                -open_equations,
                kind_rank,
                first,
                (value_array <= 0).astype(int),
                (~near).astype(int),
            )
        )
        ranked = ranked[shown[ranked]]
        return ranked[np.isin(ranked, candidates)] if candidates is not None else ranked

    def small_part() -> tuple[frozenset[int], frozenset[int]] | None:
        """A shown equation (or the difference of two nested ones) whose hidden cells hold 1 … threshold − 1."""
        shown_support = [supports[g] for g in range(len(aggregates)) if not hidden[n_cells + g] and unit[g]]
        pieces = list(shown_support)
        for outer in shown_support:
            for inner in shown_support:
                if inner < outer:
                    pieces.append(outer - inner)
        for piece in pieces:
            part = sum(values[c] for c in piece if hidden[c])
            if 0 < part < threshold:
                return piece, frozenset(c for c in piece if not hidden[c])
        return None

    elimination = _Elimination(_equations(n_cells, aggregates))
    while True:
        violation = small_part()
        if violation is not None:
            piece, open_cells = violation
            equations = np.zeros(len(aggregates), dtype=np.int64)
            for g, support in enumerate(supports):
                if support & piece:
                    equations[g] = 1
            candidates = order(np.array(sorted(open_cells), dtype=np.int64), equations)
            if not len(candidates):
                break  # nothing left to hide in it: only fixed values (cannot happen with consistent margins)
            hide(int(candidates[0]), "complementary")
            continue
        for i in range(n_vars):
            if hidden[i]:
                elimination.add(i)
        exposed = elimination.determined()
        if not exposed:
            break
        target = exposed[0]
        candidates = order(np.flatnonzero(free), membership[target])
        if not len(candidates):
            break
        # The first candidate (in cost order) whose hiding frees the target; else simply the first.
        good = np.flatnonzero(elimination.frees(target, candidates))
        chosen = int(candidates[good[0]]) if len(good) else int(candidates[0])
        hide(chosen, "complementary")

    # Linear protection holds; counts are also non-negative integers. A small value whose integer range under the
    # shown figures is a single value is still exposed: hide more. Each is proven free once by a witness (a second
    # integer solution agreeing with everything shown): integer null-space moves first, an integer program only
    # for the values those do not move.
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
            candidates = order(np.flatnonzero(free), membership[target])
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


# --- groups: the decisions every published figure rests on -----------------------------------------------------

Key = tuple[str, ...]
NOT_SUBSTANTIVE = frozenset({"R", ""})  # 答えたくない and 無回答 (共通リンク for the organisation): never tested


def substantive(key: Key) -> bool:
    return not any(part in NOT_SUBSTANTIVE for part in key)


@dataclass(frozen=True)
class Margin:
    """A published group made of some groups of a split (a margin of a two-attribute split, a preset's union),
    with its state decided elsewhere."""

    keys: frozenset[Key]
    hidden: bool


@dataclass(frozen=True)
class GroupRelease:
    """The decision for one split of the respondents: which of its groups may be published.

    Build it only with `release_split`; the engine's functions take it and publish nothing of a hidden group.
    Groups with nobody in them are listed (size 0) when the caller gave the split's whole `space`."""

    dimensions: tuple[str, ...]
    keys: tuple[Key, ...]
    sizes: tuple[int, ...]
    hidden: tuple[bool, ...]
    reasons: tuple[Reason, ...]
    threshold: int
    margins: tuple[Margin, ...] = ()  # what the decision took as published beside it (checked with it)
    _index: dict[Key, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({key: i for i, key in enumerate(self.keys)})

    @property
    def total(self) -> int:
        return sum(self.sizes)

    def size(self, key: Key) -> int:
        i = self._index.get(tuple(key))
        return 0 if i is None else self.sizes[i]

    def shown(self, key: Key) -> bool:
        """A group may be published (a group with nobody in it is shown as empty)."""
        i = self._index.get(tuple(key))
        return i is None or not self.hidden[i]

    def reason(self, key: Key) -> Reason:
        i = self._index.get(tuple(key))
        return "" if i is None else self.reasons[i]

    @property
    def any_hidden(self) -> bool:
        return any(self.hidden)

    def tested_keys(self) -> list[Key]:
        """The groups a test between groups covers: released, substantive (not 答えたくない / 無回答) and at least the
        threshold — the same for every item of the wave, whatever the answers."""
        return [
            key
            for key, size, is_hidden in zip(self.keys, self.sizes, self.hidden, strict=True)
            if not is_hidden and substantive(key) and size >= self.threshold
        ]


def release_split(
    dimensions: Sequence[str],
    sizes: Mapping[Key, int],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    margins: Sequence[Margin] = (),
    space: Collection[Key] = (),
) -> GroupRelease:
    """Which groups of a split may be published, given respondents per group (`sizes`, keyed by the group's codes
    in `dimensions` order) and the groups already published beside it (`margins`: e.g. each one-attribute group of a
    two-attribute split, with its own decision). The split's total is published (the scope's respondents).

    `space`: every group the split can have (all category combinations), so that empty groups take part too: an
    attacker who sees which combinations are empty could otherwise solve for a small one from the margins alone
    (a combination that is empty can be hidden as "—" like any other)."""
    threshold = validate_threshold(threshold)
    every = {tuple(k) for k in space} | {tuple(k) for k, n in sizes.items() if n > 0}
    keys = tuple(sorted(every, key=lambda k: tuple(map(str, k))))
    values = [int(sizes.get(k, 0)) for k in keys]
    index = {k: i for i, k in enumerate(keys)}
    total = sum(values)
    if total < threshold:
        return GroupRelease(
            tuple(dimensions), keys, tuple(values), (True,) * len(keys), _all_group(len(keys)), threshold, ()
        )
    aggregates = [Aggregate(tuple((i, 1.0) for i in range(len(keys))), "group", "total")]
    fixed = {len(keys): False}
    kept: list[Margin] = []
    for margin in margins:
        terms = tuple((index[k], 1.0) for k in sorted(margin.keys, key=lambda k: tuple(map(str, k))) if k in index)
        if not terms:
            continue
        fixed[len(keys) + len(aggregates)] = margin.hidden
        aggregates.append(Aggregate(terms, "count"))
        kept.append(margin)
    preferred = [i for i, k in enumerate(keys) if not substantive(k)]
    result = suppress(values, aggregates, threshold, fixed=fixed, preferred=preferred)
    return GroupRelease(
        tuple(dimensions),
        keys,
        tuple(values),
        result.cells_hidden,
        result.cell_reasons,
        threshold,
        (Margin(frozenset(keys), False), *kept),
    )


def _all_group(n: int) -> tuple[Reason, ...]:
    return tuple("group" for _ in range(n))


def release_unions(table: GroupRelease, unions: Sequence[Collection[Key]]) -> list[tuple[bool, Reason]]:
    """Derived groups made of `table`'s groups (a preset such as 管理職, an industry of organisations), decided
    together in the given order: each is shown only if it is at least the threshold and, published with the table,
    its margins and the unions shown before it, it determines no hidden group and leaves no small hidden part."""
    threshold = table.threshold
    index = {k: i for i, k in enumerate(table.keys)}
    aggregates: list[Aggregate] = []
    hidden_flags: list[bool] = []
    for margin in table.margins:
        terms = tuple((index[k], 1.0) for k in margin.keys if k in index)
        if terms:
            aggregates.append(Aggregate(tuple(sorted(terms)), "count"))
            hidden_flags.append(margin.hidden)
    decisions: list[tuple[bool, Reason]] = []
    for union in unions:
        members = sorted(index[tuple(k)] for k in union if tuple(k) in index)
        size = sum(table.sizes[i] for i in members)
        if size == 0:
            decisions.append((False, ""))
            continue
        if size < threshold:
            decisions.append((True, "primary"))
            continue
        candidate = Aggregate(tuple((i, 1.0) for i in members), "count")
        trial = [*aggregates, candidate]
        flags = [*table.hidden, *hidden_flags, False]
        if _exposes(table, trial, flags):
            decisions.append((True, "differencing"))
            continue
        aggregates.append(candidate)
        hidden_flags.append(False)
        decisions.append((False, ""))
    return decisions


def _exposes(table: GroupRelease, aggregates: Sequence[Aggregate], hidden: Sequence[bool]) -> bool:
    """True when the shown figures determine a hidden group (or a hidden margin), or leave a small hidden part."""
    n = len(table.keys)
    if any(i < n or hidden[i] for i in recoverable(n, aggregates, hidden)):
        return True
    supports = [frozenset(c for c, _ in a.terms) for a in aggregates]
    shown = [s for s, h in zip(supports, hidden[n:], strict=True) if not h]
    shown.append(frozenset(range(n)))  # the scope's total
    pieces = list(shown) + [outer - inner for outer in shown for inner in shown if inner < outer]
    return any(0 < sum(table.sizes[c] for c in piece if hidden[c]) < table.threshold for piece in pieces)


def with_margins(table: GroupRelease, margins: Sequence[Margin]) -> GroupRelease:
    """The same decision with further published groups recorded beside it (unions decided on it), so that later
    unions and linked splits are checked against them too."""
    return GroupRelease(
        table.dimensions,
        table.keys,
        table.sizes,
        table.hidden,
        table.reasons,
        table.threshold,
        (*table.margins, *margins),
    )


# --- the gate of one scope ----------------------------------------------------------------------------------------

Filters = Mapping[str, Collection[str]]


@dataclass(frozen=True)
class Decision:
    """Whether one group (a split's group, a preset's union, a stratum set) may be published, and why not."""

    shown: bool
    reason: Reason
    size: int
    threshold: int


class Gate:
    """Every group decision of one scope (a wave as one role may read it), made once from its respondents' counts.

    `sizes(dims)` returns respondents per group of a split ({key: n}, keys in `dims` order; `()` gives the total);
    `space(dim)` every category code of a dimension (including "" for 無回答 / 共通リンク); `unions` the derived
    groups the analyses publish (the gap presets), decided once per split and jointly; `derived` dimensions that are
    a function of the organisation (industry, size band: {organisation code: code}), decided as unions of
    organisations. Splits are keyed by their dimensions in a canonical (sorted) order; a one-attribute split is
    decided alone, a two-attribute split with every one-attribute group and union published beside it."""

    def __init__(
        self,
        *,
        sizes: Callable[[tuple[str, ...]], Mapping[Key, int]],
        space: Callable[[str], Sequence[str]],
        threshold: int = DEFAULT_THRESHOLD,
        unions: Sequence[Filters] = (),
        derived: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.threshold = validate_threshold(threshold)
        self._sizes = sizes
        self._space = space
        self._unions = [{d: frozenset(v) for d, v in u.items()} for u in unions]
        self._derived = dict(derived or {})
        self._splits: dict[tuple[str, ...], GroupRelease] = {}
        self._union_decisions: dict[tuple[tuple[str, ...], frozenset[Key]], Decision] = {}
        self._total: int | None = None

    @property
    def total(self) -> int:
        if self._total is None:
            self._total = int(sum(self._sizes(()).values()))
        return self._total

    @property
    def released(self) -> bool:
        """The scope itself (all its respondents) may be published."""
        return self.total >= self.threshold

    def scope(self) -> Decision:
        """The whole scope as one group: published only when it reaches the threshold."""
        shown = self.released
        return Decision(shown, "" if shown else "primary", self.total, self.threshold)

    @staticmethod
    def canonical(dims: Collection[str]) -> tuple[str, ...]:
        return tuple(sorted(dims))

    def _base(self, dim: str) -> str:
        return "organisation" if dim in self._derived else dim

    def _keys(self, dims: tuple[str, ...]) -> list[Key]:
        spaces = [[str(v) for v in self._space(d)] for d in dims]
        keys: list[Key] = [()]
        for values in spaces:
            keys = [(*k, v) for k in keys for v in values]
        return keys

    def split(self, dims: Sequence[str]) -> GroupRelease:
        """The decision for a split by one or two dimensions (in canonical order; see `key_of` for page order)."""
        dims = self.canonical(dims)
        if dims not in self._splits:
            self._splits[dims] = self._decide(dims)
        return self._splits[dims]

    def _decide(self, dims: tuple[str, ...]) -> GroupRelease:
        if not 1 <= len(dims) <= 2 or len(set(map(self._base, dims))) != len(dims):
            raise ValueError(f"a split is by one or two different dimensions, not {dims}")
        if any(d in self._derived for d in dims):
            return self._derived_split(dims)
        sizes = {tuple(map(str, k)): n for k, n in self._sizes(dims).items()}
        if len(dims) == 1:
            table = release_split(dims, sizes, threshold=self.threshold, space=self._keys(dims))
            return self._with_unions(table)
        space = self._keys(dims)
        margins: list[Margin] = []
        for position, dim in enumerate(dims):
            one = self.split((dim,))
            for margin in one.margins[1:]:  # its unions (the first margin is its own total)
                members = frozenset(k for k in space if (k[position],) in margin.keys)
                margins.append(Margin(members, margin.hidden))
            for key, is_hidden in zip(one.keys, one.hidden, strict=True):
                margins.append(Margin(frozenset(k for k in space if k[position] == key[0]), is_hidden))
        table = release_split(dims, sizes, threshold=self.threshold, margins=margins, space=space)
        return self._with_unions(table)

    def _with_unions(self, table: GroupRelease) -> GroupRelease:
        """Decide the registered unions that live on this split (jointly, in registration order) and record them
        beside it, so splits built on it are checked against them too."""
        dims = table.dimensions
        unions = [self._union_keys(dims, u) for u in self._unions if self.canonical(u) == dims]
        unions = [u for u in unions if len(u) > 1]  # a single group is the split's own decision
        decisions = release_unions(table, unions)
        recorded = []
        for members, (is_hidden, reason) in zip(unions, decisions, strict=True):
            size = sum(table.size(k) for k in members)
            self._union_decisions[(dims, members)] = Decision(not is_hidden, reason, size, self.threshold)
            recorded.append(Margin(members, is_hidden))
        return with_margins(table, recorded)

    def _union_keys(self, dims: tuple[str, ...], filters: Filters) -> frozenset[Key]:
        return frozenset(k for k in self._keys(dims) if all(k[i] in filters[d] for i, d in enumerate(dims)))

    def _derived_split(self, dims: tuple[str, ...]) -> GroupRelease:
        """Industry or size band: each group is the union of its organisations (in the organisation split, or the
        organisation × attribute split), decided together."""
        base_dims = self.canonical([self._base(d) for d in dims])
        base = self.split(base_dims)
        position = {d: base_dims.index(self._base(d)) for d in dims}

        def derived_key(key: Key) -> Key:
            result = []
            for d in dims:
                code = key[position[d]]
                result.append(self._derived[d].get(code, "") if d in self._derived else code)
            return tuple(result)

        groups: dict[Key, set[Key]] = {}
        for key in base.keys:
            groups.setdefault(derived_key(key), set()).add(key)
        keys = sorted(groups, key=lambda k: tuple(map(str, k)))
        unions = [frozenset(groups[k]) for k in keys]
        decisions = release_unions(base, unions)
        sizes = tuple(sum(base.size(m) for m in groups[k]) for k in keys)
        hidden = tuple(is_hidden for is_hidden, _reason in decisions)
        reasons = tuple(
            (base.reason(next(iter(u))) or r) if len(u) == 1 else r
            for u, (_h, r) in zip(unions, decisions, strict=True)
        )
        return GroupRelease(dims, tuple(keys), sizes, hidden, reasons, self.threshold, ())

    def group(self, filters: Filters) -> Decision:
        """A group given by attribute filters (one or two dimensions, several codes each): a split's group, or a
        union decided with its split. A union that was not registered is refused (never decided ad hoc, so no
        request can be subtracted from another that the decisions did not foresee)."""
        dims = self.canonical(filters)
        table = self.split(dims)
        members = self._union_keys(dims, {d: frozenset(map(str, v)) for d, v in filters.items()})
        size = sum(table.size(k) for k in members)
        if len(members) == 1:
            key = next(iter(members))
            return Decision(table.shown(key), table.reason(key), size, self.threshold)
        decision = self._union_decisions.get((dims, members))
        if decision is None:
            raise KeyError(f"union {dict(filters)} is not one of the registered groups")
        return decision

    def key_of(self, dims: Sequence[str], key: Sequence[str]) -> Key:
        """A group's key in canonical order from a key given in `dims` order (the page's order)."""
        by = dict(zip(dims, key, strict=True))
        return tuple(by[d] for d in self.canonical(dims))


MIN_CONTRIBUTORS = 3


def pooled(
    contributors: int, size: int, threshold: int = DEFAULT_THRESHOLD, minimum: int = MIN_CONTRIBUTORS
) -> Decision:
    """A reference pooled from other tenants (the network's other members, the programme's other organisations):
    shown only when at least `minimum` of them contributed — so no single other tenant's result can be read off —
    and it reaches the threshold."""
    threshold = validate_threshold(threshold)
    if contributors < minimum:
        return Decision(False, "differencing", size, threshold)
    if size < threshold:
        return Decision(False, "primary", size, threshold)
    return Decision(True, "", size, threshold)


@dataclass(frozen=True)
class WeightingPlan:
    """Which strata a post-stratification target may weight (before/after, weighted by sex × age band).

    A weighted estimate is published only as a function of released groups: each stratum it weights must be shown
    in both waves' split (`release_split` on the waves' respondents), so its weights, effective size, share and
    mean can be computed from what the sex × age tables already show. A stratum with a positive target share that a
    wave hides is left out (its share spread over the others, like a stratum nobody answered in); a target that
    leaves nothing to weight is refused."""

    target: dict[Key, float]  # positive target shares of the strata used
    left_out: tuple[Key, ...]  # strata with a positive share that a wave hides
    refused: bool


def weighting_plan(target: Mapping[Key, float], before: GroupRelease, after: GroupRelease) -> WeightingPlan:
    positive = {tuple(k): float(v) for k, v in target.items() if float(v) > 0}
    used = {k: v for k, v in positive.items() if before.shown(k) and after.shown(k)}
    left_out = tuple(sorted(k for k in positive if k not in used))
    usable = any(before.size(k) > 0 or after.size(k) > 0 for k in used)
    return WeightingPlan(used, left_out, not used or not usable)
