"""Roles, next to the user model: the predicates every app's rules are built on, the network's own rules, and
which members, organisations and accounts exist for a user (`visible_*`).

Roles:
- secretariat: everything, read and write.
- support team: reads everything, changes nothing.
- coordinator: their own member's programme, read and write. A prefecture's coordinator also reads the
  progress (an aggregate per member) of the network's municipalities inside the prefecture, but not their
  organisations, contacts or evidence files.
- organisation admin: their own organisation, read and edit.

An inactive account has no role at all (every predicate is False).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from shokuba.core.permissions import register
from shokuba.network.models import Member, MemberKind, Organisation, Role, User

APP = "network"

# --- role predicates ------------------------------------------------------------------------------------------


def has_role(user: Any, *roles: Role) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "is_active", False) and user.role in roles


def is_secretariat(user: Any) -> bool:
    return has_role(user, Role.SECRETARIAT)


def reads_everything(user: Any) -> bool:
    """The network's staff: the secretariat and the support team."""
    return has_role(user, Role.SECRETARIAT, Role.SUPPORT)


def any_role(user: Any) -> bool:
    """Any active account (every role)."""
    return has_role(user, *Role)


def coordinates(user: Any, member: Member) -> bool:
    """The member's own coordinator."""
    return has_role(user, Role.COORDINATOR) and user.member_id == member.pk


def coordinates_a_prefecture(user: Any) -> bool:
    return has_role(user, Role.COORDINATOR) and user.member is not None and user.member.kind == MemberKind.PREFECTURE


def prefecture_oversees(user: Any, member: Member) -> bool:
    """A prefecture member's coordinator overseeing a network municipality inside the prefecture."""
    if not coordinates_a_prefecture(user):
        return False
    return member.kind == MemberKind.MUNICIPALITY and member.pk[:2] == user.member_id[:2]


def is_organisation_admin(user: Any) -> bool:
    return has_role(user, Role.ORGANISATION_ADMIN)


def administers(user: Any, organisation_id: int | None) -> bool:
    """The admin of this organisation (by id, so a link or a row need not load the organisation)."""
    return is_organisation_admin(user) and organisation_id is not None and user.organisation_id == organisation_id


# --- rules ----------------------------------------------------------------------------------------------------


def register_permissions() -> None:
    """Called once from NetworkConfig.ready()."""
    # The network as a whole
    register("network.view_board", lambda user, _obj: reads_everything(user), on=None, app=APP)
    register("network.view_audit", lambda user, _obj: is_secretariat(user), on=None, app=APP)
    register("network.change_member", lambda user, _obj: is_secretariat(user), on=None, app=APP)
    register("network.add_account", lambda user, _obj: is_secretariat(user), on=None, app=APP)
    # Accounts: the secretariat lists them and disables, enables, hands over and resets two-factor login of any
    # account but its own (a secretariat member cannot lock themselves out or hand their own account away).
    register("network.view_accounts", lambda user, _obj: is_secretariat(user), on=None, app=APP)
    register("account.manage", lambda user, account: is_secretariat(user) and account.pk != user.pk, on=User, app=APP)
    # A member and its programme
    register(
        "member.view",
        lambda user, member: reads_everything(user) or coordinates(user, member) or prefecture_oversees(user, member),
        on=Member,
        app=APP,
    )
    register(
        "member.view_details",
        lambda user, member: reads_everything(user) or coordinates(user, member),
        on=Member,
        app=APP,
    )
    register(
        "member.add_organisation",
        lambda user, member: is_secretariat(user) or coordinates(user, member),
        on=Member,
        app=APP,
    )
    # An organisation
    register(
        "organisation.view",
        lambda user, org: reads_everything(user) or coordinates(user, org.member) or administers(user, org.pk),
        on=Organisation,
        app=APP,
    )
    register(
        "organisation.change",
        lambda user, org: is_secretariat(user) or coordinates(user, org.member) or administers(user, org.pk),
        on=Organisation,
        app=APP,
    )
    # Moving an organisation between programmes or deleting it is the programme's decision, not the company's.
    register(
        "organisation.change_programme_fields",
        lambda user, org: is_secretariat(user) or coordinates(user, org.member),
        on=Organisation,
        app=APP,
    )
    register(
        "organisation.delete",
        lambda user, org: is_secretariat(user) or coordinates(user, org.member),
        on=Organisation,
        app=APP,
    )


# --- queries: which rows exist for this user ------------------------------------------------------------------


def visible_members(user: Any) -> QuerySet[Member]:
    """Members whose page (progress at a glance) the user may open."""
    members = Member.objects.select_related("local_government")
    if reads_everything(user):
        return members
    if has_role(user, Role.COORDINATOR) and user.member is not None:
        own = Q(pk=user.member_id)
        if user.member.kind == MemberKind.PREFECTURE:
            own |= Q(kind=MemberKind.MUNICIPALITY, local_government__prefecture_code=user.member_id[:2])
        return members.filter(own)
    return members.none()


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    organisations = Organisation.objects.select_related("member__local_government", "location")
    if reads_everything(user):
        return organisations
    if has_role(user, Role.COORDINATOR):
        return organisations.filter(member_id=user.member_id)
    if is_organisation_admin(user):
        return organisations.filter(pk=user.organisation_id)
    return organisations.none()


def visible_users(user: Any) -> QuerySet[User]:
    if reads_everything(user):
        return User.objects.all()
    if getattr(user, "is_authenticated", False):
        return User.objects.filter(pk=user.pk)
    return User.objects.none()
