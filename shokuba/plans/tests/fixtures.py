"""Rows shared by the plans' matrix tests: a plan for a member with one manual KPI, an initiative and a finished
report job whose files exist (written directly: the permission tests need the rows, not a report build)."""

from __future__ import annotations

import datetime as dt

from shokuba.guidebook.models import Step
from shokuba.network.models import Member, User
from shokuba.plans import reports, services
from shokuba.plans.models import Initiative, Kpi, Plan, ReportJob, ReportStatus, ReportVariant


def plan_with_rows(member: Member, actor: User) -> tuple[Plan, Kpi, Initiative, ReportJob]:
    plan = services.plan_save(
        actor=actor,
        member=member,
        title="マトリクスの計画",
        vision="目指す姿",
        goals="",
        start_year=2026,
        end_year=2028,
    )
    kpi = services.kpi_save(
        actor=actor,
        plan=plan,
        name="参加者数",
        source="manual",
        unit="人",
        baseline_year=2026,
        baseline_value=10,
        target_value=20,
        target_year=2028,
    )
    initiative = services.initiative_save(
        actor=actor,
        plan=plan,
        step=Step.objects.get(code="4-2"),
        title="研修",
        owner="商工課",
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2027, 3, 31),
    )
    job = ReportJob.objects.create(
        member=member,
        plan=plan,
        fiscal_year=2026,
        variant=ReportVariant.INTERNAL,
        status=ReportStatus.SUCCEEDED,
        progress=100,
        pdf_name=f"m{member.pk}.pdf",
        xlsx_name=f"m{member.pk}.xlsx",
        created_by=actor,
    )
    (reports.report_files_dir() / job.pdf_name).write_bytes(b"%PDF-1.4\n%%EOF\n")
    (reports.report_files_dir() / job.xlsx_name).write_bytes(b"PK\x03\x04")
    return plan, kpi, initiative, job
