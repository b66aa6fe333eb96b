"""Distributions, cross-tabulation, gaps, before/after, recognition, benchmarks, free text: behaviour and
invariants (the statistics themselves are checked against the reference libraries in test_stats.py)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shokuba.analysis import benchmarks, crosstab, distributions, freetext, gaps, recognition
from shokuba.analysis.change import WaveItem, before_after, poststratify
from shokuba.analysis.suppression import Decision, pooled, release_split, weighting_plan
from shokuba.analysis.types import Category, ItemCounts, MultipleChoiceCounts, RankingCounts, to_jsonable

SHOWN = Decision(True, "", 100, 5)
SMALL = Decision(False, "primary", 3, 5)

AGREE4 = tuple(
    Category(str(i + 1), label)
    for i, label in enumerate(["そう思う", "どちらかといえばそう思う", "どちらかといえばそう思わない", "そう思わない"])
)
DK = Category("dk", "わからない")


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 200), min_size=4, max_size=4), st.integers(0, 30), st.integers(0, 30))
def test_percentages_sum_to_100_and_intervals_contain_estimates(counts, dk, missing):
    result = distributions.distribution(ItemCounts("Q", "q", AGREE4, tuple(counts), ((DK, dk),), missing, 2), SHOWN)
    shown = [c.percent for c in result.categories]
    assert all(c.count == n for c, n in zip(result.categories, counts, strict=True))  # a released group: all of it
    if sum(counts):
        assert sum(shown) == pytest.approx(100)
    for c in result.categories:
        if c.percent is not None:
            assert c.ci_low <= c.percent <= c.ci_high
    s = result.scale
    if s.top_percent is not None:
        assert s.top_ci_low <= s.top_percent <= s.top_ci_high
        assert s.top_percent == pytest.approx(100 * (counts[0] + counts[1]) / sum(counts))
    if s.mean is not None:
        assert s.mean == pytest.approx(np.average([4, 3, 2, 1], weights=counts))
        if s.sd:
            assert s.mean_ci_low <= s.mean <= s.mean_ci_high


def test_a_hidden_group_shows_nothing_and_no_nan():
    for counts in [(0, 0, 0, 0), (1, 1, 0, 1), (40, 30, 20, 10)]:
        result = distributions.distribution(ItemCounts("Q", "q", AGREE4, counts, ((DK, 2),), 1, top_box=2), SMALL)
        assert result.hidden and result.scale.mean is None and result.valid_n is None and result.missing is None
        assert all(c.count is None and c.percent is None for c in result.categories + result.non_substantive)
        assert "nan" not in str(to_jsonable(result)).lower()


def test_all_answers_identical():
    result = distributions.distribution(ItemCounts("Q", "q", AGREE4, (50, 0, 0, 0), top_box=2), SHOWN)
    assert result.scale.top_percent == 100 and result.scale.mean == 4
    report = gaps.gap_analysis([gaps.ScaleItemPair("Q", "q", (50, 0, 0, 0), (40, 0, 0, 0))], "A", "B", SHOWN, SHOWN)
    item = report.items[0]
    # Nothing to test: no p, no verdict, and the true reason (not "no group to show").
    assert item.p_value is None and item.q_value is None and not item.clear
    assert "全員が同じ側の回答" in item.reason and item.reason in item.explanation
    assert item.top_diff_points == 0 and "nan" not in str(to_jsonable(report)).lower()


def test_multiple_choice_rates_per_choice_never_combinations():
    choices = tuple(Category(str(i), f"c{i}") for i in range(1, 4))
    result = distributions.multiple_choice(MultipleChoiceCounts("M", "m", choices, (30, 2, 45), 50), SHOWN)
    assert [c.percent for c in result.choices] == [60.0, 4.0, 90.0]
    assert result.respondents == 50
    hidden = distributions.multiple_choice(MultipleChoiceCounts("M", "m", choices, (3, 2, 4), 4), SMALL)
    assert hidden.respondents is None and all(c.count is None for c in hidden.choices)


def test_ranking_shares_and_weighted_score():
    choices = tuple(Category(str(i), f"c{i}") for i in range(1, 4))
    item = RankingCounts("R", "r", choices, ((20, 10, 5), (10, 15, 10), (5, 10, 20)), 35, 3)
    result = distributions.ranking(item, SHOWN)
    first = result.choices[0]
    assert first.first_percent == pytest.approx(100 * 20 / 35)
    assert first.top_percent == 100
    assert first.score == 20 * 3 + 10 * 2 + 5 * 1
    assert [c.order for c in result.choices] == [1, 2, 3]


SEX = (Category("F", "女性"), Category("M", "男性"), Category("X", "その他"), Category("R", "答えたくない"))


def _table(counts, top_box=2, rows=SEX):
    rows = rows[: len(counts)]
    return crosstab.ContingencyTable(
        "Q", "q", "性別", rows, tuple((r.code,) for r in rows), AGREE4, tuple(map(tuple, counts)), top_box
    )


def _release(counts, rows=SEX):
    return release_split(("sex",), {(r.code,): sum(c) for r, c in zip(rows, counts, strict=False)})


def test_crosstab_tests_the_top_box_like_the_gaps_and_flags_only_clear_tables():
    counts = ((40, 30, 20, 10), (10, 20, 30, 40))
    table = crosstab.crosstab(_table(counts), _release(counts))
    crosstab.adjust([table])
    assert table.test.measure == "top" and table.test.method == "chi2" and table.test.p_value < 0.001
    assert table.test.clear and table.rows[0].flags[0] == "+" and table.rows[1].flags[0] == "-"
    assert table.rows[0].top_percent == 70
    # The same two groups on the overview page give the same p and, in the same family, the same q.
    report = gaps.gap_analysis([gaps.ScaleItemPair("Q", "q", *counts)], "女性", "男性", SHOWN, SHOWN)
    assert report.items[0].p_value == table.test.p_value and report.items[0].q_value == table.test.q_value
    assert "有意" not in table.test.summary
    # Not clear: no flags, whatever the residuals.
    close = ((13, 12, 12, 13), (12, 13, 13, 12))
    vague = crosstab.crosstab(_table(close), _release(close))
    crosstab.adjust([vague])
    assert not vague.test.clear and all(f == "" for r in vague.rows for f in r.flags)
    assert "はっきりしません" in vague.test.summary


def test_which_groups_are_tested_follows_the_groups_not_the_cells():
    """答えたくない is never tested; a released group is tested whatever its cells (no cell suppression)."""
    base = ((40, 30, 20, 10), (10, 20, 30, 40), (5, 1, 0, 2), (3, 2, 1, 0))
    for changed in (base, (*base[:2], (1, 5, 2, 0), base[3])):
        table = crosstab.crosstab(_table(changed), _release(changed))
        assert table.test.rows_tested == ["女性", "男性", "その他"]
        assert table.test.df == 2 and table.test.rows_left_out == ["答えたくない"]
        assert all(v is not None for v in table.rows[2].counts)  # a released group shows every count, 1s included


def test_crosstab_hides_a_small_group_and_its_complement_whole():
    counts = ((40, 30, 20, 10), (10, 20, 30, 40), (1, 1, 0, 1))
    release = _release(counts, SEX[:3])
    table = crosstab.crosstab(_table(counts, rows=SEX[:3]), release)
    hidden = [r for r in table.rows if r.hidden]
    assert len(hidden) == 2  # the group of three, and one more so that it cannot be subtracted from the total
    for row in hidden:
        assert row.n is None and row.top_percent is None and row.mean is None
        assert all(v is None for v in row.counts + row.percents)
    crosstab.adjust([table])
    assert table.test.p_value is None and "2つ未満" in table.test.summary


def test_gap_ranking_bh_and_wording():
    items = [
        gaps.ScaleItemPair("A", "a", (30, 10, 5, 5), (5, 10, 15, 20)),
        gaps.ScaleItemPair("B", "b", (12, 13, 12, 13), (12, 12, 13, 13)),
        gaps.ScaleItemPair("C", "c", (12, 1, 1, 10), (12, 12, 13, 13)),
    ]
    report = gaps.gap_analysis(items, "男性管理職", "29歳以下の女性", SHOWN, SHOWN)
    assert [i.item_code for i in report.items] == ["A", "C", "B"]
    assert report.items[0].rank == 1 and report.items[0].clear
    assert report.items[0].q_value >= report.items[0].p_value
    assert "ポイント高い" in report.items[0].explanation and "95%信頼区間" in report.items[0].explanation
    assert "否定できません" in report.items[2].explanation
    assert all("有意" not in i.explanation for i in report.items)


def test_headline_and_effect_size_measure_the_same_thing():
    """28 points higher is never "small": the effect is Cohen's h on the same two shares."""
    report = gaps.gap_analysis(
        [gaps.ScaleItemPair("A", "a", (40, 24, 20, 16), (18, 18, 32, 32))], "A", "B", SHOWN, SHOWN
    )
    c = report.items[0]
    assert c.top_diff_points == pytest.approx(28)
    assert c.effect in ("中程度", "大きい") and f"「{c.effect}」" in c.explanation


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), min_size=4, max_size=4), min_size=2, max_size=2))
def test_a_clear_verdict_never_stands_beside_an_interval_through_zero(pair):
    report = gaps.gap_analysis([gaps.ScaleItemPair("Q", "q", *map(tuple, pair))], "A", "B", SHOWN, SHOWN)
    c = report.items[0]
    if c.clear:
        assert c.top_diff_ci_low > 0 or c.top_diff_ci_high < 0
        assert c.q_value < 0.05 and "偶然では説明しにくい" in c.explanation
    elif c.q_value is not None:
        assert "否定できません" in c.explanation


def test_a_hidden_group_hides_the_comparison_with_the_reason():
    report = gaps.gap_analysis([gaps.ScaleItemPair("A", "a", (10, 10, 10, 10), (1, 1, 1, 0))], "A", "B", SHOWN, SMALL)
    item = report.items[0]
    assert item.hidden and item.n_b is None and item.top_percent_b is None and item.mean_b is None
    assert item.top_diff_points is None and item.p_value is None
    assert item.n_a == 40 and item.top_percent_a == 50  # the released group's own figures stay (shown elsewhere too)
    assert "Bの回答者が5人未満" in report.summary


def test_poststratification_by_hand():
    strata = {("30", "F"): (10, 10, 0, 0), ("30", "M"): (0, 10, 10, 20)}
    estimate = poststratify(strata, {("30", "F"): 50, ("30", "M"): 50}, top_box=2)
    # weights: F 0.5 / (20/60) = 1.5, M 0.5 / (40/60) = 0.75
    assert estimate.weights == {"30|F": 1.5, "30|M": 0.75}
    p = (1.5 * 20 + 0.75 * 10) / (1.5 * 20 + 0.75 * 40)
    assert estimate.top_percent == pytest.approx(100 * p, rel=1e-12)
    n, sw, sw2 = 60, 1.5 * 20 + 0.75 * 40, 1.5**2 * 20 + 0.75**2 * 40
    assert estimate.design_effect == pytest.approx(n * sw2 / sw**2, rel=1e-12)
    assert estimate.effective_n == pytest.approx(n / (n * sw2 / sw**2), rel=1e-12)
    mean = (1.5 * (4 * 10 + 3 * 10) + 0.75 * (3 * 10 + 2 * 10 + 1 * 20)) / sw
    assert estimate.mean == pytest.approx(mean, rel=1e-12)


def test_before_after_with_missing_item_and_weights():
    f, m = ("30", "F"), ("30", "M")
    before = [WaveItem("A", "a", (10, 20, 20, 10), {f: (5, 10, 10, 5), m: (5, 10, 10, 5)})]
    after = [
        WaveItem("A", "a", (20, 25, 10, 5), {f: (15, 15, 5, 1), m: (5, 10, 5, 4)}),
        WaveItem("B", "b", (1, 2, 3, 4)),
    ]
    split_before = release_split(("age_band", "sex"), {f: 30, m: 30})
    split_after = release_split(("age_band", "sex"), {f: 36, m: 24})
    plan = weighting_plan({f: 1, m: 1}, split_before, split_after)
    report = before_after(before, after, before_group=SHOWN, after_group=SHOWN, plan=plan)
    assert report.missing_items == ["B"]
    assert report.unweighted.items[0].top_diff_points == 25
    weighted = report.weighted[0]
    assert weighted.after.design_effect > 1 and weighted.top_diff_points is not None
    assert weighted.q_value is not None and weighted.explanation


def test_a_target_on_a_hidden_stratum_is_never_weighted():
    """The finding: target M|50 = 1 published the only man in his fifties. A hidden stratum is left out; a target
    with nothing else is refused."""
    one, many = ("50", "M"), ("30", "F")
    split = release_split(("age_band", "sex"), {one: 1, many: 40, ("40", "F"): 20})
    assert not split.shown(one)
    refused = weighting_plan({one: 1}, split, split)
    assert refused.refused and refused.left_out == (one,)
    partial = weighting_plan({one: 1, many: 1}, split, split)
    assert not partial.refused and set(partial.target) == {many} and partial.left_out == (one,)
    before = [WaveItem("A", "a", (11, 10, 10, 10), {one: (1, 0, 0, 0), many: (10, 10, 10, 10)})]
    report = before_after(before, before, before_group=SHOWN, after_group=SHOWN, plan=refused)
    assert report.weighted == []
    report = before_after(before, before, before_group=SHOWN, after_group=SHOWN, plan=partial)
    assert set(report.weighted[0].before.weights) == {"30|F"}  # the small stratum's weight is never published


ORG = {"overall": SHOWN, "men": SHOWN, "women": SHOWN}


def test_two_thirds_rule_exact_and_too_few():
    exact = recognition.recognition(
        "会社",
        [recognition.PositiveCounts("WS-Z01", 20, 30, 10, 15), recognition.PositiveCounts("WS-Z02", 20, 30, 10, 15)],
        ORG,
    )
    assert exact.verdict == "meets"  # 20/30 and 10/15 are exactly two thirds
    short = recognition.recognition(
        "会社",
        [recognition.PositiveCounts("WS-Z01", 20, 30, 9, 15), recognition.PositiveCounts("WS-Z02", 20, 30, 10, 15)],
        ORG,
    )
    assert short.verdict == "does_not_meet" and short.items[0].failing == ["全体", "女性"]
    few = recognition.recognition(
        "会社", [recognition.PositiveCounts("WS-Z01", 20, 30, 3, 4)], {**ORG, "women": SMALL}, items=["WS-Z01"]
    )
    assert few.verdict == "too_few" and few.items[0].women_percent is None


def test_a_verdict_resting_on_a_hidden_share_says_so():
    hidden_men = {**ORG, "men": Decision(False, "complementary", 30, 5)}
    result = recognition.recognition(
        "会社",
        [recognition.PositiveCounts("WS-Z01", 25, 30, 12, 15), recognition.PositiveCounts("WS-Z02", 25, 30, 12, 15)],
        hidden_men,
    )
    assert result.verdict == "meets" and result.items[0].men_percent is None and result.items[0].men_n is None
    assert "男性の割合は、少人数の回答を守るため表示していません" in result.explanation


def test_national_benchmark_reads_the_interval():
    figures = [benchmarks.PublishedFigure("内閣府 令和4年度調査", 2022, "男性", 48.7)]
    above = benchmarks.vs_national("UB-H01", "t", {"男性": (160, 200, SHOWN)}, figures)
    assert above[0].verdict == "above"
    unclear = benchmarks.vs_national("UB-H01", "t", {"男性": (10, 20, SHOWN)}, figures)
    assert unclear[0].verdict == "unclear" and "はっきりしません" in unclear[0].explanation
    hidden = benchmarks.vs_national("UB-H01", "t", {"男性": (10, 20, SMALL)}, figures)
    assert hidden[0].verdict == "hidden" and hidden[0].percent is None


def test_network_needs_three_members_and_programme_three_organisations():
    items = [benchmarks.ReferenceItem("A", "a", (10, 10, 10, 10), (100, 100, 100, 100))]
    assert benchmarks.vs_network(items, own=SHOWN, network=pooled(2, 400), contributors=2).hidden
    assert not benchmarks.vs_network(items, own=SHOWN, network=pooled(3, 400), contributors=3).hidden
    assert benchmarks.vs_programme(items, own=SHOWN, rest=pooled(2, 360)).hidden  # the rest would be 2 companies
    result = benchmarks.vs_programme(items, own=SHOWN, rest=pooled(3, 360))
    assert result.report.items[0].n_b == 360


def test_free_text_masks_and_drops_hidden_groups():
    answers = (
        [freetext.TextAnswer("山田さんに03-1234-5678かyamada@example.jpで連絡したら残業が減った", "女性")]
        + [
            freetext.TextAnswer(t, g)
            for t in ["残業が減った", "育休が取りやすい", "残業と育休の両立が難しい"]
            for g in ["女性", "男性"]
        ]
        + [freetext.TextAnswer("私だけ違う意見です", "その他")]
    )
    report = freetext.freetext(answers, keywords=["残業"], scope=SHOWN, hidden_groups=["その他"])
    shown = "".join(report.texts)
    assert "山田" not in shown and "1234" not in shown and "example" not in shown
    assert "〔氏名〕" in shown and "〔電話〕" in shown and "〔メール〕" in shown
    assert "その他" in report.groups_left_out and "私だけ" not in shown
    assert not hasattr(report, "answers_left_out")  # how many a hidden group wrote is not said either
    words = {w.word: w.answers for w in report.words}
    assert words["残業"] == 5
    edge = next(e for e in report.cooccurrence if {e.source, e.target} == {"残業", "育休"})
    assert edge.jaccard == pytest.approx(2 / (5 + 4 - 2))
    assert all(len(k.keyword) for k in report.keyword_in_context["残業"])
    assert len(report.cooccurrence) <= 60
    tiny = freetext.freetext([freetext.TextAnswer("a", "")] * 3, scope=SHOWN)
    assert tiny.hidden and tiny.texts == []


def test_phone_numbers_with_other_dashes_are_masked():
    phones = ["０９０−１２３４−５６７８です", "090ー1234ー5678", "090‐1234‐5678", "+81 90 1234 5678", "(03)1234-5678"]
    for text in phones:
        assert "〔電話〕" in freetext.mask(text), text
    for text in ["会員番号12345", "2024年10月1日", "価格は1,234円"]:
        assert freetext.mask(text) == text


def test_free_text_counts_do_not_depend_on_batching_or_caches():
    texts = ["残業が減った。山田さんに感謝", "残業と育休", "育休の制度", "残業"] * 3
    answers = [freetext.TextAnswer(t, "") for t in texts]
    first = freetext.freetext(answers, scope=SHOWN)
    second = freetext.freetext(list(reversed(answers)), scope=SHOWN)
    assert [(w.word, w.answers, w.occurrences) for w in first.words] == [
        (w.word, w.answers, w.occurrences) for w in second.words
    ]
    assert {w.word: w.pos for w in first.words}["残業"] == "名詞"
    assert "山田" not in "".join(first.texts)
    tokens = freetext.analyse_text("山田さんと残業")[1]
    assert [t.surface for t in tokens] == ["さん", "と", "残業"] and [t.keep for t in tokens] == [False, False, True]


def test_to_jsonable_has_no_nan():
    assert to_jsonable({"a": math.nan, "b": [math.inf, 1.0]}) == {"a": None, "b": [None, 1.0]}


def test_free_text_counts_spellings_of_one_word_together():
    """Issue 13.4: 子ども / 子供 / こども and できる / 出来る were counted as different words."""
    texts = [
        "子どもの送り迎えで早く帰れる",
        "子供が熱を出すと休める職場です",
        "こどもの行事に行ける",
        "子どもの学校行事",
        "テレワークができるので助かる",
        "在宅勤務が出来る",
        "テレワークができる日が増えた",
    ]
    report = freetext.freetext([freetext.TextAnswer(t, "") for t in texts], scope=SHOWN, min_frequency=1)
    words = {w.word: w for w in report.words}
    child = words["子ども"]  # the spelling the answers use most (2 of 4)
    assert (child.answers, child.occurrences, child.spellings) == (4, 4, ["こども", "子供"])
    assert not {"子供", "こども"} & set(words)
    # できる is a stop word in any spelling: 出来る (its normalised form) is not counted either.
    assert "出来る" not in words and "できる" not in words
    tokens = freetext.analyse_text("出来る")[1]
    assert [(t.lemma, t.normal, t.keep) for t in tokens] == [("出来る", "出来る", False)]


def test_two_thirds_sentences_name_the_statement_not_its_code():
    short = recognition.recognition(
        "会社",
        [recognition.PositiveCounts("WS-Z01", 20, 30, 9, 15), recognition.PositiveCounts("WS-Z02", 20, 30, 10, 15)],
        ORG,
        texts={"WS-Z01": "この職場は働きやすい", "WS-Z02": "この職場には働きがいがある"},
    )
    expected = "肯定的な回答が基準に届いていない項目があります: 『この職場は働きやすい』（全体・女性）。"
    assert short.explanation == expected
    assert [i.text for i in short.items] == ["この職場は働きやすい", "この職場には働きがいがある"]
    assert "WS-Z0" not in short.explanation


def test_keyword_in_context_finds_every_spelling_of_the_word():
    texts = ["子どもの送り迎え", "子供が熱を出す", "こどもの行事", "子ども食堂と子供の遊び"]
    found = freetext.keyword_in_context(texts, "子ども")
    assert [(c.left, c.keyword, c.right) for c in found] == [
        ("", "子ども", "の送り迎え"),
        ("", "子供", "が熱を出す"),
        ("", "こども", "の行事"),
        ("", "子ども", "食堂と子供の遊び"),
        ("子ども食堂と", "子供", "の遊び"),
    ]
    # Text that is no word of its own is still found as typed.
    assert [c.keyword for c in freetext.keyword_in_context(["送り迎え"], "り迎")] == ["り迎"]


def test_the_reports_contexts_follow_the_merged_counts():
    texts = ["子どもの送り迎え", "子供が熱を出す", "こどもの行事", "残業が減った", "残業が多い"]
    report = freetext.freetext(
        [freetext.TextAnswer(t, "") for t in texts], scope=SHOWN, keywords=["子ども", "残業"], min_frequency=1
    )
    assert [c.keyword for c in report.keyword_in_context["子ども"]] == ["子ども", "子供", "こども"]
    assert len(report.keyword_in_context["残業"]) == 2
    # A word the answers spell one way only is found as typed: no answer is tokenised a second time.
    word_id = {"残業": 0}
    assert freetext._spelled_otherwise("残業", word_id, [{"残業": 2}], [3, 4], [0, 0]) == set()
    assert freetext._spelled_otherwise("子ども", {"子供": 0}, [{"子ども": 1, "子供": 1}], [0, 1], [0, 0]) == {0, 1}


@pytest.mark.parametrize("counts", [(12, 7, 3, 1), (0, 0, 0, 0), (1, 0, 0, 0), (0, 5, 9, 2)])
def test_top_percent_is_the_distributions_share(counts: tuple[int, ...]) -> None:
    """The public headlines' shortcut gives the distribution's 「そう思う傾向」 share, and nothing when hidden."""
    item = ItemCounts("Q", "q", AGREE4, counts, ((DK, 2),), 1, top_box=2)
    scale = distributions.distribution(item, SHOWN).scale
    assert scale is not None
    assert distributions.top_percent(item, SHOWN) == scale.top_percent
    assert distributions.top_percent(item, SMALL) is None
    assert distributions.top_percent(ItemCounts("Q", "q", AGREE4, counts), SHOWN) is None  # not a scale
