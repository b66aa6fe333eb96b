"""Survey fixtures: a published questionnaire of the workplace template and an open wave with two links."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from shokuba.core.throttle import rate_limits_forget
from shokuba.network.models import Organisation, User
from shokuba.surveys import services
from shokuba.surveys.models import Questionnaire, QuestionnaireVersion, Wave, WaveLink


@pytest.fixture(autouse=True)
def _clean_rate_limits() -> None:
    cache.clear()
    rate_limits_forget()


@pytest.fixture
def questionnaire(coordinator: User) -> Questionnaire:
    return services.questionnaire_create_from_template(
        actor=coordinator, member=coordinator.member, template_code="workplace"
    )


@pytest.fixture
def published(coordinator: User, questionnaire: Questionnaire) -> QuestionnaireVersion:
    return services.questionnaire_publish(actor=coordinator, version=questionnaire.versions.get())


@pytest.fixture
def second_organisation(organisation: Organisation) -> Organisation:
    return Organisation.objects.create(
        member=organisation.member,
        name="豊岡テスト運輸株式会社",
        industry="H",
        size_band="30-100",
        location_id="282090",
        joined_on=dt.date(2026, 2, 1),
    )


@pytest.fixture
def wave(
    coordinator: User, published: QuestionnaireVersion, organisation: Organisation, second_organisation: Organisation
) -> Wave:
    today = timezone.localdate()
    wave = services.wave_create(
        actor=coordinator,
        version=published,
        name="2026年度 ベースライン調査",
        fiscal_year=2026,
        opens_on=today - dt.timedelta(days=3),
        closes_on=today + dt.timedelta(days=10),
        organisations=[organisation, second_organisation],
    )
    return services.wave_open(actor=coordinator, wave=wave)


@pytest.fixture
def link(wave: Wave, organisation: Organisation) -> WaveLink:
    return wave.links.get(organisation=organisation)


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client
