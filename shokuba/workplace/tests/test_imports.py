"""Imports: the 女性の活躍推進企業データベース file in its real layout (DOMAIN.md §8, built by tests/fixtures/wdb.py)
and the platform's template, each bad input with the cell named and the indicator data untouched until the
preview is confirmed."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest

from shokuba.core.models import AuditEntry
from shokuba.network.models import Member, Organisation, User
from shokuba.workplace import imports, opendata, services
from shokuba.workplace.models import ImportStatus, IndicatorImport, IndicatorYear
from shokuba.workplace.tests.fixtures import wdb

NUMBERS = [wdb.corporate_number(4_000_000 + i) for i in range(4)]


@pytest.fixture
def companies(toyooka: Member) -> list[Organisation]:
    return [
        Organisation.objects.create(
            member=toyooka,
            name=f"株式会社照合{i}",
            corporate_number=number,
            industry="E",
            size_band="101-300",
            location_id="282090",
            joined_on=dt.date(2025, 4, 1),
        )
        for i, number in enumerate(NUMBERS[:3])
    ] + [
        Organisation.objects.create(
            member=toyooka,
            name="番号のない組合",
            industry="Q",
            size_band="1-29",
            location_id="282090",
            joined_on=dt.date(2025, 4, 1),
        )
    ]


def _examples() -> list[wdb.Company]:
    return wdb.example_companies(NUMBERS[:3])


def _wdb(count: int = 12, first: list[wdb.Company] | None = None, **kwargs: Any) -> bytes:
    """A national file of `count` companies; the examples (our three organisations) first."""
    return wdb.csv_bytes(wdb.national(count, first=_examples() if first is None else first), **kwargs)


def _preview(
    actor: Any, member: Member | None, data: bytes, *, kind: str = "wdb", name: str = wdb.file_name()
) -> IndicatorImport:
    return services.indicator_import_preview(
        actor=actor, member=member, kind=kind, stream=io.BytesIO(data), file_name=name, fiscal_year=2024
    )


def _problems(batch: IndicatorImport) -> list[tuple[int, str, str]]:
    return [(p["row"], p["column"], p["message"]) for p in batch.summary["problems"]]


def _state() -> tuple[list[Any], int]:
    return list(IndicatorYear.objects.order_by("pk").values()), AuditEntry.objects.count()


def _row(batch: IndicatorImport, organisation: Organisation) -> dict[str, Any]:
    return next(r for r in batch.rows if r["organisation_id"] == organisation.pk)


# --- the open-data file -----------------------------------------------------------------------------------------

# The final list: every header of the real release the importer reads, and what it becomes.
EXPECTED_MAPPING = {
    "法人番号": "corporate_number",
    "企業名": "name",
    "業種": "industry",
    "都道府県": "prefecture",
    "企業規模": "size",
    "14.対象期間": "period",
    "16.データ集計時点-データ集計時点": "as_of",
    "データの最終更新日": "updated",
    "1.採用した労働者に占める女性労働者の割合-女性(%)": "women_hire_ratio",
    "2.採用における男女別の競争倍率-男性(倍)": "competition_ratio_men",
    "2.採用における男女別の競争倍率-女性(倍)": "competition_ratio_women",
    "3.労働者に占める女性労働者の割合-女性(%)": "women_worker_ratio",
    "4.(1)男女の平均継続勤務年数の差異-男性(年)": "tenure_men",
    "4.(1)男女の平均継続勤務年数の差異-女性(年)": "tenure_women",
    "4.(2)男女別の採用１０年前後の継続雇用割合-男性(%)": "retention_10y_men",
    "4.(2)男女別の採用１０年前後の継続雇用割合-女性(%)": "retention_10y_women",
    "5.男女別の育児休業取得率-男性(%)": "male_childcare_leave_rate_leave",
    "5.男女別の育児休業取得率-女性(%)": "childcare_leave_rate_women",
    "6.一月当たりの労働者の平均残業時間-平均残業時間(時間)": "avg_monthly_overtime",
    "8.(1)年次有給休暇の取得率-対象労働者(%)": "paid_leave_rate",
    "9.係長級にある者に占める女性労働者の割合-割合(%)": "women_chief_ratio",
    "9.係長級にある者に占める女性労働者の割合-人数(人)": "chiefs_women",
    "9.係長級にある者に占める女性労働者の割合-男女計(人)": "chiefs",
    "10.管理職に占める女性労働者の割合-割合(%)": "women_manager_ratio",
    "10.管理職に占める女性労働者の割合-人数(人)": "managers_women",
    "10.管理職に占める女性労働者の割合-男女計(人)": "managers",
    "11.役員に占める女性の割合-割合(%)": "women_officer_ratio",
    "11.役員に占める女性の割合-人数(人)": "officers_women",
    "11.役員に占める女性の割合-男女計(人)": "officers",
    "13.男女別の再雇用-男性(人)": "midcareer_hires_men",
    "13.中途採用の実績-男性(人)": "midcareer_hires_men",
    "13.男女別の再雇用-女性(人)": "midcareer_hires_women",
    "13.中途採用の実績-女性(人)": "midcareer_hires_women",
    "14.男女の賃金の差異1-全労働者(%)": "pay_gap_all",
    "14.男女の賃金の差異2-うち正規雇用労働者(%)": "pay_gap_regular",
    "14.男女の賃金の差異3-うち非正規雇用労働者(%)": "pay_gap_non_regular",
    "企業認定等-えるぼし、または、えるぼしプラス認定": "eruboshi",
    "企業認定等-プラチナえるぼし、または、プラチナえるぼしプラス認定": "eruboshi_platinum",
    "企業認定等-くるみん認定": "kurumin",
    "企業認定等-くるみんプラス認定": "kurumin_plus",
    "企業認定等-トライくるみん認定": "kurumin_try",
    "企業認定等-トライくるみんプラス認定": "kurumin_try_plus",
    "企業認定等-プラチナくるみん認定": "kurumin_platinum",
    "企業認定等-プラチナくるみんプラス認定": "kurumin_platinum_plus",
    "フレックスタイム制度": "flex_flextime",
    "在宅勤務・テレワーク": "flex_telework",
    "年次有給休暇時間単位取得制度": "flex_hourly_leave",
}
PER_CATEGORY = {
    "women_hire_ratio",
    "competition_ratio_men",
    "competition_ratio_women",
    "women_worker_ratio",
    "tenure_men",
    "tenure_women",
    "retention_10y_men",
    "retention_10y_women",
    "male_childcare_leave_rate_leave",
    "childcare_leave_rate_women",
}


def test_the_real_header_maps_to_every_column_the_importer_knows() -> None:
    header = imports.match_wdb_header(list(wdb.HEADER))
    assert header.missing == []
    found: dict[str, str] = {}
    for n, index in header.single.items():
        found[wdb.HEADER[index]] = opendata.COLUMNS[n].target
    for n, blocks in header.blocks.items():
        assert len(blocks) == 5  # one value column per 雇用管理区分 block
        for number, (name_at, value_at) in enumerate(blocks, start=1):
            assert wdb.HEADER[name_at].endswith(f"-雇用管理区分{wdb.FULL_WIDTH_DIGITS[number]}")
            found.setdefault(wdb.HEADER[value_at], opendata.COLUMNS[n].target)
    assert found == EXPECTED_MAPPING
    assert {opendata.COLUMNS[n].target for n in header.blocks} == PER_CATEGORY
    # Every figure, certification and arrangement the importer knows (older layouts' columns aside) is there.
    assert {c.target for c in opendata.KNOWN} == set(EXPECTED_MAPPING.values()) - {
        "corporate_number",
        "name",
        "industry",
        "prefecture",
        "size",
        "period",
        "as_of",
        "updated",
    }
    # §8's headers are all in the fixture, exactly as §8 writes them.
    assert wdb.SECTION_8_HEADERS <= set(wdb.HEADER) and len(wdb.HEADER) == 236


def test_real_file_preview_shows_old_and_new_then_confirm_stores(
    coordinator: User, toyooka: Member, companies: list[Organisation]
) -> None:
    whole, split, silent, nameless = companies
    before = _state()
    batch = _preview(coordinator, toyooka, _wdb(40))
    assert _state() == before  # a preview writes no figure
    summary = batch.summary
    assert summary["rows_read"] == 40 and summary["matched"] == 3 and summary["missing_columns"] == []
    assert summary["blocking"] is False and summary["problems"] == []
    assert [u["name"] for u in summary["unmatched"]] == [nameless.name]

    row = _row(batch, whole)
    assert row["new"] is True and row["period_note"] == "2024年4月1日～2025年3月31日"
    assert row["source_updated"] == "2025年10月30日"
    assert row["raw"] == {
        "women_hire_ratio": 40.0,
        "competition_ratio_men": 5.0,
        "competition_ratio_women": 6.0,
        "women_worker_ratio": 35.2,
        "tenure_men": 15.0,
        "tenure_women": 12.0,
        "retention_10y_men": 70.0,
        "retention_10y_women": 60.0,
        "male_childcare_leave_rate_leave": 45.0,
        "childcare_leave_rate_women": 100.0,
        "avg_monthly_overtime": 12.3,
        "paid_leave_rate": 68.4,
        "women_chief_ratio": 25.0,
        "chiefs_women": 5,
        "chiefs": 20,
        "women_manager_ratio": 12.5,
        "managers_women": 3,
        "managers": 24,
        "women_officer_ratio": 20.0,
        "officers_women": 1,
        "officers": 5,
        "midcareer_hires_men": 6,  # 再雇用 "-" + 中途採用 6
        "midcareer_hires_women": 5,  # 再雇用 1 + 中途採用 4
        "pay_gap_all": 72.5,
        "pay_gap_regular": 80.1,
        "pay_gap_non_regular": 95.0,
    }
    changes = {c["code"]: (c["old"], c["new"]) for c in row["changes"]}
    assert changes["women_manager_ratio"] == (None, 12.5)
    assert changes["competition_ratio_sex"] == (None, 1.2)  # women's 6.00 ÷ men's 5.00
    assert changes["tenure_gap_years"] == (None, 3.0)
    assert changes["male_childcare_leave_rate"] == (None, 45.0)  # 育児休業 only: the "leave" formula
    assert changes["midcareer_hires_women"] == (None, 5.0)  # a count no indicator shows, still listed
    assert row["formula"] == "leave"
    assert row["certifications"] == {
        "eruboshi": {"level": "eruboshi-2", "since": "2021-03-01", "text": "2段階目（2021年3月1日）", "plus": False},
        "kurumin": {"level": None, "since": "2019", "text": "2015年、2019年", "plus": True, "plus_since": "2023-04-01"},
    }
    assert row["arrangements"] == {"flex_flextime": True, "flex_telework": True}

    other = _row(batch, split)
    assert other["raw"] == {
        "avg_monthly_overtime": 20.1,
        "paid_leave_rate": 55.0,
        "women_manager_ratio": 8.0,
        "pay_gap_all": 65.0,
        "tenure_men": 10.0,  # one block without a category name: the whole workforce
        "tenure_women": 9.0,
    }
    assert other["per_category_only"] == [
        {"item": "1.採用した労働者に占める女性労働者の割合", "categories": ["正社員", "パート・アルバイト"]},
        {"item": "5.男女別の育児休業取得率", "categories": ["正社員", "パート・アルバイト"]},
    ]
    assert set(other["certifications"]) == {"eruboshi_platinum", "kurumin_try"}
    assert other["certifications"]["eruboshi_platinum"]["since"] == "2023-05-10"
    assert other["arrangements"] == {"flex_hourly_leave": True}
    assert any("雇用管理区分" in n and "「1.採用した労働者に占める女性労働者の割合」1件" in n for n in summary["notes"])

    nothing = _row(batch, silent)
    assert nothing["raw"] == {} and not imports.has_changes(nothing)
    assert summary["changed"] == 2 and summary["unchanged"] == 1

    assert services.indicator_import_confirm(actor=coordinator, batch=batch) == 2
    stored = IndicatorYear.objects.get(organisation=whole, fiscal_year=2024)
    assert stored.source == "wdb"
    assert stored.women_manager_ratio == 12.5 and stored.raw["managers"] == 24
    assert stored.raw == row["raw"]
    assert stored.competition_ratio_sex == 1.2 and stored.pay_gap_all == 72.5 and stored.avg_monthly_overtime == 12.3
    assert stored.certifications == row["certifications"]
    assert stored.flex_flextime and stored.flex_telework and not stored.flex_hourly_leave
    assert IndicatorYear.objects.get(organisation=split, fiscal_year=2024).tenure_ratio == 90.0
    assert not IndicatorYear.objects.filter(organisation=silent).exists()  # nothing to write, nothing written
    assert AuditEntry.objects.count() == before[1] + 2
    from django.test import Client

    client = Client()
    client.force_login(coordinator)
    page = client.get(f"/workplace/organisations/{whole.pk}/").content.decode()
    assert "えるぼし 2段階目（2021年3月1日）" in page and "くるみん（プラス）（2019年）" in page
    with pytest.raises(services.ImportNotConfirmable):
        services.indicator_import_confirm(actor=coordinator, batch=batch)


def test_reimport_of_the_same_file_changes_nothing(
    coordinator: User, toyooka: Member, companies: list[Organisation]
) -> None:
    services.indicator_import_confirm(actor=coordinator, batch=_preview(coordinator, toyooka, _wdb()))
    again = _preview(coordinator, toyooka, _wdb())
    assert again.summary["changed"] == 0 and again.summary["unchanged"] == 3
    before = _state()
    assert services.indicator_import_confirm(actor=coordinator, batch=again) == 0
    assert _state() == before


def test_a_later_file_keeps_entered_counts_and_certifications_it_does_not_state(
    coordinator: User, toyooka: Member, companies: list[Organisation]
) -> None:
    services.indicator_year_save(
        actor=coordinator, organisation=companies[1], fiscal_year=2024, raw={"managers": 20, "managers_women": 5}
    )
    services.indicator_import_confirm(actor=coordinator, batch=_preview(coordinator, toyooka, _wdb()))
    year = IndicatorYear.objects.get(organisation=companies[1], fiscal_year=2024)
    assert year.raw["managers"] == 20 and year.raw["women_manager_ratio"] == 8.0
    assert year.women_manager_ratio == 25.0  # the counts win over the published ratio
    # A later release where the cells say "-": nothing recorded is erased.
    quiet = _examples()
    quiet[1].cells = {}
    services.indicator_import_confirm(actor=coordinator, batch=_preview(coordinator, toyooka, _wdb(first=quiet)))
    year.refresh_from_db()
    assert year.avg_monthly_overtime == 20.1 and set(year.certifications) == {"eruboshi_platinum", "kurumin_try"}


def test_fewer_than_half_of_the_known_columns_is_refused_with_the_list(
    coordinator: User, toyooka: Member, companies: list[Organisation]
) -> None:
    kept = {"企業名", "法人番号", "業種", wdb.OVERTIME, wdb.PAID_LEAVE, wdb.MANAGER_SHARE, wdb.PAY_GAP_ALL, wdb.KURUMIN}
    data = _wdb(keep=lambda name: name in kept or name.startswith("5."))
    before = (_state(), IndicatorImport.objects.count())
    with pytest.raises(imports.ImportRefused) as refused:
        _preview(coordinator, toyooka, data)
    message = refused.value.messages[0]
    assert "半分以上見つからない" in message and "39列のうち7列" in message
    assert "「1.採用した労働者に占める女性労働者の割合-女性(%)」" in message
    assert "「企業認定等-えるぼし、または、えるぼしプラス認定」" in message
    assert "「10.管理職に占める女性労働者の割合-割合(%)」" not in message
    assert (_state(), IndicatorImport.objects.count()) == before


def test_half_the_columns_imports_and_names_the_missing_ones(
    coordinator: User, toyooka: Member, companies: list[Organisation]
) -> None:
    data = _wdb(keep=lambda name: not name.startswith(("1.", "2.", "3.", "4.", "企業認定等-", "9.")))
    batch = _preview(coordinator, toyooka, data)
    assert len(batch.summary["missing_columns"]) == 19  # 20 of 39 found
    assert "「9.係長級にある者に占める女性労働者の割合-割合(%)」" in batch.summary["notes"][0]
    assert _row(batch, companies[0])["raw"]["women_manager_ratio"] == 12.5


def test_matched_companies_with_nothing_to_import_are_explained(
    coordinator: User, toyooka: Member, companies: list[Organisation]
) -> None:
    silent = [wdb.Company(n, f"株式会社{i}") for i, n in enumerate(NUMBERS[:3])]
    silent[0].categories[wdb.CHILDCARE] = [("正社員", {"男性(%)": "30.0"}), ("契約社員", {"男性(%)": "0.0"})]
    batch = _preview(coordinator, toyooka, _wdb(first=silent))
    assert batch.summary["matched"] == 3 and batch.summary["changed"] == 0
    note = next(n for n in batch.summary["notes"] if "取り込める値がありません" in n)
    assert "照合できた3件" in note and "雇用管理区分ごとの値だけの項目 1" in note
    assert services.indicator_import_confirm(actor=coordinator, batch=batch) == 0
    assert not IndicatorYear.objects.exists()


def test_no_matching_company_is_said(coordinator: User, toyooka: Member, companies: list[Organisation]) -> None:
    batch = _preview(coordinator, toyooka, _wdb(first=[]))
    assert batch.summary["matched"] == 0 and batch.rows == []
    assert any("一致する行はありません" in n for n in batch.summary["notes"])


def test_spreadsheet_saved_csv_with_exponent_corporate_numbers_is_refused(
    coordinator: User, toyooka: Member, companies: list[Organisation]
) -> None:
    data = wdb.excel_csv(wdb.national(5, first=_examples()))
    assert b"E+12" in data and not data.startswith(b"\xef\xbb\xbf")
    before = (_state(), IndicatorImport.objects.count())
    with pytest.raises(imports.ImportRefused) as refused:
        _preview(coordinator, toyooka, data, name="99_20251030_utf8_bom.csv")
    message = refused.value.messages[0]
    assert message.startswith("2行目 B列（法人番号）：") and "E+12" in message and "桁が失われ" in message
    assert (_state(), IndicatorImport.objects.count()) == before


def test_spreadsheet_saved_xlsx_imports_the_same_values(
    coordinator: User, toyooka: Member, companies: list[Organisation]
) -> None:
    from_csv = _preview(coordinator, toyooka, _wdb(8))
    from_xlsx = _preview(
        coordinator, toyooka, wdb.excel_xlsx(wdb.national(8, first=_examples())), name="99_20251030.xlsx"
    )
    assert from_xlsx.encoding == "xlsx"
    for a, b in zip(from_csv.rows, from_xlsx.rows, strict=True):
        assert (a["organisation_id"], a["raw"], a["certifications"], a["arrangements"]) == (
            b["organisation_id"],
            b["raw"],
            b["certifications"],
            b["arrangements"],
        )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp932"])
def test_encodings(encoding: str, coordinator: User, toyooka: Member, companies: list[Organisation]) -> None:
    batch = _preview(coordinator, toyooka, _wdb(encoding=encoding))
    assert batch.summary["matched"] == 3 and _row(batch, companies[0])["raw"]["pay_gap_all"] == 72.5
    assert batch.encoding == ("cp932" if encoding == "cp932" else "utf-8")


def test_zip_as_published_and_multiline_cells(
    coordinator: User, toyooka: Member, companies: list[Organisation]
) -> None:
    data = _wdb()
    assert "\n・".encode() in data  # line breaks inside quoted cells
    batch = _preview(coordinator, toyooka, wdb.zipped(data), name="99_20251030_utf8_bom.zip")
    assert batch.summary["matched"] == 3
    assert any("ZIP の中の「99_20251030_utf8_bom.csv」" in n for n in batch.summary["notes"])


def test_notes_and_blank_rows_at_the_end_are_skipped_with_a_note(
    coordinator: User, toyooka: Member, companies: list[Organisation]
) -> None:
    padding = "," * (len(wdb.HEADER) - 1)
    data = _wdb() + f"※この表は集計中の値を含みます。{padding}\r\n{padding}\r\n".encode()
    batch = _preview(coordinator, toyooka, data)
    assert batch.summary["matched"] == 3 and batch.summary["rows_read"] == 12
    assert any("注記の行" in n and "14行目" in n for n in batch.summary["notes"])


def test_older_layout_headers_still_map(coordinator: User, toyooka: Member, companies: list[Organisation]) -> None:
    older = {
        wdb.MANAGER_SHARE: "管理職に占める女性労働者の割合（％）",
        wdb.OVERTIME: "平均残業時間",
        wdb.PAY_GAP_ALL: "賃金差異（全労働者）",
        wdb.ERUBOSHI: "えるぼし認定",
        "企業名": "企業名称",
    }
    header = [older.get(h, h) for h in wdb.HEADER]
    batch = _preview(coordinator, toyooka, _wdb(header=header))
    raw = _row(batch, companies[0])["raw"]
    assert raw["women_manager_ratio"] == 12.5 and raw["avg_monthly_overtime"] == 12.3 and raw["pay_gap_all"] == 72.5
    assert _row(batch, companies[0])["certifications"]["eruboshi"]["level"] == "eruboshi-2"


def test_bad_cells_are_named_and_skipped(coordinator: User, toyooka: Member, companies: list[Organisation]) -> None:
    examples = _examples()
    examples[0].cells.update({wdb.MANAGER_SHARE: "120", wdb.MANAGER_WOMEN: "-", wdb.MANAGER_TOTAL: "-"})
    examples[1].cells.update({wdb.OVERTIME: "約20時間", wdb.PAID_LEAVE: "８５．５％", wdb.PAY_GAP_ALL: "…"})
    examples[1].cells["フレックスタイム制度"] = "たぶん"
    batch = _preview(coordinator, toyooka, _wdb(first=examples))
    problems = _problems(batch)
    assert any(p[:2] == (2, wdb.MANAGER_SHARE) and "0〜100%" in p[2] and "取り込みません" in p[2] for p in problems)
    assert any(p[:2] == (3, wdb.OVERTIME) and "約20時間" in p[2] for p in problems)
    assert any(p[:2] == (3, "フレックスタイム制度") and "たぶん" in p[2] for p in problems)
    assert batch.summary["blocking"] is False
    assert "women_manager_ratio" not in _row(batch, companies[0])["raw"]
    raw = _row(batch, companies[1])["raw"]
    assert "avg_monthly_overtime" not in raw and "pay_gap_all" not in raw  # "…" is undisclosed, never zero
    assert raw["paid_leave_rate"] == 85.5  # full-width digits read
    services.indicator_import_confirm(actor=coordinator, batch=batch)
    assert IndicatorYear.objects.get(organisation=companies[0]).women_manager_ratio is None


def test_missing_corporate_number_column_is_refused(coordinator: User, toyooka: Member) -> None:
    before = (_state(), IndicatorImport.objects.count())
    with pytest.raises(imports.ImportRefused, match="法人番号"):
        _preview(coordinator, toyooka, _wdb(keep=lambda name: name != "法人番号"))
    assert (_state(), IndicatorImport.objects.count()) == before


def test_file_cut_mid_row_is_refused(coordinator: User, toyooka: Member, companies: list[Organisation]) -> None:
    data = _wdb()
    header_end = data.index(b"\r\n") + 2
    before = (_state(), IndicatorImport.objects.count())
    for cut in (len(data) - 40, (header_end + len(data)) // 2, header_end, header_end - 500):
        with pytest.raises(imports.ImportRefused, match="途中で切れて"):
            _preview(coordinator, toyooka, data[:cut])
    assert (_state(), IndicatorImport.objects.count()) == before


def test_zip_bomb_and_broken_zip_are_refused(coordinator: User, toyooka: Member) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.csv", b"0" * (20 * 1024 * 1024))  # compresses over 1000:1
    with pytest.raises(imports.ImportRefused, match="大きすぎる"):
        _preview(coordinator, toyooka, buffer.getvalue(), name="bomb.zip")
    with pytest.raises(imports.ImportRefused, match=r"cut\.zip"):
        _preview(coordinator, toyooka, buffer.getvalue()[:200], name="cut.zip")
    two = io.BytesIO()
    with zipfile.ZipFile(two, "w") as archive:
        archive.writestr("a.csv", "a")
        archive.writestr("b.csv", "b")
    with pytest.raises(imports.ImportRefused, match="2個"):
        _preview(coordinator, toyooka, two.getvalue(), name="two.zip")


def test_other_encodings_are_refused(coordinator: User, toyooka: Member) -> None:
    with pytest.raises(imports.ImportRefused, match="文字コード"):
        _preview(coordinator, toyooka, "法人番号,企業名\n".encode() + b"\x85\x40\n", name="a.csv")
    with pytest.raises(imports.ImportRefused, match="UTF-16"):  # refused by name at the upload check
        _preview(coordinator, toyooka, "法人番号,企業名\n".encode("utf-16"), name="a.csv")


def test_coordinator_cannot_import_for_another_programme(coordinator: User, kesennuma: Member) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _preview(coordinator, kesennuma, _wdb())


# --- reading certification cells and 雇用管理区分 blocks ------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "text", "level", "since"),
    [
        ("eruboshi", "3段階目", "eruboshi-3", None),
        ("eruboshi", "えるぼし（２段階目）2021年3月1日", "eruboshi-2", "2021-03-01"),
        ("eruboshi", "★★", "eruboshi-2", None),
        ("eruboshi", "認定（2020年4月1日、2024年2月1日）", None, "2024-02-01"),
        ("kurumin", "2015年、2019年", None, "2019"),
        ("kurumin", "令和4年10月1日", None, "2022-10-01"),
        ("kurumin", "平成29年", None, "2017"),
        ("kurumin_platinum", "認定", None, None),
        ("eruboshi", "2025/10/30", None, "2025-10-30"),  # a spreadsheet's date
    ],
)
def test_certification_cells(target: str, text: str, level: str | None, since: str | None) -> None:
    assert opendata.read_certification(target, text) == {"level": level, "since": since, "text": text}


@pytest.mark.parametrize("text", ["", "-", "－", " - ", "なし", "未取得", "×"])
def test_certification_cells_that_say_nothing(text: str) -> None:
    assert opendata.read_certification("kurumin", text) is None


def test_plus_marks_its_base_held() -> None:
    held = opendata.certifications_from(
        {"kurumin": "-", "kurumin_plus": "2024年1月1日", "eruboshi": "えるぼしプラス（1段階目）"}
    )
    assert held["kurumin"] == {"level": None, "since": None, "text": "", "plus": True, "plus_since": "2024-01-01"}
    assert held["eruboshi"]["plus"] is True and held["eruboshi"]["level"] == "eruboshi-1"


@pytest.mark.parametrize(
    ("names", "values", "block"),
    [
        (["全労働者", "-", "-"], [["30"], ["-"], ["-"]], 0),
        (["正社員", "全従業員（パート含む）"], [["30"], ["40"]], 1),
        (["-", "-"], [["30"], ["-"]], 0),  # one block, no name: no split
        (["正社員", "-"], [["30"], ["-"]], None),  # a part of the workforce
        (["正社員", "パート"], [["30"], ["40"]], None),
        (["-", "-"], [["-"], ["-"]], None),
    ],
)
def test_category_choice(names: list[str], values: list[list[str]], block: int | None) -> None:
    assert opendata.choose_category(names, values).block == block


# --- the platform's template ------------------------------------------------------------------------------------


def _template(rows: list[list[str]], header: list[str] | None = None, encoding: str = "utf-8-sig") -> bytes:
    header = header or [
        "法人番号",
        "企業・団体名",
        "年度",
        "管理職の数（人）",
        "管理職のうち女性の数（人）",
        "テレワーク（在宅勤務等）（あり/なし）",
    ]
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def test_template_by_number_or_name_preview_then_confirm(
    coordinator: User, toyooka: Member, companies: list[Organisation]
) -> None:
    data = _template(
        [[NUMBERS[0], "", "2024", "10", "２", "あり"], ["", "番号のない組合", "2023年度", "4", "1", "なし"]]
    )
    before = _state()
    batch = _preview(coordinator, toyooka, data, kind="template", name="様式.csv")
    assert _state() == before
    assert batch.summary["problems"] == [] and batch.summary["matched"] == 2
    services.indicator_import_confirm(actor=coordinator, batch=batch)
    first = IndicatorYear.objects.get(organisation=companies[0], fiscal_year=2024)
    assert first.women_manager_ratio == 20.0 and first.flex_telework is True and first.source == "template"
    assert IndicatorYear.objects.get(organisation=companies[3], fiscal_year=2023).women_manager_ratio == 25.0


def test_template_bad_rows_block_and_name_each_cell(
    coordinator: User, toyooka: Member, companies: list[Organisation]
) -> None:
    data = _template(
        [
            [NUMBERS[0], "", "2024", "10", "12", "あり"],  # women managers exceed managers
            [NUMBERS[1], "", "2024", "十", "1", "あり"],  # text in a number cell
            ["1234567890123", "", "2024", "1", "0", ""],  # wrong check digit
            [wdb.corporate_number(9), "", "2024", "1", "0", ""],  # unknown 法人番号
            ["", "知らない会社", "2024", "1", "0", ""],
            [NUMBERS[2], "", "2024", "5", "1", "たぶん"],
            [NUMBERS[2], "", "1999", "5", "1", ""],
        ]
    )
    before = _state()
    batch = _preview(coordinator, toyooka, data, kind="template")
    problems = _problems(batch)
    assert batch.summary["blocking"] is True
    assert (2, "管理職のうち女性の数（人）") in [p[:2] for p in problems]
    assert any(p[:2] == (3, "管理職の数（人）") and "「十」" in p[2] for p in problems)
    assert any(p[:2] == (4, "法人番号") and "検査数字" in p[2] for p in problems)
    assert any(p[:2] == (5, "法人番号") and "見つかりません" in p[2] for p in problems)
    assert any(p[:2] == (6, "企業・団体名") and "知らない会社" in p[2] for p in problems)
    assert any(p[:2] == (7, "テレワーク（在宅勤務等）（あり/なし）") for p in problems)
    assert any(p[:2] == (8, "年度") for p in problems)
    with pytest.raises(services.ImportNotConfirmable):
        services.indicator_import_confirm(actor=coordinator, batch=batch)
    assert _state() == before


def test_template_xlsx_roundtrip(coordinator: User, toyooka: Member, companies: list[Organisation]) -> None:
    from shokuba.core.exports import xlsx_bytes

    header = imports.template_header()
    row = [""] * len(header)
    row[0], row[2] = NUMBERS[1], 2025
    row[header.index("配偶者が出産した男性労働者の数（人）")] = 10
    row[header.index("育児休業等をした男性労働者の数（人）")] = 3
    row[header.index("育児目的休暇を利用した男性労働者の数（育児休業等をした者を除く）（人）")] = 2
    row[header.index("男性の育児休業等取得率の算定式")] = "育児休業等＋育児目的休暇"
    data = xlsx_bytes(header, [row])
    batch = _preview(coordinator, toyooka, data, kind="template", name="様式.xlsx")
    assert batch.summary["problems"] == [], batch.summary["problems"]
    services.indicator_import_confirm(actor=coordinator, batch=batch)
    year = IndicatorYear.objects.get(organisation=companies[1], fiscal_year=2025)
    assert year.male_childcare_leave_formula == "leave_and_purpose"
    assert year.male_childcare_leave_rate == 50.0 and year.male_childcare_leave_rate_leave == 30.0


def _xlsx(rows: list[list[Any]], *, formula_at: tuple[int, int] | None = None, merge: str = "") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if formula_at is not None:
        sheet.cell(row=formula_at[0], column=formula_at[1], value="=10*2")
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_template_formula_and_merged_cells_are_refused_by_cell_like_the_survey_import(
    coordinator: User, toyooka: Member, companies: list[Organisation]
) -> None:
    header = ["法人番号", "企業・団体名", "年度", "管理職の数（人）", "管理職のうち女性の数（人）"]
    rows: list[list[Any]] = [header, [NUMBERS[0], "", 2024, 10, 2], [NUMBERS[1], "", 2024, 8, 1]]
    before = (_state(), IndicatorImport.objects.count())
    with pytest.raises(imports.ImportRefused) as refused:
        _preview(coordinator, toyooka, _xlsx(rows, formula_at=(3, 4)), kind="template", name="様式.xlsx")
    assert refused.value.messages == [
        "シート「Sheet」 3行目 D列："
        "数式が入っています。数式ではなく値を入力してください（コピーして「値の貼り付け」）。"
    ]
    with pytest.raises(imports.ImportRefused) as merged:
        _preview(coordinator, toyooka, _xlsx(rows, merge="D2:E2"), kind="template", name="様式.xlsx")
    assert "セル D2:E2 が結合されています" in merged.value.messages[0]
    # A title merged across the top, above the header, is fine (the header is found by its content).
    titled = _xlsx([["職場の指標（2024年度）"], *rows], merge="A1:E1")
    batch = _preview(coordinator, toyooka, titled, kind="template", name="様式.xlsx")
    assert batch.summary["problems"] == [] and batch.summary["matched"] == 2
    assert (_state(), IndicatorImport.objects.count() - 1) == before


def test_open_data_xlsx_with_a_formula_is_refused_too(
    coordinator: User, toyooka: Member, companies: list[Organisation]
) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(wdb.excel_xlsx(wdb.national(4, first=_examples()))))
    sheet = workbook.active
    assert sheet is not None
    sheet.cell(row=2, column=wdb.HEADER.index(wdb.OVERTIME) + 1, value="=12+0.3")
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(imports.ImportRefused, match=r"^シート「99_20251030_utf8_bom」 2行目 DY列：数式が入っています"):
        _preview(coordinator, toyooka, buffer.getvalue(), name="99_20251030.xlsx")


def test_discard(coordinator: User, toyooka: Member, companies: list[Organisation]) -> None:
    batch = _preview(coordinator, toyooka, _wdb())
    services.indicator_import_discard(actor=coordinator, batch=batch)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DISCARDED and batch.rows == []
    with pytest.raises(services.ImportNotConfirmable):
        services.indicator_import_confirm(actor=coordinator, batch=batch)
    assert IndicatorYear.objects.count() == 0


def test_the_import_page_refuses_a_file_over_the_limit_without_reading_it_whole(
    coordinator: User, toyooka: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", 1024 * 1024)
    client = Client()
    client.force_login(coordinator)
    before = IndicatorImport.objects.count()
    big = SimpleUploadedFile("open.csv", b"a,b\r\n" * (600 * 1024))  # 3 MB
    response = client.post(
        reverse("workplace:import_start", args=[toyooka.pk]), {"kind": "wdb", "fiscal_year": 2024, "file": big}
    )
    assert response.status_code == 400
    assert "大きすぎます（2.9 MB）" in response.content.decode()  # the upload's own size, though only 1 MB was read
    assert IndicatorImport.objects.count() == before
