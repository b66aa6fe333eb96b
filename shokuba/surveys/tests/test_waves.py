"""Waves: creating with links, opening and closing, head-counts and response rates."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shokuba.core.models import AuditEntry
from shokuba.surveys import selectors, services
from shokuba.surveys.answers import raw_from_form
from shokuba.surveys.models import Response, Wave, WaveLink, WaveStatus
from shokuba.surveys.tests.samples import workplace_form

pytestmark = pytest.mark.django_db


def answer(link: WaveLink, n: int = 1) -> None:
    definition = services.definition_of(link.wave.version)
    answers, attributes = raw_from_form(definition, {k: [v] for k, v in workplace_form().items()})
    for _ in range(n):
        services.response_submit(link=link, submission_id=uuid.uuid4(), answers=answers, attributes=attributes)


def test_a_wave_gets_one_unguessable_link_per_organisation(wave: Wave) -> None:
    links = list(wave.links.all())
    assert len(links) == 2 and all(link.organisation_id for link in links)
    tokens = {link.token for link in links}
    assert len(tokens) == 2 and all(len(t) >= 32 for t in tokens)
    assert wave.status == WaveStatus.OPEN and services.wave_state(wave) == "open"
    assert AuditEntry.objects.filter(target_type="surveys.wave", target_id=str(wave.pk)).count() == 2


def test_a_wave_needs_a_published_version_and_sane_dates(
    coordinator: Any, questionnaire: Any, organisation: Any
) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        services.wave_create(
            actor=coordinator,
            version=questionnaire.versions.get(),
            name="",
            fiscal_year=2026,
            opens_on=today,
            closes_on=today - dt.timedelta(days=1),
        )
    assert set(caught.value.message_dict) == {"version", "name", "closes_on", "organisations"}
    assert not Wave.objects.exists()


def test_organisations_of_another_programme_are_refused(
    coordinator: Any, published: Any, other_organisation: Any
) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="参加企業・団体ではありません"):
        services.wave_create(
            actor=coordinator,
            version=published,
            name="x",
            fiscal_year=2026,
            opens_on=today,
            closes_on=today,
            organisations=[other_organisation],
        )
    assert not Wave.objects.exists()


def test_closing_is_final(coordinator: Any, wave: Wave) -> None:
    closed = services.wave_close(actor=coordinator, wave=wave)
    assert closed.status == WaveStatus.CLOSED and closed.closed_at is not None
    assert services.wave_state(closed) == "closed"
    with pytest.raises(ValidationError, match="再開できません"):
        services.wave_open(actor=coordinator, wave=closed)
    with pytest.raises(services.WaveNotAccepting):
        answer(closed.links.first())  # type: ignore[arg-type]


def test_wave_state_follows_status_and_dates(wave: Wave) -> None:
    assert services.wave_state(wave, wave.opens_on - dt.timedelta(days=1)) == "not_yet"
    assert services.wave_state(wave, wave.opens_on) == "open"
    assert services.wave_state(wave, wave.closes_on) == "open"
    assert services.wave_state(wave, wave.closes_on + dt.timedelta(days=1)) == "closed"


def test_counts_and_rates_per_organisation_and_in_total(coordinator: Any, wave: Wave) -> None:
    first, second = wave.links.order_by("organisation__name")
    services.wave_link_headcount_set(actor=coordinator, link=first, expected_headcount=10)
    answer(first, 4)
    answer(second, 3)
    counts = selectors.wave_response_counts(user=coordinator, wave=wave)
    by_link = {row.link.pk: row for row in counts.links}
    assert (by_link[first.pk].responses, by_link[first.pk].rate) == (4, 40.0)
    assert (by_link[second.pk].responses, by_link[second.pk].rate) == (3, None)
    assert counts.total == 7
    assert (counts.expected, counts.rate) == (10, 40.0)  # only organisations with a head-count count toward the rate
    assert selectors.wave_list(user=coordinator).get(pk=wave.pk).response_count == 7


def test_an_organisation_admin_sees_only_their_own_link_and_count(org_admin: Any, wave: Wave) -> None:
    counts = selectors.wave_response_counts(user=org_admin, wave=wave)
    assert [row.link.organisation_id for row in counts.links] == [org_admin.organisation_id]
    link = counts.links[0].link
    services.wave_link_headcount_set(actor=org_admin, link=link, expected_headcount=25)
    other = wave.links.exclude(pk=link.pk).get()
    with pytest.raises(PermissionDenied):
        services.wave_link_headcount_set(actor=org_admin, link=other, expected_headcount=5)
    with pytest.raises(PermissionDenied):
        services.wave_close(actor=org_admin, wave=wave)


def test_a_bad_head_count_is_refused(coordinator: Any, link: WaveLink) -> None:
    with pytest.raises(ValidationError):
        services.wave_link_headcount_set(actor=coordinator, link=link, expected_headcount=0)


def test_organisations_can_join_an_open_wave(coordinator: Any, wave: Wave, toyooka: Any) -> None:
    from shokuba.network.models import Organisation

    late = Organisation.objects.create(
        member=toyooka,
        name="遅れて参加株式会社",
        industry="E",
        size_band="1-29",
        location_id="282090",
        joined_on=dt.date(2026, 3, 1),
    )
    links = services.wave_organisations_add(actor=coordinator, wave=wave, organisations=[late])
    assert [link.organisation_id for link in links] == [late.pk]
    assert services.wave_organisations_add(actor=coordinator, wave=wave, organisations=[late]) == []
    assert wave.links.count() == 3


def test_responses_keep_the_wave_and_organisation(link: WaveLink) -> None:
    answer(link, 2)
    assert set(Response.objects.values_list("wave_id", "organisation_id")) == {(link.wave_id, link.organisation_id)}
