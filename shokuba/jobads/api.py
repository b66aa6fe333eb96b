"""/api/v1/jobads/: check an ad's text (nothing stored), save a check for an organisation, read it, apply its
rewrites as a new version, and a programme's summary — over the same services and selectors as the pages, so the
permissions and the audit log apply unchanged. An organisation or check outside the caller's rows is 404, a
visible one without the right 403."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from shokuba.analysis import jobad
from shokuba.api.errors import not_found
from shokuba.api.lookups import caller
from shokuba.api.schemas import ErrorOut, Name, RequestBody, RequiredText
from shokuba.core.permissions import require
from shokuba.jobads import selectors, services
from shokuba.jobads.models import JobAdCheck, Source
from shokuba.jobads.permissions import visible_checks
from shokuba.network.permissions import visible_organisations

router = Router(tags=["jobads"])

ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
AdText = Annotated[RequiredText, Field(max_length=jobad.MAX_TEXT)]
Code = Annotated[str, Field(max_length=20)]


class FindingOut(Schema):
    key: str = Field(..., description="指摘の識別子（書き換えの反映で使う）")
    category: Literal["sex", "age", "info", "positive"]
    rule: str
    severity: Literal["violation", "risk", "missing", "good", "note"] = Field(
        ...,
        description=(
            "violation 法令上の問題 / risk 誤解されるおそれ / missing 書かれていない情報 / good 良い点 / "
            "note 問題なし（説明）"
        ),
    )
    excerpt: str = Field(..., description="該当する語句（書かれていない情報では空）")
    start: int = Field(..., description="本文での位置（文字）。該当箇所がなければ -1")
    end: int
    law: str
    law_title: str
    explanation: str
    rewrite: str = Field(..., description="書き換え案（missing では追記する文）")


class ReportOut(Schema):
    scores: dict[str, int] = Field(..., description="区分ごとの得点（0〜100）")
    findings: list[FindingOut]


class CheckIn(RequestBody):
    text: AdText


class SavedCheckIn(RequestBody):
    title: Annotated[Name, Field(max_length=200)]
    text: AdText


class RewriteIn(RequestBody):
    keys: list[Annotated[str, Field(max_length=400)]] = Field(..., min_length=1, max_length=200)


class ComparisonOut(Schema):
    previous: int
    before: dict[str, int]
    after: dict[str, int]
    resolved: list[str]
    remaining: list[str]
    new: list[str]


class SavedCheckOut(Schema):
    id: int
    organisation: int
    member: str
    title: str
    text: str
    source: str
    is_demo: bool
    created_at: dt.datetime
    scores: dict[str, int]
    findings: list[FindingOut]
    comparison: ComparisonOut | None


class SummaryRowOut(Schema):
    organisation: int
    name: str
    checks: int
    latest: int | None
    title: str | None
    scores: dict[str, int] | None


class SummaryOut(Schema):
    member: str
    organisations: int
    checked: int
    with_findings: dict[str, int]
    means: dict[str, int | None]
    rows: list[SummaryRowOut]


def _findings(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**f, "law_title": jobad.law_of(f["law"])["title"]} for f in findings]


def check_out(user: Any, check: JobAdCheck) -> dict[str, Any]:
    comparison = None
    previous = visible_checks(user).filter(pk=check.previous_id).first() if check.previous_id else None
    if previous is not None:
        compared = jobad.compare(
            {"findings": previous.findings, "scores": previous.scores},
            {"findings": check.findings, "scores": check.scores},
        )
        comparison = {
            "previous": previous.pk,
            "before": compared.before,
            "after": compared.after,
            "resolved": list(compared.resolved),
            "remaining": list(compared.remaining),
            "new": list(compared.new),
        }
    return {
        "id": check.pk,
        "organisation": check.organisation_id,
        "member": check.member_id,
        "title": check.title,
        "text": check.text,
        "source": check.source,
        "is_demo": check.is_demo,
        "created_at": check.created_at,
        "scores": check.scores,
        "findings": _findings(check.findings),
        "comparison": comparison,
    }


@router.post("/check", response={200: ReportOut, **ERRORS}, summary="求人の文章をチェック（保存しない）")
def check_text(request: HttpRequest, payload: CheckIn) -> dict[str, Any]:
    """性別・年齢に関する表現、若者・女性が知りたい情報の有無、良い点を返します。何も保存しません。"""
    require(caller(request), "jobads.try")
    report = jobad.check(payload.text)
    return {"scores": report.scores, "findings": _findings([f.as_dict() for f in report.findings])}


@router.post(
    "/organisations/{id}/checks", response={201: SavedCheckOut, **ERRORS}, summary="企業・団体の求人をチェックして保存"
)
def check_save(request: HttpRequest, id: int, payload: SavedCheckIn) -> Status[dict[str, Any]]:
    """書かれていない情報の追記例には、その企業・団体の職場の指標（最新年度）の数値を入れます。"""
    user = caller(request)
    organisation = visible_organisations(user).filter(pk=id).first()
    if organisation is None:
        raise not_found(_("企業・団体（ID %(id)d）は見つかりません。") % {"id": id}, loc=["path", "id"])
    check = services.jobad_check_save(
        actor=user, organisation=organisation, title=payload.title, text=payload.text, source=Source.API
    )
    return Status(201, check_out(user, check))


def _check(user: Any, id: int) -> JobAdCheck:
    check = visible_checks(user).filter(pk=id).first()
    if check is None:
        raise not_found(_("求人票のチェック（ID %(id)d）は見つかりません。") % {"id": id}, loc=["path", "id"])
    return check


@router.get(
    "/checks/{id}", response={200: SavedCheckOut, **ERRORS}, summary="保存したチェック（書き換え前との比較つき）"
)
def check_detail(request: HttpRequest, id: int) -> dict[str, Any]:
    user = caller(request)
    return check_out(user, _check(user, id))


@router.post("/checks/{id}/rewrite", response={201: SavedCheckOut, **ERRORS}, summary="書き換え案を反映して再チェック")
def check_rewrite(request: HttpRequest, id: int, payload: RewriteIn) -> Status[dict[str, Any]]:
    """keys: 反映する指摘の key。反映した新しい版を保存し、前の版との比較を返します。"""
    user = caller(request)
    check = _check(user, id)
    new = services.jobad_rewrite_apply(actor=user, check=check, keys=payload.keys)
    return Status(201, check_out(user, new))


@router.get(
    "/members/{code}/summary", response={200: SummaryOut, **ERRORS}, summary="参加企業・団体ごとの最新のチェック"
)
def summary(request: HttpRequest, code: Code) -> dict[str, Any]:
    user = caller(request)
    try:
        member = selectors.member_for(user, code)
    except Exception as error:  # Http404
        raise not_found(_("参加自治体「%(code)s」はありません。") % {"code": code}, loc=["path", "code"]) from error
    rows, found = selectors.programme_summary(user, member)
    return {
        "member": member.pk,
        "organisations": found["organisations"],
        "checked": found["checked"],
        "with_findings": found["with_findings"],
        "means": found["means"],
        "rows": [
            {
                "organisation": r.organisation.pk,
                "name": r.organisation.name,
                "checks": r.checks,
                "latest": r.latest.pk if r.latest else None,
                "title": r.latest.title if r.latest else None,
                "scores": r.latest.scores if r.latest else None,
            }
            for r in rows
        ],
    }
