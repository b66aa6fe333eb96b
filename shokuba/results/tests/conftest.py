"""Results fixtures: the survey fixtures (a workplace wave with two organisations' links) and responses stored
through the real service (validation, typed rows), deterministic per seed."""

from __future__ import annotations

import random
import uuid
from typing import Any

import pytest

from shokuba.surveys import services
from shokuba.surveys.answers import raw_from_form
from shokuba.surveys.models import Wave, WaveLink, WaveStatus
from shokuba.surveys.tests.conftest import (  # noqa: F401 - fixtures re-exported for this package
    _clean_rate_limits,
    link,
    published,
    questionnaire,
    second_organisation,
    wave,
)

SCALE_ITEMS = {
    "WS-QA": ["WS-A01", "WS-A02", "WS-A03", "WS-A04", "WS-A05", "WS-A06"],
    "WS-QB": ["WS-B01", "WS-B02", "WS-B03", "WS-B04", "WS-B05", "WS-B06"],
    "WS-QC": ["WS-C01", "WS-C02", "WS-C03", "WS-C04", "WS-C05", "WS-C06"],
    "WS-QD": ["WS-D01", "WS-D02", "WS-D03", "WS-D04", "WS-D05"],
    "WS-QE": ["WS-E01", "WS-E02", "WS-E03", "WS-E04", "WS-E05", "WS-E06"],
}
TEXTS = [
    "会議が短くなった。",
    "休暇を取りやすい上司です。",
    "テレワークを増やしてほしい。",
    "評価の基準を説明してほしい。",
]


def submit(answer_link: WaveLink, rng: random.Random, **attributes: str) -> None:
    """One random but valid response through response_submit (women answer WS-Z01 a little lower)."""
    data: dict[str, Any] = {}
    for theme, codes in SCALE_ITEMS.items():
        for code in codes:
            data[f"q.{theme}.{code}"] = rng.choice(["1", "2", "3", "4", "dk"])
    women = attributes.get("sex") == "F"
    data["q.WS-Z01"] = rng.choice(["3", "4", "4", "2"] if women else ["1", "1", "2", "1"])
    data["q.WS-Z02"] = rng.choice(["1", "2", "3", "4"])
    if rng.random() < 0.7:
        data["q.WS-FREE"] = rng.choice(TEXTS)
    for key, value in attributes.items():
        data[f"a.{key}"] = value
    definition = services.definition_of(answer_link.wave.version)
    answers, attrs = raw_from_form(definition, {k: [v] for k, v in data.items()})
    services.response_submit(
        link=answer_link, submission_id=uuid.UUID(int=rng.getrandbits(128)), answers=answers, attributes=attrs
    )


def fill(
    target: Wave, seed: int = 1, *, women: int = 30, men: int = 30, other: int = 0, second: int = 12, close: bool = True
) -> None:
    """Responses for a wave: `women`/`men`/`other` (sex X) at the first link, `second` at the other link; then the
    wave is closed (results are open to every role only once a wave is closed)."""
    rng = random.Random(seed)
    first = target.links.get(organisation__name="株式会社テスト精工")
    rest = [lk for lk in target.links.exclude(pk=first.pk)]
    ages = ["-29", "30", "40", "50", "60+"]
    positions = ["staff", "chief", "manager"]
    for i in range(women):
        submit(first, rng, sex="F", age_band=ages[i % 5], position=positions[i % 3])
    for i in range(men):
        submit(first, rng, sex="M", age_band=ages[(i + 2) % 5], position=positions[(i + 1) % 3])
    for _ in range(other):
        submit(first, rng, sex="X", age_band="30", position="staff")
    for i in range(second):
        submit(rest[0] if rest else first, rng, sex=["F", "M"][i % 2], age_band=ages[i % 5], position="staff")
    if close:
        Wave.objects.filter(pk=target.pk).update(status=WaveStatus.CLOSED)
        target.refresh_from_db()


@pytest.fixture
def filled_wave(wave: Wave) -> Wave:  # noqa: F811 - the surveys fixture
    fill(wave)
    return wave
