"""Progress of a KPI toward its target, judged with the figure's uncertainty (action plans, 効果検証).

The rule, in the words the plan page uses:

- B = the baseline, T = the target (for the end of the target fiscal year), L = the latest value, Δ = L − B with its
  95 % interval [lo, hi] (for a figure without sampling error — a count, a register statistic, a value typed in —
  the interval is Δ itself). f = the share of the time from the baseline to the end of the target year that has
  passed at the latest value (0…1); the pace says where the KPI should be by now: R = f × (T − B).
- **順調 (on track)**: the interval of Δ excludes 0 on the target's side (the change is more than chance) AND Δ
  reaches the pace R.
- **遅れ (behind)**: even the interval's end most favourable to the target stays short of the pace R (the evidence
  says behind; this includes a clear change in the wrong direction).
- **判断できない (cannot tell)**: everything else — the interval includes no change, a change is clear but whether it
  keeps the pace is not, no value after the baseline yet, a figure withheld by the gate, no data.

A change inside the interval is never called progress. No Django here (the engine's rule); the sentences are
Japanese templates worded through `analysis.i18n`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from shokuba.analysis.i18n import _, gettext_noop

Status = Literal["on_track", "behind", "unknown"]
STATUS_LABELS: dict[str, str] = {  # marked only: translated where shown
    "on_track": gettext_noop("順調"),
    "behind": gettext_noop("遅れ"),
    "unknown": gettext_noop("判断できない"),
}


@dataclass(frozen=True)
class Judgement:
    status: Status
    reason: str
    change: float | None  # Δ = L − B
    change_low: float | None
    change_high: float | None
    pace: float | None  # R: the change the straight line to the target asks for by now
    elapsed: float | None  # f
    attainment: float | None  # (L − B) ÷ (T − B) in %, the share of the planned change achieved

    @property
    def label(self) -> str:
        return _(STATUS_LABELS[self.status])


def elapsed_share(baseline_t: float, latest_t: float, target_t: float) -> float:
    """f: the share of the time from the baseline to the target that has passed at the latest value (0…1)."""
    if target_t <= baseline_t:
        return 1.0
    return min(max((latest_t - baseline_t) / (target_t - baseline_t), 0.0), 1.0)


def _finite(x: float | None) -> bool:
    return x is not None and not math.isnan(x)


def judge(
    *,
    baseline: float | None,
    target: float,
    latest: float | None,
    baseline_t: float | None,
    latest_t: float | None,
    target_t: float,
    change_low: float | None = None,
    change_high: float | None = None,
    exact: bool = False,
    missing_reason: str = "",
) -> Judgement:
    """The status of one KPI. `exact`: the figure has no sampling error (the interval is Δ itself); otherwise a
    missing interval bound means the interval is unbounded on that side (too few values to bound it)."""
    if baseline is None or latest is None or baseline_t is None or latest_t is None:
        reason = missing_reason or _("基準値か最新の値がないため、判断できません。")
        return Judgement("unknown", reason, None, None, None, None, None, None)
    change = latest - baseline
    attainment = 100 * change / (target - baseline) if target != baseline else None
    if latest_t <= baseline_t:
        return Judgement(
            "unknown",
            _("基準の時点より後の値がまだないため、判断できません。"),
            change,
            None,
            None,
            None,
            None,
            attainment,
        )
    if exact:
        low, high = change, change
    else:
        low = change_low if change_low is not None and _finite(change_low) else -math.inf
        high = change_high if change_high is not None and _finite(change_high) else math.inf
    elapsed = elapsed_share(baseline_t, latest_t, target_t)
    if target == baseline:  # keep the level: progress is staying within the interval around it
        if low <= 0 <= high:
            return Judgement("on_track", _("基準値の水準を保っています。"), change, low, high, 0.0, elapsed, attainment)
        return Judgement("behind", _("基準値の水準から変化しています。"), change, low, high, 0.0, elapsed, attainment)
    direction = 1.0 if target > baseline else -1.0
    pace = elapsed * (target - baseline)
    bounds = (None if math.isinf(low) else low, None if math.isinf(high) else high)
    favourable = high if direction > 0 else low  # the interval's end most favourable to the target
    unfavourable = low if direction > 0 else high
    if direction * unfavourable > 0 and direction * change >= direction * pace:
        reason = (
            _("変化は誤差の範囲を超えており、目標に向けたペースに達しています。")
            if not exact
            else _("目標に向けたペースに達しています。")
        )
        return Judgement("on_track", reason, change, *bounds, pace, elapsed, attainment)
    if direction * favourable < direction * pace:
        reason = (
            _("誤差を考えても、目標に向けたペースに届いていません。")
            if not exact
            else _("目標に向けたペースに届いていません。")
        )
        return Judgement("behind", reason, change, *bounds, pace, elapsed, attainment)
    if not direction * unfavourable > 0:
        reason = _("変化が誤差の範囲内のため、進んでいるとは言えません。")
    else:
        reason = _("変化は誤差の範囲を超えていますが、目標のペースに届いているかは判断できません。")
    return Judgement("unknown", reason, change, *bounds, pace, elapsed, attainment)
