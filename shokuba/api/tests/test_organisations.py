from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shokuba.api.tests.helpers import assert_error_shape, corporate_number, locs, messages
from shokuba.core.models import AuditEntry
from shokuba.network.models import Organisation, User

VALID = corporate_number("000012050301")


def body(**overrides: Any) -> dict[str, Any]:
    data = {
        "member": "282090",
        "name": "株式会社但馬テック",
        "corporate_number": VALID,
        "industry": "E",
        "size_band": "30-100",
        "location": "28209",
        "joined_on": "2026-04-01",
        "notes": "API から登録",
    }
    data.update(overrides)
    return data


def state() -> tuple[Any, ...]:
    rows = Organisation.objects.order_by("pk").values_list(
        "pk", "member_id", "name", "corporate_number", "industry", "size_band", "location_id", "joined_on", "notes"
    )
    return (list(rows), AuditEntry.objects.count())


# --- reading -------------------------------------------------------------------------------------------------


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content.decode()
    return [o["id"] for o in response.json_body["items"]]


def test_lists_follow_tenancy(
    as_user: Any,
    secretariat: User,
    support: User,
    coordinator: User,
    prefecture_coordinator: User,
    org_admin: User,
    organisation: Organisation,
    other_organisation: Organisation,
) -> None:
    both = sorted([organisation.pk, other_organisation.pk])
    assert sorted(ids(as_user(secretariat).get("organisations"))) == both
    assert sorted(ids(as_user(support).get("organisations"))) == both
    assert ids(as_user(coordinator).get("organisations")) == [organisation.pk]
    assert ids(as_user(prefecture_coordinator).get("organisations")) == []  # Miyagi itself has none
    assert ids(as_user(org_admin).get("organisations")) == [organisation.pk]
    assert ids(as_user(secretariat).get("organisations?member=042056")) == [other_organisation.pk]
    assert ids(as_user(secretariat).get("organisations?member=04205")) == [other_organisation.pk]


def test_prefecture_coordinator_may_not_list_a_municipalitys_organisations(
    as_user: Any, prefecture_coordinator: User, other_organisation: Organisation
) -> None:
    response = as_user(prefecture_coordinator).get("organisations?member=042056")
    assert_error_shape(response, 403)
    response = as_user(prefecture_coordinator).get(f"organisations/{other_organisation.pk}")
    assert_error_shape(response, 404)


def test_member_filter_with_a_bad_code_is_422(as_user: Any, secretariat: User) -> None:
    response = as_user(secretariat).get("organisations?member=0420")
    assert_error_shape(response, 422)
    assert locs(response) == [["query", "member"]]
    wrong_check_digit = as_user(secretariat).get("organisations?member=042057")
    assert_error_shape(wrong_check_digit, 404)
    assert locs(wrong_check_digit) == [["query", "member"]]


def test_detail(as_user: Any, org_admin: User, organisation: Organisation) -> None:
    data = as_user(org_admin).get(f"organisations/{organisation.pk}").json_body
    assert data["id"] == organisation.pk
    assert data["member"] == "282090" and data["member_name"] == "兵庫県豊岡市"
    assert data["corporate_number"] == "7000012050002"
    assert data["industry"] == "E" and data["industry_label"] == "E 製造業"
    assert data["size_band"] == "101-300" and data["size_band_label"] == "101〜300人"
    assert data["location"] == "282090" and data["location_name"] == "兵庫県豊岡市"


def test_unknown_id_is_404(as_user: Any, secretariat: User) -> None:
    response = as_user(secretariat).get("organisations/999999")
    assert_error_shape(response, 404)
    assert "999999" in response.json_body["message"]


# --- creating ------------------------------------------------------------------------------------------------


def test_create_normalises_codes_and_records_the_change(as_user: Any, coordinator: User) -> None:
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in VALID)  # people paste ０-９ from Excel
    response = as_user(coordinator).post("organisations", body(member="28209", corporate_number=full_width))
    assert response.status_code == 201, response.content.decode()
    created = Organisation.objects.get(pk=response.json_body["id"])
    assert (created.member_id, created.corporate_number, created.location_id) == ("282090", VALID, "282090")
    assert created.joined_on == dt.date(2026, 4, 1) and created.notes == "API から登録"
    entry = AuditEntry.objects.get(target_type="network.organisation", target_id=str(created.pk))
    assert entry.action == "create" and entry.actor_id == coordinator.pk and entry.member_code == "282090"
    assert entry.after["corporate_number"] == VALID


def test_create_without_corporate_number(as_user: Any, secretariat: User) -> None:
    response = as_user(secretariat).post("organisations", body(corporate_number=None))
    assert response.status_code == 201
    assert response.json_body["corporate_number"] is None


@pytest.mark.parametrize(
    ("overrides", "field", "fragments"),
    [
        ({"corporate_number": "1234567890123"}, "corporate_number", ["法人番号", "検査数字"]),
        ({"corporate_number": "12345"}, "corporate_number", ["法人番号", "13桁"]),
        ({"corporate_number": "12345678901AB"}, "corporate_number", ["法人番号", "数字以外"]),
        ({"location": "282091"}, "location", ["地方公共団体コード", "検査数字"]),
        ({"location": "99999"}, "location", ["見つかりません"]),
        ({"member": "282091"}, "member", ["地方公共団体コード", "検査数字"]),
        ({"industry": "Z"}, "industry", ["業種"]),
        ({"size_band": "10-20"}, "size_band", ["従業員規模"]),
        ({"joined_on": "2026-13-01"}, "joined_on", ["参加日", "日付"]),
        ({"name": "   "}, "name", ["名称"]),
        ({"name": "あ" * 201}, "name", ["200文字以内"]),
        ({"employees": 120}, "employees", ["employees", "という項目はありません"]),
    ],
)
def test_bad_input_is_422_naming_the_field_and_saves_nothing(
    as_user: Any, secretariat: User, overrides: dict[str, Any], field: str, fragments: list[str]
) -> None:
    before = state()
    response = as_user(secretariat).post("organisations", body(**overrides))
    assert_error_shape(response, 422)
    assert ["body", field] in locs(response)
    for fragment in fragments:
        assert fragment in messages(response)
    assert state() == before


def test_several_mistakes_are_reported_together(as_user: Any, secretariat: User) -> None:
    response = as_user(secretariat).post("organisations", body(industry="Z", joined_on="昨日", extra=1))
    assert_error_shape(response, 422)
    assert sorted(locs(response)) == [["body", "extra"], ["body", "industry"], ["body", "joined_on"]]
    assert "3件" in response.json_body["message"]


def test_duplicate_organisation_is_422(as_user: Any, secretariat: User, organisation: Organisation) -> None:
    api = as_user(secretariat)
    before = state()
    same_name = api.post("organisations", body(name=organisation.name))
    assert_error_shape(same_name, 422)
    assert locs(same_name) == [["body", "name"]]
    assert "すでに登録されています" in messages(same_name)

    same_number = api.post("organisations", body(corporate_number=organisation.corporate_number))
    assert_error_shape(same_number, 422)
    assert locs(same_number) == [["body", "corporate_number"]]
    assert organisation.corporate_number in messages(same_number)
    assert state() == before

    # The same company may take part in another member's programme.
    elsewhere = api.post("organisations", body(member="042056", location="042056", name=organisation.name))
    assert elsewhere.status_code == 201


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b'{"name": ', 400),
        (b"{'name': 'x'}", 400),
        (b"\xff\xfe{}", 400),
        (b"[1, 2]", 422),
        (b'"just a string"', 422),
    ],
)
def test_malformed_body(as_user: Any, secretariat: User, raw: bytes, status: int) -> None:
    before = state()
    response = as_user(secretariat).post("organisations", raw=raw)
    assert_error_shape(response, status)
    assert locs(response) == [["body"]]
    assert "JSON" in response.json_body["message"]
    assert state() == before


def test_an_empty_body_is_422(as_user: Any, secretariat: User) -> None:
    response = as_user(secretariat).post("organisations", raw=b"")
    assert_error_shape(response, 422)
    assert locs(response) == [["body"]]
    assert "リクエスト本文（JSON）がありません" in response.json_body["message"]


def test_an_empty_object_names_every_required_field(as_user: Any, secretariat: User) -> None:
    response = as_user(secretariat).post("organisations", {})
    assert_error_shape(response, 422)
    assert {tuple(loc) for loc in locs(response)} >= {
        ("body", "member"),
        ("body", "name"),
        ("body", "industry"),
        ("body", "size_band"),
        ("body", "location"),
        ("body", "joined_on"),
    }


def test_another_tenants_member_in_the_body_is_404(as_user: Any, coordinator: User) -> None:
    before = state()
    response = as_user(coordinator).post("organisations", body(member="042056", location="042056"))
    assert_error_shape(response, 404)
    assert locs(response) == [["body", "member"]]
    assert state() == before


# --- changing ------------------------------------------------------------------------------------------------


def test_organisation_admin_changes_their_own_details(
    as_user: Any, org_admin: User, organisation: Organisation
) -> None:
    new_number = corporate_number("000012050302")
    response = as_user(org_admin).patch(
        f"organisations/{organisation.pk}",
        {
            "name": "株式会社テスト精工（新）",
            "corporate_number": new_number,
            "size_band": "301-999",
            "location": "28201",
        },
    )
    assert response.status_code == 200, response.content.decode()
    organisation.refresh_from_db()
    assert (organisation.name, organisation.corporate_number, organisation.size_band, organisation.location_id) == (
        "株式会社テスト精工（新）",
        new_number,
        "301-999",
        "282014",
    )
    assert response.json_body["name"] == "株式会社テスト精工（新）"
    entry = AuditEntry.objects.get(target_type="network.organisation", action="update")
    assert entry.actor_id == org_admin.pk
    assert entry.before["name"] == "株式会社テスト精工" and entry.after["name"] == "株式会社テスト精工（新）"


@pytest.mark.parametrize("field", ["joined_on", "notes"])
def test_organisation_admin_may_not_change_programme_fields(
    as_user: Any, org_admin: User, organisation: Organisation, field: str
) -> None:
    value = {"joined_on": "2025-01-01", "notes": "自分で書いた備考"}[field]
    before = state()
    response = as_user(org_admin).patch(f"organisations/{organisation.pk}", {"name": "改名", field: value})
    assert_error_shape(response, 422)
    assert locs(response) == [["body", field]]
    assert "自治体の担当者だけ" in messages(response)
    assert state() == before  # not even the allowed name change was saved


def test_coordinator_changes_programme_fields(as_user: Any, coordinator: User, organisation: Organisation) -> None:
    response = as_user(coordinator).patch(
        f"organisations/{organisation.pk}", {"joined_on": "2026-03-01", "notes": "説明会に参加"}
    )
    assert response.status_code == 200
    organisation.refresh_from_db()
    assert (organisation.joined_on, organisation.notes) == (dt.date(2026, 3, 1), "説明会に参加")


def test_patch_can_clear_the_corporate_number_but_not_null_other_fields(
    as_user: Any, secretariat: User, organisation: Organisation
) -> None:
    api = as_user(secretariat)
    before = state()
    refused = api.patch(f"organisations/{organisation.pk}", {"name": None})
    assert_error_shape(refused, 422)
    assert locs(refused) == [["body", "name"]] and "null" in messages(refused)
    assert state() == before
    cleared = api.patch(f"organisations/{organisation.pk}", {"corporate_number": None})
    assert cleared.status_code == 200 and cleared.json_body["corporate_number"] is None
    organisation.refresh_from_db()
    assert organisation.corporate_number is None


def test_a_bad_patch_saves_none_of_its_fields(as_user: Any, secretariat: User, organisation: Organisation) -> None:
    before = state()
    response = as_user(secretariat).patch(
        f"organisations/{organisation.pk}", {"name": "新しい名前", "corporate_number": "1234567890123"}
    )
    assert_error_shape(response, 422)
    assert locs(response) == [["body", "corporate_number"]]
    assert state() == before


def test_patch_to_a_duplicate_name_is_422(
    as_user: Any, secretariat: User, organisation: Organisation, toyooka: Any
) -> None:
    other = Organisation.objects.create(
        member=toyooka,
        name="株式会社別会社",
        industry="E",
        size_band="1-29",
        location_id="282090",
        joined_on="2026-01-01",
    )
    before = state()
    response = as_user(secretariat).patch(f"organisations/{other.pk}", {"name": organisation.name})
    assert_error_shape(response, 422)
    assert locs(response) == [["body", "name"]]
    assert state() == before


def test_empty_patch_changes_nothing_and_records_nothing(
    as_user: Any, coordinator: User, support: User, organisation: Organisation
) -> None:
    before = state()
    response = as_user(coordinator).patch(f"organisations/{organisation.pk}", {})
    assert response.status_code == 200 and response.json_body["name"] == organisation.name
    assert state() == before
    assert_error_shape(as_user(support).patch(f"organisations/{organisation.pk}", {}), 403)


# --- deleting ------------------------------------------------------------------------------------------------


def test_delete_records_the_removed_row(as_user: Any, coordinator: User, organisation: Organisation) -> None:
    pk = organisation.pk
    response = as_user(coordinator).delete(f"organisations/{pk}")
    assert response.status_code == 204 and response.content == b""
    assert not Organisation.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(target_type="network.organisation", action="delete")
    assert entry.target_id == str(pk) and entry.before["name"] == "株式会社テスト精工" and entry.after is None


def test_an_organisation_with_an_admin_account_is_not_deleted(
    as_user: Any, secretariat: User, org_admin: User, organisation: Organisation
) -> None:
    before = state()
    response = as_user(secretariat).delete(f"organisations/{organisation.pk}")
    assert_error_shape(response, 422)
    assert "管理者アカウント" in response.json_body["message"]
    assert state() == before


def test_listing_costs_the_same_few_queries_whatever_the_size(
    as_user: Any, secretariat: User, toyooka: Any, django_assert_max_num_queries: Any
) -> None:
    api = as_user(secretariat)
    Organisation.objects.bulk_create(
        Organisation(
            member=toyooka,
            name=f"株式会社連番{i:03d}",
            industry="E",
            size_band="1-29",
            location_id="282090",
            joined_on=dt.date(2026, 1, 1),
        )
        for i in range(60)
    )
    with django_assert_max_num_queries(6):  # session, user, page, count
        response = api.get("organisations?page_size=100")
    assert len(response.json_body["items"]) == 60
    with django_assert_max_num_queries(6):
        members = api.get("members?page_size=500")
    assert members.json_body["count"] > 10
