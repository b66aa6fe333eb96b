"""The publishing pages as their users work them: forms, errors named in Japanese, what reaches the public site."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from shokuba.network.models import Organisation, User
from shokuba.plans.models import Kpi, Plan
from shokuba.public.models import IndicatorPublication, JobPosting, MemberPublication, PostingState
from shokuba.surveys.models import Wave
from shokuba.workplace.models import IndicatorYear

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_coordinator_publishes_the_member_page(coordinator: User, plan: Plan, filled_wave: Wave) -> None:
    client = _client(coordinator)
    form = client.get("/publishing/members/282090/").content.decode()
    assert "公開するKPI" in form and "内部用のKPI" not in form  # internal items are not offered
    assert "2026年度 ベースライン調査" in form
    kpi = Kpi.objects.get(plan=plan, name="公開するKPI")
    response = client.post(
        "/publishing/members/282090/",
        {"published": "on", "summary": "豊岡市の取組です。", "kpi_ids": [kpi.pk], "wave_ids": [filled_wave.pk]},
    )
    assert response.status_code == 302
    publication = MemberPublication.objects.get(member_id="282090")
    assert publication.published and publication.kpi_ids == [kpi.pk]
    page = Client().get("/public/members/282090/").content.decode()
    assert "豊岡市の取組です。" in page and "公開するKPI" in page


def test_publishing_without_a_summary_is_refused_naming_the_field(coordinator: User) -> None:
    response = _client(coordinator).post("/publishing/members/282090/", {"published": "on", "summary": ""})
    assert response.status_code == 400
    assert "公開するには取組の紹介を入力してください。" in response.content.decode()
    assert not MemberPublication.objects.exists()
    assert Client().get("/public/members/282090/").status_code == 404


def test_organisation_admin_publishes_profile_figures_and_a_posting(
    org_admin: User, organisation: Organisation
) -> None:
    IndicatorYear.objects.create(organisation=organisation, fiscal_year=2025, women_manager_ratio=21.5)
    client = _client(org_admin)
    assert client.get(f"/publishing/organisations/{organisation.pk}/").status_code == 200
    bad = client.post(f"/publishing/organisations/{organisation.pk}/", {"published": "on", "recruiting_url": "ftp://x"})
    assert bad.status_code == 400 and "採用ページのURL" in bad.content.decode()
    assert (
        client.post(
            f"/publishing/organisations/{organisation.pk}/",
            {"published": "on", "introduction": "紹介", "recruiting_url": "https://example.jp/r"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/publishing/organisations/{organisation.pk}/years/2025/", {"y2025-indicators": ["women_manager_ratio"]}
        ).status_code
        == 302
    )
    assert IndicatorPublication.objects.get(organisation=organisation).indicators == ["women_manager_ratio"]
    created = client.post(
        f"/publishing/organisations/{organisation.pk}/postings/new/",
        {
            "title": "営業マン",
            "description": "提案営業。",
            "employment_type": "FULL_TIME",
            "location": "28209",
            "salary_min": "",
            "salary_max": "",
            "salary_unit": "",
            "valid_through": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
        },
    )
    assert created.status_code == 302
    posting = JobPosting.objects.get(organisation=organisation)
    refused = client.post(f"/publishing/postings/{posting.pk}/publish/")
    assert refused.status_code == 400 and "「営業マン」は男性を表す職種名です。" in refused.content.decode()
    posting.refresh_from_db()
    assert posting.state == PostingState.DRAFT
    data: dict[str, Any] = {
        "title": "営業スタッフ",
        "description": "提案営業。",
        "employment_type": "FULL_TIME",
        "location": "28209",
        "valid_through": posting.valid_through.isoformat(),
    }
    assert client.post(f"/publishing/postings/{posting.pk}/", data).status_code == 302
    assert client.post(f"/publishing/postings/{posting.pk}/publish/").status_code == 302
    public = Client().get(f"/public/organisations/{organisation.pk}/").content.decode()
    assert "21.5" in public and "営業スタッフ" in public


def test_posting_with_an_unknown_location_names_the_field(org_admin: User, organisation: Organisation) -> None:
    response = _client(org_admin).post(
        f"/publishing/organisations/{organisation.pk}/postings/new/",
        {
            "title": "事務",
            "description": "事務。",
            "employment_type": "FULL_TIME",
            "location": "999999",
            "valid_through": "2099-01-01",
        },
    )
    assert response.status_code == 400 and not JobPosting.objects.exists()
    assert 'id="id_location_error"' in response.content.decode()
