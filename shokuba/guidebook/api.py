"""Guidebook progress of one member, step by step: read it (member.view_details), set one step
(member.change_progress). A prefecture's coordinator reads only the aggregate summary of a municipality
(GET /members/{code}), not its steps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from shokuba.api.errors import not_found
from shokuba.api.lookups import caller
from shokuba.api.schemas import GovernmentCode, Line, RequestBody, Text
from shokuba.core.permissions import has_perm, require
from shokuba.guidebook.models import ProgressStatus, Step, StepProgress
from shokuba.guidebook.selectors import member_progress
from shokuba.guidebook.services import step_progress_update
from shokuba.network.api import ERRORS, ProgressSummaryOut, progress_summary_out
from shokuba.network.lookups import visible_member

router = Router(tags=["guidebook"])


# --- guidebook progress ------------------------------------------------------------------------------------


class StepProgressOut(Schema):
    code: str
    title: str
    status: ProgressStatus
    status_label: str
    started_on: dt.date | None
    completed_on: dt.date | None
    responsible: str
    notes: str | None = Field(None, description="メモ。取組の詳細を見られない利用者には null")
    evidence_count: int | None = Field(None, description="エビデンス資料の数。詳細を見られない利用者には null")
    checklist: list[str] | None = Field(
        None,
        description="チェックリストで済みにした作業のコード（手順ごとの作業コード）。詳細を見られない利用者には null",
    )
    updated_at: dt.datetime | None


class ChapterProgressOut(Schema):
    code: str
    title: str
    steps: list[StepProgressOut]


class MemberProgressOut(Schema):
    member: str
    member_name: str
    summary: ProgressSummaryOut
    chapters: list[ChapterProgressOut]


class StepProgressIn(RequestBody):
    """The whole state of one step (PUT replaces it: an omitted date or text is cleared)."""

    status: ProgressStatus
    started_on: dt.date | None = None
    completed_on: dt.date | None = None
    responsible: Line = Field("", max_length=StepProgress._meta.get_field("responsible").max_length)
    notes: Text = Field("", max_length=5000)


def step_by_code(raw: str) -> Step:
    step = Step.objects.select_related("chapter").filter(code=raw.strip()).first()
    if step is None:
        message = _("ガイドブックの手順「%(code)s」は見つかりません。") % {"code": raw}
        raise not_found(message, loc=["path", "step_code"])
    return step


def step_out(step: Step, progress: StepProgress | None, *, details: bool) -> dict[str, Any]:
    status = progress.status if progress else ProgressStatus.NOT_STARTED
    return {
        "code": step.code,
        "title": step.title,
        "status": status,
        "status_label": str(ProgressStatus(status).label),
        "started_on": progress.started_on if progress else None,
        "completed_on": progress.completed_on if progress else None,
        "responsible": progress.responsible if progress else "",
        # Notes and evidence are the programme's working detail, as on the pages (member.view_details).
        "notes": (progress.notes if progress else "") if details else None,
        "evidence_count": (len(progress.evidence.all()) if progress else 0) if details else None,
        "checklist": (list(progress.checklist) if progress else []) if details else None,
        "updated_at": progress.updated_at if progress else None,
    }


@router.get("/members/{code}/progress", response={200: MemberProgressOut, **ERRORS}, summary="ガイドブックの進捗")
def progress_detail(request: HttpRequest, code: GovernmentCode) -> dict[str, Any]:
    """章ごとの手順と、それぞれの状況・開始日・完了日・担当者。"""
    user = caller(request)
    member = visible_member(user, code, loc=["path", "code"])
    require(user, "member.view_details", member)
    details = True
    return {
        "member": member.code,
        "member_name": str(member),
        "summary": progress_summary_out(member),
        "chapters": [
            {
                "code": rows.chapter.code,
                "title": rows.chapter.title,
                "steps": [step_out(row.step, row.progress, details=details) for row in rows.steps],
            }
            for rows in member_progress(member)
        ],
    }


@router.put(
    "/members/{code}/progress/{step_code}", response={200: StepProgressOut, **ERRORS}, summary="手順の進捗の更新"
)
def progress_update(
    request: HttpRequest, code: GovernmentCode, step_code: str, payload: StepProgressIn
) -> dict[str, Any]:
    """1つの手順の状況をまるごと置き換えます（送らなかった日付・担当者・メモは空になります。チェックリストは手順の
    ページで保存し、ここでは変わりません）。"""
    user = caller(request)
    member = visible_member(user, code, loc=["path", "code"])
    step = step_by_code(step_code)
    progress = step_progress_update(actor=user, member=member, step=step, **payload.model_dump())
    return step_out(step, progress, details=has_perm(user, "member.view_details", member))
