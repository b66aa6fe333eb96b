"""The constant-memory XLSX writer (core/xlsx.py): what it writes reads back the same in openpyxl and calamine."""

from __future__ import annotations

import datetime as dt
import io
import tracemalloc
import zipfile
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from shokuba.core import xlsx

HEADER = ["コード", "数", "率", "空", "真偽", "日付", "日時", "小数", "文"]


def _book(sheets: list[tuple[str, list[Any], list[list[Any]]]]) -> bytes:
    out = io.BytesIO()
    xlsx.write_workbook(out, sheets)
    return out.getvalue()


def test_cells_read_back_with_their_types_in_openpyxl_and_calamine() -> None:
    row = [
        'a & <b> "c"',
        42,
        2.5,
        None,
        True,
        dt.date(2026, 4, 1),
        dt.datetime(2026, 4, 1, 12, 30),
        Decimal("1.25"),
        " 先頭の空白",
    ]
    data = _book([("回答", HEADER, [row, ["", 0, -1e-7, "", False, None, None, None, "後"]])])

    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.title == "回答"
    assert [c.value for c in sheet[1]] == HEADER
    assert all(c.font.b for c in sheet[1]) and not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[2]] == [
        'a & <b> "c"',
        42,
        2.5,
        None,
        True,
        dt.datetime(2026, 4, 1),
        dt.datetime(2026, 4, 1, 12, 30),
        1.25,
        " 先頭の空白",
    ]
    # An empty cell is a gap, and the cells after it keep their columns.
    assert [c.value for c in sheet[3]] == [None, 0, -1e-7, None, False, None, None, None, "後"]

    calamine = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert calamine[1][0] == 'a & <b> "c"' and calamine[1][8] == " 先頭の空白"
    assert calamine[2][8] == "後" and calamine[2][0] == ""


def test_characters_xml_cannot_hold_are_dropped_and_line_breaks_kept() -> None:
    data = _book([("s", ["h"], [["a\x00b\x1fc"], ["一行目\n二行目\tタブ"]])])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet["A2"].value == "abc"
    assert sheet["A3"].value == "一行目\n二行目\tタブ"


def test_text_that_looks_like_an_escaped_character_stays_as_written() -> None:
    # Excel and calamine read _xHHHH_ as the character HHHH (openpyxl does not, for inline strings).
    data = _book([("s", ["h"], [["_x0041_ と _x000D_"]])])
    assert (
        CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()[1][0] == "_x0041_ と _x000D_"
    )


def test_several_sheets_in_order_with_their_titles_cut_to_31_characters() -> None:
    long_title = "あ" * 40
    data = _book([("回答", ["a"], [[1], [2]]), (long_title, ["b", "c"], [["x", "y"]])])
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["回答", "あ" * 31]
    assert [[c.value for c in r] for r in book.worksheets[1].iter_rows()] == [["b", "c"], ["x", "y"]]


def test_row_counts_are_returned_and_too_many_rows_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.BytesIO()
    assert xlsx.write_workbook(out, [("a", ["h"], [[1], [2]]), ("b", ["h"], [])]) == [2, 0]
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    with pytest.raises(xlsx.SheetTooLarge):
        xlsx.write_workbook(io.BytesIO(), [("a", ["h"], [[1], [2], [3]])])


class _Pipe(io.RawIOBase):
    """A stream that cannot seek, as a pipe or a streamed response."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        self.data += bytes(b)
        return len(b)


def test_a_stream_that_cannot_seek_gets_a_valid_workbook() -> None:
    pipe = _Pipe()
    xlsx.write_workbook(pipe, [("s", ["h"], [["x"], [1]])])  # type: ignore[arg-type]
    assert zipfile.ZipFile(io.BytesIO(bytes(pipe.data))).testzip() is None
    assert [c.value for c in openpyxl.load_workbook(io.BytesIO(bytes(pipe.data))).worksheets[0]["A"]] == ["h", "x", 1]


def test_column_names() -> None:
    assert [xlsx.column_name(i) for i in (0, 25, 26, 51, 52, 701, 702, 16383)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
        "XFD",
    ]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(
            st.one_of(
                st.none(),
                st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=20),
                st.integers(-(10**12), 10**12),
                st.floats(allow_nan=False, allow_infinity=False, width=32),
            ),
            min_size=3,
            max_size=3,
        ),
        max_size=15,
    )
)
def test_any_rows_read_back_as_written(rows: list[list[Any]]) -> None:
    data = _book([("s", ["a", "b", "c"], rows)])
    read = [[c.value for c in r] for r in openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(min_row=2)]
    expected = [[None if v in (None, "") else v for v in row] for row in rows]
    # openpyxl leaves out trailing empty rows; an all-empty row in the middle is there with Nones.
    while expected and all(v is None for v in expected[-1]):
        expected.pop()
    assert [r + [None] * (3 - len(r)) for r in read] == expected


def test_memory_does_not_grow_with_the_rows() -> None:
    row = ["2026-04-01", "自由記述のテキスト", 1, 2.5, None] * 10

    def peak(n: int) -> int:
        tracemalloc.start()
        try:
            xlsx.write_workbook(_Sink(), [("s", [f"h{i}" for i in range(50)], (row for _ in range(n)))])  # type: ignore[arg-type]
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(2_000), peak(40_000)
    assert large < small * 1.5, (small, large)


class _Sink(_Pipe):
    """Counts bytes and keeps none of them."""

    def write(self, b: Any) -> int:
        return len(b)
