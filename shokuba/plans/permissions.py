"""Who may read and change a member's action plan, its KPIs and its effect-verification reports. Rules registered
with core.permissions from PlansConfig.ready().

A plan is the programme's: its coordinator and the secretariat change it; the network's staff read it; a
prefecture's coordinator reads the plans of the network's municipalities inside the prefecture without what their
coordinators marked internal (the same aggregates-only oversight as progress and results). Organisation admins have
no access. The KPI attainment across all members is the network's staff's.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from shokuba.core.permissions import register
from shokuba.network.models import Member, MemberKind, Role
from shokuba.network.permissions import (
    coordinates,
    coordinates_a_prefecture,
    has_role,
    is_secretariat,
    prefecture_oversees,
    reads_everything,
)
from shokuba.plans.models import Plan, ReportJob

APP = "plans"


def register_permissions() -> None:
    register(
        "plans.view",
        lambda user, member: reads_everything(user) or coordinates(user, member) or prefecture_oversees(user, member),
        on=Member,
        app=APP,
    )
    register(
        "plans.view_internal",
        lambda user, member: reads_everything(user) or coordinates(user, member),
        on=Member,
        app=APP,
    )
    register(
        "plans.change",
        lambda user, member: is_secretariat(user) or coordinates(user, member),
        on=Member,
        app=APP,
    )
    register("plans.view_network", lambda user, _obj: reads_everything(user), on=None, app=APP)


def visible_plan_members(user: Any) -> QuerySet[Member]:
    """Members whose plan pages exist for the user (whether or not a plan was written yet)."""
    members = Member.objects.select_related("local_government")
    if reads_everything(user):
        return members
    if coordinates_a_prefecture(user):
        return members.filter(
            Q(pk=user.member_id)
            | Q(kind=MemberKind.MUNICIPALITY, local_government__prefecture_code=str(user.member_id)[:2])
        )
    if has_role(user, Role.COORDINATOR):
        return members.filter(pk=user.member_id)
    return members.none()


def visible_plans(user: Any) -> QuerySet[Plan]:
    return Plan.objects.select_related("member__local_government").filter(member__in=visible_plan_members(user))


def visible_report_jobs(user: Any) -> QuerySet[ReportJob]:
    """Report jobs of the visible plans; the internal variant only where the user may see internal items."""
    jobs = ReportJob.objects.select_related("plan__member", "created_by").filter(plan__in=visible_plans(user))
    if reads_everything(user):
        return jobs
    internal_allowed = Q(member_id=user.member_id) if getattr(user, "member_id", None) else Q(pk__in=[])
    return jobs.filter(internal_allowed | Q(variant="public"))
