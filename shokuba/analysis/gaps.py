"""Gap analysis (気づきポイント): two groups compared item by item on a scale.

For each item: the difference in top-box rate (Newcombe 95 % interval) and in mean score (Welch 95 % interval),
the Mann–Whitney U test from the two count vectors (asymptotic, tie-corrected, with continuity correction),
Cliff's delta, and Benjamini–Hochberg adjustment of the Mann–Whitney p-values across the items compared.
Items are ranked by the size of the top-box gap and explained in plain words without overclaiming (Japanese
templates, translated through `i18n`).

A comparison where either group has fewer respondents than the threshold is hidden as a whole ("—").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from shokuba.analysis import stats
from shokuba.analysis.i18n import _, gettext_noop
from shokuba.analysis.suppression import DEFAULT_THRESHOLD, group_hidden, validate_threshold
from shokuba.analysis.types import clean, ensure_counts

# Presets the pages offer (attribute filters; the selectors turn them into counts). The labels are Japanese,
# marked for translation; callers translate them (`_(label)`) before passing them to `gap_analysis`.
PRESETS: dict[str, tuple[tuple[str, dict[str, tuple[str, ...]]], tuple[str, dict[str, tuple[str, ...]]]]] = {
    "sex": ((gettext_noop("女性"), {"sex": ("F",)}), (gettext_noop("男性"), {"sex": ("M",)})),
    "managers": (
        (gettext_noop("管理職"), {"position": ("manager", "exec")}),
        (gettext_noop("管理職以外"), {"position": ("staff", "chief")}),
    ),
    "male_managers_young_women": (
        (gettext_noop("男性管理職"), {"sex": ("M",), "position": ("manager", "exec")}),
        (gettext_noop("29歳以下の女性"), {"sex": ("F",), "age_band": ("-29",)}),
    ),
    "young_old": (
        (gettext_noop("29歳以下"), {"age_band": ("-29",)}),
        (gettext_noop("50歳以上"), {"age_band": ("50", "60+")}),
    ),
}
TOP_LABEL = gettext_noop("そう思う傾向")


@dataclass(frozen=True)
class ScaleItemPair:
    """One scale item's counts per point (printed order: first point = most agreeing) in two groups."""

    item_code: str
    text: str
    counts_a: tuple[int, ...]
    counts_b: tuple[int, ...]
    top_box: int = 2
    top_label: str = TOP_LABEL  # how the positive side is worded in the explanation (translated when used)


@dataclass
class Comparison:
    item_code: str
    text: str
    n_a: int | None
    n_b: int | None
    top_percent_a: float | None
    top_percent_b: float | None
    top_diff_points: float | None  # a − b, percentage points
    top_diff_ci_low: float | None
    top_diff_ci_high: float | None
    mean_a: float | None
    mean_b: float | None
    mean_diff: float | None
    mean_diff_ci_low: float | None
    mean_diff_ci_high: float | None
    mean_p: float | None  # Welch t test
    mann_whitney_u: float | None
    p_value: float | None  # Mann–Whitney, two-sided
    q_value: float | None  # Benjamini–Hochberg across the items compared
    cliffs_delta: float | None
    effect: str  # ごく小さい / 小さい / 中程度 / 大きい (in the active language)
    rank: int | None  # 1 = largest absolute top-box gap
    hidden: bool
    explanation: str


@dataclass
class GapReport:
    label_a: str
    label_b: str
    threshold: int
    alpha: float
    items: list[Comparison]  # ranked by gap; hidden items last
    summary: str
    notes: list[str] = field(default_factory=list)


def effect_label(delta: float) -> str:
    """Romano et al. (2006) thresholds for |Cliff's delta|."""
    size = abs(delta)
    if size < 0.147:
        return _("ごく小さい")
    if size < 0.33:
        return _("小さい")
    if size < 0.474:
        return _("中程度")
    return _("大きい")


def compare_counts(counts_a: Sequence[int], counts_b: Sequence[int], top_box: int) -> dict[str, float]:
    """Every statistic of one comparison, unrounded (the tests check these against SciPy/statsmodels)."""
    k = len(counts_a)
    scores = [float(k - i) for i in range(k)]
    # Mann–Whitney and Cliff's delta want increasing order: reverse so the last category is the most agreeing.
    up_a, up_b = list(reversed(counts_a)), list(reversed(counts_b))
    n_a, mean_a, sd_a = stats.mean_sd(scores, counts_a)
    n_b, mean_b, sd_b = stats.mean_sd(scores, counts_b)
    top_a, top_b = float(sum(counts_a[:top_box])), float(sum(counts_b[:top_box]))
    diff, low, high = stats.newcombe_difference(top_a, n_a, top_b, n_b)
    mdiff, mlow, mhigh, mp = stats.welch_difference(n_a, mean_a, sd_a, n_b, mean_b, sd_b)
    u, p = stats.mann_whitney(up_a, up_b)
    return {
        "n_a": n_a,
        "n_b": n_b,
        "top_a": top_a / n_a,
        "top_b": top_b / n_b,
        "top_diff": diff,
        "top_low": low,
        "top_high": high,
        "mean_a": mean_a,
        "mean_b": mean_b,
        "mean_diff": mdiff,
        "mean_low": mlow,
        "mean_high": mhigh,
        "mean_p": mp,
        "u": u,
        "p": p,
        "delta": stats.cliffs_delta(up_a, up_b),
    }


def format_p(p: float) -> str:
    return "p<0.001" if p < 0.001 else f"p={p:.3f}"


def explain(label_a: str, label_b: str, text: str, top_label: str, c: Comparison, alpha: float) -> str:
    if c.hidden or c.top_diff_points is None:
        return _("『%(text)s』は、どちらかの群の回答が少ないため比べていません。") % {"text": text}
    d = c.top_diff_points
    words = {
        "a": label_a,
        "b": label_b,
        "text": text,
        "top": _(top_label),
        "points": f"{abs(d):.0f}",
        "interval": _("（95%%信頼区間 %(low)+.0f〜%(high)+.0fポイント）")
        % {"low": c.top_diff_ci_low, "high": c.top_diff_ci_high},
    }
    if round(abs(d)) == 0:
        head = _("『%(text)s』に「%(top)s」の回答の割合は、%(a)sと%(b)sでほぼ同じです%(interval)s。") % words
    elif d > 0:
        head = (
            _("%(a)sは%(b)sより、『%(text)s』に「%(top)s」の回答の割合が%(points)sポイント高い%(interval)s。") % words
        )
    else:
        head = (
            _("%(a)sは%(b)sより、『%(text)s』に「%(top)s」の回答の割合が%(points)sポイント低い%(interval)s。") % words
        )
    if c.q_value is not None and c.q_value < alpha:
        tail = _(
            "回答の分布の差は偶然では説明しにくい水準です（複数項目を考慮した調整後%(p)s、差の大きさは%(effect)s）。"
        ) % {"p": format_p(c.q_value), "effect": c.effect}
    else:
        tail = _("この人数では、偶然による差の可能性を否定できません。")
    return head + tail


def clear_items(report: GapReport) -> list[Comparison]:
    """The compared items whose adjusted p is below the report's alpha (a difference chance hardly explains)."""
    return [r for r in report.items if not r.hidden and r.q_value is not None and r.q_value < report.alpha]


def gap_analysis(
    items: Sequence[ScaleItemPair],
    label_a: str,
    label_b: str,
    threshold: int = DEFAULT_THRESHOLD,
    alpha: float = 0.05,
) -> GapReport:
    threshold = validate_threshold(threshold)
    results: list[Comparison] = []
    for item in items:
        a = ensure_counts(item.counts_a, f"{item.item_code} {label_a}")
        b = ensure_counts(item.counts_b, f"{item.item_code} {label_b}")
        if len(a) != len(b) or len(a) < 2:
            raise ValueError(f"{item.item_code}: 2つの群の尺度の段階数が合いません（{len(a)}と{len(b)}）。")
        hidden = group_hidden(sum(a), threshold) or group_hidden(sum(b), threshold)
        if hidden:
            results.append(
                Comparison(
                    item.item_code,
                    item.text,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    "",
                    None,
                    True,
                    "",
                )
            )
            continue
        s = compare_counts(a, b, item.top_box)
        results.append(
            Comparison(
                item.item_code,
                item.text,
                sum(a),
                sum(b),
                clean(100 * s["top_a"]),
                clean(100 * s["top_b"]),
                clean(100 * s["top_diff"]),
                clean(100 * s["top_low"]),
                clean(100 * s["top_high"]),
                clean(s["mean_a"]),
                clean(s["mean_b"]),
                clean(s["mean_diff"]),
                clean(s["mean_low"]),
                clean(s["mean_high"]),
                clean(s["mean_p"]),
                clean(s["u"]),
                clean(s["p"]),
                None,
                clean(s["delta"]),
                effect_label(s["delta"]) if not math.isnan(s["delta"]) else "",
                None,
                False,
                "",
            )
        )
    shown = [r for r in results if not r.hidden]
    adjusted = stats.benjamini_hochberg([r.p_value if r.p_value is not None else math.nan for r in shown])
    for r, q in zip(shown, adjusted, strict=True):
        r.q_value = clean(q)
    ordered = sorted(shown, key=lambda r: -abs(r.top_diff_points or 0.0))
    for position, r in enumerate(ordered, start=1):
        r.rank = position
    by_code = {item.item_code: item for item in items}
    for r in results:
        item = by_code[r.item_code]
        r.explanation = explain(label_a, label_b, item.text, item.top_label, r, alpha)
    ordered += [r for r in results if r.hidden]
    clear = [r for r in shown if r.q_value is not None and r.q_value < alpha]
    words: dict[str, object] = {"a": label_a, "b": label_b, "threshold": threshold, "shown": len(shown)}
    if not shown:
        summary = _("%(a)sと%(b)sのどちらかの回答が%(threshold)d人未満のため、比べられません。") % words
    elif clear:
        top = max(clear, key=lambda r: abs(r.top_diff_points or 0))
        summary = _(
            "%(shown)d項目のうち%(clear)d項目で、%(a)sと%(b)sの回答に偶然では説明しにくい差があります。"
            "最も差が大きいのは『%(text)s』です。"
        ) % {**words, "clear": len(clear), "text": top.text}
    else:
        summary = _("%(shown)d項目のいずれも、この人数では%(a)sと%(b)sの差ははっきりしません。") % words
    notes = (
        []
        if len(shown) == len(results)
        else [_("どちらかの群が%(threshold)d人未満の項目は「—」で表示しています。") % words]
    )
    return GapReport(label_a, label_b, threshold, alpha, ordered, summary, notes)
