"""/api/v1/learning/: the case library and the search, over the same services and selectors as the pages (the
permission rules, the review workflow and the audit log apply unchanged). A case the caller may not see is 404,
a visible one without the right 403."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from shokuba.api.errors import not_found
from shokuba.api.lookups import caller
from shokuba.api.schemas import ErrorOut, Line, Name, RequestBody, Text
from shokuba.core.permissions import require
from shokuba.learning import services
from shokuba.learning.models import Case, CaseState, Theme, Visibility
from shokuba.learning.permissions import visible_cases
from shokuba.network.models import Industry, MemberKind
from shokuba.search.selectors import SearchFilters, search

router = Router(tags=["learning"])

ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
PAGE = 20
StepCode = Annotated[str, Field(max_length=8, pattern=r"^[0-9a-z-]+$")]
Long = Annotated[Text, Field(max_length=4000)]
Short = Annotated[Line, Field(max_length=200)]
Required = Annotated[Text, Field(min_length=1, max_length=2000, pattern=r"\S")]


class CaseIn(RequestBody):
    title: Annotated[Name, Field(max_length=120)]
    steps: Annotated[list[StepCode], Field(max_length=30)] = []
    themes: Annotated[list[Theme], Field(max_length=20)] = []
    context_size: Short = ""
    context_industries: Annotated[list[Industry], Field(max_length=20)] = []
    tried: Long = ""
    happened: Long = ""
    failures: Long = Field("", description="うまくいかなかったこと（提出には必須）")
    failure_causes: Long = Field("", description="うまくいかなかった理由（提出には必須）")
    lessons: Long = ""
    people: Short = ""
    cost: Short = ""
    period: Annotated[Line, Field(max_length=100)] = ""
    visibility: Visibility = Visibility.NETWORK


class CaseOut(Schema):
    id: int
    member: str
    member_name: str
    title: str
    state: CaseState
    visibility: Visibility
    steps: list[str]
    themes: list[str]
    context_size: str
    context_industries: list[str]
    tried: str
    happened: str
    failures: str
    failure_causes: str
    lessons: str
    people: str
    cost: str
    period: str
    return_reason: str
    demo: bool
    helpful: int
    comments: int
    versions: int
    updated_at: dt.datetime


class ReturnIn(RequestBody):
    reason: Required


class CommentIn(RequestBody):
    body: Required


class CommentOut(Schema):
    id: int
    case: int
    author: str
    body: str
    created_at: dt.datetime


class HelpfulIn(RequestBody):
    helpful: bool


class HitOut(Schema):
    kind: str
    id: int
    member: str
    title_html: str = Field(..., description="HTML: 本文はエスケープ済み、一致した語は <mark>")
    snippet_html: str
    url: str
    steps: list[str]
    themes: list[str]
    score: float


class SearchOut(Schema):
    query: str
    total: int
    page: int
    hits: list[HitOut]


class SearchParams(Schema):
    q: Annotated[str, Field(max_length=200)] = ""
    step: Annotated[str, Field(max_length=8)] = ""
    theme: Literal[("", *Theme.values)] = ""  # type: ignore[valid-type]
    member_kind: Literal[("", *MemberKind.values)] = ""  # type: ignore[valid-type]
    region: Annotated[str, Field(max_length=16)] = ""
    page: Annotated[int, Field(ge=1, le=1000)] = 1


def case_out(case: Case) -> dict[str, Any]:
    content = services.case_content(case)
    return {
        **content,
        "id": case.pk,
        "member": case.member_id,
        "member_name": case.member.local_government.full_name,
        "state": case.state,
        "return_reason": case.return_reason,
        "demo": case.demo,
        "helpful": case.helpful_marks.count(),
        "comments": case.comments.count(),
        "versions": case.versions.count(),
        "updated_at": case.updated_at,
    }


def _case(user: Any, pk: int) -> Case:
    case = visible_cases(user).filter(pk=pk).first()
    if case is None:
        raise not_found(_("事例（ID %(id)d）は見つかりません。") % {"id": pk}, loc=["path", "id"])
    return case


@router.get("/search", response={200: SearchOut, **ERRORS}, summary="事例の検索（日本語: 2文字の語・表記ゆれ・活用形）")
def search_cases(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    user = caller(request)
    require(user, "learning.view", None)
    filters = SearchFilters(
        kinds=("case",), step=params.step, theme=params.theme, member_kind=params.member_kind, region=params.region
    )
    result = search(user, params.q, filters=filters, limit=PAGE, offset=(params.page - 1) * PAGE)
    return {
        "query": params.q,
        "total": result.total,
        "page": params.page,
        "hits": [
            {
                "kind": h.kind,
                "id": h.object_id,
                "member": h.member_name,
                "title_html": str(h.title),
                "snippet_html": str(h.snippet),
                "url": h.url,
                "steps": h.steps,
                "themes": h.themes,
                "score": h.score,
            }
            for h in result.hits
        ],
    }


@router.post("/cases", response={201: CaseOut, **ERRORS}, summary="事例を書く（自分の自治体の下書き）")
def case_create(request: HttpRequest, payload: CaseIn) -> Status[dict[str, Any]]:
    user = caller(request)
    require(user, "learning.view", None)
    member = getattr(user, "member", None)
    if member is None:
        raise PermissionDenied("case.add")
    case = services.case_save(actor=user, member=member, data=services.CaseInput(**payload.dict()))
    return Status(201, case_out(case))


@router.get("/cases/{id}", response={200: CaseOut, **ERRORS}, summary="事例")
def case_detail(request: HttpRequest, id: int) -> dict[str, Any]:
    return case_out(_case(caller(request), id))


@router.put("/cases/{id}", response={200: CaseOut, **ERRORS}, summary="事例を書き換える（下書き・差し戻しのとき）")
def case_put(request: HttpRequest, id: int, payload: CaseIn) -> dict[str, Any]:
    user = caller(request)
    case = _case(user, id)
    require(user, "case.change", case)
    saved = services.case_save(actor=user, member=case.member, case=case, data=services.CaseInput(**payload.dict()))
    return case_out(saved)


@router.post("/cases/{id}/submit", response={200: CaseOut, **ERRORS}, summary="事務局に提出する")
def case_submit(request: HttpRequest, id: int) -> dict[str, Any]:
    user = caller(request)
    case = _case(user, id)
    services.case_submit(actor=user, case=case)
    return case_out(_case(user, id))


@router.post("/cases/{id}/approve", response={200: CaseOut, **ERRORS}, summary="承認する（事務局）")
def case_approve(request: HttpRequest, id: int) -> dict[str, Any]:
    user = caller(request)
    return case_out(services.case_approve(actor=user, case=_case(user, id)))


@router.post("/cases/{id}/return", response={200: CaseOut, **ERRORS}, summary="理由を添えて差し戻す（事務局）")
def case_return(request: HttpRequest, id: int, payload: ReturnIn) -> dict[str, Any]:
    user = caller(request)
    return case_out(services.case_return(actor=user, case=_case(user, id), reason=payload.reason))


@router.post("/cases/{id}/comments", response={201: CommentOut, **ERRORS}, summary="事例にコメントする")
def case_comment(request: HttpRequest, id: int, payload: CommentIn) -> Status[dict[str, Any]]:
    user = caller(request)
    comment = services.case_comment_add(actor=user, case=_case(user, id), body=payload.body)
    author = comment.author.display_name or comment.author.username if comment.author else ""
    return Status(
        201,
        {"id": comment.pk, "case": id, "author": author, "body": comment.body, "created_at": comment.created_at},
    )


@router.put("/cases/{id}/helpful", response={200: CaseOut, **ERRORS}, summary="「参考になった」を付ける・外す")
def case_helpful(request: HttpRequest, id: int, payload: HelpfulIn) -> dict[str, Any]:
    user = caller(request)
    case = _case(user, id)
    services.case_helpful_set(actor=user, case=case, helpful=payload.helpful)
    return case_out(case)
