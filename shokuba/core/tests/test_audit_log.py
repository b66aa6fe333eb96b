"""The audit log page and its exports: who may read them, the filters, the diff, and the file formats."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zoneinfo
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import make_user
from shokuba.core.audit import audit_record, snapshot
from shokuba.core.models import AuditAction, AuditEntry
from shokuba.core.selectors import audit_entries, audit_target_types
from shokuba.network import services
from shokuba.network.models import Organisation, Role

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
LIST_URL = "/audit/"
EXPORT_HEADER = ["日時", "操作者", "操作", "対象の種類", "対象ID", "対象", "参加自治体コード", "変更前", "変更後"]


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def at(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    """Entries take their time from timezone.now (auto_now_add); pin it."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def history(
    monkeypatch: pytest.MonkeyPatch, coordinator: Any, other_coordinator: Any, organisation: Organisation
) -> dict[str, Any]:
    """Three changes by two coordinators in two programmes, at known local times either side of midnight."""
    at(monkeypatch, dt.datetime(2026, 3, 1, 23, 30, tzinfo=TOKYO))
    services.organisation_update(
        actor=coordinator, organisation=organisation, name="株式会社テスト精工ホールディングス"
    )
    at(monkeypatch, dt.datetime(2026, 3, 2, 0, 30, tzinfo=TOKYO))
    created = services.organisation_create(
        actor=other_coordinator,
        member=other_coordinator.member,
        name="気仙沼港湾サービス株式会社",
        industry="H",
        size_band="30-100",
        location="04205",
        joined_on=dt.date(2026, 3, 2),
    )
    at(monkeypatch, dt.datetime(2026, 3, 5, 9, 0, tzinfo=TOKYO))
    contact = services.contact_create(actor=coordinator, organisation=organisation, name="山田 花子")
    monkeypatch.undo()
    return {"organisation": organisation, "created": created, "contact": contact}


# --- who may read ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", [LIST_URL, "/audit/export.csv", "/audit/export.xlsx", "/audit/export.csv?encoding=cp932"]
)
@pytest.mark.parametrize("role", ["support", "coordinator", "prefecture_coordinator", "org_admin"])
def test_only_the_secretariat_reads_the_log(request: pytest.FixtureRequest, role: str, url: str) -> None:
    user = request.getfixturevalue(role)
    assert logged_in(user).get(url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("url", [LIST_URL, "/audit/export.csv", "/audit/export.xlsx"])
def test_anonymous_visitors_are_sent_to_login(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=/audit/")


@pytest.mark.django_db
def test_the_selector_itself_returns_nothing_to_other_roles(history: dict[str, Any], support: Any) -> None:
    assert AuditEntry.objects.count() == 3
    assert not audit_entries(user=support).exists()


@pytest.mark.django_db
def test_the_menu_offers_the_log_to_the_secretariat_only(secretariat: Any, support: Any) -> None:
    assert 'href="/audit/"' in logged_in(secretariat).get("/members/").content.decode()
    assert 'href="/audit/"' not in logged_in(support).get("/members/").content.decode()


# --- the list -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_shows_newest_first_with_wareki_time_actor_and_diff(history: dict[str, Any], secretariat: Any) -> None:
    response = logged_in(secretariat).get(LIST_URL)
    assert response.status_code == 200
    rows = [row.entry for row in response.context["rows"]]
    assert [e.target_type for e in rows] == ["network.contact", "network.organisation", "network.organisation"]
    assert [e.action for e in rows] == ["create", "create", "update"]
    html = response.content.decode()
    # 和暦 and local time: 23:30 in Tokyo is still 1 March even though UTC says the same day at 14:30.
    assert "令和8年3月1日" in html and "23:30:00" in html
    assert "令和8年3月5日" in html and "09:00:00" in html
    assert "t-toyooka" in html and "t-kesennuma" in html
    # Japanese labels for the target types and the action
    assert "参加企業・団体" in html and "担当者連絡先" in html and "更新" in html
    update = rows[2]
    changes = {c.field: (c.before, c.after) for c in response.context["rows"][2].changes}
    # Only the changed field; updated_at (bookkeeping) and unchanged fields are left out.
    assert changes == {"名称": ("株式会社テスト精工", "株式会社テスト精工ホールディングス")}
    assert update.before["name"] == "株式会社テスト精工"
    assert update.after["name"] == "株式会社テスト精工ホールディングス"


@pytest.mark.django_db
def test_a_created_row_shows_its_values_with_readable_choices(history: dict[str, Any], secretariat: Any) -> None:
    response = logged_in(secretariat).get(LIST_URL, {"target_type": "network.organisation", "action": "create"})
    assert response.status_code == 200
    [row] = response.context["rows"]
    changes = {c.field: (c.before, c.after) for c in row.changes}
    assert changes["名称"] == ("", "気仙沼港湾サービス株式会社")
    assert changes["業種（日本標準産業分類 大分類）"] == ("", "H 運輸業，郵便業")
    # foreign keys are shown by name, with the id
    assert changes["所在地（団体コード）"] == ("", "気仙沼市（042056）")
    assert changes["参加自治体"] == ("", "宮城県気仙沼市（042056）")
    assert "ID" not in changes and "id" not in changes
    assert "法人番号" not in changes  # empty before and after: nothing changed


@pytest.mark.django_db
def test_a_deletion_shows_the_values_that_were_removed(
    organisation: Organisation, coordinator: Any, secretariat: Any
) -> None:
    services.organisation_delete(actor=coordinator, organisation=organisation)
    response = logged_in(secretariat).get(LIST_URL, {"action": "delete"})
    [row] = response.context["rows"]
    assert row.entry.target_label == "株式会社テスト精工"
    changes = {c.field: (c.before, c.after) for c in row.changes}
    assert changes["名称"] == ("株式会社テスト精工", "")
    assert changes["法人番号"] == ("7000012050002", "")
    assert "削除" in response.content.decode()


@pytest.mark.django_db
def test_the_list_is_paginated_by_fifty(secretariat: Any, organisation: Organisation, coordinator: Any) -> None:
    for n in range(51):
        audit_record(
            actor=coordinator,
            action=AuditAction.UPDATE,
            instance=organisation,
            before={"notes": str(n)},
            after={"notes": str(n + 1)},
            member_code="282090",
        )
    client = logged_in(secretariat)
    first = client.get(LIST_URL)
    assert len(first.context["rows"]) == 50
    assert first.context["page"].paginator.num_pages == 2
    # newest first: the last one written (notes 50 → 51) heads page 1
    assert first.context["rows"][0].changes[0].after == "51"
    second = client.get(LIST_URL, {"page": 2, "action": "update"})
    assert [row.changes[0].after for row in second.context["rows"]] == ["1"]
    html = first.content.decode()
    assert 'href="?page=2"' in html
    # the filters are kept when paging
    assert 'href="?page=1&amp;action=update"' in second.content.decode()


# --- the filters ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"actor": "t-kesennuma"}, ["気仙沼港湾サービス株式会社"]),
        ({"actor": "TOYOOKA"}, ["山田 花子", "株式会社テスト精工ホールディングス"]),
        ({"action": "update"}, ["株式会社テスト精工ホールディングス"]),
        ({"target_type": "network.contact"}, ["山田 花子"]),
        ({"member_code": "04205"}, ["気仙沼港湾サービス株式会社"]),
        ({"member_code": "042056"}, ["気仙沼港湾サービス株式会社"]),
        ({"member_code": "２８２０９"}, ["山田 花子", "株式会社テスト精工ホールディングス"]),
        # local dates: 23:30 on 1 March (JST) is in 1 March; 00:30 on 2 March is not.
        ({"date_to": "2026-03-01"}, ["株式会社テスト精工ホールディングス"]),
        ({"date_from": "2026-03-02", "date_to": "2026-03-02"}, ["気仙沼港湾サービス株式会社"]),
        ({"date_from": "2026-03-03"}, ["山田 花子"]),
        ({"actor": "toyooka", "date_from": "2026-03-02"}, ["山田 花子"]),
        ({"actor": "nobody"}, []),
    ],
)
def test_filters(history: dict[str, Any], secretariat: Any, query: dict[str, str], expected: list[str]) -> None:
    response = logged_in(secretariat).get(LIST_URL, query)
    assert response.status_code == 200
    assert [row.entry.target_label for row in response.context["rows"]] == expected


@pytest.mark.django_db
def test_target_type_choices_are_the_types_present_with_japanese_labels(
    history: dict[str, Any], secretariat: Any
) -> None:
    assert audit_target_types() == [("network.organisation", "参加企業・団体"), ("network.contact", "担当者連絡先")]
    html = logged_in(secretariat).get(LIST_URL).content.decode()
    assert '<option value="network.organisation">参加企業・団体</option>' in html
    assert '<option value="update">更新</option>' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field", "fragment"),
    [
        ({"member_code": "282091"}, "member_code", "検査数字が正しくありません"),
        ({"member_code": "2820"}, "member_code", "5桁または6桁"),
        ({"member_code": "28A09"}, "member_code", "数字以外"),
        ({"date_from": "2026-13-01"}, "date_from", "日付を正しく入力してください"),
        ({"date_from": "2026-03-05", "date_to": "2026-03-01"}, "date_to", "終了日は開始日"),
        ({"action": "rewrite"}, "action", "正しく選択してください"),
    ],
)
def test_bad_filters_are_refused_next_to_the_field(
    history: dict[str, Any], secretariat: Any, query: dict[str, str], field: str, fragment: str
) -> None:
    response = logged_in(secretariat).get(LIST_URL, query)
    assert response.status_code == 400
    assert any(fragment in e for e in response.context["form"].errors[field])
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and fragment in html
    assert f'aria-describedby="id_{field}' in html
    assert response.context["rows"] == []


@pytest.mark.django_db
def test_an_export_with_a_bad_filter_is_refused_not_silently_widened(history: dict[str, Any], secretariat: Any) -> None:
    response = logged_in(secretariat).get("/audit/export.csv", {"member_code": "282091"})
    assert response.status_code == 400
    assert "検査数字が正しくありません" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_export_format_is_not_found(secretariat: Any) -> None:
    assert logged_in(secretariat).get("/audit/export.pdf").status_code == 404


# --- the exports ----------------------------------------------------------------------------------------------


def _csv_rows(body: bytes, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode(encoding), newline="")))


@pytest.mark.django_db
def test_csv_export_in_utf8_with_bom(history: dict[str, Any], secretariat: Any) -> None:
    response = logged_in(secretariat).get("/audit/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"] and ".csv" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = _csv_rows(response.content, "utf-8-sig")
    assert rows[0] == EXPORT_HEADER
    assert len(rows) == 4
    newest, _created, update = rows[1:]
    assert newest[1:7] == ["t-toyooka", "作成", "担当者連絡先", str(history["contact"].pk), "山田 花子", "282090"]
    assert newest[7] == ""
    assert json.loads(newest[8])["name"] == "山田 花子"
    # ISO time with the Tokyo offset
    assert dt.datetime.fromisoformat(update[0]) == dt.datetime(2026, 3, 1, 23, 30, tzinfo=TOKYO)
    assert update[0].endswith("+09:00")
    assert update[2:4] == ["更新", "参加企業・団体"]
    before, after = json.loads(update[7]), json.loads(update[8])
    assert before["name"] == "株式会社テスト精工" and after["name"] == "株式会社テスト精工ホールディングス"
    assert before["corporate_number"] == after["corporate_number"] == "7000012050002"


@pytest.mark.django_db
def test_csv_export_in_cp932_for_older_excel(history: dict[str, Any], secretariat: Any) -> None:
    response = logged_in(secretariat).get("/audit/export.csv", {"encoding": "cp932", "action": "create"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=Shift_JIS"
    rows = _csv_rows(response.content, "cp932")
    assert rows[0] == EXPORT_HEADER
    assert [r[5] for r in rows[1:]] == ["山田 花子", "気仙沼港湾サービス株式会社"]


@pytest.mark.django_db
def test_xlsx_export_with_the_same_filters(history: dict[str, Any], secretariat: Any) -> None:
    response = logged_in(secretariat).get("/audit/export.xlsx", {"member_code": "28209"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[("" if v is None else v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == EXPORT_HEADER
    assert [r[5] for r in rows[1:]] == ["山田 花子", "株式会社テスト精工ホールディングス"]
    assert {r[6] for r in rows[1:]} == {"282090"}
    assert json.loads(rows[2][8])["name"] == "株式会社テスト精工ホールディングス"


@pytest.mark.django_db
def test_export_neutralises_formula_like_user_names(secretariat: Any, organisation: Organisation) -> None:
    sneaky = make_user(
        "=cmd|' /c calc'!a0", Role.COORDINATOR, member=organisation.member
    )  # names are stored lower case
    services.organisation_update(actor=sneaky, organisation=organisation, notes="x")
    rows = _csv_rows(logged_in(secretariat).get("/audit/export.csv").content, "utf-8-sig")
    assert rows[1][1] == "'=cmd|' /c calc'!a0"


@pytest.mark.django_db
def test_the_list_links_to_exports_with_the_current_filters(history: dict[str, Any], secretariat: Any) -> None:
    html = logged_in(secretariat).get(LIST_URL, {"action": "create", "page": "1"}).content.decode()
    assert 'href="/audit/export.csv?action=create"' in html
    assert 'href="/audit/export.csv?action=create&amp;encoding=cp932"' in html
    assert 'href="/audit/export.xlsx?action=create"' in html


# --- snapshots --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_user_snapshots_never_hold_the_password_hash(secretariat: Any) -> None:
    data = snapshot(secretariat)
    assert "password" not in data
    assert data["username"] == "t-secretariat"


@pytest.mark.django_db
def test_a_foreign_key_to_a_deleted_row_is_shown_by_its_id(
    coordinator: Any, organisation: Organisation, secretariat: Any
) -> None:
    contact = services.contact_create(actor=coordinator, organisation=organisation, name="佐藤")
    services.contact_delete(actor=coordinator, contact=contact)
    organisation_pk = organisation.pk
    services.organisation_delete(actor=coordinator, organisation=organisation)
    response = logged_in(secretariat).get(LIST_URL, {"target_type": "network.contact"})
    changes = [{c.field: (c.before, c.after) for c in row.changes} for row in response.context["rows"]]
    assert [c["参加企業・団体"] for c in changes] == [(str(organisation_pk), ""), ("", str(organisation_pk))]


@pytest.mark.django_db
def test_the_list_page_does_not_query_per_row(
    django_assert_max_num_queries: Any, secretariat: Any, coordinator: Any, toyooka: Any
) -> None:
    for n in range(20):
        services.organisation_create(
            actor=coordinator,
            member=toyooka,
            name=f"企業{n}",
            industry="E",
            size_band="1-29",
            location="282090",
            joined_on=dt.date(2026, 4, 1),
        )
    client = logged_in(secretariat)
    with django_assert_max_num_queries(15):
        response = client.get(LIST_URL)
    assert len(response.context["rows"]) == 20


def test_a_list_of_sentences_reads_as_sentences_not_as_json(organisation: Organisation, secretariat: Any) -> None:
    """Issue 13.4: an import's notes showed as ["…", "…"] in the log's changes."""
    from shokuba.core.audit_views import entry_changes

    entry = audit_record(
        actor=secretariat,
        action=AuditAction.UPDATE,
        instance=organisation,
        before={"notes": ""},
        after={"notes": ["国籍は「移動者」の行を使いました。", "年齢の小計の列は読みませんでした。"]},
    )
    (change,) = entry_changes(entry)
    assert change.after == "国籍は「移動者」の行を使いました。 年齢の小計の列は読みませんでした。"
