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

from django.db.models import (
    Avg,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils.safestring import SafeString

from shokuba.analysis.japanese import QueryWord, query_words
from shokuba.search.highlight import highlight, snippet
from shokuba.search.models import SearchDocument, SearchPosting
from shokuba.search.registry import search_kind, search_kinds

K1, B = 1.2, 0.75
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


def visible_documents(user: Any, filters: SearchFilters = SearchFilters()) -> QuerySet[SearchDocument]:
    """The documents that exist for the user (each kind's own narrowing), filtered."""
    visible = Q(pk__in=[])
    for kind in search_kinds():
        if filters.kinds and kind.kind not in filters.kinds:
            continue
        visible |= Q(kind=kind.kind, object_id__in=kind.visible_ids(user))
    documents = SearchDocument.objects.filter(visible)
    if filters.step:
        documents = documents.filter(steps__contains=f"|{filters.step}|")
    if filters.theme:
        documents = documents.filter(themes__contains=f"|{filters.theme}|")
    if filters.member_kind:
        documents = documents.filter(member_kind=filters.member_kind)
    if filters.region:
        documents = documents.filter(region=filters.region)
    return documents


def _idf(terms: set[str]) -> dict[str, float]:
    total = SearchDocument.objects.count()
    df = dict(SearchPosting.objects.filter(term__in=terms).values_list("term").annotate(n=Count("id")))
    return {t: math.log(1 + (total - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5)) for t in terms}


def search(
    user: Any, query: str, *, filters: SearchFilters = SearchFilters(), limit: int = 20, offset: int = 0
) -> SearchResult:
    limit = max(1, min(limit, PAGE_MAX))
    words = query_words(query)
    documents = visible_documents(user, filters)
    short = [w for w in words if len(w.text) == 1]
    indexed = [w for w in words if len(w.text) > 1]
    for word in short:
        documents = documents.filter(Q(title__icontains=word.text) | Q(body__icontains=word.text))
    if not indexed:
        ordered = documents.order_by("-updated_at", "pk")
        total = ordered.count()
        page = [(doc, 0.0) for doc in ordered.select_related("member__local_government")[offset : offset + limit]]
        return SearchResult(query, words, _hits(page, words), total)

    terms = set().union(*(w.terms for w in indexed))
    idf = _idf(terms)
    avgdl = SearchDocument.objects.aggregate(a=Avg("length"))["a"] or 1.0
    weight = Case(*(When(term=t, then=Value(v)) for t, v in idf.items()), default=Value(0.0), output_field=FloatField())
    tf = Cast("tf", FloatField())
    norm = Value(K1 * (1 - B)) + Value(K1 * B / avgdl) * Cast(F("document__length"), FloatField())
    score = ExpressionWrapper(weight * tf * Value(K1 + 1) / (tf + norm), output_field=FloatField())
    found: dict[str, Any] = {"score": Sum(score)}
    condition = Q()
    for i, word in enumerate(indexed):
        either = []
        for name, group in ((f"g{i}", word.grams), (f"w{i}", word.words)):
            if group:
                found[name] = Sum(Case(When(term__in=group, then=1), default=0, output_field=IntegerField()))
                either.append(Q(**{f"{name}__gte": len(group)}))
        condition &= either[0] | either[1] if len(either) == 2 else either[0]
    matched: Any = (
        SearchPosting.objects.filter(term__in=terms, document__in=documents)
        .values("document_id")
        .annotate(**found)
        .filter(condition)
    )
    total = matched.count()
    ranked = matched.order_by("-score", "document_id").values_list("document_id", "score")
    rows: list[tuple[int, float]] = list(ranked[offset : offset + limit])
    by_id = SearchDocument.objects.select_related("member__local_government").in_bulk([pk for pk, _ in rows])
    page = [(by_id[pk], float(s)) for pk, s in rows if pk in by_id]
    return SearchResult(query, words, _hits(page, words), total)


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
