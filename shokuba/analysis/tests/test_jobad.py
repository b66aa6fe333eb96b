"""The job-ad check's engine (analysis/jobad.py) on its own: the hard cases, the rules data, rewrites, scores."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from shokuba.analysis import freetext, japanese, jobad


def flagged(text: str) -> list[tuple[str, str]]:
    return [(f.rule, f.excerpt) for f in jobad.check(text).flagged()]


def test_every_rule_names_a_law_with_its_source_and_every_category_is_labelled() -> None:
    data = json.loads(resources.files("shokuba.analysis").joinpath("data/jobad_rules.json").read_text("utf-8"))
    laws = data["laws"]
    for law in laws.values():
        assert law["title"] and law["text"] and law["source"]
    for spec in data["titles"]:
        assert spec["rule"] in laws and spec["explanation"] and spec["rewrite"], spec["id"]
    for spec in data["sex_phrases"]:
        assert spec["rule"] in laws
    for category in jobad.CATEGORIES:
        assert data["categories"][category]["law"] in laws
    # Every finding the engine makes points at a law in the data.
    report = jobad.check("営業マン募集。35歳以下。若い方歓迎。主婦歓迎。テレワーク可。")
    assert {f.law for f in report.findings} <= set(laws)


def test_one_tokenizer_for_the_engine() -> None:
    """The free-text analysis and the job-ad check share analysis/japanese.py's dictionary and tokenizer."""
    assert freetext._tokenizer() is japanese.tokenizer()
    assert freetext._sudachi() is japanese.sudachi()


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("ウエイトレス募集", "waitress"),
        ("ウェイトレス募集", "waitress"),
        ("ｳｪｲﾄﾚｽ募集", "waitress"),
        ("看護婦募集", "nurse_fem"),
        ("准看護婦募集", "nurse_fem"),
        ("保母さん募集", "nursery_fem"),
        ("カメラマン募集", "cameraman"),
        ("営業まん募集", "sales_man"),
        ("ルート営業まん大募集", "man_suffix"),
        ("配送マン募集", "man_suffix"),
        ("元気な男性を求めています", "sought_sex"),
        ("体力に自信のある男性。", "sought_sex"),
        ("主婦歓迎", "prefers_homemaker"),
        ("女性限定", "prefers_women"),
        ("男性向きの職種です", "prefers_men"),
        ("35歳以下の方", "age_limit"),
        ("３０歳以下の方", "age_limit"),
        ("20〜35歳の方", "age_limit"),
        ("20代の方歓迎", "age_limit"),
        ("若い方歓迎", "youth_wording"),
        ("若手募集中", "youth_wording"),
        ("35歳以下（長期キャリア形成のため）", "age_exception_incomplete"),
    ],
)
def test_flagged_variants_and_inflections(text: str, rule: str) -> None:
    assert rule in [r for r, _excerpt in flagged(text)], flagged(text)


@pytest.mark.parametrize(
    "text",
    [
        "営業マン（男女）募集",
        "ウェイトレス・ウェイター募集。男女問わず。",
        "カメラパーソン募集",
        "看護師募集",
        "保育士募集",
        "主婦（夫）歓迎",
        "主婦・主夫歓迎",
        "男性・女性歓迎",
        "マンションの管理人。ロマンのある仕事。ヒューマンリソース部。",
        "男性の育休取得率50%",
        "活躍する女性を応援します。",
        "女性スタッフが活躍中です",
        "定年60歳、65歳まで再雇用",
        "お子さんが3歳まで短時間勤務",
        "0〜5歳児の保育",
        "社員の平均年齢は34歳",
        "若手社員が多い職場です",
        "COOLな職場",
        "女性のみならず男性も活躍",
    ],
)
def test_legitimate_uses_are_not_flagged(text: str) -> None:
    assert flagged(text) == []


def test_positive_action_for_women_is_a_note_under_article_8_not_a_finding() -> None:
    report = jobad.check("女性管理職比率を高めるため女性を積極採用（ポジティブ・アクション、法8条）")
    assert report.flagged() == []
    notes = [f for f in report.findings if f.severity == jobad.NOTE]
    assert [(n.rule, n.law) for n in notes] == [("positive_action", "eeo8")]
    # Positive action is for women only.
    assert flagged("男性を積極採用（ポジティブ・アクション、法8条）")


def test_an_age_limit_with_its_exception_stated_in_full_is_a_note_naming_the_exception() -> None:
    report = jobad.check("35歳以下（長期キャリア形成のため、経験不問、期間の定めのない雇用）")
    assert report.flagged() == []
    (note,) = [f for f in report.findings if f.category == "age"]
    assert note.severity == jobad.NOTE and "3号イ" in note.explanation
    # Without the exception: a violation; with part of it: what is missing is named.
    (plain,) = jobad.check("35歳以下").flagged()
    assert plain.rule == "age_limit" and plain.law == "labour9" and plain.rewrite == "年齢不問"
    (partial,) = jobad.check("35歳以下（長期キャリア形成のため）").flagged()
    assert "期間の定めのない" in partial.explanation and "経験不問" in partial.explanation
    # 60歳以上 is itself an exception (3号ニ).
    (senior,) = [f for f in jobad.check("60歳以上の方を募集").findings if f.category == "age"]
    assert senior.severity == jobad.NOTE and "3号ニ" in senior.explanation


def test_rewrites_apply_in_place_and_missing_information_is_added() -> None:
    text = "営業マン募集！35歳以下の方。体力に自信のある男性を歓迎します。"
    report = jobad.check(text)
    rewritten = jobad.apply_rewrites(text, report.findings, keys=[f.key for f in report.flagged()])
    assert rewritten == "営業職募集！年齢不問の方。体力に自信のある方を歓迎します。"
    with_info = jobad.apply_rewrites(text, report.findings)
    assert with_info.startswith(rewritten) and "・勤務時間" in with_info
    # Overlapping findings: the longer excerpt's rewrite wins (若い女性歓迎 is an age and a sex finding).
    overlapping = jobad.check("若い女性歓迎！")
    assert jobad.apply_rewrites("若い女性歓迎！", overlapping.flagged()) == "未経験の方も歓迎！"


def test_missing_information_is_filled_from_the_organisation_s_own_figures() -> None:
    facts = jobad.Facts(
        {"male_childcare_leave_rate": (62.5, 2025), "avg_monthly_overtime": (8.0, 2024)}, ["テレワーク"]
    )
    report = jobad.check("事務スタッフ募集。月給20万円。", facts=facts)
    rewrites = {f.rule: f.rewrite for f in report.findings if f.severity == jobad.MISSING}
    assert rewrites["childcare"] == "男性の育休取得率 62.5%（2025年度）"
    assert rewrites["overtime"] == "月平均残業時間：8時間（2024年度実績）"
    assert rewrites["flexible"] == "働き方：テレワークの制度があります"
    assert "○" in rewrites["transfer"]  # nothing to fill it from
    assert "pay" not in rewrites


def test_scores_follow_the_stated_formula_and_compare_shows_the_change() -> None:
    before = jobad.check("営業マン募集。35歳以下。若い方歓迎。")
    assert before.scores["sex"] == 100 - 35
    assert before.scores["age"] == 100 - 35 - 15
    assert before.scores["info"] == 0 and before.scores["positive"] == 0
    after_text = jobad.apply_rewrites("営業マン募集。35歳以下。若い方歓迎。", before.findings)
    after = jobad.check(after_text)
    compared = jobad.compare(before, after)
    assert compared.delta("sex") == 35 and compared.delta("age") == 50
    assert "sex:sales_man:営業マン" in compared.resolved
    assert compared.new == ()


def test_long_ads_are_read_in_paragraphs_with_offsets_kept() -> None:
    text = ("地域の暮らしを支える仕事です。\n" * 400) + "営業マン募集"
    (finding,) = jobad.check(text).flagged()
    assert text[finding.start : finding.end] == "営業マン"
