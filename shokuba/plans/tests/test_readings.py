"""KPI readings against the survey engine, SciPy/statsmodels and the gate."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from shokuba.analysis.stats import median_interval
from shokuba.network.models import Organisation, User
from shokuba.plans import services
from shokuba.plans.models import Kpi, Plan
from shokuba.plans.readings import kpi_reading
from shokuba.plans.tests.conftest import fill, follow_up_wave
from shokuba.surveys.models import ResponseAnswer, Wave


def _top_two(wave: Wave, code: str, sex: str | None = None) -> tuple[int, int]:
    rows = ResponseAnswer.objects.filter(wave=wave, item_code=code, value__isnull=False)
    if sex:
        rows = rows.filter(sex=sex)
    return rows.filter(value__lte=2).count(), rows.count()


@pytest.mark.django_db
def test_survey_kpi_reads_closed_waves_with_wilson_and_newcombe(
    wave: Wave, coordinator: User, organisation: Organisation, second_organisation: Organisation, top_kpi: Kpi
) -> None:
    fill(wave, seed=1)
    later = follow_up_wave(coordinator, wave.version, [organisation, second_organisation])
    fill(later, seed=2, women=25, men=35)
    reading = kpi_reading(top_kpi, until=2027)
    assert [p.label for p in reading.points] == [wave.name, later.name]
    for point, w in zip(reading.points, (wave, later), strict=True):
        x, n = _top_two(w, "WS-Z01")
        low, high = proportion_confint(x, n, method="wilson")
        assert point.value == pytest.approx(100 * x / n, abs=1e-6)
        assert (point.low, point.high) == (pytest.approx(100 * low, abs=1e-6), pytest.approx(100 * high, abs=1e-6))
        assert point.n == n
    (x1, n1), (x2, n2) = _top_two(later, "WS-Z01"), _top_two(wave, "WS-Z01")
    low, high = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
    judgement = reading.judgement
    assert judgement.change_low == pytest.approx(100 * low, abs=1e-6)
    assert judgement.change_high == pytest.approx(100 * high, abs=1e-6)
    assert judgement.change == pytest.approx(100 * (x1 / n1 - x2 / n2), abs=1e-6)
    # The rule: a change whose interval includes 0 is never progress.
    if judgement.change_low < 0 < judgement.change_high:
        assert judgement.status != "on_track"


@pytest.mark.django_db
def test_open_waves_are_not_read(wave: Wave, top_kpi: Kpi) -> None:
    fill(wave, seed=1, close=False)
    reading = kpi_reading(top_kpi, until=2030)
    assert reading.points == []
    assert reading.judgement.status == "unknown"


@pytest.mark.django_db
def test_a_small_group_is_hidden_with_the_reason_and_cannot_be_judged(
    wave: Wave, coordinator: User, plan: Plan, organisation: Organisation, second_organisation: Organisation
) -> None:
    fill(wave, seed=1, women=3, men=30, second=0)  # three women: under the threshold
    later = follow_up_wave(coordinator, wave.version, [organisation, second_organisation])
    fill(later, seed=2, women=30, men=30, second=0)
    kpi = services.kpi_save(
        actor=coordinator,
        plan=plan,
        name="女性の「働きやすい」",
        source="survey_top",
        item_code="WS-Z01",
        group="F",
        baseline_year=2026,
        target_value=70,
        target_year=2028,
    )
    reading = kpi_reading(kpi, until=2027)
    first = reading.points[0]
    assert first.hidden and first.value is None and first.low is None and first.n is None
    assert "5人未満" in first.note
    assert reading.judgement.status == "unknown"
    assert reading.judgement.change is None
    # Men's KPI of the same wave is shown; the gate hides the small group only (the men's split is released).
    men = services.kpi_save(
        actor=coordinator,
        plan=plan,
        name="男性の「働きやすい」",
        source="survey_top",
        item_code="WS-Z01",
        group="M",
        baseline_year=2026,
        target_value=90,
        target_year=2028,
    )
    men_reading = kpi_reading(men, until=2027)
    from shokuba.core.permissions import SYSTEM
    from shokuba.results import selectors
    from shokuba.results.permissions import results_scope

    decision = selectors.gate(results_scope(SYSTEM, wave)).group({"sex": ("M",)})
    assert men_reading.points[0].hidden is (not decision.shown)


@pytest.mark.django_db
def test_mean_kpi_matches_the_t_interval_and_welch(
    wave: Wave, coordinator: User, plan: Plan, organisation: Organisation, second_organisation: Organisation
) -> None:
    fill(wave, seed=5)
    later = follow_up_wave(coordinator, wave.version, [organisation, second_organisation])
    fill(later, seed=6)
    kpi = services.kpi_save(
        actor=coordinator,
        plan=plan,
        name="平均点",
        source="survey_mean",
        item_code="WS-Z02",
        baseline_year=2026,
        target_value=3.5,
        target_year=2028,
    )
    reading = kpi_reading(kpi, until=2027)

    def scores(w: Wave) -> np.ndarray:
        values = ResponseAnswer.objects.filter(wave=w, item_code="WS-Z02", value__isnull=False).values_list(
            "value", flat=True
        )
        return np.array([5 - v for v in values], dtype=float)  # first point = 4 … last = 1

    before, after = scores(wave), scores(later)
    low, high = scipy_stats.t.interval(0.95, len(after) - 1, loc=after.mean(), scale=scipy_stats.sem(after))
    assert reading.latest is not None
    assert reading.latest.value == pytest.approx(after.mean(), abs=1e-6)
    assert (reading.latest.low, reading.latest.high) == (pytest.approx(low, abs=1e-6), pytest.approx(high, abs=1e-6))
    result = scipy_stats.ttest_ind(after, before, equal_var=False)
    ci = result.confidence_interval(0.95)
    assert reading.judgement.change_low == pytest.approx(ci.low, abs=1e-6)
    assert reading.judgement.change_high == pytest.approx(ci.high, abs=1e-6)


@pytest.mark.parametrize("n", [1, 5, 6, 7, 12, 31])
def test_median_interval_is_scipys_quantile_test_interval(n: int) -> None:
    rng = np.random.default_rng(n)
    values = rng.normal(size=n).tolist()
    low, high = median_interval(values)
    if n <= 5:
        assert (low, high) == (-math.inf, math.inf)
        return
    reference = scipy_stats.quantile_test(values, q=float(np.median(values))).confidence_interval(0.95)
    assert (low, high) == (pytest.approx(reference.low), pytest.approx(reference.high))


@pytest.mark.django_db
def test_manual_kpi_needs_evidence_and_reads_it(
    coordinator: User, plan: Plan, django_capture_on_commit_callbacks: Any
) -> None:
    import io

    from django.core.exceptions import ValidationError

    kpi = services.kpi_save(
        actor=coordinator,
        plan=plan,
        name="男性育休の取得者数",
        source="manual",
        unit="人",
        baseline_year=2026,
        baseline_value=10,
        target_value=30,
        target_year=2028,
    )
    pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    with pytest.raises(ValidationError) as refused:
        services.kpi_manual_value_add(
            actor=coordinator, kpi=kpi, fiscal_year=2027, value=18, note="", stream=io.BytesIO(b""), name="", size=0
        )
    assert "file" in refused.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        services.kpi_manual_value_add(
            actor=coordinator,
            kpi=kpi,
            fiscal_year=2027,
            value=22,
            note="人事課調べ",
            stream=io.BytesIO(pdf),
            name="育休.pdf",
            size=len(pdf),
        )
    reading = kpi_reading(kpi, until=2027)
    assert reading.latest is not None and reading.latest.value == 22
    assert reading.latest.provenance["evidence"] == "育休.pdf"
    # Baseline at the start of FY2026, the value at the end of FY2027, the target at the end of FY2028: two thirds of
    # the time has passed, so the pace asks for 2/3 × 20 = 13.3 more; 12 more is behind (an exact figure).
    assert reading.judgement.status == "behind"
    assert reading.judgement.pace == pytest.approx(20 * 2 / 3)
    kpi.manual_values.update(value=25)
    assert kpi_reading(kpi, until=2027).judgement.status == "on_track"
