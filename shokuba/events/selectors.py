"""Reads of events and registrations, always narrowed by `visible_events` / `visible_registrations`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from shokuba.events.models import Event, Registration, RegistrationState
from shokuba.events.permissions import visible_events, visible_registrations


def event_for(user: Any, pk: int) -> Event:
    event = visible_events(user).filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


def with_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    return events.annotate(
        registered=Count("registrations", filter=Q(registrations__state=RegistrationState.REGISTERED))
    )


@dataclass
class EventLists:
    upcoming: list[Event]
    past: list[Event]


def event_lists(user: Any) -> EventLists:
    now = timezone.now()
    events = with_counts(visible_events(user))
    return EventLists(
        upcoming=list(events.filter(ends_at__gte=now).order_by("starts_at", "pk")),
        past=list(events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")[:50]),
    )


def registrations_of(user: Any, event: Event) -> QuerySet[Registration]:
    """The registrations the user may see: the staff every member's, a coordinator their own member's."""
    return visible_registrations(user).filter(event=event, state=RegistrationState.REGISTERED).order_by("created_at")


def own_registration(user: Any, event: Event) -> Registration | None:
    if not getattr(user, "pk", None):
        return None
    return Registration.objects.filter(event=event, user=user, state=RegistrationState.REGISTERED).first()


def own_registrations(user: Any) -> QuerySet[Registration]:
    """The person's own active registrations (their calendar feed and 「申込中」)."""
    if not getattr(user, "pk", None):
        return Registration.objects.none()
    return (
        visible_registrations(user)
        .filter(user_id=user.pk, state=RegistrationState.REGISTERED)
        .order_by("event__starts_at", "pk")
    )


def registration_for(user: Any, pk: int) -> Registration:
    registration = visible_registrations(user).filter(pk=pk).first()
    if registration is None:
        raise Http404
    return registration


def registered_count(event: Event) -> int:
    return event.registrations.filter(state=RegistrationState.REGISTERED).count()


def survey_answer_token(user: Any, event: Event) -> str | None:
    """The answering link's token for someone who attended (or registered, before attendance was recorded)."""
    wave = event.survey_wave
    registration = own_registration(user, event)
    if wave is None or registration is None or registration.attended is False:
        return None
    link = wave.links.filter(organisation__isnull=True).first()
    return link.token if link else None
