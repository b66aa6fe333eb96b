"""The workplace pages in English, whole: the entry form (labels, units, legal definitions, the formula's choices,
the arrangements, the problems found in a year's figures and the warnings kept with it), the dashboard (indicators,
readiness, the programme's scheme with its missing data, recommended actions), the self-diagnosis and the regional
picture. Every text of definitions.py, diagnosis.py and picture.py is Japanese and reaches the page through gettext;
a page that shows one untranslated fails here with the words it showed."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from shokuba.core.permissions import SYSTEM
from shokuba.network.models import Member, Organisation
from shokuba.workplace import definitions, diagnosis, picture
from shokuba.workplace.models import RecognitionStage, Referral
from shokuba.workplace.services import indicator_year_save
from shokuba.workplace.tests.test_insights import RAW

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
SHOWN_ATTRIBUTES = re.compile(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"')


def _english(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def japanese_left(page: str, *names: str) -> list[str]:
    """The Japanese words of a page's text and shown attributes, leaving out the given names (data: the
    organisation's, the people's, the local governments', the contact points') and the language menu's 「日本語」."""
    for name in sorted((*names, "日本語"), key=len, reverse=True):  # 「兵庫県豊岡市」 before 「豊岡市」
        page = page.replace(name, "")
    shown = re.sub(r"<[^>]+>", " ", page) + " " + " ".join(SHOWN_ATTRIBUTES.findall(page))
    return re.findall(r"\S*[\u3040-\u30ff\u4e00-\u9fff]\S*", shown)


def _names(user: Any, organisation: Organisation) -> tuple[str, ...]:
    return (organisation.name, organisation.member.local_government.name, user.get_full_name())


def _texts() -> list[str]:
    """Every Japanese text of the pure modules that a page, form, chart or export shows."""
    texts = [*definitions.UNITS.values(), *definitions.GROUPS.values(), *definitions.MALE_LEAVE_FORMULAS.values()]
    for spec in definitions.INPUTS:
        texts += [spec.label, spec.help]
    for indicator in definitions.INDICATORS:
        texts += [indicator.label, indicator.definition, indicator.law]
    for arrangement in definitions.ARRANGEMENTS:
        texts += [arrangement.label, arrangement.help]
    texts += [value for name, value in vars(definitions).items() if name.startswith("T_")]  # problem templates
    texts += [target.label for target in picture.TARGETS.values()]
    texts += [action for action, _kind in diagnosis.ACTIONS.values()]
    return [t for t in texts if JAPANESE.search(t)]


def test_every_text_of_the_definitions_is_in_the_english_catalogue() -> None:
    texts = _texts()
    assert len(texts) > 150
    with translation.override("en"):
        untranslated = [t for t in texts if translation.gettext(t) == t or JAPANESE.search(translation.gettext(t))]
    assert not untranslated, untranslated


def test_the_pure_modules_import_no_django() -> None:
    for module in (definitions, diagnosis, picture):
        tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
        imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not [m for m in imported if m.split(".")[0] == "django"], module.__name__


@pytest.mark.django_db
def test_the_entry_form_in_english(org_admin: Any, organisation: Organisation) -> None:
    indicator_year_save(actor=SYSTEM, organisation=organisation, fiscal_year=2025, raw=RAW)
    response = _english(org_admin).get(f"/workplace/organisations/{organisation.pk}/years/2025/")
    assert response.status_code == 200 and response["Content-Language"] == "en"
    page = response.content.decode()
    for english in (
        "Number of managers (people)",  # an input with its unit
        "Women&#x27;s average years of service (years)",  # 「年」 as a unit, not the column header "Year"
        "Annual total of statutory overtime hours (hours)",
        "Section-manager level and above (excluding officers)",  # an input's help
        "Share of women among managers at section-manager level and above (excluding officers)",  # a definition
        "Workers, managers and officers",  # a group
        "Take-up rate of childcare leave etc. (men who took childcare leave etc. ÷ men whose spouse gave birth)",
        "Telework (working from home, etc.)",  # an arrangement
        "Gender pay gap (all workers) (%), entered directly",  # a ratio given directly
    ):
        assert english in page, english
    left = japanese_left(page, *_names(org_admin, organisation))
    assert not left, left


@pytest.mark.django_db
def test_the_entry_forms_problems_and_warnings_in_english(org_admin: Any, organisation: Organisation) -> None:
    client = _english(org_admin)
    url = f"/workplace/organisations/{organisation.pk}/years/2025/"
    form = {"male_childcare_leave_formula": "leave"}
    response = client.post(url, {**form, "managers": "2", "managers_women": "5", "officers": "-1", "chiefs": "x"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "“Women among managers” (5) is more than “Number of managers” (2)." in page
    assert "“Number of officers” cannot be negative." in page
    assert "Please enter a number (“x” cannot be read as a number)." in page
    left = japanese_left(page, *_names(org_admin, organisation))
    assert not left, left
    # 12 fathers on leave for 10 births: saved, with a warning.
    response = client.post(url, {**form, "men_spouse_gave_birth": "10", "men_childcare_leave": "12"}, follow=True)
    page = response.content.decode()
    assert "“Men&#x27;s childcare leave rate” is over 100% (120%)." in page
    left = japanese_left(page, *_names(org_admin, organisation))
    assert not left, left


@pytest.mark.django_db
def test_the_dashboard_in_english(org_admin: Any, organisation: Organisation, toyooka: Member) -> None:
    indicator_year_save(actor=SYSTEM, organisation=organisation, fiscal_year=2025, raw=RAW)
    RecognitionStage.objects.create(
        member=toyooka,
        order=1,
        name="Registered",
        criteria=[{"indicator": "tenure_ratio", "op": ">=", "value": 70}],
    )
    page = _english(org_admin).get(f"/workplace/organisations/{organisation.pk}/dashboard/").content.decode()
    assert "Share of women among managers" in page
    assert "10 hours" in page  # 12,000 hours ÷ 12 months ÷ 100 workers
    assert "Not entered: Years of service, women ÷ men" in page  # the scheme's missing data, by its label
    # 2 of 10 fathers, against くるみん's 30 %: the recommended action.
    assert "Inform each man whose spouse is giving birth individually about the arrangements" in page
    left = japanese_left(page, *_names(org_admin, organisation))
    assert not left, left


def _peers(member: Member, count: int) -> None:
    for i in range(count):
        peer = Organisation.objects.create(
            member=member,
            name=f"Peer {i}",
            industry="E",
            size_band="101-300",
            location_id=member.pk,
            joined_on=dt.date(2025, 4, 1),
        )
        raw = {**RAW, "managers_women": 3 + i % 3, "men_childcare_leave": 3 + i % 4}
        indicator_year_save(actor=SYSTEM, organisation=peer, fiscal_year=2025, raw=raw)


@pytest.mark.django_db
def test_the_self_diagnosis_in_english(org_admin: Any, organisation: Organisation, toyooka: Member) -> None:
    indicator_year_save(actor=SYSTEM, organisation=organisation, fiscal_year=2025, raw=RAW)
    _peers(toyooka, 5)
    page = _english(org_admin).get(f"/workplace/organisations/{organisation.pk}/diagnosis/").content.decode()
    assert "Kurumin certification criterion (from April 2025): at least 30%" in page  # a target
    assert "Average monthly overtime per worker (hours)" in page  # the profile chart's facet
    assert "Develop chief-level women as future managers" in page  # 10 % women managers against peers' 40 %
    referrals = [r.name for r in Referral.objects.all()]  # the directory's names of public offices (data)
    left = japanese_left(page, *_names(org_admin, organisation), *referrals)
    assert not left, left


@pytest.mark.django_db
def test_the_regional_picture_in_english(coordinator: Any, organisation: Organisation, toyooka: Member) -> None:
    indicator_year_save(actor=SYSTEM, organisation=organisation, fiscal_year=2025, raw=RAW)
    _peers(toyooka, 5)
    page = _english(coordinator).get(f"/workplace/members/{toyooka.pk}/picture/?year=2025").content.decode()
    assert "Eruboshi certification criterion (working hours and ways of working): below 45 hours" in page
    assert "Share of women among managers" in page
    left = japanese_left(page, toyooka.local_government.name, coordinator.get_full_name(), str(toyooka))
    assert not left, left
