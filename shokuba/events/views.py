"""The events' pages: parse, check, call a service or selector, render. Refused input answers 400 with the page
and the Japanese message naming the field; nothing is stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shokuba.core.downloads import attach
from shokuba.core.mail import site_url
from shokuba.core.permissions import has_perm, require
from shokuba.events import ical, selectors, services
from shokuba.events.forms import CancelForm, EventForm, MaterialsForm, SurveyForm
from shokuba.events.models import Event
from shokuba.surveys.models import Wave, WaveStatus

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _errors_to_form(form: Any, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _messages_of(error: ValidationError) -> list[str]:
    names = services.labels()
    found = []
    for field, problems in error.message_dict.items():
        for problem in problems:
            label = names.get(field)
            found.append(f"{label}: {problem}" if label and label not in problem else problem)
    return found


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, "events.view")
    lists = selectors.event_lists(request.user)
    context = {
        "upcoming": lists.upcoming,
        "past": lists.past,
        "own": selectors.own_registrations(request.user),
        "can_manage": has_perm(request.user, "events.manage"),
    }
    return render(request, "events/index.html", context)


def _form_page(request: HttpRequest, event: Event | None) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = EventForm(request.POST)
        if form.is_valid():
            data = services.EventInput(**form.cleaned_data)
            try:
                saved = services.event_save(actor=request.user, data=data, event=event)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("研修・交流会を保存しました。"))
                return redirect("events:event", saved.pk)
        status = 400
    else:
        form = EventForm(initial=services.event_input(event).__dict__ if event else {"capacity": 30})
    title = _("研修・交流会を編集") if event else _("研修・交流会を作る")
    return render(request, "events/form.html", {"form": form, "event": event, "title": title}, status=status)


@login_required
def event_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "events.manage")
    return _form_page(request, None)


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_for(request.user, pk)
    require(request.user, "event.change", event)
    return _form_page(request, event)


def _survey_waves() -> list[tuple[int, str]]:
    waves = (
        Wave.objects.filter(public_link=True)
        .exclude(status=WaveStatus.CLOSED)
        .select_related("member__local_government")
        .order_by("-opens_on", "-pk")[:200]
    )
    return [(w.pk, f"{w.name}（{w.member.local_government.full_name}）") for w in waves]


def _event_page(request: HttpRequest, event: Event, *, errors: list[str] | None = None, status: int = 200) -> Any:
    user = request.user
    can_change = has_perm(user, "event.change", event)
    own = selectors.own_registration(user, event)
    token = selectors.survey_answer_token(user, event)
    now = timezone.now()
    registrations = list(selectors.registrations_of(user, event))
    context = {
        "event": event,
        "steps": event.steps.order_by("chapter__position", "position"),
        "registrations": registrations,
        "cancellable": {r.pk for r in registrations if r != own and has_perm(user, "registration.cancel", r)},
        "registered": selectors.registered_count(event),
        "places_left": services.places_left(event),
        "own": own,
        "can_register": own is None and has_perm(user, "event.register", event) and event.starts_at > now,
        "can_cancel_own": own is not None and has_perm(user, "registration.cancel", own),
        "can_change": can_change,
        "started": event.starts_at <= now,
        "ended": event.ends_at <= now,
        "survey_url": reverse("surveys:answer", args=[token]) if token else "",
        "cancel_form": CancelForm() if can_change else None,
        "materials_form": MaterialsForm(
            initial={"materials_url": event.materials_url, "recording_url": event.recording_url}
        )
        if can_change
        else None,
        "survey_form": SurveyForm(initial={"wave": event.survey_wave_id}, waves=_survey_waves())
        if can_change
        else None,
        "errors": errors or [],
    }
    return render(request, "events/event.html", context, status=status)


@login_required
def event_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _event_page(request, selectors.event_for(request.user, pk))


def _act(request: HttpRequest, event: Event, call: Callable[[], Any], done: str) -> HttpResponse:
    try:
        call()
    except ValidationError as error:
        return _event_page(request, event, errors=_messages_of(error), status=400)
    messages.success(request, done)
    return redirect("events:event", event.pk)


@login_required
@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_for(request.user, pk)
    reason = request.POST.get("reason", "")
    return _act(
        request,
        event,
        lambda: services.event_cancel(actor=request.user, event=event, reason=reason),
        _("研修・交流会を中止にしました。申込者にお知らせしました。"),
    )


@login_required
@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_for(request.user, pk)
    return _act(
        request,
        event,
        lambda: services.registration_create(actor=request.user, event=event),
        _("参加を申し込みました。前日にお知らせが届きます。"),
    )


@login_required
@require_POST
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = selectors.registration_for(request.user, pk)
    return _act(
        request,
        registration.event,
        lambda: services.registration_cancel(actor=request.user, registration=registration),
        _("申込を取り消しました。"),
    )


def _ids(values: list[str]) -> set[int] | None:
    try:
        return {int(v) for v in values}
    except ValueError:
        return None


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_for(request.user, pk)
    require(request.user, "event.change", event)
    attended = _ids(request.POST.getlist("attended"))
    if attended is None:
        return _event_page(request, event, errors=[_("出席: 申込者を選び直してください。")], status=400)
    return _act(
        request,
        event,
        lambda: services.attendance_record(actor=request.user, event=event, attended=attended),
        _("出席を記録しました。"),
    )


@login_required
@require_POST
def materials(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_for(request.user, pk)
    return _act(
        request,
        event,
        lambda: services.materials_save(
            actor=request.user,
            event=event,
            materials_url=request.POST.get("materials_url", ""),
            recording_url=request.POST.get("recording_url", ""),
        ),
        _("資料と録画のリンクを保存しました。"),
    )


@login_required
@require_POST
def survey(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_for(request.user, pk)
    require(request.user, "event.change", event)
    raw = request.POST.get("wave", "")
    if raw and not raw.isdigit():
        return _event_page(request, event, errors=[_("アンケート: 選択肢から選んでください。")], status=400)
    wave_id = int(raw) if raw else None
    return _act(
        request,
        event,
        lambda: services.survey_attach(actor=request.user, event=event, wave_id=wave_id),
        _("アンケートを設定しました。"),
    )


def _calendar_response(body: bytes, name: str) -> HttpResponse:
    return attach(HttpResponse(body, content_type=CALENDAR_TYPE), name, fallback="event")


@login_required
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_for(request.user, pk)
    page = site_url(reverse("events:event", args=[event.pk]))
    body = ical.calendar([(event, page)], now=timezone.now())
    return _calendar_response(body, f"{event.title}.ics")


@login_required
def my_ics(request: HttpRequest) -> HttpResponse:
    require(request.user, "events.view")
    events = [
        (r.event, site_url(reverse("events:event", args=[r.event_id])))
        for r in selectors.own_registrations(request.user)
    ]
    body = ical.calendar(events, now=timezone.now(), name=_("申し込んだ研修・交流会"))
    return _calendar_response(body, "shokuba-events.ics")
