"""results_overview: the 気づきポイント page's work (SQL aggregation in the selectors + the engine, including
national benchmarks, network and the two-thirds rule) over one wave of 100,000 responses, against pandas groupby
over the same answer rows already loaded in memory (plus the same engine call for the gaps)."""

from __future__ import annotations

import random
import uuid

from bench import _shared

runner = _shared.runner()

RESPONSES = 100_000


def _big_wave(
    responses_count: int = RESPONSES,
    *,
    version: object = None,
    name: str = "ベンチマーク調査",
    fiscal_year: int = 2026,
    closes_on: object = None,
    seed: int = 42,
    shift_women: float = 0.6,
) -> object:
    """A closed wave of the workplace questionnaire with `responses_count` synthetic responses (31 scale items
    each), written with executemany (the demo's own path is too slow for this size). `version`: a published
    version to reuse (else a new copy of the workplace template); the plans bench makes five waves of one."""
    import datetime as dt

    from django.db import connection, transaction

    from shokuba.network.models import Member, Organisation, User
    from shokuba.results.selectors import wave_items
    from shokuba.surveys import services
    from shokuba.surveys.models import Wave

    coordinator = User.objects.get(username="toyooka")
    member = Member.objects.get(pk="282090")
    if version is None:
        questionnaire = services.questionnaire_create_from_template(
            actor=coordinator, member=member, template_code="workplace", title="ベンチマーク用"
        )
        version = services.questionnaire_publish(actor=coordinator, version=questionnaire.versions.get())
    organisations = list(Organisation.objects.filter(member=member)[:5])
    closes = closes_on if isinstance(closes_on, dt.date) else dt.date(fiscal_year, 1, 30)
    wave = services.wave_create(
        actor=coordinator,
        version=version,  # type: ignore[arg-type]
        name=name,
        fiscal_year=fiscal_year,
        opens_on=closes - dt.timedelta(days=25),
        closes_on=closes,
        organisations=organisations,
    )
    Wave.objects.filter(pk=wave.pk).update(status="closed")
    items = [i for i in wave_items(wave) if i.kind == "scale"]
    rng = random.Random(seed)
    sexes, ages, positions = ["F", "M", "M", "X", "R"], ["-29", "30", "40", "50", "60+"], ["staff", "chief", "manager"]
    responses, answers = [], []
    for _ in range(responses_count):
        sid = str(uuid.UUID(int=rng.getrandbits(128)))
        org = rng.choice(organisations).pk
        attrs = (rng.choice(sexes), rng.choice(ages), rng.choice(positions), "regular", "", "")
        responses.append(("282090", sid, wave.pk, org, "web", "2026-01-10", *attrs, "{}"))
        shift = shift_women if attrs[0] == "F" else 0.0
        for item in items:
            point = min(4, max(1, int(rng.random() * 4 + shift) + 1))
            answers.append(("282090", sid, wave.pk, org, item.code, 0, str(point), float(point), "", *attrs))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO surveys_response (member_id, submission_id, wave_id, organisation_id, channel, submitted_on,"
            " sex, age_band, position, employment, service_years, care, answers) VALUES"
            " (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            responses,
        )
        cursor.executemany(
            "INSERT INTO surveys_responseanswer (member_id, submission_id, wave_id, organisation_id, item_code, seq,"
            " choice_code, value, text, sex, age_band, position, employment, service_years, care) VALUES"
            " (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            answers,
        )
    return wave


@runner.benchmark("results_overview")
def bench_results_overview() -> None:
    import pandas as pd

    from shokuba.analysis import gaps
    from shokuba.analysis.suppression import Decision
    from shokuba.network.models import User
    from shokuba.results import analyses, selectors
    from shokuba.results.permissions import results_scope
    from shokuba.surveys.models import ResponseAnswer

    wave = _big_wave()
    scope = results_scope(User.objects.get(username="toyooka"), wave)  # type: ignore[arg-type]
    items = [i for i in selectors.wave_items(wave) if i.kind == "scale"]  # type: ignore[arg-type]

    frame = pd.DataFrame.from_records(
        ResponseAnswer.objects.filter(member_id="282090", wave_id=wave.pk).values_list(  # type: ignore[attr-defined]
            "item_code", "choice_code", "sex"
        ),
        columns=["item_code", "choice_code", "sex"],
    )

    def ours() -> None:
        # A fresh scope per run: nothing cached between runs, as for a request.
        analyses.overview(results_scope(User.objects.get(username="toyooka"), wave), "sex")  # type: ignore[arg-type]

    def pandas_reference() -> None:
        counts = frame[frame["sex"].isin(["F", "M"])].groupby(["sex", "item_code", "choice_code"]).size()
        pairs = []
        for item in items:
            vectors = []
            for sex in ("F", "M"):
                vectors.append(tuple(int(counts.get((sex, item.code, c.code), 0)) for c in item.categories))
            pairs.append(gaps.ScaleItemPair(item.code, item.text, vectors[0], vectors[1], item.top_box))
        shown = Decision(True, "", len(frame), scope.threshold)
        gaps.gap_analysis(pairs, "女性", "男性", shown, shown)

    value = runner.timed(ours, repeat=3)
    reference = runner.timed(pandas_reference, repeat=3)
    runner.report(
        "results_overview",
        value * 1000,
        "ms",
        reference * 1000,
        f"pandas groupby on {len(frame):,} rows in memory + the same gap engine"
        f" ({RESPONSES:,} responses, {len(items)} items)",
    )
