"""The demo's public site: 豊岡市 and 気仙沼市 publish their pages, some of their organisations publish profiles,
figures of fiscal 2025 and job postings, so `make run` shows a populated public site. Fictional, like the rest of
the demo (the texts say so).

Job postings are published only through the job-ad checker (`core.checkers`, registered by the jobads app): a
posting it refuses stays a draft here too."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from shokuba.core.checkers import JOB_AD_CHECKER, checker_of
from shokuba.core.permissions import SYSTEM
from shokuba.network.models import Member, Organisation, User
from shokuba.public import services
from shokuba.public.models import EmploymentType, SalaryUnit
from shokuba.workplace.models import IndicatorYear

TOYOOKA = "282090"
KESENNUMA = "042056"
DEMO_YEAR = 2025
SHOWN = [
    "women_manager_ratio",
    "male_childcare_leave_rate",
    "paid_leave_rate",
    "avg_monthly_overtime",
    "women_worker_ratio",
    "tenure_gap_years",
]
# (organisation, introduction, recruiting page, which indicators of SHOWN, arrangements shown)
_PROFILES = [
    (
        "株式会社但馬精工",
        "精密部品の製造。子育て中の社員の短時間勤務と男性の育休取得を進めています（デモ）。",
        "https://example.jp/tajima-seiko/recruit",
        6,
        True,
    ),
    (
        "豊岡かばん工房株式会社",
        "豊岡のかばんづくり。職人の技術を若手に引き継いでいます（デモ）。",
        "https://example.jp/kaban/recruit",
        4,
        True,
    ),
    ("城崎温泉旅館協同組合", "城崎温泉の旅館の協同組合（デモ）。", "", 4, False),
    (
        "株式会社コウノトリ情報システム",
        "地域のITを支えるシステム開発。テレワーク可（デモ）。",
        "https://example.jp/kounotori-is/careers",
        6,
        True,
    ),
    ("社会福祉法人こうのとり福祉会", "高齢者福祉と保育（デモ）。", "", 4, True),
    ("株式会社豊岡スーパーマート", "地域のスーパーマーケット（デモ）。", "", 4, False),
    ("株式会社気仙沼水産加工", "三陸の水産加工（デモ）。", "https://example.jp/kesennuma-suisan/recruit", 4, True),
    ("株式会社三陸ITサービス", "気仙沼のIT企業。Uターンの社員が活躍しています（デモ）。", "", 6, True),
]
_POSTINGS = [
    (
        "株式会社但馬精工",
        "生産技術スタッフ（正社員）",
        "精密部品の生産ラインの改善と設備保守を担当します。未経験の方も先輩社員が指導します。"
        "育児休業・短時間勤務の取得実績があります（デモの求人です）。",
        EmploymentType.FULL_TIME,
        (220000, 300000, SalaryUnit.MONTH),
    ),
    (
        "株式会社コウノトリ情報システム",
        "システムエンジニア（Uターン歓迎）",
        "自治体・地域企業向けシステムの設計・開発。週2日まで在宅勤務ができます（デモの求人です）。",
        EmploymentType.FULL_TIME,
        (250000, 380000, SalaryUnit.MONTH),
    ),
    (
        "株式会社気仙沼水産加工",
        "製造スタッフ（パート）",
        "水産加工品の製造・包装。勤務時間は相談に応じます（デモの求人です）。",
        EmploymentType.PART_TIME,
        (1000, 1200, SalaryUnit.HOUR),
    ),
]


def demo_public(today: dt.date | None = None) -> None:
    today = today or dt.date.today()
    toyooka = Member.objects.get(pk=TOYOOKA)
    kesennuma = Member.objects.get(pk=KESENNUMA)
    services.member_publication_save(
        actor=User.objects.get(username="toyooka"),
        member=toyooka,
        published=True,
        summary=(
            "豊岡市は「ジェンダーギャップの解消」と「ワークイノベーション」を掲げ、市内の企業・団体とともに、"
            "若者や女性が働きやすく働きがいのある職場づくりを進めています。従業員アンケートで職場の状態を確かめ、"
            "アクションプランの KPI で効果を検証しています。（デモの内容です）"
        ),
        kpi_ids=[k.pk for k in services.publishable_kpis(toyooka)],
        initiative_ids=[i.pk for i in services.publishable_initiatives(toyooka)],
        wave_ids=[w.pk for w in services.publishable_waves(toyooka)],
    )
    services.member_publication_save(
        actor=User.objects.get(username="kesennuma"),
        member=kesennuma,
        published=True,
        summary=(
            "気仙沼市は、地域の企業・団体と「ジェンダーギャップ解消プロジェクト」に取り組み、"
            "若い世代が戻ってきたくなる職場を増やしています。（デモの内容です）"
        ),
        wave_ids=[w.pk for w in services.publishable_waves(kesennuma)],
    )
    for name, introduction, url, shown, arrangements in _PROFILES:
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            continue
        services.organisation_profile_save(
            actor=SYSTEM,
            organisation=organisation,
            published=True,
            introduction=introduction,
            recruiting_url=url,
            show_certifications=True,
        )
        for year in IndicatorYear.objects.filter(organisation=organisation, fiscal_year__gte=DEMO_YEAR - 1):
            services.indicator_publication_save(
                actor=SYSTEM,
                organisation=organisation,
                fiscal_year=year.fiscal_year,
                indicators=SHOWN[:shown],
                show_arrangements=arrangements,
            )
    checker = checker_of(JOB_AD_CHECKER)
    for name, title, description, employment_type, (low, high, unit) in _POSTINGS:
        organisation = Organisation.objects.filter(name=name).first()
        if organisation is None:
            continue
        posting = services.job_posting_save(
            actor=SYSTEM,
            organisation=organisation,
            title=title,
            description=description,
            employment_type=employment_type,
            location=organisation.location,
            salary_min=low,
            salary_max=high,
            salary_unit=unit,
            valid_through=today + dt.timedelta(days=90),
        )
        if checker is not None:
            try:
                services.job_posting_publish(actor=SYSTEM, posting=posting, today=today)
            except ValidationError:
                pass  # the checker found something in the demo text: it stays a draft, as it would for a user
