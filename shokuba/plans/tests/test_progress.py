"""The status rule (analysis.progress.judge): each branch at its boundary."""

from __future__ import annotations

import math

import pytest

from shokuba.analysis.progress import elapsed_share, judge

BASE = {"baseline": 50.0, "target": 70.0, "baseline_t": 2026.0, "latest_t": 2027.0, "target_t": 2029.0}
# One third of the time has passed: the pace asks for 20 × 1/3 = 6.67 points by now.


def test_elapsed_share_is_clipped() -> None:
    assert elapsed_share(2026, 2027, 2029) == pytest.approx(1 / 3)
    assert elapsed_share(2026, 2031, 2029) == 1.0
    assert elapsed_share(2026, 2025, 2029) == 0.0


def test_on_track_needs_an_interval_clear_of_zero_and_the_pace() -> None:
    result = judge(latest=58.0, change_low=2.0, change_high=14.0, **BASE)
    assert result.status == "on_track"
    assert result.pace == pytest.approx(20 / 3)
    assert result.attainment == pytest.approx(40.0)


def test_a_change_inside_the_interval_is_never_progress() -> None:
    # Eight points up, beyond the pace, but the interval includes no change.
    result = judge(latest=58.0, change_low=-0.5, change_high=16.5, **BASE)
    assert result.status == "unknown"
    assert "誤差の範囲内" in result.reason


def test_clear_change_short_of_the_pace_cannot_be_judged_while_the_interval_reaches_it() -> None:
    result = judge(latest=55.0, change_low=1.0, change_high=9.0, **BASE)
    assert result.status == "unknown"


def test_behind_when_even_the_favourable_end_misses_the_pace() -> None:
    assert judge(latest=53.0, change_low=1.0, change_high=6.0, **BASE).status == "behind"
    assert judge(latest=45.0, change_low=-9.0, change_high=-1.0, **BASE).status == "behind"


def test_a_falling_target_reads_the_interval_the_other_way() -> None:
    falling = {**BASE, "target": 30.0}
    assert judge(latest=40.0, change_low=-14.0, change_high=-6.0, **falling).status == "on_track"
    assert judge(latest=48.0, change_low=-5.0, change_high=1.0, **falling).status == "behind"
    assert judge(latest=44.0, change_low=-12.0, change_high=0.5, **falling).status == "unknown"


def test_exact_figures_are_judged_on_the_change_itself() -> None:
    assert judge(latest=57.0, exact=True, **BASE).status == "on_track"
    assert judge(latest=56.0, exact=True, **BASE).status == "behind"
    assert judge(latest=50.0, exact=True, **BASE).status == "behind"


def test_an_unbounded_interval_cannot_show_progress() -> None:
    result = judge(latest=60.0, change_low=None, change_high=None, **BASE)
    assert result.status == "unknown"
    assert result.change_low is None and result.change_high is None


def test_missing_values_and_no_later_value() -> None:
    assert judge(**{**BASE, "latest": None}).status == "unknown"
    same_time = judge(latest=60.0, change_low=1, change_high=2, **{**BASE, "latest_t": 2026.0})
    assert same_time.status == "unknown"
    assert not math.isnan(same_time.change or 0)
