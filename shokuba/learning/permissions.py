"""Who reads, writes, reviews and discusses cases. Rules registered with core.permissions from LearningConfig.ready().

The library is the network's: the network's staff and every member's coordinator read it; organisation admins
(employers) do not. A coordinator writes its own member's cases; the secretariat reviews them. A member sees the
network's approved cases and its own in every state, never another member's drafts; the staff see every case that
was submitted (approved, waiting or returned), not drafts. Comments and 「参考になった」 are for approved cases.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from shokuba.core.permissions import register
from shokuba.learning.models import Case, CaseState
from shokuba.network.models import Member, Role
from shokuba.network.permissions import coordinates, has_role, is_secretariat, reads_everything
from shokuba.search.registry import AUDIENCES, MEMBER, NETWORK, STAFF, Narrowing

APP = "learning"


def reads_library(user: Any) -> bool:
    return reads_everything(user) or has_role(user, Role.COORDINATOR)


def register_permissions() -> None:
    register("learning.view", lambda user, _obj: reads_library(user), on=None, app=APP)
    register("learning.review_queue", lambda user, _obj: is_secretariat(user), on=None, app=APP)
    register("case.add", lambda user, member: coordinates(user, member), on=Member, app=APP)
    register("case.change", lambda user, case: coordinates(user, case.member), on=Case, app=APP)
    register("case.review", lambda user, case: is_secretariat(user), on=Case, app=APP)
    register(
        "case.discuss",
        lambda user, case: reads_library(user) and case.state == CaseState.APPROVED,
        on=Case,
        app=APP,
    )
    register(
        "case.mark_helpful",
        lambda user, case: (
            reads_library(user) and case.state == CaseState.APPROVED and not coordinates(user, case.member)
        ),
        on=Case,
        app=APP,
    )


def visible_cases(user: Any) -> QuerySet[Case]:
    cases = Case.objects.select_related("member__local_government")
    if reads_everything(user):
        return cases.exclude(state=CaseState.DRAFT)
    if has_role(user, Role.COORDINATOR) and user.member_id:
        return cases.filter(Q(state=CaseState.APPROVED) | Q(member_id=user.member_id))
    return cases.none()


# The same rule for the search, over the audience each case is indexed with (tests/test_search_narrowing.py checks
# that the search finds exactly `visible_cases` for every role and state).
CASE_AUDIENCE = {
    CaseState.APPROVED: NETWORK,
    CaseState.SUBMITTED: STAFF,
    CaseState.RETURNED: STAFF,
    CaseState.DRAFT: MEMBER,
}


def case_audience(case: Case) -> str:
    return CASE_AUDIENCE[CaseState(case.state)]


def case_search_narrowing(user: Any) -> Narrowing:
    if reads_everything(user):
        return Narrowing(everywhere=frozenset({NETWORK, STAFF}))
    if has_role(user, Role.COORDINATOR) and user.member_id:
        return Narrowing(everywhere=frozenset({NETWORK}), own_member=user.member_id, own=frozenset(AUDIENCES))
    return Narrowing()
