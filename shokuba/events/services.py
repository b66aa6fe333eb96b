"""Every change to events and registrations: `<thing>_<verb>(*, actor, ...)`, atomic, permission-checked, validated
(every problem at once, naming the field, in Japanese) and audited.

The capacity holds under concurrency: a registration locks the event row (`select_for_update`) before counting its
active registrations, so two coordinators asking for the last place at once are served one after the other and the
second is told the event is full. A change calendars must see (date, place, title, cancellation) raises `sequence`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shokuba.core.audit import audit_record, audit_saved, snapshot
from shokuba.core.models import AuditAction
from shokuba.core.permissions import require
from shokuba.core.validation import texts_check
from shokuba.events import notices
from shokuba.events.models import Event, EventKind, EventState, Registration, RegistrationState
from shokuba.guidebook.models import Step
from shokuba.network.models import User
from shokuba.surveys.models import Wave, WaveStatus

CAPACITY_MAX = 1000
URL_MAX = 500
# What a calendar shows: a change to any of these raises the event's iCalendar SEQUENCE.
CALENDAR_FIELDS = ("title", "description", "speaker", "starts_at", "ends_at", "venue", "online_url", "state")


@dataclass
class EventInput:
    kind: str = EventKind.LECTURE
    title: str = ""
    description: str = ""
    speaker: str = ""
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    venue: str = ""
    online_url: str = ""
    capacity: int | None = None
    registration_deadline: dt.datetime | None = None
    steps: list[str] = field(default_factory=list)


def labels() -> dict[str, str]:
    return {
        "kind": _("種類"),
        "title": _("名称"),
        "description": _("内容"),
        "speaker": _("講師・話題提供"),
        "starts_at": _("開始日時"),
        "ends_at": _("終了日時"),
        "venue": _("会場"),
        "online_url": _("オンライン参加のURL"),
        "capacity": _("定員"),
        "registration_deadline": _("申込締切"),
        "steps": _("ガイドブックの手順"),
        "reason": _("中止の理由"),
        "materials_url": _("資料のURL"),
        "recording_url": _("録画のURL"),
        "wave": _("アンケート"),
        "attended": _("出席"),
    }


TEXTS = (("title", False, 120), ("description", True, 4000), ("speaker", False, 200), ("venue", False, 200))


def _add(errors: dict[str, list[Any]], name: str, message: str, code: str = "invalid") -> None:
    errors.setdefault(name, []).append(ValidationError(message, code=code))


def _url_check(errors: dict[str, list[Any]], name: str, url: Any) -> None:
    if not isinstance(url, str):
        _add(errors, name, _("%(label)sは文字で入力してください。") % {"label": labels()[name]})
    elif url and (not url.startswith(("https://", "http://")) or len(url) > URL_MAX or any(c.isspace() for c in url)):
        _add(
            errors,
            name,
            _("%(label)sは http:// か https:// で始まる%(max)d文字以内のアドレスで入力してください。")
            % {"label": labels()[name], "max": URL_MAX},
        )


def _aware(value: Any) -> bool:
    return isinstance(value, dt.datetime) and timezone.is_aware(value)


def _check(data: EventInput, event: Event | None) -> tuple[dict[str, list[Any]], list[Step]]:
    names = labels()
    errors = texts_check({name: (names[name], getattr(data, name), multi) for name, multi, _m in TEXTS})
    errors.update(texts_check({"online_url": (names["online_url"], data.online_url, False)}))
    for name, _multi, maximum in TEXTS:
        value = getattr(data, name)
        if not isinstance(value, str):
            _add(errors, name, _("%(label)sは文字で入力してください。") % {"label": names[name]})
        elif len(value) > maximum:
            _add(
                errors,
                name,
                _("%(label)sは%(max)d文字以内で入力してください。") % {"label": names[name], "max": maximum},
            )
    if data.kind not in EventKind.values:
        _add(errors, "kind", _("種類は「講義」か「交流会」から選んでください。"))
    if isinstance(data.title, str) and not data.title.strip():
        _add(errors, "title", _("名称を入力してください。"), "blank")
    for name in ("starts_at", "ends_at"):
        if not _aware(getattr(data, name)):
            _add(errors, name, _("%(label)sを入力してください。") % {"label": names[name]}, "blank")
    if _aware(data.starts_at) and _aware(data.ends_at) and data.ends_at <= data.starts_at:  # type: ignore[operator]
        _add(errors, "ends_at", _("終了日時は開始日時より後にしてください。"), "date_order")
    if data.registration_deadline is not None:
        if not _aware(data.registration_deadline):
            _add(errors, "registration_deadline", _("申込締切は日時で入力してください。"))
        elif _aware(data.starts_at) and data.registration_deadline > data.starts_at:  # type: ignore[operator]
            _add(errors, "registration_deadline", _("申込締切は開始日時より前にしてください。"), "date_order")
    _url_check(errors, "online_url", data.online_url)
    if isinstance(data.venue, str) and isinstance(data.online_url, str):
        if not data.venue.strip() and not data.online_url.strip():
            _add(errors, "venue", _("会場かオンライン参加のURLのどちらかを入力してください。"), "place")
    capacity = data.capacity
    if not isinstance(capacity, int) or isinstance(capacity, bool) or not 1 <= capacity <= CAPACITY_MAX:
        _add(errors, "capacity", _("定員は1〜%(max)d人の整数で入力してください。") % {"max": CAPACITY_MAX})
    elif event is not None:
        taken = event.registrations.filter(state=RegistrationState.REGISTERED).count()
        if capacity < taken:
            _add(
                errors,
                "capacity",
                _("定員は、すでに申し込んでいる%(taken)d人より少なくできません。") % {"taken": taken},
                "state",
            )
    codes = data.steps if isinstance(data.steps, list) and all(isinstance(c, str) for c in data.steps) else []
    steps = list(Step.objects.filter(code__in=codes).order_by("chapter__position", "position"))
    unknown = sorted(set(codes) - {s.code for s in steps})
    if unknown:
        _add(errors, "steps", _("ガイドブックにない手順です: %(codes)s") % {"codes": "、".join(unknown)}, "reference")
    return errors, steps


def _account(actor: Any) -> User | None:
    return actor if getattr(actor, "pk", None) else None


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _state_error(name: str, message: str) -> ValidationError:
    return ValidationError({name: [ValidationError(message, code="state")]})


@transaction.atomic
def event_save(*, actor: Any, data: EventInput, event: Event | None = None, demo: bool = False) -> Event:
    """Create an event, or change a scheduled one (a cancelled event stays as it was)."""
    if event is None:
        require(actor, "events.manage")
    else:
        require(actor, "event.change", event)
        event = _locked(event)
        if event.cancelled:
            raise _state_error("state", _("中止した研修・交流会は変更できません。"))
    errors, steps = _check(data, event)
    if errors:
        raise ValidationError(errors)
    before = snapshot(event) if event else None
    shown = {name: getattr(event, name) for name in CALENDAR_FIELDS} if event else None
    event = event or Event(created_by=_account(actor), demo=demo)
    event.kind = data.kind
    event.title = data.title.strip()
    event.description = data.description
    event.speaker = data.speaker.strip()
    event.starts_at, event.ends_at = data.starts_at, data.ends_at  # type: ignore[assignment]
    event.venue, event.online_url = data.venue.strip(), data.online_url.strip()
    event.capacity = data.capacity  # type: ignore[assignment]
    event.registration_deadline = data.registration_deadline
    if shown is not None and any(shown[name] != getattr(event, name) for name in CALENDAR_FIELDS):
        event.sequence += 1
    event.save()
    event.steps.set(steps)
    after = snapshot(event) | {"steps": [s.code for s in steps]}
    if before is None:
        audit_record(actor=actor, action=AuditAction.CREATE, instance=event, before=None, after=after)
    else:
        audit_saved(actor=actor, instance=event, before=before, bookkeeping=frozenset({"updated_at", "sequence"}))
    return event


def _registered(event: Event) -> Any:
    return event.registrations.filter(state=RegistrationState.REGISTERED)


@transaction.atomic
def event_cancel(*, actor: Any, event: Event, reason: str) -> Event:
    """Cancel a scheduled event with a reason; the people registered are told (their registrations stay)."""
    require(actor, "event.change", event)
    event = _locked(event)
    if event.cancelled:
        raise _state_error("state", _("この研修・交流会はすでに中止になっています。"))
    if event.starts_at <= timezone.now():
        raise _state_error("state", _("開始日時を過ぎた研修・交流会は中止にできません。"))
    errors = texts_check({"reason": (labels()["reason"], reason, True)})
    if not isinstance(reason, str) or not reason.strip():
        _add(errors, "reason", _("中止の理由を入力してください。"), "blank")
    elif len(reason) > 2000:
        _add(errors, "reason", _("中止の理由は2000文字以内で入力してください。"))
    if errors:
        raise ValidationError(errors)
    before = snapshot(event)
    event.state, event.cancel_reason = EventState.CANCELLED, reason.strip()
    event.sequence += 1
    event.save()
    audit_saved(actor=actor, instance=event, before=before, bookkeeping=frozenset({"updated_at", "sequence"}))
    notices.event_cancelled_notify(event, [r.user for r in _registered(event).select_related("user")])
    return event


def places_left(event: Event) -> int:
    return max(0, event.capacity - _registered(event).count())


@transaction.atomic
def registration_create(*, actor: Any, event: Event, now: dt.datetime | None = None) -> Registration:
    """Register the coordinator (for their member): before the deadline and the start, while places are left."""
    require(actor, "event.register", event)
    event = _locked(event)  # every registration for this event waits here: the count below cannot go stale
    now = now or timezone.now()
    if event.cancelled:
        raise _state_error("event", _("この研修・交流会は中止になりました。"))
    if event.starts_at <= now:
        raise _state_error("event", _("開始日時を過ぎたため、申し込めません。"))
    if event.registration_deadline is not None and event.registration_deadline < now:
        raise _state_error("registration_deadline", _("申込締切を過ぎたため、申し込めません。"))
    found = Registration.objects.filter(event=event, user=actor).first()
    if found is not None and found.active:
        raise _state_error("event", _("すでに申し込んでいます。"))
    if _registered(event).count() >= event.capacity:
        raise ValidationError(
            {
                "capacity": [
                    ValidationError(
                        _("定員（%(capacity)d人）に達したため、申し込めません。") % {"capacity": event.capacity},
                        code="state",
                    )
                ]
            }
        )
    if found is None:
        registration = Registration.objects.create(event=event, user=actor, member_id=actor.member_id)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=registration,
            before=None,
            after=snapshot(registration),
            member_code=registration.member_id,
        )
        return registration
    before = snapshot(found)
    found.state, found.member_id, found.cancelled_at = RegistrationState.REGISTERED, actor.member_id, None
    found.reminded_at, found.attended = None, None
    found.save()
    audit_saved(actor=actor, instance=found, before=before, member_code=found.member_id)
    return found


@transaction.atomic
def registration_cancel(*, actor: Any, registration: Registration) -> Registration:
    require(actor, "registration.cancel", registration)
    registration = Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
    if not registration.active:
        raise _state_error("registration", _("この申込はすでに取り消されています。"))
    if registration.event.starts_at <= timezone.now():
        raise _state_error("registration", _("開始日時を過ぎた申込は取り消せません。"))
    before = snapshot(registration)
    registration.state, registration.cancelled_at = RegistrationState.CANCELLED, timezone.now()
    registration.save()
    audit_saved(actor=actor, instance=registration, before=before, member_code=registration.member_id)
    return registration


@transaction.atomic
def attendance_record(
    *, actor: Any, event: Event, attended: set[int], now: dt.datetime | None = None
) -> list[Registration]:
    """Mark who of the people registered attended (the ids given), the others absent; from the start on."""
    require(actor, "event.change", event)
    event = _locked(event)
    if event.cancelled:
        raise _state_error("attended", _("中止した研修・交流会の出席は記録できません。"))
    if event.starts_at > (now or timezone.now()):
        raise _state_error("attended", _("出席は開始日時の後に記録できます。"))
    registrations = list(_registered(event).select_for_update())
    unknown = set(attended) - {r.pk for r in registrations}
    if unknown:
        raise ValidationError(
            {"attended": [ValidationError(_("出席に、この研修・交流会の申込でないものがあります。"), code="reference")]}
        )
    changed = []
    for registration in registrations:
        value = registration.pk in attended
        if registration.attended is value:
            continue
        before = snapshot(registration)
        registration.attended = value
        registration.save(update_fields=["attended"])
        audit_saved(actor=actor, instance=registration, before=before, member_code=registration.member_id)
        changed.append(registration)
    return changed


@transaction.atomic
def materials_save(*, actor: Any, event: Event, materials_url: str, recording_url: str) -> Event:
    """Link the materials and the recording (http/https addresses; empty removes a link)."""
    require(actor, "event.change", event)
    event = _locked(event)
    names = labels()
    errors = texts_check(
        {
            "materials_url": (names["materials_url"], materials_url, False),
            "recording_url": (names["recording_url"], recording_url, False),
        }
    )
    _url_check(errors, "materials_url", materials_url)
    _url_check(errors, "recording_url", recording_url)
    if errors:
        raise ValidationError(errors)
    before = snapshot(event)
    event.materials_url, event.recording_url = materials_url.strip(), recording_url.strip()
    event.save()
    audit_saved(actor=actor, instance=event, before=before, bookkeeping=frozenset({"updated_at"}))
    return event


@transaction.atomic
def survey_attach(*, actor: Any, event: Event, wave_id: int | None) -> Event:
    """Attach a survey wave as the feedback questionnaire: a wave answered through one link for the whole wave
    (shokuba.surveys' public link), not closed. The people registered who attended (else all registered, when no
    attendance was recorded) are asked to answer. None detaches it."""
    require(actor, "event.change", event)
    event = _locked(event)
    wave = None
    if wave_id is not None:
        wave = (
            Wave.objects.filter(pk=wave_id, public_link=True)
            .exclude(status=WaveStatus.CLOSED)
            .filter(links__organisation__isnull=True)
            .first()
        )
        if wave is None:
            raise ValidationError(
                {
                    "wave": [
                        ValidationError(
                            _("アンケートは、全体で1つのリンクで回答を集める、終了していない調査から選んでください。"),
                            code="reference",
                        )
                    ]
                }
            )
    before = snapshot(event)
    event.survey_wave = wave
    event.save()
    audit_saved(actor=actor, instance=event, before=before, bookkeeping=frozenset({"updated_at"}))
    if wave is not None and before.get("survey_wave_id") != wave.pk:
        notices.event_survey_notify(event, [r.user for r in survey_invitees(event)])
    return event


def survey_invitees(event: Event) -> list[Registration]:
    registered = list(_registered(event).select_related("user"))
    if any(r.attended is not None for r in registered):
        return [r for r in registered if r.attended]
    return registered


def event_input(event: Event) -> EventInput:
    return EventInput(
        kind=event.kind,
        title=event.title,
        description=event.description,
        speaker=event.speaker,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        venue=event.venue,
        online_url=event.online_url,
        capacity=event.capacity,
        registration_deadline=event.registration_deadline,
        steps=[s.code for s in event.steps.order_by("chapter__position", "position")],
    )
