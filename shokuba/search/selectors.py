"""The one search over the members' shared knowledge: a query read by `shokuba.analysis.japanese` exactly as the
index was written, matched through the inverted index (every query word found in a document, by its bigrams or by
its normalised word forms), ranked by BM25 from the stored counts, narrowed by each kind's `visible_*` inside the
query (a document the user could not open is never counted, ranked or shown) and by the filters, and highlighted.

Words of one character have no bigram of their own in the index: they are matched by a substring test on the
documents the other words (and the filters) leave, and rank nothing.
"""

from __future__ import annotations

import math
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString

from shokuba.analysis.japanese import QueryWord, query_words
from shokuba.search.highlight import highlight, snippet
from shokuba.search.models import ALL_DOCUMENTS, SearchDocument, SearchTerm
from shokuba.search.registry import search_kind, search_kinds

PAGE_MAX = 50
MASK_BITS = 30  # a query's terms are bits of integer sums (each bit below 2³¹: an integer, summed to a bigint)


@dataclass(frozen=True)
class SearchFilters:
    kinds: tuple[str, ...] = ()
    step: str = ""
    theme: str = ""
    member_kind: str = ""
    region: str = ""


@dataclass
class Hit:
    kind: str
    kind_label: Any
    object_id: int
    member_name: str
    title: SafeString
    snippet: SafeString
    url: str
    score: float
    steps: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)


@dataclass
class SearchResult:
    query: str
    words: list[QueryWord]
    hits: list[Hit]
    total: int


def _narrowing(user: Any, filters: SearchFilters, prefix: str = "") -> Q:
    """The documents that exist for the user (each kind's own `visible_*`, inside the query) and the filters, as a
    condition on the document (`prefix` "document__" when the query starts from the postings)."""
    visible = Q(**{f"{prefix}pk__in": []})
    for kind in search_kinds():
        if filters.kinds and kind.kind not in filters.kinds:
            continue
        narrowing = kind.narrowing(user)
        if narrowing.everywhere:
            visible |= Q(**{f"{prefix}kind": kind.kind, f"{prefix}audience__in": sorted(narrowing.everywhere)})
        if narrowing.own_member and narrowing.own:
            visible |= Q(
                **{
                    f"{prefix}kind": kind.kind,
                    f"{prefix}member_id": narrowing.own_member,
                    f"{prefix}audience__in": sorted(narrowing.own),
                }
            )
    condition = visible
    if filters.step:
        condition &= Q(**{f"{prefix}steps__contains": f"|{filters.step}|"})
    if filters.theme:
        condition &= Q(**{f"{prefix}themes__contains": f"|{filters.theme}|"})
    if filters.member_kind:
        condition &= Q(**{f"{prefix}member_kind": filters.member_kind})
    if filters.region:
        condition &= Q(**{f"{prefix}region": filters.region})
    return condition


def visible_documents(user: Any, filters: SearchFilters = SearchFilters()) -> QuerySet[SearchDocument]:
    """The documents that exist for the user, filtered."""
    return SearchDocument.objects.filter(_narrowing(user, filters))


def _idf(terms: set[str]) -> dict[str, float]:
    """BM25's idf from the stored document frequencies over the NETWORK documents (SearchTerm, kept by the
    services; why only those: services._counted_terms): one row per term."""
    df = dict(SearchTerm.objects.filter(term__in=[*terms, ALL_DOCUMENTS]).values_list("term", "documents"))
    total = max(df.pop(ALL_DOCUMENTS, 0), 0)
    # Counts that drifted (documents deleted behind the services' back; `manage.py search_recount` repairs them)
    # must not stop the search: each count is held between 0 and the total.
    held = {t: min(max(df.get(t, 0), 0), total) for t in terms}
    return {t: math.log(1 + (total - held[t] + 0.5) / (held[t] + 0.5)) for t in terms}


def search(
    user: Any, query: str, *, filters: SearchFilters = SearchFilters(), limit: int = 20, offset: int = 0
) -> SearchResult:
    limit = max(1, min(limit, PAGE_MAX))
    words = query_words(query)
    short = [w for w in words if len(w.text) == 1]
    indexed = [w for w in words if len(w.text) > 1]
    if not indexed:
        documents = visible_documents(user, filters)
        for word in short:
            documents = documents.filter(Q(title__icontains=word.text) | Q(body__icontains=word.text))
        ordered = documents.order_by("-updated_at", "pk")
        total = ordered.count()
        page = [(doc, 0.0) for doc in ordered.select_related("member__local_government")[offset : offset + limit]]
        return SearchResult(query, words, _hits(page, words), total)

    terms = sorted(set().union(*(w.terms for w in indexed)))
    idf = _idf(set(terms))
    rows, total = _ranked(user, filters, indexed, short, terms, idf, limit, offset)
    by_id = SearchDocument.objects.select_related("member__local_government").in_bulk([pk for pk, _ in rows])
    page = [(by_id[pk], float(s)) for pk, s in rows if pk in by_id]
    return SearchResult(query, words, _hits(page, words), total)


def _marks(values: Any) -> str:
    return ", ".join(["%s"] * len(values))


def _ranked(
    user: Any,
    filters: SearchFilters,
    indexed: list[QueryWord],
    short: list[QueryWord],
    terms: list[str],
    idf: dict[str, float],
    limit: int,
    offset: int,
) -> tuple[list[tuple[int, float]], int]:
    """One page of the matched documents, best first, and how many matched, in one statement (the same SQL on SQLite
    and PostgreSQL):

    1. matched: each term's postings read once, from the covering index (term, document, weight) alone, each with
       its idf × weight and its term's bit; grouped by document in one pass (one hash aggregate): the score
       (Σ idf × weight) and the sums of bits that say which terms the document holds, so a query word matches when
       all its bigrams' bits or all its word terms' bits are set (every word must match). No per-word subquery, no
       per-row CASE, no posting row read;
    2. only the matched documents are joined to their rows for the narrowing (kind, audience, member) and the
       filters, ordered and counted with a window count."""
    params: list[Any] = []
    # Term i is bit i % MASK_BITS of the sum `mask{i // MASK_BITS}`: a document's sums say which terms it holds.
    bit = {t: (i // MASK_BITS, 1 << (i % MASK_BITS)) for i, t in enumerate(terms)}
    masks = range((len(terms) - 1) // MASK_BITS + 1)
    branches = []
    for term in terms:
        columns = ", ".join(f"%s AS mask{k}" for k in masks)
        branches.append(
            f"SELECT document_id, CAST(%s AS DOUBLE PRECISION) * weight AS score, {columns}"  # noqa: S608
            " FROM search_searchposting WHERE term = %s"
        )
        params.extend([idf[term], *(bit[term][1] if bit[term][0] == k else 0 for k in masks), term])
    matches = []
    for word in indexed:
        parts = []
        for group in (word.grams, word.words):
            if group:
                wanted: dict[int, int] = {}
                for t in group:
                    wanted[bit[t][0]] = wanted.get(bit[t][0], 0) | bit[t][1]
                parts.append(" AND ".join(f"(m.mask{k} & %s) = %s" for k in sorted(wanted)))
                params.extend(x for k in sorted(wanted) for x in (wanted[k], wanted[k]))
        matches.append("((" + ") OR (".join(parts) + "))")

    narrowing: list[str] = []
    for kind in search_kinds():
        if filters.kinds and kind.kind not in filters.kinds:
            continue
        rule = kind.narrowing(user)
        if rule.everywhere:
            narrowing.append(f"(d.kind = %s AND d.audience IN ({_marks(rule.everywhere)}))")
            params.extend([kind.kind, *sorted(rule.everywhere)])
        if rule.own_member and rule.own:
            narrowing.append(f"(d.kind = %s AND d.member_id = %s AND d.audience IN ({_marks(rule.own)}))")
            params.extend([kind.kind, rule.own_member, *sorted(rule.own)])
    if not narrowing:
        return [], 0
    conditions = ["(" + " OR ".join(narrowing) + ")"]
    for column, value in (("steps", filters.step), ("themes", filters.theme)):
        if value:
            conditions.append(f"d.{column} LIKE %s ESCAPE '!'")
            params.append("%|" + _like(value) + "|%")
    for column, value in (("member_kind", filters.member_kind), ("region", filters.region)):
        if value:
            conditions.append(f"d.{column} = %s")
            params.append(value)
    for word in short:
        conditions.append("(LOWER(d.title) LIKE %s ESCAPE '!' OR LOWER(d.body) LIKE %s ESCAPE '!')")
        params.extend(["%" + _like(word.text) + "%"] * 2)
    params.extend([limit, offset])
    sums = ", ".join(f"SUM(u.mask{k}) AS mask{k}" for k in masks)
    statement = (
        f"WITH m AS (SELECT u.document_id, SUM(u.score) AS score, {sums}"  # noqa: S608 - placeholders only
        f" FROM ({' UNION ALL '.join(branches)}) u GROUP BY u.document_id)"
        " SELECT m.document_id, m.score, COUNT(*) OVER () FROM m"
        " INNER JOIN search_searchdocument d ON d.id = m.document_id"
        f" WHERE {' AND '.join(matches + conditions)}"
        " ORDER BY m.score DESC, m.document_id LIMIT %s OFFSET %s"
    )
    postgresql = connection.vendor == "postgresql"
    # On SQLite no transaction: Django begins those IMMEDIATE (settings), a write lock a read must not take.
    with transaction.atomic() if postgresql else nullcontext(), connection.cursor() as cursor:
        if postgresql:
            # No parallel workers for this statement: on 60,000 documents the gather and the merge of the workers'
            # partial aggregates cost more than they share (69 ms with two workers, 50 ms without, idle machine),
            # and under load the workers only compete with other requests for the cores. SET LOCAL ends with the
            # transaction (the request's, when the search runs inside one).
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute(statement, params)
        fetched = cursor.fetchall()
    if fetched:
        return [(int(pk), float(s)) for pk, s, _n in fetched], int(fetched[0][2])
    if offset:  # past the last page: count without it
        first, count = _ranked(user, filters, indexed, short, terms, idf, 1, 0)
        return [], count if first else 0
    return [], 0


def _like(text: str) -> str:
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_").lower()


def _hits(page: list[tuple[SearchDocument, float]], words: list[QueryWord]) -> list[Hit]:
    hits = []
    for document, score in page:
        kind = search_kind(document.kind)
        hits.append(
            Hit(
                kind=document.kind,
                kind_label=kind.label,
                object_id=document.object_id,
                member_name=document.member.local_government.full_name if document.member else "",
                title=highlight(document.title, words),
                snippet=snippet(document.body, words),
                url=kind.url(document.object_id),
                score=score,
                steps=[s for s in document.steps.split("|") if s],
                themes=[t for t in document.themes.split("|") if t],
            )
        )
    return hits
