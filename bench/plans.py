"""plan_report: the effect-verification report (content + XLSX + PDF with its charts) of a programme with five waves
× 5,000 responses and 30 KPIs, against pandas computing only the bare numbers (top-two rates with Wilson intervals
per wave and item, from the same answer rows read with SQL) in the same run. Target: < 10 s.

plan_network: the secretariat's page of KPI attainment across the 68 members (each with a plan of 10 KPIs), the
whole request through the test client, against the secretariat's guidebook board (68 × 22) in the same run.
Target: < 1 s."""

from __future__ import annotations

import datetime as dt

from bench import _shared
from bench.results import _big_wave

runner = _shared.runner()

WAVES = 5
RESPONSES = 5_000
KPIS = 30


def _plan_with_kpis() -> object:
    from shokuba.network.models import Member, User
    from shokuba.plans import services
    from shokuba.plans.models import Plan
    from shokuba.results.selectors import wave_items
    from shokuba.surveys.models import QuestionnaireVersion

    coordinator = User.objects.get(username="toyooka")
    member = Member.objects.get(pk="282090")
    first = _big_wave(RESPONSES, name="計画ベンチ 1回目", fiscal_year=2026, closes_on=dt.date(2026, 6, 30), seed=1)
    version = QuestionnaireVersion.objects.get(waves=first)
    for n in range(2, WAVES + 1):
        _big_wave(
            RESPONSES,
            version=version,
            name=f"計画ベンチ {n}回目",
            fiscal_year=2026 + (n - 1) // 2,
            closes_on=dt.date(2026 + (n - 1) // 2, 6 if n % 2 else 11, 30),
            seed=n,
            shift_women=0.6 - 0.1 * n,
        )
    Plan.objects.filter(member=member).delete()
    plan = services.plan_save(
        actor=coordinator,
        member=member,
        title="ベンチの計画",
        vision="ベンチ",
        goals="",
        start_year=2026,
        end_year=2029,
    )
    items = [i.code for i in wave_items(first) if i.kind == "scale"]  # type: ignore[arg-type]
    kinds = ["survey_top", "survey_mean"]
    for index in range(KPIS - 2):
        source = kinds[index % 2]
        services.kpi_save(
            actor=coordinator,
            plan=plan,
            name=f"KPI {index + 1} {items[index % len(items)]}",
            source=source,
            item_code=items[index % len(items)],
            group=["", "F", "M"][index % 3],
            baseline_year=2026,
            target_value=80.0 if source == "survey_top" else 3.5,
            target_year=2029,
        )
    services.kpi_save(
        actor=coordinator,
        plan=plan,
        name="3分の2基準",
        source="two_thirds",
        baseline_year=2026,
        target_value=5,
        target_year=2029,
    )
    services.kpi_save(
        actor=coordinator,
        plan=plan,
        name="参加企業・団体",
        source="organisations",
        baseline_year=2026,
        target_value=40,
        target_year=2029,
    )
    return plan


@runner.benchmark("plan_report")
def bench_plan_report() -> None:
    import pandas as pd
    from statsmodels.stats.proportion import proportion_confint

    from shokuba.plans.content import report_content
    from shokuba.plans.models import Plan
    from shokuba.plans.reports import report_pdf, report_xlsx
    from shokuba.surveys.models import ResponseAnswer, Wave

    plan = _plan_with_kpis()
    assert isinstance(plan, Plan)
    sizes: dict[str, int] = {}

    def ours() -> None:
        content = report_content(plan, 2028, "internal")
        sizes["xlsx"] = len(report_xlsx(content))
        sizes["pdf"] = len(report_pdf(content))

    codes = sorted({k.item_code for k in plan.kpis.all() if k.item_code})
    waves = list(Wave.objects.filter(name__startswith="計画ベンチ").values_list("pk", flat=True))

    def pandas_reference() -> None:
        frame = pd.DataFrame.from_records(
            ResponseAnswer.objects.filter(member_id="282090", wave_id__in=waves, item_code__in=codes).values_list(
                "wave_id", "item_code", "value", "sex"
            ),
            columns=["wave", "item", "value", "sex"],
        )
        frame = frame[frame["value"].notna()]
        grouped = frame.assign(top=frame["value"] <= 2).groupby(["wave", "item"])["top"].agg(["sum", "count"])
        proportion_confint(grouped["sum"], grouped["count"], method="wilson")

    value = runner.timed(ours, repeat=3)
    reference = runner.timed(pandas_reference, repeat=3)
    runner.report(
        "plan_report",
        value,
        "s",
        reference,
        f"pandas top-two + Wilson per wave and item from the same answer rows ({WAVES} waves x {RESPONSES:,}"
        f" responses, {KPIS} KPIs; PDF {sizes['pdf'] // 1024} KB, XLSX {sizes['xlsx'] // 1024} KB)",
    )


@runner.benchmark("plan_network")
def bench_plan_network() -> None:
    from django.test import Client
    from django.utils import timezone

    from shokuba.network.models import Member, User
    from shokuba.plans.models import Kpi, KpiSnapshot, Plan

    now = timezone.now()
    for member in Member.objects.exclude(pk__in=Plan.objects.values("member_id")):
        plan = Plan.objects.create(member=member, title="計画", vision="姿", start_year=2026, end_year=2028)
        kpis = Kpi.objects.bulk_create(
            Kpi(
                plan=plan,
                position=i,
                name=f"KPI {i}",
                source="manual",
                baseline_year=2026,
                baseline_value=0,
                target_value=10,
                target_year=2028,
            )
            for i in range(10)
        )
        KpiSnapshot.objects.bulk_create(
            KpiSnapshot(
                kpi=k,
                member=member,
                status=["on_track", "behind", "unknown"][k.position % 3],
                latest=k.position,
                attainment=10.0 * k.position,
                read_at=now,
            )
            for k in kpis
        )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="secretariat"))

    def ours() -> None:
        response = client.get("/plans/network/")
        assert response.status_code == 200

    def board() -> None:
        response = client.get("/guidebook/board/")
        assert response.status_code == 200

    value = runner.timed(ours, repeat=7)
    reference = runner.timed(board, repeat=7)
    runner.report(
        "plan_network",
        value * 1000,
        "ms",
        reference * 1000,
        "the secretariat's guidebook board page (68 x 22) through the same client",
    )
