"""The public pages' links carry the page's language (`?lang=en`; Japanese has no parameter)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils import translation

register = template.Library()


def language_query(joiner: str = "?") -> str:
    return f"{joiner}lang=en" if translation.get_language() == "en" else ""


@register.simple_tag
def purl(name: str, *args: Any) -> str:
    """A public URL in the page's language."""
    return reverse(name, args=args) + language_query()


@register.simple_tag
def lang_query(joiner: str = "?") -> str:
    return language_query(joiner)


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


@register.filter
def figure(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.1f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
