"""Workbooks and containers: XLSX through calamine behind the ZIP guard, formulas and merged cells by cell, a ZIP
holding one CSV streamed through the same guard, and every kind of file that is not a table refused by name."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from typing import Any

import pytest
from openpyxl import Workbook as OpenpyxlWorkbook

from shokuba.tabular import Limits, TableRefused, open_workbook
from shokuba.tabular.archive import ENCRYPTED_PACKAGE_MARKER, OLE2_MAGIC


def xlsx(
    sheets: dict[str, Sequence[Sequence[Any]]],
    *,
    formulas: dict[str, str] | None = None,
    merge: Sequence[str] = (),
) -> bytes:
    """A workbook written by openpyxl (a different writer from the reader's calamine)."""
    book = OpenpyxlWorkbook()
    first = True
    for title, rows in sheets.items():
        sheet = book.active if first else book.create_sheet(title)
        assert sheet is not None
        sheet.title = title
        first = False
        for row in rows:
            sheet.append(list(row))
        if title == next(iter(sheets)):
            for cell, formula in (formulas or {}).items():
                sheet[cell] = formula
            for cells in merge:
                sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def refusal_of(data: bytes, name: str, **kwargs: Any) -> str:
    with pytest.raises(TableRefused) as caught:
        workbook = open_workbook(data, name, **kwargs)
        for sheet in workbook.sheets():
            list(sheet.rows())
    return str(caught.value)


def test_xlsx_cells_come_typed_and_numbered_as_the_spreadsheet_numbers_them() -> None:
    data = xlsx({"回答": [["コード", "日付", "数"], ["04", dt.date(2026, 1, 2), 4], [None, None, 1.5]]})
    workbook = open_workbook(data, "a.xlsx")
    assert (workbook.format, workbook.encoding, workbook.sheet_names) == ("xlsx", "", ["回答"])
    rows = list(workbook.sheet().rows())
    assert [r.number for r in rows] == [1, 2, 3]
    assert rows[1].cells[0] == "04" and rows[1].cells[2] == 4.0
    assert rows[1].cells[1] in (dt.date(2026, 1, 2), dt.datetime(2026, 1, 2))
    assert rows[2].cells[0] in ("", None)


def test_a_sheet_is_found_by_name_by_preference_or_refused_naming_the_sheets() -> None:
    data = xlsx({"記入方法": [["読んでください"]], "回答": [["x"]]})
    workbook = open_workbook(data, "a.xlsx")
    assert workbook.sheet(prefer=["回答"]).name == "回答"
    assert workbook.sheet().name == "記入方法"
    with pytest.raises(TableRefused, match="シート「コードブック」がありません（あるシート：記入方法、回答）"):
        workbook.sheet("コードブック")


def test_rows_above_the_first_filled_cell_are_kept_so_row_numbers_stay_true() -> None:
    book = OpenpyxlWorkbook()
    sheet = book.active
    assert sheet is not None
    sheet["C3"] = "見出し"
    sheet["C4"] = "値"
    out = io.BytesIO()
    book.save(out)
    rows = list(open_workbook(out.getvalue(), "a.xlsx").sheet().rows())
    assert rows[2].number == 3 and rows[2].cells[2] == "見出し" and rows[3].cells[2] == "値"


def test_formulas_are_reported_by_cell() -> None:
    data = xlsx({"回答": [["a", "b"], [1, 2], [3, 4]]}, formulas={"B2": "=A2*2", "A3": "=SUM(A1:A2)"})
    sheet = open_workbook(data, "a.xlsx").sheet()
    assert sheet.formula_cells == {(2, 1), (3, 0)}
    problems = sheet.problems()
    assert [(p.row, p.column) for p in problems] == [(2, "B"), (3, "A")]
    assert all("数式が入っています" in p.message for p in problems)


def test_merged_cells_are_refused_from_the_row_a_caller_reads_as_a_table() -> None:
    grid = [["表題", None, None], ["男", None, "女"], [1, 2, 3], [4, 5, 6]]
    data = xlsx({"表": grid}, merge=["A1:C1", "A2:B2", "A4:B4"])
    sheet = open_workbook(data, "a.xlsx").sheet()
    assert [str(m) for m in sheet.merged] == ["A1:C1", "A2:B2", "A4:B4"]
    everywhere = sheet.problems()
    assert [p.row for p in everywhere] == [1, 2, 4] and "A1:C1 が結合されています" in everywhere[0].message
    below_a_two_row_header = sheet.problems(merged_from_row=3)
    assert [(p.row, p.column) for p in below_a_two_row_header] == [(4, "A")]


def test_sheet_size_limits_are_checked_before_the_cells_are_read() -> None:
    data = xlsx({"回答": [[i, i] for i in range(50)]})
    message = refusal_of(data, "a.xlsx", limits=Limits(max_rows=40, max_columns=10))
    assert "大きすぎます（50行 × 2列）" in message


# --- ZIP bombs and lies ----------------------------------------------------------------------------------------


def bomb(*, declared_small: bool, workbook: bool = True) -> bytes:
    """An archive whose one big entry inflates to 300 MB (about 300 KB compressed). With `declared_small` the
    central directory lies that it inflates to 1,000 bytes."""
    out = io.BytesIO()
    chunk = b" " * (1024 * 1024)
    inner = "xl/worksheets/sheet1.xml" if workbook else "data.csv"
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        if workbook:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open(inner, "w", force_zip64=True) as entry:
            for _ in range(300):
                entry.write(chunk)
    data = bytearray(out.getvalue())
    if declared_small:
        central = data.rfind(b"PK\x01\x02")
        name_length = int.from_bytes(data[central + 28 : central + 30], "little")
        assert data[central + 46 : central + 46 + name_length] == inner.encode()
        if data[central + 24 : central + 28] == b"\xff\xff\xff\xff":  # zip64: the size lives in the extra field
            extra = central + 46 + name_length
            data[extra + 4 : extra + 12] = (1000).to_bytes(8, "little")
        else:
            data[central + 24 : central + 28] = (1000).to_bytes(4, "little")
    return bytes(data)


@pytest.mark.parametrize("workbook", [True, False], ids=["xlsx", "zip-of-csv"])
def test_a_zip_bomb_is_refused_by_its_declared_size_without_inflating(workbook: bool) -> None:
    data = bomb(declared_small=False, workbook=workbook)
    assert len(data) < 2 * 1024 * 1024
    assert "ZIP 爆弾" in refusal_of(data, "a.xlsx" if workbook else "a.zip")


@pytest.mark.parametrize("workbook", [True, False], ids=["xlsx", "zip-of-csv"])
def test_a_central_directory_that_lies_is_caught_by_the_bounded_inflate(workbook: bool) -> None:
    data = bomb(declared_small=True, workbook=workbook)
    message = refusal_of(data, "a.xlsx" if workbook else "a.zip")
    assert "壊れているか、途中で切れて" in message


def test_a_truncated_workbook_is_refused() -> None:
    data = xlsx({"回答": [["a"], [1]]})
    assert "Excel ファイルとして読めません" in refusal_of(data[: len(data) // 2], "a.xlsx")


def test_an_encrypted_zip_entry_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("data.csv", "a,b\r\n")
    data = bytearray(out.getvalue())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # set the "encrypted" flag bit
        at = data.find(signature)
        data[at + offset] |= 0x1
    assert "暗号化されています" in refusal_of(bytes(data), "a.zip")


# --- ZIP holding one CSV ---------------------------------------------------------------------------------------


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_zip_holding_one_csv_is_read_as_that_csv_streamed_from_the_archive() -> None:
    rows = [["企業名", "法人番号"]] + [[f"会社{i}", str(1000000000000 + i)] for i in range(50_000)]
    text = "\r\n".join(",".join(r) for r in rows) + "\r\n"
    workbook = open_workbook(zipped({"99_20251030_utf8_bom.csv": text.encode("utf-8-sig")}), "download.zip")
    assert (workbook.format, workbook.encoding, workbook.member) == ("csv", "utf-8-sig", "99_20251030_utf8_bom.csv")
    read = [r.cells for r in workbook.sheet().rows()]
    assert read == rows
    assert [r.cells for r in workbook.sheet().rows()][-1] == rows[-1]  # read again from the start


@pytest.mark.parametrize(
    "files",
    [{}, {"a.csv": b"x", "b.csv": b"y"}, {"readme.pdf": b"%PDF"}],
    ids=["none", "two", "not-csv"],
)
def test_a_zip_must_hold_exactly_one_csv(files: dict[str, bytes]) -> None:
    data = zipped(files) if files else zipped({"dir/": b""})
    assert "CSV ファイルが1つだけ入っている必要があります" in refusal_of(data, "a.zip")


def test_a_zip_whose_csv_is_cut_is_refused() -> None:
    data = zipped({"a.csv": ("a,b\r\n" * 50_000).encode()})
    assert "壊れているか、途中で切れて" in refusal_of(data[: len(data) - 200], "a.zip")


# --- what is not a table ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "needle"),
    [
        (b"", "a.csv", "空です"),
        (OLE2_MAGIC + bytes(2000), "b01103s.xls", "古い形式（.xls）"),
        (OLE2_MAGIC + bytes(504) + ENCRYPTED_PACKAGE_MARKER + bytes(1000), "a.xlsx", "パスワードで保護"),
        (b"%PDF-1.4 not a workbook", "a.xlsx", "Excel ファイルではありません"),
        (zipped({"mimetype": b"application/vnd.oasis.opendocument", "content.xml": b""}), "a.ods", "OpenDocument"),
        (zipped({"[Content_Types].xml": b"", "word/d.xml": b""}), "a.xlsx", "Excel ブック（.xlsx）ではありません"),
        (b"not a zip at all", "a.zip", "ZIP"),
    ],
    ids=["empty", "xls", "encrypted", "pdf-as-xlsx", "ods", "docx-as-xlsx", "text-as-zip"],
)
def test_files_that_are_not_tables_are_refused_by_name(data: bytes, name: str, needle: str) -> None:
    assert needle in refusal_of(data, name)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read() -> None:
    assert "大きすぎます" in refusal_of(b"a,b\r\n" * 1000, "a.csv", limits=Limits(max_bytes=1000))


def test_extensions_a_caller_does_not_take_are_refused_by_name() -> None:
    assert "古い形式（.xls）" in refusal_of(b"anything", "回答.xls", extensions={".xlsx", ".csv"})
    assert "Excel（.xlsx）・CSV（.csv）" in refusal_of(b"anything", "回答.pdf", extensions={".xlsx", ".csv"})


def test_csv_rows_over_the_limit_are_refused_while_streaming() -> None:
    assert "行が多すぎます" in refusal_of(b"a\r\n" * 101, "a.csv", limits=Limits(max_rows=100))
