"""The events' kinds of notification and their daily reminder (core.notifications): the day before an event each
person registered is reminded once (remembered on the registration); a cancelled event and a feedback survey reach
the people registered. The services call these inside their transactions; mails go out when they commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shokuba.core.notifications import kind_register, notify, reminder_register
from shokuba.events.models import EventState, Registration, RegistrationState

APP = "events"
REMINDER, CANCELLED, SURVEY = "events.reminder", "events.cancelled", "events.survey"


def register_notices() -> None:
    kind_register(REMINDER, _("研修・交流会：前日のお知らせ"), app=APP)
    kind_register(CANCELLED, _("研修・交流会：中止"), app=APP)
    kind_register(SURVEY, _("研修・交流会：アンケートのお願い"), app=APP)
    reminder_register("events.day_before", events_day_before_remind)


def _link(event: Any) -> str:
    return reverse("events:event", args=[event.pk])


@transaction.atomic
def events_day_before_remind(now: dt.datetime) -> int:
    """Registrations for scheduled events that start tomorrow or later today (Asia/Tokyo), not yet reminded."""
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    due = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event", "user")
        .filter(
            state=RegistrationState.REGISTERED,
            reminded_at__isnull=True,
            event__state=EventState.SCHEDULED,
            event__starts_at__gt=now,
            event__starts_at__date__lte=tomorrow,
        )
        .order_by("event_id", "id")
    )
    sent = 0
    for registration in due:
        event = registration.event
        made = notify(
            [registration.user],
            kind=REMINDER,
            subject_template="events/notices/reminder_subject.txt",
            body_template="events/notices/reminder_body.txt",
            context={"event": event},
            link=_link(event),
        )
        registration.reminded_at = now
        registration.save(update_fields=["reminded_at"])
        sent += len(made)
    return sent


def event_cancelled_notify(event: Any, recipients: Iterable[Any]) -> None:
    notify(
        recipients,
        kind=CANCELLED,
        subject_template="events/notices/cancelled_subject.txt",
        body_template="events/notices/cancelled_body.txt",
        context={"event": event},
        link=_link(event),
    )


def event_survey_notify(event: Any, recipients: Iterable[Any]) -> None:
    notify(
        recipients,
        kind=SURVEY,
        subject_template="events/notices/survey_subject.txt",
        body_template="events/notices/survey_body.txt",
        context={"event": event},
        link=_link(event),
    )
