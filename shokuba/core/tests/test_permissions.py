"""core.permissions, rule by rule and role by role: the one module every page, API call and export asks."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from shokuba.core import permissions
from shokuba.core.permissions import has_perm, require
from shokuba.network.models import Member, Organisation
from shokuba.network.permissions import visible_members, visible_organisations, visible_users

ROLES = [
    "secretariat",
    "support",
    "coordinator",
    "prefecture_coordinator",
    "other_coordinator",
    "org_admin",
    "anonymous",
]


@pytest.fixture
def anonymous() -> AnonymousUser:
    return AnonymousUser()


@pytest.fixture
def users(
    request: pytest.FixtureRequest, organisation: Organisation, other_organisation: Organisation
) -> dict[str, Any]:
    return {role: request.getfixturevalue(role) for role in ROLES}


def allowed(users: dict[str, Any], perm: str, obj: Any = None) -> set[str]:
    return {role for role, user in users.items() if has_perm(user, perm, obj)}


# --- network-wide rules ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_network_wide_rules(users: dict[str, Any]) -> None:
    assert allowed(users, "network.view_board") == {"secretariat", "support"}
    assert allowed(users, "network.view_audit") == {"secretariat"}
    assert allowed(users, "network.change_member") == {"secretariat"}
    assert allowed(users, "network.add_account") == {"secretariat"}


# --- a municipality's programme (豊岡市) -------------------------------------------------------------------


@pytest.mark.django_db
def test_rules_on_a_municipality(users: dict[str, Any], toyooka: Member) -> None:
    assert allowed(users, "member.view", toyooka) == {"secretariat", "support", "coordinator"}
    assert allowed(users, "member.view_details", toyooka) == {"secretariat", "support", "coordinator"}
    assert allowed(users, "member.view_evidence", toyooka) == {"secretariat", "support", "coordinator"}
    assert allowed(users, "member.change_progress", toyooka) == {"secretariat", "coordinator"}
    assert allowed(users, "member.add_organisation", toyooka) == {"secretariat", "coordinator"}


@pytest.mark.django_db
def test_a_prefecture_oversees_progress_in_its_municipalities_only(users: dict[str, Any], kesennuma: Member) -> None:
    # 宮城県 sees 気仙沼市's progress, but not its details, evidence or organisations, and changes nothing.
    assert allowed(users, "member.view", kesennuma) == {
        "secretariat",
        "support",
        "other_coordinator",
        "prefecture_coordinator",
    }
    assert allowed(users, "member.view_details", kesennuma) == {"secretariat", "support", "other_coordinator"}
    assert allowed(users, "member.view_evidence", kesennuma) == {"secretariat", "support", "other_coordinator"}
    assert allowed(users, "member.change_progress", kesennuma) == {"secretariat", "other_coordinator"}
    assert allowed(users, "member.add_organisation", kesennuma) == {"secretariat", "other_coordinator"}


@pytest.mark.django_db
def test_the_prefectures_own_member(users: dict[str, Any], miyagi: Member) -> None:
    assert allowed(users, "member.view", miyagi) == {"secretariat", "support", "prefecture_coordinator"}
    assert allowed(users, "member.change_progress", miyagi) == {"secretariat", "prefecture_coordinator"}
    # a municipality inside the prefecture does not see the prefecture's own programme
    assert not has_perm(users["other_coordinator"], "member.view", miyagi)


@pytest.mark.django_db
def test_a_prefecture_does_not_oversee_another_prefecture(prefecture_coordinator: Any, toyooka: Member) -> None:
    assert not has_perm(prefecture_coordinator, "member.view", toyooka)


# --- organisations ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_rules_on_an_organisation(users: dict[str, Any], organisation: Organisation) -> None:
    assert allowed(users, "organisation.view", organisation) == {"secretariat", "support", "coordinator", "org_admin"}
    assert allowed(users, "organisation.change", organisation) == {"secretariat", "coordinator", "org_admin"}
    assert allowed(users, "organisation.change_programme_fields", organisation) == {"secretariat", "coordinator"}
    assert allowed(users, "organisation.delete", organisation) == {"secretariat", "coordinator"}


@pytest.mark.django_db
def test_rules_on_another_programmes_organisation(users: dict[str, Any], other_organisation: Organisation) -> None:
    # The prefecture's coordinator oversees 気仙沼市's progress, never its companies.
    assert allowed(users, "organisation.view", other_organisation) == {"secretariat", "support", "other_coordinator"}
    assert allowed(users, "organisation.change", other_organisation) == {"secretariat", "other_coordinator"}
    assert allowed(users, "organisation.delete", other_organisation) == {"secretariat", "other_coordinator"}


# --- queries ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_visible_members(users: dict[str, Any]) -> None:
    everyone = set(Member.objects.values_list("pk", flat=True))
    codes = {role: set(visible_members(user).values_list("pk", flat=True)) for role, user in users.items()}
    assert codes["secretariat"] == codes["support"] == everyone
    assert codes["coordinator"] == {"282090"}
    assert codes["other_coordinator"] == {"042056"}
    miyagi_municipalities = set(
        Member.objects.filter(kind="municipality", local_government__code__startswith="04").values_list("pk", flat=True)
    )
    assert "042056" in miyagi_municipalities
    assert codes["prefecture_coordinator"] == {"040002"} | miyagi_municipalities
    assert codes["org_admin"] == codes["anonymous"] == set()


@pytest.mark.django_db
def test_visible_members_agrees_with_member_view(users: dict[str, Any]) -> None:
    for role, user in users.items():
        visible = set(visible_members(user))
        for member in Member.objects.select_related("local_government"):
            assert (member in visible) == has_perm(user, "member.view", member), (role, member.pk)


@pytest.mark.django_db
def test_visible_organisations(
    users: dict[str, Any], organisation: Organisation, other_organisation: Organisation
) -> None:
    names = {role: set(visible_organisations(user).values_list("name", flat=True)) for role, user in users.items()}
    both = {organisation.name, other_organisation.name}
    assert names["secretariat"] == names["support"] == both
    assert names["coordinator"] == names["org_admin"] == {organisation.name}
    assert names["other_coordinator"] == {other_organisation.name}
    assert names["prefecture_coordinator"] == names["anonymous"] == set()
    for role, user in users.items():
        for org in (organisation, other_organisation):
            assert (org.name in names[role]) == has_perm(user, "organisation.view", org), (role, org.name)


@pytest.mark.django_db
def test_visible_users(users: dict[str, Any]) -> None:
    assert visible_users(users["secretariat"]).count() == visible_users(users["support"]).count() >= 6
    assert list(visible_users(users["coordinator"])) == [users["coordinator"]]
    assert list(visible_users(users["org_admin"])) == [users["org_admin"]]
    assert not visible_users(users["anonymous"]).exists()


# --- safety nets --------------------------------------------------------------------------------------------


def rules_with_objects(organisation: Organisation) -> list[tuple[str, Any]]:
    """Every network, member and organisation rule, with an object of the kind it decides on."""
    objects = {"network": None, "member": organisation.member, "organisation": organisation}
    pairs = [(perm, objects[perm.split(".")[0]]) for perm in permissions.registered() if perm.split(".")[0] in objects]
    assert len(pairs) >= 13
    return pairs


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["secretariat", "coordinator", "org_admin"])
def test_a_deactivated_account_loses_every_right(
    request: pytest.FixtureRequest, role: str, organisation: Organisation
) -> None:
    user = request.getfixturevalue(role)
    assert has_perm(user, "organisation.view", organisation)
    user.is_active = False
    for perm, obj in rules_with_objects(organisation):
        assert not has_perm(user, perm, obj), perm
    assert not visible_organisations(user).exists()


@pytest.mark.django_db
def test_anonymous_has_no_right_at_all(anonymous: AnonymousUser, organisation: Organisation) -> None:
    for perm, obj in rules_with_objects(organisation):
        assert not has_perm(anonymous, perm, obj), perm


def test_an_unknown_permission_is_an_error_not_a_silent_answer() -> None:
    with pytest.raises(KeyError, match=r"unknown permission 'network\.view_audti'"):
        has_perm(AnonymousUser(), "network.view_audti")


@pytest.mark.django_db
def test_require_raises_permission_denied(support: Any, secretariat: Any) -> None:
    with pytest.raises(PermissionDenied):
        require(support, "network.view_audit")
    require(secretariat, "network.view_audit")  # no exception
