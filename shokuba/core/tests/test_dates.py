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
