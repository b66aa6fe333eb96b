"""Before/after (効果検証): two independent waves (responses are anonymous, so nobody is paired), item by item.

Unweighted: the gap analysis with "after" as group A and "before" as group B (the same measure, test, effect size
and adjustment as every other comparison). Optional weighting: post-stratification by sex × age band to a target
composition (e.g. the organisations' workforce). Each stratum's weight is its target share over its sample share;
estimates use the weighted counts, and intervals and tests use Kish's effective sample size n / deff with
deff = n Σ n_h w_h² / (Σ n_h w_h)². Only strata the gate releases in both waves are weighted
(`suppression.weighting_plan`), so a weighted figure is a function of figures already shown and can never isolate a
small group; verdicts are adjusted across the items (Benjamini–Hochberg) like the unweighted ones.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from shokuba.analysis import stats
from shokuba.analysis.gaps import ALPHA, GapReport, ScaleItemPair, clear_items, effect_label, format_p, gap_analysis
from shokuba.analysis.i18n import _, join
from shokuba.analysis.suppression import Decision, Key, WeightingPlan
from shokuba.analysis.types import clean


@dataclass(frozen=True)
class WaveItem:
    """One scale item in one wave: counts per point overall and (for weighting) per stratum."""

    item_code: str
    text: str
    counts: tuple[int, ...]
    strata: Mapping[Key, tuple[int, ...]] = field(default_factory=dict)  # (age band, sex) → counts per point
    top_box: int = 2


@dataclass
class WeightedEstimate:
    n: int
    top_percent: float | None
    top_ci_low: float | None
    top_ci_high: float | None
    mean: float | None
    design_effect: float | None  # Kish
    effective_n: float | None
    weights: dict[str, float]  # per stratum used ("30|F"); strata the plan leaves out never appear
    uncovered: list[str]  # strata of the plan with nobody answering in this wave (their share is spread)


@dataclass
class WeightedChange:
    item_code: str
    before: WeightedEstimate | None
    after: WeightedEstimate | None
    top_diff_points: float | None
    top_diff_ci_low: float | None
    top_diff_ci_high: float | None
    p_value: float | None  # two-proportion z test on the effective sizes
    q_value: float | None  # Benjamini–Hochberg across the weighted items
    effect_h: float | None
    effect: str
    clear: bool
    explanation: str


@dataclass
class ChangeReport:
    label_before: str
    label_after: str
    unweighted: GapReport
    weighted: list[WeightedChange]
    missing_items: list[str]  # item codes asked in only one of the waves
    summary: str
    notes: list[str] = field(default_factory=list)


def stratum_name(key: Key) -> str:
    return "|".join(key)


def poststratify(strata: Mapping[Key, Sequence[int]], target: Mapping[Key, float], top_box: int) -> WeightedEstimate:
    """Weighted top-box rate and mean of one wave over the target's strata; `target` is counts or shares."""
    sizes = {h: float(sum(strata.get(h, ()))) for h in target}
    n = sum(sizes.values())
    covered = {h: t for h, t in target.items() if t > 0 and sizes[h] > 0}
    uncovered = sorted(stratum_name(h) for h, t in target.items() if t > 0 and sizes[h] == 0)
    total_target = sum(covered.values())
    if n <= 0 or total_target <= 0:
        return WeightedEstimate(int(n), None, None, None, None, None, None, {}, uncovered)
    weights = {h: (covered[h] / total_target) / (sizes[h] / n) for h in covered}
    k = len(next(iter(strata[h] for h in covered)))
    scores = [float(k - i) for i in range(k)]
    weighted = [0.0] * k
    sum_w = sum_w2 = 0.0
    for h, w in weights.items():
        for i, c in enumerate(strata[h]):
            weighted[i] += w * c
        sum_w += w * sizes[h]
        sum_w2 += w * w * sizes[h]
    deff = n * sum_w2 / (sum_w * sum_w)
    n_eff = n / deff
    p = sum(weighted[:top_box]) / sum_w
    low, high = stats.wilson_interval(p * n_eff, n_eff)
    mean = sum(s * c for s, c in zip(scores, weighted, strict=True)) / sum_w
    return WeightedEstimate(
        int(n),
        clean(100 * p),
        clean(100 * low),
        clean(100 * high),
        clean(mean),
        clean(deff),
        clean(n_eff),
        {stratum_name(h): round(w, 6) for h, w in weights.items()},
        uncovered,
    )


def before_after(
    before: Sequence[WaveItem],
    after: Sequence[WaveItem],
    *,
    before_group: Decision,
    after_group: Decision,
    label_before: str | None = None,
    label_after: str | None = None,
    plan: WeightingPlan | None = None,
    alpha: float = ALPHA,
) -> ChangeReport:
    """`before_group` / `after_group`: the gate's decisions for the two waves' respondents; `plan`: the strata a
    weighted comparison may use (`suppression.weighting_plan`), or None for no weighting."""
    label_before = label_before or _("前回")
    label_after = label_after or _("今回")
    earlier = {i.item_code: i for i in before}
    later = {i.item_code: i for i in after}
    both = [code for code in later if code in earlier]
    missing = sorted(set(earlier) ^ set(later))
    pairs = [
        ScaleItemPair(code, later[code].text, later[code].counts, earlier[code].counts, later[code].top_box)
        for code in both
        if len(later[code].counts) == len(earlier[code].counts)
    ]
    report = gap_analysis(pairs, label_after, label_before, after_group, before_group, alpha)
    notes = list(report.notes)
    if missing:
        notes.append(_("片方の調査回にしかない項目は比べていません: %(items)s") % {"items": join(missing)})
    weighted: list[WeightedChange] = []
    if plan is not None and not plan.refused and before_group.shown and after_group.shown:
        weighted = _weighted(both, earlier, later, plan, label_before, alpha, before_group.threshold)
        notes.append(
            _("重み付け: 性別×年齢の構成を目標の構成に合わせています（事後層化）。デザイン効果（Kish）を併記します。")
        )
    return ChangeReport(
        label_before, label_after, report, weighted, missing, change_summary(report, label_before, label_after), notes
    )


def _weighted(
    codes: Sequence[str],
    earlier: Mapping[str, WaveItem],
    later: Mapping[str, WaveItem],
    plan: WeightingPlan,
    label_before: str,
    alpha: float,
    threshold: int,
) -> list[WeightedChange]:
    results: list[WeightedChange] = []
    for code in codes:
        b, a = earlier[code], later[code]
        eb, ea = poststratify(b.strata, plan.target, b.top_box), poststratify(a.strata, plan.target, a.top_box)
        enough = all(e.top_percent is not None and (e.effective_n or 0) >= threshold for e in (ea, eb))
        if not enough:
            results.append(
                WeightedChange(
                    code,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    "",
                    False,
                    _("重みを付けた人数（有効な人数）が%(threshold)d人未満のため、比べていません。")
                    % {"threshold": threshold},
                )
            )
            continue
        assert ea.top_percent is not None and eb.top_percent is not None
        assert ea.effective_n is not None and eb.effective_n is not None
        pa, pb = ea.top_percent / 100, eb.top_percent / 100
        diff, low, high = stats.newcombe_difference(
            pa * ea.effective_n, ea.effective_n, pb * eb.effective_n, eb.effective_n
        )
        p = stats.two_proportion_p(pa * ea.effective_n, ea.effective_n, pb * eb.effective_n, eb.effective_n)
        h = stats.cohens_h(pa, pb)
        results.append(
            WeightedChange(
                code,
                eb,
                ea,
                clean(100 * diff),
                clean(100 * low),
                clean(100 * high),
                clean(p),
                None,
                clean(h),
                effect_label(h),
                False,
                "",
            )
        )
    tested = [r for r in results if r.p_value is not None]
    for r, q in zip(tested, stats.benjamini_hochberg([r.p_value or 0.0 for r in tested]), strict=True):
        r.q_value = clean(q)
        low_, high_ = r.top_diff_ci_low or 0.0, r.top_diff_ci_high or 0.0
        r.clear = q < alpha and (low_ > 0 or high_ < 0)
        r.explanation = _weighted_sentence(r, later[r.item_code].text, label_before)
    return results


def _weighted_sentence(r: WeightedChange, text: str, label_before: str) -> str:
    words = {
        "text": text,
        "before": label_before,
        "points": f"{abs(r.top_diff_points or 0):.0f}",
        "low": r.top_diff_ci_low,
        "high": r.top_diff_ci_high,
        "effect": r.effect,
        "p": format_p(r.q_value if r.q_value is not None else math.nan),
    }
    diff = r.top_diff_points or 0.0
    if round(abs(diff)) == 0:
        head = (
            _(
                "構成を合わせると、『%(text)s』の「そう思う傾向」の割合はほぼ変わりません"
                "（95%%信頼区間 %(low)+.0f〜%(high)+.0fポイント）。"
            )
            % words
        )
    elif diff > 0:
        head = (
            _(
                "構成を合わせると、『%(text)s』の「そう思う傾向」の割合は%(before)sより%(points)sポイント"
                "上がりました（95%%信頼区間 %(low)+.0f〜%(high)+.0fポイント、差の大きさの目安「%(effect)s」）。"
            )
            % words
        )
    else:
        head = (
            _(
                "構成を合わせると、『%(text)s』の「そう思う傾向」の割合は%(before)sより%(points)sポイント"
                "下がりました（95%%信頼区間 %(low)+.0f〜%(high)+.0fポイント、差の大きさの目安「%(effect)s」）。"
            )
            % words
        )
    if r.clear:
        return head + _("比べたすべての項目を考えに入れても、偶然では説明しにくい変化です（調整後%(p)s）。") % words
    return head + _("この人数では、偶然による変化の可能性を否定できません（調整後%(p)s）。") % words


def change_summary(report: GapReport, label_before: str, label_after: str) -> str:
    """The unweighted comparison in one sentence, worded as a change from the earlier wave to this one."""
    shown = [r for r in report.items if not r.hidden and r.top_diff_points is not None]
    clear = clear_items(report)
    words: dict[str, object] = {
        "before": label_before,
        "after": label_after,
        "threshold": report.threshold,
        "shown": len(shown),
        "clear": len(clear),
    }
    if not shown:
        return _("%(before)sと%(after)sのどちらかの回答が%(threshold)d人未満のため、比べられません。") % words
    if clear:
        top = max(clear, key=lambda r: abs(r.top_diff_points or 0))
        return _(
            "%(shown)d項目のうち%(clear)d項目で、%(before)sから%(after)sへの「そう思う傾向」の割合の変化は偶然では説明しにくい"
            "大きさです。最も変化が大きいのは『%(text)s』です。"
        ) % {**words, "text": top.text}
    return _("%(shown)d項目のいずれも、この人数では%(before)sから%(after)sへの変化ははっきりしません。") % words
