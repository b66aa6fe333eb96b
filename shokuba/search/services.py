"""Keeping the index: the owning app's services call these inside their own transaction, on every save (so a
document changes with its object, or not at all). No permission check here: the caller's service has made it,
and what a user sees is decided at query time by the kind's `visible_*`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from shokuba.analysis.japanese import WORD_PREFIX, index_terms
from shokuba.network.models import Member
from shokuba.search.models import ALL_DOCUMENTS, SearchDocument, SearchPosting, SearchTerm
from shokuba.search.registry import AUDIENCES, NETWORK, search_kind

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


def _counted_terms(ids: list[int]) -> Counter[str]:
    """What the given documents add to the document frequencies: +1 for each term of each one whose audience is
    NETWORK, and for ALL_DOCUMENTS. Only those are counted: every user who can search finds every NETWORK document
    (registry.py), so the idf — and the scores and order it makes — says nothing about a document a searcher could
    not open (another member's draft, a closed worry)."""
    counted = list(SearchDocument.objects.filter(pk__in=ids, audience=NETWORK).values_list("pk", flat=True))
    terms: Counter[str] = Counter(SearchPosting.objects.filter(document_id__in=counted).values_list("term", flat=True))
    if counted:
        terms[ALL_DOCUMENTS] = len(counted)
    return terms


def _frequencies_removed(kind: str, object_id: int) -> Counter[str]:
    """Delete an object's document (its postings go with it) and return what that takes from the document
    frequencies (nothing when it was not indexed, or not counted)."""
    # Locked first: a concurrent save or delete of the same object waits, then finds what this one left.
    ids = list(
        SearchDocument.objects.select_for_update().filter(kind=kind, object_id=object_id).values_list("pk", flat=True)
    )
    if not ids:
        return Counter()
    removed: Counter[str] = Counter()
    removed.subtract(_counted_terms(ids))
    SearchDocument.objects.filter(pk__in=ids).delete()
    return removed


FREQUENCY_BATCH = 400  # terms per upsert: two parameters each, well under SQLite's and PostgreSQL's limits


def _frequencies_add(changes: Counter[str]) -> None:
    """Add to the stored document frequencies in one upsert per batch (the same SQL on SQLite and PostgreSQL), in
    term order, so two saves that share terms lock their rows in the same order and never deadlock."""
    rows = sorted((term, change) for term, change in changes.items() if change)
    table = SearchTerm._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(rows), FREQUENCY_BATCH):
            batch = rows[start : start + FREQUENCY_BATCH]
            cursor.execute(
                f"INSERT INTO {table} (term, documents) VALUES {', '.join(['(%s, %s)'] * len(batch))}"  # noqa: S608
                f" ON CONFLICT (term) DO UPDATE SET documents = {table}.documents + excluded.documents",
                [value for row in batch for value in row],
            )


def search_terms_recount() -> None:
    """Count every term's NETWORK documents again from the postings (after a bulk load that wrote postings directly,
    or to repair counts after documents were deleted behind the services' back, as by a member's cascade)."""
    table, postings, documents = SearchTerm._meta.db_table, SearchPosting._meta.db_table, SearchDocument._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Saves wait for the recount (and it for them) instead of deadlocking on its rows or inserting a term it
            # is about to insert; SQLite's IMMEDIATE transactions already serialise writers.
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - table names from the models
        cursor.execute(
            f"INSERT INTO {table} (term, documents) SELECT p.term, COUNT(p.document_id) FROM {postings} p"  # noqa: S608
            f" INNER JOIN {documents} d ON d.id = p.document_id WHERE d.audience = %s GROUP BY p.term",
            [NETWORK],
        )
        cursor.execute(
            f"INSERT INTO {table} (term, documents) SELECT %s, COUNT(*) FROM {documents} WHERE audience = %s",  # noqa: S608
            [ALL_DOCUMENTS, NETWORK],
        )


@transaction.atomic
def search_document_save(item: Indexable) -> SearchDocument:
    """Index an object (again): its document row rewritten in place, its postings replaced, the document
    frequencies moved by the difference."""
    document, terms = document_row(item)
    # The row is locked and kept (same id): a concurrent save of the same object waits, then finds the row again
    # with this save's postings to take away (a row deleted and inserted anew would leave it nothing to find, and
    # its insert would collide with this one's on the unique key).
    existing = SearchDocument.objects.select_for_update().filter(kind=item.kind, object_id=item.object_id).first()
    changes: Counter[str] = Counter()
    if existing is None:
        document.save()
    else:
        changes.subtract(_counted_terms([existing.pk]))
        SearchPosting.objects.filter(document_id=existing.pk).delete()
        document.pk = existing.pk
        document.save(force_update=True)
    if document.audience == NETWORK:
        changes.update(dict.fromkeys([*terms, ALL_DOCUMENTS], 1))
    _frequencies_add(changes)
    SearchPosting.objects.bulk_create(
        [
            SearchPosting(document=document, term=term, tf=count, weight=term_weight(count, document.length))
            for term, count in terms.items()
        ],
        batch_size=2000,
    )
    return document


@transaction.atomic
def search_document_audience_set(*, kind: str, object_id: int, audience: str) -> None:
    """Who may find an indexed object changed (its text did not): the document's audience is rewritten, and the
    document frequencies move when it enters or leaves NETWORK."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    ids = list(
        SearchDocument.objects.select_for_update()
        .filter(kind=kind, object_id=object_id)
        .exclude(audience=audience)
        .values_list("pk", flat=True)
    )
    if not ids:
        return
    changes: Counter[str] = Counter()
    changes.subtract(_counted_terms(ids))  # what they counted for before
    SearchDocument.objects.filter(pk__in=ids).update(audience=audience)
    changes.update(_counted_terms(ids))  # what they count for now
    _frequencies_add(changes)


@transaction.atomic
def search_document_delete(*, kind: str, object_id: int) -> None:
    _frequencies_add(_frequencies_removed(kind, object_id))
