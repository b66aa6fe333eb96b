import datetime as dt

from shokuba.core.dates import fiscal_year, fiscal_year_label, wareki


def test_fiscal_year_runs_april_to_march() -> None:
    assert fiscal_year(dt.date(2026, 3, 31)) == 2025
    assert fiscal_year(dt.date(2026, 4, 1)) == 2026
    assert fiscal_year(dt.date(2027, 3, 31)) == 2026


def test_wareki() -> None:
    assert wareki(dt.date(2026, 1, 19)) == "令和8年1月19日"
    assert wareki(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert wareki(dt.date(2019, 4, 30)) == "平成31年4月30日"
    assert fiscal_year_label(2026) == "2026年度（令和8年度）"


def test_a_fiscal_year_is_named_by_the_era_of_its_calendar_year() -> None:
    # Issue 13.4: fiscal 2019 began on 2019-04-01 under 平成, but is 令和元年度, not 平成31年度.
    assert fiscal_year_label(2019) == "2019年度（令和元年度）"
    assert fiscal_year_label(2018) == "2018年度（平成30年度）"
    assert fiscal_year_label(2020) == "2020年度（令和2年度）"
    # The same rule at the previous change of era: 昭和64年 ended on 7 January 1989; fiscal 1989 is 平成元年度.
    assert fiscal_year_label(1989) == "1989年度（平成元年度）"
    assert fiscal_year_label(1988) == "1988年度（昭和63年度）"
    # A day is still named by the era of that day.
    assert wareki(dt.date(2019, 4, 30)) == "平成31年4月30日"
    assert wareki(dt.date(2019, 5, 1)) == "令和元年5月1日"
