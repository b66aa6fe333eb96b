"""The kinds of document the search knows. An app registers each of its kinds from its `AppConfig.ready()`:
its label, how a hit links to its page, and its narrowing: which audiences of documents (`SearchDocument.audience`,
set by the kind's own indexing) a user may find, everywhere and in the user's own member. The kind's `visible_*`
decides the same thing for its pages; each kind tests that the two agree for every role and state. The search
imports no app; apps register with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# NETWORK: every user who can search at all finds these documents, in every kind (a kind's narrowing gives NETWORK
# `everywhere` to each user it gives anything; `search/tests/test_document_frequencies.py` checks it for every role).
# The ranking's document frequencies count only NETWORK documents, so scores and order reveal nothing of the others.
NETWORK, STAFF, MEMBER = "network", "staff", "member"
AUDIENCES = (NETWORK, STAFF, MEMBER)


@dataclass(frozen=True)
class Narrowing:
    everywhere: frozenset[str] = frozenset()  # audiences the user finds in every member's documents
    own_member: str | None = None  # the user's member, if any …
    own: frozenset[str] = frozenset()  # … and the audiences found in its documents


@dataclass(frozen=True)
class SearchKind:
    kind: str
    label: Any  # lazy translation
    narrowing: Callable[[Any], Narrowing]
    url: Callable[[int], str]


_kinds: dict[str, SearchKind] = {}


def search_kind_register(
    kind: str, *, label: Any, narrowing: Callable[[Any], Narrowing], url: Callable[[int], str]
) -> None:
    if kind in _kinds:
        raise ImproperlyConfigured(f"search kind {kind!r} is registered twice")
    _kinds[kind] = SearchKind(kind, label, narrowing, url)


def search_kind_unregister(kind: str) -> None:
    """For a benchmark's or a test's own kind only."""
    _kinds.pop(kind, None)


def search_kind(kind: str) -> SearchKind:
    return _kinds[kind]


def search_kinds() -> list[SearchKind]:
    return list(_kinds.values())
