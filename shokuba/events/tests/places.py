"""The events both permission matrices work on: an upcoming lecture 豊岡市's coordinator registered for, an
upcoming exchange meeting nobody registered for, and a past lecture with 豊岡市's registration (attendance open)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from shokuba.events import services
from shokuba.events.tests.fixtures import make_event


def events_places(coordinator: Any) -> dict[str, int]:
    upcoming = make_event(capacity=5)
    registration = services.registration_create(actor=coordinator, event=upcoming)
    free = make_event(kind="exchange", title="担当者の交流会", capacity=5)
    start = timezone.now() - dt.timedelta(days=3)
    past = make_event(title="終わった講義", starts_at=start, ends_at=start + dt.timedelta(hours=2))
    past_registration = services.registration_create(actor=coordinator, event=past, now=start - dt.timedelta(days=1))
    return {
        "upcoming": upcoming.pk,
        "free": free.pk,
        "past": past.pk,
        "registration": registration.pk,
        "past_registration": past_registration.pk,
    }
