"""Who may change a programme's guidebook progress and read its evidence files (rules registered with
core.permissions from GuidebookConfig.ready()). Reading the progress itself is `member.view` / `member.view_details`
(shokuba.network.permissions)."""

from __future__ import annotations

from shokuba.core.permissions import register
from shokuba.network.models import Member
from shokuba.network.permissions import coordinates, is_secretariat, reads_everything

APP = "guidebook"


def register_permissions() -> None:
    register(
        "member.change_progress",
        lambda user, member: is_secretariat(user) or coordinates(user, member),
        on=Member,
        app=APP,
    )
    register(
        "member.view_evidence",
        lambda user, member: reads_everything(user) or coordinates(user, member),
        on=Member,
        app=APP,
    )
