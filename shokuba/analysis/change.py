"""Before/after (効果検証): two independent waves (responses are anonymous, so nobody is paired), item by item.

Unweighted: the same statistics as a gap analysis with "after" as group A and "before" as group B. Optional
weighting: post-stratification by sex × age band (any strata) to a target composition (the organisations'
workforce). Each stratum's weight is its target share over its sample share; estimates use the weighted counts,
and intervals and tests use Kish's effective sample size n / deff with deff = n Σ n_h w_h² / (Σ n_h w_h)².
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from shokuba.analysis import stats
from shokuba.analysis.gaps import GapReport, ScaleItemPair, clear_items, format_p, gap_analysis
from shokuba.analysis.i18n import _, join
from shokuba.analysis.suppression import DEFAULT_THRESHOLD, validate_threshold
from shokuba.analysis.types import clean


@dataclass(frozen=True)
class WaveItem:
    """One scale item in one wave: counts per point overall and (for weighting) per stratum."""

    item_code: str
    text: str
    counts: tuple[int, ...]
    strata: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # e.g. "F|30" → counts per point
    top_box: int = 2


@dataclass
class WeightedEstimate:
    n: int
    top_percent: float | None
    top_ci_low: float | None
    top_ci_high: float | None
    mean: float | None
    mean_ci_low: float | None
    mean_ci_high: float | None
    design_effect: float | None  # Kish
    effective_n: float | None
    weights: dict[str, float]
    uncovered: list[str]  # target strata with nobody in the sample (their share is spread over the others)


@dataclass
class WeightedChange:
    item_code: str
    before: WeightedEstimate | None
    after: WeightedEstimate | None
    top_diff_points: float | None
    top_diff_ci_low: float | None
    top_diff_ci_high: float | None
    mean_diff: float | None
    mean_diff_ci_low: float | None
    mean_diff_ci_high: float | None
    p_value: float | None  # Welch test on the weighted means with effective sizes
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


def poststratify(strata: Mapping[str, Sequence[int]], target: Mapping[str, float], top_box: int) -> WeightedEstimate:
    """Weighted top-box rate and mean of one wave; `target` is counts or shares per stratum (any scale)."""
    sizes = {h: float(sum(c)) for h, c in strata.items()}
    n = sum(sizes.values())
    covered = {h: t for h, t in target.items() if t > 0 and sizes.get(h, 0) > 0}
    uncovered = sorted(h for h, t in target.items() if t > 0 and sizes.get(h, 0) == 0)
    total_target = sum(covered.values())
    if n <= 0 or total_target <= 0:
        return WeightedEstimate(int(n), None, None, None, None, None, None, None, None, {}, uncovered)
    weights = {h: (covered[h] / total_target) / (sizes[h] / n) for h in covered}
    k = len(next(iter(strata.values())))
    scores = [float(k - i) for i in range(k)]
    weighted = [0.0] * k
    sum_w = sum_w2 = 0.0
    for h, w in weights.items():
        for i, c in enumerate(strata[h]):
            weighted[i] += w * c
        sum_w += w * sizes[h]
        sum_w2 += w * w * sizes[h]
    n_used = sum(sizes[h] for h in weights)
    deff = n_used * sum_w2 / (sum_w * sum_w)
    n_eff = n_used / deff
    p = sum(weighted[:top_box]) / sum_w
    low, high = stats.wilson_interval(p * n_eff, n_eff)
    mean = sum(s * c for s, c in zip(scores, weighted, strict=True)) / sum_w
    variance = sum(c * (s - mean) ** 2 for s, c in zip(scores, weighted, strict=True)) / sum_w
    sd = math.sqrt(variance * n_used / (n_used - 1)) if n_used > 1 else math.nan
    mlow, mhigh = stats.mean_interval(n_eff, mean, sd)
    return WeightedEstimate(
        int(n),
        clean(100 * p),
        clean(100 * low),
        clean(100 * high),
        clean(mean),
        clean(mlow),
        clean(mhigh),
        clean(deff),
        clean(n_eff),
        {h: round(w, 6) for h, w in weights.items()},
        uncovered,
    )


def _unweighted(code: str, before: WeightedEstimate | None, after: WeightedEstimate | None) -> WeightedChange:
    return WeightedChange(code, before, after, None, None, None, None, None, None, None, _("重み付けの対象外です。"))


def _sd_from(estimate: WeightedEstimate) -> float:
    if estimate.mean is None or estimate.mean_ci_high is None or not estimate.effective_n:
        return math.nan
    from scipy import stats as st  # type: ignore[import-untyped]

    n_eff = estimate.effective_n
    return (estimate.mean_ci_high - estimate.mean) * math.sqrt(n_eff) / float(st.t.ppf(0.975, n_eff - 1))


def before_after(
    before: Sequence[WaveItem],
    after: Sequence[WaveItem],
    *,
    label_before: str | None = None,
    label_after: str | None = None,
    target: Mapping[str, float] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
) -> ChangeReport:
    threshold = validate_threshold(threshold)
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
    report = gap_analysis(pairs, label_after, label_before, threshold)
    weighted: list[WeightedChange] = []
    notes = list(report.notes)
    if missing:
        notes.append(_("片方の調査回にしかない項目は比べていません: %(items)s") % {"items": join(missing)})
    if target:
        for code in both:
            b, a = earlier[code], later[code]
            hidden = sum(b.counts) < threshold or sum(a.counts) < threshold
            if hidden or not a.strata or not b.strata:
                weighted.append(_unweighted(code, None, None))
                continue
            # A stratum below the threshold is not shown on its own, but it still counts in the weighted estimate.
            eb, ea = poststratify(b.strata, target, b.top_box), poststratify(a.strata, target, a.top_box)
            if ea.top_percent is None or eb.top_percent is None or not ea.effective_n or not eb.effective_n:
                weighted.append(_unweighted(code, eb, ea))
                continue
            pa, pb = ea.top_percent / 100, eb.top_percent / 100
            diff, low, high = stats.newcombe_difference(
                pa * ea.effective_n, ea.effective_n, pb * eb.effective_n, eb.effective_n
            )
            assert ea.mean is not None and eb.mean is not None
            mdiff, mlow, mhigh, mp = stats.welch_difference(
                ea.effective_n, ea.mean, _sd_from(ea), eb.effective_n, eb.mean, _sd_from(eb)
            )
            words = {
                "text": a.text,
                "before": label_before,
                "points": f"{abs(100 * diff):.0f}",
                "low": 100 * low,
                "high": 100 * high,
                "p": format_p(mp),
            }
            if round(abs(100 * diff)) == 0:
                text = _("構成を合わせると、『%(text)s』の「そう思う傾向」の割合はほぼ変わりません。") % words
            elif diff > 0:
                text = (
                    _(
                        "構成を合わせると、『%(text)s』の「そう思う傾向」の割合は%(before)sより%(points)sポイント"
                        "上がりました（95%%信頼区間 %(low)+.0f〜%(high)+.0fポイント、%(p)s）。"
                    )
                    % words
                )
            else:
                text = (
                    _(
                        "構成を合わせると、『%(text)s』の「そう思う傾向」の割合は%(before)sより%(points)sポイント"
                        "下がりました（95%%信頼区間 %(low)+.0f〜%(high)+.0fポイント、%(p)s）。"
                    )
                    % words
                )
            if not (low > 0 or high < 0):
                text += _("この人数では、偶然による変化の可能性を否定できません。")
            weighted.append(
                WeightedChange(
                    code,
                    eb,
                    ea,
                    clean(100 * diff),
                    clean(100 * low),
                    clean(100 * high),
                    clean(mdiff),
                    clean(mlow),
                    clean(mhigh),
                    clean(mp),
                    text,
                )
            )
        notes.append(
            _("重み付け: 性別×年齢の構成を目標の構成に合わせています（事後層化）。デザイン効果（Kish）を併記します。")
        )
    return ChangeReport(
        label_before, label_after, report, weighted, missing, change_summary(report, label_before, label_after), notes
    )


def change_summary(report: GapReport, label_before: str, label_after: str) -> str:
    """The unweighted comparison in one sentence, worded as a change from the earlier wave to this one."""
    shown = [r for r in report.items if not r.hidden]
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
            "%(shown)d項目のうち%(clear)d項目で、%(before)sから%(after)sへの回答の変化は偶然では説明しにくい"
            "大きさです。最も変化が大きいのは『%(text)s』です。"
        ) % {**words, "text": top.text}
    return _("%(shown)d項目のいずれも、この人数では%(before)sから%(after)sへの変化ははっきりしません。") % words
