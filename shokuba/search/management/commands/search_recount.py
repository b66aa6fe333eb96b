"""`manage.py search_recount`: count the search's document frequencies again from the postings (after a bulk load
of the index, or when documents were deleted behind the services' back, as by a member's cascade)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shokuba.search.models import ALL_DOCUMENTS, SearchTerm
from shokuba.search.services import search_terms_recount


class Command(BaseCommand):
    help = "Count the search index's document frequencies again from its postings."

    def handle(self, *args: Any, **options: Any) -> None:
        search_terms_recount()
        total = SearchTerm.objects.filter(term=ALL_DOCUMENTS).values_list("documents", flat=True).first() or 0
        terms = SearchTerm.objects.exclude(term=ALL_DOCUMENTS).count()
        self.stdout.write(f"search_recount: {terms} terms over {total} documents every searcher finds")
