"""The results pages' rows of the project's permission matrix (tests/test_permission_matrix.py).

The matrix World's survey wave (豊岡市, links for the org admin's organisation and a spare one) gets six
responses on first use, so every page and download has something to show. A prefecture's coordinator oversees
the network's municipalities inside the prefecture: 宮城県 sees 気仙沼市's results, not 豊岡市's.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from shokuba.surveys.tests.matrix import survey_world


def _wave(world: Any) -> int:
    """A closed wave of the matrix's questionnaire with six answers (results are open to every role once a wave is
    closed); the survey world's own wave stays open for the answering pages."""
    found = getattr(world, "_results_wave", None)
    if found is None:
        from django.utils import timezone

        from shokuba.results.tests.conftest import submit
        from shokuba.surveys import services

        surveys = survey_world(world)
        coordinator = world.users["coord"]
        today = timezone.localdate()
        wave = services.wave_create(
            actor=coordinator,
            version=surveys.wave.version,
            name="マトリクス調査（集計）",
            fiscal_year=2026,
            opens_on=today,
            closes_on=today,
            organisations=[world.organisation, world.spare],
        )
        wave = services.wave_open(actor=coordinator, wave=wave)
        rng = random.Random(3)
        link = wave.links.get(organisation=world.organisation)
        for i in range(6):
            submit(link, rng, sex="FM"[i % 2], age_band="30", position="staff")
        services.wave_close(actor=coordinator, wave=wave)  # results open to every role once closed
        found = world._results_wave = wave.pk
    return int(found)


def _kesennuma_wave(world: Any) -> int:
    found = getattr(world, "_results_kesennuma", None)
    if found is None:
        from django.utils import timezone

        from shokuba.surveys import services

        coordinator = world.users["other"]
        questionnaire = services.questionnaire_create_from_template(
            actor=coordinator, member=world.kesennuma, template_code="workplace"
        )
        version = services.questionnaire_publish(actor=coordinator, version=questionnaire.versions.get())
        today = timezone.localdate()
        wave = services.wave_create(
            actor=coordinator,
            version=version,
            name="気仙沼の調査",
            fiscal_year=2026,
            opens_on=today,
            closes_on=today,
            organisations=[world.foreign],
        )
        type(wave).objects.filter(pk=wave.pk).update(status="closed")
        found = world._results_kesennuma = wave.pk
    return int(found)


def results_cases(case: Callable[..., Any], expect: Callable[..., dict[str, int]]) -> list[Any]:
    read = {"sec": 200, "sup": 200, "coord": 200, "org": 200}
    base = "/surveys/waves/{}/results/"
    return [
        case("results:overview", "GET", lambda w: base.format(_wave(w)), expect(404, **read)),
        case(
            "results:overview",
            "GET",
            lambda w: base.format(_kesennuma_wave(w)),
            expect(404, sec=200, sup=200, pref=200, other=200),
            label="kesennuma",
        ),
        case("results:items", "GET", lambda w: base.format(_wave(w)) + "items/", expect(404, **read)),
        case(
            "results:crosstab",
            "GET",
            lambda w: base.format(_wave(w)) + "crosstab/?item=WS-Z01&by=sex",
            expect(404, **read),
        ),
        case("results:change", "GET", lambda w: base.format(_wave(w)) + "change/", expect(404, **read)),
        case(
            "results:free_text",
            "GET",
            lambda w: base.format(_wave(w)) + "free-text/",
            expect(404, sec=200, sup=200, coord=200, org=403),
        ),
        case(
            "results:free_text",
            "GET",
            lambda w: base.format(_kesennuma_wave(w)) + "free-text/",
            expect(404, sec=200, sup=200, pref=403, other=200),
            label="kesennuma",
        ),
        case(
            "results:download",
            "GET",
            lambda w: base.format(_wave(w)) + "items/dist-WS-QA.csv",
            expect(404, **read),
            label="csv",
        ),
        case(
            "results:download",
            "GET",
            lambda w: base.format(_wave(w)) + "items/dist-WS-QA.xlsx",
            expect(404, **read),
            label="xlsx",
        ),
    ]
