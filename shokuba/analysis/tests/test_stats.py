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
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from shokuba.analysis import stats
from shokuba.analysis.gaps import compare_counts

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
    s = compare_counts(a, b, 2)
    scores = np.array([4.0, 3.0, 2.0, 1.0])
    xa, xb = np.repeat(scores, a), np.repeat(scores, b)
    # Mann–Whitney on the expanded arrays (increasing order is handled inside compare_counts).
    if len(set(np.concatenate([xa, xb]))) > 1:
        ref = sst.mannwhitneyu(xa, xb, method="asymptotic", use_continuity=True)
        assert close(s["u"], ref.statistic)
        assert close(s["p"], ref.pvalue)
    # Cliff's delta by brute force.
    brute = (np.sign(xa[:, None] - xb[None, :])).mean()
    assert close(s["delta"], brute)
    # Newcombe interval for the top-two difference.
    ta, tb = int(sum(a[:2])), int(sum(b[:2]))
    low, high = confint_proportions_2indep(ta, sum(a), tb, sum(b), method="newcomb", compare="diff")
    assert close(s["top_low"], low) and close(s["top_high"], high)
    # Welch interval and p for the mean difference.
    if xa.std() > 0 and xb.std() > 0:
        cm = CompareMeans(DescrStatsW(xa), DescrStatsW(xb))
        rl, rh = cm.tconfint_diff(usevar="unequal")
        assert close(s["mean_low"], rl) and close(s["mean_high"], rh)
        assert close(s["mean_p"], cm.ttest_ind(usevar="unequal")[1])


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


@given(st.lists(st.lists(st.integers(0, 30), min_size=2, max_size=2), min_size=2, max_size=2))
def test_fisher_matches_scipy(table):
    odds, p = stats.fisher_exact_2x2(table)
    ref = sst.fisher_exact(table)
    assert close(p, ref.pvalue)
    if not math.isnan(odds) and not math.isnan(ref.statistic):
        assert odds == ref.statistic or close(odds, ref.statistic)
