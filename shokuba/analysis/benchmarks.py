"""Benchmarks: the programme against the network (other members' counts, summed), against the national published
results attached to the template, and an organisation against the rest of its programme.

- Network: the reference is the sum of other members' counts for the same item code. It is shown only when at
  least `MIN_CONTRIBUTORS` members contributed (so no single other member's result can be read off) and both
  sides reach the threshold.
- Organisation vs programme: the organisation is compared with the programme *without* it (independent groups).
- National results are published percentages from large samples (内閣府 R4 n=10,906); they are treated as fixed
  values: the programme's Wilson 95 % interval is read against them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from shokuba.analysis import stats
from shokuba.analysis.gaps import GapReport, ScaleItemPair, gap_analysis
from shokuba.analysis.i18n import _, gettext_noop
from shokuba.analysis.suppression import DEFAULT_THRESHOLD, validate_threshold
from shokuba.analysis.types import clean

MIN_CONTRIBUTORS = 3


@dataclass(frozen=True)
class PublishedFigure:
    """A national published result, as in the template (instrument.Benchmark)."""

    source: str
    year: int
    group: str  # 男性 / 女性 / 男性20代 / 全体 … (a key as the template writes it; translated for display)
    value: float  # percent
    measure: str = gettext_noop("そう思う傾向（%）")


@dataclass
class NationalComparison:
    item_code: str
    text: str
    group: str
    source: str
    year: int
    national_percent: float
    n: int | None
    percent: float | None
    ci_low: float | None
    ci_high: float | None
    diff_points: float | None
    verdict: str  # "above" | "below" | "unclear" | "hidden"
    explanation: str


def vs_national(
    item_code: str,
    text: str,
    groups: Mapping[str, tuple[int, int]],
    figures: Sequence[PublishedFigure],
    threshold: int = DEFAULT_THRESHOLD,
) -> list[NationalComparison]:
    """`groups`: group label (matching a figure's group, e.g. 男性) → (top-box count, valid n) in the programme."""
    threshold = validate_threshold(threshold)
    results = []
    for figure in figures:
        if figure.group not in groups:
            continue
        top, n = groups[figure.group]
        base = (item_code, text, figure.group, figure.source, figure.year, figure.value)
        words: dict[str, object] = {"group": _(figure.group), "text": text, "source": figure.source}
        if n < threshold or 0 < top < threshold or 0 < n - top < threshold:
            results.append(
                NationalComparison(
                    *base,
                    None,
                    None,
                    None,
                    None,
                    None,
                    "hidden",
                    _("%(group)sの回答が少ないため、全国調査とは比べていません。") % words,
                )
            )
            continue
        low, high = stats.wilson_interval(top, n)
        percent = 100 * top / n
        diff = percent - figure.value
        words.update(
            points=f"{abs(diff):.0f}",
            diff=diff,
            national=figure.value,
            percent=percent,
            low=100 * low,
            high=100 * high,
        )
        if 100 * low > figure.value:
            verdict = "above"
            template = _(
                "%(group)sの『%(text)s』の「そう思う傾向」は%(percent).0f%%（95%%信頼区間 %(low).0f〜%(high).0f%%）で、"
                "全国（%(source)s）より%(points)sポイント高く、偶然では説明しにくい差です。"
            )
        elif 100 * high < figure.value:
            verdict = "below"
            template = _(
                "%(group)sの『%(text)s』の「そう思う傾向」は%(percent).0f%%（95%%信頼区間 %(low).0f〜%(high).0f%%）で、"
                "全国（%(source)s）より%(points)sポイント低く、偶然では説明しにくい差です。"
            )
        else:
            verdict = "unclear"
            template = _(
                "%(group)sの『%(text)s』の「そう思う傾向」は%(percent).0f%%（95%%信頼区間 %(low).0f〜%(high).0f%%）で、"
                "全国（%(source)s、%(national).1f%%）との差（%(diff)+.0fポイント）は、この人数でははっきりしません。"
            )
        explanation = template % words
        results.append(
            NationalComparison(
                *base, n, clean(percent), clean(100 * low), clean(100 * high), clean(diff), verdict, explanation
            )
        )
    return results


@dataclass(frozen=True)
class ReferenceItem:
    """One scale item: own counts per point and the reference's (network sum, or the programme)."""

    item_code: str
    text: str
    own: tuple[int, ...]
    reference: tuple[int, ...]
    top_box: int = 2


@dataclass
class ReferenceReport:
    kind: str  # "network" | "programme"
    contributors: int | None
    report: GapReport | None
    hidden: bool
    notes: list[str] = field(default_factory=list)


def vs_network(
    items: Sequence[ReferenceItem],
    *,
    contributors: int,
    label_own: str | None = None,
    label_network: str | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    min_contributors: int = MIN_CONTRIBUTORS,
) -> ReferenceReport:
    """The programme against the sum of `contributors` other members' counts (excluding this programme)."""
    if contributors < min_contributors:
        return ReferenceReport(
            "network",
            None,
            None,
            True,
            [_("比べられる他の自治体が%(n)d未満のため、ネットワークとは比べていません。") % {"n": min_contributors}],
        )
    pairs = [ScaleItemPair(i.item_code, i.text, i.own, i.reference, i.top_box) for i in items]
    report = gap_analysis(
        pairs, label_own or _("この事業"), label_network or _("ネットワーク全体（他の自治体）"), threshold
    )
    return ReferenceReport("network", contributors, report, False)


def vs_programme(
    items: Sequence[ReferenceItem],
    *,
    label_own: str | None = None,
    label_rest: str | None = None,
    threshold: int = DEFAULT_THRESHOLD,
) -> ReferenceReport:
    """An organisation against the rest of its programme: `reference` holds the programme's counts INCLUDING the
    organisation; the organisation is taken out so the two groups are independent."""
    pairs = []
    for i in items:
        rest = tuple(p - o for p, o in zip(i.reference, i.own, strict=True))
        if any(v < 0 for v in rest):
            raise ValueError(f"{i.item_code}: 事業全体の件数が企業・団体の件数より少なくなっています。")
        pairs.append(ScaleItemPair(i.item_code, i.text, i.own, rest, i.top_box))
    report = gap_analysis(pairs, label_own or _("この企業・団体"), label_rest or _("事業のほかの企業・団体"), threshold)
    return ReferenceReport("programme", None, report, False)
