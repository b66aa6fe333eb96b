"""Template filters of the results pages: a suppressed (None) value is shown as "—"."""

from __future__ import annotations

import math
from typing import Any

from django import template

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
