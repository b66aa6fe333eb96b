"""The stored document frequencies (SearchTerm) that the ranking's idf reads: after every save, re-save with other
text, audience change and delete, they equal what the postings say (each term's documents and all documents), as
the full recount and the migration's backfill compute it. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterator

import pytest

from shokuba.network.models import Member, User
from shokuba.search.models import ALL_DOCUMENTS, SearchDocument, SearchPosting, SearchTerm
from shokuba.search.registry import MEMBER, NETWORK, Narrowing, search_kind_register, search_kind_unregister
from shokuba.search.services import (
    FREQUENCY_BATCH,
    Indexable,
    search_document_audience_set,
    search_document_delete,
    search_document_save,
    search_terms_recount,
)

pytestmark = pytest.mark.django_db

KIND, OTHER = "test_df_note", "test_df_post"


@pytest.fixture(autouse=True)
def kinds() -> Iterator[None]:
    for kind in (KIND, OTHER):
        search_kind_register(
            kind, label=kind, narrowing=lambda user: Narrowing(everywhere=frozenset({NETWORK})), url=str
        )
    yield
    for kind in (KIND, OTHER):
        search_kind_unregister(kind)


def _stored() -> dict[str, int]:
    return {term: n for term, n in SearchTerm.objects.values_list("term", "documents") if n}


def _from_postings() -> dict[str, int]:
    """The document frequencies by definition: over the NETWORK documents."""
    counted = Counter(term for (term,) in SearchPosting.objects.filter(document__audience=NETWORK).values_list("term"))
    counted[ALL_DOCUMENTS] = SearchDocument.objects.filter(audience=NETWORK).count()
    return {term: n for term, n in counted.items() if n}


def test_counts_follow_every_change(toyooka: Member, kesennuma: Member) -> None:
    assert _stored() == {}
    search_document_save(Indexable(KIND, 1, toyooka, NETWORK, "男性の育休", "育休の説明会を開いた。"))
    search_document_save(Indexable(KIND, 2, kesennuma, MEMBER, "女性の採用", "採用説明会で育休を説明した。"))
    search_document_save(Indexable(OTHER, 1, toyooka, NETWORK, "育休の相談", "管理職が反対した。"))
    assert _stored() == _from_postings()
    assert _stored()[ALL_DOCUMENTS] == 2  # the MEMBER document is not counted
    assert _stored()["育休"] == 2 and "採用" not in _stored()

    # The same object saved again with other text: its old terms leave, its new ones come, N does not move.
    search_document_save(Indexable(KIND, 1, toyooka, NETWORK, "テレワーク", "在宅勤務を始めた。"))
    assert _stored() == _from_postings()
    assert _stored()[ALL_DOCUMENTS] == 2
    assert _stored()["育休"] == 1
    # Saved again unchanged: nothing moves.
    before = _stored()
    search_document_save(Indexable(KIND, 1, toyooka, NETWORK, "テレワーク", "在宅勤務を始めた。"))
    assert _stored() == before

    # Entering NETWORK counts the document, leaving it uncounts it; an unchanged audience moves nothing.
    search_document_audience_set(kind=KIND, object_id=2, audience=NETWORK)
    assert _stored() == _from_postings()
    assert _stored()[ALL_DOCUMENTS] == 3 and _stored()["採用"] == 1
    search_document_audience_set(kind=KIND, object_id=2, audience=NETWORK)
    assert _stored()[ALL_DOCUMENTS] == 3
    search_document_audience_set(kind=OTHER, object_id=1, audience=MEMBER)
    assert _stored() == _from_postings()
    assert _stored()[ALL_DOCUMENTS] == 2
    search_document_audience_set(kind=OTHER, object_id=1, audience=NETWORK)

    search_document_delete(kind=KIND, object_id=2)
    search_document_delete(kind=KIND, object_id=99)  # never indexed: nothing to take away
    assert _stored() == _from_postings()
    assert _stored()[ALL_DOCUMENTS] == 2
    assert "採用" not in _stored()

    search_terms_recount()
    assert _stored() == _from_postings()


def test_a_document_with_more_terms_than_one_batch(toyooka: Member) -> None:
    # Distinct bigrams well past one upsert's batch: every batch is written.
    body = "".join(chr(0x4E00 + i) for i in range(FREQUENCY_BATCH * 2 + 50))
    search_document_save(Indexable(KIND, 1, toyooka, NETWORK, "長い資料", body))
    stored = _stored()
    assert len(stored) > FREQUENCY_BATCH * 2
    assert stored == _from_postings()
    search_document_delete(kind=KIND, object_id=1)
    assert _stored() == {}


def test_recount_repairs_counts_after_a_cascade(toyooka: Member, kesennuma: Member, coordinator: User) -> None:
    from django.core.management import call_command

    from shokuba.search.selectors import search

    search_document_save(Indexable(KIND, 1, toyooka, NETWORK, "男性の育休", "育休の説明会を開いた。"))
    search_document_save(Indexable(KIND, 2, kesennuma, NETWORK, "女性の採用", "採用説明会を開いた。"))
    SearchDocument.objects.filter(member=kesennuma).delete()  # behind the services' back, as a cascade would
    assert _stored() != _from_postings()
    # Counts past the total, or below zero, do not stop the search before the repair.
    SearchTerm.objects.filter(term="育休").update(documents=-3)
    SearchTerm.objects.filter(term="説明").update(documents=99)
    assert [h.object_id for h in search(coordinator, "育休 説明会").hits] == [1]
    call_command("search_recount", stdout=io.StringIO())
    assert _stored() == _from_postings()
    assert _stored()[ALL_DOCUMENTS] == 1


def test_a_save_keeps_the_documents_row(toyooka: Member) -> None:
    """Re-indexing rewrites the row in place (same id), so a concurrent save of the same object finds it again."""
    first = search_document_save(Indexable(KIND, 1, toyooka, NETWORK, "男性の育休", "育休の説明会を開いた。"))
    again = search_document_save(Indexable(KIND, 1, toyooka, MEMBER, "テレワーク", "在宅勤務を始めた。"))
    assert again.pk == first.pk
    assert SearchDocument.objects.filter(kind=KIND, object_id=1).count() == 1
    assert _stored() == _from_postings() == {}  # it left NETWORK: nothing is counted


def test_the_migration_counts_an_existing_index(toyooka: Member, kesennuma: Member) -> None:
    from importlib import import_module

    from django.db import connection, migrations

    search_document_save(Indexable(KIND, 1, toyooka, NETWORK, "男性の育休", "育休の説明会を開いた。"))
    search_document_save(Indexable(OTHER, 1, kesennuma, NETWORK, "女性の採用", "採用説明会を開いた。"))
    SearchTerm.objects.all().delete()  # an index from before the table existed
    migration = import_module("shokuba.search.migrations.0002_document_frequencies").Migration
    backfill = [op for op in migration.operations if isinstance(op, migrations.RunSQL)]
    assert len(backfill) == 1
    with connection.cursor() as cursor:
        for statement in backfill[0].sql:
            cursor.execute(statement)
    assert _stored() == _from_postings()
    assert _stored()[ALL_DOCUMENTS] == 2


ROLES = ("secretariat", "support", "coordinator", "prefecture_coordinator", "other_coordinator", "org_admin")


@pytest.mark.parametrize("role", ROLES)
def test_every_searcher_finds_every_network_document_of_every_kind(request: pytest.FixtureRequest, role: str) -> None:
    """What counting only NETWORK documents rests on: a user that finds anything in any kind finds NETWORK
    documents in every kind (else an idf would count documents that user cannot open)."""
    from shokuba.search.registry import search_kinds

    user = request.getfixturevalue(role)
    rules = {kind.kind: kind.narrowing(user) for kind in search_kinds() if kind.kind not in (KIND, OTHER)}
    assert {"case", "forum", "material"} <= rules.keys()
    if any(rule.everywhere or rule.own for rule in rules.values()):
        assert all(NETWORK in rule.everywhere for rule in rules.values()), rules


def test_another_members_draft_moves_no_score(
    toyooka: Member, kesennuma: Member, coordinator: User, other_coordinator: User
) -> None:
    """The attack: watch the scores of what one may read while another member writes a draft (or a closed worry)
    full of a word. Scores and order must not move, else their difference tells that the hidden text exists."""
    from shokuba.forum import services as forum
    from shokuba.learning import services as learning
    from shokuba.learning.tests.fixtures import approved_case, case_input
    from shokuba.search.selectors import search

    approved_case(toyooka, coordinator, title="男性の育休とハラスメント研修")
    approved_case(toyooka, coordinator, title="採用説明会", tried="ハラスメントの相談窓口を紹介した。")

    def seen() -> list[tuple[int, float]]:
        return [(hit.object_id, hit.score) for hit in search(coordinator, "ハラスメント 研修").hits] + [
            (hit.object_id, hit.score) for hit in search(coordinator, "ハラスメント").hits
        ]

    before = seen()
    assert before
    learning.case_save(
        actor=other_coordinator,
        member=kesennuma,
        data=case_input(title="ハラスメント研修 ハラスメント", tried="ハラスメントの訴えが続いた。"),
    )
    forum.thread_start(
        actor=other_coordinator, category="worries", title="ハラスメントの相談", body="ハラスメント研修。", private=True
    )
    assert seen() == before
