"""The results Scope is made only from (actor, wave) by results.permissions, and the 効果検証 comparison wave is
chosen among the waves the user may see, on the page exactly as in the API."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from shokuba.api.tests.helpers import Api
from shokuba.core.permissions import SYSTEM
from shokuba.results.permissions import Scope, programme_scope, results_scope
from shokuba.results.tests.conftest import fill, submit
from shokuba.surveys import services
from shokuba.surveys.models import Wave
from shokuba.surveys.tests.conftest import logged_in


def _wave(coordinator: Any, organisations: list[Any], name: str, days_ago: int) -> Wave:
    version = services.questionnaire_publish(
        actor=coordinator,
        version=services.questionnaire_create_from_template(
            actor=coordinator, member=coordinator.member, template_code="workplace"
        ).versions.get(),
    )
    today = timezone.localdate()
    wave = services.wave_create(
        actor=coordinator,
        version=version,
        name=name,
        fiscal_year=2025,
        opens_on=today - dt.timedelta(days=days_ago),
        closes_on=today + dt.timedelta(days=10),
        organisations=organisations,
    )
    return services.wave_open(actor=coordinator, wave=wave)


@pytest.fixture
def earlier_wave(coordinator: Any, organisation: Any, second_organisation: Any) -> Wave:
    """The same programme's earlier wave, in which both organisations took part."""
    wave = _wave(coordinator, [organisation, second_organisation], "2025年度 前回調査", 400)
    fill(wave, seed=5)
    return wave


@pytest.fixture
def wave_without_org_admin(coordinator: Any, second_organisation: Any) -> Wave:
    """A wave of the same programme in which the organisation admin's organisation did not take part."""
    wave = _wave(coordinator, [second_organisation], "2025年度 運輸部門調査", 200)
    rng = random.Random(6)
    for i in range(20):
        submit(wave.links.get(), rng, sex=["F", "M"][i % 2], age_band="30", position="staff")
    return wave


@pytest.fixture
def other_members_wave(other_coordinator: Any, other_organisation: Any) -> Wave:
    return _wave(other_coordinator, [other_organisation], "気仙沼市 2025年度調査", 100)


# --- making a scope ---------------------------------------------------------------------------------------------


def test_a_scope_cannot_be_built_by_hand(filled_wave: Wave) -> None:
    with pytest.raises(TypeError, match="results_scope"):
        Scope(filled_wave, None, True, True, 5)


def test_the_scope_follows_the_actors_rights(
    filled_wave: Wave, coordinator: Any, support: Any, org_admin: Any, organisation: Any
) -> None:
    for staff in (coordinator, support):
        scope = results_scope(staff, filled_wave)
        assert scope.organisation_id is None and scope.organisations_allowed and scope.free_text_allowed
    own = results_scope(org_admin, filled_wave)
    assert own.organisation_id == organisation.pk
    assert not own.organisations_allowed and not own.free_text_allowed
    whole = programme_scope(own)  # the programme an organisation compares itself with: aggregates only
    assert whole.organisation_id is None and not whole.organisations_allowed and not whole.free_text_allowed


def test_a_scope_is_refused_to_whoever_may_not_see_the_results(
    filled_wave: Wave, other_coordinator: Any, prefecture_coordinator: Any
) -> None:
    for user in (other_coordinator, prefecture_coordinator):  # 宮城県 does not oversee 豊岡市
        with pytest.raises(PermissionDenied):
            results_scope(user, filled_wave)


def test_one_organisations_respondents_need_the_organisation_breakdown(
    filled_wave: Wave, org_admin: Any, organisation: Any, second_organisation: Any, coordinator: Any
) -> None:
    assert results_scope(coordinator, filled_wave, organisation=second_organisation).organisation_id == (
        second_organisation.pk
    )
    assert results_scope(org_admin, filled_wave, organisation=organisation).organisation_id == organisation.pk
    with pytest.raises(PermissionDenied):
        results_scope(org_admin, filled_wave, organisation=second_organisation)
    # The platform itself (the recognition scheme's two-thirds rule) reads one organisation's respondents.
    system = results_scope(SYSTEM, filled_wave, organisation=organisation)
    assert system.organisation_id == organisation.pk and not system.free_text_allowed


def test_a_prefecture_reads_a_municipalitys_aggregates_but_not_one_organisation(
    prefecture_coordinator: Any, other_coordinator: Any, other_organisation: Any
) -> None:
    wave = _wave(other_coordinator, [other_organisation], "気仙沼市 2026年度調査", 3)
    with pytest.raises(PermissionDenied):  # still open: its figures change with every answer
        results_scope(prefecture_coordinator, wave)
    wave = services.wave_close(actor=other_coordinator, wave=wave)
    scope = results_scope(prefecture_coordinator, wave)
    assert scope.organisation_id is None and not scope.organisations_allowed and not scope.free_text_allowed
    with pytest.raises(PermissionDenied):
        results_scope(prefecture_coordinator, wave, organisation=other_organisation)


# --- the comparison wave (効果検証) ----------------------------------------------------------------------------


def _choices(page: Any) -> set[int]:
    form = page.context["form"]
    return {int(value) for value, _label in form.fields["other"].choices if value}


@pytest.mark.usefixtures("earlier_wave", "wave_without_org_admin", "other_members_wave")
def test_the_page_offers_only_waves_the_user_may_see(
    filled_wave: Wave, earlier_wave: Wave, wave_without_org_admin: Wave, coordinator: Any, org_admin: Any
) -> None:
    url = f"/surveys/waves/{filled_wave.pk}/results/change/"
    assert _choices(logged_in(coordinator).get(url)) == {earlier_wave.pk, wave_without_org_admin.pk}
    assert _choices(logged_in(org_admin).get(url)) == {earlier_wave.pk}


def test_another_members_wave_is_refused_on_the_page_and_in_the_api(
    filled_wave: Wave, other_members_wave: Wave, earlier_wave: Wave, coordinator: Any
) -> None:
    page = logged_in(coordinator).get(f"/surveys/waves/{filled_wave.pk}/results/change/?other={other_members_wave.pk}")
    assert page.status_code == 400 and "気仙沼市" not in page.content.decode()
    api = Api(coordinator).get(f"results/waves/{filled_wave.pk}/change?other={other_members_wave.pk}")
    assert api.status_code == 404 and api.json_body["detail"][0]["loc"] == ["query", "other"]
    # The same request with the programme's own earlier wave is answered.
    assert (
        logged_in(coordinator)
        .get(f"/surveys/waves/{filled_wave.pk}/results/change/?other={earlier_wave.pk}")
        .status_code
        == 200
    )
    assert Api(coordinator).get(f"results/waves/{filled_wave.pk}/change?other={earlier_wave.pk}").status_code == 200


@pytest.mark.usefixtures("earlier_wave")
def test_a_wave_without_the_organisation_is_refused_to_its_admin(
    filled_wave: Wave, wave_without_org_admin: Wave, org_admin: Any
) -> None:
    page = logged_in(org_admin).get(
        f"/surveys/waves/{filled_wave.pk}/results/change/?other={wave_without_org_admin.pk}"
    )
    assert page.status_code == 400 and "運輸部門" not in page.content.decode()
    api = Api(org_admin).get(f"results/waves/{filled_wave.pk}/change?other={wave_without_org_admin.pk}")
    assert api.status_code == 404
