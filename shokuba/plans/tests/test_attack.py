"""A KPI is one more way to ask for a figure: it must not reveal what the gate hides. Asked for everyone, women and
men of the same closed wave, the three KPIs must never let a small group (those who gave another sex or none) be
recovered by subtraction, and each shown value must be the results pages' own figure."""

from __future__ import annotations

import pytest

from shokuba.core.permissions import SYSTEM
from shokuba.network.models import Organisation, User
from shokuba.plans import services
from shokuba.plans.models import Plan
from shokuba.plans.readings import kpi_reading
from shokuba.plans.tests.conftest import fill, follow_up_wave
from shokuba.results import analyses, selectors
from shokuba.results.permissions import results_scope
from shokuba.surveys.models import Wave


@pytest.mark.django_db
@pytest.mark.parametrize(("women", "men", "other"), [(12, 9, 2), (7, 20, 1), (4, 10, 0), (9, 9, 3), (6, 6, 0)])
def test_three_kpis_of_one_wave_never_reveal_a_small_group(
    wave: Wave,
    coordinator: User,
    plan: Plan,
    organisation: Organisation,
    second_organisation: Organisation,
    women: int,
    men: int,
    other: int,
) -> None:
    fill(wave, seed=women * 100 + men * 10 + other, women=women, men=men, other=other, second=0)
    later = follow_up_wave(coordinator, wave.version, [organisation, second_organisation])
    fill(later, seed=7, women=20, men=20, second=0)
    kpis = {
        group: services.kpi_save(
            actor=coordinator,
            plan=plan,
            name=f"WS-Z01 {group or 'all'}",
            source="survey_top",
            item_code="WS-Z01",
            group=group,
            baseline_year=2026,
            target_value=90,
            target_year=2028,
        )
        for group in ("", "F", "M")
    }
    first = {group: kpi_reading(kpi, until=2027).points[0] for group, kpi in kpis.items()}
    gate = selectors.gate(results_scope(SYSTEM, wave))
    decisions = {"": gate.scope(), "F": gate.group({"sex": ("F",)}), "M": gate.group({"sex": ("M",)})}
    for group, point in first.items():
        assert point.hidden is (not decisions[group].shown)
        if point.hidden:
            assert point.value is None and point.n is None and point.low is None
    shown_n = {g: p.n for g, p in first.items() if not p.hidden}
    if {"", "F", "M"} <= set(shown_n) and other:
        # everyone − women − men would be the few others' answers
        pytest.fail(f"all three shown with {other} other respondents: {shown_n}")
    if not first[""].hidden:  # the everyone figure is the results pages' own
        distributions = analyses.item_distributions(results_scope(SYSTEM, wave)).data["distributions"]
        page = next(d for d in distributions if d["item_code"] == "WS-Z01")
        assert first[""].value == pytest.approx(page["scale"]["top_percent"])
