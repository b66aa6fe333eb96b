"""The pages: the member page 人口移動, the network ranking, imports with their bad files, exports, charts."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from shokuba.regional.models import AgeSexFigures, ImportJob, OutcomeIndicator, StatisticsImport
from shokuba.regional.tests.samples import import_small, migration_csv, migration_xlsx

pytestmark = pytest.mark.django_db


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def statistics(db: Any) -> None:
    import_small(2023, shift=-1)
    import_small(2024)


def test_anonymous_users_are_sent_to_login(db: Any) -> None:
    response = Client().get(reverse("regional:area", args=["282090"]))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("role", ["secretariat", "support", "coordinator", "other_coordinator", "org_admin"])
def test_every_role_reads_any_area(role: str, request: pytest.FixtureRequest, statistics: None) -> None:
    user = request.getfixturevalue(role)
    response = logged_in(user).get(reverse("regional:area", args=["282090"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "豊岡市の人口移動" in body and "若者回復率" in body and "net-by-age-spec" in body
    assert "vendor/vega/vega-embed.min.js" in body
    # outcomes are the programme's: its coordinator and the secretariat choose them
    assert ("成果指標を追加・変更する" in body) == (role in ("secretariat", "coordinator"))


def test_the_area_page_shows_the_recovery_rates_and_peers(coordinator: Any, statistics: None) -> None:
    response = logged_in(coordinator).get(reverse("regional:area", args=["282090"]), {"year": 2024, "peers": "01202"})
    body = response.content.decode()
    # Toyooka 2024: women (6 - 4) / (1 + 40) = 4.9 %, men (12 + 9) / (1 + 36) = 56.8 %
    assert "4.9" in body and "56.8" in body
    assert "兵庫県" in body and "北海道函館市" in body and "全国" in body


def test_a_bad_query_is_a_400(coordinator: Any, statistics: None) -> None:
    client = logged_in(coordinator)
    assert client.get(reverse("regional:area", args=["282090"]), {"year": 1900}).status_code == 400
    assert client.get(reverse("regional:area", args=["282090"]), {"peers": "12345678"}).status_code == 400
    assert client.get(reverse("regional:area", args=["999999"])).status_code == 404


def test_the_network_ranking_is_for_the_secretariat_and_support(
    secretariat: Any, support: Any, coordinator: Any, org_admin: Any, statistics: None
) -> None:
    assert logged_in(secretariat).get(reverse("regional:network")).status_code == 200
    assert logged_in(support).get(reverse("regional:network"), {"sex": "gap", "window": 1}).status_code == 200
    assert logged_in(coordinator).get(reverse("regional:network")).status_code == 403
    assert logged_in(org_admin).get(reverse("regional:network")).status_code == 403
    assert logged_in(secretariat).get(reverse("regional:network"), {"window": 2}).status_code == 400
    response = logged_in(secretariat).get(reverse("regional:network"), {"format": "csv"})
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("団体コード,団体名,種別,若者回復率")
    assert "兵庫県豊岡市" in text and len(text.splitlines()) == 69


def test_exports_parse(coordinator: Any, statistics: None) -> None:
    client = logged_in(coordinator)
    response = client.get(reverse("regional:area_export", args=["282090", "indicators", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("団体コード", "団体名", "年", "指標")
    recovery = next(r for r in rows if r[2] == "2024年" and r[3] == "若者回復率")
    assert recovery[5] == pytest.approx(100 * 2 / 41, abs=0.001)
    peers = client.get(reverse("regional:area_export", args=["282090", "peers", "csv"]), {"encoding": "cp932"})
    assert peers.content.decode("cp932").startswith("比較先,若者回復率")
    chart = client.get(reverse("regional:area_chart", args=["282090", "net-by-age", "csv"]))
    assert chart.content.decode("utf-8-sig").splitlines()[4].startswith("15～19歳,-40,-36")


def test_chart_images_are_png_and_svg(coordinator: Any, statistics: None) -> None:
    client = logged_in(coordinator)
    png = client.get(reverse("regional:area_chart", args=["282090", "net-by-age", "png"]))
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    svg = client.get(reverse("regional:area_chart", args=["282090", "trend", "svg"]))
    assert svg.content.startswith(b"<svg") and "若者回復率" in svg.content.decode()


def test_imports_page_for_the_secretariat_and_coordinators(
    secretariat: Any, support: Any, coordinator: Any, org_admin: Any
) -> None:
    body = logged_in(secretariat).get(reverse("regional:imports")).content.decode()
    assert "ファイルから取り込む" in body and "e-Stat API から取り込む" in body
    body = logged_in(support).get(reverse("regional:imports")).content.decode()
    assert "ファイルから取り込む" not in body  # support reads the history only
    body = logged_in(coordinator).get(reverse("regional:imports")).content.decode()
    assert "ファイルから取り込む" in body and "兵庫県豊岡市 の数値です" in body
    assert "e-Stat API から取り込む" not in body  # the API imports the national table: the secretariat's
    assert logged_in(org_admin).get(reverse("regional:imports")).status_code == 403
    api = {"source": "api", "stats_data_id": "0003419945", "year": 2024}
    assert logged_in(coordinator).post(reverse("regional:imports"), api).status_code == 403
    upload = SimpleUploadedFile("b01103s.csv", migration_csv(), content_type="text/csv")
    response = logged_in(support).post(reverse("regional:imports"), {"source": "file", "year": 2024, "file": upload})
    assert response.status_code == 403 and not StatisticsImport.objects.exists()
    upload = SimpleUploadedFile("b01103s.csv", migration_csv(), content_type="text/csv")
    response = logged_in(coordinator).post(
        reverse("regional:imports"), {"source": "file", "year": 2024, "file": upload}
    )
    assert response.status_code == 302
    assert set(AgeSexFigures.objects.values_list("area_code", flat=True)) == {"282090"}


def test_an_upload_runs_as_a_job_and_imports(secretariat: Any) -> None:
    upload = SimpleUploadedFile("b01103s.xlsx", migration_xlsx(), content_type="application/octet-stream")
    response = logged_in(secretariat).post(
        reverse("regional:imports"), {"source": "file", "table": "11-3", "year": 2024, "file": upload}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("regional:job", args=[job.pk])
    assert job.status == "succeeded" and job.progress == 100 and job.statistics_import is not None
    page = logged_in(secretariat).get(response["Location"]).content.decode()
    assert "完了" in page and "100%" in page


def test_a_bad_upload_is_a_400_naming_the_problem_and_changes_nothing(secretariat: Any) -> None:
    client = logged_in(secretariat)
    upload = SimpleUploadedFile("b01101s.xlsx", migration_xlsx(table="11-1"))
    response = client.post(
        reverse("regional:imports"), {"source": "file", "table": "11-3", "year": 2024, "file": upload}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "表11-1" in body and "b01101s.xlsx" in body and "1行目" in body
    assert not AgeSexFigures.objects.exists() and not StatisticsImport.objects.exists()
    exe = SimpleUploadedFile("b01103s.pdf", b"MZ\x90\x00")
    response = client.post(reverse("regional:imports"), {"source": "file", "table": "11-3", "year": 2024, "file": exe})
    assert response.status_code == 400 and not ImportJob.objects.filter(status="succeeded").exists()


def test_a_year_already_imported_asks_to_confirm_the_replacement(secretariat: Any, statistics: None) -> None:
    client = logged_in(secretariat)
    upload = SimpleUploadedFile("b01103s.csv", migration_csv(shift=5))
    response = client.post(
        reverse("regional:imports"), {"source": "file", "table": "11-3", "year": 2024, "file": upload}
    )
    assert response.status_code == 400 and "取り込み済み" in response.content.decode()
    upload = SimpleUploadedFile("b01103s.csv", migration_csv(shift=5))
    data = {"source": "file", "table": "11-3", "year": 2024, "file": upload, "replace": "on"}
    assert client.post(reverse("regional:imports"), data).status_code == 302
    assert AgeSexFigures.objects.get(table="11-3", year=2024, area_code="282090", sex="F").age_15 == -35


def test_outcomes_are_added_and_removed_by_the_coordinator(
    coordinator: Any, other_coordinator: Any, statistics: None
) -> None:
    client = logged_in(coordinator)
    url = reverse("regional:outcome_add", args=["282090"])
    data = {"indicator": "recovery_rate", "sex": "F", "baseline_year": 2023, "window_years": 1}
    assert logged_in(other_coordinator).post(url, data).status_code == 403
    assert client.post(url, {**data, "baseline_year": 2019}).status_code == 400
    assert client.post(url, data).status_code == 302
    outcome = OutcomeIndicator.objects.get()
    body = client.get(reverse("regional:area", args=["282090"])).content.decode()
    assert "基準年の値" in body and "改善" in body  # 2023 -> 2024 went up
    remove = reverse("regional:outcome_remove", args=["282090", outcome.pk])
    assert client.post(remove).status_code == 302 and not OutcomeIndicator.objects.exists()


def test_the_api_serves_indicators_per_area_and_year(org_admin: Any, statistics: None) -> None:
    client = logged_in(org_admin)
    response = client.get("/api/v1/regional/areas/28209/indicators", {"year": 2024})
    assert response.status_code == 200
    data = response.json()
    assert data["code"] == "282090" and data["synthetic"] is False
    recovery = next(i for i in data["years"][0]["indicators"] if i["indicator"] == "recovery_rate")
    assert recovery["female"] == pytest.approx(100 * 2 / 41) and recovery["male"] == pytest.approx(100 * 21 / 37)
    assert recovery["gap"] == pytest.approx(100 * 2 / 41 - 100 * 21 / 37)
    ages = client.get("/api/v1/regional/areas/282090/net-by-age", {"year": 2024}).json()
    assert {"age_group": "15～19歳", "lower": 15, "sex": "F", "net": -40.0, "rate_per_thousand": -40.0} in ages[
        "groups"
    ]
    every = client.get("/api/v1/regional/indicators", {"year": 2024, "kind": "prefecture"}).json()
    assert {row["code"] for row in every} == {"010006", "130001", "280003"}
    assert client.get("/api/v1/regional/areas/28209/indicators", {"window": 2}).status_code == 422
    assert client.get("/api/v1/regional/areas/99999/indicators").status_code == 404
    assert Client().get("/api/v1/regional/areas/28209/indicators").status_code == 401


def test_an_upload_onto_a_full_disk_is_refused_clearly_and_changes_nothing(
    settings: Any, tmp_path: Any, secretariat: Any
) -> None:
    """Issue #17's fault tests: the private files' disk is full (a real tmpfs filled to its last byte) when the
    upload is kept for the worker: a 400 naming the file, no job, no file left."""
    from shokuba.regional.services import import_files_dir
    from tests.full_disk import files_in, fill, small_filesystem

    with small_filesystem(tmp_path / "private") as private:
        settings.PRIVATE_FILES_DIR = private
        import_files_dir()  # the folder a running site already has
        fill(private)
        upload = SimpleUploadedFile("b01103s.xlsx", migration_xlsx(), content_type="application/octet-stream")
        response = logged_in(secretariat).post(
            reverse("regional:imports"), {"source": "file", "table": "11-3", "year": 2024, "file": upload}
        )
        assert response.status_code == 400
        assert (
            "保存先のディスクに空きがないため、ファイル「b01103s.xlsx」を受け付けられませんでした。"
            "何も取り込んでいません。管理者に連絡してください。"
        ) in response.content.decode()
        assert files_in(private) == []
    assert not ImportJob.objects.exists() and not StatisticsImport.objects.exists()
