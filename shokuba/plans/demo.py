"""The demo member's action plan (豊岡市): KPIs on every kind of source, initiatives, a review and an approved
version, so `make run` shows the plan, its KPI pages and the report. Fictional, like the rest of the demo."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone

from shokuba.core.dates import fiscal_year
from shokuba.guidebook.models import Step
from shokuba.network.models import Member, User
from shokuba.plans import services
from shokuba.plans.models import InitiativeStatus, Plan
from shokuba.plans.readings import plan_readings

TOYOOKA = "282090"
# A one-page PDF: the evidence file of the manual KPI (checked by core.uploads like any upload).
EVIDENCE_PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def demo_plan() -> Plan:
    member = Member.objects.get(pk=TOYOOKA)
    actor = User.objects.get(username="toyooka")
    plan = services.plan_save(
        actor=actor,
        member=member,
        title="豊岡市ワークイノベーション・アクションプラン（デモ）",
        vision=(
            "若者や女性が「働きやすく、働きがいがある」と感じ、豊岡で働き続けたい・戻ってきたいと思える職場が"
            "地域に広がっている。"
        ),
        goals="1. 参加企業・団体の職場で働きやすさと働きがいを高める\n"
        "2. 性別による無意識の思い込みに気づく機会を広げる\n"
        "3. 若い女性の転出超過を減らす",
        start_year=2026,
        end_year=2028,
    )
    kpis = [
        dict(
            name="「働きやすい」と思う従業員の割合",
            source="survey_top",
            item_code="WS-Z01",
            baseline_year=2026,
            target_value=75.0,
            target_year=2028,
        ),
        dict(
            name="女性で「働きがいがある」と思う従業員の割合",
            source="survey_top",
            item_code="WS-Z02",
            group="F",
            baseline_year=2026,
            target_value=70.0,
            target_year=2028,
        ),
        dict(
            name="「男性は仕事をして家計を支えるべきだ」そう思う傾向",
            source="survey_top",
            item_code="UB-H01",
            baseline_year=2026,
            target_value=30.0,
            target_year=2028,
        ),
        dict(
            name="3分の2基準を満たす企業・団体の数",
            source="two_thirds",
            baseline_year=2026,
            target_value=8,
            target_year=2028,
        ),
        dict(
            name="男性の育児休業取得率（参加企業・団体の中央値）",
            source="workplace",
            indicator="male_childcare_leave_rate_leave",
            baseline_year=2023,
            target_value=50,
            target_year=2028,
        ),
        dict(
            name="若者回復率（女性）",
            source="migration",
            indicator="recovery_rate",
            sex="F",
            baseline_year=2020,
            target_value=40,
            target_year=2028,
        ),
        dict(
            name="転入超過率",
            source="migration",
            indicator="net_rate_total",
            sex="T",
            baseline_year=2020,
            target_value=0,
            target_year=2028,
            internal=True,
        ),
        dict(name="参加企業・団体の数", source="organisations", baseline_year=2026, target_value=40, target_year=2028),
        dict(name="調査の回答率", source="response_rate", baseline_year=2026, target_value=85, target_year=2028),
        dict(
            name="ワークショップ参加者数",
            source="manual",
            unit="人",
            baseline_year=2025,
            baseline_value=60,
            target_value=200,
            target_year=2028,
        ),
    ]
    created = [services.kpi_save(actor=actor, plan=plan, **values) for values in kpis]  # type: ignore[arg-type]
    steps = {s.code: s for s in Step.objects.filter(code__in=["4-2", "4-3", "4-5", "4-6"])}
    for step, title, owner, start, end, status in (
        (
            "4-2",
            "管理職向けアンコンシャス・バイアス研修",
            "商工課",
            dt.date(2026, 7, 1),
            dt.date(2027, 3, 31),
            InitiativeStatus.RUNNING,
        ),
        (
            "4-3",
            "働き方改革の個別相談会（社労士派遣）",
            "商工課",
            dt.date(2026, 9, 1),
            dt.date(2028, 3, 31),
            InitiativeStatus.RUNNING,
        ),
        (
            "4-5",
            "テーマ別ワークショップ（評価の見える化）",
            "ワークイノベーション推進会議",
            dt.date(2026, 10, 1),
            dt.date(2027, 2, 28),
            InitiativeStatus.DONE,
        ),
        ("4-6", "市民向けシンポジウム", "市民課", dt.date(2027, 6, 1), dt.date(2027, 6, 30), InitiativeStatus.PLANNED),
    ):
        services.initiative_save(
            actor=actor,
            plan=plan,
            step=steps[step],
            title=title,
            owner=owner,
            starts_on=start,
            ends_on=end,
            status=status,
        )
    services.plan_approve(
        actor=actor,
        plan=plan,
        approved_on=dt.date(2026, 5, 20),
        body="豊岡市ワークイノベーション推進会議",
        note="初版",
    )
    services.kpi_manual_value_add(
        actor=actor,
        kpi=created[-1],
        fiscal_year=2026,
        value=140,
        note="参加者名簿の集計",
        stream=io.BytesIO(EVIDENCE_PDF),
        name="ワークショップ参加者名簿（集計）.pdf",
        size=len(EVIDENCE_PDF),
    )
    services.review_save(
        actor=actor,
        plan=plan,
        fiscal_year=2026,
        reviewed_on=dt.date(2026, 12, 1),
        done="ベースライン調査とフォローアップ調査を実施し、管理職研修を3回開催した。",
        checked="「働きやすい」の割合は上がったが、変化が誤差の範囲内の項目もある。",
        next_actions="小規模事業所の参加を増やすため、個別相談会の回数を増やす。",
    )
    # The network page reads each KPI's last reading: the demo's plan has been read once.
    plan_kpis = list(plan.kpis.order_by("position", "pk"))
    services.kpi_snapshots_write(member, plan_readings(plan_kpis, member, until=fiscal_year(timezone.localdate())))
    return plan
