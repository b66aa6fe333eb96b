"""Who may see and change questionnaires, waves and answering links, and which of them exist for a user
(`visible_*`). Rules registered with core.permissions from SurveysConfig.ready().

Raw responses (and exports of them) go only to the programme's coordinator and the secretariat; the support team
reads set-up and response counts; an organisation admin sees the waves their organisation takes part in, their own
link and its counts.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shokuba.core.permissions import register
from shokuba.network.models import Member, Role
from shokuba.network.permissions import (
    administers,
    coordinates,
    has_role,
    is_organisation_admin,
    is_secretariat,
    reads_everything,
)
from shokuba.surveys.models import Questionnaire, Wave, WaveLink

APP = "surveys"


def takes_part(user: Any, wave: Wave) -> bool:
    """An organisation admin whose organisation has a link of the wave."""
    return is_organisation_admin(user) and wave.links.filter(organisation_id=user.organisation_id).exists()


def _own_link(user: Any, link: WaveLink) -> bool:
    return administers(user, link.organisation_id)


def register_permissions() -> None:
    # The template library is the programmes' and the network staff's (organisation admins answer, not author).
    register(
        "surveys.view_library",
        lambda user, _obj: reads_everything(user) or has_role(user, Role.COORDINATOR),
        on=None,
        app=APP,
    )
    # Every programme's waves in one list (with the member named on each row): the network's staff.
    register("surveys.view_every_programme", lambda user, _obj: reads_everything(user), on=None, app=APP)
    register(
        "member.view_surveys",
        lambda user, member: reads_everything(user) or coordinates(user, member),
        on=Member,
        app=APP,
    )
    register(
        "member.manage_surveys",
        lambda user, member: is_secretariat(user) or coordinates(user, member),
        on=Member,
        app=APP,
    )
    register(
        "questionnaire.view",
        lambda user, q: reads_everything(user) or coordinates(user, q.member),
        on=Questionnaire,
        app=APP,
    )
    register(
        "questionnaire.change",
        lambda user, q: is_secretariat(user) or coordinates(user, q.member),
        on=Questionnaire,
        app=APP,
    )
    register(
        "wave.view",
        lambda user, wave: reads_everything(user) or coordinates(user, wave.member) or takes_part(user, wave),
        on=Wave,
        app=APP,
    )
    register(
        "wave.view_all_links",
        lambda user, wave: reads_everything(user) or coordinates(user, wave.member),
        on=Wave,
        app=APP,
    )
    register("wave.change", lambda user, wave: is_secretariat(user) or coordinates(user, wave.member), on=Wave, app=APP)
    register(
        "wave.view_responses",
        lambda user, wave: is_secretariat(user) or coordinates(user, wave.member),
        on=Wave,
        app=APP,
    )
    # Paper/Excel imports add responses: whoever manages the wave; the support team reads the import history.
    register(
        "wave.import_responses",
        lambda user, wave: is_secretariat(user) or coordinates(user, wave.member),
        on=Wave,
        app=APP,
    )
    register(
        "wave.view_imports",
        lambda user, wave: reads_everything(user) or coordinates(user, wave.member),
        on=Wave,
        app=APP,
    )
    register(
        "wave_link.view",
        lambda user, link: reads_everything(user) or coordinates(user, link.wave.member) or _own_link(user, link),
        on=WaveLink,
        app=APP,
    )
    register(
        "wave_link.change_headcount",
        lambda user, link: is_secretariat(user) or coordinates(user, link.wave.member) or _own_link(user, link),
        on=WaveLink,
        app=APP,
    )


# --- queries: which rows exist for this user ------------------------------------------------------------------


def visible_questionnaires(user: Any) -> QuerySet[Questionnaire]:
    questionnaires = Questionnaire.objects.select_related("member__local_government")
    if reads_everything(user):
        return questionnaires
    if has_role(user, Role.COORDINATOR):
        return questionnaires.filter(member_id=user.member_id)
    return questionnaires.none()


def visible_waves(user: Any) -> QuerySet[Wave]:
    """Survey waves: the programme's own; for an organisation admin, the waves their organisation takes part in."""
    waves = Wave.objects.select_related("member__local_government", "version__questionnaire")
    if reads_everything(user):
        return waves
    if has_role(user, Role.COORDINATOR):
        return waves.filter(member_id=user.member_id)
    if is_organisation_admin(user):
        return waves.filter(links__organisation_id=user.organisation_id).distinct()
    return waves.none()


def visible_wave_links(user: Any) -> QuerySet[WaveLink]:
    """Answering links (with their QR codes and flyers). An organisation admin sees only their organisation's."""
    links = WaveLink.objects.select_related("wave__member__local_government", "organisation")
    if reads_everything(user):
        return links
    if has_role(user, Role.COORDINATOR):
        return links.filter(wave__member_id=user.member_id)
    if is_organisation_admin(user):
        return links.filter(organisation_id=user.organisation_id)
    return links.none()
