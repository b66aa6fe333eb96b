"""The public site as an anonymous visitor sees it: pages, feeds, sitemap and open data show what was published and
nothing else. `test_nothing_unpublished_is_reachable` builds every role's private objects and asserts their public
URLs answer 404 and no public page, feed, sitemap or open-data file contains them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from shokuba.core.permissions import SYSTEM
from shokuba.core.tests.test_csp import assert_strict_page_policy
from shokuba.learning import services as learning_services
from shokuba.learning.models import Case
from shokuba.learning.tests.fixtures import approved_case, case_input
from shokuba.network.models import Member, Organisation, User
from shokuba.plans import services as plan_services
from shokuba.plans.models import Initiative, Kpi, Plan
from shokuba.public import services
from shokuba.public.models import JobPosting, MemberPublication, OrganisationProfile
from shokuba.public.tests.conftest import make_organisation
from shokuba.results import selectors as results_selectors
from shokuba.results.permissions import results_scope
from shokuba.results.tests.conftest import fill
from shokuba.surveys import services as survey_services
from shokuba.surveys.models import Wave, WaveStatus
from shokuba.workplace.models import IndicatorYear

pytestmark = pytest.mark.django_db

TODAY = dt.date.today


@dataclass
class Site:
    toyooka: Member
    organisation: Organisation
    hidden_organisation: Organisation
    foreign_organisation: Organisation
    posting: JobPosting
    private_postings: list[JobPosting]
    wave: Wave
    private_waves: list[Wave]
    plan: Plan
    case: Case
    private_cases: list[Case]


def _posting(organisation: Organisation, actor: Any, title: str, days: int = 30) -> JobPosting:
    return services.job_posting_save(
        actor=actor,
        organisation=organisation,
        title=title,
        description=f"{title}の仕事の内容。",
        employment_type="FULL_TIME",
        location=organisation.location,
        salary_min=200000,
        salary_max=260000,
        salary_unit="MONTH",
        valid_through=timezone.localdate() + dt.timedelta(days=days),
    )


@pytest.fixture
def site(
    toyooka: Member,
    kesennuma: Member,
    miyagi: Member,
    coordinator: User,
    other_coordinator: User,
    org_admin: User,
    organisation: Organisation,
    second_organisation: Organisation,
    other_organisation: Organisation,
    filled_wave: Wave,
    published: Any,
    plan: Plan,
) -> Site:
    # 豊岡市's own private waves: one closed but not chosen, one still open.
    private_waves = []
    for name, status in (("非公開ウェーブ", WaveStatus.CLOSED), ("公開前ウェーブ", WaveStatus.OPEN)):
        created = survey_services.wave_create(
            actor=coordinator,
            version=published,
            name=name,
            fiscal_year=2026,
            opens_on=timezone.localdate(),
            closes_on=timezone.localdate() + dt.timedelta(days=5),
            organisations=[organisation],
        )
        Wave.objects.filter(pk=created.pk).update(status=status)
        private_waves.append(created)
    services.member_publication_save(
        actor=coordinator,
        member=toyooka,
        published=True,
        summary="豊岡市の公開紹介文",
        kpi_ids=[Kpi.objects.get(plan=plan, name="公開するKPI").pk],
        initiative_ids=[Initiative.objects.get(plan=plan, title="公開する取組").pk],
        wave_ids=[filled_wave.pk],
    )
    # A publication that names private items (as if an item became internal, or a wave was reopened, after it was
    # chosen): the public reads check again and show none of them.
    MemberPublication.objects.filter(member=toyooka).update(
        kpi_ids=[k.pk for k in Kpi.objects.filter(plan=plan)],
        initiative_ids=[i.pk for i in Initiative.objects.filter(plan=plan)],
        wave_ids=[filled_wave.pk, private_waves[1].pk],  # the open one; the closed one stays unchosen
    )
    # 気仙沼市: a draft plan and an unpublished page; its organisation's profile is not published.
    draft = plan_services.plan_save(
        actor=other_coordinator,
        member=kesennuma,
        title="気仙沼の計画",
        vision="姿",
        goals="",
        start_year=2026,
        end_year=2028,
    )
    draft_kpi = plan_services.kpi_save(
        actor=other_coordinator,
        plan=draft,
        name="気仙沼の下書きKPI",
        source="manual",
        unit="人",
        baseline_year=2026,
        baseline_value=1,
        target_value=2,
        target_year=2028,
    )
    MemberPublication.objects.create(
        member=kesennuma, published=False, summary="気仙沼非公開紹介", kpi_ids=[draft_kpi.pk]
    )
    # 宮城県 publishes its page; 豊岡市's plan items named there must not appear on it.
    MemberPublication.objects.create(
        member=miyagi, published=True, summary="宮城県の公開紹介文", kpi_ids=[draft_kpi.pk], wave_ids=[filled_wave.pk]
    )
    OrganisationProfile.objects.create(
        organisation=other_organisation, published=False, introduction="よその非公開紹介"
    )
    IndicatorYear.objects.create(organisation=other_organisation, fiscal_year=2025, women_manager_ratio=99.1)
    services.indicator_publication_save(
        actor=SYSTEM, organisation=other_organisation, fiscal_year=2025, indicators=["women_manager_ratio"]
    )
    # The published organisation: one indicator published, one not; arrangements in place but not shown.
    IndicatorYear.objects.create(
        organisation=organisation,
        fiscal_year=2025,
        women_manager_ratio=23.4,
        avg_monthly_overtime=123.4,
        flex_telework=True,
    )
    services.organisation_profile_save(
        actor=org_admin,
        organisation=organisation,
        published=True,
        introduction="テスト精工の紹介",
        recruiting_url="https://example.jp/recruit",
    )
    services.indicator_publication_save(
        actor=org_admin, organisation=organisation, fiscal_year=2025, indicators=["women_manager_ratio"]
    )
    # An organisation whose profile is not published, with a published year and a published posting.
    services.organisation_profile_save(
        actor=SYSTEM, organisation=second_organisation, published=False, introduction="非公開の紹介文"
    )
    IndicatorYear.objects.create(organisation=second_organisation, fiscal_year=2025, women_manager_ratio=98.9)
    services.indicator_publication_save(
        actor=SYSTEM, organisation=second_organisation, fiscal_year=2025, indicators=["women_manager_ratio"]
    )
    hidden_posting = _posting(second_organisation, SYSTEM, "非公開企業の求人")
    services.job_posting_publish(actor=SYSTEM, posting=hidden_posting)
    # Postings: one public; a draft, a closed and an expired one.
    posting = services.job_posting_publish(actor=org_admin, posting=_posting(organisation, org_admin, "公開求人"))
    draft_posting = _posting(organisation, org_admin, "下書き求人")
    closed = services.job_posting_close(
        actor=org_admin,
        posting=services.job_posting_publish(actor=org_admin, posting=_posting(organisation, org_admin, "終了求人")),
    )
    expired = services.job_posting_publish(actor=org_admin, posting=_posting(organisation, org_admin, "期限切れ求人"))
    JobPosting.objects.filter(pk=expired.pk).update(valid_through=timezone.localdate() - dt.timedelta(days=1))
    case, private_cases = _cases(toyooka, kesennuma, coordinator, other_coordinator, filled_wave, plan)
    return Site(
        toyooka,
        organisation,
        second_organisation,
        other_organisation,
        posting,
        [draft_posting, closed, expired, hidden_posting],
        filled_wave,
        private_waves,
        plan,
        case,
        private_cases,
    )


def _cases(
    toyooka: Member, kesennuma: Member, coordinator: User, other_coordinator: User, wave: Wave, plan: Plan
) -> tuple[Case, list[Case]]:
    """豊岡市's approved public case with every kind of evidence and a comment; and every private case: network-only,
    public but draft, submitted, returned or revised into a draft, and 気仙沼市's (page unpublished)."""
    case = approved_case(toyooka, coordinator, title="公開する事例の名前", visibility="public")
    learning_services.case_evidence_add(
        actor=coordinator, case=case, kind="link", url="https://example.jp/kohyo.pdf", label="市の公表報告書"
    )
    learning_services.case_evidence_add(
        actor=coordinator, case=case, kind="link", url="http://localhost:8000/learning/", label="ログインが要る根拠"
    )
    learning_services.case_evidence_add(
        actor=coordinator, case=case, kind="results", wave_id=wave.pk, label="調査結果の根拠ラベル"
    )
    learning_services.case_evidence_add(
        actor=coordinator,
        case=case,
        kind="kpi",
        kpi_id=Kpi.objects.get(plan=plan, name="公開するKPI").pk,
        label="KPIの根拠ラベル",
    )
    learning_services.case_comment_add(actor=other_coordinator, case=case, body="事例への非公開コメント")
    private = [approved_case(toyooka, coordinator, title="ネットワーク内だけの事例", visibility="network")]
    for title in ("下書きの公開事例", "提出中の公開事例", "差し戻された公開事例"):
        private.append(
            learning_services.case_save(
                actor=coordinator, member=toyooka, data=case_input(title=title, visibility="public")
            )
        )
    learning_services.case_submit(actor=coordinator, case=private[2])
    learning_services.case_submit(actor=coordinator, case=private[3])
    learning_services.case_return(actor=SYSTEM, case=private[3], reason="理由")
    revised = approved_case(toyooka, coordinator, title="改訂中の公開事例", visibility="public")
    private.append(learning_services.case_revise(actor=coordinator, case=revised))
    private.append(approved_case(kesennuma, other_coordinator, title="気仙沼の公開事例", visibility="public"))
    return case, private


PRIVATE_TEXTS = (
    "内部用のKPI",
    "内部用の取組",
    "非公開ウェーブ",
    "公開前ウェーブ",
    "123.4",
    "テレワーク（在宅勤務等）、",  # an arrangement list on a card (the search form lists every arrangement alone)
    "豊岡テスト運輸",
    "非公開の紹介文",
    "98.9",
    "下書き求人",
    "終了求人",
    "期限切れ求人",
    "非公開企業の求人",
    "気仙沼非公開紹介",
    "気仙沼の下書きKPI",
    "株式会社よその水産",
    "よその非公開紹介",
    "99.1",
    "ネットワーク内だけの事例",
    "下書きの公開事例",
    "提出中の公開事例",
    "差し戻された公開事例",
    "改訂中の公開事例",
    "気仙沼の公開事例",
    "事例への非公開コメント",
    "ログインが要る根拠",
    "/learning/",
    "調査結果の根拠ラベル",
    "KPIの根拠ラベル",
    "/results/",
)


def _public_urls(client: Client) -> list[str]:
    urls = [
        "/public/",
        "/public/?lang=en",
        "/public/members/",
        "/public/members/?prefecture=28",
        "/public/members/282090/",
        "/public/members/282090/?lang=en",
        "/public/members/040002/",
        "/public/organisations/",
        "/public/organisations/?women_manager_ratio=0",
        "/public/jobs/",
        "/public/jobs/feed.atom",
        "/public/jobs/feed.json",
        "/public/open-data/",
        "/public/open-data/dictionary/",
        "/public/open-data/dictionary.csv",
        "/sitemap.xml",
    ]
    sitemap = client.get("/sitemap.xml").content.decode()
    urls += [re.sub(r"^https?://[^/]+", "", u) for u in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    urls += [
        u.replace(".csv", ".cp932.csv") for u in urls if u.startswith("/public/open-data/2") and u.endswith(".csv")
    ]
    return sorted(set(urls))


def _text(response: Any) -> str:
    body = response.content
    if "Shift_JIS" in response.get("Content-Type", ""):
        return body.decode("cp932")
    return body.decode("utf-8-sig")


def test_nothing_unpublished_is_reachable(site: Site) -> None:
    client = Client()
    urls = _public_urls(client)
    assert f"/public/organisations/{site.organisation.pk}/" in urls
    assert f"/public/jobs/{site.posting.pk}/" in urls
    assert f"/public/cases/{site.case.pk}/" in urls
    assert any(u.startswith("/public/open-data/282090/2026.") for u in urls)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        found = [t for t in PRIVATE_TEXTS if t in text]
        assert not found, f"{url} shows {found}"
    # What is published does show.
    member_page = _text(client.get("/public/members/282090/"))
    assert "豊岡市の公開紹介文" in member_page and "公開するKPI" in member_page and "公開する取組" in member_page
    assert "2026年度 ベースライン調査" in member_page
    organisation_page = _text(client.get(f"/public/organisations/{site.organisation.pk}/"))
    assert "23.4" in organisation_page and "公開求人" in organisation_page
    assert "公開する事例の名前" in member_page and f"/public/cases/{site.case.pk}/" in member_page
    case_page = _text(client.get(f"/public/cases/{site.case.pk}/"))
    assert "うまくいかなかった理由" in case_page and "管理職が代替要員の確保を心配していた。" in case_page
    assert "https://example.jp/kohyo.pdf" in case_page and "講師謝金 約10万円" in case_page
    # Every private object's own public URL is a 404.
    missing = [
        "/public/members/042056/",  # unpublished page
        "/public/members/131016/",  # not a member
        f"/public/organisations/{site.hidden_organisation.pk}/",
        f"/public/organisations/{site.foreign_organisation.pk}/",
        "/public/open-data/042056/2025.csv",
        "/public/open-data/282090/1999.json",
        "/public/open-data/040002/2026.csv",  # 宮城県: its page names no wave of its own and no organisation publishes
        *[f"/public/jobs/{p.pk}/" for p in site.private_postings],
        *[f"/public/cases/{c.pk}/" for c in site.private_cases],
    ]
    for url in missing:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", ["coordinator", "other_coordinator", "org_admin", "secretariat"])
def test_logging_in_reveals_nothing_more_on_the_public_site(
    site: Site, request: pytest.FixtureRequest, role: str
) -> None:
    client = Client()
    client.force_login(request.getfixturevalue(role))
    assert client.get("/public/members/042056/").status_code == 404
    assert client.get(f"/public/jobs/{site.private_postings[0].pk}/").status_code == 404
    for case in site.private_cases:
        assert client.get(f"/public/cases/{case.pk}/").status_code == 404
    text = _text(client.get("/public/members/282090/"))
    assert "内部用のKPI" not in text and "非公開ウェーブ" not in text


def test_pages_carry_canonical_ogp_and_both_languages(site: Site) -> None:
    client = Client()
    response = client.get("/public/members/282090/", HTTP_HOST="localhost")
    assert_strict_page_policy(response)
    html = response.content.decode()
    assert '<html lang="ja"' in html
    assert '<link rel="canonical" href="http://localhost/public/members/282090/">' in html
    assert '<meta property="og:url" content="http://localhost/public/members/282090/">' in html
    assert '<meta property="og:title" content="兵庫県豊岡市">' in html
    assert 'hreflang="en" href="http://localhost/public/members/282090/?lang=en"' in html
    english = client.get("/public/members/282090/?lang=en", HTTP_HOST="localhost")
    assert english["Content-Language"] == "en"
    page = english.content.decode()
    assert (
        '<html lang="en"' in page and 'rel="canonical" href="http://localhost/public/members/282090/?lang=en"' in page
    )
    assert 'href="/public/members/?lang=en"' in page  # the page's own links stay in English


def test_public_case_page_carries_canonical_and_ogp(site: Site) -> None:
    path = f"/public/cases/{site.case.pk}/"
    response = Client().get(path, HTTP_HOST="localhost")
    assert_strict_page_policy(response)
    html = response.content.decode()
    assert f'<link rel="canonical" href="http://localhost{path}">' in html
    assert f'<meta property="og:url" content="http://localhost{path}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert f'hreflang="en" href="http://localhost{path}?lang=en"' in html
    english = Client().get(path + "?lang=en", HTTP_HOST="localhost").content.decode()
    assert f'rel="canonical" href="http://localhost{path}?lang=en"' in english


def test_language_comes_from_the_address_not_the_cookie(site: Site) -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    assert '<html lang="ja"' in client.get("/public/").content.decode()


def test_public_site_settings_decide_absolute_urls(site: Site, settings: Any) -> None:
    settings.PUBLIC_SITE_URL = "https://shokuba.example.go.jp"
    html = Client().get("/public/", HTTP_HOST="localhost").content.decode()
    assert '<link rel="canonical" href="https://shokuba.example.go.jp/public/">' in html


def test_job_posting_structured_data(site: Site) -> None:
    html = Client().get(f"/public/jobs/{site.posting.pk}/", HTTP_HOST="localhost").content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block is not None
    data = json.loads(block.group(1))
    assert data["@type"] == "JobPosting" and data["title"] == "公開求人"
    assert data["hiringOrganization"] == {
        "@type": "Organization",
        "name": "株式会社テスト精工",
        "url": f"http://localhost/public/organisations/{site.organisation.pk}/",
        "sameAs": "https://example.jp/recruit",
    }
    assert data["employmentType"] == "FULL_TIME"
    assert data["datePosted"] == timezone.localdate().isoformat()
    assert data["jobLocation"]["address"]["addressRegion"] == "兵庫県"
    assert data["baseSalary"]["value"] == {
        "@type": "QuantitativeValue",
        "unitText": "MONTH",
        "minValue": 200000,
        "maxValue": 260000,
    }


def test_structured_data_cannot_close_its_script_element(site: Site, org_admin: User) -> None:
    posting = services.job_posting_save(
        actor=org_admin,
        organisation=site.organisation,
        posting=site.posting,
        title="事務スタッフ",
        description="</script><script>alert(1)</script> & <b>",
        employment_type="FULL_TIME",
        location=site.organisation.location,
        salary_min=None,
        salary_max=None,
        salary_unit="",
        valid_through=site.posting.valid_through,
    )
    services.job_posting_publish(actor=org_admin, posting=posting)
    html = Client().get(f"/public/jobs/{posting.pk}/").content.decode()
    assert "</script><script>alert(1)" not in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block is not None and json.loads(block.group(1))["description"].startswith("</script>")


def test_feeds_list_open_postings(site: Site) -> None:
    client = Client()
    atom = client.get("/public/jobs/feed.atom", HTTP_HOST="localhost")
    assert atom["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(atom.content)  # noqa: S314 - our own feed
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.text for e in root.findall("a:entry/a:title", ns)]
    assert titles == ["公開求人｜株式会社テスト精工"]
    feed = json.loads(client.get("/public/jobs/feed.json", HTTP_HOST="localhost").content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert [i["url"] for i in feed["items"]] == [f"http://localhost/public/jobs/{site.posting.pk}/"]
    assert feed["items"][0]["_job_posting"]["@type"] == "JobPosting"


def test_sitemap_lists_public_pages_with_alternates(site: Site) -> None:
    body = Client().get("/sitemap.xml", HTTP_HOST="localhost").content
    root = ET.fromstring(body)  # noqa: S314 - our own sitemap
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = {e.text for e in root.findall("s:url/s:loc", ns)}
    assert "http://localhost/public/members/282090/" in locs
    assert f"http://localhost/public/organisations/{site.organisation.pk}/" in locs
    assert f"http://localhost/public/jobs/{site.posting.pk}/" in locs
    assert f"http://localhost/public/cases/{site.case.pk}/" in locs
    assert not any(f"/public/cases/{c.pk}/" in str(loc) for c in site.private_cases for loc in locs)
    assert "http://localhost/public/members/042056/" not in locs


def test_wave_headlines_pass_the_gate(toyooka: Member, coordinator: User, wave: Wave) -> None:
    """Three men answered: the men's column is hidden, and so is every group the wave's gate hides with it (the
    women's figures would give the men's away from the whole wave's)."""
    fill(wave, women=30, men=3, second=0)
    gate = results_selectors.gate(results_scope(SYSTEM, wave))
    shown = {"": gate.scope().shown, "F": gate.group({"sex": ("F",)}).shown, "M": gate.group({"sex": ("M",)}).shown}
    assert shown["M"] is False
    services.member_publication_save(
        actor=coordinator, member=toyooka, published=True, summary="紹介", wave_ids=[wave.pk]
    )
    from shokuba.public import selectors

    headlines = selectors.wave_headlines(toyooka, [wave.pk])
    assert headlines and headlines[0].rows
    for row in headlines[0].rows:
        assert {group: value is not None for group, value in row.values.items()} == shown
    page = Client().get("/public/members/282090/").content.decode()
    assert "<td>—</td>" in page


def test_open_data_files(site: Site) -> None:
    client = Client()
    utf8 = client.get("/public/open-data/282090/2025.csv")
    assert utf8.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in utf8["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(utf8.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "団体コード",
        "団体名",
        "年度",
        "区分",
        "項目コード",
        "項目",
        "対象",
        "値",
        "単位",
        "基数",
        "状態",
        "注記",
    ]
    by_item = {(r[3], r[4]): r for r in rows[1:]}
    # One organisation publishes 女性管理職比率: under the threshold of organisations, so hidden.
    manager = by_item[("workplace", "women_manager_ratio")]
    assert manager[7] == "" and manager[10] == "hidden"
    cp932 = client.get("/public/open-data/282090/2025.cp932.csv")
    assert cp932["Content-Type"] == "text/csv; charset=Shift_JIS"
    assert list(csv.reader(io.StringIO(cp932.content.decode("cp932")))) == rows
    data = json.loads(client.get("/public/open-data/282090/2026.json").content)
    assert data["licence"]["name"] == "CC BY 4.0" and data["member_code"] == "282090"
    survey = [r for r in data["rows"] if r["dataset"] == "survey"]
    assert survey and {r["group"] for r in survey} == {"all", "F", "M"}
    assert all(r["item"].startswith("2026年度 ベースライン調査") for r in survey)


def test_open_data_median_shown_from_the_threshold(toyooka: Member, coordinator: User) -> None:
    services.member_publication_save(actor=coordinator, member=toyooka, published=True, summary="紹介")
    values = [10.0, 20.0, 30.0, 40.0, 50.0]
    for i, value in enumerate(values):
        organisation = make_organisation(toyooka, f"中央値テスト{i}", "282090")
        IndicatorYear.objects.create(organisation=organisation, fiscal_year=2025, paid_leave_rate=value)
        services.organisation_profile_save(actor=SYSTEM, organisation=organisation, published=True)
        services.indicator_publication_save(
            actor=SYSTEM, organisation=organisation, fiscal_year=2025, indicators=["paid_leave_rate"]
        )
    data = json.loads(Client().get("/public/open-data/282090/2025.json").content)
    row = next(r for r in data["rows"] if r["item_code"] == "paid_leave_rate")
    assert (row["value"], row["base"], row["status"]) == (30.0, 5, "shown")


def test_organisation_search_filters(site: Site, toyooka: Member) -> None:
    low = make_organisation(toyooka, "検索テスト低", "282090", industry="D")
    IndicatorYear.objects.create(organisation=low, fiscal_year=2025, women_manager_ratio=5.0)
    services.organisation_profile_save(actor=SYSTEM, organisation=low, published=True)
    services.indicator_publication_save(
        actor=SYSTEM, organisation=low, fiscal_year=2025, indicators=["women_manager_ratio"]
    )
    client = Client()
    page = client.get("/public/organisations/?women_manager_ratio=10").content.decode()
    assert "株式会社テスト精工" in page and "検索テスト低" not in page
    page = client.get("/public/organisations/?industry=D").content.decode()
    assert "検索テスト低" in page and "株式会社テスト精工" not in page
    page = client.get("/public/organisations/?prefecture=04").content.decode()
    assert "検索テスト低" not in page and "株式会社テスト精工" not in page
    page = client.get("/public/organisations/?paid_leave_rate=1").content.decode()  # published by no one
    assert "株式会社テスト精工" not in page
    bad = client.get("/public/organisations/?women_manager_ratio=abc")
    assert bad.status_code == 400 and "数値を入力してください" in bad.content.decode()


def test_member_list_filters_and_map(site: Site) -> None:
    client = Client()
    page = client.get("/public/members/?prefecture=28").content.decode()
    assert "兵庫県豊岡市" in page and "宮城県気仙沼市" not in page
    home = client.get("/public/").content.decode()
    assert "<svg" in home and 'href="/public/members/?prefecture=28"' in home
    assert "兵庫県：参加自治体" in home  # each tile has a text equivalent (title, aria-label, the table)


def test_a_cached_page_follows_what_may_be_shown(site: Site, coordinator: User) -> None:
    """The page's readings are cached; revising the plan into a draft or reopening a wave hides them at once."""
    client = Client()
    assert "公開するKPI" in client.get("/public/members/282090/").content.decode()
    assert "2026年度 ベースライン調査" in client.get("/public/members/282090/").content.decode()
    plan_services.plan_revise(actor=coordinator, plan=site.plan)
    Wave.objects.filter(pk=site.wave.pk).update(status=WaveStatus.OPEN)
    page = client.get("/public/members/282090/").content.decode()
    assert "公開するKPI" not in page and "公開する取組" not in page and "2026年度 ベースライン調査" not in page
