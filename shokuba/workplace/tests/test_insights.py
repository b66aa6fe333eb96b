"""Dashboard, readiness, self-diagnosis and the regional picture on the real database: suppression under the
threshold (page and XLSX), tenancy (an organisation admin never sees another organisation's figures), the scheme
and the referral directory."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from conftest import make_user
from shokuba.core.permissions import SYSTEM
from shokuba.network.models import Member, Organisation, Role
from shokuba.workplace import insights, programme
from shokuba.workplace.models import IndicatorYear, RecognitionStage, Referral
from shokuba.workplace.reference import referrals_load
from shokuba.workplace.services import indicator_year_save

RAW = {
    "workers_women": 40,
    "workers_men": 60,
    "managers": 10,
    "managers_women": 1,
    "men_spouse_gave_birth": 10,
    "men_childcare_leave": 2,
    "men_childcare_purpose_leave": 0,
    "women_gave_birth": 4,
    "women_childcare_leave": 4,
    "overtime_hours_annual": 12000,
    "holiday_hours_annual": 0,
    "overtime_covered_workers": 100,
    "paid_leave_days_granted": 1500,
    "paid_leave_days_taken": 900,
}


def _login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _peers(member: Member, count: int, *, manager_women: int = 3, year: int = 2025) -> list[Organisation]:
    made = []
    start = Organisation.objects.filter(member=member).count()
    for i in range(count):
        org = Organisation.objects.create(
            member=member,
            name=f"同業{member.pk}-{start + i}",
            industry="E",
            size_band="101-300",
            location_id=member.pk,
            joined_on=dt.date(2025, 4, 1),
        )
        raw = {**RAW, "managers_women": manager_women + i % 3, "men_childcare_leave": 3 + i % 4}
        indicator_year_save(actor=SYSTEM, organisation=org, fiscal_year=year, raw=raw)
        made.append(org)
    return made


@pytest.fixture
def year(organisation: Organisation) -> IndicatorYear:
    return indicator_year_save(actor=SYSTEM, organisation=organisation, fiscal_year=2025, raw=RAW)


def test_dashboard_is_the_org_admins_home(org_admin: Any, year: IndicatorYear) -> None:
    client = _login(org_admin)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/workplace/organisations/{org_admin.organisation_id}/dashboard/"
    page = client.get(response["Location"]).content.decode()
    assert "株式会社テスト精工の職場の指標" in page
    # 2 of 10 fathers: 20 % against くるみん's 30 %.
    assert "男性育休等取得率 あと 10 ポイント" in page


def test_readiness_page_lists_missing_data_and_checks(org_admin: Any, year: IndicatorYear) -> None:
    page = _login(org_admin).get(f"/workplace/organisations/{org_admin.organisation_id}/readiness/").content.decode()
    assert "有期雇用の女性の育児休業取得率" in page  # missing data, by its label
    assert "確認が必要" in page
    assert "https://www.mhlw.go.jp/hourei/doc/hourei/H241031M0040.pdf" in page


def test_org_admin_cannot_open_another_organisations_pages(
    org_admin: Any, year: IndicatorYear, other_organisation: Organisation
) -> None:
    indicator_year_save(actor=SYSTEM, organisation=other_organisation, fiscal_year=2025, raw=RAW)
    client = _login(org_admin)
    for what in ("dashboard", "readiness", "diagnosis"):
        assert client.get(f"/workplace/organisations/{other_organisation.pk}/{what}/").status_code == 404
    assert client.get(f"/workplace/organisations/{other_organisation.pk}/diagnosis/export.xlsx").status_code == 404
    assert client.get(f"/workplace/organisations/{other_organisation.pk}/diagnosis/profile.svg").status_code == 404
    assert client.get("/workplace/members/282090/picture/").status_code == 404
    assert client.get("/workplace/picture/").status_code == 403


def test_diagnosis_medians_are_suppressed_below_the_threshold(
    org_admin: Any, organisation: Organisation, year: IndicatorYear, toyooka: Member
) -> None:
    _peers(toyooka, 3)  # with the organisation itself: 4 in the programme's size band, under 5
    client = _login(org_admin)
    diagnosis = insights.diagnose(organisation, year)
    manager = next(r for r in diagnosis.rows if r.code == "women_manager_ratio")
    assert manager.comparisons["programme_size_band"].hidden
    assert manager.comparisons["programme_size_band"].median is None
    page = client.get(f"/workplace/organisations/{organisation.pk}/diagnosis/").content.decode()
    assert "—" in page
    sheet = load_workbook(
        io.BytesIO(client.get(f"/workplace/organisations/{organisation.pk}/diagnosis/export.xlsx").content)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    manager_row = next(r for r in rows if r[0] == "管理職に占める女性労働者の割合")
    assert manager_row[2] == 10  # its own value
    assert manager_row[3] is None  # programme × size band: 4 organisations, hidden
    referrals_load()
    _peers(toyooka, 1, manager_women=5)  # now 5
    diagnosis = insights.diagnose(organisation, year)
    manager = next(r for r in diagnosis.rows if r.code == "women_manager_ratio")
    assert not manager.comparisons["programme_size_band"].hidden
    assert manager.comparisons["programme_size_band"].median == pytest.approx(40.0)  # 10, 30, 40, 50, 50
    assert manager.comparisons["programme_size_band"].position == "worse"  # 10 % against 40 %
    leave = next(r for r in diagnosis.rows if r.code == "male_childcare_leave_rate_leave")
    assert leave.comparisons["programme_size_band"].position == "worse"
    assert leave.action
    page = client.get(f"/workplace/organisations/{organisation.pk}/diagnosis/").content.decode()
    assert "労働局" in page  # referral for the prefecture (兵庫労働局)
    assert "兵庫労働局" in page


def test_picture_suppression_page_and_xlsx(coordinator: Any, organisation: Organisation, toyooka: Member) -> None:
    _peers(toyooka, 4)
    client = _login(coordinator)
    page = client.get("/workplace/members/282090/picture/?year=2025").content.decode()
    assert "地域の職場の指標" in page
    assert "—" in page  # only 4 organisations: every number hidden
    response = client.get("/workplace/members/282090/picture/export.xlsx?year=2025")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    median_column = rows[0].index("中央値")
    assert all(r[median_column] is None for r in rows[1:])
    _peers(toyooka, 1)
    response = client.get("/workplace/members/282090/picture/export.xlsx?year=2025")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    overall = [r for r in rows[1:] if r[0] == "全体" and r[2] == "管理職に占める女性労働者の割合"]
    assert overall and overall[0][median_column] is not None


def test_picture_year_on_year_change(coordinator: Any, toyooka: Member) -> None:
    orgs = _peers(toyooka, 5, year=2024)
    for org in orgs:
        raw = {**RAW, "managers_women": 4}
        indicator_year_save(actor=SYSTEM, organisation=org, fiscal_year=2025, raw=raw)
    result = insights.summarise(insights.member_scopes(toyooka)[0])
    cell = result.group("all").years[2025]["women_manager_ratio"]
    assert cell.change_n == 5
    assert cell.change_median is not None


def test_prefecture_coordinator_sees_municipal_aggregates_only(
    prefecture_coordinator: Any, other_organisation: Organisation, kesennuma: Member
) -> None:
    client = _login(prefecture_coordinator)
    _peers(kesennuma, 5)
    assert client.get("/workplace/members/042056/picture/").status_code == 200
    page = client.get("/workplace/members/040002/picture/?scope=prefecture").content.decode()
    assert "県内のネットワーク参加市町村" in page
    # never the organisations' own pages
    assert client.get(f"/workplace/organisations/{other_organisation.pk}/dashboard/").status_code == 404
    assert client.get("/workplace/members/282090/picture/").status_code == 404


def test_scheme_with_two_thirds_left_explicit(
    coordinator: Any, organisation: Organisation, year: IndicatorYear
) -> None:
    client = _login(coordinator)
    response = client.post(
        "/workplace/members/282090/recognition/",
        {
            "order": 1,
            "name": "登録",
            "indicator_1": "paid_leave_rate",
            "op_1": ">=",
            "value_1": 50,
        },
    )
    assert response.status_code == 302
    programme.recognition_stage_save(
        actor=coordinator,
        member=organisation.member,
        stage=None,
        data={"order": 2, "name": "認定", "require_two_thirds": True, "criteria": []},
    )
    stages = insights.scheme_for(organisation, year)
    assert [s.name for s in stages] == ["登録", "認定"]
    assert stages[0].reached  # 60 % paid leave >= 50
    assert not stages[1].reached
    assert stages[1].missing == ["two_thirds"]  # no survey result: missing, never passed
    bad = client.post(
        "/workplace/members/282090/recognition/", {"order": 1, "name": "重複", "indicator_1": "paid_leave_rate"}
    )
    assert bad.status_code == 422
    assert RecognitionStage.objects.filter(member=organisation.member).count() == 2


def test_other_coordinator_cannot_manage_the_scheme(other_coordinator: Any) -> None:
    client = _login(other_coordinator)
    assert client.get("/workplace/members/282090/recognition/").status_code == 404
    assert client.post("/workplace/members/282090/recognition/", {"order": 1, "name": "x"}).status_code == 404


def test_referral_directory_seeded_and_secretariat_edits(secretariat: Any, coordinator: Any) -> None:
    referrals_load()  # idempotent: the migration loaded them (a browser test's flush may have emptied the table)
    assert referrals_load() == 0
    assert Referral.objects.count() == 94
    assert not Referral.objects.exclude(phone="").exists()  # no invented phone numbers
    hyogo = Referral.objects.get(prefecture_code="28", kind="labour_bureau")
    assert _login(coordinator).get(f"/workplace/referrals/{hyogo.pk}/").status_code == 403
    client = _login(secretariat)
    assert client.get("/workplace/referrals/").status_code == 200
    form = {"name": hyogo.name, "url": hyogo.url, "phone": "", "note": "確認済み", "verified": "on"}
    undated = client.post(f"/workplace/referrals/{hyogo.pk}/", {**form, "source_title": "", "source_url": ""})
    assert undated.status_code == 422  # verified needs the date it was checked and its source
    assert "確認済みにするときは確認日を入力してください。" in undated.content.decode()
    assert not Referral.objects.get(pk=hyogo.pk).verified
    response = client.post(
        f"/workplace/referrals/{hyogo.pk}/",
        {**form, "verified_on": "2026-12-01", "source_title": "兵庫労働局 所在地", "source_url": hyogo.source_url},
    )
    assert response.status_code == 302
    hyogo.refresh_from_db()
    assert hyogo.verified and hyogo.verified_on == dt.date(2026, 12, 1)
    history = client.get(f"/workplace/referrals/{hyogo.pk}/").content.decode()
    assert "t-secretariat" in history and "2026-12-01" in history  # the entry's history, from the audit log
    bad = client.post(f"/workplace/referrals/{hyogo.pk}/", {"name": "", "url": "not a url"})
    assert bad.status_code == 422


def test_survey_counts_suppressed_for_org_admin(org_admin: Any, organisation: Organisation) -> None:
    assert insights.survey_summaries(org_admin, organisation) == []
    make_user("t-x", Role.SUPPORT)
