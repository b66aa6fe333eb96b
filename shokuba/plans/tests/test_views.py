"""The plan pages and API as roles use them: what a prefecture's coordinator sees of a municipality's plan, the
API's refusals, the secretariat's network page."""

from __future__ import annotations

import pytest
from django.test import Client

from shokuba.api.tests.helpers import Api
from shokuba.network.models import Member, User
from shokuba.plans import services
from shokuba.plans.models import KpiSnapshot, ReportJob, ReportStatus
from shokuba.plans.tests.fixtures import plan_with_rows


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_a_prefecture_sees_a_municipalitys_plan_without_internal_items(
    kesennuma: Member, other_coordinator: User, prefecture_coordinator: User
) -> None:
    plan, public_kpi, _initiative, job = plan_with_rows(kesennuma, other_coordinator)
    internal = services.kpi_save(
        actor=other_coordinator,
        plan=plan,
        name="内部だけのKPI",
        source="organisations",
        baseline_year=2026,
        target_value=5,
        target_year=2028,
        internal=True,
    )
    own = _client(other_coordinator).get("/plans/members/042056/")
    assert "内部だけのKPI" in own.content.decode()
    page = _client(prefecture_coordinator).get("/plans/members/042056/")
    assert page.status_code == 200
    assert public_kpi.name in page.content.decode() and "内部だけのKPI" not in page.content.decode()
    assert _client(prefecture_coordinator).get(f"/plans/kpis/{internal.pk}/").status_code == 404
    assert _client(prefecture_coordinator).get(f"/plans/reports/{job.pk}/").status_code == 404  # internal variant
    ReportJob.objects.filter(pk=job.pk).update(variant="public")
    assert _client(prefecture_coordinator).get(f"/plans/reports/{job.pk}/").status_code == 200
    body = Api(prefecture_coordinator, auth="token").get("plans/members/042056").json_body
    assert [k["name"] for k in body["kpis"]] == [public_kpi.name]
    assert Api(prefecture_coordinator, auth="token").get(f"plans/kpis/{internal.pk}").status_code == 404


@pytest.mark.django_db
def test_api_refuses_a_kpi_its_source_cannot_read_with_the_rule_type(toyooka: Member, coordinator: User) -> None:
    plan_with_rows(toyooka, coordinator)
    api = Api(coordinator, auth="token")
    response = api.post(
        "plans/members/282090/kpis",
        {"name": "x", "source": "survey_top", "baseline_year": 2026, "target_value": 5, "target_year": 2028},
    )
    assert response.status_code == 422
    detail = response.json_body["detail"]
    assert detail[0]["loc"] == ["body", "item_code"] and detail[0]["type"] == "kpi"
    assert "調査項目コード" in detail[0]["msg"]


@pytest.mark.django_db
def test_the_network_page_counts_statuses_from_the_last_readings(
    toyooka: Member, coordinator: User, secretariat: User
) -> None:
    plan, _kpi, _initiative, _job = plan_with_rows(toyooka, coordinator)
    assert not KpiSnapshot.objects.exists()
    _client(coordinator).get("/plans/members/282090/")  # reading the plan stores each KPI's last reading
    assert KpiSnapshot.objects.filter(kpi__plan=plan).count() == 1
    page = _client(secretariat).get("/plans/network/").content.decode()
    assert "兵庫県豊岡市" in page and "判断できない 1" in page


@pytest.mark.django_db
def test_report_page_lists_jobs_and_downloads_through_attach(toyooka: Member, coordinator: User) -> None:
    _plan, _kpi, _initiative, job = plan_with_rows(toyooka, coordinator)
    response = _client(coordinator).get(f"/plans/reports/{job.pk}/xlsx/")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    ReportJob.objects.filter(pk=job.pk).update(status=ReportStatus.FAILED)
    assert _client(coordinator).get(f"/plans/reports/{job.pk}/xlsx/").status_code == 404
