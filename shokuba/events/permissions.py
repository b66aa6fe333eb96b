"""Who sees, organises and joins events. Rules registered with core.permissions from EventsConfig.ready().

Events are the network's: its staff and every member's coordinator see them; organisation admins (employers) do
not. The secretariat creates, changes and cancels events, records attendance and adds materials and the survey. A
coordinator registers themself for their member and cancels their member's registrations; a coordinator sees only
their own member's registrations, the staff see all.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shokuba.core.permissions import register
from shokuba.events.models import Event, EventState, Registration, RegistrationState
from shokuba.network.models import Role
from shokuba.network.permissions import coordinates, has_role, is_secretariat, reads_everything

APP = "events"


def sees_events(user: Any) -> bool:
    return reads_everything(user) or has_role(user, Role.COORDINATOR)


def register_permissions() -> None:
    register("events.view", lambda user, _obj: sees_events(user), on=None, app=APP)
    register("events.manage", lambda user, _obj: is_secretariat(user), on=None, app=APP)
    register("event.change", lambda user, _event: is_secretariat(user), on=Event, app=APP)
    register(
        "event.register",
        lambda user, event: (
            has_role(user, Role.COORDINATOR) and bool(user.member_id) and event.state == EventState.SCHEDULED
        ),
        on=Event,
        app=APP,
    )
    register(
        "registration.cancel",
        lambda user, registration: (
            registration.state == RegistrationState.REGISTERED
            and (
                (getattr(user, "pk", None) is not None and registration.user_id == user.pk)
                or coordinates(user, registration.member)
            )
        ),
        on=Registration,
        app=APP,
    )


def visible_events(user: Any) -> QuerySet[Event]:
    if sees_events(user):
        return Event.objects.all()
    return Event.objects.none()


def visible_registrations(user: Any) -> QuerySet[Registration]:
    registrations = Registration.objects.select_related("user", "member__local_government", "event")
    if reads_everything(user):
        return registrations
    if has_role(user, Role.COORDINATOR) and user.member_id:
        return registrations.filter(member_id=user.member_id)
    return registrations.none()
