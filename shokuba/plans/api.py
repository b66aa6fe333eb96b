"""/api/v1/plans/: a member's action plan with its KPIs (values, intervals, status, provenance), KPIs added, the
effect-verification report requested and fetched, and the KPI attainment across the network — over the same
services and selectors as the pages, so the permissions, the gate and the audit log apply unchanged.
A member outside the caller's rows is 404, a visible one without the right 403."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from shokuba.analysis.progress import STATUS_LABELS
from shokuba.api.errors import not_found
from shokuba.api.lookups import caller
from shokuba.api.schemas import ErrorOut, Line, Name, RequestBody, Text
from shokuba.core.downloads import attach
from shokuba.core.permissions import has_perm, require
from shokuba.network.models import Member
from shokuba.plans import reports, selectors, services
from shokuba.plans.models import Kpi, KpiSource, Plan, ReportJob, ReportStatus, ReportVariant
from shokuba.plans.permissions import visible_plan_members, visible_plans, visible_report_jobs
from shokuba.plans.readings import MIGRATION_INDICATORS, Point, Reading, source_label
from shokuba.workplace.picture import PICTURE_INDICATORS

router = Router(tags=["plans"])

ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
Year = Annotated[int, Field(ge=2000, le=2100)]
Value = Annotated[float, Field(ge=-1e9, le=1e9)]
Code = Annotated[str, Field(max_length=20)]


class KpiPointOut(Schema):
    label: str
    fiscal_year: int
    value: float | None = Field(..., description="null: 回答者が少ないなどで非表示")
    low: float | None = Field(..., description="95%信頼区間の下限（誤差のない数値は null）")
    high: float | None
    n: int | None
    hidden: bool
    note: str = Field(..., description="非表示の理由")
    provenance: dict[str, Any] = Field(..., description="出典: 調査回・取込ファイル（日付・SHA-256）・根拠資料と定義")


class KpiOut(Schema):
    id: int
    name: str
    source: KpiSource
    source_label: str
    item_code: str
    group: str
    indicator: str
    sex: str
    unit: str
    internal: bool
    baseline_year: int
    target_value: float
    target_year: int
    baseline: KpiPointOut | None
    latest: KpiPointOut | None
    change: float | None
    change_low: float | None
    change_high: float | None
    pace: float | None
    attainment: float | None
    status: Literal["on_track", "behind", "unknown"]
    status_label: str
    reason: str
    definition: str
    points: list[KpiPointOut]


class PlanVersionOut(Schema):
    number: int
    approved_on: dt.date
    body: str
    changes: list[str]


class PlanOut(Schema):
    member: str
    title: str
    vision: str
    goals: str
    start_year: int
    end_year: int
    state: Literal["draft", "approved"]
    kpis: list[KpiOut]
    versions: list[PlanVersionOut]


class PlanIn(RequestBody):
    title: Annotated[Name, Field(max_length=120)]
    vision: Annotated[Text, Field(min_length=1, max_length=2000, pattern=r"\S")]
    goals: Annotated[Text, Field(max_length=4000)] = ""
    start_year: Year
    end_year: Year


class KpiIn(RequestBody):
    name: Annotated[Name, Field(max_length=120)]
    source: KpiSource
    item_code: Annotated[Line, Field(max_length=32)] = ""
    group: Literal["", "F", "M"] = ""
    indicator: Literal[("", *PICTURE_INDICATORS, *MIGRATION_INDICATORS)] = ""  # type: ignore[valid-type]
    sex: Literal["", "T", "M", "F"] = ""
    window_years: Annotated[int, Field(ge=1, le=5)] = 1
    unit: Annotated[Line, Field(max_length=16)] = ""
    baseline_year: Year
    baseline_value: Value | None = None
    target_value: Value
    target_year: Year
    internal: bool = False
    notes: Annotated[Text, Field(max_length=2000)] = ""


class PlanReportIn(RequestBody):
    fiscal_year: Year
    variant: ReportVariant = Field(..., description="internal（すべて） / public（内部用の項目を除く）")


class PlanReportOut(Schema):
    id: int
    member: str
    fiscal_year: int
    variant: ReportVariant
    status: ReportStatus
    progress: int
    message: str
    content_sha256: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    pdf: str | None = Field(..., description="PDF の URL（完了してファイルがあるときだけ）")
    xlsx: str | None


class AttainmentOut(Schema):
    member: str
    name: str
    plan: bool
    kpis: int
    on_track: int
    behind: int
    unknown: int
    median_attainment: float | None
    read_at: dt.datetime | None


def _point(point: Point | None) -> dict[str, Any] | None:
    if point is None:
        return None
    return {
        "label": point.label,
        "fiscal_year": point.fiscal_year,
        "value": point.value,
        "low": point.low,
        "high": point.high,
        "n": point.n,
        "hidden": point.hidden,
        "note": point.note,
        "provenance": point.provenance,
    }


def kpi_out(reading: Reading) -> dict[str, Any]:
    kpi, judgement = reading.kpi, reading.judgement
    return {
        "id": kpi.pk,
        "name": kpi.name,
        "source": kpi.source,
        "source_label": source_label(kpi),
        "item_code": kpi.item_code,
        "group": kpi.group,
        "indicator": kpi.indicator,
        "sex": kpi.sex,
        "unit": reading.unit,
        "internal": kpi.internal,
        "baseline_year": kpi.baseline_year,
        "target_value": kpi.target_value,
        "target_year": kpi.target_year,
        "baseline": _point(reading.baseline),
        "latest": _point(reading.latest),
        "change": judgement.change,
        "change_low": None if reading.exact else judgement.change_low,
        "change_high": None if reading.exact else judgement.change_high,
        "pace": judgement.pace,
        "attainment": judgement.attainment,
        "status": judgement.status,
        "status_label": _(STATUS_LABELS[judgement.status]),
        "reason": judgement.reason,
        "definition": reading.definition,
        "points": [_point(p) for p in reading.points],
    }


def _member(user: Any, code: str) -> Member:
    member = visible_plan_members(user).filter(pk=code).first() if code.isdigit() else None
    if member is None:
        raise not_found(_("参加自治体「%(code)s」はありません。") % {"code": code}, loc=["path", "code"])
    return member


def _plan(member: Member) -> Plan:
    plan = selectors.plan_of(member)
    if plan is None:
        raise not_found(_("%(member)sの計画はまだありません。") % {"member": member}, loc=["path", "code"])
    return plan


def plan_out(user: Any, plan: Plan) -> dict[str, Any]:
    kpis = list(selectors.shown_kpis(user, plan))
    readings = selectors.readings_for(kpis, plan.member)
    return {
        "member": plan.member_id,
        "title": plan.title,
        "vision": plan.vision,
        "goals": plan.goals,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "state": plan.state,
        "kpis": [kpi_out(r) for r in readings],
        "versions": [
            {"number": v.number, "approved_on": v.approved_on, "body": v.approved_by_body, "changes": v.changes}
            for v in plan.versions.all()
        ],
    }


@router.get("/members/{code}", response={200: PlanOut, **ERRORS}, summary="アクションプラン（KPIの実績と状況）")
def plan_detail(request: HttpRequest, code: Code) -> dict[str, Any]:
    """目指す姿・目標、KPI（基準・最新・目標、95%区間、状況「順調 / 遅れ / 判断できない」と理由、出典）、
    承認された版。"""
    user = caller(request)
    member = _member(user, code)
    require(user, "plans.view", member)
    return plan_out(user, _plan(member))


@router.put("/members/{code}", response={200: PlanOut, **ERRORS}, summary="アクションプランを作る・変える（案のとき）")
def plan_put(request: HttpRequest, code: Code, payload: PlanIn) -> dict[str, Any]:
    user = caller(request)
    member = _member(user, code)
    plan = services.plan_save(actor=user, member=member, **payload.dict())
    return plan_out(user, plan)


@router.post("/members/{code}/kpis", response={201: KpiOut, **ERRORS}, summary="KPIを追加（案のとき）")
def kpi_create(request: HttpRequest, code: Code, payload: KpiIn) -> Status[dict[str, Any]]:
    """source: survey_top / survey_mean（item_code、group）、two_thirds、workplace（indicator）、
    migration（indicator・sex・
    window_years）、organisations、response_rate、manual（baseline_value が必要、値は根拠資料とともに画面から）。"""
    user = caller(request)
    member = _member(user, code)
    require(user, "plans.change", member)
    kpi = services.kpi_save(actor=user, plan=_plan(member), **payload.dict())
    return Status(201, kpi_out(selectors.readings_for([kpi], member)[0]))


@router.get("/kpis/{id}", response={200: KpiOut, **ERRORS}, summary="KPIの値と状況")
def kpi_detail(request: HttpRequest, id: int) -> dict[str, Any]:
    user = caller(request)
    kpi = Kpi.objects.select_related("plan__member").filter(pk=id, plan__in=visible_plans(user)).first()
    if kpi is None or (kpi.internal and not has_perm(user, "plans.view_internal", kpi.plan.member)):
        raise not_found(_("KPI（ID %(id)d）は見つかりません。") % {"id": id}, loc=["path", "id"])
    return kpi_out(selectors.readings_for([kpi], kpi.plan.member)[0])


def report_out(request: HttpRequest, job: ReportJob) -> dict[str, Any]:
    def url(kind: str) -> str | None:
        if reports.report_file(job, kind) is None:
            return None
        return request.build_absolute_uri(reverse("api-v1:plan_report_download", args=[job.pk]) + f"?format={kind}")

    return {
        "id": job.pk,
        "member": job.member_id,
        "fiscal_year": job.fiscal_year,
        "variant": job.variant,
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "content_sha256": job.content_sha256,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "pdf": url("pdf"),
        "xlsx": url("xlsx"),
    }


@router.post(
    "/members/{code}/reports",
    response={202: PlanReportOut, **ERRORS},
    summary="効果検証レポートを依頼（バックグラウンド）",
)
def report_request(request: HttpRequest, code: Code, payload: PlanReportIn) -> Status[dict[str, Any]]:
    """PDF と XLSX（同じ数値）をサーバーで作成します。進み具合は GET /plans/reports/{id} で確かめます。"""
    user = caller(request)
    member = _member(user, code)
    require(user, "plans.change", member)
    job = reports.report_job_request(
        actor=user, plan=_plan(member), fiscal_year=payload.fiscal_year, variant=payload.variant
    )
    return Status(202, report_out(request, job))


def _job(user: Any, pk: int) -> ReportJob:
    job = visible_report_jobs(user).filter(pk=pk).first()
    if job is None:
        raise not_found(_("レポート（ID %(id)d）は見つかりません。") % {"id": pk}, loc=["path", "id"])
    return job


@router.get("/reports/{id}", response={200: PlanReportOut, **ERRORS}, summary="効果検証レポートの状況")
def report_detail(request: HttpRequest, id: int) -> dict[str, Any]:
    return report_out(request, _job(caller(request), id))


@router.get(
    "/reports/{id}/download",
    response={200: None, **ERRORS},
    url_name="plan_report_download",
    summary="効果検証レポートのファイル（PDF / XLSX）",
)
def report_download(request: HttpRequest, id: int, format: Literal["pdf", "xlsx"] = "pdf") -> FileResponse:
    job = _job(caller(request), id)
    path = reports.report_file(job, format)
    if path is None:
        raise not_found(_("レポート（ID %(id)d）のファイルはありません。") % {"id": id}, loc=["path", "id"])
    content_type = "application/pdf" if format == "pdf" else reports.XLSX_TYPE
    response = attach(FileResponse(path.open("rb"), content_type=content_type), reports.download_name(job, format))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/network", response={200: list[AttainmentOut], **ERRORS}, summary="KPIの達成状況（ネットワーク全体）")
def network(request: HttpRequest) -> list[dict[str, Any]]:
    """各参加自治体の計画のKPIの状況の件数と達成率の中央値（最後に読み取ったとき）。事務局・支援チームのみ。"""
    require(caller(request), "plans.view_network", None)
    return [
        {
            "member": r.member.pk,
            "name": str(r.member),
            "plan": r.plan is not None,
            "kpis": r.kpis,
            "on_track": r.counts["on_track"],
            "behind": r.counts["behind"],
            "unknown": r.counts["unknown"],
            "median_attainment": r.median_attainment,
            "read_at": r.read_at,
        }
        for r in selectors.network_attainment()
    ]
