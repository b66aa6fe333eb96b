"""Reads for the plan pages: the member's plan and its readings (narrowed by `visible_*`), and the KPI attainment
across all members for the network's staff (from the stored last readings: one query)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from shokuba.core.dates import fiscal_year
from shokuba.core.permissions import has_perm
from shokuba.network.models import Member
from shokuba.plans.models import Initiative, Kpi, KpiSnapshot, Plan, PlanReview
from shokuba.plans.permissions import visible_plan_members, visible_plans
from shokuba.plans.readings import Reading, plan_readings


def member_for(user: Any, code: str) -> Member:
    return get_object_or_404(visible_plan_members(user), pk=code)


def plan_of(member: Member) -> Plan | None:
    return Plan.objects.filter(member=member).first()


def kpi_for(user: Any, pk: int) -> Kpi:
    kpi = get_object_or_404(Kpi.objects.select_related("plan__member"), pk=pk, plan__in=visible_plans(user))
    if kpi.internal and not has_perm(user, "plans.view_internal", kpi.plan.member):
        raise Http404
    return kpi


def initiative_for(user: Any, pk: int) -> Initiative:
    return get_object_or_404(Initiative.objects.select_related("plan__member"), pk=pk, plan__in=visible_plans(user))


def shown_kpis(user: Any, plan: Plan) -> QuerySet[Kpi]:
    kpis = plan.kpis.order_by("position", "pk")
    return kpis if has_perm(user, "plans.view_internal", plan.member) else kpis.filter(internal=False)


def shown_initiatives(user: Any, plan: Plan) -> QuerySet[Initiative]:
    items = plan.initiatives.select_related("step").order_by("step__position", "starts_on", "pk")
    return items if has_perm(user, "plans.view_internal", plan.member) else items.filter(internal=False)


def shown_reviews(user: Any, plan: Plan) -> QuerySet[PlanReview]:
    items = plan.reviews.order_by("-fiscal_year")
    return items if has_perm(user, "plans.view_internal", plan.member) else items.filter(internal=False)


def current_fiscal_year() -> int:
    return fiscal_year(timezone.localdate())


def readings_for(kpis: list[Kpi], member: Member, until: int | None = None) -> list[Reading]:
    return plan_readings(kpis, member, until=until or current_fiscal_year())


@dataclass
class MemberAttainment:
    member: Member
    plan: Plan | None
    counts: dict[str, int] = field(default_factory=dict)
    kpis: int = 0
    median_attainment: float | None = None
    read_at: Any = None


def network_attainment() -> list[MemberAttainment]:
    """Every member with its plan's KPI statuses (as last read) and the median attainment: three queries."""
    plans = {p.member_id: p for p in Plan.objects.all()}
    snapshots: dict[str, list[KpiSnapshot]] = defaultdict(list)
    for snap in KpiSnapshot.objects.only("member_id", "status", "attainment", "read_at"):
        snapshots[str(snap.member_id)].append(snap)
    rows = []
    for member in Member.objects.select_related("local_government").order_by("pk"):
        snaps = snapshots.get(member.pk, [])
        counts = {s: sum(1 for x in snaps if x.status == s) for s in ("on_track", "behind", "unknown")}
        attainments = sorted(x.attainment for x in snaps if x.attainment is not None)
        median = None
        if attainments:
            mid = len(attainments) // 2
            median = attainments[mid] if len(attainments) % 2 else (attainments[mid - 1] + attainments[mid]) / 2
        rows.append(
            MemberAttainment(
                member,
                plans.get(member.pk),
                counts,
                len(snaps),
                median,
                max((x.read_at for x in snaps), default=None),
            )
        )
    return rows
