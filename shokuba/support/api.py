"""/api/v1/support/: consultations (list, ask, read the thread, reply, move the status), referrals (make, record
contact and outcome) and the directory of bodies — over the same services and selectors as the pages. Another
member's consultation is 404; a visible one without the right 403; a status change the machine refuses 422 `state`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from shokuba.api.errors import not_found
from shokuba.api.lookups import caller
from shokuba.api.schemas import ErrorOut, Line, Name, RequestBody, Text
from shokuba.core.permissions import require
from shokuba.guidebook.models import Step
from shokuba.network.models import Member, Organisation
from shokuba.support import selectors, services
from shokuba.support.models import Consultation, ConsultationTheme, Outcome, ReferralRecord, Urgency
from shokuba.support.models import Status as CStatus
from shokuba.support.permissions import visible_consultations, visible_referrals
from shokuba.workplace.models import Referral

router = Router(tags=["support"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class MessageOut(Schema):
    id: int
    author: str
    body: str
    internal: bool
    created_at: dt.datetime
    attachments: list[str]


class ReferralOut(Schema):
    id: int
    consultation: int
    body: str
    body_id: int | None
    for_member: bool
    organisations: list[int]
    reason: str
    consent_note: str
    referred_at: dt.datetime
    contact_made_on: dt.date | None
    contact_note: str
    outcome: Outcome
    outcome_note: str
    follow_up_on: dt.date | None


class ConsultationOut(Schema):
    id: int
    member: str
    member_name: str
    theme: ConsultationTheme
    step: str | None
    title: str
    description: str
    urgency: Urgency
    status: CStatus
    assignee: str | None
    created_at: dt.datetime
    answer_due: dt.datetime
    first_answered_at: dt.datetime | None
    overdue: bool
    organisations: list[int]
    is_demo: bool


class ConsultationDetailOut(ConsultationOut):
    messages: list[MessageOut]
    referrals: list[ReferralOut]


class ConsultationIn(RequestBody):
    theme: ConsultationTheme
    title: Name = Field(..., max_length=200)
    description: Annotated[Text, Field(min_length=1, max_length=20000)]
    urgency: Urgency = Urgency.NORMAL
    step: Annotated[str, Field(pattern=r"^[0-9]-[a-z0-9]{1,3}$")] | None = Field(
        None, description="ガイドブックの段階のコード（例: 1-a）"
    )
    organisations: list[Id] = Field(default_factory=list, max_length=100)


class MessageIn(RequestBody):
    body: Annotated[Text, Field(min_length=1, max_length=20000)]
    internal: bool = False


class StatusIn(RequestBody):
    status: CStatus


class ReferralIn(RequestBody):
    body_id: Id | None = None
    other_body: Line = Field("", max_length=200)
    for_member: bool = True
    organisations: list[Id] = Field(default_factory=list, max_length=100)
    reason: Annotated[Text, Field(min_length=1, max_length=20000)]
    consent_note: Name = Field(..., max_length=300)
    follow_up_on: dt.date | None = None


class ReferralPatch(RequestBody):
    contact_made_on: dt.date | None = None
    contact_note: Annotated[Text, Field(max_length=20000)] | None = None
    outcome: Outcome | None = None
    outcome_note: Annotated[Text, Field(max_length=20000)] | None = None
    follow_up_on: dt.date | None = None


class DirectoryOut(Schema):
    id: int
    prefecture_code: str
    kind: str
    name: str
    url: str
    phone: str
    address: str
    source_title: str
    source_url: str
    verified: bool
    verified_on: dt.date | None


def _out(c: Consultation) -> dict[str, Any]:
    return {
        "id": c.pk,
        "member": c.member_id,
        "member_name": str(c.member),
        "theme": c.theme,
        "step": c.step.code if c.step_id and c.step else None,
        "title": c.title,
        "description": c.description,
        "urgency": c.urgency,
        "status": c.status,
        "assignee": str(c.assignee) if c.assignee_id else None,
        "created_at": c.created_at,
        "answer_due": c.answer_due,
        "first_answered_at": c.first_answered_at,
        "overdue": selectors.is_overdue(c),
        "organisations": [o.pk for o in c.organisations.all()],
        "is_demo": c.is_demo,
    }


def _referral_out(r: ReferralRecord) -> dict[str, Any]:
    return {
        "id": r.pk,
        "consultation": r.consultation_id,
        "body": r.body_name,
        "body_id": r.body_id,
        "for_member": r.for_member,
        "organisations": [o.pk for o in r.organisations.all()],
        "reason": r.reason,
        "consent_note": r.consent_note,
        "referred_at": r.referred_at,
        "contact_made_on": r.contact_made_on,
        "contact_note": r.contact_note,
        "outcome": r.outcome,
        "outcome_note": r.outcome_note,
        "follow_up_on": r.follow_up_on,
    }


def _detail(user: Any, c: Consultation) -> dict[str, Any]:
    return {
        **_out(c),
        "messages": [
            {
                "id": m.pk,
                "author": str(m.author),
                "body": m.body,
                "internal": m.internal,
                "created_at": m.created_at,
                "attachments": [a.original_name for a in m.attachments.all()],
            }
            for m in selectors.thread(user, c)
        ],
        "referrals": [_referral_out(r) for r in selectors.referrals_of(user, c)],
    }


def _consultation(user: Any, id: int) -> Consultation:
    c = visible_consultations(user).filter(pk=id).first()
    if c is None:
        raise not_found(_("相談（ID %(id)d）は見つかりません。") % {"id": id}, loc=["path", "id"])
    return c


def _reference(field: str, message: str) -> ValidationError:
    """An id or code in the body that names nothing the caller may use: 422 `reference` (api.errors.RULE_TYPES)."""
    return ValidationError({field: [ValidationError(message, code="reference")]})


def _step(code: str | None) -> Step | None:
    if code is None:
        return None
    step = Step.objects.filter(code=code).first()
    if step is None:
        raise _reference("step", _("ガイドブックの段階「%(code)s」はありません。") % {"code": code})
    return step


def _organisations(member_id: str, ids: list[int]) -> list[Organisation]:
    found = list(Organisation.objects.filter(pk__in=ids, member_id=member_id))  # never another member's
    if len(found) != len(set(ids)):
        raise _reference("organisations", _("参加企業・団体が見つかりません。"))
    return found


@router.get("/consultations", response={200: list[ConsultationOut], **ERRORS}, summary="相談の一覧")
def consultation_list(request: HttpRequest, status: CStatus | None = None) -> list[dict[str, Any]]:
    """自治体の担当者は自分の自治体の相談だけ、支援チームと事務局はすべて。"""
    user = caller(request)
    require(user, "support.view_list")
    rows = selectors.consultations_for(user, status=status or "").prefetch_related("organisations")
    return [_out(c) for c in rows[:500]]


@router.post("/consultations", response={201: ConsultationDetailOut, **ERRORS}, summary="支援チームに相談する")
def consultation_create(request: HttpRequest, payload: ConsultationIn) -> Status[dict[str, Any]]:
    """自治体の担当者が自分の自治体として相談します（添付ファイルは画面から）。"""
    user = caller(request)
    member_id = getattr(user, "member_id", None)
    if not member_id:
        raise PermissionDenied(_("相談できるのは参加自治体の担当者です。"))
    member = Member.objects.get(pk=member_id)
    c = services.consultation_ask(
        actor=user,
        member=member,
        theme=payload.theme,
        title=payload.title,
        description=payload.description,
        urgency=payload.urgency,
        step=_step(payload.step),
        organisations=_organisations(member.pk, payload.organisations),
    )
    return Status(201, _detail(user, c))


@router.get("/consultations/{id}", response={200: ConsultationDetailOut, **ERRORS}, summary="相談とやりとり")
def consultation_detail(request: HttpRequest, id: Id) -> dict[str, Any]:
    user = caller(request)
    return _detail(user, _consultation(user, id))


@router.post("/consultations/{id}/messages", response={201: MessageOut, **ERRORS}, summary="回答・書き込み・内部メモ")
def message_create(request: HttpRequest, id: Id, payload: MessageIn) -> Status[dict[str, Any]]:
    user = caller(request)
    c = _consultation(user, id)
    m = services.consultation_reply(actor=user, consultation=c, body=payload.body, internal=payload.internal)
    return Status(
        201,
        {
            "id": m.pk,
            "author": str(m.author),
            "body": m.body,
            "internal": m.internal,
            "created_at": m.created_at,
            "attachments": [],
        },
    )


@router.post("/consultations/{id}/status", response={200: ConsultationOut, **ERRORS}, summary="状態を変える")
def status_set(request: HttpRequest, id: Id, payload: StatusIn) -> dict[str, Any]:
    """受付 → 対応中 → 回答済 / 紹介済 → 完了。できない変更は 422（type: state）。"""
    user = caller(request)
    c = services.consultation_status_set(actor=user, consultation=_consultation(user, id), status=payload.status)
    return _out(c)


@router.post("/consultations/{id}/referrals", response={201: ReferralOut, **ERRORS}, summary="専門機関に紹介する")
def referral_create(request: HttpRequest, id: Id, payload: ReferralIn) -> Status[dict[str, Any]]:
    user = caller(request)
    c = _consultation(user, id)
    require(user, "support.refer")
    body = None
    if payload.body_id is not None:
        body = Referral.objects.filter(pk=payload.body_id).first()
        if body is None:
            raise _reference("body_id", _("紹介先（ID %(id)d）は見つかりません。") % {"id": payload.body_id})
    record = services.referral_create(
        actor=user,
        consultation=c,
        body=body,
        other_body=payload.other_body,
        for_member=payload.for_member,
        organisations=_organisations(c.member_id, payload.organisations),
        reason=payload.reason,
        consent_note=payload.consent_note,
        follow_up_on=payload.follow_up_on,
    )
    return Status(201, _referral_out(record))


@router.patch("/referrals/{id}", response={200: ReferralOut, **ERRORS}, summary="紹介の連絡・結果・フォローアップ日")
def referral_patch(request: HttpRequest, id: Id, payload: ReferralPatch) -> dict[str, Any]:
    user = caller(request)
    record = visible_referrals(user).filter(pk=id).first()
    if record is None:
        raise not_found(_("紹介（ID %(id)d）は見つかりません。") % {"id": id}, loc=["path", "id"])
    data = payload.dict(exclude_unset=True)
    for key in ("outcome", "contact_note", "outcome_note"):
        if key in data and data[key] is None:
            del data[key]
    record = services.referral_update(actor=user, referral=record, data=data)
    return _referral_out(record)


@router.get("/directory", response={200: list[DirectoryOut], **ERRORS}, summary="相談先の一覧（労働局・支援センター）")
def directory(
    request: HttpRequest, prefecture: Annotated[str, Field(pattern=r"^(0[1-9]|[1-3][0-9]|4[0-7])$")] | None = None
) -> list[dict[str, Any]]:
    """各項目に出典と確認日。verified が false の項目は未確認です。"""
    user = caller(request)
    require(user, "workplace.view_referrals")
    rows = Referral.objects.all()
    if prefecture:
        rows = rows.filter(prefecture_code=prefecture)
    return [{f: getattr(r, f) for f in DirectoryOut.model_fields} for r in rows]
