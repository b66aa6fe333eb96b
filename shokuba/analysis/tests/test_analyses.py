"""Distributions, cross-tabulation, gaps, before/after, recognition, benchmarks, free text: behaviour and
invariants (the statistics themselves are checked against the reference libraries in test_stats.py)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shokuba.analysis import benchmarks, crosstab, distributions, freetext, gaps, recognition
from shokuba.analysis.change import WaveItem, before_after, poststratify
from shokuba.analysis.types import Category, ItemCounts, MultipleChoiceCounts, RankingCounts, to_jsonable

AGREE4 = tuple(
    Category(str(i + 1), label)
    for i, label in enumerate(["そう思う", "どちらかといえばそう思う", "どちらかといえばそう思わない", "そう思わない"])
)
DK = Category("dk", "わからない")


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(5, 200), min_size=4, max_size=4), st.integers(0, 30), st.integers(0, 30))
def test_percentages_sum_to_100_and_intervals_contain_estimates(counts, dk, missing):
    result = distributions.distribution(ItemCounts("Q", "q", AGREE4, tuple(counts), ((DK, dk),), missing, 2))
    shown = [c.percent for c in result.categories]
    if all(p is not None for p in shown):
        assert sum(shown) == pytest.approx(100)
    else:
        assert 0 < dk < 5 or 0 < missing < 5  # a small non-substantive / missing count needs a complement
        assert sum(p for p in shown if p is not None) <= 100 + 1e-9
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


def test_distribution_of_a_tiny_or_empty_item_is_hidden_without_nan():
    for counts in [(0, 0, 0, 0), (1, 1, 0, 1)]:
        result = distributions.distribution(ItemCounts("Q", "q", AGREE4, counts, top_box=2))
        assert result.hidden and result.scale.mean is None
        assert "nan" not in str(to_jsonable(result)).lower()


def test_all_answers_identical():
    result = distributions.distribution(ItemCounts("Q", "q", AGREE4, (50, 0, 0, 0), top_box=2))
    assert result.scale.top_percent == 100 and result.scale.mean == 4
    report = gaps.gap_analysis([gaps.ScaleItemPair("Q", "q", (50, 0, 0, 0), (40, 0, 0, 0))], "A", "B")
    item = report.items[0]
    assert item.p_value == 1.0 and item.cliffs_delta == 0
    assert "nan" not in str(to_jsonable(report)).lower()


def test_multiple_choice_rates_per_choice_never_combinations():
    choices = tuple(Category(str(i), f"c{i}") for i in range(1, 4))
    result = distributions.multiple_choice(MultipleChoiceCounts("M", "m", choices, (30, 2, 45), 50))
    assert [c.percent for c in result.choices] == [60.0, None, 90.0]
    assert result.respondents == 50


def test_ranking_shares_and_weighted_score():
    choices = tuple(Category(str(i), f"c{i}") for i in range(1, 4))
    item = RankingCounts("R", "r", choices, ((20, 10, 5), (10, 15, 10), (5, 10, 20)), 35, 3)
    result = distributions.ranking(item)
    first = result.choices[0]
    assert first.first_percent == pytest.approx(100 * 20 / 35)
    assert first.top_percent == 100
    assert first.score == 20 * 3 + 10 * 2 + 5 * 1
    assert [c.order for c in result.choices] == [1, 2, 3]


def test_crosstab_flags_residuals_and_chooses_the_test():
    table = crosstab.ContingencyTable(
        "Q",
        "q",
        "性別",
        (Category("F", "女性"), Category("M", "男性")),
        AGREE4,
        ((40, 30, 20, 10), (10, 20, 30, 40)),
        top_box=2,
    )
    result = crosstab.crosstab(table)
    assert result.test.method == "chi2" and result.test.p_value < 0.001
    assert result.rows[0].flags[0] == "+" and result.rows[1].flags[0] == "-"
    assert result.rows[0].top_percent == 70
    small = crosstab.test_table([[3, 1], [1, 3]], ["a", "b"])
    assert small.method == "fisher"
    assert "有意" not in result.test.summary


def test_crosstab_small_group_is_hidden_and_left_out_of_the_test():
    rows = (Category("F", "女性"), Category("M", "男性"), Category("X", "その他"))
    table = crosstab.ContingencyTable(
        "Q", "q", "性別", rows, AGREE4, ((40, 30, 20, 10), (10, 20, 30, 40), (1, 1, 0, 1))
    )
    result = crosstab.crosstab(table)
    assert result.rows[2].n is None and all(v is None for v in result.rows[2].counts)
    assert "その他" not in result.test.rows_tested


def test_gap_ranking_bh_and_wording():
    items = [
        gaps.ScaleItemPair("A", "a", (30, 10, 5, 5), (5, 10, 15, 20)),
        gaps.ScaleItemPair("B", "b", (12, 13, 12, 13), (12, 12, 13, 13)),
        gaps.ScaleItemPair("C", "c", (2, 1, 1, 0), (12, 12, 13, 13)),
    ]
    report = gaps.gap_analysis(items, "男性管理職", "29歳以下の女性")
    assert [i.item_code for i in report.items] == ["A", "B", "C"]
    assert report.items[0].rank == 1 and report.items[2].hidden and report.items[2].p_value is None
    assert report.items[0].q_value >= report.items[0].p_value
    assert "ポイント高い" in report.items[0].explanation and "95%信頼区間" in report.items[0].explanation
    assert "否定できません" in report.items[1].explanation
    assert all("有意" not in i.explanation for i in report.items)


def test_one_group_comparison_is_refused_cleanly():
    report = gaps.gap_analysis([gaps.ScaleItemPair("A", "a", (10, 10, 10, 10), (0, 0, 0, 0))], "A", "B")
    assert report.items[0].hidden and "比べられません" in report.summary


def test_poststratification_by_hand():
    strata = {"F|30": (10, 10, 0, 0), "M|30": (0, 10, 10, 20)}
    estimate = poststratify(strata, {"F|30": 50, "M|30": 50}, top_box=2)
    # weights: F 0.5 / (20/60) = 1.5, M 0.5 / (40/60) = 0.75
    assert estimate.weights == {"F|30": 1.5, "M|30": 0.75}
    p = (1.5 * 20 + 0.75 * 10) / (1.5 * 20 + 0.75 * 40)
    assert estimate.top_percent == pytest.approx(100 * p, rel=1e-12)
    n, sw, sw2 = 60, 1.5 * 20 + 0.75 * 40, 1.5**2 * 20 + 0.75**2 * 40
    assert estimate.design_effect == pytest.approx(n * sw2 / sw**2, rel=1e-12)
    assert estimate.effective_n == pytest.approx(n / (n * sw2 / sw**2), rel=1e-12)
    mean = (1.5 * (4 * 10 + 3 * 10) + 0.75 * (3 * 10 + 2 * 10 + 1 * 20)) / sw
    assert estimate.mean == pytest.approx(mean, rel=1e-12)


def test_before_after_with_missing_item_and_weights():
    before = [WaveItem("A", "a", (10, 20, 20, 10), {"F": (5, 10, 10, 5), "M": (5, 10, 10, 5)})]
    after = [
        WaveItem("A", "a", (20, 25, 10, 5), {"F": (15, 15, 5, 1), "M": (5, 10, 5, 4)}),
        WaveItem("B", "b", (1, 2, 3, 4)),
    ]
    report = before_after(before, after, target={"F": 1, "M": 1})
    assert report.missing_items == ["B"]
    assert report.unweighted.items[0].top_diff_points == 25
    weighted = report.weighted[0]
    assert weighted.after.design_effect > 1 and weighted.top_diff_points is not None


def test_two_thirds_rule_exact_and_too_few():
    exact = recognition.recognition(
        "会社",
        [recognition.PositiveCounts("WS-Z01", 20, 30, 10, 15), recognition.PositiveCounts("WS-Z02", 20, 30, 10, 15)],
    )
    assert exact.verdict == "meets"  # 20/30 and 10/15 are exactly two thirds
    short = recognition.recognition(
        "会社",
        [recognition.PositiveCounts("WS-Z01", 20, 30, 9, 15), recognition.PositiveCounts("WS-Z02", 20, 30, 10, 15)],
    )
    assert short.verdict == "does_not_meet" and short.items[0].failing == ["全体", "女性"]
    few = recognition.recognition("会社", [recognition.PositiveCounts("WS-Z01", 20, 30, 3, 4)], items=["WS-Z01"])
    assert few.verdict == "too_few" and few.items[0].women_percent is None


def test_national_benchmark_reads_the_interval():
    figures = [benchmarks.PublishedFigure("内閣府 令和4年度調査", 2022, "男性", 48.7)]
    above = benchmarks.vs_national("UB-H01", "t", {"男性": (160, 200)}, figures)
    assert above[0].verdict == "above"
    unclear = benchmarks.vs_national("UB-H01", "t", {"男性": (10, 20)}, figures)
    assert unclear[0].verdict == "unclear" and "はっきりしません" in unclear[0].explanation


def test_network_needs_three_members_and_programme_excludes_the_organisation():
    items = [benchmarks.ReferenceItem("A", "a", (10, 10, 10, 10), (100, 100, 100, 100))]
    assert benchmarks.vs_network(items, contributors=2).hidden
    assert not benchmarks.vs_network(items, contributors=3).hidden
    result = benchmarks.vs_programme(items)
    assert result.report.items[0].n_b == 360


def test_free_text_masks_and_drops_small_groups():
    answers = (
        [freetext.TextAnswer("山田さんに03-1234-5678かyamada@example.jpで連絡したら残業が減った", "女性")]
        + [
            freetext.TextAnswer(t, g)
            for t in ["残業が減った", "育休が取りやすい", "残業と育休の両立が難しい"]
            for g in ["女性", "男性"]
        ]
        + [freetext.TextAnswer("私だけ違う意見です", "その他")]
    )
    report = freetext.freetext(answers, keywords=["残業"], group_sizes={"女性": 12, "男性": 9, "その他": 1})
    shown = "".join(report.texts)
    assert "山田" not in shown and "1234" not in shown and "example" not in shown
    assert "〔氏名〕" in shown and "〔電話〕" in shown and "〔メール〕" in shown
    assert "その他" in report.groups_left_out and "私だけ" not in shown
    words = {w.word: w.answers for w in report.words}
    assert words["残業"] == 5
    edge = next(e for e in report.cooccurrence if {e.source, e.target} == {"残業", "育休"})
    assert edge.jaccard == pytest.approx(2 / (5 + 4 - 2))
    assert all(len(k.keyword) for k in report.keyword_in_context["残業"])
    assert len(report.cooccurrence) <= 60
    tiny = freetext.freetext([freetext.TextAnswer("a", "")] * 3)
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
    first = freetext.freetext(answers)
    second = freetext.freetext(list(reversed(answers)))
    assert [(w.word, w.answers, w.occurrences) for w in first.words] == [
        (w.word, w.answers, w.occurrences) for w in second.words
    ]
    assert {w.word: w.pos for w in first.words}["残業"] == "名詞"
    assert "山田" not in "".join(first.texts)
    tokens = freetext.analyse_text("山田さんと残業")[1]
    assert [t.surface for t in tokens] == ["さん", "と", "残業"] and [t.keep for t in tokens] == [False, False, True]


def test_to_jsonable_has_no_nan():
    assert to_jsonable({"a": math.nan, "b": [math.inf, 1.0]}) == {"a": None, "b": [None, 1.0]}
