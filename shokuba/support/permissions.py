"""Who may ask, read, answer and refer. Rules registered with core.permissions from SupportConfig.ready().

A consultation is a private thread between one member and the support team: the member's own coordinators ask
and read their member's consultations (never another member's, a prefecture's coordinator included); the support
team and the secretariat read all of them, answer, write internal notes and refer; the secretariat also keeps the
topic assignments. Organisation admins ask through their coordinator and have no access. The FAQ made from
consultations is anonymised and read by every role.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shokuba.core.permissions import register
from shokuba.network.models import Member, Role
from shokuba.network.permissions import any_role, coordinates, has_role, is_secretariat, reads_everything
from shokuba.support.models import Consultation, ReferralRecord

APP = "support"


def is_support_side(user: Any) -> bool:
    """The support team and the secretariat: they answer, note internally and refer."""
    return reads_everything(user)


def register_permissions() -> None:
    register(
        "support.view_list",
        lambda user, _obj: reads_everything(user) or (has_role(user, Role.COORDINATOR) and bool(user.member_id)),
        on=None,
        app=APP,
    )
    register("support.ask", lambda user, member: coordinates(user, member), on=Member, app=APP)
    register(
        "support.view",
        lambda user, c: reads_everything(user) or coordinates(user, c.member),
        on=Consultation,
        app=APP,
    )
    register(
        "support.reply",
        lambda user, c: (reads_everything(user) or coordinates(user, c.member)) and c.status != "closed",
        on=Consultation,
        app=APP,
    )
    register("support.answer", lambda user, _obj: is_support_side(user), on=None, app=APP)
    register("support.view_internal", lambda user, _obj: is_support_side(user), on=None, app=APP)
    register("support.refer", lambda user, _obj: is_support_side(user), on=None, app=APP)
    register("support.consent", lambda user, c: coordinates(user, c.member), on=Consultation, app=APP)
    register("support.view_dashboard", lambda user, _obj: is_support_side(user), on=None, app=APP)
    register("support.manage_assignments", lambda user, _obj: is_secretariat(user), on=None, app=APP)
    register("support.manage_saved_answers", lambda user, _obj: is_support_side(user), on=None, app=APP)
    register("support.view_faq", lambda user, _obj: any_role(user), on=None, app=APP)
    register(
        "support.view_referral",
        lambda user, r: reads_everything(user) or coordinates(user, r.consultation.member),
        on=ReferralRecord,
        app=APP,
    )


def visible_consultations(user: Any) -> QuerySet[Consultation]:
    rows = Consultation.objects.select_related("member__local_government", "assignee", "asked_by", "step")
    if reads_everything(user):
        return rows
    if has_role(user, Role.COORDINATOR) and user.member_id:
        return rows.filter(member_id=user.member_id)
    return rows.none()


def visible_referrals(user: Any) -> QuerySet[ReferralRecord]:
    return ReferralRecord.objects.select_related("consultation__member", "body", "referred_by").filter(
        consultation__in=visible_consultations(user)
    )
