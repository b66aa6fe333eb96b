"""Spreadsheet conversions undone where unambiguous, refused with the reason where not; numbers, dates and
identifiers as people and spreadsheets write them."""

from __future__ import annotations

import datetime as dt

import pytest

from shokuba.tabular import (
    CellValueError,
    Code,
    Codebook,
    cell_text,
    date_of,
    folded,
    identifier_of,
    number_of,
    plain_text,
    serial_date,
)

AGE = Codebook(
    [("-29", "29歳以下"), ("30", "30〜39歳"), ("40", "40〜49歳"), ("60+", "60歳以上"), ("R", "答えたくない")]
)
SERVICE = Codebook([("-2", "3年未満"), ("3-9", "3〜9年"), ("10-19", "10〜19年"), ("20+", "20年以上")])
SEX = Codebook([Code("F", "女性", ("女",)), Code("M", "男性", ("男",)), Code("X", "その他"), Code("R", "答えたくない")])
PADDED = Codebook([("01", "一般"), ("04", "管理職"), ("10", "役員")])


@pytest.mark.parametrize(
    ("codebook", "value", "code"),
    [
        (AGE, "60+", "60+"),  # a code as it is
        (AGE, 60.0, "60+"),  # 「60+」 became the number 60 (XLSX)
        (AGE, "60", "60+"),  # … and was written as 60 (CSV)
        (AGE, -29.0, "-29"),  # 「-29」 became a negative number
        (AGE, "'-29", "-29"),  # the exports' neutralising quote
        (AGE, "６０＋", "60+"),  # full width
        (AGE, "60歳以上", "60+"),  # the label
        (AGE, " 60 歳 以上 ", "60+"),  # spaces in the label
        (PADDED, 4.0, "04"),  # 「04」 became 4
        (PADDED, "4", "04"),
        (PADDED, "4.0", "04"),
        (PADDED, 10.0, "10"),  # an exact code wins
        (SERVICE, dt.date(2026, 3, 9), "3-9"),  # 「3-9」 became 9 March
        (SERVICE, dt.datetime(2026, 10, 19), "10-19"),  # 「10-19」 became 19 October
        (SERVICE, dt.date(2026, 9, 3), "3-9"),  # … or 3 September in a day-month locale
        (SERVICE, "3月9日", "3-9"),  # a Japanese Excel's CSV of that date
        (SERVICE, "2026/3/9", "3-9"),
        (SERVICE, "9-Mar", "3-9"),  # an English Excel's CSV
        (SERVICE, "Mar 09", "3-9"),  # LibreOffice's CSV of that date (seen in the round-trip test)
        (SERVICE, "Oct 19", "10-19"),
        (SERVICE, "03/09/26", "3-9"),
        (SERVICE, -2.0, "-2"),
        (SERVICE, "20", "20+"),
        (SEX, "女性", "F"),
        (SEX, "女", "F"),  # an alias
        (SEX, "Ｆ", "F"),  # full-width F
        (SEX, "f", "F"),  # case
        (SEX, "男性", "M"),
        (SEX, "", None),
        (SEX, None, None),
    ],
)
def test_codes_come_back_from_what_spreadsheets_made_of_them(codebook: Codebook, value: object, code: str) -> None:
    assert codebook.match(value) == code


@pytest.mark.parametrize(
    ("codebook", "value", "needle"),
    [
        (AGE, 70.0, "「70」は選択肢にありません。次のどれかを入力してください：-29=29歳以下 / 30=30〜39歳"),
        (AGE, "50", "選択肢にありません"),
        (AGE, 60.5, "「60.5」は選択肢にありません"),
        (Codebook([("04", "a"), ("4+", "b")]), 4.0, "数値 4 に当たるコードが複数あります（04、4+）"),
        (Codebook([("1-2", "a"), ("2-1", "b")]), dt.date(2026, 1, 2), "どのコードか決められません（1-2、2-1）"),
        (AGE, dt.date(2026, 1, 2), "日付になっていて、選択肢にありません"),
        (Codebook([("1234567890123", "x")]), "1.23457E+12", "指数表記に変わり、桁が失われています"),
        (SEX, True, "「TRUE」は選択肢にありません"),
        (SEX, "=A1", "数式のような値（=A1）は使えません"),
        (Codebook([Code("A", "同じ"), Code("B", "同じ")]), "同じ", "「同じ」に当たるコードが複数あります（A、B）"),
    ],
)
def test_conversions_that_cannot_be_undone_are_refused_with_the_reason(
    codebook: Codebook, value: object, needle: str
) -> None:
    with pytest.raises(CellValueError) as caught:
        codebook.match(value)
    assert needle in caught.value.message


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("12.5", 12.5),
        ("１２．５", 12.5),
        ("1,234", 1234.0),
        ("12.5%", 12.5),
        ("３人", 3.0),
        ("△5", -5.0),
        ("▲0.5", -0.5),
        ("1.5E+3", 1500.0),
        (4.0, 4.0),
        (7, 7.0),
        ("-", None),
        ("…", None),
        ("非公表", None),
        ("***", None),
        ("", None),
        (None, None),
    ],
)
def test_numbers_as_people_and_spreadsheets_write_them(value: object, number: float | None) -> None:
    assert number_of(value) == number


def test_a_marker_can_mean_zero_where_the_source_says_so() -> None:
    assert number_of("-", zero=frozenset({"-"})) == 0.0 and number_of("***", zero=frozenset({"-"})) is None


@pytest.mark.parametrize("value", ["abc", "1.2.3", True, float("nan"), dt.date(2026, 1, 1), "12 34 x"])
def test_what_is_not_a_number_is_refused(value: object) -> None:
    with pytest.raises(CellValueError):
        number_of(value)


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("2025年10月30日", dt.date(2025, 10, 30)),  # the 女性活躍DB's own form
        ("2025/10/30", dt.date(2025, 10, 30)),
        ("2025-10-30", dt.date(2025, 10, 30)),
        ("2025.10.30", dt.date(2025, 10, 30)),
        ("2025-10-30 00:00:00", dt.date(2025, 10, 30)),
        ("２０２５年１０月３０日", dt.date(2025, 10, 30)),
        ("令和7年10月30日", dt.date(2025, 10, 30)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("R7.10.30", dt.date(2025, 10, 30)),
        ("H31.4.30", dt.date(2019, 4, 30)),
        ("20251030", dt.date(2025, 10, 30)),
        (45960.0, dt.date(2025, 10, 30)),  # an Excel serial in a date column
        ("45960", dt.date(2025, 10, 30)),  # … written out as text by a CSV
        (45960.75, dt.date(2025, 10, 30)),  # the time of day dropped
        (dt.datetime(2025, 10, 30, 9, 0), dt.date(2025, 10, 30)),
        (dt.date(2025, 10, 30), dt.date(2025, 10, 30)),
        ("", None),
    ],
)
def test_dates_in_every_form_a_file_writes_them(value: object, date: dt.date | None) -> None:
    assert date_of(value) == date


def test_excel_serials_follow_the_1900_date_system_and_its_leap_year_mistake() -> None:
    assert serial_date(1) == dt.date(1900, 1, 1)
    assert serial_date(59) == dt.date(1900, 2, 28)
    assert serial_date(61) == dt.date(1900, 3, 1)
    with pytest.raises(CellValueError, match="1900年2月29日"):
        serial_date(60)


@pytest.mark.parametrize("value", ["2025年13月1日", "昨日", 0.0, 45960.0])
def test_what_is_not_a_date_is_refused(value: object) -> None:
    with pytest.raises(CellValueError):
        date_of(value, serial=value != 0.0 and value != 45960.0)


def test_identifiers_keep_their_digits_and_refuse_lost_ones() -> None:
    assert identifier_of(1234567890123.0) == "1234567890123"
    assert identifier_of("１２３４５６７８９０１２３") == "1234567890123"
    assert identifier_of(11002.0, width=5) == "11002" and identifier_of(1100.0, width=5) == "01100"
    assert identifier_of("") is None
    with pytest.raises(CellValueError, match="指数表記"):
        identifier_of("1.23457E+12")
    with pytest.raises(CellValueError, match="指数表記"):
        identifier_of(1.2345678901234567e18)


def test_text_forms() -> None:
    assert plain_text(4.0) == "4" and plain_text(0.1) == "0.1" and plain_text("'=SUM(A1)") == "=SUM(A1)"
    assert plain_text(dt.date(2026, 1, 2)) == "2026-01-02" and plain_text(True) == "TRUE"
    assert folded("　Ｆ ") == "F" and folded("'-29") == "-29"
    assert cell_text("０歳～４歳") == "0歳~4歳" and cell_text(11002.0) == "11002" and cell_text("'x") == "'x"
