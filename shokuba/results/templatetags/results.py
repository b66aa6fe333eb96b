"""Template filters of the results pages: a hidden value is "—" (`dash`), a value that cannot be computed "なし" (`na`).
Each page says once, in its legend, what the two marks mean."""

from __future__ import annotations

import math
from typing import Any

from django import template
from django.utils.translation import pgettext

from shokuba.analysis.suppression import HIDDEN_MARK

register = template.Library()


@register.filter
def dash(value: Any, digits: int = 1) -> str:
    """A number for the page: "—" when suppressed or undefined; floats with `digits` decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return HIDDEN_MARK
    if isinstance(value, float):
        return f"{value:.{int(digits)}f}"
    return str(value)


@register.filter
def pvalue(value: Any) -> str:
    if value is None:
        return HIDDEN_MARK
    return "<0.001" if value < 0.001 else f"{value:.3f}"


@register.filter
def signed(value: Any, digits: int = 1) -> str:
    if value is None:
        return HIDDEN_MARK
    return f"{value:+.{int(digits)}f}"


@register.filter
def na(value: Any, digits: int = 1) -> str:
    """A figure of a shown group that cannot be computed (a test that does not apply, a share of nobody): "なし",
    never "—", which means hidden on every page."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return str(pgettext("not computable", "なし"))
    return dash(value, digits)


@register.filter
def pvalue_na(value: Any) -> str:
    return str(pgettext("not computable", "なし")) if value is None else pvalue(value)


@register.filter
def item_text(items: Any, code: str) -> str:
    """An item's statement from the page's items by code (people read statements, not codes like WS-Z01)."""
    item = items.get(code) if hasattr(items, "get") else None
    return str(item.text) if item is not None else code
