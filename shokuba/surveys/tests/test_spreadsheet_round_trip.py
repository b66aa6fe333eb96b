"""Issue 12 case 7: a survey export opened and saved in a spreadsheet imports back with the same responses.

Two kinds of proof: the real thing (LibreOffice, headless, opening the platform's own export and saving it as
.xlsx or .csv, with and without 「特殊な数値を検出」, which turns 「60+」 into 60 and 「3-9」 into 9 March), and
fixture files built by `fixtures/spreadsheet_saved/build.py` that mimic what Excel does to a CSV it opens
(numbers for code-looking text, 「3月9日」 for month-days, CP932 on saving), which no test machine can run.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from shokuba.network.models import Organisation, User
from shokuba.surveys import services
from shokuba.surveys.models import Response, Wave
from shokuba.surveys.tests.conftest import logged_in
from shokuba.surveys.tests.fixtures.spreadsheet_saved import build
from tests import libreoffice

FIXTURES = Path(build.__file__).resolve().parent


def _wave(coordinator: User, organisation: Organisation, name: str, version: Any = None) -> Wave:
    if version is None:
        questionnaire = services.questionnaire_create_from_template(
            actor=coordinator, member=coordinator.member, template_code="workplace"
        )
        draft = services.draft_definition_save(
            actor=coordinator, version=questionnaire.versions.get(), definition=build.DEFINITION
        )
        version = services.questionnaire_publish(actor=coordinator, version=draft)
    today = timezone.localdate()
    wave = services.wave_create(
        actor=coordinator,
        version=version,
        name=name,
        fiscal_year=2026,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=5),
        organisations=[organisation],
    )
    return services.wave_open(actor=coordinator, wave=wave)


@pytest.fixture
def answered(coordinator: User, organisation: Organisation) -> Wave:
    """A wave whose 30 responses came through the answering link, covering every attribute code."""
    wave = _wave(coordinator, organisation, "回答を集めた回")
    link = wave.links.get()
    for attributes, answers in build.responses():
        services.response_submit(link=link, submission_id=_uuid(), answers=answers, attributes=attributes)
    return wave


def _uuid() -> Any:
    import uuid

    return uuid.uuid4()


def _contents(wave: Wave) -> Counter[str]:
    fields = ("sex", "age_band", "position", "employment", "service_years", "care")
    return Counter(
        json.dumps([r.answers, [getattr(r, f) for f in fields], r.organisation_id], sort_keys=True, ensure_ascii=False)
        for r in Response.objects.filter(wave=wave)
    )


def _column(path: Path, header: str) -> set[Any]:
    """The values of one column of a saved file, as the tabular reader reads them."""
    from shokuba.tabular import open_workbook

    rows = [row.cells for row in open_workbook(path.read_bytes(), path.name).sheet().rows()]
    index = rows[0].index(header)
    return {row[index] for row in rows[1:]}


def _import(coordinator: User, wave: Wave, data: bytes, name: str) -> int:
    record = services.responses_import(actor=coordinator, wave=wave, uploaded_file=SimpleUploadedFile(name, data))
    return record.rows


# --- the fixtures: what Excel does -----------------------------------------------------------------------------


def test_the_committed_fixtures_are_what_the_script_builds() -> None:
    built = build.build()
    for name in ("export.csv", "excel_saved.cp932.csv"):
        assert (FIXTURES / name).read_bytes() == built[name], f"rebuild {name}: python -m {build.__name__}"

    def cells(data: bytes) -> list[list[Any]]:
        return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()

    assert cells((FIXTURES / "excel_saved.xlsx").read_bytes()) == cells(built["excel_saved.xlsx"])


def test_the_excel_fixtures_really_hold_what_excel_makes_of_codes() -> None:
    text = (FIXTURES / "excel_saved.cp932.csv").read_bytes().decode("cp932")
    assert ",60," in text and ",60+," not in text  # 「60+」 became 60
    assert "3月9日" in text and "10月19日" in text  # 「3-9」 and 「10-19」 became dates
    assert ",4," in text and ",04," not in text  # 「04」 became 4
    rows = CalamineWorkbook.from_filelike(io.BytesIO((FIXTURES / "excel_saved.xlsx").read_bytes()))
    values = {v for row in rows.get_sheet_by_index(0).to_python()[1:] for v in row}
    assert 60.0 in values and 4.0 in values and dt.date(2026, 3, 9) in values


def test_an_export_saved_by_excel_imports_with_the_same_responses(
    coordinator: User, organisation: Organisation
) -> None:
    original = _wave(coordinator, organisation, "書き出したままのファイル")
    assert _import(coordinator, original, (FIXTURES / "export.csv").read_bytes(), "export.csv") == 30
    expected = _contents(original)
    assert len(expected) == 30
    for name in ("excel_saved.cp932.csv", "excel_saved.xlsx"):
        other = _wave(coordinator, organisation, f"Excel で保存した {name}", original.version)
        assert _import(coordinator, other, (FIXTURES / name).read_bytes(), name) == 30, name
        assert _contents(other) == expected, name


# --- the real thing: LibreOffice -------------------------------------------------------------------------------

ROUND_TRIPS = [
    # (export format, query, save as, CSV opening options, CSV saving options)
    ("csv", "", "xlsx", libreoffice.csv_filter(special_numbers=True), None),
    ("csv", "", "csv", libreoffice.csv_filter(special_numbers=True), "44,34,76,1"),
    ("csv", "", "csv", libreoffice.csv_filter(special_numbers=False), "44,34,76,1"),
    ("csv", "?encoding=cp932", "csv", libreoffice.csv_filter(charset=libreoffice.SHIFT_JIS), "44,34,64,1"),
    ("xlsx", "", "xlsx", None, None),
    ("xlsx", "", "csv", None, "44,34,76,1"),
]


@pytest.mark.parametrize(
    ("fmt", "query", "saved_as", "infilter", "outfilter"),
    ROUND_TRIPS,
    ids=["csv→xlsx", "csv→csv", "csv→csv-plain-numbers", "cp932→cp932", "xlsx→xlsx", "xlsx→csv"],
)
def test_an_export_opened_and_saved_in_libreoffice_imports_back(
    coordinator: User,
    organisation: Organisation,
    answered: Wave,
    tmp_path: Path,
    fmt: str,
    query: str,
    saved_as: str,
    infilter: str | None,
    outfilter: str | None,
) -> None:
    libreoffice.soffice()  # skips loudly (fails under CI) without LibreOffice
    exported = logged_in(coordinator).get(reverse("surveys:wave_export", args=[answered.pk, fmt]) + query)
    assert exported.status_code == 200
    source = tmp_path / f"回答の書き出し.{fmt}"
    source.write_bytes(exported.content)
    saved = libreoffice.convert(source, saved_as, infilter=infilter, outfilter=outfilter)
    ages = _column(saved, "age_band")
    if fmt == "csv" and infilter and infilter.endswith("true"):  # LibreOffice really changed the codes
        assert "60+" not in ages and ("60" in ages or 60.0 in ages), ages
    other = _wave(coordinator, organisation, "保存し直したファイルの取込", answered.version)
    assert _import(coordinator, other, saved.read_bytes(), saved.name) == 30
    assert _contents(other) == _contents(answered)
