"""Fiscal years (年度, April to March) and Japanese era (和暦) display."""

from __future__ import annotations

import datetime as dt

# (first day of the era, name). Only the eras a record in this platform can fall in.
_ERAS: tuple[tuple[dt.date, str], ...] = (
    (dt.date(2019, 5, 1), "令和"),
    (dt.date(1989, 1, 8), "平成"),
    (dt.date(1926, 12, 25), "昭和"),
)


def fiscal_year(day: dt.date) -> int:
    """The 年度 a date belongs to: 2027-03-31 is 2026年度."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def era_year(day: dt.date) -> tuple[str, int]:
    for start, name in _ERAS:
        if day >= start:
            return name, day.year - start.year + 1
    raise ValueError(f"date before 昭和: {day}")


def wareki(day: dt.date) -> str:
    """令和8年11月25日 (the first year is written 元年)."""
    name, year = era_year(day)
    year_text = "元" if year == 1 else str(year)
    return f"{name}{year_text}年{day.month}月{day.day}日"


def fiscal_year_label(year: int) -> str:
    """2026年度（令和8年度）. A fiscal year is named by the era of its calendar year: 2019年度, which began on
    1 April 2019 under 平成, is 令和元年度 (as the government names it since the era changed on 1 May 2019)."""
    name, era = era_year(dt.date(year, 12, 31))
    era_text = "元" if era == 1 else str(era)
    return f"{year}年度（{name}{era_text}年度）"
