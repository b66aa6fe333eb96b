"""Who may see and change workplace indicators, imports, the regional picture, the recognition scheme and the
referral directory, and which indicator rows and imports exist for a user (`visible_*`). Rules registered with
core.permissions from WorkplaceConfig.ready().

An organisation's own figures go to the organisation's admin, its programme's coordinator and the network's
staff. Imports of many organisations at once are the programme's (obj: the member, or None for an import across
the whole network, which is the secretariat's). The regional picture is aggregates only (suppressed under the
threshold): a programme's coordinator, a prefecture's coordinator for the network's municipalities inside it, and
the network's staff; across all members only the staff. The programme's own recognition scheme is its
coordinator's. The referral directory is read by every logged-in role and kept by the secretariat.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shokuba.core.permissions import register
from shokuba.network.models import Member, Organisation, Role
from shokuba.network.permissions import (
    administers,
    any_role,
    coordinates,
    has_role,
    is_secretariat,
    prefecture_oversees,
    reads_everything,
    visible_organisations,
)
from shokuba.workplace.models import IndicatorImport, IndicatorYear

APP = "workplace"


def register_permissions() -> None:
    register(
        "workplace.view_indicators",
        lambda user, org: reads_everything(user) or coordinates(user, org.member) or administers(user, org.pk),
        on=Organisation,
        app=APP,
    )
    register(
        "workplace.change_indicators",
        lambda user, org: is_secretariat(user) or coordinates(user, org.member) or administers(user, org.pk),
        on=Organisation,
        app=APP,
    )
    register(
        "workplace.import",
        lambda user, member: is_secretariat(user) or (member is not None and coordinates(user, member)),
        on=(Member, type(None)),
        app=APP,
    )
    register(
        "workplace.view_imports",
        lambda user, member: reads_everything(user) or (member is not None and coordinates(user, member)),
        on=(Member, type(None)),
        app=APP,
    )
    register(
        "workplace.view_picture",
        lambda user, member: reads_everything(user) or coordinates(user, member) or prefecture_oversees(user, member),
        on=Member,
        app=APP,
    )
    register("workplace.view_network_picture", lambda user, _obj: reads_everything(user), on=None, app=APP)
    register(
        "workplace.manage_recognition",
        lambda user, member: is_secretariat(user) or coordinates(user, member),
        on=Member,
        app=APP,
    )
    register("workplace.view_referrals", lambda user, _obj: any_role(user), on=None, app=APP)
    register("workplace.manage_referrals", lambda user, _obj: is_secretariat(user), on=None, app=APP)


# --- queries: which rows exist for this user ------------------------------------------------------------------


def visible_indicator_years(user: Any) -> QuerySet[IndicatorYear]:
    """Workplace indicators of the organisations the user sees (a prefecture's coordinator: only their own
    programme's organisations; the municipalities' figures reach them as aggregates only)."""
    return IndicatorYear.objects.select_related("organisation__member").filter(
        organisation__in=visible_organisations(user).values("pk")
    )


def visible_indicator_imports(user: Any) -> QuerySet[IndicatorImport]:
    imports = IndicatorImport.objects.select_related("member__local_government", "created_by")
    if reads_everything(user):
        return imports
    if has_role(user, Role.COORDINATOR):
        return imports.filter(member_id=user.member_id)
    return imports.none()
