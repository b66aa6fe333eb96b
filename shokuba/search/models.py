"""The one search index of the members' shared knowledge (cases now; forum posts and materials plug in the same way).

A `SearchDocument` is one searchable thing of a registered kind (`registry.py`), kept by its app's services on save
(`services.search_document_save`); its `SearchPosting` rows are the inverted index: term → document with the term's
count (word terms: Sudachi's normalised forms, prefixed "="; character bigrams), from `shokuba.analysis.japanese`.
Plain tables and B-tree indexes, so the same queries run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from shokuba.network.models import Member


class SearchDocument(models.Model):
    kind = models.CharField(_("種類"), max_length=32)
    object_id = models.BigIntegerField()
    member = models.ForeignKey(Member, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # Who may find the document, decided by its kind when it is indexed (registry.py): "network" (every reader of
    # the network's shared knowledge), "staff" (the network's staff and the owning member), "member" (the owning
    # member only). The kind's narrowing reads it at query time; its visible_* stays the rule (tests compare them).
    audience = models.CharField(max_length=16)
    member_kind = models.CharField(max_length=16, blank=True)  # network.MemberKind, for the filter
    region = models.CharField(max_length=16, blank=True)  # the member's region block, for the filter
    # Codes joined and framed by "|" ("|1-a|4-3|"), so one code is found by `contains="|4-3|"` on any database.
    steps = models.CharField(max_length=400, blank=True)
    themes = models.CharField(max_length=400, blank=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    normalised = models.TextField(blank=True)  # the word terms, space-separated (what the words index holds)
    length = models.PositiveIntegerField(default=0)  # number of terms (with repeats): BM25's document length
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique")]
        indexes = [models.Index(fields=["kind", "member"], name="search_document_kind_member")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


class SearchPosting(models.Model):
    """One term of one document: its count and its BM25 term-frequency weight, tf·(k1+1) / (tf + k1·(1−b+b·len/L))
    with the fixed reference length L (`services.REFERENCE_LENGTH`) instead of the corpus' moving average, so a
    posting never changes after it is written. A query's score is Σ idf(term) × weight, read from the covering index
    (term, document, weight) alone: the documents' rows are touched only for narrowing and filters."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="postings")
    term = models.CharField(max_length=64)
    tf = models.PositiveIntegerField()
    weight = models.FloatField()

    class Meta:
        indexes = [
            models.Index(fields=["term", "document", "weight"], name="search_posting_term"),
            models.Index(fields=["document"], name="search_posting_document"),
        ]

    def __str__(self) -> str:
        return f"{self.term}→{self.document_id}"


ALL_DOCUMENTS = ""  # the SearchTerm row that counts every document (BM25's N); no indexed term is empty


class SearchTerm(models.Model):
    """How many NETWORK documents hold a term (BM25's document frequency), kept beside the postings by `services`
    in the same transaction; the row with the empty term (`ALL_DOCUMENTS`) counts the NETWORK documents. Only those:
    every searcher finds them, so an idf (and the scores and order it makes) reveals nothing of a document the
    searcher could not open. A query reads its terms' rows instead of counting their postings (counting took 22 ms
    for a three-word query's seven terms on 60,000 documents)."""

    term = models.CharField(max_length=64, primary_key=True)
    documents = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.term}: {self.documents}"
