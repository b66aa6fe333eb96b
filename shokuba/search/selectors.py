"""The one search over the members' shared knowledge: a query read by `shokuba.analysis.japanese` exactly as the
index was written, matched through the inverted index (every query word found in a document, by its bigrams or by
its normalised word forms), ranked by BM25 from the stored counts, narrowed by each kind's `visible_*` inside the
query (a document the user could not open is never counted, ranked or shown) and by the filters, and highlighted.

Words of one character have no bigram of their own in the index: they are matched by a substring test on the
documents the other words (and the filters) leave, and rank nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils.safestring import SafeString

from shokuba.analysis.japanese import QueryWord, query_words
from shokuba.search.highlight import highlight, snippet
from shokuba.search.models import SearchDocument, SearchPosting
from shokuba.search.registry import search_kind, search_kinds

PAGE_MAX = 50


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
    total = SearchDocument.objects.count()
    df = dict(SearchPosting.objects.filter(term__in=terms).values_list("term").annotate(n=Count("id")))
    return {t: math.log(1 + (total - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5)) for t in terms}


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

    terms = set().union(*(w.terms for w in indexed))
    idf = _idf(terms)
    weight = Case(*(When(term=t, then=Value(v)) for t, v in idf.items()), default=Value(0.0), output_field=FloatField())
    found: dict[str, Any] = {"score": Sum(weight * F("weight"), output_field=FloatField())}
    condition = Q()
    for i, word in enumerate(indexed):
        either = []
        for name, group in ((f"g{i}", word.grams), (f"w{i}", word.words)):
            if group:
                found[name] = Sum(Case(When(term__in=group, then=1), default=0, output_field=IntegerField()))
                either.append(Q(**{f"{name}__gte": len(group)}))
        condition &= either[0] | either[1] if len(either) == 2 else either[0]
    postings = SearchPosting.objects.filter(Q(term__in=terms) & _narrowing(user, filters, "document__"))
    for word in short:
        postings = postings.filter(Q(document__title__icontains=word.text) | Q(document__body__icontains=word.text))
    grouped = postings.values("document_id").annotate(**found).filter(condition)
    matched: Any = grouped.values_list("document_id", "score")
    rows, total = _ranked(matched, limit, offset)
    by_id = SearchDocument.objects.select_related("member__local_government").in_bulk([pk for pk, _ in rows])
    page = [(by_id[pk], float(s)) for pk, s in rows if pk in by_id]
    return SearchResult(query, words, _hits(page, words), total)


def _ranked(matched: Any, limit: int, offset: int) -> tuple[list[tuple[int, float]], int]:
    """One page of the matched documents, best first, and how many matched: one statement (a window count over the
    grouped postings), the same SQL on SQLite and PostgreSQL."""
    try:
        sql, params = matched.query.sql_with_params()
    except EmptyResultSet:  # nothing can match (no kind visible to the user): Django refuses to write the SQL
        return [], 0
    statement = (
        f"SELECT ranked.document_id, ranked.score, COUNT(*) OVER () FROM ({sql}) ranked"  # noqa: S608 - Django's SQL
        " ORDER BY ranked.score DESC, ranked.document_id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, limit, offset])
        fetched = cursor.fetchall()
    if fetched:
        return [(int(pk), float(score)) for pk, score, _n in fetched], int(fetched[0][2])
    return [], matched.count() if offset else 0


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
