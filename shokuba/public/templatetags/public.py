"""The public pages' links carry the page's language (`?lang=en`; Japanese has no parameter)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.urls import reverse
from django.utils import translation

from shokuba.network.models import Industry

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


@lru_cache(maxsize=8)
def _industry_labels(language: str) -> dict[str, str]:
    with translation.override(language):
        return {code: str(label) for code, label in Industry.choices}


@register.filter
def industry(code: str) -> str:
    """An industry's label in the page's language. `Model.get_industry_display` builds a dict of every choice (each a
    lazy translation, hashed through gettext) at every call: 200 organisations on a member page cost 40–120 ms."""
    return _industry_labels(translation.get_language() or "ja").get(code, code)
