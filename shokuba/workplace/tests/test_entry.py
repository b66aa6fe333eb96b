"""Entering a year on the form, and importing through the pages; the demo years."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shokuba.core.models import AuditEntry
from shokuba.core.permissions import SYSTEM
from shokuba.network.models import Member, Organisation, User
from shokuba.workplace import definitions
from shokuba.workplace.demo import DEMO_YEARS, demo_workplace
from shokuba.workplace.models import IndicatorImport, IndicatorYear
from shokuba.workplace.services import indicator_year_save
from shokuba.workplace.tests.fixtures import wdb


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(**values: str) -> dict[str, str]:
    return {"male_childcare_leave_formula": "leave", **values}


def test_org_admin_enters_a_year_and_sees_the_ratios(org_admin: User, organisation: Organisation) -> None:
    client = _client(org_admin)
    url = f"/workplace/organisations/{organisation.pk}/years/2025/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "課長級以上の管理職（役員を除く）に占める女性の割合" in html  # the legal definition next to the field
    response = client.post(
        url,
        _form(
            managers="２０",
            managers_women="5",
            men_spouse_gave_birth="10",
            men_childcare_leave="4",
            men_childcare_purpose_leave="2",
            male_childcare_leave_formula="leave_and_purpose",
            pay_gap_all="72.5%",
            flex_telework="on",
            paid_leave_days_granted="1,500",
            paid_leave_days_taken="-",
        ),
    )
    assert response.status_code == 302
    year = IndicatorYear.objects.get(organisation=organisation, fiscal_year=2025)
    assert year.women_manager_ratio == 25.0
    assert year.male_childcare_leave_rate == 60.0 and year.male_childcare_leave_formula == "leave_and_purpose"
    assert year.pay_gap_all == 72.5 and year.flex_telework is True
    assert year.paid_leave_rate is None and "paid_leave_days_taken" not in year.raw  # "-" is not zero
    assert year.updated_by == org_admin and year.source == "entered"
    entry = AuditEntry.objects.get(target_type="workplace.indicatoryear", target_id=str(year.pk))
    assert entry.after["women_manager_ratio"] == 25.0
    page = client.get(url).content.decode()
    assert 'data-code="women_manager_ratio">25<' in page
    assert 'data-code="male_childcare_leave_rate">60<' in page
    years_page = client.get(f"/workplace/organisations/{organisation.pk}/").content.decode()
    assert "2025年度" in years_page and "72.5" in years_page


def test_errors_are_per_field_and_nothing_is_saved(org_admin: User, organisation: Organisation) -> None:
    client = _client(org_admin)
    url = f"/workplace/organisations/{organisation.pk}/years/2025/"
    audits = AuditEntry.objects.count()
    response = client.post(url, _form(managers="10", managers_women="12", workers_women="たくさん", hires_men="-3"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "「管理職のうち女性の数」（12）が「管理職の数」（10）を超えています。" in html
    assert "数字で入力してください（「たくさん」は数字として読み取れません）。" in html
    assert 'id="id_managers_women_error"' in html and 'aria-invalid="true"' in html
    assert not IndicatorYear.objects.exists()
    assert AuditEntry.objects.count() == audits
    response = client.post(url, _form(hires_men="-3"))
    assert "「採用した男性労働者の数」に負の数は入力できません。" in response.content.decode()
    assert not IndicatorYear.objects.exists()


def test_a_reported_percentage_over_100_is_refused(org_admin: User, organisation: Organisation) -> None:
    response = _client(org_admin).post(
        f"/workplace/organisations/{organisation.pk}/years/2025/", _form(pay_gap_all="abc")
    )
    assert response.status_code == 400
    assert not IndicatorYear.objects.exists()


def test_warnings_are_saved_and_shown(org_admin: User, organisation: Organisation) -> None:
    response = _client(org_admin).post(
        f"/workplace/organisations/{organisation.pk}/years/2024/",
        _form(men_spouse_gave_birth="2", men_childcare_leave="3"),
        follow=True,
    )
    assert "100%を超えています" in response.content.decode()
    assert IndicatorYear.objects.get().warnings[0]["field"] == "male_childcare_leave_rate"


def test_org_admin_sees_only_own_organisation(org_admin: User, other_organisation: Organisation) -> None:
    client = _client(org_admin)
    assert client.get(f"/workplace/organisations/{other_organisation.pk}/").status_code == 404
    assert client.post(f"/workplace/organisations/{other_organisation.pk}/years/2025/", _form()).status_code == 404
    assert client.get("/workplace/organisations/1/years/1999/").status_code == 404


def test_year_outside_range_is_404(coordinator: User, organisation: Organisation) -> None:
    assert _client(coordinator).get(f"/workplace/organisations/{organisation.pk}/years/3000/").status_code == 404


def test_coordinator_imports_previews_and_confirms(coordinator: User, toyooka: Member) -> None:
    number = wdb.corporate_number(77)
    organisation = Organisation.objects.create(
        member=toyooka,
        name="株式会社取込",
        corporate_number=number,
        industry="E",
        size_band="101-300",
        location_id="282090",
        joined_on=dt.date(2025, 4, 1),
    )
    client = _client(coordinator)
    template = client.get(f"/workplace/members/{toyooka.pk}/imports/template.csv")
    assert template.status_code == 200
    assert number in template.content.decode("utf-8-sig")
    examples = wdb.example_companies([number, wdb.corporate_number(78), wdb.corporate_number(79)])
    data = wdb.zipped(wdb.csv_bytes(wdb.national(5, first=examples)))
    response = client.post(
        f"/workplace/members/{toyooka.pk}/imports/",
        {"kind": "wdb", "fiscal_year": "2024", "file": SimpleUploadedFile("open.zip", data)},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    batch = IndicatorImport.objects.get()
    preview = client.get(response["Location"]).content.decode()
    assert "株式会社取込" in preview and "取込後" in preview
    assert not IndicatorYear.objects.exists()
    client.post(f"/workplace/imports/{batch.pk}/confirm/")
    assert IndicatorYear.objects.get(organisation=organisation, fiscal_year=2024).source == "wdb"


def test_import_page_refuses_bad_files_with_messages(coordinator: User, toyooka: Member) -> None:
    client = _client(coordinator)
    url = f"/workplace/members/{toyooka.pk}/imports/"

    def post(name: str, content: bytes, **extra: Any) -> str:
        response = client.post(
            url, {"kind": "wdb", "fiscal_year": "2024", "file": SimpleUploadedFile(name, content), **extra}
        )
        assert response.status_code == 400
        return response.content.decode()

    assert "受け付けていません" in post("evil.exe", b"MZ...")
    assert "拡張子" in post("fake.zip", b"not a zip at all")
    assert "途中で切れています" in post("cut.csv", wdb.csv_bytes(wdb.national(3))[:-30])
    assert "年度を入力してください" in post("a.csv", wdb.csv_bytes(wdb.national(1)), fiscal_year="")
    assert not IndicatorImport.objects.exists()


def test_demo_years(organisation: Organisation, other_organisation: Organisation) -> None:
    assert demo_workplace() == 2 * len(DEMO_YEARS)
    for year in IndicatorYear.objects.all():
        assert definitions.errors(definitions.check(year.raw, formula=year.male_childcare_leave_formula)) == []
        assert year.women_manager_ratio is not None and year.avg_monthly_overtime is not None


def test_the_system_saves_a_year_as_no_account(organisation: Organisation) -> None:
    """The demo generator and the tests' set-up save as the platform itself (core's SYSTEM actor): no account is
    recorded as the editor and the audit log says "system"."""
    year = indicator_year_save(actor=SYSTEM, organisation=organisation, fiscal_year=2025, raw={"managers": 4})
    assert year.updated_by is None
    entry = AuditEntry.objects.filter(target_type="workplace.indicatoryear").latest("id")
    assert entry.actor is None and entry.actor_username == "system"
