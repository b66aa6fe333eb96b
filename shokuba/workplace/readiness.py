"""Certification readiness (えるぼし, トライくるみん / くるみん / プラチナくるみん) from an organisation's figures.

Pure Python, no Django: the criteria are data (`data/certifications.json`, each rule with its published source), so a
change in the criteria is a change of that file, not of this code.

A rule is a node of a small tree:
- a leaf `threshold`: one indicator (or the ratio of two) compared with a number, e.g. 男性育休等取得率 >= 30 %;
- a leaf `count_positive`: how many of some indicators are above zero (e.g. えるぼし's career-course records);
- a leaf `declared`: a requirement the platform cannot judge from its inputs (an action plan filed, no legal
  violations, an industry average it does not hold). It is always 「確認が必要」, never silently passed;
- a group `all` / `any` of nodes.

Each node answers one of four statuses:
- MET: judged from the inputs and met;
- NOT_MET: judged and not met (with the shortfall in words: 「男性育休等取得率 あと 8 ポイント」);
- MISSING: the platform could judge it, but an input is not recorded (the missing indicators are listed);
- NEEDS_CHECK: the platform cannot judge it, or can only rule it out (an annual average against a rule on every
  month: an average of 38 h proves some month was >= 30 h, an average of 25 h proves nothing).

Groups combine them: `all` is NOT_MET if any part is, else MISSING, else NEEDS_CHECK, else MET; `any` is MET if any
part is, else MISSING, else NEEDS_CHECK, else NOT_MET (what can still be resolved by entering data comes first).

Levels: a certification either grades by the number of criteria met (えるぼし: 1–2 = 1段階目, 3–4 = 2段階目,
5 = 3段階目) or lists each level's own criteria (くるみん). Requirements common to every level that the platform
cannot judge (action plan, publication, no violations) are listed apart as `to_confirm`; they never make a level
"met" or "not met".

Language: results are worded when they are made, in the active language of the analysis engine's translation hook
(`shokuba.analysis.i18n`, which Django feeds from `core.apps`): the data's texts from their `<key>_en` twins
when the language is English, this module's own words (statuses, criteria, shortfalls) through gettext. Without a
host everything stays Japanese, as written.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from shokuba.analysis.i18n import _, gettext_noop, language, ngettext
from shokuba.workplace.definitions import INDICATORS_BY_CODE

DATA_FILE = Path(__file__).resolve().parent / "data" / "certifications.json"

# Inputs are compared after rounding to this many decimals: 3 / 10 * 100 is 30.000000000000004 in floating point,
# and a company exactly at a threshold must be judged exactly at it.
_PRECISION = 9


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    MISSING = "missing"
    NEEDS_CHECK = "needs_check"


STATUS_LABELS: dict[Status, str] = {  # marked only: `status_label` translates
    Status.MET: gettext_noop("満たしている"),
    Status.NOT_MET: gettext_noop("満たしていない"),
    Status.MISSING: gettext_noop("データ不足"),
    Status.NEEDS_CHECK: gettext_noop("確認が必要"),
}

_OPS = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
}
_CRITERIA = {  # the threshold in words: 「30%以上」
    ">=": gettext_noop("%(value)s以上"),
    ">": gettext_noop("%(value)s超"),
    "<=": gettext_noop("%(value)s以下"),
    "<": gettext_noop("%(value)s未満"),
}


def text(node: Mapping[str, Any], key: str, default: str = "") -> str:
    """A text of the certification data in the active language: `<key>_en` in English when the data has it."""
    lang = language()
    if lang != "ja":
        translated = node.get(f"{key}_{lang}")
        if isinstance(translated, str) and translated:
            return translated
    value = node.get(key, default)
    return value if isinstance(value, str) else default


class RuleError(ValueError):
    """The certification data is malformed (a programming/data error, found by the tests)."""


@dataclass(frozen=True)
class Source:
    code: str
    title: str
    url: str
    date: str
    publisher: str
    translations: Mapping[str, str] = field(default_factory=dict, compare=False)  # title_en, publisher_en …


@dataclass
class RuleResult:
    code: str
    label: str
    status: Status
    kind: str
    value: float | None = None
    threshold: float | None = None
    op: str | None = None
    unit: str = ""
    shortfall: str = ""  # words, for NOT_MET leaves
    note: str = ""
    missing: list[str] = field(default_factory=list)  # indicator codes without a value
    source: str = ""
    children: list[RuleResult] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return _(STATUS_LABELS[self.status])

    @property
    def criterion_text(self) -> str:
        """「30%以上」 — the rule's threshold in words (leaves only)."""
        if self.threshold is None or self.op is None:
            return ""
        return threshold_text(self.op, self.threshold, self.unit)

    @property
    def value_text(self) -> str:
        if self.value is None:
            return ""
        return quantity(self.value, self.unit)

    def leaves(self) -> list[RuleResult]:
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]

    def shortfalls(self) -> list[str]:
        """Shortfalls of the leaves that keep this node from being met (for `any`: every alternative's)."""
        if self.status == Status.MET:
            return []
        if not self.children:
            return [self.shortfall] if self.shortfall else []
        return [s for child in self.children for s in child.shortfalls()]

    def missing_indicators(self) -> list[str]:
        if self.status == Status.MET:
            return []
        found = list(self.missing)
        for child in self.children:
            found.extend(child.missing_indicators())
        return list(dict.fromkeys(found))

    def checks(self) -> list[str]:
        """Labels of the leaves the platform cannot judge (「確認が必要」) that matter for this node."""
        if self.status == Status.MET:
            return []
        if not self.children:
            return [self.label] if self.status == Status.NEEDS_CHECK else []
        return list(dict.fromkeys(c for child in self.children for c in child.checks()))


@dataclass
class LevelResult:
    code: str
    name: str
    status: Status
    criteria: list[RuleResult]
    met_count: int = 0  # graded certifications: criteria met
    required: str = ""  # graded certifications: 「3〜4項目」

    @property
    def status_label(self) -> str:
        return _(STATUS_LABELS[self.status])

    @property
    def shortfalls(self) -> list[str]:
        return [s for c in self.criteria if c.status == Status.NOT_MET for s in c.shortfalls()]

    @property
    def missing(self) -> list[str]:
        return list(dict.fromkeys(m for c in self.criteria for m in c.missing_indicators()))

    @property
    def checks(self) -> list[str]:
        return list(dict.fromkeys(x for c in self.criteria for x in c.checks()))


@dataclass
class CertificationResult:
    code: str
    name: str
    law: str
    summary: str
    levels: list[LevelResult]
    to_confirm: list[RuleResult]  # requirements common to every level that only the organisation can confirm
    out_of_scope: list[dict[str, str]]
    sources: list[Source]

    @property
    def achieved(self) -> LevelResult | None:
        """The highest level whose judged criteria are all met (the `to_confirm` list still applies)."""
        met = [level for level in self.levels if level.status == Status.MET]
        return met[-1] if met else None

    @property
    def next_level(self) -> LevelResult | None:
        achieved = self.achieved
        index = -1 if achieved is None else self.levels.index(achieved)
        return self.levels[index + 1] if index + 1 < len(self.levels) else None


# --- formatting ------------------------------------------------------------------------------------------------

_DECIMALS = {"%": 1, "時間": 1, "倍": 2, "年": 1, "人": 0, "件": 0}


def format_number(value: float, unit: str = "") -> str:
    """30 → "30", 22.25 → "22.3" (percent), 0.654 → "0.65" (a ratio): no trailing zeros."""
    decimals = _DECIMALS.get(unit, 2)
    text = f"{round(value + 0.0, decimals):.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _ceil_to(value: float, decimals: int) -> float:
    """Round a shortfall up, so 「あと 7.9」 is never shown for a gap of 7.91."""
    factor = 10**decimals
    return math.ceil(round(value * factor, 6)) / factor


def quantity(value: float, unit: str, *, spaced: bool = False) -> str:
    """A number with its unit: 「30%」「30時間」「1.25倍」, or spaced as a shortfall says it: 「8 ポイント」「8 時間」.

    `unit` is the data's Japanese unit code (also the key of `_DECIMALS`); the words are translated."""
    return amount_text(format_number(value, unit), unit, spaced=spaced)


def amount_text(amount: str, unit: str, *, spaced: bool = False) -> str:
    """An already formatted number (「1,234.5」) with its unit, as `quantity` words it."""
    n = 1 if amount == "1" else 2
    words = {"n": amount}
    if unit == "%":
        return ngettext("%(n)s ポイント", "%(n)s ポイント", n) % words if spaced else f"{amount}%"
    if unit == "時間":
        return (ngettext("%(n)s 時間", "%(n)s 時間", n) if spaced else ngettext("%(n)s時間", "%(n)s時間", n)) % words
    if unit == "年":
        return (ngettext("%(n)s 年", "%(n)s 年", n) if spaced else ngettext("%(n)s年", "%(n)s年", n)) % words
    if unit == "人":
        return (ngettext("%(n)s 人", "%(n)s 人", n) if spaced else ngettext("%(n)s人", "%(n)s人", n)) % words
    if unit == "件":
        return (ngettext("%(n)s 件", "%(n)s 件", n) if spaced else ngettext("%(n)s件", "%(n)s件", n)) % words
    if unit == "倍":
        return (_("%(n)s 倍") if spaced else _("%(n)s倍")) % words
    if unit == "日":
        return (ngettext("%(n)s 日", "%(n)s 日", n) if spaced else ngettext("%(n)s日", "%(n)s日", n)) % words
    if unit == "円":
        return (_("%(n)s 円") if spaced else _("%(n)s円")) % words
    if not unit:
        return amount
    return f"{amount} {unit}" if spaced else f"{amount}{unit}"


def threshold_text(op: str, threshold: float, unit: str) -> str:
    """「30%以上」「30時間未満」: a threshold in words (`op` one of `SCHEME_OPS`)."""
    return _(_CRITERIA[op]) % {"value": quantity(threshold, unit)}


def shortfall_words(label: str, value: float, op: str, threshold: float, unit: str) -> str:
    """「男性育休等取得率 あと 8 ポイント」, 「平均残業時間 あと 8.5 時間超の削減」…"""
    decimals = _DECIMALS.get(unit, 2)
    gap = _ceil_to(abs(threshold - value), decimals)
    if op in (">=", ">"):
        # Raising a figure: units without a word of their own (倍, none, …) show the bare number.
        counted = unit in ("%", "時間", "年", "人", "件")
        words = {"label": label, "amount": quantity(gap, unit, spaced=True) if counted else format_number(gap, unit)}
        return (_("%(label)s あと %(amount)s超") if op == ">" else _("%(label)s あと %(amount)s")) % words
    # A ceiling: reduce the value.
    words = {"label": label, "amount": quantity(gap, unit, spaced=True)}
    return (_("%(label)s あと %(amount)s超の削減") if op == "<" else _("%(label)s あと %(amount)sの削減")) % words


# --- evaluation ------------------------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number):
        return None
    return round(number, _PRECISION)


def _operand(node: Mapping[str, Any], values: Mapping[str, Any]) -> tuple[float | None, list[str]]:
    """The value a threshold rule compares: one indicator, or the ratio of two (None when either is missing or
    the denominator is zero)."""
    if "indicator" in node:
        code = node["indicator"]
        number = _number(values.get(code))
        return number, ([] if number is not None else [code])
    if "ratio" in node:
        top, bottom = node["ratio"]
        a, b = _number(values.get(top)), _number(values.get(bottom))
        missing = [c for c, v in ((top, a), (bottom, b)) if v is None]
        if a is None or b is None or b == 0:
            return None, missing
        return round(a / b, _PRECISION), missing
    raise RuleError(f"rule {node.get('code')!r} names neither an indicator nor a ratio")


def _applies(node: Mapping[str, Any], values: Mapping[str, Any]) -> bool | None:
    """A rule with `applies_if` (e.g. only for 301+ employees): True / False, or None when that input is missing."""
    condition = node.get("applies_if")
    if condition is None:
        return True
    number = _number(values.get(condition["indicator"]))
    if number is None:
        return None
    return bool(_OPS[condition["op"]](number, condition["value"]))


def _leaf_threshold(node: Mapping[str, Any], values: Mapping[str, Any]) -> RuleResult:
    op, threshold, unit = node["op"], float(node["value"]), node.get("unit", "")
    if op not in _OPS:
        raise RuleError(f"rule {node['code']!r}: unknown comparison {op!r}")
    value, missing = _operand(node, values)
    fallback = node.get("fallback")
    if value is None and fallback is not None:
        # A weaker figure stands in (e.g. the annual monthly average for the worst month): same comparison, its own
        # judgement; the missing primary input is still listed, since entering it settles the rule.
        stand_in = {k: v for k, v in node.items() if k not in ("fallback", "ratio", "indicator", "judgement")}
        stand_in.update(fallback)
        result = _leaf_threshold(stand_in, values)
        result.missing = list(dict.fromkeys([*missing, *result.missing]))
        if result.value is not None:
            result.note = fallback_note(node, fallback)
        return result
    result = RuleResult(
        code=node["code"],
        label=text(node, "label"),
        status=Status.MISSING,
        kind="threshold",
        value=value,
        threshold=threshold,
        op=op,
        unit=unit,
        note=text(node, "note"),
        missing=missing,
        source=node.get("source", ""),
    )
    if value is None:
        if not missing:  # both inputs present but the denominator is zero: nothing to judge from
            result.status = Status.NEEDS_CHECK
            result.note = text(node, "zero_note") or _("対象者がいないため計算できません。")
        return result
    passes = bool(_OPS[op](value, threshold))
    if passes:
        # An annual average under a "every month" ceiling proves nothing about each month.
        result.status = Status.NEEDS_CHECK if node.get("judgement") == "necessary_only" else Status.MET
    else:
        result.status = Status.NOT_MET
        result.shortfall = shortfall_words(_short_label(node), value, op, threshold, unit)
    return result


def _short_label(node: Mapping[str, Any]) -> str:
    return text(node, "short_label") or text(node, "label")


def fallback_note(node: Mapping[str, Any], fallback: Mapping[str, Any]) -> str:
    words = {"primary": _short_label(node), "stand_in": text(fallback, "short_label", fallback.get("indicator", ""))}
    return _("「%(primary)s」が未入力のため「%(stand_in)s」で判定しました。") % words


def _leaf_count(node: Mapping[str, Any], values: Mapping[str, Any]) -> RuleResult:
    codes: list[str] = list(node["indicators"])
    required = int(node["value"])
    numbers = {c: _number(values.get(c)) for c in codes}
    positive = sum(1 for v in numbers.values() if v is not None and v > 0)
    missing = [c for c, v in numbers.items() if v is None]
    result = RuleResult(
        code=node["code"],
        label=text(node, "label"),
        status=Status.MET,
        kind="count_positive",
        value=float(positive),
        threshold=float(required),
        op=">=",
        unit="件",
        note=text(node, "note"),
        source=node.get("source", ""),
    )
    if positive >= required:
        if node.get("judgement") == "necessary_only":
            result.status = Status.NEEDS_CHECK
        return result
    if positive + len(missing) >= required:
        result.status, result.missing = Status.MISSING, missing
        if not positive:
            result.value = None  # nothing known, not "0"
        return result
    result.status = Status.NOT_MET
    result.shortfall = shortfall_words(_short_label(node), positive, ">=", required, "件")
    return result


def evaluate_node(node: Mapping[str, Any], values: Mapping[str, Any]) -> RuleResult | None:
    """One rule (or group) against the inputs; None when the rule does not apply to this organisation."""
    applies = _applies(node, values)
    if applies is False:
        return None
    kind = node.get("kind", "threshold")
    if applies is None:
        return RuleResult(
            code=node["code"],
            label=text(node, "label"),
            status=Status.MISSING,
            kind=kind,
            missing=[node["applies_if"]["indicator"]],
            note=text(node, "note"),
            source=node.get("source", ""),
        )
    if kind == "threshold":
        return _leaf_threshold(node, values)
    if kind == "count_positive":
        return _leaf_count(node, values)
    if kind == "declared":
        return RuleResult(
            code=node["code"],
            label=text(node, "label"),
            status=Status.NEEDS_CHECK,
            kind=kind,
            note=text(node, "note"),
            source=node.get("source", ""),
        )
    if kind in ("all", "any"):
        children = [r for r in (evaluate_node(child, values) for child in node["rules"]) if r is not None]
        if not children:
            raise RuleError(f"group {node['code']!r} has no applicable rule")
        return RuleResult(
            code=node["code"],
            label=text(node, "label"),
            status=combine(kind, [c.status for c in children]),
            kind=kind,
            note=text(node, "note"),
            source=node.get("source", ""),
            children=children,
        )
    raise RuleError(f"rule {node.get('code')!r}: unknown kind {kind!r}")


def combine(kind: str, statuses: Sequence[Status]) -> Status:
    if kind == "all":
        order = (Status.NOT_MET, Status.MISSING, Status.NEEDS_CHECK)
        return next((s for s in order if s in statuses), Status.MET)
    if kind == "any":
        order = (Status.MET, Status.MISSING, Status.NEEDS_CHECK)
        return next((s for s in order if s in statuses), Status.NOT_MET)
    raise RuleError(f"unknown group kind {kind!r}")


def _evaluate_all(nodes: Sequence[Mapping[str, Any]], values: Mapping[str, Any]) -> list[RuleResult]:
    return [r for r in (evaluate_node(n, values) for n in nodes) if r is not None]


def _graded_level(level: Mapping[str, Any], criteria: list[RuleResult]) -> LevelResult:
    """A level reached by the number of criteria met (えるぼし): met when at least `min` criteria are met (a higher
    level met too is reported as `achieved`); undecided (missing / needs check) while the undecided criteria could
    still bring the count there; otherwise not met."""
    met = sum(1 for c in criteria if c.status == Status.MET)
    undecided = sum(1 for c in criteria if c.status in (Status.MISSING, Status.NEEDS_CHECK))
    low, high = int(level["min"]), int(level.get("max", len(criteria)))
    if met >= low:
        status = Status.MET
    elif met + undecided >= low:
        missing = any(c.status == Status.MISSING for c in criteria)
        status = Status.MISSING if missing else Status.NEEDS_CHECK
    else:
        status = Status.NOT_MET
    if high != low:
        required = _("%(low)d〜%(high)d項目") % {"low": low, "high": high}
    elif low == len(criteria):
        required = _("%(n)d項目すべて") % {"n": low}
    else:
        required = ngettext("%(n)d項目", "%(n)d項目", low) % {"n": low}
    return LevelResult(
        code=level["code"], name=text(level, "name"), status=status, criteria=criteria, met_count=met, required=required
    )


def evaluate_certification(
    spec: Mapping[str, Any], values: Mapping[str, Any], sources: Mapping[str, Source]
) -> CertificationResult:
    to_confirm = _evaluate_all(spec.get("common_requirements", []), values)
    levels: list[LevelResult] = []
    if spec["grading"] == "count":
        criteria = _evaluate_all(spec["criteria"], values)
        levels = [_graded_level(level, criteria) for level in spec["levels"]]
    elif spec["grading"] == "levels":
        for level in spec["levels"]:
            criteria = _evaluate_all(level["criteria"], values)
            status = combine("all", [c.status for c in criteria])
            levels.append(LevelResult(code=level["code"], name=text(level, "name"), status=status, criteria=criteria))
    else:
        raise RuleError(f"certification {spec['code']!r}: unknown grading {spec['grading']!r}")
    used = _source_codes(spec)
    return CertificationResult(
        code=spec["code"],
        name=text(spec, "name"),
        law=text(spec, "law"),
        summary=text(spec, "summary"),
        levels=levels,
        to_confirm=to_confirm,
        out_of_scope=[
            {**entry, "name": text(entry, "name"), "reason": text(entry, "reason")}
            for entry in spec.get("out_of_scope", [])
        ],
        sources=[localised(sources[c]) for c in used if c in sources],
    )


def localised(source: Source) -> Source:
    """A source's title and publisher in the active language (the document itself stays as published)."""
    if language() == "ja" or not source.translations:
        return source
    return dataclasses.replace(
        source,
        title=text(source.translations, "title", source.title),
        publisher=text(source.translations, "publisher", source.publisher),
    )


def _source_codes(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, Mapping):
        if isinstance(node.get("source"), str):
            found.append(node["source"])
        for value in node.values():
            found.extend(_source_codes(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_source_codes(item))
    return list(dict.fromkeys(found))


# --- the data file ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalogue:
    version: str
    sources: dict[str, Source]
    certifications: list[dict[str, Any]]

    def indicator_codes(self) -> set[str]:
        """Every indicator a rule reads (the tests check each one exists in definitions)."""
        codes: set[str] = set()

        def walk(node: Any) -> None:
            if isinstance(node, Mapping):
                if "indicator" in node and isinstance(node["indicator"], str):
                    codes.add(node["indicator"])
                if "ratio" in node:
                    codes.update(node["ratio"])
                if "indicators" in node:
                    codes.update(node["indicators"])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for item in node:
                    walk(item)

        walk(self.certifications)
        return codes


def parse_catalogue(data: Mapping[str, Any]) -> Catalogue:
    sources = {
        code: Source(
            code=code,
            title=s["title"],
            url=s["url"],
            date=s["date"],
            publisher=s.get("publisher", ""),
            translations={**s},
        )
        for code, s in data["sources"].items()
    }
    certifications = list(data["certifications"])
    for spec in certifications:
        for code in _source_codes(spec):
            if code not in sources:
                raise RuleError(f"certification {spec['code']!r} cites an unknown source {code!r}")
    return Catalogue(version=data["version"], sources=sources, certifications=certifications)


@cache
def catalogue() -> Catalogue:
    with DATA_FILE.open(encoding="utf-8") as handle:
        return parse_catalogue(json.load(handle))


# A size band's upper bound stands in for the head count when the workers are not entered (only 300 matters).
_BAND_EMPLOYEES = {"1-29": 29, "30-100": 100, "101-300": 300, "301-999": 301, "1000+": 1000}


def inputs_for(raw: Mapping[str, Any], values: Mapping[str, Any], *, size_band: str | None = None) -> dict[str, Any]:
    """What the rules read: the raw counts, the computed indicators (which win), and `employees` (women + men
    workers, else the organisation's size band; the size rules of えるぼし's career-course criterion)."""
    inputs: dict[str, Any] = {**raw}
    inputs.update({k: v for k, v in values.items() if v is not None})
    women, men = _number(raw.get("workers_women")), _number(raw.get("workers_men"))
    employees = None if women is None or men is None else women + men
    if employees is None and size_band is not None:
        employees = _BAND_EMPLOYEES.get(size_band)
    inputs["employees"] = employees
    return inputs


def evaluate(values: Mapping[str, Any], *, data: Catalogue | None = None) -> list[CertificationResult]:
    """Every certification of the catalogue against one organisation-year's indicator values (code → number)."""
    cat = data or catalogue()
    return [evaluate_certification(spec, values, cat.sources) for spec in cat.certifications]


# --- a programme's own recognition scheme (e.g. 登録 → 認定 → 表彰) -------------------------------------------------

TWO_THIRDS_LABEL = gettext_noop("従業員アンケートの3分の2基準（全体・男性・女性のそれぞれ3分の2以上が肯定的）")
SCHEME_OPS = (">=", ">", "<=", "<")


@dataclass
class StageResult:
    order: int
    name: str
    description: str
    status: Status  # this stage's own criteria
    reached: bool  # this stage and every earlier one met
    criteria: list[RuleResult]

    @property
    def status_label(self) -> str:
        return _(STATUS_LABELS[self.status])

    @property
    def shortfalls(self) -> list[str]:
        return [s for c in self.criteria for s in c.shortfalls()]

    @property
    def missing(self) -> list[str]:
        return list(dict.fromkeys(m for c in self.criteria for m in c.missing_indicators()))


def scheme_rule(criterion: Mapping[str, Any], index: int) -> dict[str, Any]:
    """A stage's criterion ({"indicator", "op", "value"}) as a threshold rule, labelled from the definitions."""
    indicator = INDICATORS_BY_CODE.get(criterion["indicator"])
    if indicator is None:
        raise RuleError(f"unknown indicator {criterion['indicator']!r}")
    if criterion["op"] not in SCHEME_OPS:
        raise RuleError(f"unknown comparison {criterion['op']!r}")
    return {
        "code": f"scheme.{index}.{indicator.code}",
        "label": _(indicator.label),
        "kind": "threshold",
        "indicator": indicator.code,
        "op": criterion["op"],
        "value": float(criterion["value"]),
        "unit": indicator.unit,
    }


def two_thirds_result(two_thirds: bool | None) -> RuleResult:
    """The survey's two-thirds rule as a criterion: True / False from the analysis engine, None when no wave with
    enough respondents has been analysed for the organisation."""
    result = RuleResult(code="scheme.two_thirds", label=_(TWO_THIRDS_LABEL), status=Status.MET, kind="two_thirds")
    if two_thirds is None:
        result.status = Status.MISSING
        result.missing = ["two_thirds"]
        result.note = _("十分な回答数のある従業員アンケートの結果がありません。")
    elif not two_thirds:
        result.status = Status.NOT_MET
        result.shortfall = _("従業員アンケートの3分の2基準を満たしていません")
    return result


def evaluate_scheme(
    stages: Sequence[Mapping[str, Any]], values: Mapping[str, Any], *, two_thirds: bool | None
) -> list[StageResult]:
    """Each stage ({"order", "name", "description", "require_two_thirds", "criteria"}) in order; a stage is
    reached when it and every earlier stage are met (登録 before 認定 before 表彰)."""
    results: list[StageResult] = []
    reached_so_far = True
    for stage in sorted(stages, key=lambda s: s["order"]):
        criteria = [_leaf_threshold(scheme_rule(c, i), values) for i, c in enumerate(stage.get("criteria") or [])]
        if stage.get("require_two_thirds"):
            criteria.append(two_thirds_result(two_thirds))
        status = combine("all", [c.status for c in criteria]) if criteria else Status.MET
        reached_so_far = reached_so_far and status == Status.MET
        results.append(
            StageResult(
                order=int(stage["order"]),
                name=str(stage["name"]),
                description=str(stage.get("description", "")),
                status=status,
                reached=reached_so_far,
                criteria=criteria,
            )
        )
    return results
