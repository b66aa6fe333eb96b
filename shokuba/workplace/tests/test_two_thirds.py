"""The recognition scheme's two-thirds criterion wired to the analysis engine (shokuba.analysis.recognition over the
results app's counts): a real wave with real responses."""

from __future__ import annotations

from typing import Any

import pytest

from shokuba.core.permissions import SYSTEM
from shokuba.results.tests.conftest import fill
from shokuba.surveys.tests.conftest import (  # noqa: F401 - fixtures used by name
    _clean_rate_limits,
    published,
    questionnaire,
    second_organisation,
    wave,
)
from shokuba.workplace import insights
from shokuba.workplace.models import RecognitionStage
from shokuba.workplace.services import indicator_year_save


def test_no_wave_is_missing_not_met(organisation: Any) -> None:
    assert insights.two_thirds_for(organisation) is None


def test_too_few_respondents_is_missing(request: pytest.FixtureRequest, organisation: Any) -> None:
    fill(request.getfixturevalue("wave"), women=3, men=3, second=0)
    assert insights.two_thirds_for(organisation) is None


def test_women_below_two_thirds_fails_the_stage(request: pytest.FixtureRequest, organisation: Any) -> None:
    fill(request.getfixturevalue("wave"))  # the fixture's women answer WS-Z01 mostly negatively
    assert insights.two_thirds_for(organisation) is False
    RecognitionStage.objects.create(member=organisation.member, order=1, name="認定", require_two_thirds=True)
    year = indicator_year_save(actor=SYSTEM, organisation=organisation, fiscal_year=2025, raw={"managers": 1})
    [stage] = insights.scheme_for(organisation, year)
    assert not stage.reached
    assert "従業員アンケートの3分の2基準を満たしていません" in stage.shortfalls


def test_dashboard_links_the_organisations_survey_results(request: pytest.FixtureRequest, org_admin: Any) -> None:
    survey = request.getfixturevalue("wave")
    fill(survey, close=False)
    [summary] = insights.survey_summaries(org_admin, org_admin.organisation)
    assert summary.enough and summary.responses == 60  # its own link only
    assert summary.results_url == ""  # results open to the organisation once the wave is closed
    fill(survey, seed=2, women=0, men=0, second=2)
    [summary] = insights.survey_summaries(org_admin, org_admin.organisation)
    assert summary.responses == 60  # not the other link's
    assert summary.results_url == f"/surveys/waves/{survey.pk}/results/"
