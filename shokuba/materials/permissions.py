"""Who reads, uploads and records what. Rules registered with core.permissions from MaterialsConfig.ready().

Materials, kits and the experts directory are the network's: its staff and every member's coordinator read them
(organisation admins do not). The secretariat uploads materials, makes kits and keeps the directory. A workshop
record and an introduction request belong to one member: its coordinator writes and reads them, the network's
staff read them all, and a coordinator never sees another member's (404, as if they did not exist). The
secretariat routes introduction requests.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shokuba.core.permissions import register
from shokuba.materials.models import IntroductionRequest, Material, WorkshopRecord
from shokuba.network.models import Member, Role
from shokuba.network.permissions import coordinates, has_role, is_secretariat, reads_everything
from shokuba.search.registry import NETWORK, Narrowing

APP = "materials"


def reads_materials(user: Any) -> bool:
    return reads_everything(user) or has_role(user, Role.COORDINATOR)


def register_permissions() -> None:
    register("materials.view", lambda user, _obj: reads_materials(user), on=None, app=APP)
    register("materials.manage", lambda user, _obj: is_secretariat(user), on=None, app=APP)
    register("workshop.add", lambda user, member: coordinates(user, member), on=Member, app=APP)
    register("introduction.request", lambda user, member: coordinates(user, member), on=Member, app=APP)
    register(
        "introduction.route",
        lambda user, request: is_secretariat(user),
        on=IntroductionRequest,
        app=APP,
    )


def visible_materials(user: Any) -> QuerySet[Material]:
    return Material.objects.all() if reads_materials(user) else Material.objects.none()


def visible_workshops(user: Any) -> QuerySet[WorkshopRecord]:
    records = WorkshopRecord.objects.select_related("member__local_government", "kit")
    if reads_everything(user):
        return records
    if has_role(user, Role.COORDINATOR) and user.member_id:
        return records.filter(member_id=user.member_id)
    return records.none()


def visible_introductions(user: Any) -> QuerySet[IntroductionRequest]:
    requests = IntroductionRequest.objects.select_related("member__local_government", "expert")
    if reads_everything(user):
        return requests
    if has_role(user, Role.COORDINATOR) and user.member_id:
        return requests.filter(member_id=user.member_id)
    return requests.none()


def material_search_narrowing(user: Any) -> Narrowing:
    """Materials are indexed for the network (audience NETWORK, no member): the same readers as the pages."""
    return Narrowing(everywhere=frozenset({NETWORK})) if reads_materials(user) else Narrowing()
