"""The secretariat's board: who may see it, filters, the accessible grid, and the CSV/XLSX exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from shokuba.guidebook import services
from shokuba.guidebook.models import ProgressStatus, Step
from shokuba.network.models import Member

pytestmark = pytest.mark.django_db

BOARD = reverse("guidebook:board")
CSV = reverse("guidebook:board_export_csv")
XLSX = reverse("guidebook:board_export_xlsx")
FIXED_COLUMNS = ["団体コード", "団体名", "種別", "ブロック"]


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def progress(secretariat: Any, toyooka: Member, kesennuma: Member) -> None:
    """豊岡市: 1-a 完了, 1-b 進行中, 1-c 該当なし; 気仙沼市: 1-a 完了."""
    steps = {s.code: s for s in Step.objects.all()}
    done = {"status": ProgressStatus.DONE, "started_on": dt.date(2026, 4, 1), "completed_on": dt.date(2026, 5, 1)}
    for member, code, fields in [
        (toyooka, "1-a", done),
        (toyooka, "1-b", {"status": ProgressStatus.IN_PROGRESS}),
        (toyooka, "1-c", {"status": ProgressStatus.NOT_APPLICABLE}),
        (kesennuma, "1-a", done),
    ]:
        values: dict[str, Any] = {"started_on": None, "completed_on": None, "responsible": "", "notes": ""}
        values.update(fields)
        services.step_progress_update(actor=secretariat, member=member, step=steps[code], **values)


def body_rows(html: str) -> list[str]:
    tbody = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    assert tbody is not None
    return re.findall(r"<tr>(.*?)</tr>", tbody.group(1), re.S)


@pytest.mark.parametrize(
    ("user_fixture", "expected"),
    [
        ("secretariat", 200),
        ("support", 200),
        ("coordinator", 403),
        ("prefecture_coordinator", 403),
        ("org_admin", 403),
    ],
)
def test_board_and_exports_by_role(request: pytest.FixtureRequest, user_fixture: str, expected: int) -> None:
    client = logged_in(request.getfixturevalue(user_fixture))
    for url in (BOARD, CSV, XLSX, f"{CSV}?encoding=cp932"):
        assert client.get(url).status_code == expected, url


def test_anonymous_is_sent_to_login(db: Any) -> None:
    for url in (BOARD, CSV):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_board_shows_every_member_and_step_grouped_by_chapter(secretariat: Any, progress: None) -> None:
    html = logged_in(secretariat).get(BOARD).content.decode()
    rows = body_rows(html)
    assert len(rows) == Member.objects.count() == 68
    assert "68 団体" in html
    assert len(re.findall(r'<th scope="col" class="board-step">', html)) == Step.objects.count() == 22
    chapter_heads = re.findall(r'<th scope="colgroup" colspan="(\d+)"', html)
    assert [int(n) for n in chapter_heads] == [6, 3, 1, 2, 8, 2]
    toyooka_row = next(r for r in rows if "兵庫県豊岡市" in r)
    cells = re.findall(
        r'<td class="board-cell status-(\w+)"><span aria-hidden="true">(.)</span>'
        r'<span class="visually-hidden">(.+?)</span></td>',
        toyooka_row,
    )
    assert len(cells) == 22
    assert cells[:4] == [
        ("done", "済", "完了"),
        ("in_progress", "中", "進行中"),
        ("not_applicable", "－", "該当なし"),
        ("not_started", "未", "未着手"),
    ]
    # Done count out of the applicable steps (22 minus one 該当なし).
    assert "1／21" in toyooka_row
    # The legend explains every mark in words.
    for label in ("完了", "進行中", "未着手", "該当なし"):
        assert f"</span> {label}</li>" in html
    # The footer counts members that finished each step: 1-a by two members.
    tfoot = re.search(r"<tfoot>(.*?)</tfoot>", html, re.S)
    assert tfoot is not None
    assert re.findall(r'<td class="board-total">(\d+)</td>', tfoot.group(1))[:2] == ["2", "0"]


def test_board_filters_by_region_block_and_kind(secretariat: Any) -> None:
    client = logged_in(secretariat)
    kinki = body_rows(client.get(BOARD, {"region_block": "近畿"}).content.decode())
    expected_kinki = Member.objects.filter(region_block="近畿").count()
    assert 0 < len(kinki) == expected_kinki < 68
    assert any("兵庫県豊岡市" in r for r in kinki)
    assert not any("気仙沼市" in r for r in kinki)

    prefectures = body_rows(client.get(BOARD, {"kind": "prefecture"}).content.decode())
    assert len(prefectures) == Member.objects.filter(kind="prefecture").count() > 0
    assert any("宮城県</a>" in r for r in prefectures)
    assert not any("豊岡市" in r for r in prefectures)

    both = body_rows(client.get(BOARD, {"region_block": "東北", "kind": "municipality"}).content.decode())
    assert len(both) == Member.objects.filter(region_block="東北", kind="municipality").count()
    assert any("気仙沼市" in r for r in both)


def test_export_links_carry_the_filters(secretariat: Any) -> None:
    html = logged_in(secretariat).get(BOARD, {"region_block": "近畿", "kind": "municipality"}).content.decode()
    query = "region_block=%E8%BF%91%E7%95%BF&amp;kind=municipality"
    assert f'href="{CSV}?{query}"' in html
    assert f'href="{XLSX}?{query}"' in html
    assert f'href="{CSV}?{query}&amp;encoding=cp932"' in html


@pytest.mark.parametrize("params", [{"kind": "village"}, {"region_block": "月面"}])
def test_invalid_filter_is_400_with_a_japanese_message(secretariat: Any, params: dict[str, str]) -> None:
    client = logged_in(secretariat)
    response = client.get(BOARD, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert "正しく選択してください" in html
    assert "<tbody>" not in html
    assert client.get(CSV, params).status_code == 400
    assert client.get(XLSX, params).status_code == 400


def test_unknown_export_encoding_is_400(secretariat: Any) -> None:
    assert logged_in(secretariat).get(CSV, {"encoding": "latin-1"}).status_code == 400


def test_board_queries_do_not_grow_with_members(
    secretariat: Any, progress: None, django_assert_max_num_queries: Any
) -> None:
    client = logged_in(secretariat)
    client.get(BOARD)  # warm the session
    with django_assert_max_num_queries(8):
        assert client.get(BOARD).status_code == 200


def parse_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def expected_header() -> list[str]:
    return [
        *FIXED_COLUMNS,
        *[f"{s.code} {s.title}" for s in Step.objects.order_by("chapter__position", "position")],
        "完了数",
    ]


def test_csv_export_is_utf8_with_bom(secretariat: Any, progress: None) -> None:
    response = logged_in(secretariat).get(CSV)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".csv" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = parse_csv(response.content.decode("utf-8-sig"))
    assert rows[0] == expected_header()
    assert len(rows) == 1 + 68
    toyooka = next(r for r in rows if r[0] == "282090")
    assert toyooka[:4] == ["282090", "兵庫県豊岡市", "市町村", "近畿"]
    assert toyooka[4:8] == ["完了", "進行中", "該当なし", "未着手"]
    assert toyooka[-1] == "1"
    assert len(toyooka) == 4 + 22 + 1


def test_cp932_csv_export_respects_filters(secretariat: Any, progress: None) -> None:
    response = logged_in(secretariat).get(CSV, {"region_block": "近畿", "encoding": "cp932"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=Shift_JIS"
    assert not response.content.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("utf-8")
    rows = parse_csv(response.content.decode("cp932"))
    assert rows[0] == expected_header()
    assert {r[3] for r in rows[1:]} == {"近畿"}
    assert len(rows) - 1 == Member.objects.filter(region_block="近畿").count()
    toyooka = next(r for r in rows if r[0] == "282090")
    assert toyooka[1] == "兵庫県豊岡市"
    assert toyooka[4] == "完了"


def test_xlsx_export(secretariat: Any, progress: None) -> None:
    response = logged_in(secretariat).get(XLSX, {"kind": "municipality"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "進捗一覧"
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == expected_header()
    assert len(values) - 1 == Member.objects.filter(kind="municipality").count()
    assert {row[2] for row in values[1:]} == {"市町村"}
    toyooka = next(r for r in values if r[0] == "282090")
    assert toyooka[1] == "兵庫県豊岡市"
    assert toyooka[4:7] == ["完了", "進行中", "該当なし"]
    assert toyooka[-1] == 1
    kesennuma = next(r for r in values if r[0] == "042056")
    assert kesennuma[4] == "完了" and kesennuma[-1] == 1
    assert sheet["A1"].font.bold
