"""The job-ad 「見え方」 check (guidebook step 4(4)): pure functions over one ad's text.

What it finds, from the rules in `data/jobad_rules.json` (each with its law, source and explanation):
- sex: titles that name one sex (営業マン, ウェイトレス, 看護婦, 保母, カメラマン, any 〜マン) unless the ad states that
  both sexes are sought (「営業マン（男女）」, 「男女問わず」); one sex preferred or sought (女性歓迎, 男性のみ,
  主婦歓迎, 体力に自信のある男性) — women preferred with a positive-action statement (法 8条) is a note, not a finding;
- age: age limits (35歳以下, 20〜30歳, 20代の方歓迎) and 若手 / 若い方 wording, each weighed against the exceptions of
  施行規則 1条の3第1項: an exception whose elements are all stated is a note, one stated in part names what is missing;
- info: what young people and women look for but the ad lacks (hours, overtime, flexible work, leave, 育休, pay,
  転勤, career, women managers), each with a sentence to add — with the organisation's own figure when given;
- positive: signals already there (男女不問, 年齢不問, 男性の育休実績, テレワーク, 転勤なし, くるみん, figures,
  a pay range).

Matching: the text is tokenised once with SudachiPy (mode C, the engine's one tokenizer in `japanese.py`) and the
rules' words are normalised the same way when the rules load, so spelling variants and inflections meet
(ウエイトレス / ウェイトレス / ｳｪｲﾄﾚｽ, 営業まん, 求めています / 求む). Word lists are also looked up in the NFKC text,
regular expressions (figures, times, ages) only there. A finding points at the characters of the ad it is about
(`start`, `end`), so its rewrite can be applied in place (`apply_rewrites`).

Scores per category (0–100), stated so a reader can redo them: sex and age start at 100 and lose 35 per
violation and 15 per risk (not below 0); info is the share of the nine items present; positive is 20 per signal
(at most 100).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from shokuba.analysis.japanese import tokenizer

CATEGORIES = ("sex", "age", "info", "positive")
# Severities: a finding the ad should change (violation), wording that may be read as one (risk), information to
# add (missing), a signal already there (good), a legitimate use explained (note: nothing to change).
VIOLATION, RISK, MISSING, GOOD, NOTE = "violation", "risk", "missing", "good", "note"
FLAGGED = frozenset({VIOLATION, RISK})
PENALTY = {VIOLATION: 35, RISK: 15}
MAX_TEXT = 20_000  # characters of one ad that are read (a pasted page of a job site stays far below)


@dataclass(frozen=True)
class Finding:
    category: str  # sex | age | info | positive
    rule: str  # the rule's id in the data file
    severity: str  # violation | risk | missing | good | note
    excerpt: str  # the ad's words the finding is about ("" for missing information)
    start: int  # offsets in the ad's text (-1 when the finding is about something absent)
    end: int
    law: str  # key of `laws` in the data file
    explanation: str
    rewrite: str  # the replacement for the excerpt, or the sentence to add

    @property
    def key(self) -> str:
        return f"{self.category}:{self.rule}:{self.excerpt}"

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "key": self.key}


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]
    scores: dict[str, int]

    def flagged(self, category: str | None = None) -> list[Finding]:
        return [f for f in self.findings if f.severity in FLAGGED and (category is None or f.category == category)]

    def of(self, category: str) -> list[Finding]:
        return [f for f in self.findings if f.category == category]

    def as_dict(self) -> dict[str, Any]:
        return {"findings": [f.as_dict() for f in self.findings], "scores": dict(self.scores)}


@dataclass(frozen=True)
class Facts:
    """The organisation's own figures that fill the missing-information sentences: indicator code → (value, fiscal
    year), and the labels of flexible-work arrangements in place."""

    figures: Mapping[str, tuple[float, int]] = field(default_factory=dict)
    arrangements: Sequence[str] = ()


# --- the rules ------------------------------------------------------------------------------------------------


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _katakana(text: str) -> str:
    return "".join(chr(ord(ch) + 0x60) if "\u3041" <= ch <= "\u3096" else ch for ch in text)


def _match_form(surface: str, normal: str) -> str:
    # 営業まん: Sudachi reads まん as 饅 (a suffix); in a job title it is マン.
    if _katakana(surface) == "マン":
        return "マン"
    return _nfkc(normal)


def _normal(text: str) -> str:
    """A word or phrase as the checker compares it: the tokens' normalised forms, joined."""
    return "".join(_match_form(m.surface(), m.normalized_form()) for m in tokenizer().tokenize(_nfkc(text)))


@dataclass(frozen=True)
class _Words:
    """A list of words, found in the NFKC text as written or in the normalised text."""

    written: tuple[str, ...]
    normal: tuple[str, ...]

    @classmethod
    def of(cls, words: Iterable[str]) -> _Words:
        listed = tuple(dict.fromkeys(_nfkc(w) for w in words))
        return cls(listed, tuple(dict.fromkeys(_normal(w) for w in listed)))

    def found(self, text: _Text) -> bool:
        return any(w in text.nfkc for w in self.written) or any(w in text.norm for w in self.normal)

    def first(self, text: _Text) -> str | None:
        for w in self.written:
            if w in text.nfkc:
                return w
        for w in self.normal:
            if w in text.norm:
                return w
        return None


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w)


@dataclass(frozen=True)
class _Detector:
    """An info item or positive signal: words (normalised) and regular expressions (NFKC text)."""

    id: str
    label: str
    words: _Words
    patterns: tuple[re.Pattern[str], ...]
    spec: Mapping[str, Any]

    @classmethod
    def of(cls, spec: Mapping[str, Any]) -> _Detector:
        plain = [p for p in spec["patterns"] if "\\" not in p]
        regexes = tuple(re.compile(p) for p in spec["patterns"] if "\\" in p)
        return cls(spec["id"], spec["label"], _Words.of(plain), regexes, spec)

    def found(self, text: _Text) -> bool:
        return self.words.found(text) or any(p.search(text.nfkc) for p in self.patterns)


@dataclass(frozen=True)
class Rules:
    data: Mapping[str, Any]
    laws: Mapping[str, Any]
    both_sexes: _Words
    positive_action: _Words
    titles: Mapping[str, Mapping[str, Any]]  # normalised word → its title rule
    title_pattern: re.Pattern[str]
    not_titles: frozenset[str]
    preference: re.Pattern[str]
    preference_kind: Mapping[str, str]  # normalised subject → women | men | homemaker
    sought: re.Pattern[str]
    age_skip: tuple[str, ...]
    youth: re.Pattern[str]
    exceptions: tuple[tuple[Mapping[str, Any], tuple[_Words, ...]], ...]
    info: tuple[_Detector, ...]
    positive: tuple[_Detector, ...]

    def law_title(self, key: str) -> str:
        return str(self.laws[key]["title"])


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The shipped rules, with every word normalised once per process."""
    text = resources.files("shokuba.analysis").joinpath("data/jobad_rules.json").read_text(encoding="utf-8")
    return rules_from(json.loads(text))


def rules_from(data: Mapping[str, Any]) -> Rules:
    titles: dict[str, Mapping[str, Any]] = {}
    for spec in data["titles"]:
        for word in spec["words"]:
            titles[_normal(word)] = spec
            titles[_nfkc(word)] = spec
    man = data["man_suffix"]
    phrases = {p["id"]: p for p in data["sex_phrases"]}
    pref = phrases["one_sex_preference"]
    kind: dict[str, str] = {}
    for key, words in pref["subjects"].items():
        for word in words:
            kind[_normal(word)] = key
    preference = re.compile(
        f"(?P<subject>{_alternation(kind)})(?:{_alternation(_normal(w) for w in pref['fillers'])})?"
        f"(?P<predicate>{_alternation(_normal(w) for w in pref['predicates'])})(?!ならず|なりず)"
    )
    sought_spec = phrases["sought_sex"]
    after = _alternation(_normal(w) if w.strip() else w for w in sought_spec["after"])
    sought = re.compile(
        f"(?<=[{''.join(sought_spec['before'])}])(?P<sex>{_alternation(sought_spec['sexes'])})(?P<tail>の方)?"
        f"(?=(?:{after})|$)"
    )
    age = data["age"]
    youth = re.compile(
        f"(?P<word>{_alternation(_normal(w) for w in age['youth_words'])})"
        f"(?:{_alternation(_normal(w) for w in age['youth_fillers'])})?"
        f"(?P<predicate>{_alternation(_normal(w) for w in age['youth_predicates'])})"
    )
    exceptions = tuple((spec, tuple(_Words.of(group) for group in spec["needs"])) for spec in age["exceptions"])
    return Rules(
        data=data,
        laws=data["laws"],
        both_sexes=_Words.of(data["both_sexes"]),
        positive_action=_Words.of(data["positive_action"]),
        titles=titles,
        title_pattern=re.compile(_alternation(titles)),
        not_titles=frozenset(_normal(w) for w in man["not_titles"]) | frozenset(man["not_titles"]),
        preference=preference,
        preference_kind=kind,
        sought=sought,
        age_skip=tuple(_nfkc(w) for w in age["context_skip"]),
        youth=youth,
        exceptions=exceptions,
        info=tuple(_Detector.of(spec) for spec in data["info"]),
        positive=tuple(_Detector.of(spec) for spec in data["positive"]),
    )


# --- the text -------------------------------------------------------------------------------------------------


@dataclass
class _Text:
    original: str
    nfkc: str  # per character NFKC, so offsets map one to one through `nfkc_span`
    nfkc_offsets: list[int]  # nfkc index → original index
    norm: str  # the tokens' normalised forms, joined
    norm_spans: list[tuple[int, int]]  # norm index → the original span of its token
    boundaries: set[int]  # norm indexes where a token starts or ends
    tokens: list[tuple[str, int, int, int]]  # (match form, original start, original end, norm start)

    def nfkc_span(self, start: int, end: int) -> tuple[int, int]:
        begin = self.nfkc_offsets[start]
        finish = self.nfkc_offsets[end] if end < len(self.nfkc_offsets) else len(self.original)
        return begin, finish

    def norm_span(self, start: int, end: int) -> tuple[int, int]:
        return self.norm_spans[start][0], self.norm_spans[end - 1][1]


def _prepare(text: str) -> _Text:
    nfkc_parts: list[str] = []
    offsets: list[int] = []
    for index, ch in enumerate(text):
        part = _nfkc(ch)
        nfkc_parts.append(part)
        offsets.extend([index] * len(part))
    norm_parts: list[str] = []
    spans: list[tuple[int, int]] = []
    boundaries = {0}
    tokens: list[tuple[str, int, int, int]] = []
    position = 0
    # Sudachi limits one input's size; a long ad is read in paragraphs.
    for begin, segment in _segments(text):
        for m in tokenizer().tokenize(segment):
            form = _match_form(m.surface(), m.normalized_form()) or m.surface()
            start, end = begin + m.begin(), begin + m.end()
            tokens.append((form, start, end, position))
            norm_parts.append(form)
            spans.extend([(start, end)] * len(form))
            position += len(form)
            boundaries.add(position)
    return _Text(text, "".join(nfkc_parts), offsets, "".join(norm_parts), spans, boundaries, tokens)


def _segments(text: str, size: int = 4000) -> Iterable[tuple[int, str]]:
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = text.rfind("\n", start, end)
            end = cut + 1 if cut > start else end
        yield start, text[start:end]
        start = end


# --- the checks -----------------------------------------------------------------------------------------------


def _both_sexes_right_after(text: str, end: int) -> bool:
    following = _nfkc(text[end : end + 12]).lstrip()
    return bool(re.match(r"[（(]\s*(?:男女|男・女|男性・女性|女性・男性|男性女性)", following))


def _sex_findings(t: _Text, r: Rules) -> list[Finding]:
    found: list[Finding] = []
    stated_both = r.both_sexes.found(t)
    taken: set[int] = set()
    # Titles that name one sex, from the list, then any other 〜マン.
    for match in r.title_pattern.finditer(t.norm):
        a, b = match.span()
        # A title in kanji may end a compound (准看護婦, 派遣看護婦); others must be whole tokens (COOL is no OL).
        tail = all("\u4e00" <= ch <= "\u9fff" for ch in match.group())
        if b not in t.boundaries or (a not in t.boundaries and not tail):
            continue
        spec = r.titles[match.group()]
        start, end = t.norm_span(a, b)
        taken.update(range(start, end))
        if stated_both or _both_sexes_right_after(t.original, end):
            continue
        found.append(_title_finding(t, spec["id"], spec["rule"], start, end, spec["explanation"], spec["rewrite"]))
    man = r.data["man_suffix"]
    for index, (form, start, end, _position) in enumerate(t.tokens):
        if start in taken or not form.endswith("マン") or (form != "マン" and form in r.not_titles):
            continue
        if form == "マン":  # 営業まん: the suffix after its noun
            if index == 0 or t.tokens[index - 1][2] != start:
                continue
            previous = t.tokens[index - 1]
            start, stem = previous[1], previous[0]
        else:
            stem = form[: -len("マン")]
        if not stem or stem in r.not_titles or start in taken:
            continue
        taken.update(range(start, end))
        if stated_both or _both_sexes_right_after(t.original, end):
            continue
        found.append(
            _title_finding(t, "man_suffix", man["rule"], start, end, man["explanation"], stem + man["rewrite_suffix"])
        )
    # One sex sought (体力に自信のある男性), then one sex preferred (女性歓迎, 男性のみ, 主婦歓迎).
    sought_spec = next(p for p in r.data["sex_phrases"] if p["id"] == "sought_sex")
    for match in r.sought.finditer(t.norm):
        a, b = match.span()
        if a not in t.boundaries:
            continue
        start, end = t.norm_span(a, b)
        if any(i in taken for i in range(start, end)):
            continue
        taken.update(range(start, end))
        found.append(
            Finding(
                "sex",
                "sought_sex",
                VIOLATION,
                t.original[start:end],
                start,
                end,
                sought_spec["rule"],
                sought_spec["explanation"],
                sought_spec["rewrite"],
            )
        )
    pref = next(p for p in r.data["sex_phrases"] if p["id"] == "one_sex_preference")
    positive_action = r.positive_action.found(t)
    for match in r.preference.finditer(t.norm):
        a, b = match.span()
        if a not in t.boundaries:
            continue
        kind = r.preference_kind[match.group("subject")]
        before = t.norm[max(0, a - 4) : a]
        if kind in {"women", "men"} and re.search(r"男性|女性|男女|男子|女子", before):
            continue  # 男性・女性歓迎: both
        start, end = t.norm_span(a, b)
        if any(i in taken for i in range(start, end)):
            continue
        taken.update(range(start, end))
        predicate = _normal(match.group("predicate"))
        ending = (
            "歓迎"
            if predicate in {"歓迎", "大歓迎", "優遇", "希望"}
            else "募集"
            if "採用" in predicate or predicate in {"募集", "求む", "求める"}
            else ""
        )
        rewrite = pref["rewrite"][kind] + ending
        if t.norm[a - 1 : a] in set(next(p for p in r.data["sex_phrases"] if p["id"] == "sought_sex")["before"]):
            rewrite = "方を" + (ending or "募集")  # 体力に自信のある男性を歓迎 → 体力に自信のある方を歓迎
        if kind == "women" and positive_action:
            found.append(
                Finding(
                    "sex",
                    "positive_action",
                    NOTE,
                    t.original[start:end],
                    start,
                    end,
                    "eeo8",
                    "ポジティブ・アクション（法8条）の説明があるため、女性が4割を下回る職種での女性の積極採用として認められ得ます。"
                    "対象の職種で女性が4割を下回ることを求人に書き添えてください。",
                    "",
                )
            )
            continue
        found.append(
            Finding(
                "sex",
                f"prefers_{kind}",
                VIOLATION,
                t.original[start:end],
                start,
                end,
                pref["rule"],
                pref["explanation"][kind],
                rewrite,
            )
        )
    return found


def _title_finding(t: _Text, rule: str, law: str, start: int, end: int, explanation: str, rewrite: str) -> Finding:
    return Finding("sex", rule, VIOLATION, t.original[start:end], start, end, law, explanation, rewrite)


AGE_LIMIT = re.compile(
    r"(?P<a>\d{1,2})\s*歳?\s*[~〜～\-－ー]\s*(?P<b>\d{1,2})\s*歳(?:まで|以下|位|くらい|程度)?"
    r"|(?P<n>\d{1,2})\s*歳\s*(?P<op>以下|まで|迄|未満|以上|から|位まで|くらいまで|程度まで|前後)"
    r"|(?P<d>[1-6])0代(?:の方|前半|後半|まで|中心)?(?:の方)?を?(?:募集|歓迎|大歓迎|限定|希望|求む|優遇)"
)


def _age_findings(t: _Text, r: Rules) -> list[Finding]:
    age = r.data["age"]
    found: list[Finding] = []
    for match in AGE_LIMIT.finditer(t.nfkc):
        a, b = match.span()
        # The words around the age in its own sentence: 定年60歳, 65歳まで再雇用, 子が3歳まで, 平均年齢35歳.
        before = re.split(r"[。\n!！]", t.nfkc[max(0, a - 10) : a])[-1]
        after = re.split(r"[。\n!！]", t.nfkc[b : b + 6])[0]
        context = before + after
        if any(word in context for word in r.age_skip):
            continue
        if match.group("a"):
            bound, lower = "upper", int(match.group("a"))
        elif match.group("n"):
            op = match.group("op")
            bound = "lower" if op in {"以上", "から"} else "upper" if op != "前後" else "any"
            lower = int(match.group("n")) if bound == "lower" else 0
        else:
            bound, lower = "upper", 0
        start, end = t.nfkc_span(a, b)
        found.append(_age_limit_finding(t, r, start, end, bound, lower))
    for match in r.youth.finditer(t.norm):
        a, b = match.span()
        if a not in t.boundaries:
            continue
        start, end = t.norm_span(a, b)
        predicate = t.original[t.norm_span(match.start("predicate"), b)[0] : end].lstrip("のな")
        found.append(
            Finding(
                "age",
                "youth_wording",
                RISK,
                t.original[start:end],
                start,
                end,
                "labour9",
                age["explanation_youth"],
                age["youth_rewrite"] + predicate,
            )
        )
    return found


def _age_limit_finding(t: _Text, r: Rules, start: int, end: int, bound: str, lower: int) -> Finding:
    age = r.data["age"]
    excerpt = t.original[start:end]
    best: tuple[int, Mapping[str, Any], list[int]] | None = None
    for spec, groups in r.exceptions:
        if spec["bound"] not in {"any", bound}:
            continue
        if "min_lower" in spec:
            if bound == "lower" and lower >= spec["min_lower"]:
                return Finding(
                    "age",
                    "age_exception",
                    NOTE,
                    excerpt,
                    start,
                    end,
                    "labour9_exceptions",
                    f"例外（{spec['label']}）に当たります。",
                    "",
                )
            continue
        missing = [i for i, words in enumerate(groups) if not words.found(t)]
        met = len(groups) - len(missing)
        if not missing:
            return Finding(
                "age",
                "age_exception",
                NOTE,
                excerpt,
                start,
                end,
                "labour9_exceptions",
                f"例外（{spec['label']}）の事由が書かれています。事由が実態に合っているか確かめてください。",
                "",
            )
        if met and (best is None or met > best[0]):
            best = (met, spec, missing)
    if best is not None:
        _met, spec, missing = best
        lacking = "、".join("／".join(spec["needs"][i][:2]) for i in missing)
        return Finding(
            "age",
            "age_exception_incomplete",
            VIOLATION,
            excerpt,
            start,
            end,
            "labour9_exceptions",
            f"例外（{spec['label']}）を意図しているようですが、要件のうち「{lacking}」が書かれていません。"
            "要件をすべて満たし、その事由を書くか、年齢制限をなくしてください。",
            age["rewrite"],
        )
    return Finding(
        "age", "age_limit", VIOLATION, excerpt, start, end, "labour9", age["explanation_limit"], age["rewrite"]
    )


def _format(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _info_findings(t: _Text, r: Rules, facts: Facts) -> list[Finding]:
    found: list[Finding] = []
    for item in r.info:
        if item.found(t):
            continue
        spec = item.spec
        suggestion = spec["suggestion"]
        indicator = spec.get("indicator")
        if indicator and indicator in facts.figures:
            value, year = facts.figures[indicator]
            suggestion = spec["with_figure"] % {"value": _format(value), "year": year}
        elif "arrangements" in spec and facts.arrangements:
            suggestion = spec["with_figure"] % {"value": "・".join(facts.arrangements)}
        found.append(
            Finding(
                "info",
                item.id,
                MISSING,
                "",
                -1,
                -1,
                "youth13",
                f"{item.label}が書かれていません。{spec['explanation']}",
                suggestion,
            )
        )
    return found


def _positive_findings(t: _Text, r: Rules) -> list[Finding]:
    return [
        Finding("positive", item.id, GOOD, "", -1, -1, "youth13", item.label, "")
        for item in r.positive
        if item.found(t)
    ]


def _scores(findings: Sequence[Finding], r: Rules) -> dict[str, int]:
    scores: dict[str, int] = {}
    for category in ("sex", "age"):
        penalty = sum(PENALTY.get(f.severity, 0) for f in findings if f.category == category)
        scores[category] = max(0, 100 - penalty)
    missing = sum(1 for f in findings if f.category == "info")
    scores["info"] = round(100 * (len(r.info) - missing) / len(r.info))
    scores["positive"] = min(100, 20 * sum(1 for f in findings if f.category == "positive"))
    return scores


def check(text: str, *, facts: Facts | None = None, rule_set: Rules | None = None) -> Report:
    """Check one ad. `facts`: the organisation's own figures for the missing-information sentences."""
    r = rule_set or rules()
    t = _prepare(text[:MAX_TEXT])
    findings = [*_sex_findings(t, r), *_age_findings(t, r)]
    findings.sort(key=lambda f: (f.start, f.category))
    findings += _info_findings(t, r, facts or Facts())
    findings += _positive_findings(t, r)
    return Report(tuple(findings), _scores(findings, r))


def apply_rewrites(text: str, findings: Iterable[Finding], *, keys: Iterable[str] | None = None) -> str:
    """The ad with the chosen findings' rewrites applied (all flagged and missing ones when `keys` is None): an
    excerpt is replaced where it stands, a missing item's sentence is added at the end."""
    chosen = None if keys is None else set(keys)
    spans: list[Finding] = []
    added: list[str] = []
    for f in findings:
        if chosen is not None and f.key not in chosen:
            continue
        if f.severity in FLAGGED and f.rewrite and f.start >= 0:
            spans.append(f)
        elif f.severity == MISSING and f.rewrite:
            added.append(f.rewrite)
    # Where findings overlap (若い女性歓迎: an age and a sex finding), the longer excerpt's rewrite is applied.
    kept: list[Finding] = []
    for f in sorted(spans, key=lambda f: (f.start - f.end, f.start)):
        if text[f.start : f.end] == f.excerpt and all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    result = text
    for f in sorted(kept, key=lambda f: f.start, reverse=True):
        result = result[: f.start] + f.rewrite + result[f.end :]
    if added:
        result = result.rstrip("\n") + "\n\n" + "\n".join(f"・{line}" for line in added) + "\n"
    return result


@dataclass(frozen=True)
class Comparison:
    before: dict[str, int]
    after: dict[str, int]
    resolved: tuple[str, ...]  # keys flagged or missing before, gone after
    remaining: tuple[str, ...]
    new: tuple[str, ...]

    def delta(self, category: str) -> int:
        return self.after[category] - self.before[category]


def compare(before: Report | Mapping[str, Any], after: Report | Mapping[str, Any]) -> Comparison:
    """Scores before and after, and which findings were resolved, remain or are new (by key)."""

    def keyed(report: Report | Mapping[str, Any]) -> tuple[dict[str, int], list[str]]:
        if isinstance(report, Report):
            return dict(report.scores), [f.key for f in report.findings if f.severity in FLAGGED | {MISSING}]
        keys = [f["key"] for f in report["findings"] if f["severity"] in FLAGGED | {MISSING}]
        return dict(report["scores"]), keys

    scores_before, keys_before = keyed(before)
    scores_after, keys_after = keyed(after)
    return Comparison(
        scores_before,
        scores_after,
        tuple(k for k in keys_before if k not in keys_after),
        tuple(k for k in keys_before if k in keys_after),
        tuple(k for k in keys_after if k not in keys_before),
    )


def law_of(key: str) -> Mapping[str, str]:
    """A law's title, text and source by its key in the data file."""
    return dict(rules().laws[key])


def category_label(category: str) -> str:
    return str(rules().data["categories"][category]["label"])
