"""Regional statistics are public official data: every logged-in role reads every area. Importing is the
secretariat's for any area, file or API; a member's coordinator imports, from a file, the figures of their own
member's areas (a prefecture: itself and its municipalities; a municipality: itself), from the prefecture's own
e-Stat download, and the import service never lets that replace figures the secretariat imported. Choosing a
member's outcome indicators is its coordinator's (and the secretariat's). Registered with core.permissions from
RegionalConfig.ready()."""

from __future__ import annotations

from typing import Any

from shokuba.core.permissions import register
from shokuba.network.models import Member, Role
from shokuba.network.permissions import any_role, coordinates, has_role, is_secretariat, reads_everything
from shokuba.regional.models import ImportJob

APP = "regional"


def _coordinates_job(user: Any, job: ImportJob) -> bool:
    return job.member is not None and coordinates(user, job.member)


def register_permissions() -> None:
    register("regional.view", lambda user, _obj: any_role(user), on=None, app=APP)
    register("regional.view_network", lambda user, _obj: reads_everything(user), on=None, app=APP)
    # The import page: the network's staff, and coordinators (who import their own areas).
    register(
        "regional.view_imports",
        lambda user, _obj: reads_everything(user) or has_role(user, Role.COORDINATOR),
        on=None,
        app=APP,
    )
    register("regional.import", lambda user, _obj: is_secretariat(user), on=None, app=APP)
    # obj: the member whose areas are imported (None: a user without a member, refused).
    register(
        "regional.import_areas",
        lambda user, member: is_secretariat(user) or (member is not None and coordinates(user, member)),
        on=(Member, type(None)),
        app=APP,
    )
    # A background import's page: the staff, or the coordinator of the member it imported for.
    register(
        "regional.view_job",
        lambda user, job: reads_everything(user) or _coordinates_job(user, job),
        on=ImportJob,
        app=APP,
    )
    register(
        "regional.select_outcome",
        lambda user, member: is_secretariat(user) or coordinates(user, member),
        on=Member,
        app=APP,
    )
