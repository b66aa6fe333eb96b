"""Rows that are not data: blank, totals and notes rows skipped, each kind noted with its rows."""

from __future__ import annotations

import pytest

from shokuba.tabular import DataRows, Row, row_kind
from shokuba.tabular.rows import BLANK, NOTES, TOTALS, row_ranges


@pytest.mark.parametrize(
    ("cells", "kind"),
    [
        ([], BLANK),
        (["", None, "  "], BLANK),
        (["", "合計", "", "1,234"], TOTALS),
        (["", "合　計", "12"], TOTALS),
        (["", "総計", "12"], TOTALS),
        (["", "計", "12"], TOTALS),
        (["※ 市部・郡部は再掲です。"], NOTES),
        (["注1）本表は速報値です。", ""], NOTES),
        (["（注）本表は速報値です。"], NOTES),
        (["資料：総務省「住民基本台帳人口移動報告」"], NOTES),
        (["出典: e-Stat"], NOTES),
        (["＊印は秘匿"], NOTES),
        (["282090", "豊岡市", "12"], None),
        (["", "注文住宅株式会社", "12"], None),  # 「注」 not followed by a separator: a name
        (["※印", "a", "b", "c"], None),  # notes rows hold one or two cells
    ],
)
def test_each_kind_of_row_is_recognised_with_code_column_zero(cells: list[str], kind: str | None) -> None:
    assert row_kind(cells, code_columns=[0]) == kind


def test_a_totals_word_with_a_code_is_data_and_without_code_columns_it_must_come_first() -> None:
    assert row_kind(["13000", "合計", "5"], code_columns=[0]) is None
    assert row_kind(["合計", "", "5"]) == TOTALS
    assert row_kind(["A社", "合計", "5"]) is None


def test_data_rows_skips_and_notes_by_kind_with_row_numbers() -> None:
    table = [
        Row(5, ["01100", "札幌市", "10"]),
        Row(6, ["", "", ""]),
        Row(7, ["01202", "函館市", "3"]),
        Row(8, ["", "合計", "13"]),
        Row(9, ["※ 速報値"]),
        Row(10, ["資料：総務省"]),
        Row(11, []),
        Row(12, []),
    ]
    data = DataRows(code_columns=[0])
    assert [r.number for r in data(table)] == [5, 7]
    assert data.skipped == {BLANK: [6, 11, 12], TOTALS: [8], NOTES: [9, 10]}
    assert data.notes() == [
        "合計の行を読み飛ばしました（8行目）。",
        "注記の行（※・注・資料・出典）を読み飛ばしました（9〜10行目）。",
        "空の行を読み飛ばしました（6行目、11〜12行目）。",
    ]


def test_a_caller_may_skip_blank_rows_only() -> None:
    data = DataRows(kinds=frozenset({BLANK}))
    assert [r.number for r in data([Row(1, ["※なし"]), Row(2, []), Row(3, ["合計"])])] == [1, 3]
    assert data.notes() == ["空の行を読み飛ばしました（2行目）。"]


def test_row_ranges_are_short() -> None:
    assert row_ranges([3]) == "3行目"
    assert row_ranges([1, 2, 3, 7]) == "1〜3行目、7行目"
    assert row_ranges(list(range(1, 40, 2)), limit=2) == "1行目、3行目、ほか18行"
