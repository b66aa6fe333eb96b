"""Importing e-Stat downloads in their real layouts, and every kind of bad file refused with its place named."""

from __future__ import annotations

from typing import Any

import pytest

from shokuba.core.models import AuditEntry
from shokuba.regional.estat.errors import StatisticsImportError
from shokuba.regional.estat.grid import ENCRYPTED_PACKAGE_MARKER, OLE2_MAGIC
from shokuba.regional.estat.layouts import grid_xlsx_bytes, migration_grid, prefecture_flows_grid
from shokuba.regional.models import AgeSexFigures, PrefectureFlow, StatisticsImport
from shokuba.regional.selectors import tokyo_outflows
from shokuba.regional.services import statistics_import_file
from shokuba.regional.tests.samples import (
    STORED_AREAS,
    TOYOOKA_MEN_NET,
    TOYOOKA_WOMEN_NET,
    migration_csv,
    migration_xlsx,
    openpyxl_xlsx,
    population_csv,
    small_rows,
)

pytestmark = pytest.mark.django_db


def state() -> tuple[int, int, int]:
    return AgeSexFigures.objects.count(), StatisticsImport.objects.count(), PrefectureFlow.objects.count()


def refused(
    actor: Any, data: bytes, *, file_name: str = "b01103s.xlsx", table: str = "11-3", year: int = 2024, **kw: Any
) -> str:
    before = state()
    with pytest.raises(StatisticsImportError) as caught:
        statistics_import_file(actor=actor, data=data, file_name=file_name, table=table, year=year, **kw)
    assert state() == before, "a refused import must leave the database as it was"
    return "\n".join(caught.value.messages)


def figures(code: str, sex: str, table: str = "11-3", year: int = 2024) -> AgeSexFigures:
    return AgeSexFigures.objects.get(table=table, year=year, area_code=code, sex=sex)


def test_xlsx_with_merged_headers_imports_every_area(secretariat: Any) -> None:
    [record] = statistics_import_file(
        actor=secretariat, data=migration_xlsx(), file_name="b01103s.xlsx", table="11-3", year=2024
    )
    assert record.area_count == STORED_AREAS
    assert record.row_count == STORED_AREAS * 3
    assert record.source_sha256 and record.imported_by == secretariat and not record.synthetic
    toyooka = figures("282090", "F")
    assert toyooka.ages == TOYOOKA_WOMEN_NET
    assert toyooka.total == sum(TOYOOKA_WOMEN_NET)
    assert figures("282090", "M").ages == TOYOOKA_MEN_NET
    # "1100" (leading zero lost) is 札幌市 (011002); its ward and 特別区部 were skipped and said so
    assert figures("011002", "T").ages[3] == 3 * (-40 - 36)
    assert not AgeSexFigures.objects.filter(area_code__startswith="01101").exists()
    assert figures("000000", "T").ages == (0,) * 19  # "-" is zero
    assert any("特別区部" in note for note in record.notes)
    assert any("政令指定都市の区" in note for note in record.notes)
    entry = AuditEntry.objects.get(target_type="regional.statisticsimport", target_id=str(record.pk))
    assert entry.actor == secretariat and entry.action == "create"


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig", "utf-8"])
def test_csv_in_cp932_and_utf8_reads_like_the_workbook(secretariat: Any, encoding: str) -> None:
    data = migration_csv(encoding=encoding)
    if encoding == "cp932":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    [record] = statistics_import_file(actor=secretariat, data=data, file_name="b01103s.csv", table="11-3", year=2024)
    assert record.area_count == STORED_AREAS
    assert figures("282090", "F").ages == TOYOOKA_WOMEN_NET


def test_the_synthetic_layout_writer_reads_back(secretariat: Any) -> None:
    data = grid_xlsx_bytes(migration_grid("11-3", 2024, small_rows(), synthetic=True), sheet_title="表11-3")
    [record] = statistics_import_file(actor=secretariat, data=data, file_name="合成.xlsx", table="11-3", year=None)
    assert record.synthetic and record.year == 2024  # year read from the title


def test_reimporting_a_year_replaces_it_atomically(secretariat: Any) -> None:
    [first] = statistics_import_file(
        actor=secretariat, data=migration_xlsx(), file_name="a.xlsx", table="11-3", year=2024
    )
    [second] = statistics_import_file(
        actor=secretariat, data=migration_xlsx(shift=1), file_name="b.xlsx", table="11-3", year=2024
    )
    first.refresh_from_db()
    assert first.replaced_at is not None and second.replaced_at is None
    assert AgeSexFigures.objects.filter(table="11-3", year=2024).count() == STORED_AREAS * 3
    assert figures("282090", "F").ages == tuple(v + 1 for v in TOYOOKA_WOMEN_NET)
    assert AuditEntry.objects.filter(target_type="regional.statisticsimport", action="update").count() == 1
    # the same file again changes nothing but the record of it
    statistics_import_file(actor=secretariat, data=migration_xlsx(shift=1), file_name="b.xlsx", table="11-3", year=2024)
    assert figures("282090", "F").ages == tuple(v + 1 for v in TOYOOKA_WOMEN_NET)


def test_a_year_already_imported_is_refused_unless_replacing(secretariat: Any) -> None:
    statistics_import_file(actor=secretariat, data=migration_xlsx(), file_name="a.xlsx", table="11-3", year=2024)
    message = refused(secretariat, migration_xlsx(shift=2), replace=False)
    assert "2024年" in message and "取り込み済み" in message


def test_the_wrong_table_is_refused_naming_where_it_says_so(secretariat: Any) -> None:
    message = refused(secretariat, migration_xlsx(table="11-1"))
    assert "表11-1" in message and "表11-3" in message
    assert "シート「表11-3」" in message and "1行目" in message and "A列" in message


def test_a_file_of_another_year_is_refused(secretariat: Any) -> None:
    message = refused(secretariat, migration_xlsx(year=2023))
    assert "2023年" in message and "2024年" in message


def test_net_figures_uploaded_as_in_migrants_are_refused(secretariat: Any) -> None:
    # a 表11-3 whose title and 表章項目 were edited away: the negative numbers give it away
    grid = migration_grid("11-3", 2024, small_rows(), synthetic=False)
    grid[0] = ["年齢（5歳階級），男女別－全国，都道府県，市区町村（2024年）"]
    for row in grid[6:]:
        row[0] = None
    message = refused(secretariat, openpyxl_xlsx(grid), table="11-1")
    assert "負の数" in message and "行目" in message
    # with the 表章項目 column left in, the file says which table it is
    grid = migration_grid("11-3", 2024, small_rows(), synthetic=False)
    grid[0] = ["年齢（5歳階級），男女別－全国，都道府県，市区町村（2024年）"]
    message = refused(secretariat, openpyxl_xlsx(grid), table="11-1")
    assert "「表11-3 転入超過数」の表です" in message and "7行目" in message and "A列" in message


def test_a_truncated_workbook_is_refused(secretariat: Any) -> None:
    data = migration_xlsx()
    message = refused(secretariat, data[: len(data) // 2])
    assert "壊れているか、途中で切れています" in message and "b01103s.xlsx" in message


def test_a_password_protected_workbook_is_refused(secretariat: Any) -> None:
    encrypted = OLE2_MAGIC + bytes(504) + ENCRYPTED_PACKAGE_MARKER + bytes(1000)
    assert "パスワード" in refused(secretariat, encrypted)
    assert ".xls" in refused(secretariat, OLE2_MAGIC + bytes(2000), file_name="b01103s.xls")


def test_unknown_area_codes_are_named_with_row_and_column(secretariat: Any) -> None:
    rows = small_rows(areas=[("28209", "豊岡市", "市区町村"), ("99999", "架空市", "市区町村")])
    message = refused(secretariat, openpyxl_xlsx(migration_grid("11-3", 2024, rows, synthetic=False)))
    assert "団体コード「99999」（架空市）" in message
    assert "16行目" in message and "F列" in message  # the first 移動者 row of 架空市, code column F


def test_unreadable_numbers_are_named_with_row_and_column(secretariat: Any) -> None:
    grid = migration_grid("11-3", 2024, small_rows(), synthetic=False)
    grid[6 + 3][10] = "abc"  # the 4th data row (row 10), column K
    message = refused(secretariat, migration_csv_from(grid), file_name="b01103s.csv")
    assert "「abc」" in message and "10行目" in message and "K列" in message
    assert "シート" not in message  # a CSV has none


def migration_csv_from(grid: list[list[Any]]) -> bytes:
    from shokuba.regional.estat.layouts import grid_csv_bytes

    return grid_csv_bytes(grid)


def test_an_area_missing_a_sex_is_refused(secretariat: Any) -> None:
    rows = [r for r in small_rows() if not (r.code5 == "28209" and r.sex == "F")]
    message = refused(secretariat, openpyxl_xlsx(migration_grid("11-3", 2024, rows, synthetic=False)))
    assert "28209" in message and "女" in message


def test_undecodable_and_empty_files_are_refused(secretariat: Any) -> None:
    assert "文字コード" in refused(secretariat, "表11-3,年\r\n".encode() + b"\x81\x20\xff\xfe", file_name="x.csv")
    assert "空" in refused(secretariat, b"", file_name="x.csv")
    assert "Excel ファイルではありません" in refused(secretariat, b"not a workbook", file_name="x.xlsx")
    assert "年齢（5歳階級）の見出し" in refused(secretariat, "a,b\r\n1,2\r\n".encode("cp932"), file_name="x.csv")


def test_population_with_six_digit_codes_folds_the_oldest_groups(secretariat: Any) -> None:
    [record] = statistics_import_file(
        actor=secretariat, data=population_csv(), file_name="人口.csv", table="population", year=2024
    )
    assert record.area_count == 7
    toyooka = figures("282090", "F", table="population")
    assert toyooka.ages[:18] == (1000,) * 18 and toyooka.age_90 == 600
    assert toyooka.total == 18 * 1000 + 600


def test_prefecture_flows_give_the_tokyo_area_outflow(secretariat: Any) -> None:
    movers = {}
    for o in range(1, 48):
        for d in range(1, 48):
            if o != d:
                for sex, n in (("M", 10), ("F", 12)):
                    movers[(f"{o:02d}", f"{d:02d}", sex)] = n
    movers[("03", "13", "F")] = 112  # 岩手県 → 東京都: 100 more women
    for key in list(movers):
        if key[2] == "M":
            movers[(key[0], key[1], "T")] = movers[key] + movers[(key[0], key[1], "F")]
    grid, merges = prefecture_flows_grid(2024, movers, synthetic=False)
    [record] = statistics_import_file(
        actor=secretariat,
        data=openpyxl_xlsx(grid, sheet_title="移動者数", merges=tuple(merges)),
        file_name="都道府県間.xlsx",
        table="pref-flows",
        year=2024,
    )
    assert record.area_count == 47 and record.row_count == 47 * 46 * 3
    outflows = tokyo_outflows([2024])
    assert outflows[(2024, "03", "F")] == 100
    assert outflows[(2024, "03", "M")] == 0
    assert (2024, "13", "F") not in outflows


def _national_areas() -> list[tuple[str, str, str]]:
    from shokuba.network.models import LocalGovernment

    areas = [("00000", "全国", "全国")]
    for lg in LocalGovernment.objects.order_by("code"):
        areas.append((lg.code[:5], lg.name, "都道府県" if lg.kind == "prefecture" else "市区町村"))
    return areas


def test_a_national_table_cut_off_between_two_areas_imports_the_areas_it_has_and_says_so(secretariat: Any) -> None:
    """A table cut off between two areas is a table of fewer areas: those are imported (they are correct), the
    record says which areas it covers, and nothing else changes. Cut inside an area's rows it is refused."""
    areas = _national_areas()
    cut = next(i for i, (code, _n, _l) in enumerate(areas) if code == "40000")  # stops before 福岡県
    [record] = statistics_import_file(
        actor=secretariat, data=migration_csv(areas=areas[:cut]), file_name="b01103s.csv", table="11-3", year=2024
    )
    assert record.area_count == cut and not record.complete
    assert any(f"{cut} 地域分です" in note for note in record.notes)
    assert not AgeSexFigures.objects.filter(area_code__startswith="40").exists()
    # The complete table replaces it whole and is recorded as national.
    [whole] = statistics_import_file(
        actor=secretariat, data=migration_csv(areas=areas), file_name="b01103s.csv", table="11-3", year=2024
    )
    assert whole.area_count == len(areas) and whole.complete and whole.scope.startswith("全国")
    record.refresh_from_db()
    assert record.replaced_at is not None
    # A file cut in the middle of an area (its 女 rows missing) is refused, naming the area.
    rows = [r for r in small_rows() if not (r.code5 == "28209" and r.sex == "F")]
    grid = migration_grid("11-3", 2024, rows, synthetic=False)
    message = refused(secretariat, migration_csv_from(grid), file_name="b01103s.csv")
    assert "28209" in message and "「女」の行がありません" in message


def test_peer_downloads_hold_numbers_not_quoted_text(client: Any, coordinator: Any) -> None:
    import csv
    import io

    from shokuba.regional.tests.samples import import_small

    import_small()
    client.force_login(coordinator)
    response = client.get("/regional/areas/282090/peers.csv")
    assert response.status_code == 200, response.status_code
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row[1:] if cell]
    assert cells and not any(cell.startswith("'") for cell in cells)
    assert all(float(cell) == float(cell) for cell in cells)  # each parses as a number


def test_a_background_import_from_the_shell_needs_an_account_to_run_as(tmp_path: Any) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from shokuba.regional.models import ImportJob

    path = tmp_path / "b01103s.csv"
    path.write_bytes(migration_csv())
    with pytest.raises(CommandError, match="--user"):
        call_command("import_estat", "--table", "11-3", "--year", "2024", "--background", str(path))
    assert ImportJob.objects.count() == 0


def test_merged_cells_among_the_figures_are_refused_by_the_readers_rule(secretariat: Any) -> None:
    """Merged header cells are the bureau's layout; merged cells where the figures are (a 国籍 written once for
    three rows) are refused by the tabular reader's one rule, naming the range."""
    from shokuba.regional.estat.layouts import MIGRATION_MERGES

    grid = migration_grid("11-3", 2024, small_rows(), synthetic=False)
    message = refused(secretariat, openpyxl_xlsx(grid, merges=(*MIGRATION_MERGES, "C7:C9")))
    assert "C7:C9" in message and "結合" in message


def test_a_six_digit_code_with_a_wrong_check_digit_is_refused(secretariat: Any) -> None:
    data = population_csv().replace(b"282090", b"282091")
    message = refused(secretariat, data, file_name="人口.csv", table="population")
    assert "団体コード「282091」の6桁目（検査数字）が合いません" in message and "A列" in message
