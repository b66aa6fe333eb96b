from __future__ import annotations

from typing import Any

import pytest

from shokuba.api.tests.helpers import assert_error_shape, locs, messages
from shokuba.network.models import LocalGovernment, User


@pytest.fixture
def api(as_user: Any, org_admin: User) -> Any:
    # Reference data: anyone signed in may read it, even an organisation's admin.
    return as_user(org_admin)


@pytest.mark.parametrize("code", ["28209", "282090", "２８２０９", " 28209 "])
def test_a_local_government_by_5_or_6_digit_code(api: Any, code: str) -> None:
    response = api.get(f"local-governments/{code}")
    assert response.status_code == 200
    assert response.json_body == {
        "code": "282090",
        "code5": "28209",
        "kind": "municipality",
        "prefecture_code": "28",
        "prefecture_name": "兵庫県",
        "city_name": "豊岡市",
        "name": "豊岡市",
        "full_name": "兵庫県豊岡市",
        "prefecture_kana": "ヒョウゴケン",
        "city_kana": "トヨオカシ",
    }


@pytest.mark.parametrize(
    ("code", "fragment"),
    [("2820", "5桁または6桁"), ("28a09", "数字以外")],
)
def test_a_malformed_code_is_422_naming_the_field(api: Any, code: str, fragment: str) -> None:
    response = api.get(f"local-governments/{code}")
    assert_error_shape(response, 422)
    assert locs(response) == [["path", "code"]]
    assert "地方公共団体コード" in messages(response) and fragment in messages(response)


def test_a_code_with_a_wrong_check_digit_names_nothing_404_saying_why(api: Any) -> None:
    # The schema states the form (5 or 6 digits); a check digit only the server can check: no such body.
    response = api.get("local-governments/282091")
    assert_error_shape(response, 404)
    assert locs(response) == [["path", "code"]]
    assert "検査数字" in messages(response)


def test_an_unknown_code_with_a_valid_check_digit_is_404(api: Any) -> None:
    response = api.get("local-governments/99999")  # check digit makes it 999997; no such body
    assert_error_shape(response, 404)
    assert "999997" in response.json_body["message"]


def test_search_by_name_kana_and_code(api: Any) -> None:
    by_name = api.get("local-governments?q=豊岡").json_body
    assert [g["code"] for g in by_name["items"]] == ["282090"]
    by_kana = api.get("local-governments?q=トヨオカ").json_body
    assert "282090" in [g["code"] for g in by_kana["items"]]
    by_code = api.get("local-governments?q=28209").json_body
    assert [g["code"] for g in by_code["items"]] == ["282090"]
    assert api.get("local-governments?q=282091").json_body["count"] == 0  # a bad check digit finds nothing


def test_prefecture_filter_by_code_or_name(api: Any) -> None:
    expected = LocalGovernment.objects.filter(prefecture_code="04").count()
    by_code = api.get("local-governments?prefecture=04&page_size=500").json_body
    by_short = api.get("local-governments?prefecture=4&page_size=500").json_body
    by_name = api.get("local-governments?prefecture=宮城県&page_size=500").json_body
    assert by_code["count"] == by_short["count"] == by_name["count"] == expected == len(by_code["items"])
    assert all(g["prefecture_code"] == "04" for g in by_code["items"])
    both = api.get("local-governments?prefecture=04&q=気仙沼").json_body
    assert [g["code"] for g in both["items"]] == ["042056"]
    assert api.get("local-governments?prefecture=28&q=気仙沼").json_body["count"] == 0


@pytest.mark.parametrize("prefecture", ["48", "0", "東京", "xx"])
def test_an_unknown_prefecture_is_422(api: Any, prefecture: str) -> None:
    response = api.get(f"local-governments?prefecture={prefecture}")
    assert_error_shape(response, 422)
    assert locs(response) == [["query", "prefecture"]]


def test_list_is_paginated(api: Any) -> None:
    total = LocalGovernment.objects.count()
    first = api.get("local-governments?page_size=10").json_body
    second = api.get("local-governments?page_size=10&page=2").json_body
    assert first["count"] == second["count"] == total == 1788
    assert (first["page"], first["page_size"], len(first["items"])) == (1, 10, 10)
    assert first["items"][-1]["code"] < second["items"][0]["code"]
    default = api.get("local-governments").json_body
    assert len(default["items"]) == 50
    beyond = api.get("local-governments?page=1000").json_body
    assert beyond["items"] == [] and beyond["count"] == total


@pytest.mark.parametrize(
    ("query", "field"),
    [("page=0", "page"), ("page_size=0", "page_size"), ("page_size=501", "page_size"), ("page=x", "page")],
)
def test_bad_paging_is_422(api: Any, query: str, field: str) -> None:
    response = api.get(f"local-governments?{query}")
    assert_error_shape(response, 422)
    assert locs(response) == [["query", field]]
