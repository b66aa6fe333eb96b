"""Who may check job ads and read the checks. Rules registered with core.permissions from JobadsConfig.ready().

An organisation's ads are its own: its admin checks and reads them, as do its programme's coordinator and the
secretariat; the support team reads. A programme's page (the batch over its organisations and the summary) is the
coordinator's and the network's staff's; an organisation admin sees the page with their own organisation only.
A prefecture's coordinator sees no municipality's ads (they are an organisation's, not aggregates). Checking a
text without saving it is open to every role (nothing is stored or read).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shokuba.core.permissions import register
from shokuba.jobads.models import JobAdCheck
from shokuba.network.models import Member, Organisation
from shokuba.network.permissions import (
    administers,
    any_role,
    coordinates,
    is_organisation_admin,
    is_secretariat,
    reads_everything,
    visible_organisations,
)

APP = "jobads"


def _admin_in(user: Any, member: Member) -> bool:
    return is_organisation_admin(user) and user.organisation is not None and user.organisation.member_id == member.pk


def register_permissions() -> None:
    register("jobads.try", lambda user, _obj: any_role(user), on=None, app=APP)
    register(
        "jobads.view_programme",
        lambda user, member: reads_everything(user) or coordinates(user, member) or _admin_in(user, member),
        on=Member,
        app=APP,
    )
    register(
        "jobads.batch",
        lambda user, member: is_secretariat(user) or coordinates(user, member),
        on=Member,
        app=APP,
    )
    register(
        "jobads.view",
        lambda user, org: reads_everything(user) or coordinates(user, org.member) or administers(user, org.pk),
        on=Organisation,
        app=APP,
    )
    register(
        "jobads.check",
        lambda user, org: is_secretariat(user) or coordinates(user, org.member) or administers(user, org.pk),
        on=Organisation,
        app=APP,
    )


def visible_checks(user: Any) -> QuerySet[JobAdCheck]:
    """Checks of the organisations the user sees (network.permissions.visible_organisations)."""
    return JobAdCheck.objects.select_related("organisation", "member__local_government", "previous").filter(
        organisation__in=visible_organisations(user).values("pk")
    )
