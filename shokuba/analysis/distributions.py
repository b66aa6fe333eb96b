"""Per-item distributions: counts, percentages of the valid answers with Wilson 95 % intervals, non-substantive
answers and missing apart; for scales the top-box rate (「そう思う傾向」) and the mean with intervals; multiple
choice as per-choice rates; ranking as share ranked first, share anywhere in the top N and a weighted score.

Each is a figure of one group (the scope's respondents): shown whole when the gate releases the group
(`suppression.Gate.scope`), not at all otherwise."""

from __future__ import annotations

from dataclasses import dataclass, field

from shokuba.analysis import stats
from shokuba.analysis.i18n import _
from shokuba.analysis.suppression import Decision
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


def _hidden_note(group: Decision) -> str:
    return _("回答が%(threshold)d人未満のため表示しません。") % {"threshold": group.threshold}


def distribution(item: ItemCounts, group: Decision) -> Distribution:
    """Every count of one item in one group (the scope), or nothing when the gate hides the group."""
    k = len(item.categories)
    hidden_all = not group.shown
    notes = [_hidden_note(group)] if hidden_all else []
    valid = item.valid_n
    answered = valid + sum(c for _, c in item.non_substantive)

    def share(code: str, label: str, count: int, base: int) -> Share:
        return Share(code, label, None, None, None, None) if hidden_all else _share(code, label, count, base)

    categories = [share(c.code, c.label, n, valid) for c, n in zip(item.categories, item.counts, strict=True)]
    non_substantive = [share(c.code, c.label, n, answered) for c, n in item.non_substantive]
    scale: ScaleSummary | None = None
    if item.is_scale:
        top = sum(item.counts[: item.top_box])
        n_, mean, sd = stats.mean_sd(item.scores(), item.counts)
        low, high = stats.wilson_interval(top, valid) if valid else (float("nan"), float("nan"))
        mlow, mhigh = stats.mean_interval(n_, mean, sd)
        shown = not hidden_all and valid > 0
        scale = ScaleSummary(
            n=None if hidden_all else valid,
            top_box=item.top_box,
            top_count=top if shown else None,
            top_percent=clean(100 * top / valid) if shown else None,
            top_ci_low=clean(100 * low) if shown else None,
            top_ci_high=clean(100 * high) if shown else None,
            mean=clean(mean) if shown else None,
            mean_ci_low=clean(mlow) if shown else None,
            mean_ci_high=clean(mhigh) if shown else None,
            sd=clean(sd) if shown else None,
            scale_note=_("平均は「%(first)s」=%(k)d〜「%(last)s」=1 の得点")
            % {"first": item.categories[0].label, "k": k, "last": item.categories[-1].label},
        )
    return Distribution(
        item_code=item.item_code,
        text=item.text,
        responses=None if hidden_all else answered + item.missing,
        valid_n=None if hidden_all else valid,
        categories=categories,
        non_substantive=non_substantive,
        missing=None if hidden_all else item.missing,
        scale=scale,
        hidden=hidden_all,
        notes=notes,
    )


def top_percent(item: ItemCounts, group: Decision) -> float | None:
    """The 「そう思う傾向」 share of a scale item in a group, as `distribution(item, group).scale.top_percent`, without
    the intervals, means and categories (a page that shows only the share: the public site's headlines)."""
    valid = item.valid_n
    if not group.shown or not item.is_scale or valid <= 0:
        return None
    return clean(100 * sum(item.counts[: item.top_box]) / valid)


@dataclass
class MultipleChoiceResult:
    item_code: str
    text: str
    respondents: int | None
    choices: list[Share]  # % of respondents who answered the question (choices are not exclusive: no total)
    hidden: bool
    notes: list[str] = field(default_factory=list)


def multiple_choice(item: MultipleChoiceCounts, group: Decision) -> MultipleChoiceResult:
    """Per-choice rates out of the respondents who answered the question."""
    hidden_all = not group.shown
    choices = [
        Share(c.code, c.label, None, None, None, None) if hidden_all else _share(c.code, c.label, n, item.respondents)
        for c, n in zip(item.choices, item.counts, strict=True)
    ]
    notes = [_hidden_note(group)] if hidden_all else []
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


def ranking(item: RankingCounts, group: Decision) -> RankingResult:
    n, big_n = item.respondents, item.max_rank
    hidden_all = not group.shown
    choices: list[RankedChoice] = []
    for choice, row in zip(item.choices, item.rank_counts, strict=True):
        cells: list[int | None] = list(row[:big_n])
        counts = list(row[:big_n])
        first, top = counts[0], sum(counts)
        score = float(sum((big_n - r) * v for r, v in enumerate(counts)))
        choices.append(
            RankedChoice(
                choice.code,
                choice.label,
                [None] * len(cells) if hidden_all else cells,
                None if hidden_all else first,
                None if hidden_all or not n else clean(100 * first / n),
                None if hidden_all else top,
                None if hidden_all or not n else clean(100 * top / n),
                None if hidden_all else score,
                None if hidden_all or not n else clean(score / n),
                None,
            )
        )
    ordered = sorted((rc for rc in choices if rc.score is not None), key=lambda rc: -(rc.score or 0))
    for position, rc in enumerate(ordered, start=1):
        rc.order = position
    notes = [_hidden_note(group)] if hidden_all else []
    return RankingResult(item.item_code, item.text, None if hidden_all else n, big_n, choices, hidden_all, notes)
