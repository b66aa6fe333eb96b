from __future__ import annotations

from typing import Any

import pytest

from shokuba.api.tests.helpers import assert_error_shape, locs
from shokuba.network.models import LocalGovernment, Member, MemberKind, Organisation, User


def codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.content.decode()
    return [m["code"] for m in response.json_body["items"]]


def test_secretariat_and_support_list_every_member(as_user: Any, secretariat: User, support: User) -> None:
    everyone = sorted(Member.objects.values_list("pk", flat=True))
    for user in (secretariat, support):
        response = as_user(user).get("members?page_size=500")
        assert codes(response) == everyone
        assert response.json_body["count"] == len(everyone)


def test_coordinator_lists_their_own_member_only(as_user: Any, coordinator: User) -> None:
    assert codes(as_user(coordinator).get("members")) == ["282090"]


def test_prefecture_coordinator_lists_the_prefecture_and_its_municipalities(
    as_user: Any, prefecture_coordinator: User
) -> None:
    listed = codes(as_user(prefecture_coordinator).get("members?page_size=500"))
    municipalities = Member.objects.filter(kind=MemberKind.MUNICIPALITY, local_government__prefecture_code="04")
    expected = ["040002", *municipalities.values_list("pk", flat=True)]
    assert sorted(listed) == sorted(expected)
    assert "042056" in listed and "282090" not in listed


def test_organisation_admin_lists_no_member(as_user: Any, org_admin: User) -> None:
    response = as_user(org_admin).get("members")
    assert codes(response) == [] and response.json_body["count"] == 0


def test_filters(as_user: Any, secretariat: User) -> None:
    api = as_user(secretariat)
    prefectures = codes(api.get("members?kind=prefecture&page_size=500"))
    assert prefectures and set(prefectures) == set(
        Member.objects.filter(kind=MemberKind.PREFECTURE).values_list("pk", flat=True)
    )
    block = codes(api.get("members?region_block=近畿&page_size=500"))
    assert "282090" in block and "042056" not in block
    response = api.get("members?kind=village")
    assert_error_shape(response, 422)
    assert locs(response) == [["query", "kind"]]


def test_member_detail_with_progress_summary(as_user: Any, secretariat: User, organisation: Organisation) -> None:
    body = as_user(secretariat).get("members/28209").json_body  # 5 digits accepted
    assert body["code"] == "282090"
    assert body["full_name"] == "兵庫県豊岡市"
    assert body["organisation_count"] == 1
    assert body["progress"]["total"] == sum(body["progress"]["counts"].values())


def test_prefecture_coordinator_sees_a_municipality_without_its_details(
    as_user: Any, prefecture_coordinator: User, other_organisation: Organisation
) -> None:
    body = as_user(prefecture_coordinator).get("members/042056").json_body
    assert body["code"] == "042056"
    assert body["organisation_count"] is None  # organisations are the municipality's own business
    own = as_user(prefecture_coordinator).get("members/040002").json_body
    assert own["organisation_count"] == 0


@pytest.mark.parametrize("role", ["coordinator", "org_admin"])
def test_another_members_code_is_404(request: pytest.FixtureRequest, as_user: Any, role: str) -> None:
    response = as_user(request.getfixturevalue(role)).get("members/042056")
    assert_error_shape(response, 404)
    assert "042056" in response.json_body["message"]


def test_a_member_code_with_a_wrong_check_digit_is_404_saying_why(as_user: Any, secretariat: User) -> None:
    response = as_user(secretariat).get("members/042057")
    assert_error_shape(response, 404)
    assert locs(response) == [["path", "code"]]
    assert "検査数字" in response.json_body["message"]


def test_a_malformed_member_code_is_422(as_user: Any, secretariat: User) -> None:
    response = as_user(secretariat).get("members/04-20x")
    assert_error_shape(response, 422)
    assert locs(response) == [["path", "code"]]
    assert "数字以外" in response.json_body["message"]


def test_a_local_government_that_is_not_a_member_is_404(as_user: Any, secretariat: User) -> None:
    non_member = LocalGovernment.objects.filter(member__isnull=True).first()
    assert non_member is not None
    response = as_user(secretariat).get(f"members/{non_member.pk}")
    assert_error_shape(response, 404)
