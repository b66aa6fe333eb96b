"""The synchronous export of a wave's raw responses: layout, codebook, encodings, formula neutralising, roles."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shokuba.surveys import exports, services
from shokuba.surveys.answers import raw_from_form
from shokuba.surveys.models import WaveLink
from shokuba.surveys.tests.conftest import logged_in
from shokuba.surveys.tests.samples import workplace_form

pytestmark = pytest.mark.django_db


def answer(link: WaveLink, **overrides: str) -> None:
    definition = services.definition_of(link.wave.version)
    answers, attributes = raw_from_form(definition, {k: [v] for k, v in workplace_form(**overrides).items()})
    services.response_submit(link=link, submission_id=uuid.uuid4(), answers=answers, attributes=attributes)


def test_xlsx_has_one_row_per_response_codes_and_a_codebook(coordinator: Any, link: WaveLink) -> None:
    answer(link)
    answer(link, **{"q.WS-FREE": '=HYPERLINK("http://evil")', "a.sex": "M"})
    response = logged_in(coordinator).get(reverse("surveys:wave_export", args=[link.wave_id, "xlsx"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["回答", "コードブック"]
    sheet = book["回答"]
    rows = list(sheet.iter_rows(values_only=True))
    head = list(rows[0])
    assert head[:4] == ["回答ID", "回答日", "企業・団体", "経路"]
    assert head[4:7] == ["sex", "age_band", "position"]
    assert "WS-A01" in head and "WS-Z01" in head and "WS-FREE" in head
    assert len(rows) == 3
    by_name = [dict(zip(head, row, strict=True)) for row in rows[1:]]
    assert {r["sex"] for r in by_name} == {"F", "M"}
    assert all(r["企業・団体"] == "株式会社テスト精工" and r["WS-Z01"] == 2 and r["WS-A05"] == "dk" for r in by_name)
    free = {r["WS-FREE"] for r in by_name}
    assert '\'=HYPERLINK("http://evil")' in free  # neutralised: Excel shows text, runs nothing
    codebook = list(book["コードブック"].iter_rows(values_only=True))
    assert codebook[0] == ("列", "項目コード", "質問・項目の文言", "種類", "選択肢（コード=文言）", "尺度")
    wz = next(r for r in codebook if r[0] == "WS-Z01")
    assert "1=そう思う" in wz[5]


def test_multiple_choice_is_one_column_per_option_and_ranking_one_per_rank(coordinator: Any, toyooka: Any) -> None:
    from django.utils import timezone

    questionnaire = services.questionnaire_create_from_template(
        actor=coordinator, member=toyooka, template_code="resident"
    )
    version = services.questionnaire_publish(actor=coordinator, version=questionnaire.versions.get())
    today = timezone.localdate()
    wave = services.wave_create(
        actor=coordinator,
        version=version,
        name="住民",
        fiscal_year=2026,
        opens_on=today,
        closes_on=today,
        public_link=True,
    )
    wave = services.wave_open(actor=coordinator, wave=wave)
    services.response_submit(
        link=wave.links.get(),
        submission_id=uuid.uuid4(),
        answers={"RS-01": "3", "RS-02": ["04", "08"], "RS-03": "1", "RS-04": ["1", "5"], "RS-05": "2"},
        attributes={"sex": "F"},
    )
    definition = services.definition_of(version)
    head = exports.header(definition)
    (row,) = list(exports.rows(wave, definition))
    values = dict(zip(head, row, strict=True))
    assert [values[f"RS-04_{c}"] for c in "123456789"] == [1, 0, 0, 0, 1, 0, 0, 0, 0]
    assert [values[f"RS-02_{r}位"] for r in range(1, 6)] == ["04", "08", None, None, None]
    assert values["企業・団体"] == "" and values["sex"] == "F" and values["age_band"] is None


def test_csv_is_utf8_with_bom_or_cp932(coordinator: Any, link: WaveLink) -> None:
    answer(link)
    client = logged_in(coordinator)
    utf8 = client.get(reverse("surveys:wave_export", args=[link.wave_id, "csv"]))
    assert utf8.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(utf8.content.decode("utf-8-sig"))))
    assert table[0][0] == "回答ID" and len(table) == 2
    sjis = client.get(reverse("surveys:wave_export", args=[link.wave_id, "csv"]) + "?encoding=cp932")
    assert "Shift_JIS" in sjis["Content-Type"]
    assert sjis.content.decode("cp932").startswith("回答ID")


@pytest.mark.parametrize("role", ["support", "org_admin"])
def test_raw_responses_are_not_for_support_or_organisations(
    request: pytest.FixtureRequest, role: str, link: WaveLink
) -> None:
    response = logged_in(request.getfixturevalue(role)).get(reverse("surveys:wave_export", args=[link.wave_id, "csv"]))
    assert response.status_code == 403


def test_a_large_wave_is_not_exported_synchronously(
    monkeypatch: pytest.MonkeyPatch, coordinator: Any, link: WaveLink
) -> None:
    monkeypatch.setattr(exports, "SYNC_EXPORT_MAX", 1)
    answer(link)
    answer(link)
    response = logged_in(coordinator).get(reverse("surveys:wave_export", args=[link.wave_id, "xlsx"]), follow=True)
    assert "上限" in response.content.decode()
