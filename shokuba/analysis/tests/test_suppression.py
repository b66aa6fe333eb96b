"""The gate under attack: an attacker who knows the structure (which groups add up to which published group) and
every shown figure tries to recover a hidden group — exactly (linear algebra, checked here with an SVD independent
of the engine's elimination) and with integers (a small group's size pinned by non-negativity)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shokuba.analysis.suppression import (
    Aggregate,
    Gate,
    Margin,
    ThresholdError,
    _equations,
    _integer_range,
    group_hidden,
    recoverable,
    release_split,
    release_unions,
    validate_threshold,
    weighting_plan,
)

SMALLISH = st.sampled_from([0, 0, 0, 1, 2, 3, 4, 5, 6, 9, 15, 30])
SEX = ["F", "M", "X", "R", ""]
POSITION = ["staff", "chief", "manager", "exec", "R", ""]


def determined(rows: list[np.ndarray], k: int, n: int) -> bool:
    """Is unknown k fixed by the equations `rows` (each over the n unknowns)? SVD rank test, independent of the
    engine's incremental elimination."""
    if not rows:
        return False
    a = np.array(rows)
    e = np.zeros(n)
    e[k] = 1
    return bool(np.linalg.matrix_rank(np.vstack([a, e]), tol=1e-8) == np.linalg.matrix_rank(a, tol=1e-8))


def attack(keys, sizes, hidden, published):
    """Equations the attacker has over the hidden groups' (unknown) vectors: each shown group is known; each shown
    published group (a margin, a union, the total) is a sum of groups. Returns a checker for any set of groups."""
    index = {k: i for i, k in enumerate(keys)}
    hidden_keys = [k for k in keys if hidden[index[k]]]
    position = {k: i for i, k in enumerate(hidden_keys)}
    rows = []
    for members, is_hidden in published:
        if is_hidden:
            continue
        row = np.zeros(len(hidden_keys))
        for k in members:
            if k in position:
                row[position[k]] = 1
        if row.any():
            rows.append(row)

    def reveals(members) -> bool:
        """True when the sum of these groups' hidden part is determined (and it is not all shown already)."""
        vector = np.zeros(len(hidden_keys))
        for k in members:
            if k in position:
                vector[position[k]] = 1
        if not vector.any():
            return False
        a = np.array(rows) if rows else np.zeros((0, len(hidden_keys)))
        return bool(np.linalg.matrix_rank(np.vstack([a, vector]), tol=1e-8) == np.linalg.matrix_rank(a, tol=1e-8))

    return hidden_keys, reveals


def assert_protected(release, published, threshold):
    keys, sizes, hidden = release.keys, release.sizes, release.hidden
    size = dict(zip(keys, sizes, strict=True))
    hidden_keys, reveals = attack(keys, sizes, hidden, published)
    # 1. Every small group is hidden.
    for k, n, h in zip(keys, sizes, hidden, strict=True):
        if 0 < n < threshold:
            assert h, (k, n)
    # 2. No hidden group, and no hidden published group (a hidden margin), is determined by what is shown.
    for k in hidden_keys:
        assert not reveals([k]), ("group recoverable", k, size[k])
    for members, is_hidden in published:
        if is_hidden:
            assert not reveals(members), ("hidden margin recoverable", sorted(members))
    # 3. No shown group (nor the difference of two nested ones) leaves a small hidden part: those few people's
    #    answers would be known together.
    shown = [frozenset(m) for m, h in published if not h]
    pieces = shown + [a - b for a in shown for b in shown if b < a]
    for piece in pieces:
        part = sum(size.get(k, 0) for k in piece if k in set(hidden_keys))
        assert part == 0 or part >= threshold, ("small hidden part", sorted(piece), part)


@settings(max_examples=150, deadline=None)
@given(st.lists(SMALLISH, min_size=5, max_size=5), st.sampled_from([3, 5, 10]))
def test_one_attribute_split_is_protected(values, threshold):
    sizes = {(code,): n for code, n in zip(SEX, values, strict=True)}
    release = release_split(("sex",), sizes, threshold=threshold, space=[(c,) for c in SEX])
    if sum(values) < threshold:
        assert all(release.hidden)
        return
    published = [(frozenset(release.keys), False)]
    assert_protected(release, published, threshold)
    # Integer reasoning cannot pin a small hidden group's size either.
    aggregates = [Aggregate(tuple((i, 1.0) for i in range(len(release.keys))), "group")]
    for i, (n, h) in enumerate(zip(release.sizes, release.hidden, strict=True)):
        if h and 0 < n < threshold:
            assert _integer_range(list(release.sizes), aggregates, [*release.hidden, False], i) >= 1


def test_the_groups_a_comparison_is_about_stay_when_a_non_substantive_group_can_cover():
    release = release_split(("sex",), {("F",): 25, ("M",): 22, ("X",): 3, ("R",): 2})
    assert release.shown(("F",)) and release.shown(("M",))
    assert not release.shown(("X",)) and not release.shown(("R",))
    assert release.tested_keys() == [("F",), ("M",)]
    # Three people in その他 and nobody else to hide with them: a large group has to go too.
    alone = release_split(("sex",), {("F",): 25, ("M",): 20, ("X",): 3})
    assert sum(alone.hidden) == 2 and not alone.shown(("X",))


sizes_2d = st.fixed_dictionaries({(s, p): SMALLISH for s in SEX[:4] for p in POSITION[:5]})


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes_2d, st.sampled_from([3, 5]))
def test_two_attribute_split_protects_itself_and_its_margins(sizes, threshold):
    def sizes_of(dims):
        if not dims:
            return {(): sum(sizes.values())}
        out: dict = {}
        for (s, p), n in sizes.items():
            key = tuple({"sex": s, "position": p}[d] for d in dims)
            out[key] = out.get(key, 0) + n
        return out

    gate = Gate(
        sizes=sizes_of,
        space=lambda d: SEX if d == "sex" else POSITION,
        threshold=threshold,
        unions=[{"position": ("manager", "exec")}, {"position": ("staff", "chief")}],
    )
    if not gate.released:
        return
    table = gate.split(("sex", "position"))
    # Everything published over the two-attribute groups: its own total, each one-attribute group (shown or
    # hidden by its own split), the presets' unions, as sets of (position, sex) keys.
    published = [(frozenset(m.keys), m.hidden) for m in table.margins]
    assert_protected(table, published, threshold)
    for one in (gate.split(("sex",)), gate.split(("position",))):
        assert_protected(one, [(frozenset(m.keys), m.hidden) for m in one.margins], threshold)


def test_a_union_that_would_reveal_a_hidden_group_is_hidden():
    position = release_split(("position",), {("staff",): 50, ("chief",): 20, ("manager",): 8, ("exec",): 3, ("R",): 3})
    assert not position.shown(("exec",)) and not position.shown(("R",))
    decisions = release_unions(position, [{("manager",), ("exec",)}, {("staff",), ("chief",)}])
    # 管理職 = 課長級以上 (shown, 8) + 役員 (hidden, 3): publishing it would give 役員 away.
    assert decisions == [(True, "differencing"), (False, "")]


def test_two_overlapping_filters_cannot_be_subtracted():
    """All women: 40; women who are not managers: 38 → the 2 women managers. The split never shows both."""
    sizes = {("F", "staff"): 30, ("F", "chief"): 8, ("F", "manager"): 2, ("M", "staff"): 40, ("M", "manager"): 12}
    gate = Gate(
        sizes=lambda dims: (
            {(): 92}
            if not dims
            else {tuple({"sex": s, "position": p}[d] for d in dims): n for (s, p), n in sizes.items()}
            if len(dims) == 2
            else _sum(sizes, dims)
        ),
        space=lambda d: SEX if d == "sex" else POSITION,
    )
    table = gate.split(("sex", "position"))
    women_not_managers = {k for k in table.keys if k[1] == "F" and k[0] in ("staff", "chief")}
    shown_part = sum(table.size(k) for k in women_not_managers if table.shown(k))
    assert gate.split(("sex",)).shown(("F",))
    assert 40 - shown_part == 0 or 40 - shown_part >= 5


def _sum(sizes, dims):
    out: dict = {}
    for (s, p), n in sizes.items():
        key = tuple({"sex": s, "position": p}[d] for d in dims)
        out[key] = out.get(key, 0) + n
    return out


def test_decisions_do_not_depend_on_the_order_of_requests():
    sizes = {("F", "staff"): 12, ("F", "exec"): 2, ("M", "staff"): 20, ("M", "manager"): 4, ("R", "staff"): 3}

    def make():
        return Gate(
            sizes=lambda dims: {(): 41} if not dims else _sum(sizes, dims),
            space=lambda d: SEX if d == "sex" else POSITION,
            unions=[{"position": ("manager", "exec")}],
        )

    one, two = make(), make()
    a = [one.split(("sex", "position")), one.split(("sex",)), one.split(("position",))]
    b = [two.split(("position",)), two.split(("sex",)), two.split(("position", "sex"))]
    assert a[0] == b[2] and a[1] == b[1] and a[2] == b[0]


def test_weighting_plan_uses_only_strata_shown_in_both_waves():
    before = release_split(("age_band", "sex"), {("30", "F"): 20, ("30", "M"): 15, ("50", "M"): 1})
    after = release_split(("age_band", "sex"), {("30", "F"): 40, ("30", "M"): 3, ("50", "M"): 30, ("40", "F"): 6})
    assert before.shown(("30", "F")) and after.shown(("30", "F")) and after.shown(("50", "M"))
    plan = weighting_plan({("30", "F"): 1, ("30", "M"): 1, ("50", "M"): 1}, before, after)
    assert set(plan.target) == {("30", "F")} and not plan.refused
    assert set(plan.left_out) == {("30", "M"), ("50", "M")}


def test_threshold_never_below_three():
    assert validate_threshold(3) == 3
    for bad in (2, 0, -1):
        with pytest.raises(ThresholdError):
            validate_threshold(bad)
    with pytest.raises(ThresholdError):
        release_split(("sex",), {("F",): 1}, threshold=2)
    assert group_hidden(4) and not group_hidden(5)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 6), st.data())
def test_recoverable_matches_the_null_space(n_groups, data):
    """`recoverable` (incremental elimination) agrees with the singular value decomposition on any hidden set."""
    memberships = data.draw(
        st.lists(st.lists(st.booleans(), min_size=n_groups, max_size=n_groups), min_size=1, max_size=5)
    )
    aggregates = [Aggregate(tuple((i, 1.0) for i, m in enumerate(row) if m), "count") for row in memberships]
    aggregates = [a for a in aggregates if a.terms]
    n = n_groups
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


def test_an_empty_combination_takes_part_like_any_group():
    """Margins alone can pin a small group when the attacker sees which combinations are empty; with the whole
    space in the split, an empty combination can be hidden too."""
    sizes = {
        ("F", "staff"): 2,
        ("F", "chief"): 2,
        ("F", "exec"): 1,
        ("M", "staff"): 1,
        ("M", "R"): 9,
        ("X", "staff"): 1,
        ("X", "chief"): 2,
        ("X", "exec"): 4,
        ("R", "staff"): 15,
        ("R", "manager"): 2,
    }
    gate = Gate(
        sizes=lambda dims: {(): 39} if not dims else _sum(sizes, dims), space=lambda d: SEX if d == "sex" else POSITION
    )
    table = gate.split(("sex", "position"))
    assert_protected(table, [(frozenset(m.keys), m.hidden) for m in table.margins], 5)
    assert len(table.keys) == len(SEX) * len(POSITION)


def test_margins_as_given_are_never_changed():
    one = release_split(("sex",), {("F",): 20, ("M",): 20})
    margins = [Margin(frozenset({("F", "a"), ("F", "b")}), False), Margin(frozenset({("M", "a"), ("M", "b")}), False)]
    two = release_split(("sex", "x"), {("F", "a"): 18, ("F", "b"): 2, ("M", "a"): 10, ("M", "b"): 10}, margins=margins)
    assert one.shown(("F",))
    assert not two.shown(("F", "b")) and not two.shown(("F", "a"))  # 2 = F − (F, a): both hidden
    assert all(not m.hidden for m in two.margins)
