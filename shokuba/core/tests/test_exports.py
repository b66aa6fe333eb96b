"""core.exports: Excel-friendly encodings, safe cells, and download headers."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from shokuba.core.exports import ExportFormatError, csv_bytes, neutralise, table_response, xlsx_bytes

HEADER = ["団体コード", "団体名", "メモ"]
ROWS = [["282090", "兵庫県豊岡市", "=1+1"], ["042056", "宮城県気仙沼市", None]]
DANGEROUS = ["=1+1", "+81-796-23-1111", "-", "@SUM(A1:A2)", "\t=cmd", "\r=cmd", '=HYPERLINK("http://x","y")']


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_is_utf8_with_bom_by_default() -> None:
    body = csv_bytes(HEADER, ROWS)
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.count(b"\xef\xbb\xbf") == 1
    rows = parse(body.decode("utf-8-sig"))
    assert rows[0] == HEADER
    assert rows[1][:2] == ["282090", "兵庫県豊岡市"]
    assert rows[2] == ["042056", "宮城県気仙沼市", ""]  # None is an empty cell
    assert b"\r\n" in body


def test_cp932_round_trips_japanese_names() -> None:
    body = csv_bytes(HEADER, ROWS, encoding="cp932")
    assert not body.startswith(b"\xef\xbb\xbf")
    assert "豊岡市".encode("cp932") in body
    rows = parse(body.decode("cp932"))
    assert rows[1][1] == "兵庫県豊岡市"
    assert rows[2][1] == "宮城県気仙沼市"


def test_cp932_replaces_what_it_cannot_hold_instead_of_failing() -> None:
    body = csv_bytes(["名前"], [["𠮷野家"]], encoding="cp932")
    assert parse(body.decode("cp932"))[1] == ["?野家"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_like_text_is_neutralised(value: str) -> None:
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["豊岡市", "1+1", "a=b", "", "(1) 目指す", 42, -5, 3.5, None])
def test_ordinary_values_pass_unchanged(value: object) -> None:
    assert neutralise(value) == value


def test_csv_cells_and_header_are_neutralised() -> None:
    rows = parse(csv_bytes(["=見出し", "b"], [[v, "ok"] for v in DANGEROUS]).decode("utf-8-sig"))
    assert rows[0][0] == "'=見出し"
    assert [r[0] for r in rows[1:]] == ["'" + v for v in DANGEROUS]


def test_xlsx_cells_are_text_not_formulas() -> None:
    sheet = load_workbook(io.BytesIO(xlsx_bytes(HEADER, [[v, 7, -2.5] for v in DANGEROUS]))).active
    assert [c.value for c in sheet[1]] == HEADER
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    for index, value in enumerate(DANGEROUS, start=2):
        cell = sheet.cell(row=index, column=1)
        assert cell.value == ("'" + value).replace("\r", "\n")  # XML stores a bare CR as LF
        assert cell.data_type == "s"
        assert sheet.cell(row=index, column=2).value == 7
        assert sheet.cell(row=index, column=3).value == -2.5


def test_xlsx_sheet_title_is_cut_to_excels_limit() -> None:
    sheet = load_workbook(io.BytesIO(xlsx_bytes(HEADER, ROWS, sheet_title="あ" * 40))).active
    assert sheet.title == "あ" * 31


def test_table_response_csv_headers() -> None:
    response = table_response(fmt="csv", filename="進捗一覧_20260401", header=HEADER, rows=ROWS)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="20260401.csv"')
    assert f"filename*=UTF-8''{quote('進捗一覧_20260401.csv')}" in disposition
    assert response.content.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("encoding", ["cp932", "CP932", "sjis", "shift_jis"])
def test_table_response_cp932(encoding: str) -> None:
    response = table_response(fmt="csv", filename="members", header=HEADER, rows=ROWS, encoding=encoding)
    assert response["Content-Type"] == "text/csv; charset=Shift_JIS"
    assert parse(response.content.decode("cp932"))[1][1] == "兵庫県豊岡市"


def test_table_response_xlsx() -> None:
    response = table_response(fmt="xlsx", filename="一覧", header=HEADER, rows=ROWS, sheet_title="一覧")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response["Content-Disposition"]
    assert disposition.isascii()
    assert f"filename*=UTF-8''{quote('一覧.xlsx')}" in disposition
    sheet = load_workbook(io.BytesIO(response.content))["一覧"]
    assert sheet["B2"].value == "兵庫県豊岡市"
    assert sheet["C2"].value == "'=1+1"


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ExportFormatError):
        table_response(fmt="pdf", filename="x", header=HEADER, rows=ROWS)


def test_ascii_fallback_name_of_an_all_japanese_file_is_not_a_bare_extension() -> None:
    response = table_response(fmt="xlsx", filename="一覧", header=HEADER, rows=ROWS)
    assert 'filename="export.xlsx"' in response["Content-Disposition"]
