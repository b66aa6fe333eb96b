"""Plan services: validation naming the field, freezing on approval, what changed between versions, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shokuba.core.models import AuditEntry
from shokuba.guidebook.models import Step
from shokuba.network.models import User
from shokuba.plans import services
from shokuba.plans.models import Kpi, Plan, PlanState


@pytest.mark.django_db
def test_every_problem_of_a_kpi_at_once_and_nothing_saved(coordinator: User, plan: Plan) -> None:
    before = (Kpi.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as refused:
        services.kpi_save(
            actor=coordinator,
            plan=plan,
            name="",
            source="survey_top",
            item_code="",
            baseline_year=2027,
            target_value=10,
            target_year=2026,
        )
    errors = refused.value.message_dict
    assert set(errors) == {"name", "item_code", "target_year"}
    assert "調査項目コード" in errors["item_code"][0]
    assert (Kpi.objects.count(), AuditEntry.objects.count()) == before


@pytest.mark.django_db
def test_approval_freezes_the_plan_and_revision_records_what_changed(
    coordinator: User, plan: Plan, top_kpi: Kpi
) -> None:
    first = services.plan_approve(actor=coordinator, plan=plan, approved_on=dt.date(2026, 5, 1), body="推進会議")
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVED and first.number == 1
    assert first.snapshot["kpis"][0]["item_code"] == "WS-Z01"
    with pytest.raises(ValidationError) as frozen:
        services.kpi_save(
            actor=coordinator,
            plan=plan,
            kpi=top_kpi,
            name="x",
            source="survey_top",
            item_code="WS-Z01",
            baseline_year=2026,
            target_value=90,
            target_year=2028,
        )
    assert frozen.value.error_dict["plan"][0].code == "state"
    # Tracking goes on while approved: an initiative's status and a review.
    step = Step.objects.get(code="4-3")
    services.plan_revise(actor=coordinator, plan=plan)
    plan.refresh_from_db()
    initiative = services.initiative_save(
        actor=coordinator,
        plan=plan,
        step=step,
        title="相談会",
        owner="商工課",
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 3, 31),
    )
    services.kpi_save(
        actor=coordinator,
        plan=plan,
        kpi=top_kpi,
        name=top_kpi.name,
        source="survey_top",
        item_code="WS-Z01",
        baseline_year=2026,
        target_value=85,
        target_year=2028,
    )
    second = services.plan_approve(actor=coordinator, plan=plan, approved_on=dt.date(2026, 6, 1), body="推進会議")
    assert second.number == 2
    assert any("取組「相談会」を追加" in c for c in second.changes)
    assert any("target_value: 80.0 → 85.0" in c for c in second.changes)
    plan.refresh_from_db()
    services.initiative_save(actor=coordinator, plan=plan, initiative=initiative, status="running")
    with pytest.raises(ValidationError):
        services.initiative_save(actor=coordinator, plan=plan, initiative=initiative, owner="別の課")
    labels = set(AuditEntry.objects.values_list("target_type", flat=True))
    assert {"plans.plan", "plans.kpi", "plans.planversion", "plans.initiative"} <= labels


@pytest.mark.django_db
def test_other_members_coordinator_and_support_cannot_change(
    other_coordinator: User, support: User, plan: Plan
) -> None:
    for actor in (other_coordinator, support):
        with pytest.raises(PermissionDenied):
            services.plan_save(
                actor=actor, member=plan.member, title="x", vision="y", goals="", start_year=2026, end_year=2027
            )
