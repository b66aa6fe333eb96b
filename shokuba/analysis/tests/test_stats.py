"""Every statistic against SciPy / statsmodels on the same data (expanded arrays), to 1e-9 relative."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sst
from scipy.stats.contingency import association
from statsmodels.stats.contingency_tables import Table
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportion_effectsize,
    proportions_ztest,
)
from statsmodels.stats.weightstats import DescrStatsW

from shokuba.analysis import gaps, stats
from shokuba.analysis.suppression import Decision

SHOWN = Decision(True, "", 100, 5)

REL = 1e-9
counts4 = st.lists(st.integers(0, 60), min_size=4, max_size=4).filter(
    lambda c: sum(c) >= 3 and sum(x > 0 for x in c) >= 2
)


def close(a, b):
    return a == pytest.approx(b, rel=REL, abs=1e-12)


@given(st.integers(0, 500), st.integers(1, 500))
def test_wilson_matches_statsmodels(x, n):
    x = min(x, n)
    low, high = stats.wilson_interval(x, n)
    ref = proportion_confint(x, n, method="wilson")
    assert close(low, ref[0]) and close(high, ref[1])
    assert low <= x / n <= high


@given(counts4)
def test_mean_interval_matches_statsmodels(counts):
    scores = [4.0, 3.0, 2.0, 1.0]
    n, mean, sd = stats.mean_sd(scores, counts)
    data = np.repeat(scores, counts)
    ref = DescrStatsW(data)
    assert close(mean, ref.mean) and close(sd, ref.std * math.sqrt(n / (n - 1)))
    low, high = stats.mean_interval(n, mean, sd)
    if sd > 0:
        rl, rh = ref.tconfint_mean()
        assert close(low, rl) and close(high, rh)
        assert low <= mean <= high


@settings(max_examples=150)
@given(counts4, counts4)
def test_two_group_statistics_match_references(a, b):
    """The gap analysis's figures: Newcombe's interval, the groups test and Cohen's h on the top-two share."""
    report = gaps.gap_analysis([gaps.ScaleItemPair("Q", "q", tuple(a), tuple(b))], "A", "B", SHOWN, SHOWN)
    c = report.items[0]
    ta, tb = int(sum(a[:2])), int(sum(b[:2]))
    low, high = confint_proportions_2indep(ta, sum(a), tb, sum(b), method="newcomb", compare="diff")
    assert close(c.top_diff_ci_low, 100 * low) and close(c.top_diff_ci_high, 100 * high)
    assert close(c.effect_h, proportion_effectsize(ta / sum(a), tb / sum(b)))
    table = np.array([[ta, sum(a) - ta], [tb, sum(b) - tb]])
    if (table.sum(axis=0) > 0).all():
        expected = sst.contingency.expected_freq(table)
        if expected.min() < 5:
            assert c.method == "fisher" and close(c.p_value, sst.fisher_exact(table).pvalue)
        else:
            ref = sst.chi2_contingency(table, correction=False)
            assert c.method == "chi2" and close(c.p_value, ref.pvalue)
            # For two groups the chi-square test is the pooled two-proportion z test.
            assert close(c.p_value, proportions_ztest([ta, tb], [sum(a), sum(b)])[1])
    else:
        assert c.method == "" and c.p_value is None and c.reason
    scores = np.array([4.0, 3.0, 2.0, 1.0])
    assert close(c.mean_a, np.repeat(scores, a).mean())


@given(st.integers(0, 200), st.integers(1, 200), st.integers(0, 200), st.integers(1, 200))
def test_two_proportion_p_matches_statsmodels(x1, n1, x2, n2):
    x1, x2 = min(x1, n1), min(x2, n2)
    p = stats.two_proportion_p(x1, n1, x2, n2)
    if 0 < x1 + x2 < n1 + n2:
        assert close(p, proportions_ztest([x1, x2], [n1, n2])[1])
    else:
        assert p == 1.0


@given(st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=60))
def test_bh_matches_statsmodels_and_is_monotonic(ps):
    adjusted = stats.benjamini_hochberg(ps)
    ref = multipletests(ps, method="fdr_bh")[1]
    for a, r in zip(adjusted, ref, strict=True):
        assert close(a, r)
    order = np.argsort(ps, kind="stable")
    sorted_adjusted = [adjusted[i] for i in order]
    assert all(x <= y + 1e-15 for x, y in itertools.pairwise(sorted_adjusted))
    assert all(a >= p - 1e-15 for a, p in zip(adjusted, ps, strict=True))


tables = st.integers(2, 5).flatmap(
    lambda r: st.integers(2, 5).flatmap(
        lambda c: st.lists(st.lists(st.integers(1, 80), min_size=c, max_size=c), min_size=r, max_size=r)
    )
)


@given(tables)
def test_chi_square_cramers_v_residuals_match(table):
    statistic, df, p, expected = stats.chi_square(table)
    ref = sst.chi2_contingency(table, correction=False)
    assert close(statistic, ref.statistic) and close(p, ref.pvalue) and df == ref.dof
    assert np.allclose(expected, ref.expected_freq, rtol=REL)
    n = sum(map(sum, table))
    assert close(
        stats.cramers_v(statistic, n, len(table), len(table[0])), association(np.array(table), method="cramer")
    )
    residuals = np.array(stats.adjusted_residuals(table))
    assert np.allclose(residuals, Table(np.array(table, dtype=float)).standardized_resids, rtol=REL, atol=1e-12)


@given(tables)
def test_groups_test_is_chi_square_or_fisher_as_scipy(table):
    method, _statistic, df, p, smallest = stats.groups_test(table)
    expected = sst.contingency.expected_freq(np.array(table))
    if len(table) == 2 and len(table[0]) == 2 and expected.min() < 5:
        assert method == "fisher" and close(p, sst.fisher_exact(table).pvalue)
    else:
        ref = sst.chi2_contingency(table, correction=False)
        assert method == "chi2" and close(p, ref.pvalue) and df == ref.dof
    assert close(smallest, expected.min())


@given(st.lists(st.lists(st.integers(0, 30), min_size=2, max_size=2), min_size=2, max_size=2))
def test_fisher_matches_scipy(table):
    odds, p = stats.fisher_exact_2x2(table)
    ref = sst.fisher_exact(table)
    assert close(p, ref.pvalue)
    if not math.isnan(odds) and not math.isnan(ref.statistic):
        assert odds == ref.statistic or close(odds, ref.statistic)
