"""The search finds exactly the cases `visible_cases` lets a user open: for every role, in every state of a case of
one's own member and of another member (the audience a case is indexed with is the same rule, checked here)."""

from __future__ import annotations

from typing import Any

import pytest

from shokuba.core.permissions import SYSTEM
from shokuba.learning import services
from shokuba.learning.permissions import visible_cases
from shokuba.learning.tests.fixtures import case_input
from shokuba.network.models import Member, User
from shokuba.search.selectors import SearchFilters, search

pytestmark = pytest.mark.django_db


def _in_every_state(member: Member, actor: Any) -> None:
    services.case_save(actor=actor, member=member, data=case_input(title="育休 draft"))
    submitted = services.case_save(actor=actor, member=member, data=case_input(title="育休 submitted"))
    services.case_submit(actor=actor, case=submitted)
    returned = services.case_save(actor=actor, member=member, data=case_input(title="育休 returned"))
    services.case_submit(actor=actor, case=returned)
    services.case_return(actor=SYSTEM, case=returned, reason="理由")
    approved = services.case_save(actor=actor, member=member, data=case_input(title="育休 approved"))
    services.case_submit(actor=actor, case=approved)
    services.case_approve(actor=SYSTEM, case=approved)
    revised = services.case_save(actor=actor, member=member, data=case_input(title="育休 revised"))
    services.case_submit(actor=actor, case=revised)
    services.case_approve(actor=SYSTEM, case=revised)
    services.case_revise(actor=actor, case=revised)


@pytest.mark.parametrize(
    "role", ["secretariat", "support", "coordinator", "prefecture_coordinator", "other_coordinator", "org_admin"]
)
def test_search_finds_exactly_the_visible_cases(
    request: pytest.FixtureRequest,
    role: str,
    toyooka: Member,
    kesennuma: Member,
    coordinator: User,
    other_coordinator: User,
) -> None:
    _in_every_state(toyooka, coordinator)
    _in_every_state(kesennuma, other_coordinator)
    user = request.getfixturevalue(role)
    expected = set(visible_cases(user).values_list("pk", flat=True))
    found = {h.object_id for h in search(user, "育休", filters=SearchFilters(kinds=("case",)), limit=50).hits}
    assert found == expected
    browsed = {h.object_id for h in search(user, "", limit=50).hits}
    assert browsed == expected
