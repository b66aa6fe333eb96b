"""Template filters for Japanese public-sector dates."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone, translation

from shokuba.core import dates

register = template.Library()


@register.filter
def wareki(value: object) -> str:
    """令和8年11月25日 in Japanese; ISO date in other languages. Anything that is not a date shows as empty."""
    if not isinstance(value, dt.date):
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if translation.get_language() == "ja":
        return dates.wareki(value)
    return value.isoformat()


@register.filter
def fiscal_year_label(year: int | None) -> str:
    if year is None:
        return ""
    if translation.get_language() == "ja":
        return dates.fiscal_year_label(int(year))
    return f"FY{year}"
