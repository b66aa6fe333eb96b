"""The two-thirds recognition rule (あんしんカンパニー / ワークイノベーション表彰): per organisation and wave, at least
2/3 of all respondents, of the men and of the women separately answer positively (top box) on each item of the
configured set (default WS-Z01 働きやすい and WS-Z02 働きがいがある). The judgement is "meets", "does not meet" or
"too few responses to judge" (men or women below the threshold). Which shares may be shown is the gate's decision
for the organisation's groups (everyone, men, women; `suppression.Gate`): a hidden share is never shown, and a
verdict that rests on one says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from shokuba.analysis.i18n import _, gettext_noop, join
from shokuba.analysis.suppression import Decision
from shokuba.analysis.types import clean

DEFAULT_ITEMS = ("WS-Z01", "WS-Z02")
Verdict = Literal["meets", "does_not_meet", "too_few"]
VERDICT_LABELS: dict[str, str] = {  # marked only: translated when a result is made
    "meets": gettext_noop("基準を満たしています"),
    "does_not_meet": gettext_noop("基準を満たしていません"),
    "too_few": gettext_noop("回答が少なく判定できません"),
}


@dataclass(frozen=True)
class PositiveCounts:
    """Positive answers and substantive answers for one item in one organisation, by sex."""

    item_code: str
    men_positive: int
    men_n: int
    women_positive: int
    women_n: int
    other_positive: int = 0  # その他 / 答えたくない / unanswered sex: in "overall" only
    other_n: int = 0


@dataclass
class ItemVerdict:
    item_code: str
    overall_n: int | None
    overall_percent: float | None
    men_n: int | None
    men_percent: float | None
    women_n: int | None
    women_percent: float | None
    verdict: Verdict
    failing: list[str]  # which of 全体/男性/女性 fall short (in the active language)
    text: str = ""  # the item's statement, as people read it (the code when none was given)


@dataclass
class Recognition:
    organisation: str
    verdict: Verdict
    label: str
    items: list[ItemVerdict]
    thresholds: dict[str, float]
    explanation: str
    notes: list[str] = field(default_factory=list)


def _meets(positive: int, n: int, share: float) -> bool:
    # Exact: 2 of 3 meets 2/3 (no floating-point edge).
    return Fraction(positive, n) >= Fraction(share).limit_denominator(1000)


def recognition(
    organisation: str,
    counts: Sequence[PositiveCounts],
    groups: Mapping[str, Decision],
    *,
    items: Sequence[str] = DEFAULT_ITEMS,
    overall: float = 2 / 3,
    men: float = 2 / 3,
    women: float = 2 / 3,
    texts: Mapping[str, str] | None = None,
) -> Recognition:
    """`groups`: the gate's decisions for "overall" (the organisation's respondents), "men" and "women" in it.

    The verdict needs the true shares, so it is made on every answer; a share the gate hides is not shown, and the
    explanation says that the verdict includes it. `texts`: item code → statement, so that sentences and headers
    name the statement, not its code."""
    texts = texts or {}
    threshold = groups["overall"].threshold
    labels = {"overall": _("全体"), "men": _("男性"), "women": _("女性")}
    by_code = {c.item_code: c for c in counts}
    verdicts: list[ItemVerdict] = []
    for code in items:
        c = by_code.get(code)
        if c is None:
            verdicts.append(ItemVerdict(code, None, None, None, None, None, None, "too_few", [], texts.get(code, code)))
            continue
        n_all, pos_all = c.men_n + c.women_n + c.other_n, c.men_positive + c.women_positive + c.other_positive
        if c.men_n < threshold or c.women_n < threshold or not groups["men"].size or not groups["women"].size:
            verdict: Verdict = "too_few"
            failing: list[str] = []
        else:
            failing = [
                labels[name]
                for name, pos, n, share in (
                    ("overall", pos_all, n_all, overall),
                    ("men", c.men_positive, c.men_n, men),
                    ("women", c.women_positive, c.women_n, women),
                )
                if not _meets(pos, n, share)
            ]
            verdict = "does_not_meet" if failing else "meets"

        def shown(name: str, pos: int, n: int) -> tuple[int | None, float | None]:
            if not groups[name].shown:
                return None, None
            return n, clean(100 * pos / n) if n else None

        verdicts.append(
            ItemVerdict(
                code,
                *shown("overall", pos_all, n_all),
                *shown("men", c.men_positive, c.men_n),
                *shown("women", c.women_positive, c.women_n),
                verdict,
                failing,
                texts.get(code, code),
            )
        )
    if any(v.verdict == "too_few" for v in verdicts):
        overall_verdict: Verdict = "too_few"
        text = _("男性・女性のどちらかの回答が%(threshold)d人未満の項目があるため、判定できません。") % {
            "threshold": threshold
        }
    elif any(v.verdict == "does_not_meet" for v in verdicts):
        overall_verdict = "does_not_meet"
        short = join(
            _("『%(item)s』（%(groups)s）") % {"item": v.text, "groups": _("・").join(v.failing)}
            for v in verdicts
            if v.failing
        )
        text = _("肯定的な回答が基準に届いていない項目があります: %(items)s。") % {"items": short}
    else:
        overall_verdict = "meets"
        text = _("すべての項目で、全体・男性・女性それぞれの肯定的な回答が基準以上です。")
    notes = [_("判定は回答者に占める割合です。全従業員に占める割合ではありません（回答率も確かめてください）。")]
    hidden = [labels[name] for name in ("overall", "men", "women") if not groups[name].shown]
    if hidden and overall_verdict != "too_few":
        text += _("%(groups)sの割合は、少人数の回答を守るため表示していませんが、判定にはその割合も含めています。") % {
            "groups": _("・").join(hidden)
        }
    return Recognition(
        organisation,
        overall_verdict,
        _(VERDICT_LABELS[overall_verdict]),
        verdicts,
        {"overall": overall, "men": men, "women": women},
        text,
        notes,
    )
