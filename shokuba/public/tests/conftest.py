"""Public-site fixtures: the results fixtures (a workplace wave of 豊岡市 with two organisations' links, filled and
closed through the real services), an approved plan with a public and an internal KPI. Postings go through the real
job-ad checker the jobads app registers; `no_job_ad_checker` takes it away for the test that needs its absence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone

from shokuba.core.checkers import JOB_AD_CHECKER, checker_of, checker_register, checker_unregister
from shokuba.guidebook.models import Step
from shokuba.network.models import Member, Organisation, User
from shokuba.plans import services as plan_services
from shokuba.plans.models import Plan
from shokuba.results.tests.conftest import (  # noqa: F401 - fixtures re-exported for this package
    _clean_rate_limits,
    fill,
    filled_wave,
    link,
    published,
    questionnaire,
    second_organisation,
    wave,
)


@pytest.fixture
def no_job_ad_checker() -> Iterator[None]:
    """The job-ad app's checker taken away for one test (a posting must then not be published), and put back."""
    registered = checker_of(JOB_AD_CHECKER)
    checker_unregister(JOB_AD_CHECKER)
    yield
    if registered is not None:
        checker_register(JOB_AD_CHECKER, registered)


def approved_plan(member: Member, actor: User) -> Plan:
    """A plan with a public and an internal manual KPI, a public and an internal initiative, approved."""
    plan = plan_services.plan_save(
        actor=actor, member=member, title="公開テストの計画", vision="姿", goals="", start_year=2026, end_year=2028
    )
    for name, internal in (("公開するKPI", False), ("内部用のKPI", True)):
        plan_services.kpi_save(
            actor=actor,
            plan=plan,
            name=name,
            source="manual",
            unit="人",
            baseline_year=2026,
            baseline_value=10,
            target_value=20,
            target_year=2028,
            internal=internal,
        )
    for title, internal in (("公開する取組", False), ("内部用の取組", True)):
        plan_services.initiative_save(
            actor=actor,
            plan=plan,
            step=Step.objects.get(code="4-2"),
            title=title,
            owner="商工課",
            starts_on=dt.date(2026, 4, 1),
            ends_on=dt.date(2027, 3, 31),
            internal=internal,
        )
    plan_services.plan_approve(actor=actor, plan=plan, approved_on=timezone.localdate(), body="推進会議")
    plan.refresh_from_db()
    return plan


@pytest.fixture
def plan(toyooka: Member, coordinator: User) -> Plan:
    return approved_plan(toyooka, coordinator)


def make_organisation(member: Member, name: str, location: str, industry: str = "E") -> Organisation:
    return Organisation.objects.create(
        member=member,
        name=name,
        industry=industry,
        size_band="30-100",
        location_id=location,
        joined_on=dt.date(2024, 4, 1),
    )
