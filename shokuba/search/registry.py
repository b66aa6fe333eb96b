"""The kinds of document the search knows. An app registers each of its kinds from its `AppConfig.ready()`:
its label, its `visible_*` narrowing (which object ids exist for a user: the search never shows a document the
user could not open), and how a hit links to its page. The search imports no app; apps register with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet


@dataclass(frozen=True)
class SearchKind:
    kind: str
    label: Any  # lazy translation
    visible_ids: Callable[[Any], QuerySet[Any]]  # user → a queryset of the kind's visible primary keys
    url: Callable[[int], str]


_kinds: dict[str, SearchKind] = {}


def search_kind_register(
    kind: str, *, label: Any, visible_ids: Callable[[Any], QuerySet[Any]], url: Callable[[int], str]
) -> None:
    if kind in _kinds:
        raise ImproperlyConfigured(f"search kind {kind!r} is registered twice")
    _kinds[kind] = SearchKind(kind, label, visible_ids, url)


def search_kind_unregister(kind: str) -> None:
    """For a benchmark's or a test's own kind only."""
    _kinds.pop(kind, None)


def search_kind(kind: str) -> SearchKind:
    return _kinds[kind]


def search_kinds() -> list[SearchKind]:
    return list(_kinds.values())
