"""The statistics themselves, written out (so the tests against SciPy/statsmodels compare two implementations).

SciPy is used for distribution functions only (normal, t, chi-square, hypergeometric tail probabilities).
Every function works on counts over ordered categories, so the cost grows with cells, not respondents.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats as _st  # type: ignore[import-untyped]

Z95 = float(_st.norm.ppf(0.975))


def wilson_interval(successes: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a proportion (statsmodels proportion_confint(method="wilson"))."""
    if n <= 0:
        return (math.nan, math.nan)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if successes <= 0 else max(0.0, centre - half)
    high = 1.0 if successes >= n else min(1.0, centre + half)
    return (low, high)


def mean_sd(scores: Sequence[float], counts: Sequence[float]) -> tuple[float, float, float]:
    """n, mean and sample standard deviation (ddof=1) of a distribution given as counts per score."""
    n = float(sum(counts))
    if n <= 0:
        return (0.0, math.nan, math.nan)
    mean = sum(s * c for s, c in zip(scores, counts, strict=True)) / n
    if n < 2:
        return (n, mean, math.nan)
    ss = sum(c * (s - mean) ** 2 for s, c in zip(scores, counts, strict=True))
    return (n, mean, math.sqrt(ss / (n - 1)))


def mean_interval(n: float, mean: float, sd: float) -> tuple[float, float]:
    """t interval for a mean (statsmodels DescrStatsW.tconfint_mean)."""
    if n < 2 or math.isnan(sd):
        return (math.nan, math.nan)
    half = float(_st.t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return (mean - half, mean + half)


def newcombe_difference(x1: float, n1: float, x2: float, n2: float) -> tuple[float, float, float]:
    """p1 − p2 with Newcombe's hybrid score interval (statsmodels confint_proportions_2indep, "newcomb")."""
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson_interval(x1, n1)
    l2, u2 = wilson_interval(x2, n2)
    diff = p1 - p2
    lower = diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return (diff, lower, upper)


def welch_difference(
    n1: float, mean1: float, sd1: float, n2: float, mean2: float, sd2: float
) -> tuple[float, float, float, float]:
    """Difference of means with Welch's t interval and two-sided p (statsmodels CompareMeans usevar="unequal")."""
    diff = mean1 - mean2
    if n1 < 2 or n2 < 2:
        return (diff, math.nan, math.nan, math.nan)
    v1, v2 = sd1 * sd1 / n1, sd2 * sd2 / n2
    se = math.sqrt(v1 + v2)
    if se == 0:
        return (diff, diff, diff, 1.0 if diff == 0 else 0.0)
    df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))
    half = float(_st.t.ppf(0.975, df)) * se
    p = float(2 * _st.t.sf(abs(diff) / se, df))
    return (diff, diff - half, diff + half, p)


def two_proportion_p(x1: float, n1: float, x2: float, n2: float) -> float:
    """Two-sided p of the pooled z test for p1 = p2 (statsmodels test_proportions_2indep, "score"-free pooled)."""
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 1.0
    z = (x1 / n1 - x2 / n2) / se
    return float(2 * _st.norm.sf(abs(z)))


def mann_whitney(counts1: Sequence[float], counts2: Sequence[float], continuity: bool = True) -> tuple[float, float]:
    """U of sample 1 and the two-sided asymptotic p with tie correction, from counts over ordered categories.

    Equals scipy.stats.mannwhitneyu(x, y, method="asymptotic", use_continuity=continuity) on the expanded arrays.
    """
    a = np.asarray(counts1, dtype=float)
    b = np.asarray(counts2, dtype=float)
    n1, n2 = a.sum(), b.sum()
    if n1 == 0 or n2 == 0:
        return (math.nan, math.nan)
    t = a + b
    below = np.concatenate(([0.0], np.cumsum(t)[:-1]))
    mid_rank = below + (t + 1) / 2  # average rank of each tie block
    r1 = float((a * mid_rank).sum())
    u1 = r1 - n1 * (n1 + 1) / 2
    n = n1 + n2
    tie = float((t**3 - t).sum())
    variance = n1 * n2 / 12 * ((n + 1) - tie / (n * (n - 1))) if n > 1 else 0.0
    if variance <= 0:
        return (u1, 1.0)
    u = max(u1, n1 * n2 - u1)
    z = (u - n1 * n2 / 2 - (0.5 if continuity else 0.0)) / math.sqrt(variance)
    p = float(2 * _st.norm.sf(z))
    return (u1, min(p, 1.0))


def cliffs_delta(counts1: Sequence[float], counts2: Sequence[float]) -> float:
    """P(X > Y) − P(X < Y) for X from group 1, Y from group 2, categories in increasing order."""
    a = np.asarray(counts1, dtype=float)
    b = np.asarray(counts2, dtype=float)
    n1, n2 = a.sum(), b.sum()
    if n1 == 0 or n2 == 0:
        return math.nan
    b_below = np.concatenate(([0.0], np.cumsum(b)[:-1]))
    b_above = n2 - b_below - b
    return float((a * (b_below - b_above)).sum() / (n1 * n2))


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """BH adjusted p-values (statsmodels multipletests(method="fdr_bh")[1]); NaN stays NaN and is not counted."""
    indexed = [(p, i) for i, p in enumerate(p_values) if not math.isnan(p)]
    adjusted = [math.nan] * len(p_values)
    m = len(indexed)
    if m == 0:
        return adjusted
    indexed.sort()
    running = 1.0
    for rank in range(m, 0, -1):
        p, i = indexed[rank - 1]
        running = min(running, p * m / rank)
        adjusted[i] = min(running, 1.0)
    return adjusted


def chi_square(table: Sequence[Sequence[float]]) -> tuple[float, int, float, list[list[float]]]:
    """Pearson chi-square without continuity correction: statistic, df, p, expected counts.

    Rows or columns that are all zero are left out (they carry no information and have zero expectation).
    """
    observed = np.asarray(table, dtype=float)
    observed = observed[observed.sum(axis=1) > 0][:, observed.sum(axis=0) > 0]
    if observed.ndim != 2 or min(observed.shape) < 2:
        return (math.nan, 0, math.nan, [])
    total = observed.sum()
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / total
    statistic = float(((observed - expected) ** 2 / expected).sum())
    df = (observed.shape[0] - 1) * (observed.shape[1] - 1)
    return (statistic, df, float(_st.chi2.sf(statistic, df)), expected.tolist())


def cramers_v(statistic: float, n: float, rows: int, columns: int) -> float:
    k = min(rows, columns) - 1
    if n <= 0 or k <= 0 or math.isnan(statistic):
        return math.nan
    return math.sqrt(statistic / (n * k))


def adjusted_residuals(table: Sequence[Sequence[float]]) -> list[list[float]]:
    """(O − E) / sqrt(E (1 − row share)(1 − column share)) per cell (statsmodels Table.standardized_resids).

    NaN where undefined (an empty row or column, or a row/column holding everyone)."""
    observed = np.asarray(table, dtype=float)
    total = observed.sum()
    result = np.full(observed.shape, math.nan)
    if total <= 0:
        return result.tolist()
    rows = observed.sum(axis=1) / total
    columns = observed.sum(axis=0) / total
    expected = np.outer(rows, columns) * total
    variance = expected * np.outer(1 - rows, 1 - columns)
    ok = variance > 0
    result[ok] = (observed[ok] - expected[ok]) / np.sqrt(variance[ok])
    return result.tolist()


def fisher_exact_2x2(table: Sequence[Sequence[int]]) -> tuple[float, float]:
    """Odds ratio and two-sided p of Fisher's exact test (scipy.stats.fisher_exact)."""
    (a, b), (c, d) = table
    a, b, c, d = int(a), int(b), int(c), int(d)
    odds = (a * d) / (b * c) if b * c else (math.inf if a * d else math.nan)
    n1, n2, k = a + b, c + d, a + c
    total = n1 + n2
    if n1 == 0 or n2 == 0 or k == 0 or k == total:
        return (odds, 1.0)
    low, high = max(0, k - n2), min(k, n1)
    support = np.arange(low, high + 1)
    pmf = _st.hypergeom.pmf(support, total, n1, k)
    observed = pmf[a - low]
    p = float(pmf[pmf <= observed * (1 + 1e-7)].sum())
    return (odds, min(p, 1.0))


def cohens_h(p1: float, p2: float) -> float:
    """Cohen's h = 2 asin √p1 − 2 asin √p2: the size of a difference between two proportions on a scale where the
    same number of points counts alike near 50 % and near the ends."""
    if not (0 <= p1 <= 1 and 0 <= p2 <= 1):
        return math.nan
    return 2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p2))


def groups_test(table: Sequence[Sequence[int]]) -> tuple[str, float, int, float, float]:
    """Whether groups (rows) answer differently (columns): Fisher's exact test for a 2 × 2 table with an expected
    count below 5, Pearson's chi-square otherwise. Returns (method, statistic, df, p, smallest expected count);
    method "" and NaN when rows or columns with answers are fewer than two (nothing to test).

    The one test for a difference between groups: the gap analysis (two groups, 「そう思う傾向」 vs the rest) and
    the cross-tabulation (the same two columns for a scale, every choice for a single choice) call it, so the same
    groups on the same item give the same p on every page."""
    statistic, df, p, expected = chi_square(table)
    if math.isnan(p):
        return ("", math.nan, 0, math.nan, math.nan)
    smallest = min(min(r) for r in expected)
    observed = np.asarray(table, dtype=float)
    observed = observed[observed.sum(axis=1) > 0][:, observed.sum(axis=0) > 0]
    if observed.shape == (2, 2) and smallest < 5:
        _odds, p = fisher_exact_2x2(observed.astype(int).tolist())
        return ("fisher", statistic, df, p, smallest)
    return ("chi2", statistic, df, p, smallest)


def median_interval(values: Sequence[float], confidence: float = 0.95) -> tuple[float, float]:
    """Distribution-free interval for a median from order statistics (the sign test inverted; SciPy's
    `quantile_test(x, q).confidence_interval()`): the widest k with P(Binom(n, ½) ≤ k − 1) ≤ α/2 gives
    [x₍ₖ₎, x₍ₙ₋ₖ₊₁₎]. With too few values for any such k (n ≤ 5 at 95 %) the interval is unbounded (−inf, inf)."""
    ordered = sorted(float(v) for v in values)
    n = len(ordered)
    alpha = 1 - confidence
    k = 0
    for j in range(1, n + 1):
        if float(_st.binom.cdf(j - 1, n, 0.5)) <= alpha / 2:
            k = j
        else:
            break
    if k == 0:
        return (-math.inf, math.inf)
    return (ordered[k - 1], ordered[n - k])
