"""The one place that decides who may see and change what.

Pages, the API and exports all ask this module: `visible_*` narrows a query to the rows a user may see at all
(anything else is answered 404, so other tenants' ids reveal nothing), and `has_perm` / `require` decide an
action on one object (refused with 403).

Roles:
- secretariat: everything, read and write.
- support team: reads everything, changes nothing.
- coordinator: their own member's programme, read and write. A prefecture's coordinator also reads the
  progress (an aggregate per member) of the network's municipalities inside the prefecture, but not their
  organisations, contacts or evidence files.
- organisation admin: their own organisation, read and edit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from shokuba.network.models import Member, MemberKind, Organisation, Role, User
from shokuba.surveys.models import Questionnaire, Wave, WaveLink
from shokuba.workplace.models import IndicatorImport, IndicatorYear


def _is(user: Any, *roles: Role) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "is_active", False) and user.role in roles


def is_secretariat(user: Any) -> bool:
    return _is(user, Role.SECRETARIAT)


def reads_everything(user: Any) -> bool:
    return _is(user, Role.SECRETARIAT, Role.SUPPORT)


def _coordinates(user: Any, member: Member) -> bool:
    return _is(user, Role.COORDINATOR) and user.member_id == member.pk


def _prefecture_oversees(user: Any, member: Member) -> bool:
    """A prefecture member's coordinator overseeing a network municipality inside the prefecture."""
    if not _is(user, Role.COORDINATOR) or user.member is None or user.member.kind != MemberKind.PREFECTURE:
        return False
    return member.kind == MemberKind.MUNICIPALITY and member.pk[:2] == user.member_id[:2]


# --- queries: which rows exist for this user ---------------------------------------------------------------


def visible_members(user: Any) -> QuerySet[Member]:
    """Members whose page (progress at a glance) the user may open."""
    members = Member.objects.select_related("local_government")
    if reads_everything(user):
        return members
    if _is(user, Role.COORDINATOR) and user.member is not None:
        own = Q(pk=user.member_id)
        if user.member.kind == MemberKind.PREFECTURE:
            own |= Q(kind=MemberKind.MUNICIPALITY, local_government__prefecture_code=user.member_id[:2])
        return members.filter(own)
    return members.none()


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    organisations = Organisation.objects.select_related("member__local_government", "location")
    if reads_everything(user):
        return organisations
    if _is(user, Role.COORDINATOR):
        return organisations.filter(member_id=user.member_id)
    if _is(user, Role.ORGANISATION_ADMIN):
        return organisations.filter(pk=user.organisation_id)
    return organisations.none()


def visible_users(user: Any) -> QuerySet[User]:
    if reads_everything(user):
        return User.objects.all()
    if getattr(user, "is_authenticated", False):
        return User.objects.filter(pk=user.pk)
    return User.objects.none()


def visible_questionnaires(user: Any) -> QuerySet[Questionnaire]:
    questionnaires = Questionnaire.objects.select_related("member__local_government")
    if reads_everything(user):
        return questionnaires
    if _is(user, Role.COORDINATOR):
        return questionnaires.filter(member_id=user.member_id)
    return questionnaires.none()


def visible_waves(user: Any) -> QuerySet[Wave]:
    """Survey waves: the programme's own; for an organisation admin, the waves their organisation takes part in."""
    waves = Wave.objects.select_related("member__local_government", "version__questionnaire")
    if reads_everything(user):
        return waves
    if _is(user, Role.COORDINATOR):
        return waves.filter(member_id=user.member_id)
    if _is(user, Role.ORGANISATION_ADMIN):
        return waves.filter(links__organisation_id=user.organisation_id).distinct()
    return waves.none()


def visible_result_waves(user: Any) -> QuerySet[Wave]:
    """Waves whose results (aggregates, suppressed under the threshold) the user may open: the visible waves, and
    for a prefecture's coordinator also the waves of the network's municipalities inside the prefecture (the same
    aggregates-only oversight as progress and the workplace picture: no organisation breakdown, no free text)."""
    if _is(user, Role.COORDINATOR) and user.member is not None and user.member.kind == MemberKind.PREFECTURE:
        return Wave.objects.select_related("member__local_government", "version__questionnaire").filter(
            Q(member_id=user.member_id)
            | Q(member__kind=MemberKind.MUNICIPALITY, member__local_government__prefecture_code=user.member_id[:2])
        )
    return visible_waves(user)


def visible_wave_links(user: Any) -> QuerySet[WaveLink]:
    """Answering links (with their QR codes and flyers). An organisation admin sees only their organisation's."""
    links = WaveLink.objects.select_related("wave__member__local_government", "organisation")
    if reads_everything(user):
        return links
    if _is(user, Role.COORDINATOR):
        return links.filter(wave__member_id=user.member_id)
    if _is(user, Role.ORGANISATION_ADMIN):
        return links.filter(organisation_id=user.organisation_id)
    return links.none()


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
    if _is(user, Role.COORDINATOR):
        return imports.filter(member_id=user.member_id)
    return imports.none()


def _own_organisation(user: Any, org: Organisation) -> bool:
    return _is(user, Role.ORGANISATION_ADMIN) and user.organisation_id == org.pk


def _own_link(user: Any, link: WaveLink) -> bool:
    return (
        _is(user, Role.ORGANISATION_ADMIN)
        and link.organisation_id is not None
        and link.organisation_id == user.organisation_id
    )


# --- decisions on one object --------------------------------------------------------------------------------

Rule = Callable[[Any, Any], bool]

RULES: dict[str, Rule] = {
    # The network as a whole
    "network.view_board": lambda user, _obj: reads_everything(user),
    "network.view_audit": lambda user, _obj: is_secretariat(user),
    "network.change_member": lambda user, _obj: is_secretariat(user),
    "network.add_account": lambda user, _obj: is_secretariat(user),
    # A member and its programme
    "member.view": lambda user, member: (
        reads_everything(user) or _coordinates(user, member) or _prefecture_oversees(user, member)
    ),
    "member.view_details": lambda user, member: reads_everything(user) or _coordinates(user, member),
    "member.change_progress": lambda user, member: is_secretariat(user) or _coordinates(user, member),
    "member.add_organisation": lambda user, member: is_secretariat(user) or _coordinates(user, member),
    "member.view_evidence": lambda user, member: reads_everything(user) or _coordinates(user, member),
    # An organisation
    "organisation.view": lambda user, org: (
        reads_everything(user)
        or _coordinates(user, org.member)
        or (_is(user, Role.ORGANISATION_ADMIN) and user.organisation_id == org.pk)
    ),
    "organisation.change": lambda user, org: (
        is_secretariat(user)
        or _coordinates(user, org.member)
        or (_is(user, Role.ORGANISATION_ADMIN) and user.organisation_id == org.pk)
    ),
    # Moving an organisation between programmes or deleting it is the programme's decision, not the company's.
    "organisation.change_programme_fields": lambda user, org: is_secretariat(user) or _coordinates(user, org.member),
    "organisation.delete": lambda user, org: is_secretariat(user) or _coordinates(user, org.member),
    # Regional statistics are public official data: every logged-in role reads every area. Importing the national
    # tables is the secretariat's; choosing a member's outcome indicators is its coordinator's (and the secretariat's).
    "regional.view": lambda user, _obj: _is(user, *Role),
    "regional.view_network": lambda user, _obj: reads_everything(user),
    "regional.view_imports": lambda user, _obj: reads_everything(user),
    "regional.import": lambda user, _obj: is_secretariat(user),
    "regional.select_outcome": lambda user, member: is_secretariat(user) or _coordinates(user, member),
    # Surveys. Raw responses (and exports of them) go only to the programme's coordinator and the secretariat;
    # the support team reads set-up and response counts; an organisation admin sees their own link and counts.
    "member.view_surveys": lambda user, member: reads_everything(user) or _coordinates(user, member),
    "member.manage_surveys": lambda user, member: is_secretariat(user) or _coordinates(user, member),
    "questionnaire.view": lambda user, q: reads_everything(user) or _coordinates(user, q.member),
    "questionnaire.change": lambda user, q: is_secretariat(user) or _coordinates(user, q.member),
    "wave.view": lambda user, wave: (
        reads_everything(user)
        or _coordinates(user, wave.member)
        or (_is(user, Role.ORGANISATION_ADMIN) and wave.links.filter(organisation_id=user.organisation_id).exists())
    ),
    "wave.view_all_links": lambda user, wave: reads_everything(user) or _coordinates(user, wave.member),
    "wave.change": lambda user, wave: is_secretariat(user) or _coordinates(user, wave.member),
    "wave.view_responses": lambda user, wave: is_secretariat(user) or _coordinates(user, wave.member),
    # Paper/Excel imports add responses: whoever manages the wave; the support team reads the import history.
    "wave.import_responses": lambda user, wave: is_secretariat(user) or _coordinates(user, wave.member),
    "wave.view_imports": lambda user, wave: reads_everything(user) or _coordinates(user, wave.member),
    "wave_link.view": lambda user, link: (
        reads_everything(user) or _coordinates(user, link.wave.member) or _own_link(user, link)
    ),
    "wave_link.change_headcount": lambda user, link: (
        is_secretariat(user) or _coordinates(user, link.wave.member) or _own_link(user, link)
    ),
    # Survey results (集計・分析): aggregates with small-cell suppression. The programme's coordinator and the
    # network's staff see everything; a prefecture's coordinator the network municipalities' waves inside the
    # prefecture without organisation breakdowns or free text; an organisation admin only their own organisation's
    # respondents (obj: Wave).
    "results.view": lambda user, wave: (
        reads_everything(user)
        or _coordinates(user, wave.member)
        or _prefecture_oversees(user, wave.member)
        or (_is(user, Role.ORGANISATION_ADMIN) and wave.links.filter(organisation_id=user.organisation_id).exists())
    ),
    "results.view_organisations": lambda user, wave: reads_everything(user) or _coordinates(user, wave.member),
    "results.view_free_text": lambda user, wave: reads_everything(user) or _coordinates(user, wave.member),
    # Workplace indicators: an organisation's own figures go to the organisation's admin, its programme's
    # coordinator and the network's staff. Imports of many organisations at once are the programme's (obj: the
    # member, or None for an import across the whole network, which is the secretariat's).
    "workplace.view_indicators": lambda user, org: (
        reads_everything(user) or _coordinates(user, org.member) or _own_organisation(user, org)
    ),
    "workplace.change_indicators": lambda user, org: (
        is_secretariat(user) or _coordinates(user, org.member) or _own_organisation(user, org)
    ),
    "workplace.import": lambda user, member: (
        is_secretariat(user) or (member is not None and _coordinates(user, member))
    ),
    "workplace.view_imports": lambda user, member: (
        reads_everything(user) or (member is not None and _coordinates(user, member))
    ),
    # The regional picture is aggregates only (suppressed under the threshold): a programme's coordinator, a
    # prefecture's coordinator for the network's municipalities inside it, and the network's staff (obj: Member);
    # across all members only the staff. The programme's own recognition scheme is its coordinator's. The referral
    # directory is read by every logged-in role and kept by the secretariat.
    "workplace.view_picture": lambda user, member: (
        reads_everything(user) or _coordinates(user, member) or _prefecture_oversees(user, member)
    ),
    "workplace.view_network_picture": lambda user, _obj: reads_everything(user),
    "workplace.manage_recognition": lambda user, member: is_secretariat(user) or _coordinates(user, member),
    "workplace.view_referrals": lambda user, _obj: _is(user, *Role),
    "workplace.manage_referrals": lambda user, _obj: is_secretariat(user),
}


def has_perm(user: Any, perm: str, obj: Any = None) -> bool:
    try:
        rule = RULES[perm]
    except KeyError as exc:  # a typo must never silently allow or deny
        raise KeyError(f"unknown permission {perm!r}") from exc
    return bool(rule(user, obj))


def require(user: Any, perm: str, obj: Any = None) -> None:
    if not has_perm(user, perm, obj):
        raise PermissionDenied(perm)
