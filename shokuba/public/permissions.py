"""Who may choose what is published: a member's coordinator (or the secretariat) for the member's page, an
organisation's admin (or the secretariat) for the organisation's profile, figures and postings. Reading the public
site needs no rule: its selectors return only what is published."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shokuba.core.permissions import register
from shokuba.network.models import Member, Organisation, Role
from shokuba.network.permissions import administers, coordinates, has_role, is_secretariat

APP = "public"


def register_permissions() -> None:
    register(
        "public.publish_member",
        lambda user, member: is_secretariat(user) or coordinates(user, member),
        on=Member,
        app=APP,
    )
    register(
        "public.publish_organisation",
        lambda user, organisation: is_secretariat(user) or administers(user, organisation.pk),
        on=Organisation,
        app=APP,
    )


def publishing_members(user: Any) -> QuerySet[Member]:
    """Members whose publication settings the user may open (and change)."""
    members = Member.objects.select_related("local_government")
    if is_secretariat(user):
        return members
    if has_role(user, Role.COORDINATOR):
        return members.filter(pk=user.member_id)
    return members.none()


def publishing_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations whose profile, figures and postings the user may open (and change)."""
    organisations = Organisation.objects.select_related("member__local_government", "location")
    if is_secretariat(user):
        return organisations
    if has_role(user, Role.ORGANISATION_ADMIN):
        return organisations.filter(pk=user.organisation_id)
    return organisations.none()
