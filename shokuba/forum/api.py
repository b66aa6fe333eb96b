"""/api/v1/forum/: the coordinators' forum over the same services and selectors as the pages (the permission rules,
the moderation and the audit log apply unchanged). A thread or post the caller may not see is 404, a visible one
without the right 403."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from shokuba.api.errors import not_found
from shokuba.api.lookups import caller
from shokuba.api.schemas import ErrorOut, Name, RequestBody, RequiredText, Text
from shokuba.core.permissions import require
from shokuba.forum import selectors, services
from shokuba.forum.models import Post, Thread
from shokuba.forum.permissions import visible_threads
from shokuba.search.selectors import SearchFilters, search

router = Router(tags=["forum"])

ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
PAGE = 30
Body = Annotated[RequiredText, Field(max_length=4000)]
Reason = Annotated[Text, Field(max_length=2000)]
# A guidebook chapter's code (1, 2-1, …) or 「悩み相談」; which chapters exist is the guidebook's (422 `reference`).
Category = Annotated[str, Field(max_length=16, pattern=r"^([0-9](-[0-9])?|worries)$")]


class CategoryOut(Schema):
    code: str
    label: str
    threads: int


class ThreadIn(RequestBody):
    category: Category
    title: Annotated[Name, Field(max_length=120)]
    body: Body
    private: bool = Field(False, description="他の参加自治体には見せない（事務局・サポートチームだけ）")


class PostOut(Schema):
    id: int
    author: str
    body: str = Field(..., description="非表示・削除された投稿は、読めない人には空")
    helpful: bool
    hidden: bool
    deleted: bool
    edited: bool
    versions: int
    created_at: dt.datetime


class ThreadOut(Schema):
    id: int
    member: str
    member_name: str
    category: str
    title: str
    private: bool
    locked: bool
    hidden: bool
    deleted: bool
    demo: bool
    posts: list[PostOut]


class ThreadRow(Schema):
    id: int
    member: str
    category: str
    title: str
    private: bool
    replies: int
    last_posted_at: dt.datetime


class ReplyIn(RequestBody):
    body: Body


class PostHelpfulIn(RequestBody):
    helpful: bool


class SubscriptionIn(RequestBody):
    subscribed: bool


class ReportIn(RequestBody):
    reason: Annotated[RequiredText, Field(max_length=2000)]


class PostReportOut(Schema):
    id: int
    post: int
    thread: int
    reason: str
    created_at: dt.datetime


class ModerateIn(RequestBody):
    action: Literal["hide", "unhide", "lock", "unlock", "delete"]
    reason: Reason = ""


class ForumHitOut(Schema):
    id: int
    member: str
    title_html: str = Field(..., description="HTML: 本文はエスケープ済み、一致した語は <mark>")
    snippet_html: str
    url: str


class ForumSearchOut(Schema):
    query: str
    total: int
    hits: list[ForumHitOut]


class ListParams(Schema):
    category: Annotated[str, Field(max_length=16)] = ""
    q: Annotated[str, Field(max_length=200)] = ""


def _author(post: Post) -> str:
    return str(post.author) if post.author else ""


def thread_out(user: Any, thread: Thread) -> dict[str, Any]:
    return {
        "id": thread.pk,
        "member": thread.member_id,
        "member_name": thread.member.local_government.full_name,
        "category": thread.category,
        "title": thread.title,
        "private": thread.private,
        "locked": thread.locked,
        "hidden": thread.hidden,
        "deleted": thread.deleted,
        "demo": thread.demo,
        "posts": [
            {
                "id": v.post.pk,
                "author": _author(v.post),
                "body": v.post.body if v.shows_text else "",
                "helpful": v.post.helpful,
                "hidden": v.post.hidden,
                "deleted": v.post.deleted,
                "edited": bool(v.versions),
                "versions": len(v.versions),
                "created_at": v.post.created_at,
            }
            for v in selectors.thread_posts(user, thread)
        ],
    }


def _thread(user: Any, pk: int) -> Thread:
    thread = visible_threads(user).filter(pk=pk).first()
    if thread is None:
        raise not_found(_("スレッド（ID %(id)d）は見つかりません。") % {"id": pk}, loc=["path", "id"])
    return thread


def _post(user: Any, pk: int) -> Post:
    post = Post.objects.select_related("thread", "author").filter(pk=pk).first()
    if post is None or not visible_threads(user).filter(pk=post.thread_id).exists():
        raise not_found(_("投稿（ID %(id)d）は見つかりません。") % {"id": pk}, loc=["path", "id"])
    return post


@router.get(
    "/categories", response={200: list[CategoryOut], **ERRORS}, summary="カテゴリ（ガイドブックの章と悩み相談）"
)
def categories(request: HttpRequest) -> list[dict[str, Any]]:
    user = caller(request)
    require(user, "forum.view", None)
    return [c.__dict__ for c in selectors.categories(user)]


@router.get("/threads", response={200: list[ThreadRow], **ERRORS}, summary="スレッドの一覧（新しい順）")
def thread_list(request: HttpRequest, params: Query[ListParams]) -> list[dict[str, Any]]:
    user = caller(request)
    require(user, "forum.view", None)
    return [
        {
            "id": t.pk,
            "member": t.member_id,
            "category": t.category,
            "title": t.title,
            "private": t.private,
            "replies": t.replies,  # type: ignore[attr-defined]
            "last_posted_at": t.last_posted_at,
        }
        for t in selectors.threads(user, params.category)[:PAGE]
    ]


@router.get("/search", response={200: ForumSearchOut, **ERRORS}, summary="投稿の検索（日本語）")
def forum_search(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    user = caller(request)
    require(user, "forum.view", None)
    result = search(user, params.q, filters=SearchFilters(kinds=("forum",), theme=params.category), limit=PAGE)
    return {
        "query": params.q,
        "total": result.total,
        "hits": [
            {
                "id": h.object_id,
                "member": h.member_name,
                "title_html": str(h.title),
                "snippet_html": str(h.snippet),
                "url": h.url,
            }
            for h in result.hits
        ],
    }


@router.post("/threads", response={201: ThreadOut, **ERRORS}, summary="質問・話題を投稿する（コーディネーター）")
def thread_create(request: HttpRequest, payload: ThreadIn) -> Status[dict[str, Any]]:
    user = caller(request)
    thread = services.thread_start(actor=user, **payload.dict())
    return Status(201, thread_out(user, _thread(user, thread.pk)))


@router.get("/threads/{id}", response={200: ThreadOut, **ERRORS}, summary="スレッドと投稿")
def thread_detail(request: HttpRequest, id: int) -> dict[str, Any]:
    user = caller(request)
    return thread_out(user, _thread(user, id))


@router.post("/threads/{id}/posts", response={201: PostOut, **ERRORS}, summary="返信する")
def thread_reply(request: HttpRequest, id: int, payload: ReplyIn) -> Status[dict[str, Any]]:
    user = caller(request)
    post = services.post_reply(actor=user, thread=_thread(user, id), body=payload.body)
    return Status(201, _post_out(post))


def _post_out(post: Post) -> dict[str, Any]:
    return {
        "id": post.pk,
        "author": _author(post),
        "body": post.body,
        "helpful": post.helpful,
        "hidden": post.hidden,
        "deleted": post.deleted,
        "edited": post.edited_at is not None,
        "versions": post.versions.count(),
        "created_at": post.created_at,
    }


@router.put(
    "/threads/{id}/subscription", response={200: SubscriptionIn, **ERRORS}, summary="返信の知らせを受ける・やめる"
)
def thread_subscription(request: HttpRequest, id: int, payload: SubscriptionIn) -> dict[str, Any]:
    user = caller(request)
    services.thread_subscription_set(actor=user, thread=_thread(user, id), subscribed=payload.subscribed)
    return {"subscribed": payload.subscribed}


@router.post(
    "/threads/{id}/moderate", response={200: ThreadOut, **ERRORS}, summary="スレッドを非表示・締め切り・削除（事務局）"
)
def thread_moderate(request: HttpRequest, id: int, payload: ModerateIn) -> dict[str, Any]:
    user = caller(request)
    thread = services.thread_moderate(
        actor=user, thread=_thread(user, id), action=payload.action, reason=payload.reason
    )
    return thread_out(user, thread)


@router.put("/posts/{id}", response={200: PostOut, **ERRORS}, summary="自分の投稿を編集する（履歴が残る）")
def post_edit(request: HttpRequest, id: int, payload: ReplyIn) -> dict[str, Any]:
    user = caller(request)
    return _post_out(services.post_edit(actor=user, post=_post(user, id), body=payload.body))


@router.put("/posts/{id}/helpful", response={200: PostOut, **ERRORS}, summary="回答に「役に立った」を付ける（質問者）")
def post_helpful(request: HttpRequest, id: int, payload: PostHelpfulIn) -> dict[str, Any]:
    user = caller(request)
    return _post_out(services.post_helpful_set(actor=user, post=_post(user, id), helpful=payload.helpful))


@router.post("/posts/{id}/report", response={201: PostReportOut, **ERRORS}, summary="投稿を事務局に報告する")
def post_report(request: HttpRequest, id: int, payload: ReportIn) -> Status[dict[str, Any]]:
    user = caller(request)
    report = services.post_report(actor=user, post=_post(user, id), reason=payload.reason)
    return Status(
        201,
        {
            "id": report.pk,
            "post": report.post_id,
            "thread": report.post.thread_id,
            "reason": report.reason,
            "created_at": report.created_at,
        },
    )


@router.post("/posts/{id}/moderate", response={200: PostOut, **ERRORS}, summary="投稿を非表示・削除（事務局）")
def post_moderate(request: HttpRequest, id: int, payload: ModerateIn) -> dict[str, Any]:
    user = caller(request)
    return _post_out(
        services.post_moderate(actor=user, post=_post(user, id), action=payload.action, reason=payload.reason)
    )


@router.get("/reports", response={200: list[PostReportOut], **ERRORS}, summary="未対応の報告（事務局のモデレーション）")
def report_list(request: HttpRequest) -> list[dict[str, Any]]:
    user = caller(request)
    require(user, "forum.moderation_queue", None)
    return [
        {"id": r.pk, "post": r.post_id, "thread": r.post.thread_id, "reason": r.reason, "created_at": r.created_at}
        for r in selectors.open_reports()
    ]
