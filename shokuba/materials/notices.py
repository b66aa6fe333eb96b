"""The materials app's kinds of notification (core.notifications): an introduction request reaches the
secretariat; its routing (紹介済 / 見送り) reaches the member's coordinators and the requester. The services call
these inside their transactions; mails go out when the transaction commits."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shokuba.core.notifications import kind_register, notify
from shokuba.network.models import Role, User

APP = "materials"
REQUESTED, ROUTED = "materials.introduction_requested", "materials.introduction_routed"


def register_notices() -> None:
    kind_register(REQUESTED, _("有識者：紹介の依頼"), app=APP)
    kind_register(ROUTED, _("有識者：紹介の依頼への事務局の対応"), app=APP)


def _link(request: Any) -> str:
    return reverse("materials:introduction", args=[request.pk])


def introduction_requested_notify(request: Any) -> None:
    notify(
        User.objects.filter(role=Role.SECRETARIAT, is_active=True),
        kind=REQUESTED,
        subject_template="materials/notices/introduction_requested_subject.txt",
        body_template="materials/notices/introduction_requested_body.txt",
        context={"request": request},
        link=_link(request),
    )


def introduction_routed_notify(request: Any) -> None:
    people = {u.pk: u for u in User.objects.filter(member_id=request.member_id, role=Role.COORDINATOR, is_active=True)}
    if request.created_by_id and request.created_by.is_active:
        people[request.created_by_id] = request.created_by
    notify(
        [people[pk] for pk in sorted(people)],
        kind=ROUTED,
        subject_template="materials/notices/introduction_routed_subject.txt",
        body_template="materials/notices/introduction_routed_body.txt",
        context={"request": request},
        link=_link(request),
    )
