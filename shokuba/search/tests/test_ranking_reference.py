"""The search's statement against a reference computed in Python from the stored postings: the same documents, in
the same order, with the same scores and the same total, for one-word, many-word, long (more terms than one mask
holds) and one-character queries, with narrowing and paging. The suite runs on SQLite and PostgreSQL, so both
databases give this one ranking."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest

from shokuba.analysis.japanese import query_words
from shokuba.network.models import Member, User
from shokuba.search import selectors
from shokuba.search.models import SearchDocument, SearchPosting
from shokuba.search.registry import MEMBER, NETWORK, Narrowing, search_kind_register, search_kind_unregister
from shokuba.search.selectors import search, visible_documents
from shokuba.search.services import Indexable, search_document_save

pytestmark = pytest.mark.django_db

KIND = "test_note"
LONG = "アンコンシャスバイアスワークショップ 女性管理職登用キャリア面談 説明会"
TEXTS = [
    ("男性の育休を進めた", "育休の説明会を開いた。管理職の反応はよかった。"),
    ("育休の取得と採用", "採用説明会で育休の取得を説明した。女性の応募が増えた。"),
    ("女性の採用", "女性の採用説明会を三回開いた。説明会、説明会。"),
    ("管理職の意識", "管理職向けのアンコンシャスバイアスワークショップを行った。"),
    ("キャリア面談の工夫", "女性管理職登用キャリア面談を始めた。育休からの復帰も話した。"),
    ("評価制度の見直し", "人事評価の基準を見直した。評価制度の説明会も開いた。"),
    ("子どもの送り迎え", "こどもの送り迎えのため時間を調整した。"),
    (
        "バイアスと面談",
        "アンコンシャスバイアスワークショップの後で女性管理職登用キャリア面談を行い、説明会で話した。",
    ),
    ("職場見学", "高校生の職場見学を受け入れた。採用につながった。"),
]


@pytest.fixture
def notes(toyooka: Member, kesennuma: Member) -> Iterator[list[SearchDocument]]:
    search_kind_register(
        KIND,
        label="note",
        narrowing=lambda user: Narrowing(
            everywhere=frozenset({NETWORK}), own_member=user.member_id, own=frozenset({NETWORK, MEMBER})
        ),
        url=lambda pk: f"/notes/{pk}/",
    )
    documents = []
    for i, (title, body) in enumerate(TEXTS):
        member = toyooka if i % 2 else kesennuma
        audience = MEMBER if i % 4 == 3 else NETWORK  # some only their own member finds
        documents.append(search_document_save(Indexable(KIND, i + 1, member, audience, title, body)))
    yield documents
    search_kind_unregister(KIND)


def _reference(user: User, query: str) -> list[tuple[int, float]]:
    """Every matched visible document with its score, best first: the definition, one document at a time."""
    words = query_words(query)
    indexed = [w for w in words if len(w.text) > 1]
    terms = set().union(*(w.terms for w in indexed))
    postings = list(SearchPosting.objects.values_list("document_id", "term", "weight"))
    # Document frequencies over the documents every searcher finds (NETWORK), whoever is searching.
    network = set(SearchDocument.objects.filter(audience=NETWORK).values_list("pk", flat=True))
    total = len(network)
    df = {t: sum(1 for d, term, _w in postings if term == t and d in network) for t in terms}
    idf = {t: math.log(1 + (total - df[t] + 0.5) / (df[t] + 0.5)) for t in terms}
    found = []
    for document in visible_documents(user):
        held = {term: weight for d, term, weight in postings if d == document.pk}
        if not all((w.grams and w.grams <= held.keys()) or (w.words and w.words <= held.keys()) for w in indexed):
            continue
        text = (document.title + document.body).lower()
        if not all(w.text in text for w in words if len(w.text) == 1):
            continue
        found.append((document.pk, sum(idf[t] * held[t] for t in sorted(terms) if t in held)))
    return sorted(found, key=lambda pair: (-pair[1], pair[0]))


def _ranked(user: User, query: str, limit: int = 20, offset: int = 0) -> tuple[list[tuple[int, float]], int]:
    result = search(user, query, limit=limit, offset=offset)
    by_object = {(d.kind, d.object_id): d.pk for d in SearchDocument.objects.all()}
    return [(by_object[(h.kind, h.object_id)], h.score) for h in result.hits], result.total


QUERIES = ["育休", "説明会", "育休 説明会", "女性 採用 説明会", "こども", "管理職 育休 女性", LONG, "育休 男", "見学"]


@pytest.mark.parametrize("query", QUERIES)
def test_the_ranking_is_the_reference(notes: list[SearchDocument], coordinator: User, query: str) -> None:
    expected = _reference(coordinator, query)
    hits, total = _ranked(coordinator, query)
    assert total == len(expected)
    assert [pk for pk, _s in hits] == [pk for pk, _s in expected]
    assert [s for _pk, s in hits] == pytest.approx([s for _pk, s in expected], rel=1e-12)


def test_a_long_query_spans_more_than_one_mask(notes: list[SearchDocument], coordinator: User) -> None:
    terms = set().union(*(w.terms for w in query_words(LONG)))
    assert len(terms) > selectors.MASK_BITS
    assert _ranked(coordinator, LONG)[1] == len(_reference(coordinator, LONG)) > 0


def test_pages_follow_the_reference(notes: list[SearchDocument], coordinator: User, other_coordinator: User) -> None:
    for user in (coordinator, other_coordinator):
        expected = _reference(user, "説明会")
        assert len(expected) > 3
        pages = [_ranked(user, "説明会", limit=2, offset=offset) for offset in range(0, len(expected) + 2, 2)]
        assert [pk for page, _n in pages for pk, _s in page] == [pk for pk, _s in expected]
        assert {n for _page, n in pages} == {len(expected)}
