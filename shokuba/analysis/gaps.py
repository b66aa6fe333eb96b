"""Gap analysis (気づきポイント): two groups compared item by item on a scale, on 「そう思う傾向」 (the top box).

Everything about one comparison measures the same thing, the share answering on the positive side, so the sentences
on a page cannot disagree:
- the headline: the difference in points, with Newcombe's 95 % interval;
- the size of the difference in words, from Cohen's h on the same two shares (ごく小さい < 0.2 ≤ 小さい < 0.5 ≤ 中程度
  < 0.8 ≤ 大きい), so "28 points higher" never stands beside "small";
- the chance verdict: `stats.groups_test` on (group × top box / rest) — the cross-tabulation uses the same test on
  the same table — with Benjamini–Hochberg across the items compared (one family, one adjusted q for every verdict);
  a difference is called 「偶然では説明しにくい」 only when q < alpha AND the interval excludes 0.
Means are shown as description only.

Which groups are compared and whether they may be shown is the gate's decision (`suppression.Gate`), made on the
groups' respondents, never on the answers; a comparison with a hidden group is hidden whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from shokuba.analysis import stats
from shokuba.analysis.i18n import _, gettext_noop
from shokuba.analysis.suppression import Decision
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
ALPHA = 0.05


def preset_groups() -> list[dict[str, tuple[str, ...]]]:
    """Every group the presets publish, in a fixed order: the unions the gate decides once per split."""
    return [filters for pair in PRESETS.values() for _label, filters in pair]


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
    n_a: int | None  # substantive answers
    n_b: int | None
    top_percent_a: float | None
    top_percent_b: float | None
    top_diff_points: float | None  # a − b, percentage points
    top_diff_ci_low: float | None
    top_diff_ci_high: float | None
    mean_a: float | None  # description only (score: first point = k … last = 1)
    mean_b: float | None
    method: str  # "chi2" | "fisher" | "" (not tested)
    p_value: float | None
    q_value: float | None  # Benjamini–Hochberg across the items compared
    effect_h: float | None  # Cohen's h on the two top-box shares
    effect: str  # ごく小さい / 小さい / 中程度 / 大きい (in the active language)
    clear: bool  # q < alpha and the interval excludes 0
    rank: int | None  # 1 = largest absolute top-box gap
    hidden: bool
    reason: str  # why the comparison is hidden, or why it is not tested (in the active language)
    explanation: str


@dataclass
class GapReport:
    label_a: str
    label_b: str
    threshold: int
    alpha: float
    items: list[Comparison]  # ranked by gap; hidden and untested items last
    summary: str
    notes: list[str] = field(default_factory=list)


def effect_label(h: float) -> str:
    """Cohen's (1988) conventions for |h|."""
    size = abs(h)
    if size < 0.2:
        return _("ごく小さい")
    if size < 0.5:
        return _("小さい")
    if size < 0.8:
        return _("中程度")
    return _("大きい")


def format_p(p: float) -> str:
    return "p<0.001" if p < 0.001 else f"p={p:.3f}"


def hidden_reason(label: str, decision: Decision) -> str:
    """Why a group's figures are not shown, in words (the page's 「—」 legend says what 「—」 means)."""
    if decision.reason == "primary" or decision.reason == "group":
        return _("%(group)sの回答者が%(threshold)d人未満のため、表示していません。") % {
            "group": label,
            "threshold": decision.threshold,
        }
    return _(
        "%(group)sは、そのまま表示すると、人数の少ない別の区分の回答が全体などとの差からわかってしまうため、"
        "表示していません。"
    ) % {"group": label}


def _test(top_a: int, n_a: int, top_b: int, n_b: int) -> tuple[str, float]:
    method, _statistic, _df, p, _smallest = stats.groups_test([[top_a, n_a - top_a], [top_b, n_b - top_b]])
    return method, p


def gap_analysis(
    items: Sequence[ScaleItemPair],
    label_a: str,
    label_b: str,
    group_a: Decision,
    group_b: Decision,
    alpha: float = ALPHA,
) -> GapReport:
    """Compare two groups on every item. `group_a` / `group_b` are the gate's decisions for the two groups."""
    threshold = group_a.threshold
    hidden_groups = [
        hidden_reason(label, decision)
        for label, decision in ((label_a, group_a), (label_b, group_b))
        if not decision.shown
    ]
    results: list[Comparison] = []
    for item in items:
        a = ensure_counts(item.counts_a, f"{item.item_code} {label_a}")
        b = ensure_counts(item.counts_b, f"{item.item_code} {label_b}")
        if len(a) != len(b) or len(a) < 2:
            raise ValueError(f"{item.item_code}: 2つの群の尺度の段階数が合いません（{len(a)}と{len(b)}）。")
        results.append(_compare(item, a, b, label_a, label_b, (group_a, group_b), hidden_groups))
    tested = [r for r in results if r.p_value is not None]
    for r, q in zip(tested, stats.benjamini_hochberg([r.p_value or 0.0 for r in tested]), strict=True):
        r.q_value = clean(q)
        r.clear = (
            r.q_value is not None
            and r.q_value < alpha
            and r.top_diff_ci_low is not None
            and r.top_diff_ci_high is not None
            and (r.top_diff_ci_low > 0 or r.top_diff_ci_high < 0)
        )
    shown = [r for r in results if not r.hidden and r.top_diff_points is not None]
    ordered = sorted(shown, key=lambda r: -abs(r.top_diff_points or 0.0))
    for position, r in enumerate(ordered, start=1):
        r.rank = position
    by_code = {item.item_code: item for item in items}
    for r in results:
        item = by_code[r.item_code]
        r.explanation = r.reason if r.hidden else explain(label_a, label_b, item.text, item.top_label, r)
    ordered += [r for r in results if r not in ordered]
    clear = [r for r in shown if r.clear]
    words: dict[str, object] = {"a": label_a, "b": label_b, "shown": len(shown), "clear": len(clear)}
    if hidden_groups:
        summary = _("%(a)sと%(b)sは比べていません。") % words + "".join(hidden_groups)
    elif not shown:
        summary = _("%(a)sと%(b)sを比べられる項目がありません。") % words
    elif clear:
        top = max(clear, key=lambda r: abs(r.top_diff_points or 0))
        summary = _(
            "%(shown)d項目のうち%(clear)d項目で、%(a)sと%(b)sの「そう思う傾向」の割合に、偶然では説明しにくい差があります。"
            "最も差が大きいのは『%(text)s』です。"
        ) % {**words, "text": top.text}
    else:
        summary = _("%(shown)d項目のいずれも、この人数では%(a)sと%(b)sの差ははっきりしません。") % words
    return GapReport(label_a, label_b, threshold, alpha, ordered, summary, [])


def _compare(
    item: ScaleItemPair,
    a: tuple[int, ...],
    b: tuple[int, ...],
    label_a: str,
    label_b: str,
    groups: tuple[Decision, Decision],
    hidden: list[str],
) -> Comparison:
    empty = Comparison(
        item.item_code,
        item.text,
        n_a=None,
        n_b=None,
        top_percent_a=None,
        top_percent_b=None,
        top_diff_points=None,
        top_diff_ci_low=None,
        top_diff_ci_high=None,
        mean_a=None,
        mean_b=None,
        method="",
        p_value=None,
        q_value=None,
        effect_h=None,
        effect="",
        clear=False,
        rank=None,
        hidden=bool(hidden),
        reason="",
        explanation="",
    )
    n_a, n_b = sum(a), sum(b)
    k = len(a)
    scores = [float(k - i) for i in range(k)]
    if hidden or n_a == 0 or n_b == 0:
        # Nothing to compare; a released group that answered still shows its own figures (they are shown on the
        # cross-tabulation too), so null here means hidden, or nobody to compute it from.
        for side, counts, n, group in (("a", a, n_a, groups[0]), ("b", b, n_b, groups[1])):
            if group.shown:
                setattr(empty, f"n_{side}", n)
                if n:
                    setattr(empty, f"top_percent_{side}", clean(100 * sum(counts[: item.top_box]) / n))
                    setattr(empty, f"mean_{side}", clean(stats.mean_sd(scores, counts)[1]))
        empty.reason = "".join(hidden) or _("『%(text)s』に答えた%(group)sがいないため、比べていません。") % {
            "text": item.text,
            "group": label_a if n_a == 0 else label_b,
        }
        return empty
    top_a, top_b = sum(a[: item.top_box]), sum(b[: item.top_box])
    diff, low, high = stats.newcombe_difference(top_a, n_a, top_b, n_b)
    h = stats.cohens_h(top_a / n_a, top_b / n_b)
    method, p = _test(top_a, n_a, top_b, n_b)
    reason = ""
    if not method:
        reason = _("どちらの群も全員が同じ側の回答（「%(top)s」かそれ以外）のため、差を検定できません。") % {
            "top": _(item.top_label)
        }
    return Comparison(
        item.item_code,
        item.text,
        n_a,
        n_b,
        clean(100 * top_a / n_a),
        clean(100 * top_b / n_b),
        clean(100 * diff),
        clean(100 * low),
        clean(100 * high),
        clean(stats.mean_sd(scores, a)[1]),
        clean(stats.mean_sd(scores, b)[1]),
        method,
        clean(p) if method else None,
        None,
        clean(h),
        effect_label(h),
        False,
        None,
        False,
        reason,
        "",
    )


def explain(label_a: str, label_b: str, text: str, top_label: str, c: Comparison) -> str:
    if c.top_diff_points is None:
        return c.reason
    d = c.top_diff_points
    words = {
        "a": label_a,
        "b": label_b,
        "text": text,
        "top": _(top_label),
        "points": f"{abs(d):.0f}",
        "effect": c.effect,
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
    head += _("差の大きさの目安は「%(effect)s」です。") % words
    if c.q_value is None:
        return head + c.reason
    if c.clear:
        tail = _("比べたすべての項目を考えに入れても、偶然では説明しにくい差です（調整後%(p)s）。") % {
            "p": format_p(c.q_value)
        }
    else:
        tail = _("この人数では、偶然による差の可能性を否定できません（調整後%(p)s）。") % {"p": format_p(c.q_value)}
    return head + tail


def clear_items(report: GapReport) -> list[Comparison]:
    """The compared items whose difference chance hardly explains (adjusted q below alpha, interval without 0)."""
    return [r for r in report.items if not r.hidden and r.clear]
