"""Suppression under attack: an attacker who knows the table's structure and every shown value tries to recover
hidden cells by linear algebra (exact solve) and linear programming (bounds with counts ≥ 0)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from shokuba.analysis.suppression import (
    ThresholdError,
    differencing_safe,
    group_hidden,
    suppress_counts,
    suppress_table,
    validate_threshold,
)

SMALLISH = st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 20, 35, 60])


def attack(counts, shown, weights):
    """Bounds (min, max) the attacker can prove for every cell, from the published figures only."""
    rows, cols = len(counts), len(counts[0])
    n = rows * cols
    equations, targets = [], []

    def equation(coefficients, value):
        equations.append(coefficients)
        targets.append(value)

    for r in range(rows):
        for c in range(cols):
            if shown.counts[r][c] is not None:
                e = np.zeros(n)
                e[r * cols + c] = 1
                equation(e, shown.counts[r][c])
        if shown.row_totals[r] is not None:
            e = np.zeros(n)
            e[r * cols : (r + 1) * cols] = 1
            equation(e, shown.row_totals[r])
        for name, w in weights.items():
            if shown.row_extras[name][r] is not None:
                e = np.zeros(n)
                e[r * cols : (r + 1) * cols] = w
                equation(e, shown.row_extras[name][r])
    for c in range(cols):
        if shown.column_totals[c] is not None:
            e = np.zeros(n)
            e[c::cols] = 1
            equation(e, shown.column_totals[c])
    if shown.total is not None:
        equation(np.ones(n), shown.total)
    for name, w in weights.items():
        if shown.total_extras[name] is not None:
            equation(np.tile(w, rows), shown.total_extras[name])
    a = np.array(equations) if equations else np.zeros((0, n))
    b = np.array(targets, dtype=float)
    truth = np.array(counts, dtype=float).ravel()
    assert np.allclose(a @ truth, b)  # the published figures are consistent with the data
    return a, b, n


def exactly_determined(a, k):
    if a.shape[0] == 0:
        return False
    e = np.zeros(a.shape[1])
    e[k] = 1
    return np.linalg.matrix_rank(np.vstack([a, e])) == np.linalg.matrix_rank(a)


def bounds(a, b, n, k, total):
    """The attacker's integer bounds for cell k (non-negative integer counts agreeing with the shown figures)."""
    c = np.zeros(n)
    c[k] = 1
    box = Bounds(np.zeros(n), np.full(n, float(total)))
    if len(b) == 0:
        return 0.0, float(total)
    constraint = LinearConstraint(a, b, b)
    low = milp(c, constraints=constraint, integrality=np.ones(n), bounds=box)
    high = milp(-c, constraints=constraint, integrality=np.ones(n), bounds=box)
    return low.fun, -high.fun


tables = st.integers(1, 5).flatmap(
    lambda r: st.integers(2, 5).flatmap(
        lambda c: st.lists(st.lists(SMALLISH, min_size=c, max_size=c), min_size=r, max_size=r)
    )
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables, st.sampled_from([3, 5, 10]), st.booleans())
def test_no_hidden_cell_can_be_recovered(counts, threshold, with_scale):
    cols = len(counts[0])
    weights = {}
    if with_scale:
        weights = {
            "top": np.array([1.0 if c < 2 else 0.0 for c in range(cols)]),
            "score": np.array([float(cols - c) for c in range(cols)]),
        }
    shown = suppress_table(counts, threshold, row_weights={k: list(v) for k, v in weights.items()})
    a, b, n = attack(counts, shown, weights)
    for r, row in enumerate(counts):
        for c, value in enumerate(row):
            k = r * cols + c
            if shown.counts[r][c] is None:
                assert not exactly_determined(a, k), (counts, r, c)
            else:
                assert shown.counts[r][c] == value
            if 0 < value < threshold:  # every small cell is hidden, and its bounds are not pinned
                assert shown.counts[r][c] is None
                low, high = bounds(a, b, n, k, sum(map(sum, counts)))
                assert high - low >= 1 - 1e-9, (counts, r, c, low, high)
    # The classical rule, as a consequence: a line with a hidden cell has two, or its total is hidden.
    for r in range(len(counts)):
        hidden = sum(v is None for v in shown.counts[r])
        assert hidden != 1 or shown.row_totals[r] is None
    for c in range(cols):
        hidden = sum(shown.counts[r][c] is None for r in range(len(counts)))
        assert hidden != 1 or shown.column_totals[c] is None


@settings(max_examples=60, deadline=None)
@given(tables, st.sampled_from([3, 5]))
def test_small_groups_are_hidden_whole(counts, threshold):
    shown = suppress_table(counts, threshold)
    for r, row in enumerate(counts):
        if 0 < sum(row) < threshold:
            assert shown.row_totals[r] is None and all(v is None for v in shown.counts[r])


def test_one_distribution_hides_a_second_cell():
    shown = suppress_counts([2, 30, 40, 10])
    assert shown.counts == [[None, 30, 40, None]]  # the smallest other cell
    assert shown.total == 82


def test_top_box_and_mean_are_part_of_the_published_system():
    shown = suppress_counts([2, 30, 40, 10], weights={"top": [1, 1, 0, 0], "score": [4, 3, 2, 1]})
    # c1 + c2 (top box), c3 + c4 and 4c1+3c2+2c3+c4 are published: one free direction needs all four hidden.
    assert shown.counts == [[None, None, None, None]]
    assert shown.row_extras["top"] == [32.0]


def test_threshold_never_below_three():
    assert validate_threshold(3) == 3
    for bad in (2, 0, -1):
        with pytest.raises(ThresholdError):
            validate_threshold(bad)
    with pytest.raises(ThresholdError):
        suppress_counts([1, 2], threshold=2)
    assert group_hidden(4) and not group_hidden(5)


def test_two_overlapping_filters():
    # All women: 40; women who are not managers: 38 → women managers (2) could be read by subtraction.
    assert not differencing_safe(38, [40, 200])
    assert differencing_safe(35, [40, 200])
    assert differencing_safe(40, [40])  # the same group
    assert not differencing_safe(4, [])


@settings(max_examples=60, deadline=None)
@given(tables, st.data())
def test_recoverable_matches_the_null_space(counts, data):
    """`recoverable` (incremental elimination) agrees with the singular value decomposition on any hidden set."""
    from shokuba.analysis.suppression import _equations, recoverable, table_aggregates

    cols = len(counts[0])
    aggregates, _ = table_aggregates(len(counts), cols, {"score": [float(cols - c) for c in range(cols)]})
    n = len(counts) * cols
    hidden = data.draw(st.lists(st.booleans(), min_size=n + len(aggregates), max_size=n + len(aggregates)))
    matrix = _equations(n, aggregates)[:, [i for i, h in enumerate(hidden) if h]]
    expected = []
    if matrix.shape[1]:
        _, singular, vh = np.linalg.svd(matrix)
        rank = int((singular > 1e-9).sum())
        basis = vh[rank:].T
        free = np.abs(basis).max(axis=1) > 1e-9 if basis.size else np.zeros(matrix.shape[1], dtype=bool)
        index = [i for i, h in enumerate(hidden) if h]
        expected = [index[k] for k in range(len(index)) if not free[k]]
    assert recoverable(n, aggregates, hidden) == expected


def test_a_cell_pinned_only_by_non_negativity_gets_company():
    # Row 1: top box 7 = c1 + c2 = the row total, so c3 = c4 = 0 and the score sum would pin the 2 (and the 5).
    counts = [[5, 2, 0, 0, 0], [6, 5, 4, 35, 3], [4, 0, 0, 60, 1], [1, 12, 20, 1, 6], [1, 6, 2, 3, 6]]
    weights = {"top": [1.0, 1.0, 0.0, 0.0, 0.0], "score": [5.0, 4.0, 3.0, 2.0, 1.0]}
    shown = suppress_table(counts, 3, row_weights=weights)
    a, b, n = attack(counts, shown, {k: np.array(v) for k, v in weights.items()})
    low, high = bounds(a, b, n, 1, sum(map(sum, counts)))
    assert shown.counts[0][1] is None and high - low >= 1


def test_decisions_are_memoised_and_identical():
    table = [[2, 30, 40, 10], [12, 3, 20, 8]]
    first = suppress_table(table, 5, row_weights={"top": [1, 1, 0, 0]})
    second = suppress_table(table, 5, row_weights={"top": [1, 1, 0, 0]})
    assert first == second and first is not second  # a fresh result object (callers may mutate its lists)
