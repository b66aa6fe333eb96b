"""Per-item distributions: counts, percentages of the valid answers with Wilson 95 % intervals, non-substantive
answers and missing apart; for scales the top-box rate (「そう思う傾向」) and the mean with intervals; multiple
choice as per-choice rates; ranking as share ranked first, share anywhere in the top N and a weighted score."""

from __future__ import annotations

from dataclasses import dataclass, field

from shokuba.analysis import stats
from shokuba.analysis.i18n import _
from shokuba.analysis.suppression import DEFAULT_THRESHOLD, Aggregate, suppress, suppress_counts, suppress_table
from shokuba.analysis.types import ItemCounts, MultipleChoiceCounts, RankingCounts, clean


@dataclass
class Share:
    """A count and its share in %, with a Wilson 95 % interval; None = hidden ("—") or not computable."""

    code: str
    label: str
    count: int | None
    percent: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass
class ScaleSummary:
    n: int | None
    top_box: int
    top_count: int | None
    top_percent: float | None
    top_ci_low: float | None
    top_ci_high: float | None
    mean: float | None  # score: first point = k … last point = 1
    mean_ci_low: float | None
    mean_ci_high: float | None
    sd: float | None
    scale_note: str = ""


@dataclass
class Distribution:
    item_code: str
    text: str
    responses: int | None  # answered + missing
    valid_n: int | None
    categories: list[Share]
    non_substantive: list[Share]  # % of those who answered (substantive + non-substantive)
    missing: int | None
    scale: ScaleSummary | None
    hidden: bool  # the whole item is "—" (too few responses)
    notes: list[str] = field(default_factory=list)


def _share(code: str, label: str, count: int | None, base: int | None) -> Share:
    if count is None or base is None or base <= 0:
        return Share(code, label, count, None, None, None)
    low, high = stats.wilson_interval(count, base)
    return Share(code, label, count, clean(100 * count / base), clean(100 * low), clean(100 * high))


def distribution(item: ItemCounts, threshold: int = DEFAULT_THRESHOLD) -> Distribution:
    k, m = len(item.categories), len(item.non_substantive)
    values = [*item.counts, *(c for _, c in item.non_substantive), item.missing]
    substantive = tuple((i, 1.0) for i in range(k))
    aggregates = [
        Aggregate(tuple((i, 1.0) for i in range(k + m + 1)), "group", "responses"),
        Aggregate(tuple((i, 1.0) for i in range(k + m)), "count", "answered"),
        Aggregate(substantive, "count", "valid"),
    ]
    if item.is_scale:
        aggregates.append(Aggregate(tuple((i, 1.0) for i in range(min(item.top_box, k))), "count", "top"))
        scores = item.scores()
        aggregates.append(Aggregate(tuple((i, scores[i]) for i in range(k)), "derived", "score"))
    result = suppress(values, aggregates, threshold)
    shown = [None if h else v for h, v in zip(result.cells_hidden, values, strict=True)]
    agg_hidden = dict(zip((a.name for a in aggregates), result.aggregates_hidden, strict=True))
    valid = None if agg_hidden["valid"] else item.valid_n
    answered = None if agg_hidden["answered"] else item.valid_n + sum(c for _, c in item.non_substantive)
    responses_total = sum(values)
    notes: list[str] = []
    hidden_all = responses_total < threshold or item.valid_n < threshold
    if hidden_all:
        notes.append(_("回答が%(threshold)d人未満のため表示しません。") % {"threshold": threshold})
    elif any(result.cells_hidden):
        notes.append(
            _("%(threshold)d人未満の区分と、そこから逆算できる区分は「—」で表示しています。") % {"threshold": threshold}
        )
    categories = [
        _share(c.code, c.label, shown[i], valid if not hidden_all else None) for i, c in enumerate(item.categories)
    ]
    non_substantive = [
        _share(c.code, c.label, shown[k + j], answered if not hidden_all else None)
        for j, (c, _) in enumerate(item.non_substantive)
    ]
    scale: ScaleSummary | None = None
    if item.is_scale:
        n = item.valid_n
        top = sum(item.counts[: item.top_box])
        top_visible = not (hidden_all or agg_hidden["top"] or valid is None)
        mean_visible = not (hidden_all or agg_hidden["score"] or valid is None)
        n_, mean, sd = stats.mean_sd(item.scores(), item.counts)
        low, high = stats.wilson_interval(top, n) if n else (float("nan"), float("nan"))
        mlow, mhigh = stats.mean_interval(n_, mean, sd)
        scale = ScaleSummary(
            n=valid if not hidden_all else None,
            top_box=item.top_box,
            top_count=top if top_visible else None,
            top_percent=clean(100 * top / n) if top_visible else None,
            top_ci_low=clean(100 * low) if top_visible else None,
            top_ci_high=clean(100 * high) if top_visible else None,
            mean=clean(mean) if mean_visible else None,
            mean_ci_low=clean(mlow) if mean_visible else None,
            mean_ci_high=clean(mhigh) if mean_visible else None,
            sd=clean(sd) if mean_visible else None,
            scale_note=_("平均は「%(first)s」=%(k)d〜「%(last)s」=1 の得点")
            % {"first": item.categories[0].label, "k": k, "last": item.categories[-1].label},
        )
    return Distribution(
        item_code=item.item_code,
        text=item.text,
        responses=None if hidden_all else responses_total,
        valid_n=None if hidden_all else valid,
        categories=categories,
        non_substantive=non_substantive,
        missing=None if hidden_all else shown[k + m],
        scale=scale,
        hidden=hidden_all,
        notes=notes,
    )


@dataclass
class MultipleChoiceResult:
    item_code: str
    text: str
    respondents: int | None
    choices: list[Share]  # % of respondents who answered the question (choices are not exclusive: no total)
    hidden: bool
    notes: list[str] = field(default_factory=list)


def multiple_choice(item: MultipleChoiceCounts, threshold: int = DEFAULT_THRESHOLD) -> MultipleChoiceResult:
    """Per-choice rates; each choice is a (chosen, not chosen) pair of cells out of the respondents."""
    hidden_all = item.respondents < threshold
    choices = []
    any_hidden = False
    for choice, count in zip(item.choices, item.counts, strict=True):
        pair = suppress_counts([count, item.respondents - count], threshold)
        visible = not hidden_all and pair.counts[0][0] is not None
        any_hidden |= not visible
        choices.append(_share(choice.code, choice.label, count if visible else None, item.respondents))
        if not visible:
            choices[-1] = Share(choice.code, choice.label, None, None, None, None)
    notes = []
    if hidden_all:
        notes.append(_("回答が%(threshold)d人未満のため表示しません。") % {"threshold": threshold})
    elif any_hidden:
        notes.append(
            _("選んだ人・選ばなかった人が%(threshold)d人未満の選択肢は「—」で表示しています。")
            % {"threshold": threshold}
        )
    return MultipleChoiceResult(
        item.item_code, item.text, None if hidden_all else item.respondents, choices, hidden_all, notes
    )


@dataclass
class RankedChoice:
    code: str
    label: str
    rank_counts: list[int | None]
    first_count: int | None
    first_percent: float | None
    top_count: int | None  # ranked anywhere in 1 … max_rank
    top_percent: float | None
    score: float | None  # rank 1 = N points … rank N = 1 point, summed over respondents
    score_per_respondent: float | None
    order: int | None  # 1 = highest score among the shown ones


@dataclass
class RankingResult:
    item_code: str
    text: str
    respondents: int | None
    max_rank: int
    choices: list[RankedChoice]
    hidden: bool
    notes: list[str] = field(default_factory=list)


def ranking(item: RankingCounts, threshold: int = DEFAULT_THRESHOLD) -> RankingResult:
    n, big_n = item.respondents, item.max_rank
    weights = [float(big_n - r) for r in range(big_n)]
    table = suppress_table(
        [list(row[:big_n]) for row in item.rank_counts],
        threshold,
        row_weights={"score": weights},
        rows_are_groups=False,
    )
    hidden_all = n < threshold
    choices: list[RankedChoice] = []
    for c, choice in enumerate(item.choices):
        cells = table.counts[c]
        first = None if hidden_all else cells[0]
        top = None if hidden_all else table.row_totals[c]
        score = None if hidden_all else table.row_extras["score"][c]
        choices.append(
            RankedChoice(
                choice.code,
                choice.label,
                [None if hidden_all else v for v in cells],
                first,
                clean(100 * first / n) if first is not None and n else None,
                top,
                clean(100 * top / n) if top is not None and n else None,
                score,
                clean(score / n) if score is not None and n else None,
                None,
            )
        )
    ordered = sorted((rc for rc in choices if rc.score is not None), key=lambda rc: -(rc.score or 0))
    for position, rc in enumerate(ordered, start=1):
        rc.order = position
    notes = []
    if hidden_all:
        notes.append(_("回答が%(threshold)d人未満のため表示しません。") % {"threshold": threshold})
    elif table.hidden_cells:
        notes.append(
            _("%(threshold)d人未満の区分と、そこから逆算できる区分は「—」で表示しています。") % {"threshold": threshold}
        )
    return RankingResult(item.item_code, item.text, None if hidden_all else n, big_n, choices, hidden_all, notes)
