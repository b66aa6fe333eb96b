"""The submission's storage statement writes every answer row exactly as given (PostgreSQL reads the rows back
from one JSON parameter; SQLite inserts them one by one)."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from shokuba.surveys import storage
from shokuba.surveys.answers import AnswerRow
from shokuba.surveys.models import Response, ResponseAnswer, Wave, WaveLink

pytestmark = pytest.mark.django_db

AWKWARD_TEXTS = [
    'quote " and backslash \\ and slash /',
    "改行\nのある\t回答",
    "絵文字 😀 と サロゲート外の文字 𠮷",
    "",
    '{"looks": ["like", "json"]}',
]


def test_every_answer_row_is_stored_as_given(wave: Wave, link: WaveLink) -> None:
    rows = [AnswerRow(f"T{i}", i, choice_code=f"c{i}", text=text) for i, text in enumerate(AWKWARD_TEXTS)]
    rows += [
        AnswerRow("N1", 0, value=0.1 + 0.2),
        AnswerRow("N2", 0, value=-1234567.125),
        AnswerRow("N3", 0, value=None),
        AnswerRow("R", 1, choice_code="a"),
        AnswerRow("R", 2, choice_code="b"),
    ]
    submission_id = uuid.uuid4()
    stored = storage.response_store(
        member_id=wave.member_id,
        submission_id=submission_id,
        wave_id=wave.pk,
        organisation_id=link.organisation_id,
        channel="web",
        submitted_on=timezone.localdate(),
        attributes={"sex": "F", "age_band": "30"},
        answers={"T0": AWKWARD_TEXTS[0]},
        rows=rows,
        only_if_open=True,
    )

    assert stored is True
    written = {
        (a.item_code, a.seq): a
        for a in ResponseAnswer.objects.filter(member_id=wave.member_id, submission_id=submission_id)
    }
    assert set(written) == {(row.item_code, row.seq) for row in rows}
    for row in rows:
        answer = written[(row.item_code, row.seq)]
        assert (answer.choice_code, answer.value, answer.text) == (row.choice_code, row.value, row.text)
        assert (answer.wave_id, answer.organisation_id, answer.sex, answer.age_band, answer.position) == (
            wave.pk,
            link.organisation_id,
            "F",
            "30",
            "",
        )
    assert Response.objects.get(member_id=wave.member_id, submission_id=submission_id).answers == {
        "T0": AWKWARD_TEXTS[0]
    }


def test_a_closed_wave_stores_nothing(wave: Wave, link: WaveLink) -> None:
    Wave.objects.filter(pk=wave.pk).update(status="closed")
    submission_id = uuid.uuid4()
    stored = storage.response_store(
        member_id=wave.member_id,
        submission_id=submission_id,
        wave_id=wave.pk,
        organisation_id=link.organisation_id,
        channel="web",
        submitted_on=timezone.localdate(),
        attributes={},
        answers={"X": "1"},
        rows=[AnswerRow("X", 0, choice_code="1")],
        only_if_open=True,
    )

    assert stored is False
    assert not Response.objects.filter(submission_id=submission_id).exists()
    assert not ResponseAnswer.objects.filter(submission_id=submission_id).exists()
