"""The search: two-character words, variant spellings and inflections, AND across words, ranking, filters,
permission narrowing inside the query, highlighting with HTML escaped first. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from shokuba.analysis.japanese import index_terms, query_words
from shokuba.learning import services
from shokuba.learning.tests.fixtures import approved_case, case_input
from shokuba.network.models import Member, User
from shokuba.search.highlight import snippet
from shokuba.search.models import SearchDocument, SearchPosting
from shokuba.search.selectors import SearchFilters, search

pytestmark = pytest.mark.django_db


def _titles(user: Any, query: str, **filters: Any) -> list[str]:
    return [
        h.title.replace("<mark>", "").replace("</mark>", "")
        for h in search(user, query, filters=SearchFilters(**filters)).hits
    ]


@pytest.fixture
def library(toyooka: Member, kesennuma: Member, coordinator: User, other_coordinator: User) -> dict[str, Any]:
    return {
        "childcare": approved_case(toyooka, coordinator),
        "hiring": approved_case(
            kesennuma,
            other_coordinator,
            title="水産加工の採用説明会",
            steps=["4-4"],
            themes=["hiring"],
            tried="高校生向けに職場見学を開いた。こどもの頃から知る地元企業を見てもらう。",
            happened="見学した生徒のうち2人が応募した。",
            failures="求人票の書き方が古く、評価の基準が伝わらなかった。",
            failure_causes="人事評価の仕組みを説明する資料がなかった。",
        ),
    }


def test_two_character_words_are_found(library: dict[str, Any], coordinator: User) -> None:
    assert _titles(coordinator, "育休") == [library["childcare"].title]
    assert _titles(coordinator, "採用") == [library["hiring"].title]
    # 評価 stands inside 人事評価 and 評価の: found through its bigram whatever Sudachi makes of the compound.
    assert _titles(coordinator, "評価") == [library["hiring"].title]


def test_variants_and_inflections_are_one_word(library: dict[str, Any], coordinator: User) -> None:
    # こども (hiring case) and 子ども (childcare case) are one normalised word, 子供.
    assert set(_titles(coordinator, "子供")) == {library["childcare"].title, library["hiring"].title}
    # 取った / 取る: the dictionary form.
    assert library["childcare"].title in _titles(coordinator, "取る")
    # Full-width letters and case: ＳＮＳ and sns are one.
    assert index_terms("ＳＮＳ") == index_terms("sns")


def test_every_word_must_match_and_ranking(library: dict[str, Any], coordinator: User, toyooka: Member) -> None:
    assert _titles(coordinator, "育休 採用") == []
    assert _titles(coordinator, "説明会 育休") == [library["childcare"].title]
    # Both mention 説明会; the one that says it in the title and more often ranks first.
    extra = approved_case(toyooka, coordinator, title="説明会を3回開いた事例", tried="説明会、説明会、説明会。")
    assert _titles(coordinator, "説明会")[0] == extra.title
    assert len(_titles(coordinator, "説明会")) == 3


def test_filters(library: dict[str, Any], coordinator: User) -> None:
    assert _titles(coordinator, "説明会", step="4-3") == [library["childcare"].title]
    assert _titles(coordinator, "説明会", theme="hiring") == [library["hiring"].title]
    assert _titles(coordinator, "説明会", region="東北") == [library["hiring"].title]
    assert _titles(coordinator, "説明会", member_kind="prefecture") == []


def test_a_member_never_finds_another_members_draft(
    library: dict[str, Any],
    toyooka: Member,
    coordinator: User,
    other_coordinator: User,
    secretariat: User,
    org_admin: User,
) -> None:
    draft = services.case_save(actor=coordinator, member=toyooka, data=case_input(title="下書きの育休事例"))
    assert draft.title in _titles(coordinator, "育休")  # its own draft
    assert draft.title not in _titles(other_coordinator, "育休")
    assert draft.title not in _titles(secretariat, "育休")  # not submitted yet
    assert _titles(org_admin, "育休") == []
    result = search(other_coordinator, "育休")
    assert result.total == 1  # the draft is not even counted


def test_one_character_words_fall_back_to_a_substring(library: dict[str, Any], coordinator: User) -> None:
    assert _titles(coordinator, "魚") == []
    assert _titles(coordinator, "水") == [library["hiring"].title]


def test_highlight_escapes_first(toyooka: Member, coordinator: User) -> None:
    case = approved_case(toyooka, coordinator, tried="<script>alert(1)</script> 育休 & <b>子ども</b>")
    hit = search(coordinator, "育休 こども").hits[0]
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet
    assert "<mark>育休</mark>" in hit.snippet and "<mark>子ども</mark>" in hit.snippet
    assert "&amp;" in hit.snippet
    assert hit.url == f"/learning/cases/{case.pk}/"
    assert str(snippet("abc", query_words("zz"))) == "abc"


def test_the_index_follows_saves(toyooka: Member, coordinator: User) -> None:
    case = services.case_save(actor=coordinator, member=toyooka, data=case_input())
    document = SearchDocument.objects.get(kind="case", object_id=case.pk)
    assert "育休" in document.normalised.split()
    assert SearchPosting.objects.filter(document=document, term="育休").exists()
    services.case_save(
        actor=coordinator, member=toyooka, case=case, data=case_input(title="テレワーク", tried="在宅勤務")
    )
    postings = SearchPosting.objects.filter(document__kind="case", document__object_id=case.pk)
    assert not postings.filter(term="後押").exists()  # only the old title had it
    assert postings.filter(term="=在宅").exists() or postings.filter(term="在宅").exists()
    assert SearchDocument.objects.filter(kind="case", object_id=case.pk).count() == 1
