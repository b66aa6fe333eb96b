"""The effect-verification report: same data → same content; the XLSX carries the PDF's numbers; the public variant
leaves out what is internal; the PDF's text (pdftotext) shows the figures in Japanese; the job runs with progress."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.utils import translation
from openpyxl import load_workbook

from shokuba.core.charts import chart_svg
from shokuba.network.models import Organisation, User
from shokuba.plans import reports, services
from shokuba.plans.content import content_hash, report_content
from shokuba.plans.models import Kpi, Plan, ReportStatus
from shokuba.plans.tests.conftest import fill, follow_up_wave
from shokuba.plans.tests.pdf import HAVE_POPPLER, pdf_fonts, pdf_text
from shokuba.surveys.models import Wave

needs_poppler = pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils missing (scripts/install_poppler.sh)")


@pytest.fixture
def two_waves(wave: Wave, coordinator: User, organisation: Organisation, second_organisation: Organisation) -> Wave:
    fill(wave, seed=1)
    later = follow_up_wave(coordinator, wave.version, [organisation, second_organisation])
    fill(later, seed=2, women=35, men=35)
    return later


@pytest.fixture
def internal_kpi(coordinator: User, plan: Plan) -> Kpi:
    return services.kpi_save(
        actor=coordinator,
        plan=plan,
        name="内部の指標（非公表）",
        source="organisations",
        baseline_year=2026,
        target_value=10,
        target_year=2028,
        internal=True,
    )


@pytest.mark.django_db
def test_same_data_same_content_and_bytes(two_waves: Wave, plan: Plan, top_kpi: Kpi) -> None:
    first = report_content(plan, 2027, "internal")
    second = report_content(plan, 2027, "internal")
    assert first == second and content_hash(first) == content_hash(second)
    assert reports.report_pdf(first) == reports.report_pdf(second)
    assert [k["name"] for k in first["kpis"]] == [top_kpi.name]
    assert first["kpis"][0]["latest"]["source"] and first["sources"]


@pytest.mark.django_db
def test_public_variant_leaves_out_internal_items(two_waves: Wave, plan: Plan, top_kpi: Kpi, internal_kpi: Kpi) -> None:
    internal = report_content(plan, 2027, "internal")
    public = report_content(plan, 2027, "public")
    assert [k["name"] for k in internal["kpis"]] == [top_kpi.name, internal_kpi.name]
    assert [k["name"] for k in public["kpis"]] == [top_kpi.name]
    assert internal_kpi.name not in str(public)


@pytest.mark.django_db
def test_xlsx_carries_the_same_numbers_with_sources(two_waves: Wave, plan: Plan, top_kpi: Kpi) -> None:
    content = report_content(plan, 2027, "internal")
    book = load_workbook(io.BytesIO(reports.report_xlsx(content)), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header, first = rows[0], rows[1]
    kpi = content["kpis"][0]
    assert first[header.index("最新の値")] == kpi["latest"]["value"]
    assert first[header.index("変化の95%下限")] == kpi["change_low"]
    assert first[header.index("状況")] == kpi["status_label"]
    sources = {row[0]: row for row in book["出典"].iter_rows(min_row=2, values_only=True)}
    assert kpi["latest"]["source"] in sources
    assert two_waves.name in str(sources[kpi["latest"]["source"]])
    notes = {row[0]: row[1] for row in book["定義と注記"].iter_rows(min_row=2, values_only=True)}
    assert notes["内容のハッシュ（SHA-256）"] == content_hash(content)


@needs_poppler
@pytest.mark.django_db
def test_pdf_text_shows_the_figures_in_japanese(two_waves: Wave, plan: Plan, top_kpi: Kpi, tmp_path: Any) -> None:
    content = report_content(plan, 2027, "internal")
    path = tmp_path / "r.pdf"
    path.write_bytes(reports.report_pdf(content))
    text = pdf_text(path)
    kpi = content["kpis"][0]
    for expected in (
        "効果検証レポート",
        top_kpi.name,
        str(kpi["latest"]["value"]),
        kpi["status_label"],
        "出典一覧",
        content_hash(content),
    ):
        assert expected in text.replace("\n", ""), expected
    fonts = pdf_fonts(path)
    assert "IPAexGothic" in fonts and " yes " in fonts  # embedded


@pytest.mark.django_db
def test_the_job_builds_both_files(
    two_waves: Wave, plan: Plan, top_kpi: Kpi, coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    job = reports.report_job_request(actor=coordinator, plan=plan, fiscal_year=2027, variant="public")
    job.refresh_from_db()
    assert job.status == ReportStatus.SUCCEEDED and job.progress == 100
    pdf, xlsx = reports.report_file(job, "pdf"), reports.report_file(job, "xlsx")
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF")
    assert xlsx is not None and xlsx.read_bytes().startswith(b"PK")
    assert job.content_sha256 == content_hash(report_content(plan, 2027, "public"))


def test_trend_chart_ticks_read_as_fiscal_year_ends() -> None:
    """A yearly figure stands at its fiscal year's end (t = year + 1): the axis names that year, not the next."""
    kpi = {
        "name": "女性管理職比率",
        "unit": "%",
        "baseline": {"t": 2024.0, "value": 10.0},
        "points": [{"t": 2025.0, "value": 12.0, "low": None, "high": None}],
        "target": 20.0,
        "target_year": 2026,
    }
    with translation.override("ja"):
        svg = chart_svg(reports.trend_spec([kpi]))
    labels = set(re.findall(r">(\d{4}年度末)<", svg))
    assert labels == {"2023年度末", "2024年度末", "2025年度末", "2026年度末"}
    assert not re.search(r">20\d\d<", svg)  # no bare calendar-year tick
