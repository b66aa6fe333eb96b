"""Attack review of the public figures (issue #16): for every way to ask for a figure, how two requests could be
subtracted. Findings in docs/ARCHITECTURE.md, "The public site".

(a) An organisation publishes or withdraws one figure between two open-data downloads (n = 5 → 6 at the
    threshold): the median of the member's published figures changes, and with the organisation's own value the two
    medians can pin a neighbouring value — but every value in the median is one its organisation publishes on its
    own page at that moment, so nothing unpublished can be reached. Tested as that invariant.
(b) The member page's workplace KPI is the median of every participating organisation's figure, published or not.
    An organisation that changes its own unpublished figure between two reads moves the median between its
    neighbours and reads their figures, at any number of organisations: leaked before the fix; now a year's median
    is shown on the public site (page and open data) only when all of its figures are published.
(c) Two closed waves whose respondents differ by one person: each wave is its own scope with its own answers
    (closing is final, answers are never added or removed afterwards), so no published pair of figures shares its
    other answers; see the architecture notes.
"""

from __future__ import annotations

import csv
import io
import statistics

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from shokuba.core.permissions import SYSTEM
from shokuba.network.models import Member, Organisation, User
from shokuba.plans import services as plan_services
from shokuba.plans.models import Kpi, Plan
from shokuba.public import services
from shokuba.public.tests.conftest import make_organisation
from shokuba.surveys import services as survey_services
from shokuba.surveys.models import Wave, WaveStatus
from shokuba.workplace.models import IndicatorYear

pytestmark = pytest.mark.django_db

YEAR = 2025
INDICATOR = "women_manager_ratio"


def _organisations(member: Member, values: list[float]) -> list[Organisation]:
    found = []
    for value in values:
        n = Organisation.objects.filter(member=member).count()
        organisation = make_organisation(member, f"差分テスト企業{n}", member.pk)
        IndicatorYear.objects.create(organisation=organisation, fiscal_year=YEAR, **{INDICATOR: value})
        found.append(organisation)
    return found


def _publish(organisation: Organisation, indicators: list[str]) -> None:
    services.organisation_profile_save(actor=SYSTEM, organisation=organisation, published=True)
    services.indicator_publication_save(
        actor=SYSTEM, organisation=organisation, fiscal_year=YEAR, indicators=indicators
    )


def _median_row(member: Member) -> dict[str, str]:
    response = Client().get(f"/public/open-data/{member.pk}/{YEAR}.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    return next(r for r in rows if r["項目コード"] == INDICATOR and r["区分"] == "workplace")


def _published_values(member: Member) -> list[float]:
    """What anyone reads on the organisations' own public pages: the figure of each organisation that publishes it."""
    from shokuba.public import selectors

    cards = selectors.organisation_cards(list(selectors.published_organisations().filter(member=member)))
    return [
        f.value
        for card in cards
        for year in card.years
        if year.fiscal_year == YEAR
        for f in year.figures
        if f.code == INDICATOR and f.value is not None
    ]


def test_a_open_data_median_is_made_only_of_figures_public_on_their_own_pages(toyooka: Member) -> None:
    """(a) Z publishes between two downloads (5 → 6 organisations) and withdraws again (6 → 5): each median shown
    is the median of exactly the values the organisations' own pages show, so the difference of two downloads says
    nothing that is not published; under the threshold (4) the median is hidden."""
    services.member_publication_save(actor=SYSTEM, member=toyooka, published=True, summary="差分の検証")
    others = _organisations(toyooka, [12.0, 31.0, 7.5, 44.0, 20.0])
    (z,) = _organisations(toyooka, [25.0])
    for organisation in others[:4]:
        _publish(organisation, [INDICATOR])
    assert _median_row(toyooka)["状態"] == "hidden"  # 4 < 5
    _publish(others[4], [INDICATOR])
    seen = []
    for publish in (False, True, False):
        services.indicator_publication_save(
            actor=SYSTEM, organisation=z, fiscal_year=YEAR, indicators=[INDICATOR] if publish else []
        )
        if publish:
            services.organisation_profile_save(actor=SYSTEM, organisation=z, published=True)
        row = _median_row(toyooka)
        public = _published_values(toyooka)
        assert row["状態"] == "shown" and int(row["基数"]) == len(public) == (6 if publish else 5)
        assert float(row["値"]) == round(statistics.median(public), 2)
        seen.append(float(row["値"]))
    assert seen == [20.0, 22.5, 20.0]  # the change is Z's own published 25.0 against the published 20.0 and 31.0


def _workplace_plan(member: Member, actor: User) -> tuple[Plan, Kpi]:
    plan = plan_services.plan_save(
        actor=actor, member=member, title="差分の計画", vision="姿", goals="", start_year=2025, end_year=2028
    )
    kpi = plan_services.kpi_save(
        actor=actor,
        plan=plan,
        name="女性管理職比率の中央値",
        source="workplace",
        indicator=INDICATOR,
        unit="%",
        baseline_year=YEAR,
        target_value=40,
        target_year=2028,
    )
    plan_services.plan_approve(actor=actor, plan=plan, approved_on=timezone.localdate(), body="推進会議")
    return plan, kpi


def _kpi_figures(member: Member, kpi: Kpi) -> tuple[str, str]:
    """The KPI's value as the member page (its plan part, newly computed) and the open-data file show it."""
    cache.clear()
    page = Client().get(f"/public/members/{member.pk}/").content.decode()
    start = page.index(kpi.name)
    row = next(
        r
        for r in csv.DictReader(
            io.StringIO(Client().get(f"/public/open-data/{member.pk}/{YEAR}.csv").content.decode("utf-8-sig"))
        )
        if r["項目コード"] == f"KPI-{kpi.pk}"
    )
    return page[start : page.index("</tr>", start)], row["値"]


def test_b_a_participant_cannot_read_its_neighbours_through_a_workplace_kpi(toyooka: Member, coordinator: User) -> None:
    """(b) Five organisations have a figure; three publish it, the attacker and one other do not. The attacker
    sets its own figure very low, then very high, and reads the KPI's median each time: 20 / 30 would be the
    published 20 and the unpublished 30 of its neighbour. The public site shows the median of a year only when
    every figure in it is published, so both reads are alike and carry no value."""
    _plan, kpi = _workplace_plan(toyooka, coordinator)
    published_orgs = _organisations(toyooka, [10.0, 20.0, 40.0])
    secret, attacker = _organisations(toyooka, [30.0, 0.0])
    for organisation in published_orgs:
        _publish(organisation, [INDICATOR])
    services.member_publication_save(
        actor=SYSTEM, member=toyooka, published=True, summary="差分の検証", kpi_ids=[kpi.pk]
    )
    reads = []
    for own in (0.0, 100.0):
        IndicatorYear.objects.filter(organisation=attacker, fiscal_year=YEAR).update(**{INDICATOR: own})
        reads.append(_kpi_figures(toyooka, kpi))
    assert reads[0] == reads[1], reads
    page_row, open_value = reads[0]
    assert open_value == "" and "30%" not in page_row and "20%" not in page_row
    assert "公表していない企業・団体の値を含むため" in page_row
    # Once every organisation publishes the figure, nothing in the median is secret: it is shown.
    _publish(secret, [INDICATOR])
    _publish(attacker, [INDICATOR])
    page_row, open_value = _kpi_figures(toyooka, kpi)
    assert float(open_value) == 30.0 and "30%" in page_row


def test_b_withdrawing_a_figure_hides_a_cached_median_at_once(toyooka: Member, coordinator: User) -> None:
    """The member page's cache key carries the published figures of a workplace KPI's organisations: one
    organisation withdrawing its figure hides the median on the next request, not ten minutes later."""
    _plan, kpi = _workplace_plan(toyooka, coordinator)
    organisations = _organisations(toyooka, [10.0, 20.0, 30.0, 40.0, 50.0])
    for organisation in organisations:
        _publish(organisation, [INDICATOR])
    services.member_publication_save(
        actor=SYSTEM, member=toyooka, published=True, summary="差分の検証", kpi_ids=[kpi.pk]
    )
    client = Client()
    assert ">30%" in client.get(f"/public/members/{toyooka.pk}/").content.decode().replace(" ", "")
    services.indicator_publication_save(actor=SYSTEM, organisation=organisations[0], fiscal_year=YEAR, indicators=[])
    page = client.get(f"/public/members/{toyooka.pk}/").content.decode()
    assert "公表していない企業・団体の値を含むため" in page


def test_c_a_published_wave_never_gains_or_loses_an_answer(filled_wave: Wave, coordinator: User) -> None:
    """(c) What makes two published waves safe against subtraction: a wave is published only once closed, and a
    closed wave never reopens (its answers are fixed), so two published figures of one wave never differ by a
    person; two waves are two scopes with answers of their own, each decided by the gate."""
    assert filled_wave.status == WaveStatus.CLOSED
    with pytest.raises(ValidationError):
        survey_services.wave_open(actor=coordinator, wave=filled_wave)
    filled_wave.refresh_from_db()
    assert filled_wave.status == WaveStatus.CLOSED
