"""The regional picture's arithmetic (no database): grouped quantiles equal numpy's/pandas' linear interpolation,
suppression under the threshold, target shares at the boundary and year-on-year change of the same organisations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from shokuba.analysis.suppression import ThresholdError
from shokuba.workplace.picture import ALL, Rows, summarise

CODES = ("women_manager_ratio", "male_childcare_leave_rate_leave")


def _rows(data: list[tuple[int, int, str, str, float | None, float | None]]) -> Rows:
    return Rows.from_tuples(data, CODES)


def test_quantiles_match_pandas_per_group() -> None:
    rng = np.random.default_rng(3)
    data = []
    for org in range(300):
        industry, band = "DEP"[org % 3], ("30-100", "101-300")[org % 2]
        for year in (2024, 2025):
            a = None if rng.random() < 0.2 else float(rng.uniform(0, 60))
            b = None if rng.random() < 0.2 else float(rng.uniform(0, 100))
            data.append((org, year, industry, band, a, b))
    result = summarise(_rows(data))
    frame = pd.DataFrame(data, columns=["org", "year", "industry", "size", *CODES]).astype({c: float for c in CODES})
    expected = frame.groupby(["year", "industry"])[list(CODES)].quantile([0.25, 0.5, 0.75])
    for industry in "DEP":
        group = result.group("industry", industry)
        assert group is not None
        for year in (2024, 2025):
            for code in CODES:
                cell = group.years[year][code]
                assert cell.q1 == pytest.approx(expected.loc[(year, industry, 0.25), code])
                assert cell.median == pytest.approx(expected.loc[(year, industry, 0.5), code])
                assert cell.q3 == pytest.approx(expected.loc[(year, industry, 0.75), code])
                assert cell.n == frame[(frame.year == year) & (frame.industry == industry)][code].notna().sum()


def test_suppressed_below_threshold_and_shown_at_it() -> None:
    four = [(i, 2025, "E", "30-100", 10.0 * i, 30.0) for i in range(4)]
    cell = summarise(_rows(four)).group(ALL).years[2025]["women_manager_ratio"]
    assert cell.hidden and cell.n == 4 and cell.median is None and cell.share_meeting is None
    five = [*four, (4, 2025, "E", "30-100", 40.0, 29.9)]
    result = summarise(_rows(five))
    cell = result.group(ALL).years[2025]["women_manager_ratio"]
    assert not cell.hidden and cell.median == 20.0
    # Target くるみん ≥ 30 %: exactly 30 meets, 29.9 does not (4 of 5).
    assert result.group(ALL).years[2025]["male_childcare_leave_rate_leave"].share_meeting == pytest.approx(80.0)
    # Each industry group stands on its own count.
    assert result.group("industry", "E").years[2025]["women_manager_ratio"].median == 20.0
    with pytest.raises(ThresholdError):
        summarise(_rows(five), threshold=2)


def test_year_on_year_change_pairs_the_same_organisations() -> None:
    data = [(i, 2024, "E", "30-100", 10.0, None) for i in range(6)]
    data += [(i, 2025, "E", "30-100", 12.0 + i, None) for i in range(5)]  # org 5 has no 2025 row
    data += [(9, 2025, "E", "30-100", 90.0, None)]  # new in 2025: no change
    cell = summarise(_rows(data)).group(ALL).years[2025]["women_manager_ratio"]
    assert cell.change_n == 5
    assert cell.change_median == pytest.approx(4.0)  # 2, 3, 4, 5, 6
    gap = [(i, 2023, "E", "30-100", 10.0, None) for i in range(5)] + [
        (i, 2025, "E", "30-100", 20.0, None) for i in range(5)
    ]
    assert summarise(_rows(gap)).group(ALL).years[2025]["women_manager_ratio"].change_n == 0  # not consecutive


def test_empty() -> None:
    result = summarise(_rows([]))
    assert result.years == []
    assert result.group(ALL) is not None
