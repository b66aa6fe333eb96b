"""Benchmarks: the programme against the network (other members' counts, summed), against the national published
results attached to the template, and an organisation against the rest of its programme.

- Network: the reference is the sum of other members' counts for the same item code, from their closed waves that
  reach the threshold (a wave still open would change between two visits: the difference would be one person).
  It is shown only when at least `MIN_CONTRIBUTORS` members contributed (`suppression.pooled`: no single other
  member's result can be read off) and both sides reach the threshold.
- Organisation vs programme: the organisation is compared with the programme *without* it (independent groups),
  only when at least `MIN_CONTRIBUTORS` other organisations answered (else the rest would be one competitor).
- National results are published percentages from large samples (内閣府 R4 n=10,906); they are treated as fixed
  values: the programme's Wilson 95 % interval is read against them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from shokuba.analysis import stats
from shokuba.analysis.gaps import GapReport, ScaleItemPair, gap_analysis
from shokuba.analysis.i18n import _, gettext_noop
from shokuba.analysis.suppression import MIN_CONTRIBUTORS, Decision
from shokuba.analysis.types import clean


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
    groups: Mapping[str, tuple[int, int, Decision]],
    figures: Sequence[PublishedFigure],
) -> list[NationalComparison]:
    """`groups`: group label (matching a figure's group, e.g. 男性) → (top-box count, valid n, the gate's decision)."""
    results = []
    for figure in figures:
        if figure.group not in groups:
            continue
        top, n, decision = groups[figure.group]
        base = (item_code, text, figure.group, figure.source, figure.year, figure.value)
        words: dict[str, object] = {"group": _(figure.group), "text": text, "source": figure.source}
        if not decision.shown or n == 0:
            reason = (
                _("%(group)sの回答が少ない（または表示していない）ため、全国調査とは比べていません。") % words
                if not decision.shown
                else _("%(group)sでこの項目に答えた人がいないため、全国調査とは比べていません。") % words
            )
            results.append(NationalComparison(*base, None, None, None, None, None, "hidden", reason))
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
    own: Decision,
    network: Decision,
    contributors: int,
    label_own: str | None = None,
    label_network: str | None = None,
) -> ReferenceReport:
    """The programme against the sum of `contributors` other members' counts (excluding this programme); `network`
    is `suppression.pooled` for them."""
    if not network.shown:
        note = (
            _("比べられる他の自治体が%(n)d未満のため、ネットワークとは比べていません。") % {"n": MIN_CONTRIBUTORS}
            if network.reason == "differencing"
            else _("ネットワークの回答が少ないため、比べていません。")
        )
        return ReferenceReport("network", None, None, True, [note])
    pairs = [ScaleItemPair(i.item_code, i.text, i.own, i.reference, i.top_box) for i in items]
    report = gap_analysis(
        pairs, label_own or _("この事業"), label_network or _("ネットワーク全体（他の自治体）"), own, network
    )
    return ReferenceReport("network", contributors, report, False)


def vs_programme(
    items: Sequence[ReferenceItem],
    *,
    own: Decision,
    rest: Decision,
    label_own: str | None = None,
    label_rest: str | None = None,
) -> ReferenceReport:
    """An organisation against the rest of its programme: `reference` holds the programme's counts INCLUDING the
    organisation; the organisation is taken out so the two groups are independent. `rest` is `suppression.pooled`
    for the programme's other organisations (at least three, so no single other organisation can be read off)."""
    if not rest.shown:
        note = (
            _("事業のほかの企業・団体が%(n)d未満のため、比べていません。") % {"n": MIN_CONTRIBUTORS}
            if rest.reason == "differencing"
            else _("事業のほかの企業・団体の回答が少ないため、比べていません。")
        )
        return ReferenceReport("programme", None, None, True, [note])
    pairs = []
    for i in items:
        rest_counts = tuple(p - o for p, o in zip(i.reference, i.own, strict=True))
        if any(v < 0 for v in rest_counts):
            raise ValueError(f"{i.item_code}: 事業全体の件数が企業・団体の件数より少なくなっています。")
        pairs.append(ScaleItemPair(i.item_code, i.text, i.own, rest_counts, i.top_box))
    report = gap_analysis(pairs, label_own or _("この企業・団体"), label_rest or _("事業のほかの企業・団体"), own, rest)
    return ReferenceReport("programme", None, report, False)
