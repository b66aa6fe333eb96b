"""Figures of Japanese movers only say so wherever they are shown (page, chart, downloads, API, ranking), are never
ranked with figures of all movers, and a year that covers only some areas says which ones are missing."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shokuba.regional.selectors import area_get, group_coverage, network_ranking, peer_rows, table_coverage
from shokuba.regional.services import statistics_import_file
from shokuba.regional.tests import estat_cases as cases
from shokuba.regional.tests.estat_cases import YEAR

pytestmark = pytest.mark.django_db


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def mixed(secretariat: Any) -> None:
    """2024 net migration: the national file for 兵庫県 and the nation (all movers), then 和歌山県's own download
    narrowed to 日本人移動者 (which replaces 和歌山県's areas only)."""
    statistics_import_file(actor=secretariat, data=cases.db_csv_national(), file_name="national.csv", year=YEAR)
    statistics_import_file(
        actor=secretariat,
        data=cases.db_csv_wakayama(("日本人",), table="11-3"),
        file_name="wakayama_japanese.csv",
        year=YEAR,
    )


def test_the_area_page_says_japanese_movers_only(coordinator: Any, mixed: None) -> None:
    body = logged_in(coordinator).get(reverse("regional:area", args=["302015"]), {"year": YEAR}).content.decode()
    assert "2024年の値は日本人移動者のみです" in body and "外国人の移動を含みません" in body
    start = body.index('id="net-by-age-spec"')
    spec = json.loads(body[body.index(">", start) + 1 : body.index("</script>", start)])
    assert any("日本人移動者のみ" in line for line in spec["title"]["subtitle"])
    # its prefecture in the peer table is marked too; the nation is not
    assert "和歌山県（日本人移動者のみ）" in body and "全国（日本人移動者のみ）" not in body
    toyooka = logged_in(coordinator).get(reverse("regional:area", args=["282090"]), {"year": YEAR}).content.decode()
    assert "日本人移動者のみです" not in toyooka


def test_downloads_and_the_api_say_japanese_movers_only(coordinator: Any, mixed: None) -> None:
    client = logged_in(coordinator)
    indicators = client.get(reverse("regional:area_export", args=["302015", "indicators", "csv"]))
    rows = list(csv.reader(io.StringIO(indicators.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "国籍" and {row[-1] for row in rows[1:]} == {"日本人移動者のみ"}
    chart = client.get(reverse("regional:area_chart", args=["302015", "net-by-age", "csv"]), {"year": YEAR})
    assert (
        chart.content.decode("utf-8-sig").splitlines()[0]
        == "年齢（5歳階級）,女性（日本人移動者のみ）,男性（日本人移動者のみ）"
    )
    trend = client.get(reverse("regional:area_chart", args=["302015", "trend", "csv"]), {"year": YEAR})
    assert trend.content.decode("utf-8-sig").splitlines()[1].endswith(",日本人移動者のみ")
    api = client.get("/api/v1/regional/areas/302015/indicators", {"year": YEAR}).json()
    assert api["years"][0]["movers"] == "japanese" and api["years"][0]["movers_label"] == "日本人移動者のみ"
    ages = client.get("/api/v1/regional/areas/302015/net-by-age", {"year": YEAR}).json()
    assert ages["movers"] == "japanese"
    toyooka = client.get("/api/v1/regional/areas/282090/indicators", {"year": YEAR}).json()
    assert toyooka["years"][0]["movers"] == "all" and toyooka["years"][0]["movers_label"] == ""
    every = client.get("/api/v1/regional/indicators", {"year": YEAR, "kind": "prefecture"}).json()
    assert {row["code"]: row["movers"] for row in every} == {"280003": "all", "300004": "japanese"}


def test_the_ranking_never_mixes_the_two_and_lists_the_missing_members(mixed: None) -> None:
    ranking = network_ranking(YEAR, sex="F")
    assert ranking.basis == "all"
    by_code = {r.member.pk: r for group in ranking.groups.values() for r in group}
    assert by_code["300004"].movers == "japanese" and not by_code["300004"].ranked
    assert all(rank is None for rank in by_code["300004"].ranks.values())
    assert by_code["282090"].ranked and by_code["282090"].ranks["recovery_rate"] is not None
    assert [m.pk for m in ranking.not_ranked] == ["300004"]
    missing = {m.pk for m in ranking.missing}
    assert "040002" in missing and "282090" not in missing and "300004" not in missing
    assert len(missing) == 68 - 3  # 兵庫県洲本市, 豊岡市 and 和歌山県 have figures


def test_the_ranking_page_and_download_say_so(secretariat: Any, mixed: None) -> None:
    client = logged_in(secretariat)
    body = client.get(reverse("regional:network"), {"year": YEAR}).content.decode()
    assert "この期間の数値がない参加自治体（65団体）" in body and "宮城県" in body
    assert "国籍の違う値のため順位を付けていない参加自治体（1団体）" in body
    assert "日本人移動者のみ（順位の対象外）" in body
    text = client.get(reverse("regional:network"), {"year": YEAR, "format": "csv"}).content.decode("utf-8-sig")
    rows = {row[0]: row for row in csv.reader(io.StringIO(text))}
    assert rows["団体コード"][-1] == "備考"
    assert rows["300004"][-1] == "日本人移動者のみ（順位の対象外）"
    assert rows["040002"][-1] == "この期間の数値なし（未取込）"
    assert rows["282090"][-1] == ""


def test_coverage_is_shown_on_the_import_page_and_the_area_page(secretariat: Any, mixed: None) -> None:
    [net] = [c for c in table_coverage() if c.table == "11-3"]
    assert net.areas == 35 and net.expected == 1789 and not net.complete and net.japanese_only == 31
    assert "北海道" in net.prefectures_missing and "和歌山県" not in net.prefectures_missing
    client = logged_in(secretariat)
    imports = client.get(reverse("regional:imports")).content.decode()
    assert "35 / 1,789" in imports and "一部の地域" in imports and "一部使用中（4 / 35 地域）" in imports
    area = client.get(reverse("regional:area", args=["282090"]), {"year": YEAR}).content.decode()
    assert "1,789 地域のうち 35 地域分だけ取り込まれています" in area
    assert "45 都道府県の地域には数値がありません" in area


def test_group_sums_say_how_many_areas_they_hold(mixed: None) -> None:
    coverage = group_coverage(["280003", "300004", "010006"], [YEAR])
    assert coverage.present == {YEAR: 2} and coverage.movers == {YEAR: "mixed"}
    area = area_get("282090")
    assert area is not None
    regions = next(row for row in peer_rows(area, YEAR, window=1, chosen=[]) if row.kind == "regions")
    assert regions.areas == 36 and regions.present == 1 and regions.movers == "japanese"  # 和歌山県 alone


def test_an_outcome_is_not_compared_across_the_two_kinds(secretariat: Any, mixed: None) -> None:
    from shokuba.network.models import Member
    from shokuba.regional.estat.layouts import db_csv_grid, grid_csv_bytes
    from shokuba.regional.models import OutcomeIndicator
    from shokuba.regional.selectors import outcome_rows

    data = grid_csv_bytes(db_csv_grid(2023, cases.all_tables(cases.national_areas())), encoding="utf-8-sig")
    statistics_import_file(actor=secretariat, data=data, file_name="national_2023.csv", year=2023)
    wakayama = Member.objects.get(pk="300004")
    OutcomeIndicator.objects.create(member=wakayama, indicator="net_15_29", sex="T", baseline_year=2023)
    [row] = outcome_rows(wakayama)
    assert (row.baseline_movers, row.latest_movers, row.latest_year) == ("all", "japanese", YEAR)
    assert row.baseline is not None and row.latest is not None
    assert row.change is None and row.improved is None and not row.comparable
    body = logged_in(secretariat).get(reverse("regional:area", args=["300004"])).content.decode()
    assert "国籍の違う値のため比べられません" in body and "人（日本人移動者のみ）" in body
