"""Demo surveys for 豊岡市 (282090): the bias and workplace surveys run twice (a baseline in June 2026 and a
follow-up in October 2026), and a resident survey open until the end of FY2026 behind one public link.

The responses are made up but behave like real ones: men and older managers agree more with the bias
statements, some organisations are better places to work than others, women rate a few workplace items lower,
and the follow-up improves somewhat. Answers go through the same validation and typed rows as a web submission
(instrument → answers.validate_submission → answers.answer_rows) and are written with bulk_create.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import connection

from shokuba.network.models import Member, Organisation, User
from shokuba.surveys import services
from shokuba.surveys.answers import answer_rows, validate_submission
from shokuba.surveys.instrument import Definition
from shokuba.surveys.models import ATTRIBUTE_COLUMNS, Channel, Response, ResponseAnswer, Wave, attribute_columns

TOYOOKA = "282090"
BASELINE = (dt.date(2026, 6, 1), dt.date(2026, 6, 30))
FOLLOW_UP = (dt.date(2026, 10, 15), dt.date(2026, 11, 13))
RESIDENT = (dt.date(2026, 11, 1), dt.date(2027, 3, 31))
# The resident wave is still open: its demo answers end on this day, whenever the demo is generated.
RESIDENT_LAST_ANSWER = dt.date(2026, 11, 24)

# How far from the band's lower edge the surveyed head-count of an organisation lies.
_HEADCOUNT = {"1-29": (10, 25), "30-100": (25, 60), "101-300": (45, 90), "301-999": (70, 120), "1000+": (90, 140)}

# The national share agreeing (top-two box, %) for the bias statements; the rest are plausible guesses.
_BIAS_BASE = {
    "UB-H01": 47, "UB-H02": 14, "UB-H03": 30, "UB-H04": 28, "UB-H05": 18, "UB-H06": 25,
    "UB-W01": 31, "UB-W02": 24, "UB-W03": 17, "UB-W04": 10, "UB-W05": 16, "UB-W06": 38,
    "UB-O01": 50, "UB-O02": 28, "UB-O03": 22,
}  # fmt: skip


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _chance(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _pick(rng: random.Random, weighted: Sequence[tuple[str, float]]) -> str:
    codes, weights = zip(*weighted, strict=True)
    return rng.choices(codes, weights=weights)[0]


def _respondent(rng: random.Random, *, workplace: bool) -> dict[str, str]:
    sex = _pick(rng, [("F", 45), ("M", 51), ("X", 1), ("R", 3)])
    age = _pick(rng, [("-29", 20), ("30", 22), ("40", 25), ("50", 21), ("60+", 9), ("R", 3)])
    attributes = {"sex": sex, "age_band": age}
    if workplace:
        senior = age in {"40", "50", "60+"}
        manager_weight = (16 if sex == "M" else 5) * (2.2 if senior else 0.3)
        attributes["position"] = _pick(
            rng, [("staff", 60), ("chief", 16), ("manager", manager_weight), ("exec", 3 if senior else 0.2), ("R", 2)]
        )
        attributes["employment"] = _pick(
            rng,
            [("regular", 72 if sex == "M" else 55), ("nonregular", 12 if sex == "M" else 40), ("other", 1), ("R", 2)],
        )
        attributes["service_years"] = _pick(
            rng,
            [
                ("-2", 22 if age == "-29" else 8),
                ("3-9", 30),
                ("10-19", 20 if age != "-29" else 2),
                ("20+", 25 if senior else 0.5),
                ("R", 2),
            ],
        )
        attributes["care"] = _pick(
            rng,
            [
                ("child", 30 if age in {"30", "40"} else 6),
                ("care", 14 if age in {"50", "60+"} else 2),
                ("both", 2),
                ("none", 55),
                ("R", 4),
            ],
        )
    return attributes


def _four_point(rng: random.Random, positive: float) -> str:
    """A 4-point answer whose top-two share is `positive`; the strong end a bit less common than the mild one."""
    if rng.random() < positive:
        return "1" if rng.random() < 0.38 else "2"
    return "4" if rng.random() < 0.45 else "3"


def _bias_answers(rng: random.Random, attrs: dict[str, str], follow_up: bool) -> dict[str, Any]:
    shift = 0.0
    shift += {"M": 0.35, "F": -0.05}.get(attrs["sex"], 0.0)
    shift += {"-29": -0.35, "30": -0.15, "40": 0.05, "50": 0.3, "60+": 0.6}.get(attrs["age_band"], 0.0)
    shift += {"manager": 0.35, "exec": 0.55, "chief": 0.1}.get(attrs.get("position", ""), 0.0)
    shift -= 0.35 if follow_up else 0.0
    person = rng.gauss(0, 0.5)
    answers: dict[str, Any] = {}
    for question, codes in (
        ("UB-Q1", ["UB-H01", "UB-H02", "UB-H03", "UB-H04", "UB-H05", "UB-H06"]),
        ("UB-Q2", ["UB-W01", "UB-W02", "UB-W03", "UB-W04", "UB-W05", "UB-W06"]),
        ("UB-Q3", ["UB-O01", "UB-O02", "UB-O03"]),
    ):
        answers[question] = {
            code: _four_point(rng, _chance(_logit(_BIAS_BASE[code] / 100) + shift + person)) for code in codes
        }
    if rng.random() < 0.8:
        sources = [c for c, p in (("1", 0.35), ("2", 0.3), ("3", 0.25), ("4", 0.5), ("5", 0.4)) if rng.random() < p]
        answers["UB-SRC"] = sources or ["6"]
    return answers


_WORKPLACE_THEMES = {
    "WS-QA": ["WS-A01", "WS-A02", "WS-A03", "WS-A04", "WS-A05", "WS-A06"],
    "WS-QB": ["WS-B01", "WS-B02", "WS-B03", "WS-B04", "WS-B05", "WS-B06"],
    "WS-QC": ["WS-C01", "WS-C02", "WS-C03", "WS-C04", "WS-C05", "WS-C06"],
    "WS-QD": ["WS-D01", "WS-D02", "WS-D03", "WS-D04", "WS-D05"],
    "WS-QE": ["WS-E01", "WS-E02", "WS-E03", "WS-E04", "WS-E05", "WS-E06"],
}
_THEME_BASE = {"WS-QA": 0.62, "WS-QB": 0.55, "WS-QC": 0.5, "WS-QD": 0.35, "WS-QE": 0.58}
# Items women rate lower than men in the demo (a gap the analysis should find).
_WOMEN_LOWER = {"WS-A01", "WS-A03", "WS-A06", "WS-B02", "WS-C04"}


def _workplace_answers(
    rng: random.Random, attrs: dict[str, str], organisation_effect: float, follow_up: bool
) -> dict[str, Any]:
    person = rng.gauss(0, 0.6) + organisation_effect + (0.3 if follow_up else 0.0)
    answers: dict[str, Any] = {}
    positives = []
    for question, codes in _WORKPLACE_THEMES.items():
        rows: dict[str, str] = {}
        for code in codes:
            shift = person - (0.45 if attrs["sex"] == "F" and code in _WOMEN_LOWER else 0.0)
            if rng.random() < 0.04:
                rows[code] = "dk"
                continue
            rows[code] = _four_point(rng, _chance(_logit(_THEME_BASE[question]) + shift))
            positives.append(rows[code] in {"1", "2"})
        answers[question] = rows
    share = sum(positives) / max(1, len(positives))
    answers["WS-Z01"] = _four_point(rng, min(0.97, max(0.03, 0.15 + 0.85 * share + rng.gauss(0, 0.08))))
    answers["WS-Z02"] = _four_point(rng, min(0.97, max(0.03, 0.2 + 0.75 * share + rng.gauss(0, 0.1))))
    if rng.random() < 0.12:
        answers["WS-FREE"] = rng.choice(
            [
                "会議の時間が短くなり、定時に帰りやすくなった。",
                "育児中の社員への配慮はあるが、周りの負担が増えている。",
                "テレワークができる仕事を増やしてほしい。",
                "上司によって休暇の取りやすさが違う。",
                "評価の基準をもっと説明してほしい。",
            ]
        )
    return answers


_REASONS_WEIGHT = {"01": 30, "02": 22, "03": 12, "04": 30, "05": 8, "06": 10, "07": 18, "08": 32, "09": 26, "10": 5}


def _resident_answers(rng: random.Random, attrs: dict[str, str]) -> dict[str, Any]:
    where = _pick(rng, [("1", 40), ("2", 22), ("3", 35), ("4", 3)])
    answers: dict[str, Any] = {"RS-01": where}
    if where in {"2", "3"}:
        weights = dict(_REASONS_WEIGHT)
        if attrs["sex"] == "F":
            weights["04"] += 12
            weights["09"] += 8
        ranked: list[str] = []
        for _rank in range(rng.choice([2, 3, 4, 5, 5])):
            remaining = [(c, w) for c, w in weights.items() if c not in ranked]
            ranked.append(_pick(rng, remaining))
        answers["RS-02"] = ranked
    stay = {"1": 0.7, "2": 0.75, "3": 0.35, "4": 0.5}[where] - (0.12 if attrs["sex"] == "F" else 0.0)
    answers["RS-03"] = "dk" if rng.random() < 0.08 else _four_point(rng, stay)
    conditions = [
        c
        for c, p in (("1", 0.45), ("2", 0.3), ("3", 0.4), ("4", 0.3), ("5", 0.25), ("6", 0.3), ("7", 0.2), ("8", 0.15))
        if rng.random() < p
    ]
    answers["RS-04"] = conditions[:3] or ["9"]
    answers["RS-05"] = _four_point(rng, 0.62 if attrs["sex"] == "F" else 0.45)
    return answers


def _store(
    wave: Wave,
    definition: Definition,
    rng: random.Random,
    batch: list[tuple[Organisation | None, dict[str, Any], dict[str, str]]],
    *,
    last_day: dt.date | None = None,
) -> int:
    responses: list[Response] = []
    rows: list[tuple[Any, ...]] = []
    uuid_field = ResponseAnswer._meta.get_field("submission_id")
    days = ((last_day or wave.closes_on) - wave.opens_on).days
    for organisation, raw_answers, raw_attributes in batch:
        validated = validate_submission(definition, raw_answers, raw_attributes)
        if not validated.ok:  # pragma: no cover - the generator only makes valid answers
            raise ValueError(f"demo answers invalid: {validated.problems[:3]}")
        submission_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        columns = attribute_columns(validated.attributes)
        # Most answers arrive in the first days after the flyer goes up.
        day = wave.opens_on + dt.timedelta(days=min(days, int(rng.expovariate(1 / max(1, days / 4)))))
        organisation_id = organisation.pk if organisation else None
        responses.append(
            Response(
                member_id=wave.member_id,
                submission_id=submission_id,
                wave=wave,
                organisation_id=organisation_id,
                channel=Channel.WEB,
                submitted_on=day,
                answers=validated.answers,
                **columns,
            )
        )
        key = uuid_field.get_db_prep_value(submission_id, connection)
        attributes = tuple(columns[c] for c in ATTRIBUTE_COLUMNS)
        head = (wave.member_id, key, wave.pk, organisation_id)
        rows.extend(
            (*head, row.item_code, row.seq, row.choice_code, row.value, row.text, *attributes)
            for row in answer_rows(definition, validated.answers)
        )
    Response.objects.bulk_create(responses, batch_size=1000)
    # ~100,000 typed rows: a plain executemany is several times faster than building model instances.
    table = connection.ops.quote_name(ResponseAnswer._meta.db_table)
    names = ["member_id", "submission_id", "wave_id", "organisation_id", "item_code", "seq", "choice_code", "value"]
    names += ["text", *ATTRIBUTE_COLUMNS]
    columns_sql = ", ".join(connection.ops.quote_name(n) for n in names)
    placeholders = ", ".join(["%s"] * len(names))
    sql = f"INSERT INTO {table} ({columns_sql}) VALUES ({placeholders})"  # noqa: S608 - fixed identifiers
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])
    return len(responses)


def demo_surveys(rng: random.Random) -> int:
    """Create the demo questionnaires, waves and responses. Returns the number of responses made."""
    member = Member.objects.get(pk=TOYOOKA)
    actor = User.objects.get(username="toyooka")
    organisations = list(Organisation.objects.filter(member=member).order_by("name"))
    headcounts = {o.pk: rng.randint(*_HEADCOUNT.get(o.size_band, (10, 30))) for o in organisations}
    organisation_effect = {o.pk: rng.gauss(0, 0.45) for o in organisations}
    total = 0

    bias = services.questionnaire_create_from_template(actor=actor, member=member, template_code="unconscious_bias")
    bias_v1 = services.questionnaire_publish(actor=actor, version=bias.versions.get())
    workplace = services.questionnaire_create_from_template(actor=actor, member=member, template_code="workplace")
    workplace_v1 = services.questionnaire_publish(actor=actor, version=workplace.versions.get())
    # The follow-up uses a second version with a clarified wording; the item code (lineage) stays WS-C05.
    workplace_v2 = services.questionnaire_draft_start(actor=actor, questionnaire=workplace)
    services.question_update(
        actor=actor,
        version=workplace_v2,
        code="WS-QC",
        text="労働時間について、次のことはあてはまると思いますか。（この1年間を振り返ってお答えください）",
        help="",
        required=True,
        section="労働時間の見直し",
    )
    workplace_v2 = services.questionnaire_publish(actor=actor, version=workplace_v2)
    resident = services.questionnaire_create_from_template(actor=actor, member=member, template_code="resident")
    resident_v1 = services.questionnaire_publish(actor=actor, version=resident.versions.get())

    plans = [
        ("2026年度 アンコンシャス・バイアス ベースライン調査", bias_v1, BASELINE, False, "bias"),
        ("2026年度 アンコンシャス・バイアス フォローアップ調査", bias_v1, FOLLOW_UP, True, "bias"),
        ("2026年度 働きやすさ・働きがい ベースライン調査", workplace_v1, BASELINE, False, "workplace"),
        ("2026年度 働きやすさ・働きがい フォローアップ調査", workplace_v2, FOLLOW_UP, True, "workplace"),
    ]
    for name, version, (opens_on, closes_on), follow_up, kind in plans:
        wave = services.wave_create(
            actor=actor,
            version=version,
            name=name,
            fiscal_year=2026,
            opens_on=opens_on,
            closes_on=closes_on,
            organisations=organisations,
        )
        for link in wave.links.all():
            assert link.organisation_id is not None
            link.expected_headcount = headcounts[link.organisation_id]
            link.save(update_fields=["expected_headcount"])
        services.wave_open(actor=actor, wave=wave)
        definition = services.definition_of(version)
        batch: list[tuple[Organisation | None, dict[str, Any], dict[str, str]]] = []
        for organisation in organisations:
            rate = rng.uniform(0.55, 0.9) + (0.05 if follow_up else 0.0)
            for _ in range(round(headcounts[organisation.pk] * min(rate, 0.97))):
                attrs = _respondent(rng, workplace=True)
                if kind == "bias":
                    answers = _bias_answers(rng, attrs, follow_up)
                    attrs = {k: v for k, v in attrs.items() if k in definition.attributes}
                else:
                    answers = _workplace_answers(rng, attrs, organisation_effect[organisation.pk], follow_up)
                batch.append((organisation, answers, attrs))
        total += _store(wave, definition, rng, batch)
        services.wave_close(actor=actor, wave=wave)

    resident_wave = services.wave_create(
        actor=actor,
        version=resident_v1,
        name="2026年度 若者・女性の地元定着と転出に関する意識調査",
        fiscal_year=2026,
        opens_on=RESIDENT[0],
        closes_on=RESIDENT[1],
        public_link=True,
    )
    services.wave_open(actor=actor, wave=resident_wave)
    resident_definition = services.definition_of(resident_v1)
    resident_batch: list[tuple[Organisation | None, dict[str, Any], dict[str, str]]] = []
    for _ in range(380):
        attrs = _respondent(rng, workplace=False)
        resident_batch.append((None, _resident_answers(rng, attrs), attrs))
    total += _store(resident_wave, resident_definition, rng, resident_batch, last_day=RESIDENT_LAST_ANSWER)
    return total
