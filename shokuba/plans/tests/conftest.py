"""Plans fixtures: the results fixtures (a workplace wave with two organisations' links), a follow-up wave of the
same questionnaire a year later, and a plan for 豊岡市 with a KPI bound to WS-Z01."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from shokuba.network.models import Member, Organisation, User
from shokuba.plans import services
from shokuba.plans.models import Kpi, Plan
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
from shokuba.surveys import services as survey_services
from shokuba.surveys.models import QuestionnaireVersion, Wave


def follow_up_wave(
    coordinator: User,
    version: QuestionnaireVersion,
    organisations: list[Organisation],
    *,
    name: str = "2027年度 フォローアップ調査",
    fiscal_year: int = 2027,
    closes_in_days: int = 400,
) -> Wave:
    today = timezone.localdate()
    created = survey_services.wave_create(
        actor=coordinator,
        version=version,
        name=name,
        fiscal_year=fiscal_year,
        opens_on=today,
        closes_on=today + dt.timedelta(days=closes_in_days),
        organisations=organisations,
    )
    return survey_services.wave_open(actor=coordinator, wave=created)


@pytest.fixture
def plan(coordinator: User, toyooka: Member) -> Plan:
    return services.plan_save(
        actor=coordinator,
        member=toyooka,
        title="豊岡市 ワークイノベーション計画",
        vision="若者や女性に選ばれるまち",
        goals="働きやすさと働きがいを高める",
        start_year=2026,
        end_year=2028,
    )


@pytest.fixture
def top_kpi(coordinator: User, plan: Plan) -> Kpi:
    return services.kpi_save(
        actor=coordinator,
        plan=plan,
        name="「働きやすい」と思う従業員の割合",
        source="survey_top",
        item_code="WS-Z01",
        baseline_year=2026,
        target_value=80.0,
        target_year=2028,
    )
