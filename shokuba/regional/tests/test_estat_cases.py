"""Issue 12, cases 1–5: files and API responses in the real layouts of DOMAIN.md §8 (built in estat_cases.py, not
downloaded), each imported correctly or refused with a message naming the real cause."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from conftest import make_user
from shokuba.core.permissions import SYSTEM
from shokuba.network.models import Member, Role
from shokuba.regional.estat.errors import StatisticsImportError
from shokuba.regional.models import AgeSexFigures, StatisticsImport
from shokuba.regional.services import statistics_import_api, statistics_import_file
from shokuba.regional.tests import estat_cases as cases
from shokuba.regional.tests.estat_cases import YEAR, area_ages

pytestmark = pytest.mark.django_db


def stored(code6: str, sex: str, table: str = "11-3") -> AgeSexFigures:
    return AgeSexFigures.objects.get(table=table, year=YEAR, area_code=code6, sex=sex)


def code6(code5: str) -> str:
    from shokuba.network.models import LocalGovernment

    return LocalGovernment.objects.get(code__startswith=code5).code


def state() -> tuple[int, int]:
    return AgeSexFigures.objects.count(), StatisticsImport.objects.count()


def refused(actor: Any, data: bytes, file_name: str, **kwargs: Any) -> str:
    before = state()
    with pytest.raises(StatisticsImportError) as caught:
        statistics_import_file(actor=actor, data=data, file_name=file_name, year=YEAR, **kwargs)
    assert state() == before, "a refused import leaves the database as it was"
    return "\n".join(caught.value.messages)


class Pages:
    """Answers getStatsData calls with the built pages, in order."""

    def __init__(self, pages: list[dict[str, Any]]) -> None:
        self.pages = list(pages)
        self.calls: list[dict[str, str]] = []

    def __call__(self, url: str, params: Any) -> dict[str, Any]:
        self.calls.append(dict(params))
        return self.pages.pop(0)


# --- case 1: the database download and the API, with the real labels and codes --------------------------------


def test_case1_the_database_download_imports_three_tables_from_one_file(secretariat: Any) -> None:
    records = statistics_import_file(actor=secretariat, data=cases.db_csv_national(), file_name="estat.csv", year=YEAR)
    assert [r.table for r in records] == ["11-1", "11-2", "11-3"]
    areas = 1 + 1 + 2 + 1 + 30  # 全国, 兵庫県, 洲本市, 豊岡市, 和歌山県 and its 30 municipalities
    assert all(r.area_count == areas and r.movers == "all" and not r.complete for r in records)
    for table in ("11-1", "11-2", "11-3"):
        for sex in ("T", "M", "F"):
            toyooka = stored("282090", sex, table)
            assert toyooka.ages == area_ages(table, "28209", sex)  # 移動者, read from its sex block
            assert toyooka.total == sum(toyooka.ages)  # 移動前の住所地不詳 is outside 総数 and not stored
            assert stored("300004", sex, table).ages == area_ages(table, "30000", sex)
    net = records[2]
    assert any("0歳～14歳・15歳～64歳・65歳以上" in note for note in net.notes)
    assert any("移動前の住所地不詳" in note for note in net.notes)
    assert any("郡の行" in note and "30300" in note for note in net.notes)
    assert any("市部・郡部" in note for note in net.notes)
    assert any("日本人移動者・外国人移動者の行は使いませんでした" in note for note in net.notes)


def test_case1_the_api_with_real_codes_and_both_tilde_forms(secretariat: Any) -> None:
    pages = cases.api_national()
    ages = pages[0]["GET_STATS_DATA"]["STATISTICAL_DATA"]["CLASS_INF"]["CLASS_OBJ"][1]["CLASS"]
    names = {a["@code"]: a["@name"] for a in ages}
    assert names["205"] == "20〜24歳" and names["202"] == "5歳～9歳"  # wave dash and full-width tilde
    fetch = Pages(pages)
    records = statistics_import_api(actor=SYSTEM, stats_data_id=cases.API_STATS_DATA_ID, year=YEAR, fetch=fetch)
    assert len(fetch.calls) == 2 and fetch.calls[1]["startPosition"] == str(
        pages[0]["GET_STATS_DATA"]["STATISTICAL_DATA"]["RESULT_INF"]["NEXT_KEY"]
    )
    assert [r.table for r in records] == ["11-1", "11-2", "11-3"]
    assert all(r.movers == "all" and r.source == "api" for r in records)
    for table in ("11-1", "11-3"):
        assert stored("282090", "F", table).ages == area_ages(table, "28209", "F")
        assert stored("300004", "T", table).total == sum(area_ages(table, "30000", "T"))
    assert not AgeSexFigures.objects.filter(area_code__startswith="30300").exists()


def test_case1_the_api_narrowed_to_one_table(secretariat: Any) -> None:
    [record] = statistics_import_api(
        actor=SYSTEM, stats_data_id=cases.API_STATS_DATA_ID, table="11-2", year=YEAR, fetch=Pages(cases.api_national())
    )
    assert record.table == "11-2" and set(AgeSexFigures.objects.values_list("table", flat=True)) == {"11-2"}


# --- case 2: 郡, 市部 and 郡部 are aggregates, not errors -----------------------------------------------------------


def test_case2_district_rows_are_skipped_with_a_note(secretariat: Any) -> None:
    records = statistics_import_file(
        actor=secretariat, data=cases.db_csv_wakayama(), file_name="wakayama.csv", year=YEAR
    )
    assert len(records) == 3
    expected = {code6(c) for c in cases.wakayama_municipalities()} | {"300004"}
    assert set(AgeSexFigures.objects.values_list("area_code", flat=True)) == expected
    note = next(n for n in records[0].notes if "郡の行" in n)
    assert "6 地域" in note and "30300" in note
    # a town inside a 郡 keeps its own figures; the 郡's sum is nowhere
    assert stored("303046", "F", "11-1").ages == area_ages("11-1", "30304", "F")
    assert stored("303411", "F", "11-1").ages == area_ages("11-1", "30341", "F")  # かつらぎ町, in 伊都郡
    assert stored("303411", "F", "11-1").ages != area_ages("11-1", "30340", "F")  # not 伊都郡's sum


def test_case2_an_unknown_code_that_is_no_aggregate_is_still_an_error(secretariat: Any) -> None:
    data = cases.db_csv_wakayama().replace("紀美野町".encode(), "架空町".encode()).replace(b",30304,", b",30309,")
    message = refused(secretariat, data, "wakayama.csv")
    assert "団体コード「30309」（架空町）は全国地方公共団体コードにありません" in message


# --- case 3: the nationality dimension ------------------------------------------------------------------------


def test_case3_all_movers_are_taken_when_the_file_has_them(secretariat: Any) -> None:
    statistics_import_file(actor=secretariat, data=cases.db_csv_wakayama(), file_name="w.csv", year=YEAR)
    japanese_only = area_ages("11-1", "30201", "T", "日本人")
    assert stored("302015", "T", "11-1").ages == area_ages("11-1", "30201", "T")  # 移動者, not 日本人移動者
    assert stored("302015", "T", "11-1").ages != japanese_only
    assert set(AgeSexFigures.objects.values_list("movers", flat=True)) == {"all"}


def test_case3_japanese_movers_only_are_imported_marked_as_such(secretariat: Any) -> None:
    [record] = statistics_import_file(
        actor=secretariat, data=cases.db_csv_japanese_only(), file_name="in.csv", year=YEAR
    )
    assert record.table == "11-1" and record.movers == "japanese"
    assert record.get_movers_display() == "日本人移動者のみ"
    assert any("日本人移動者のみ" in note for note in record.notes)
    assert set(AgeSexFigures.objects.values_list("movers", flat=True)) == {"japanese"}
    assert stored("302015", "F", "11-1").ages == area_ages("11-1", "30201", "F", "日本人")


def test_case3_the_api_narrowed_to_japanese_movers_is_not_taken_for_all_movers(secretariat: Any) -> None:
    pages = cases.api_japanese_only()
    nationality = pages[0]["GET_STATS_DATA"]["STATISTICAL_DATA"]["CLASS_INF"]["CLASS_OBJ"][3]
    assert nationality["CLASS"] == {"@code": "61000", "@name": "日本人移動者", "@level": "1"}  # one member: an object
    records = statistics_import_api(actor=SYSTEM, stats_data_id=cases.API_STATS_DATA_ID, year=YEAR, fetch=Pages(pages))
    assert {r.movers for r in records} == {"japanese"}
    assert stored("282090", "F", "11-3").ages == area_ages("11-3", "28209", "F", "日本人")
    assert set(AgeSexFigures.objects.values_list("movers", flat=True)) == {"japanese"}


def test_case3_foreign_movers_alone_are_refused_naming_the_cause(secretariat: Any) -> None:
    message = refused(secretariat, cases.db_csv_foreign_only(), "gaikoku.csv")
    assert "「外国人移動者」の行しかありません" in message
    assert "2回あります" not in message  # not the misleading duplicate-row message of before


# --- case 4: totals and notes rows ------------------------------------------------------------------------------


def test_case4_a_totals_row_and_notes_are_skipped_with_a_note(secretariat: Any) -> None:
    [record] = statistics_import_file(
        actor=secretariat, data=cases.db_csv_with_totals_and_notes(), file_name="total.csv", year=YEAR
    )
    assert record.table == "11-3" and record.area_count == 35
    # the notes are the tabular reader's, as in every import
    assert "合計の行を読み飛ばしました（134行目）。" in record.notes
    assert "注記の行（※・注・資料・出典）を読み飛ばしました（135〜136行目）。" in record.notes


def test_case4_the_bureau_layout_with_totals_as_cp932_csv(secretariat: Any) -> None:
    [record] = statistics_import_file(
        actor=secretariat, data=cases.bureau_csv_with_totals(), file_name="b01103s.csv", year=YEAR
    )
    assert record.table == "11-3" and record.area_count == 35
    assert stored("282090", "M").ages == area_ages("11-3", "28209", "M")
    assert any("合計の行" in note for note in record.notes) and any("郡の行" in note for note in record.notes)


def test_case4_a_row_with_figures_but_no_code_and_no_total_label_is_an_error(secretariat: Any) -> None:
    data = cases.db_csv_with_totals_and_notes().replace("合計".encode(), b"")
    message = refused(secretariat, data, "total.csv")
    assert "団体コードが空です" in message and "F列" in message


# --- case 5: a prefecture's own download --------------------------------------------------------------------------


@pytest.fixture
def wakayama_coordinator(db: Any) -> Any:
    return make_user("t-wakayama", Role.COORDINATOR, member=Member.objects.get(pk="300004"))


def test_case5_a_partial_file_replaces_only_its_areas(secretariat: Any) -> None:
    national = statistics_import_file(actor=secretariat, data=cases.db_csv_national(), file_name="n.csv", year=YEAR)
    toyooka_before = stored("282090", "F").ages
    wakayama = statistics_import_file(
        actor=secretariat, data=cases.db_csv_japanese_only(), file_name="w.csv", year=YEAR
    )
    assert [r.table for r in wakayama] == ["11-1"]
    assert wakayama[0].area_count == 31 and "和歌山県" in wakayama[0].scope
    # 和歌山県's 11-1 figures are the new ones (Japanese movers only); 兵庫県's are the national file's
    assert stored("302015", "T", "11-1").movers == "japanese"
    assert stored("282090", "T", "11-1").movers == "all"
    assert stored("282090", "F").ages == toyooka_before
    for record in national:
        record.refresh_from_db()
        assert record.replaced_at is None  # still in use for 兵庫県 and the nation
    from shokuba.regional.selectors import import_history

    states = {(row.record.source_name, row.record.table): row.state for row in import_history()}
    assert states[("n.csv", "11-1")] == "partly" and states[("n.csv", "11-3")] == "in_use"


def test_case5_a_prefectures_coordinator_imports_their_own_download(wakayama_coordinator: Any) -> None:
    records = statistics_import_file(
        actor=wakayama_coordinator, data=cases.db_csv_wakayama(), file_name="w.csv", year=YEAR
    )
    assert all(r.imported_as == "member" and r.member_id == "300004" and r.area_count == 31 for r in records)
    assert {r.area_code[:2] for r in AgeSexFigures.objects.all()} == {"30"}


def test_case5_a_coordinator_never_replaces_the_secretariats_figures(
    secretariat: Any, wakayama_coordinator: Any
) -> None:
    statistics_import_file(actor=secretariat, data=cases.db_csv_national(), file_name="n.csv", year=YEAR)
    message = refused(wakayama_coordinator, cases.db_csv_japanese_only(), "w.csv")
    assert "事務局が取り込んだもの" in message
    assert stored("302015", "T", "11-1").movers == "all"


def test_case5_a_coordinators_file_with_other_areas_imports_only_their_own(coordinator: Any) -> None:
    records = statistics_import_file(actor=coordinator, data=cases.db_csv_national(), file_name="n.csv", year=YEAR)
    assert all(r.area_count == 1 for r in records)
    assert set(AgeSexFigures.objects.values_list("area_code", flat=True)) == {"282090"}


# --- the table from the content; the older CSV; the command line ---------------------------------------------------


def test_the_older_estat_csv_imports_every_table(secretariat: Any) -> None:
    records = statistics_import_file(actor=secretariat, data=cases.old_style_csv(), file_name="old.csv", year=YEAR)
    assert [r.table for r in records] == ["11-1", "11-2", "11-3"]
    assert stored("282090", "F", "11-2").ages == area_ages("11-2", "28209", "F")
    assert stored("300004", "T", "11-1").total == sum(area_ages("11-1", "30000", "T"))


def test_a_file_that_does_not_say_which_table_needs_one(secretariat: Any) -> None:
    message = refused(secretariat, cases.db_csv_without_table(), "x.csv")
    assert "どの統計表" in message and "--table" in message
    [record] = statistics_import_file(
        actor=secretariat, data=cases.db_csv_without_table(), file_name="x.csv", table="11-3", year=YEAR
    )
    assert record.table == "11-3"


def test_a_file_of_another_year_or_table_is_refused(secretariat: Any) -> None:
    message = refused(secretariat, cases.db_csv_wakayama(table="11-1"), "w.csv", table="11-3")
    assert "「表11-1 転入者数」の表です" in message and "2行目" not in message
    before = state()
    with pytest.raises(StatisticsImportError) as caught:
        statistics_import_file(actor=secretariat, data=cases.db_csv_wakayama(), file_name="w.csv", year=2023)
    assert "2023年の行がありません" in str(caught.value) and state() == before


def test_import_estat_recognises_the_table_from_the_file(tmp_path: Any) -> None:
    path = tmp_path / "estat.csv"
    path.write_bytes(cases.db_csv_national())
    out = io.StringIO()
    call_command("import_estat", str(path), "--year", str(YEAR), stdout=out)
    text = out.getvalue()
    assert "表11-1" in text and "表11-2" in text and "表11-3" in text and "35 areas" in text
    ambiguous = tmp_path / "x.csv"
    ambiguous.write_bytes(cases.db_csv_without_table())
    with pytest.raises(CommandError, match="--table"):
        call_command("import_estat", str(ambiguous), "--year", str(YEAR), stdout=io.StringIO())
    call_command("import_estat", str(ambiguous), "--year", str(YEAR), "--table", "11-3", stdout=io.StringIO())


def test_every_case_is_described_and_builds(tmp_path: Any) -> None:
    """The fixture script writes every case with its README (built, not downloaded)."""
    from shokuba.regional.tests.fixtures import make_estat_fixtures

    make_estat_fixtures.write_cases(tmp_path)
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "built, not downloaded" in readme
    kept = make_estat_fixtures.HERE / "estat" / "README.md"
    assert kept.read_text(encoding="utf-8") == readme, "the kept README is the one the script writes: run it again"
    for case in cases.CASES:
        assert (tmp_path / case.file_name).stat().st_size > 0 and case.file_name in readme
    assert (tmp_path / cases.CASES[0].file_name).read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
