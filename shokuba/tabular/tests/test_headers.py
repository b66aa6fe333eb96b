"""Header names in the forms real files use (DOMAIN.md §8: the 女性活躍DB's item numbers, units, sub-items and
prefixes), matched to a caller's columns with aliases; header rows found by content below titles."""

from __future__ import annotations

import pytest

from shokuba.tabular import ColumnSpec, Row, TableRefused, header_key, locate_header, match_header

# The 女性活躍DB 全体版 headers quoted in DOMAIN.md §8, in the file's order.
WDB_HEADERS = [
    "企業名",
    "法人番号",
    "業種",
    "都道府県",
    "企業規模",
    "企業認定等-くるみん認定",
    "企業認定等-えるぼし、または、えるぼしプラス認定",
    "企業認定等-プラチナえるぼし、または、プラチナえるぼしプラス認定",
    "4.(1)男女の平均継続勤務年数の差異-男性(年)",
    "5.男女別の育児休業取得率-男性(%)",
    "5.男女別の育児休業取得率-女性(%)",
    "6.一月当たりの労働者の平均残業時間-平均残業時間(時間)",
    "8.(1)年次有給休暇の取得率-対象労働者(%)",
    "9.係長級にある者に占める女性労働者の割合-割合(%)",
    "10.管理職に占める女性労働者の割合-割合(%)",
    "10.管理職に占める女性労働者の割合-人数(人)",
    "11.役員に占める女性の割合-割合(%)",
    "14.男女の賃金の差異1-全労働者(%)",
    "14.男女の賃金の差異2-うち正規雇用労働者(%)",
    "14.男女の賃金の差異3-うち非正規雇用労働者(%)",
    "14.対象期間",
    "15.データの対象-データの対象",
    "16.データ集計時点-データ集計時点",
    "データの最終更新日",
]


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("10.管理職に占める女性労働者の割合-割合(%)", "管理職に占める女性労働者の割合-割合"),  # number, sub-item, unit
        ("4.(1)男女の平均継続勤務年数の差異-男性(年)", "男女の平均継続勤務年数の差異-男性"),  # 「4.(1)」
        ("14.対象期間", "対象期間"),
        ("(2)女性労働者の割合", "女性労働者の割合"),
        ("6.一月当たりの労働者の平均残業時間-平均残業時間(時間)", "一月当たりの労働者の平均残業時間-平均残業時間"),
        ("10.管理職に占める女性労働者の割合-人数(人)", "管理職に占める女性労働者の割合-人数"),
        ("１０．管理職に占める　女性労働者の割合－割合（％）", "管理職に占める女性労働者の割合-割合"),  # full width
        ("管理職に占める\n女性労働者の割合 - 割合 【%】", "管理職に占める女性労働者の割合-割合"),  # breaks, 【】
        ("\ufeff企業名", "企業名"),  # a BOM read as a character
        ("Corporate Number", "corporatenumber"),
        ("2025年度", "2025年度"),  # a year is not an item number
        ("UB-H01", "ub-h01"),
    ],
)
def test_header_key_folds_the_forms_seen_in_real_files(header: str, key: str) -> None:
    assert header_key(header) == key


SPECS = [
    ColumnSpec("corporate_number", ("法人番号",), required=True),
    ColumnSpec("name", ("企業名", "会社名"), required=True),
    ColumnSpec("kurumin", ("くるみん認定", "くるみん")),  # the file adds the prefix 「企業認定等-」
    ColumnSpec("eruboshi", ("えるぼし認定", "えるぼし、または、えるぼしプラス認定")),
    ColumnSpec("women_manager_ratio", ("管理職女性割合", "管理職に占める女性労働者の割合-割合")),
    ColumnSpec("women_managers", ("管理職に占める女性労働者の割合-人数",)),
    ColumnSpec("tenure_gap_men", ("男女の平均継続勤務年数の差異-男性",)),
    ColumnSpec("leave_men", ("男性の育児休業取得率", "男女別の育児休業取得率-男性")),
    ColumnSpec("pay_gap_all", ("男女の賃金の差異1-全労働者", "男女の賃金の差異（全労働者）")),
    ColumnSpec("period", ("対象期間",)),
    ColumnSpec("updated", ("データの最終更新日", "最終更新日")),
    ColumnSpec("missing_one", ("この列はない",)),
]


def test_the_real_womens_database_headers_map_to_every_spec() -> None:
    match = match_header(WDB_HEADERS, SPECS)
    assert {k: WDB_HEADERS[i] for k, i in match.columns.items()} == {
        "corporate_number": "法人番号",
        "name": "企業名",
        "kurumin": "企業認定等-くるみん認定",
        "eruboshi": "企業認定等-えるぼし、または、えるぼしプラス認定",
        "women_manager_ratio": "10.管理職に占める女性労働者の割合-割合(%)",
        "women_managers": "10.管理職に占める女性労働者の割合-人数(人)",
        "tenure_gap_men": "4.(1)男女の平均継続勤務年数の差異-男性(年)",
        "leave_men": "5.男女別の育児休業取得率-男性(%)",
        "pay_gap_all": "14.男女の賃金の差異1-全労働者(%)",
        "period": "14.対象期間",
        "updated": "データの最終更新日",
    }
    assert [s.key for s in match.missing] == ["missing_one"] and not match.ambiguous
    assert match.header("women_manager_ratio") == "10.管理職に占める女性労働者の割合-割合(%)"
    assert match.letter("updated") == "X"


def test_a_name_without_its_sub_item_is_ambiguous_when_two_sub_items_answer() -> None:
    spec = ColumnSpec("ratio", ("管理職に占める女性労働者の割合",))
    match = match_header(WDB_HEADERS, [spec])
    assert match.ambiguous == {"ratio": [14, 15]} and not match.columns
    (problem,) = match.problems()
    assert problem.column == "O・P" and "複数あります" in problem.message and "O列「10.管理職" in problem.message


def test_a_column_taken_by_one_spec_is_no_licence_for_another_to_take_the_next_best() -> None:
    specs = [
        ColumnSpec("ratio", ("管理職に占める女性労働者の割合-割合",)),
        ColumnSpec("old_name", ("管理職に占める女性労働者の割合",)),
    ]
    match = match_header(WDB_HEADERS, specs)
    assert match.columns == {"ratio": 14} and match.ambiguous == {"old_name": [14, 15]}


def test_strict_matching_reads_codes_whole() -> None:
    header = ["UB-H01", "UB-H02", "H01"]
    loose = match_header(header, [ColumnSpec("q", ("H02",))])
    strict = match_header(header, [ColumnSpec("q", ("H02",))], loose=False)
    assert loose.columns == {"q": 1} and strict.columns == {} and [s.key for s in strict.missing] == ["q"]


def test_duplicate_headers_are_ambiguous() -> None:
    match = match_header(["企業名", "法人番号", "企業名"], SPECS[:2])
    assert match.ambiguous == {"name": [0, 2]} and match.columns == {"corporate_number": 1}


def test_missing_required_columns_are_problems_on_the_header_row() -> None:
    match = match_header(["企業名", "業種"], SPECS[:3], row=3)
    problems = match.problems("表")
    assert [(p.sheet, p.row, p.message) for p in problems] == [("表", 3, "見出し「法人番号」の列が見つかりません。")]
    assert len(match.problems(only_required=False)) == 2
    assert match.unclaimed == [1]


def rows(*lists: list[str]) -> list[Row]:
    return [Row(n, list(cells)) for n, cells in enumerate(lists, start=1)]


def test_the_header_row_is_found_below_titles_and_the_rest_streams_on() -> None:
    table = rows(
        ["女性の活躍推進企業データベース 全体版（2025年10月30日時点）"],
        [],
        ["出典：厚生労働省"],
        WDB_HEADERS,
        ["A社", "1234567890123"],
        ["B社", "2234567890123"],
    )
    consumed: list[int] = []

    def source():  # type: ignore[no-untyped-def]
        for row in table:
            consumed.append(row.number)
            yield row

    match, rest = locate_header(source(), SPECS)
    assert match.row == 4 and [r.number for r in match.above] == [1, 2, 3]
    assert consumed == [1, 2, 3, 4, 5]  # the search stops at the first data row
    assert [r.number for r in rest] == [5, 6]


def test_the_best_matching_row_wins_over_a_title_that_mentions_a_header() -> None:
    table = rows(["企業名の一覧"], ["企業名", "業種"], ["企業名", "法人番号", "業種"], ["A社", "1"])
    match, rest = locate_header(table, SPECS[:2])
    assert match.row == 3 and [r.number for r in rest] == [4]


def test_a_predicate_picks_the_header_row() -> None:
    table = rows(["表11 年齢（5歳階級）"], ["全国・都道府県・市区町村コード", "0歳～4歳"], ["00000", "5"])
    match, rest = locate_header(table, predicate=lambda cells: any("0歳～4歳" in str(c) for c in cells))
    assert match.row == 2 and [r.number for r in rest] == [3]


def test_no_header_row_is_refused_naming_what_was_looked_for() -> None:
    with pytest.raises(TableRefused, match=r"見出しの行が見つかりません.*「法人番号」「企業名」"):
        locate_header(rows(["a", "b"], ["1", "2"]), SPECS[:2])
