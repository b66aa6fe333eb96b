"""The indicator maths, checked against values computed by hand."""

from __future__ import annotations

import pytest

from shokuba.regional.indicators import (
    REGIONAL_PREFECTURES,
    SexFigures,
    age_group_index,
    gap,
    indicator_values,
    net_from_in_out,
    pool,
    rank,
    rate_per_thousand,
    tokyo_area_net_outflow,
    youth_recovery_rate,
)


def ages(**groups: int | None) -> tuple[int | None, ...]:
    """19 age groups, zero except those named by lower bound: ages(a15=-40, a20=10)."""
    values: list[int | None] = [0] * 19
    for name, value in groups.items():
        values[int(name[1:]) // 5] = value
    return tuple(values)


def test_recovery_rate_is_twenties_in_over_teens_out() -> None:
    # teens: 10-14 -2, 15-19 -48 -> 50 left; twenties: 20-24 +6, 25-29 -1 -> 5 came back: 10 %
    assert youth_recovery_rate(ages(a10=-2, a15=-48, a20=6, a25=-1)) == pytest.approx(10.0)
    # men coming back in numbers: (12 + 18) / 40 = 75 %
    assert youth_recovery_rate(ages(a15=-40, a20=12, a25=18)) == pytest.approx(75.0)
    # twenties still leaving: negative recovery
    assert youth_recovery_rate(ages(a15=-20, a20=-10)) == pytest.approx(-50.0)


def test_recovery_rate_is_undefined_when_teenagers_do_not_leave() -> None:
    assert youth_recovery_rate(ages(a15=5, a20=-30)) is None
    assert youth_recovery_rate(ages(a15=0, a20=3)) is None
    assert youth_recovery_rate(ages(a15=None, a20=3)) is None  # undisclosed ("***")


def test_rate_per_thousand_and_gap() -> None:
    assert rate_per_thousand(-48, 4000) == pytest.approx(-12.0)
    assert rate_per_thousand(5, 0) is None
    assert rate_per_thousand(None, 100) is None
    assert gap(10.0, 75.0) == pytest.approx(-65.0)
    assert gap(None, 3.0) is None


def test_net_from_in_and_out() -> None:
    assert net_from_in_out(ages(a20=30, a25=None), ages(a20=45, a25=3)) == ages(a20=-15, a25=None)


def test_pooling_sums_counts_and_populations() -> None:
    year1 = SexFigures(net_total=-50, net=ages(a15=-40, a20=-10), population_total=10000, population=ages(a15=500))
    year2 = SexFigures(net_total=-30, net=ages(a15=-20, a20=20), population_total=9800, population=ages(a15=480))
    pooled = pool([year1, year2])
    assert pooled.net_total == -80
    assert pooled.net[3] == -60 and pooled.net[4] == 10
    assert pooled.population_total == 19800
    assert pooled.years == 2
    # pooled recovery: (-10 + 20) / (40 + 20) = 16.7 %, not the mean of -25 % and 100 %
    assert youth_recovery_rate(pooled.net) == pytest.approx(100 * 10 / 60)
    # pooled rate per 1,000: -60 / 980 x 1000
    values = indicator_values({"F": pooled})
    assert values["net_rate_15_19"]["F"] == pytest.approx(-60 / 980 * 1000)
    assert values["net_15_29"]["F"] == pytest.approx((-60 + 10) / 2)  # per year


def test_indicator_values_by_sex_with_gap() -> None:
    women = SexFigures(
        net_total=-40, net=ages(a15=-48, a20=3, a25=-4), population_total=8000, population=ages(a20=400, a25=500)
    )
    men = SexFigures(
        net_total=-10, net=ages(a15=-42, a20=10, a25=9), population_total=8200, population=ages(a20=420, a25=520)
    )
    values = indicator_values({"F": women, "M": men})
    assert values["recovery_rate"]["F"] == pytest.approx(100 * -1 / 48)
    assert values["recovery_rate"]["M"] == pytest.approx(100 * 19 / 42)
    assert values["recovery_rate"]["gap"] == pytest.approx(100 * -1 / 48 - 100 * 19 / 42)
    assert values["recovery_rate"]["T"] is None  # no total row given
    assert values["net_rate_25_29"]["F"] == pytest.approx(-8.0)
    assert values["net_rate_total"]["M"] == pytest.approx(-10 / 8200 * 1000)
    assert values["tokyo_outflow"]["F"] is None


def test_tokyo_area_net_outflow() -> None:
    flows = {
        ("03", "13"): 900,
        ("13", "03"): 400,
        ("03", "11"): 100,
        ("11", "03"): 50,
        ("03", "12"): 10,
        ("03", "14"): 0,
    }
    # out 900 + 100 + 10 + 0 = 1,010; in from Tokyo area 400 + 50 = 450
    assert tokyo_area_net_outflow(flows, "03") == 560
    assert tokyo_area_net_outflow(flows, "13") is None
    assert tokyo_area_net_outflow({("03", "13"): None}, "03") is None


def test_rank_is_competition_ranking_and_skips_missing() -> None:
    ranks = rank({"a": 10.0, "b": 30.0, "c": 10.0, "d": None, "e": -5.0}, higher_is_better=True)
    assert ranks == {"b": 1, "a": 2, "c": 2, "e": 4, "d": None}
    assert rank({"a": 1.0, "b": 2.0}, higher_is_better=False) == {"a": 1, "b": 2}


def test_age_groups_and_regions() -> None:
    assert age_group_index(17) == 3
    assert age_group_index(95) == 18 and age_group_index(100) == 18
    assert len(REGIONAL_PREFECTURES) == 36 and "13" not in REGIONAL_PREFECTURES and "28" not in REGIONAL_PREFECTURES
