"""The attack suite: for random small waves, a role asks for everything it can ask about one item (totals, the item's
distribution, every preset's two groups, one- and two-attribute cross-tabulations, a comparison of two waves with
every weighted target of one stratum and of all, the two-thirds rule, the downloads, free-text counts), and every
figure it gets back is written as a linear equation over the unknown microdata — how many respondents of each
profile (organisation × sex × age band × position) gave each answer to WS-Z01. A figure shown is a known equation;
a figure shown as "—" (null) is a hidden one. The engine's own `recoverable()` then decides whether the shown
equations determine any hidden one: none may.

What the attacker knows is modelled generously: a combination a split does not list is known to be empty; a
weighted estimate is taken to reveal each stratum it weights, in full.
"""

from __future__ import annotations

import csv
import io
import itertools
import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from shokuba.analysis import suppression
from shokuba.analysis.suppression import Aggregate, recoverable
from shokuba.api.tests.helpers import Api
from shokuba.results import analyses
from shokuba.results.tests.conftest import SCALE_ITEMS
from shokuba.surveys import services
from shokuba.surveys.answers import raw_from_form
from shokuba.surveys.models import Wave, WaveStatus
from shokuba.surveys.tests.conftest import logged_in

pytestmark = pytest.mark.django_db(transaction=False)

ITEM = "WS-Z01"
POINTS = ("1", "2", "3", "4")
TOP = ("1", "2")
SCORE = {"1": 4, "2": 3, "3": 2, "4": 1}
DIMS = ("sex", "age_band", "position")
SEXES = ("F", "M", "X", "R")
AGES = ("-29", "30", "50", "60+")
POSITIONS = ("staff", "manager", "exec")
STRATA = [f"{s}|{a}" for s in ("F", "M") for a in ("-29", "30", "40", "50", "60+")]


@dataclass(frozen=True)
class Respondent:
    organisation: int  # 0 or 1: the wave's two links
    sex: str
    age_band: str
    position: str
    answer: str


respondents = st.lists(
    st.builds(
        Respondent,
        st.integers(0, 1),
        st.sampled_from(SEXES),
        st.sampled_from(AGES),
        st.sampled_from(POSITIONS),
        st.sampled_from(POINTS),
    ),
    min_size=3,
    max_size=24,
)


def _submit(link: Any, person: Respondent, rng: random.Random) -> None:
    data: dict[str, Any] = {}
    for theme, codes in SCALE_ITEMS.items():
        for code in codes:
            data[f"q.{theme}.{code}"] = rng.choice(["1", "2", "3", "4", "dk"])
    data["q.WS-Z01"] = person.answer
    data["q.WS-Z02"] = rng.choice(POINTS)
    data["q.WS-FREE"] = rng.choice(["会議が短くなった。", "休暇を取りやすい。", "評価の基準を説明してほしい。"])
    data.update({"a.sex": person.sex, "a.age_band": person.age_band, "a.position": person.position})
    answers, attributes = raw_from_form(services.definition_of(link.wave.version), {k: [v] for k, v in data.items()})
    services.response_submit(
        link=link, submission_id=uuid.UUID(int=rng.getrandbits(128)), answers=answers, attributes=attributes
    )


# --- the attacker's equations ------------------------------------------------------------------------------------

Profile = tuple[str, str, str, str]  # organisation pk, sex, age band, position
SHOWN = 0.0  # `recoverable` needs only which figures are shown, not their values


@dataclass
class Ledger:
    """Every figure received as an equation over the unknowns (profile × answer → respondents), shown or hidden."""

    profiles: list[Profile]
    respondents: dict[Profile, int]  # the truth, to tell a group with people from an empty one
    equations: dict[tuple[tuple[int, float], ...], list[bool]] = field(default_factory=dict)  # hidden flags
    where: dict[tuple[tuple[int, float], ...], list[str]] = field(default_factory=dict)

    def add(
        self,
        members: Iterable[Profile],
        answers: Sequence[str],
        value: Any,
        where: str,
        weights: dict[str, float] | None = None,
    ) -> None:
        index = {p: i for i, p in enumerate(self.profiles)}
        terms: dict[int, float] = {}
        for profile in members:
            if profile not in index:
                continue  # a profile the attacker knows is empty
            for answer in answers:
                w = float((weights or {}).get(answer, 1.0))
                terms[index[profile] * len(POINTS) + POINTS.index(answer)] = w
        key = tuple(sorted((k, w) for k, w in terms.items() if w))
        if key:
            self.equations.setdefault(key, []).append(value is None)
            self.where.setdefault(key, []).append(("—" if value is None else "") + where)

    def people_in(self, key: tuple[tuple[int, float], ...]) -> int:
        return sum(self.respondents.get(self.profiles[k // len(POINTS)], 0) for k in {k for k, _w in key})

    def leaks(self) -> list[str]:
        """Hidden figures of a group with people in it that the shown ones determine (the engine's `recoverable`),
        and figures both shown and hidden somewhere. (An empty group shown as "—" may be found empty: nobody's
        answer is in it; a small group it covered would itself be found, and reported.)"""
        keys = list(self.equations)
        n = len(self.profiles) * len(POINTS)
        aggregates = [Aggregate(key, "count") for key in keys]
        hidden = [True] * n + [all(self.equations[k]) for k in keys]
        found = [
            " / ".join(self.where[keys[i - n]])
            for i in recoverable(n, aggregates, hidden)
            if i >= n and self.people_in(keys[i - n]) > 0
        ]
        found += [
            "shown and hidden: " + " / ".join(self.where[k])
            for k, flags in self.equations.items()
            if len(set(flags)) > 1
        ]
        return found


FIELDS = {"organisation": 0, "sex": 1, "age_band": 2, "position": 3}


def _members(profiles: Sequence[Profile], **codes: Iterable[str]) -> list[Profile]:
    wanted = {FIELDS[d]: {str(c) for c in v} for d, v in codes.items()}
    return [p for p in profiles if all(p[i] in values for i, values in wanted.items())]


NOT_PUBLISHED = object()


def _record_group(
    ledger: Ledger, members: list[Profile], n: Any, top_percent: Any, mean: Any = NOT_PUBLISHED, *, where: str
) -> None:
    """n, the top-box share and the mean of a group: the counts Σ n, Σ top and Σ score over its members."""
    ledger.add(members, POINTS, n, f"{where} n")
    ledger.add(members, TOP, None if top_percent is None else SHOWN, f"{where} top")
    if mean is not NOT_PUBLISHED:
        ledger.add(members, POINTS, None if mean is None else SHOWN, f"{where} mean", weights=SCORE)


def _splits(own: int | None) -> list[tuple[str, ...]]:
    dims = list(DIMS) + (["organisation"] if own is None else [])
    return [*((d,) for d in dims), *itertools.combinations(dims, 2)]


def attack(api: Api, wave: Wave, own: int | None, everyone: list[Profile], truth: dict[Profile, int]) -> Ledger:
    """Everything one role can ask about WS-Z01, as the attacker's equations."""
    base = f"results/waves/{wave.pk}"
    scope = [p for p in everyone if own is None or p[0] == str(own)]
    crosstabs: dict[tuple[str, ...], Any] = {}
    for by in _splits(own):
        query = f"item={ITEM}&by={by[0]}" + (f"&by2={by[1]}" if len(by) > 1 else "")
        response = api.get(f"{base}/crosstab?{query}")
        assert response.status_code == 200, response.content
        crosstabs[by] = response.json_body["crosstab"]
    # Each split lists the groups that exist (shown, or "—"); a combination it does not list is known to be empty.
    listed = {
        by: {tuple(row["code"].split("|")) for row in ct["rows"]} for by, ct in crosstabs.items() if ct is not None
    }
    possible = [p for p in scope if all(tuple(p[FIELDS[d]] for d in by) in keys for by, keys in listed.items())]
    ledger = Ledger([*possible, *(p for p in everyone if own is not None and p[0] != str(own))], truth)

    items = api.get(f"{base}/items").json_body
    if not items["hidden"]:
        d = next(x for x in items["distributions"] if x["item_code"] == ITEM)
        for category in d["categories"]:
            ledger.add(scope, [category["code"]], category["count"], f"items {category['code']}")
        ledger.add(scope, POINTS, d["valid_n"], "items valid n")
    for by, ct in crosstabs.items():
        if ct is None:
            continue
        for row in ct["rows"]:
            members = _members(scope, **{d: [c] for d, c in zip(by, row["code"].split("|"), strict=True)})
            where = f"crosstab {'×'.join(by)} {row['label']}"
            for code, count in zip(POINTS, row["counts"], strict=True):
                ledger.add(members, [code], count, f"{where} {code}")
            _record_group(ledger, members, row["n"], row["top_percent"], row["mean"], where=where)
        for code, count in zip(POINTS, ct["total"]["counts"], strict=True):
            ledger.add(scope, [code], count, f"crosstab total {code}")

    for preset, ((_a, filters_a), (_b, filters_b)) in analyses.gaps.PRESETS.items():
        data = api.get(f"{base}/overview?preset={preset}").json_body
        if data["gaps"] is None:
            continue
        c = next(x for x in data["gaps"]["items"] if x["item_code"] == ITEM)
        for side, filters in (("a", filters_a), ("b", filters_b)):
            members = _members(scope, **filters)
            n, top, mean = c[f"n_{side}"], c[f"top_percent_{side}"], c[f"mean_{side}"]
            _record_group(ledger, members, n, top, mean, where=preset + side)
        for r in data["recognition"]:
            organisation = str(wave.links.get(organisation__name=r["organisation"]).organisation_id)
            for v in (v for v in r["items"] if v["item_code"] == ITEM):
                for group, sexes in (("overall", (*SEXES, "")), ("men", ("M",)), ("women", ("F",))):
                    members = _members(scope, organisation=[organisation], sex=sexes)
                    _record_group(ledger, members, v[f"{group}_n"], v[f"{group}_percent"], where=f"2/3 {group}")
        if own is not None:
            programme = data["programme"]
            report = programme["report"] if programme else None
            c = next((x for x in report["items"] if x["item_code"] == ITEM), None) if report else None
            rest = [p for p in ledger.profiles if p[0] != str(own)]
            n, top, mean = (c["n_b"], c["top_percent_b"], c["mean_b"]) if c else (None, None, None)
            _record_group(ledger, rest, n, top, mean, where="programme rest")

    strata = sorted({f"{p[1]}|{p[2]}" for p in ledger.profiles if p[1] in "FM" and p[2] not in ("", "R")})
    for target in [*([s] for s in strata), STRATA]:
        query = ",".join(f"{s}=1" for s in target)
        response = api.get(f"{base}/change?other={wave.pk}&target={query}")
        if response.status_code == 422:
            continue  # refused: nothing published
        assert response.status_code == 200, response.content
        change = response.json_body["change"]
        for w in (w for w in (change or {}).get("weighted", []) if w["item_code"] == ITEM):
            for estimate in (w["before"], w["after"]):
                for stratum in (estimate or {}).get("weights", {}):
                    age, sex = stratum.split("|")
                    members = _members(scope, sex=[sex], age_band=[age])
                    # Generous: a weighted estimate is taken to reveal every stratum it weights, in full.
                    _record_group(ledger, members, SHOWN, SHOWN, SHOWN, where=f"weighted {stratum}")
    return ledger


def _everyone(wave: Wave) -> list[Profile]:
    organisations = [str(pk) for pk in wave.links.order_by("pk").values_list("organisation_id", flat=True)]
    sexes = ("F", "M", "X", "R", "")
    ages = ("-29", "30", "40", "50", "60+", "R", "")
    positions = ("staff", "chief", "manager", "exec", "R", "")
    return list(itertools.product(organisations, sexes, ages, positions))


def _fill(wave: Wave, people: Sequence[Respondent]) -> dict[Profile, int]:
    """Store the respondents, close the wave; the truth: respondents per profile."""
    links = list(wave.links.order_by("pk"))
    rng = random.Random(len(people))
    truth: dict[Profile, int] = {}
    for person in people:
        _submit(links[person.organisation], person, rng)
        profile = (str(links[person.organisation].organisation_id), person.sex, person.age_band, person.position)
        truth[profile] = truth.get(profile, 0) + 1
    Wave.objects.filter(pk=wave.pk).update(status=WaveStatus.CLOSED)
    return truth


ONE_MAN_IN_HIS_FIFTIES = [
    *(Respondent(0, "F", "30", "staff", "2") for _ in range(6)),
    *(Respondent(0, "M", "30", "staff", "3") for _ in range(5)),
    Respondent(0, "M", "50", "manager", "1"),
]


@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@example(people=ONE_MAN_IN_HIS_FIFTIES)
@given(people=respondents)
def test_no_request_reveals_a_hidden_group(people: list[Respondent], wave: Wave, support: Any, org_admin: Any) -> None:
    with transaction.atomic():
        truth = _fill(wave, people)
        everyone = _everyone(wave)
        for role, own in ((support, None), (org_admin, org_admin.organisation_id)):
            ledger = attack(Api(role), wave, own, everyone, truth)
            assert not ledger.leaks(), (role.role, ledger.leaks())
        _free_text_counts_only_released_groups(Api(support), wave, people)
        transaction.set_rollback(True)


def _free_text_counts_only_released_groups(api: Api, wave: Wave, people: Sequence[Respondent]) -> None:
    """Free-text counts: every respondent wrote an answer; the counts must be those of the groups the sex split
    shows, and nothing (not even how many) of a hidden group."""
    split = api.get(f"results/waves/{wave.pk}/crosstab?item={ITEM}&by=sex").json_body["crosstab"]
    report = api.get(f"results/waves/{wave.pk}/free-text?item=WS-FREE").json_body["free_text"]
    if split is None:  # the whole wave is below the threshold
        assert report["hidden"] and report["words"] == [] and report["texts"] == []
        return
    shown = {row["code"] for row in split["rows"] if not row["hidden"]}
    hidden_labels = {row["label"] for row in split["rows"] if row["hidden"]}
    expected = sum(1 for person in people if person.sex in shown)
    if report["hidden"]:
        assert expected < 5 and report["words"] == [] and report["texts"] == []
        return
    assert report["answers_used"] == expected
    assert set(report["groups_left_out"]) == hidden_labels
    assert "answers_left_out" not in report
    assert not {edge["source"] for edge in report["word_groups"]} & hidden_labels


def test_the_suite_finds_the_weighted_target_leak_when_the_gate_is_bypassed(
    wave: Wave, org_admin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The finding as reported: a target on the company's only man in his fifties published his answers. With the
    plan replaced by the old behaviour (weight every stratum of the target that has anyone in it), the suite must
    see a leak."""

    def naive(target: Any, before: Any, after: Any) -> suppression.WeightingPlan:
        used = {k: v for k, v in target.items() if v > 0 and (before.size(k) or after.size(k))}
        return suppression.WeightingPlan(used, (), not used)

    truth = _fill(wave, ONE_MAN_IN_HIS_FIFTIES)
    everyone = _everyone(wave)
    assert not attack(Api(org_admin), wave, org_admin.organisation_id, everyone, truth).leaks()
    monkeypatch.setattr(analyses, "weighting_plan", naive)
    leaks = attack(Api(org_admin), wave, org_admin.organisation_id, everyone, truth).leaks()
    # His own stratum is still kept back by the effective-size rule, but the men in their thirties, hidden beside
    # him so that he cannot be subtracted from all men, are now weighted and shown: he is determined again.
    assert any("weighted 30|M" in leak for leak in leaks), leaks
    assert any(leak.startswith("—crosstab age_band 30") for leak in leaks), leaks


def test_downloads_carry_the_same_figures_as_the_api(wave: Wave, support: Any) -> None:
    _fill(wave, [*ONE_MAN_IN_HIS_FIFTIES, Respondent(1, "X", "-29", "staff", "4")])
    data = Api(support).get(f"results/waves/{wave.pk}/crosstab?item={ITEM}&by=sex&by2=age_band").json_body
    rows = {row["label"]: row for row in [*data["crosstab"]["rows"], data["crosstab"]["total"]]}
    url = f"/surveys/waves/{wave.pk}/results/crosstab/crosstab.csv?item={ITEM}&by=sex&by2=age_band"
    text = logged_in(support).get(url).content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert len(table) - 1 == len(rows)
    for line in table[1:]:
        row = rows[line[0]]
        figures = [row["n"], *row["counts"]]
        for cell, figure in zip(line[1 : 2 + len(POINTS)], figures, strict=True):
            assert cell == ("—" if figure is None else str(figure)), (line, row)
    assert any(r["n"] is None for r in rows.values())  # there is something hidden to compare
