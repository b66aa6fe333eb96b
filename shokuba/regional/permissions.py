"""Regional statistics are public official data: every logged-in role reads every area. Importing the national
tables is the secretariat's; choosing a member's outcome indicators is its coordinator's (and the secretariat's).
Registered with core.permissions from RegionalConfig.ready()."""

from __future__ import annotations

from shokuba.core.permissions import register
from shokuba.network.models import Member
from shokuba.network.permissions import any_role, coordinates, is_secretariat, reads_everything

APP = "regional"


def register_permissions() -> None:
    register("regional.view", lambda user, _obj: any_role(user), on=None, app=APP)
    register("regional.view_network", lambda user, _obj: reads_everything(user), on=None, app=APP)
    register("regional.view_imports", lambda user, _obj: reads_everything(user), on=None, app=APP)
    register("regional.import", lambda user, _obj: is_secretariat(user), on=None, app=APP)
    register(
        "regional.select_outcome",
        lambda user, member: is_secretariat(user) or coordinates(user, member),
        on=Member,
        app=APP,
    )
