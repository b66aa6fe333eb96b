"""Keeping the index: the owning app's services call these inside their own transaction, on every save (so a
document changes with its object, or not at all). No permission check here: the caller's service has made it,
and what a user sees is decided at query time by the kind's `visible_*`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from shokuba.analysis.japanese import WORD_PREFIX, index_terms
from shokuba.network.models import Member
from shokuba.search.models import SearchDocument, SearchPosting
from shokuba.search.registry import AUDIENCES, search_kind

K1, B = 1.2, 0.75
REFERENCE_LENGTH = 200  # terms: about a forum post's or a short case's length (title twice, words and bigrams)


def term_weight(tf: int, length: int) -> float:
    """BM25's term-frequency part with a fixed reference length (see SearchPosting)."""
    return tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / REFERENCE_LENGTH))


@dataclass(frozen=True)
class Indexable:
    kind: str
    object_id: int
    member: Member | None
    audience: str  # registry.NETWORK / STAFF / MEMBER
    title: str
    body: str
    steps: Iterable[str] = ()
    themes: Iterable[str] = ()


def _codes(values: Iterable[str]) -> str:
    values = sorted(set(values))
    return "|" + "|".join(values) + "|" if values else ""


def document_row(item: Indexable) -> tuple[SearchDocument, dict[str, int]]:
    """The document row (unsaved) and its terms with counts: the title counts twice."""
    search_kind(item.kind)  # an unregistered kind is a KeyError, not a document nobody can find
    if item.audience not in AUDIENCES:
        raise ValueError(f"unknown audience {item.audience!r}")
    terms = index_terms(item.title)
    terms.update(terms)  # the title weighs double
    terms.update(index_terms(item.body))
    member = item.member
    document = SearchDocument(
        kind=item.kind,
        object_id=item.object_id,
        member=member,
        audience=item.audience,
        member_kind=member.kind if member else "",
        region=member.region_block if member else "",
        steps=_codes(item.steps),
        themes=_codes(item.themes),
        title=item.title,
        body=item.body,
        normalised=" ".join(t[len(WORD_PREFIX) :] for t in terms if t.startswith(WORD_PREFIX)),
        length=sum(terms.values()),
        updated_at=timezone.now(),
    )
    return document, dict(terms)


@transaction.atomic
def search_document_save(item: Indexable) -> SearchDocument:
    """Index an object (again): its document row replaced, its postings rewritten."""
    SearchDocument.objects.filter(kind=item.kind, object_id=item.object_id).delete()
    document, terms = document_row(item)
    document.save()
    SearchPosting.objects.bulk_create(
        [
            SearchPosting(document=document, term=term, tf=count, weight=term_weight(count, document.length))
            for term, count in terms.items()
        ],
        batch_size=2000,
    )
    return document


def search_document_audience_set(*, kind: str, object_id: int, audience: str) -> None:
    """Who may find an indexed object changed (its text did not): only the document's audience is rewritten."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    SearchDocument.objects.filter(kind=kind, object_id=object_id).update(audience=audience)


def search_document_delete(*, kind: str, object_id: int) -> None:
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()
