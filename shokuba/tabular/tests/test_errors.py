"""Places in the words a spreadsheet user sees, and the refusal that lists them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shokuba.tabular import CellError, Problems, TableRefused, cell_name, column_index, column_letter


def test_column_letters_as_spreadsheets_name_them() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702, 16383)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
        "XFD",  # Excel's last column
    ]
    assert cell_name(3, 1) == "B3"


@given(st.integers(min_value=0, max_value=20_000))
def test_column_index_inverts_column_letter(index: int) -> None:
    assert column_index(column_letter(index)) == index


def test_a_cell_error_names_sheet_row_column_and_header() -> None:
    error = CellError("「x」は選択肢にありません。", "回答", 12, "E", "sex")
    assert str(error) == "シート「回答」 12行目 E列（sex）：「x」は選択肢にありません。"
    assert str(CellError("空です。")) == "空です。"
    assert str(CellError("読めません。", row=3)) == "3行目：読めません。"


def test_a_refusal_lists_the_first_problems_and_counts_them_all() -> None:
    problems = Problems("回答", limit=3)
    for row in range(2, 12):
        problems.add("誤り", row=row, column="B")
    assert problems.total == 10 and len(problems.listed) == 3
    try:
        problems.refuse_if_any()
    except TableRefused as refusal:
        assert refusal.total == 10 and [e.row for e in refusal.errors] == [2, 3, 4]
        assert refusal.summary == (
            "取り込めませんでした。10件の誤りがあります（最初の3件を表示しています）。1件も保存していません。"
        )
        assert refusal.messages[-1] == "ほかに 7 件の問題があります。"
    else:
        raise AssertionError("not refused")
    assert TableRefused.one("空です。", row=2).summary == "2行目：空です。"
