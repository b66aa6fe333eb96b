"""/api/v1/events/: lectures and exchange meetings, over the same services and selectors as the pages (the
permission rules, the capacity lock and the audit log apply unchanged). An event or registration the caller may not
see is 404, a visible one without the right 403. Times are ISO 8601 with an offset (Japan time: +09:00)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from shokuba.api.errors import ApiError, field_labels_register, not_found
from shokuba.api.lookups import caller
from shokuba.api.schemas import ErrorOut, Line, Name, RequestBody, Text
from shokuba.core.permissions import require
from shokuba.events import selectors, services
from shokuba.events.models import Event, EventKind, EventState, Registration, RegistrationState
from shokuba.events.permissions import visible_events, visible_registrations

router = Router(tags=["events"])

ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
Url = Annotated[str, Field(max_length=500, pattern=r"^(https?://[!-~]+)?$")]
StepCode = Annotated[str, Field(max_length=8, pattern=r"^[0-9a-z-]+$")]


def _label(name: str) -> str | None:
    return services.labels().get(name)


field_labels_register(_label)


class EventIn(RequestBody):
    kind: EventKind
    title: Annotated[Name, Field(max_length=120)]
    description: Annotated[Text, Field(max_length=4000)] = ""
    speaker: Annotated[Line, Field(max_length=200)] = ""
    starts_at: dt.datetime = Field(..., description="開始日時（ISO 8601、時差つき。例: 2027-01-20T14:00:00+09:00）")
    ends_at: dt.datetime
    venue: Annotated[Line, Field(max_length=200)] = ""
    online_url: Url = ""
    capacity: Annotated[int, Field(ge=1, le=services.CAPACITY_MAX)]
    registration_deadline: dt.datetime | None = None
    steps: Annotated[list[StepCode], Field(max_length=30)] = []


class EventOut(Schema):
    id: int
    uid: str
    kind: EventKind
    state: EventState
    title: str
    description: str
    speaker: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue: str
    online_url: str
    capacity: int
    registered: int
    registration_deadline: dt.datetime | None
    steps: list[str]
    cancel_reason: str
    materials_url: str
    recording_url: str
    demo: bool


class CancelIn(RequestBody):
    reason: Annotated[Text, Field(min_length=1, max_length=2000, pattern=r"\S")]


class MaterialsIn(RequestBody):
    materials_url: Url = ""
    recording_url: Url = ""


class AttendanceIn(RequestBody):
    attended: Annotated[list[Annotated[int, Field(ge=1, le=2**31 - 1)]], Field(max_length=1000)] = Field(
        ..., description="出席した申込の ID（ほかの申込は欠席として記録）"
    )


class RegistrationOut(Schema):
    id: int
    event: int
    member: str
    member_name: str
    person: str
    state: RegistrationState
    attended: bool | None
    created_at: dt.datetime


def _aware(value: dt.datetime | None, loc: str) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        raise ApiError(
            422,
            _("%(label)sは時差つき（例: +09:00）で指定してください。") % {"label": services.labels()[loc]},
            loc=["body", loc],
            type="date_order",
        )
    return value


def event_out(event: Event) -> dict[str, Any]:
    return {
        "id": event.pk,
        "uid": event.uid,
        "kind": event.kind,
        "state": event.state,
        "title": event.title,
        "description": event.description,
        "speaker": event.speaker,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "venue": event.venue,
        "online_url": event.online_url,
        "capacity": event.capacity,
        "registered": selectors.registered_count(event),
        "registration_deadline": event.registration_deadline,
        "steps": [s.code for s in event.steps.order_by("chapter__position", "position")],
        "cancel_reason": event.cancel_reason,
        "materials_url": event.materials_url,
        "recording_url": event.recording_url,
        "demo": event.demo,
    }


def registration_out(registration: Registration) -> dict[str, Any]:
    user = registration.user
    return {
        "id": registration.pk,
        "event": registration.event_id,
        "member": registration.member_id,
        "member_name": registration.member.local_government.full_name,
        "person": user.display_name or user.username,
        "state": registration.state,
        "attended": registration.attended,
        "created_at": registration.created_at,
    }


def _event(user: Any, pk: int) -> Event:
    event = visible_events(user).filter(pk=pk).first()
    if event is None:
        raise not_found(_("研修・交流会（ID %(id)d）は見つかりません。") % {"id": pk}, loc=["path", "id"])
    return event


def _input(payload: EventIn) -> services.EventInput:
    data = payload.dict()
    for name in ("starts_at", "ends_at", "registration_deadline"):
        data[name] = _aware(data[name], name)
    return services.EventInput(**data)


@router.get("", response={200: list[EventOut], **ERRORS}, summary="研修・交流会の一覧（開始日時の順）")
def event_list(request: HttpRequest) -> list[dict[str, Any]]:
    user = caller(request)
    require(user, "events.view", None)
    return [event_out(e) for e in visible_events(user).order_by("starts_at", "pk")[:500]]


@router.post("", response={201: EventOut, **ERRORS}, summary="研修・交流会を作る（事務局）")
def event_create(request: HttpRequest, payload: EventIn) -> Status[dict[str, Any]]:
    user = caller(request)
    require(user, "events.manage", None)
    return Status(201, event_out(services.event_save(actor=user, data=_input(payload))))


@router.get("/{id}", response={200: EventOut, **ERRORS}, summary="研修・交流会")
def event_detail(request: HttpRequest, id: int) -> dict[str, Any]:
    return event_out(_event(caller(request), id))


@router.put("/{id}", response={200: EventOut, **ERRORS}, summary="研修・交流会を変更する（事務局）")
def event_put(request: HttpRequest, id: int, payload: EventIn) -> dict[str, Any]:
    user = caller(request)
    event = _event(user, id)
    require(user, "event.change", event)
    return event_out(services.event_save(actor=user, event=event, data=_input(payload)))


@router.post("/{id}/cancel", response={200: EventOut, **ERRORS}, summary="中止にする（事務局）")
def event_cancel(request: HttpRequest, id: int, payload: CancelIn) -> dict[str, Any]:
    user = caller(request)
    return event_out(services.event_cancel(actor=user, event=_event(user, id), reason=payload.reason))


@router.put("/{id}/materials", response={200: EventOut, **ERRORS}, summary="資料と録画のリンク（事務局）")
def event_materials(request: HttpRequest, id: int, payload: MaterialsIn) -> dict[str, Any]:
    user = caller(request)
    event = services.materials_save(
        actor=user, event=_event(user, id), materials_url=payload.materials_url, recording_url=payload.recording_url
    )
    return event_out(event)


@router.get(
    "/{id}/registrations",
    response={200: list[RegistrationOut], **ERRORS},
    summary="申込（事務局・支援チームはすべて、自治体担当者は自分の自治体の申込）",
)
def registration_list(request: HttpRequest, id: int) -> list[dict[str, Any]]:
    user = caller(request)
    return [registration_out(r) for r in selectors.registrations_of(user, _event(user, id))]


@router.post("/{id}/registrations", response={201: RegistrationOut, **ERRORS}, summary="参加を申し込む（自治体担当者）")
def registration_create(request: HttpRequest, id: int) -> Status[dict[str, Any]]:
    user = caller(request)
    registration = services.registration_create(actor=user, event=_event(user, id))
    return Status(201, registration_out(visible_registrations(user).get(pk=registration.pk)))


@router.post(
    "/registrations/{id}/cancel", response={200: RegistrationOut, **ERRORS}, summary="申込を取り消す（自治体担当者）"
)
def registration_cancel(request: HttpRequest, id: int) -> dict[str, Any]:
    user = caller(request)
    registration = visible_registrations(user).filter(pk=id).first()
    if registration is None:
        raise not_found(_("申込（ID %(id)d）は見つかりません。") % {"id": id}, loc=["path", "id"])
    services.registration_cancel(actor=user, registration=registration)
    return registration_out(visible_registrations(user).get(pk=id))


@router.put("/{id}/attendance", response={200: list[RegistrationOut], **ERRORS}, summary="出席を記録する（事務局）")
def attendance(request: HttpRequest, id: int, payload: AttendanceIn) -> list[dict[str, Any]]:
    user = caller(request)
    event = _event(user, id)
    services.attendance_record(actor=user, event=event, attended=set(payload.attended))
    return [registration_out(r) for r in selectors.registrations_of(user, event)]
