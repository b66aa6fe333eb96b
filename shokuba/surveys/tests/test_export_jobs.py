"""Background exports of raw responses: the same file as the synchronous export (the reference), streamed from the
database, with a job record, a permission-checked download, clean failures and clean-up of old files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shokuba.api.tests.helpers import Api
from shokuba.core import exports as core_exports
from shokuba.core.models import AuditEntry
from shokuba.surveys import export_jobs, exports, services
from shokuba.surveys.answers import raw_from_form
from shokuba.surveys.models import ExportJob, ExportJobStatus, Response, Wave, WaveLink
from shokuba.surveys.tests.conftest import logged_in
from shokuba.surveys.tests.samples import EVERY_TYPE, every_type_answers, workplace_form

pytestmark = pytest.mark.django_db


def answer(link: WaveLink, **overrides: str) -> None:
    definition = services.definition_of(link.wave.version)
    answers, attributes = raw_from_form(definition, {k: [v] for k, v in workplace_form(**overrides).items()})
    services.response_submit(link=link, submission_id=uuid.uuid4(), answers=answers, attributes=attributes)


def run(actor: Any, wave: Wave, file_format: str) -> ExportJob:
    """Request an export; the test settings' immediate task backend runs it at once."""
    job = export_jobs.export_job_request(actor=actor, wave=wave, file_format=file_format)
    job.refresh_from_db()
    return job


def file_of(job: ExportJob) -> bytes:
    path = export_jobs.export_file(job)
    assert path is not None, job.message
    return path.read_bytes()


def sync_download(user: Any, wave: Wave, fmt: str, query: str = "") -> bytes:
    response = logged_in(user).get(reverse("surveys:wave_export", args=[wave.pk, fmt]) + query)
    assert response.status_code == 200
    return response.content


@pytest.fixture
def every_type_wave(coordinator: Any, toyooka: Any) -> Wave:
    """A public-link wave of a questionnaire with every question type, answered five different ways."""
    questionnaire = services.questionnaire_create_from_template(
        actor=coordinator, member=toyooka, template_code="workplace"
    )
    draft = services.draft_definition_save(
        actor=coordinator, version=questionnaire.versions.get(), definition=EVERY_TYPE
    )
    version = services.questionnaire_publish(actor=coordinator, version=draft)
    today = timezone.localdate()
    wave = services.wave_create(
        actor=coordinator,
        version=version,
        name="全種類=テスト",
        fiscal_year=2026,
        opens_on=today,
        closes_on=today,
        public_link=True,
    )
    wave = services.wave_open(actor=coordinator, wave=wave)
    link = wave.links.get()
    for overrides, attributes in [
        ({}, {"sex": "F", "age_band": "30"}),
        ({"M1": None, "T1": "=1+1", "T2": "-1 @いいえ", "N1": "0"}, {"sex": "M"}),
        ({"M1": ["9"], "R1": ["10"], "N1": "250.75", "T1": "+81 90", "L1": "dk"}, {}),
        (
            {"S1": "2", "C1": None, "X1": {"X1-a": "4", "X1-b": "3"}, "N2": "7", "T2": '改行\r\nと,カンマと"引用"'},
            {"sex": "X"},
        ),
        ({"T1": "丸数字①と髙と𠮷", "R1": ["02", "03"]}, {"age_band": "-29"}),
    ]:
        services.response_submit(
            link=link, submission_id=uuid.uuid4(), answers=every_type_answers(**overrides), attributes=attributes
        )
    return wave


# --- the file equals the synchronous export ------------------------------------------------------------------


def test_csv_equals_the_synchronous_export_and_neutralises_formulas(coordinator: Any, link: WaveLink) -> None:
    answer(link)
    answer(link, **{"q.WS-FREE": '=HYPERLINK("http://evil")', "a.sex": "M"})
    job = run(coordinator, link.wave, "csv")
    assert job.status == ExportJobStatus.SUCCEEDED, job.message
    data = file_of(job)
    assert data == sync_download(coordinator, link.wave, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert '\'=HYPERLINK("http://evil")' in {row[table[0].index("WS-FREE")] for row in table[1:]}


@pytest.mark.parametrize("fmt", ["csv", "csv_cp932"])
def test_every_question_type_equals_the_synchronous_csv(coordinator: Any, every_type_wave: Wave, fmt: str) -> None:
    data = file_of(run(coordinator, every_type_wave, fmt))
    assert data == sync_download(coordinator, every_type_wave, "csv", "?encoding=cp932" if fmt == "csv_cp932" else "")
    text = data.decode("cp932" if fmt == "csv_cp932" else "utf-8-sig")
    head, *body = list(csv.reader(io.StringIO(text)))
    rows = [dict(zip(head, row, strict=True)) for row in body]
    assert {r["T1"] for r in rows} >= {"'=1+1", "'+81 90"}
    assert {r["M1_1"] for r in rows} == {"1", "0", ""}  # chosen, not chosen, question not answered
    assert {r["N1"] for r in rows} >= {"12.5", "0", "250.75"}
    if fmt == "csv_cp932":
        assert any("?" in r["T1"] for r in rows)  # 𠮷 is not in CP932: replaced, as the direct download does


def test_xlsx_equals_the_synchronous_export_with_its_codebook(coordinator: Any, every_type_wave: Wave) -> None:
    job = run(coordinator, every_type_wave, "xlsx")
    assert job.status == ExportJobStatus.SUCCEEDED, job.message
    ours = load_workbook(io.BytesIO(file_of(job)), read_only=True)
    reference = load_workbook(io.BytesIO(sync_download(coordinator, every_type_wave, "xlsx")), read_only=True)
    assert ours.sheetnames == reference.sheetnames == ["回答", "コードブック"]
    for name in ours.sheetnames:
        assert list(ours[name].iter_rows(values_only=True)) == list(reference[name].iter_rows(values_only=True))
    values = list(ours["回答"].iter_rows(values_only=True))
    assert len(values) == 6 and "'=1+1" in {row[values[0].index("T1")] for row in values[1:]}


# --- streaming -----------------------------------------------------------------------------------------------


class OneShot:
    """Rows that can be read once, one at a time, and have no length: a writer that tried to hold them all
    (list(), len(), a second pass) would fail."""

    def __init__(self, rows: list[list[Any]]) -> None:
        self._rows = iter(rows)
        self.taken = 0

    def __iter__(self) -> Iterator[list[Any]]:
        return self

    def __next__(self) -> list[Any]:
        row = next(self._rows)
        self.taken += 1
        return row

    def __len__(self) -> int:
        raise AssertionError("the writer asked for the number of rows")


def test_the_writers_consume_an_iterator_once_without_asking_its_length() -> None:
    rows = [[f"{i}", "=x", None] for i in range(3000)]
    for write in (core_exports.write_csv, core_exports.write_xlsx):
        source = OneShot(rows)
        out = io.BytesIO()
        assert write(out, ["a", "b", "c"], source) == 3000
        assert source.taken == 3000


def test_the_csv_rows_come_from_a_cursor_not_a_list(coordinator: Any, link: WaveLink) -> None:
    answer(link)
    header, records, text_columns = export_jobs.csv_rows(link.wave, services.definition_of(link.wave.version))
    assert isinstance(records, Iterator) and not isinstance(records, list | tuple)
    assert [header[i] for i in text_columns] == [
        "企業・団体",
        *services.definition_of(link.wave.version).attributes,
        "WS-FREE",
    ]
    with CaptureQueriesContext(connection) as queries:
        from django.db import transaction

        with transaction.atomic():
            assert len(list(records)) == 1
    if connection.vendor == "postgresql":
        # A server-side cursor inside the transaction: streamed, not first copied whole (WITH HOLD).
        declare = next(q["sql"] for q in queries.captured_queries if "DECLARE" in q["sql"])
        assert "NO SCROLL CURSOR FOR" in declare and "WITH HOLD" not in declare


def test_progress_is_reported_every_n_rows(monkeypatch: pytest.MonkeyPatch, coordinator: Any, link: WaveLink) -> None:
    monkeypatch.setattr(export_jobs, "PROGRESS_EVERY", 2)
    for _ in range(5):
        answer(link)
    for file_format in ("csv", "xlsx"):
        seen: list[int] = []
        assert export_jobs.write_export(link.wave, file_format, io.BytesIO(), seen.append) == 5
        assert seen == [2, 4]


def test_a_running_job_records_its_progress(monkeypatch: pytest.MonkeyPatch, coordinator: Any, link: WaveLink) -> None:
    """Progress goes to the job row as the rows stream. On PostgreSQL it goes through a second connection, committed
    at once while the export's own transaction is still open; here (inside the test's transaction, whose job row
    that connection cannot see) the update runs but only SQLite's can be read back."""
    monkeypatch.setattr(export_jobs, "PROGRESS_EVERY", 1)
    for _ in range(3):
        answer(link)
    seen: list[tuple[int, int]] = []
    record = export_jobs._Progress.__call__

    def observed(self: Any, written: int) -> None:
        record(self, written)
        seen.append((written, ExportJob.objects.get(pk=self.job_id).written))

    monkeypatch.setattr(export_jobs._Progress, "__call__", observed)
    job = run(coordinator, link.wave, "csv")
    assert job.status == ExportJobStatus.SUCCEEDED and job.written == 3
    assert [written for written, _ in seen] == [1, 2, 3]
    if connection.vendor == "sqlite":
        assert [stored for _, stored in seen] == [1, 2, 3]


# --- the job ---------------------------------------------------------------------------------------------------


def test_a_job_records_its_file_counts_and_requester(coordinator: Any, link: WaveLink) -> None:
    answer(link)
    answer(link)
    audit_before = AuditEntry.objects.count()
    job = run(coordinator, link.wave, "xlsx")
    assert (job.status, job.total, job.written) == (ExportJobStatus.SUCCEEDED, 2, 2)
    assert job.created_by == coordinator and job.member_id == link.wave.member_id
    assert job.started_at is not None and job.finished_at is not None and "2件" in job.message
    path = export_jobs.export_file(job)
    assert path is not None and path.parent == export_jobs.export_files_dir() and path.stat().st_size == job.size_bytes
    assert not list(export_jobs.export_files_dir().glob(".*.part"))
    assert AuditEntry.objects.count() == audit_before + 1


def test_a_failure_leaves_a_failed_job_with_a_message_and_no_file(
    monkeypatch: pytest.MonkeyPatch, coordinator: Any, link: WaveLink
) -> None:
    answer(link)
    job = run(coordinator, link.wave, "xlsx")  # allowed when requested
    answer(link)
    answer(link)
    monkeypatch.setattr(export_jobs, "XLSX_ROW_LIMIT", 2)  # more responses arrived than a sheet holds
    files_before = set(export_jobs.export_files_dir().iterdir())
    job = ExportJob.objects.create(
        member_id=link.wave.member_id, wave=link.wave, file_format="xlsx", total=3, created_by=coordinator
    )
    export_jobs.export_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJobStatus.FAILED and "上限" in job.message and job.stored_name == ""
    assert set(export_jobs.export_files_dir().iterdir()) == files_before  # nothing partial left behind
    page = logged_in(coordinator).get(reverse("surveys:export_job", args=[job.pk]))
    assert "上限" in page.content.decode()
    assert reverse("surveys:export_download", args=[job.pk]) not in page.content.decode()
    assert logged_in(coordinator).get(reverse("surveys:export_download", args=[job.pk])).status_code == 404


def test_an_xlsx_too_large_for_a_sheet_is_refused_when_requested(
    monkeypatch: pytest.MonkeyPatch, coordinator: Any, link: WaveLink
) -> None:
    monkeypatch.setattr(export_jobs, "XLSX_ROW_LIMIT", 1)
    answer(link)
    answer(link)
    response = logged_in(coordinator).post(
        reverse("surveys:wave_exports", args=[link.wave_id]), {"file_format": "xlsx"}
    )
    assert response.status_code == 400 and "CSV を選んでください" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_a_job_whose_requester_lost_the_permission_fails(support: Any, coordinator: Any, link: WaveLink) -> None:
    answer(link)
    job = ExportJob.objects.create(
        member_id=link.wave.member_id, wave=link.wave, file_format="csv", total=1, created_by=support
    )
    export_jobs.export_job_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJobStatus.FAILED and "権限" in job.message and export_jobs.export_file(job) is None


def test_old_files_are_removed_and_the_jobs_kept(coordinator: Any, link: WaveLink) -> None:
    answer(link)
    jobs = [run(coordinator, link.wave, "csv") for _ in range(export_jobs.KEEP_PER_WAVE + 2)]
    kept = [job.pk for job in jobs if export_jobs.export_file(ExportJob.objects.get(pk=job.pk))]
    assert len(kept) == export_jobs.KEEP_PER_WAVE  # the oldest went when newer ones were written
    newest = ExportJob.objects.get(pk=jobs[-1].pk)
    ExportJob.objects.filter(pk=newest.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    export_jobs.exports_clean_up()
    newest.refresh_from_db()
    assert newest.stored_name == "" and "削除" in newest.message
    assert ExportJob.objects.count() == len(jobs)
    page = logged_in(coordinator).get(reverse("surveys:export_job", args=[newest.pk]))
    assert "削除されました" in page.content.decode()


# --- pages and permissions -------------------------------------------------------------------------------------


def test_the_coordinator_requests_follows_and_downloads(coordinator: Any, link: WaveLink) -> None:
    answer(link)
    client = logged_in(coordinator)
    response = client.post(reverse("surveys:wave_exports", args=[link.wave_id]), {"file_format": "csv_cp932"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("surveys:export_job", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "完了" in page and reverse("surveys:export_download", args=[job.pk]) in page
    download = client.get(reverse("surveys:export_download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == sync_download(coordinator, link.wave, "csv", "?encoding=cp932")  # type: ignore[attr-defined]
    assert quote("2026年度 ベースライン調査_回答.csv") in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff" and "no-store" in download["Cache-Control"]
    history = client.get(reverse("surveys:wave_exports", args=[link.wave_id])).content.decode()
    assert reverse("surveys:export_job", args=[job.pk]) in history


def test_a_bad_format_is_a_400_naming_the_choices(coordinator: Any, link: WaveLink) -> None:
    response = logged_in(coordinator).post(reverse("surveys:wave_exports", args=[link.wave_id]), {"file_format": "pdf"})
    assert response.status_code == 400 and "csv_cp932" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_the_wave_page_offers_one_way_by_size(
    monkeypatch: pytest.MonkeyPatch, coordinator: Any, link: WaveLink
) -> None:
    answer(link)
    answer(link)
    client = logged_in(coordinator)
    small = client.get(reverse("surveys:wave_detail", args=[link.wave_id])).content.decode()
    assert reverse("surveys:wave_export", args=[link.wave_id, "csv"]) in small
    assert 'name="file_format"' not in small
    monkeypatch.setattr(exports, "SYNC_EXPORT_MAX", 1)
    large = client.get(reverse("surveys:wave_detail", args=[link.wave_id])).content.decode()
    assert reverse("surveys:wave_export", args=[link.wave_id, "csv"]) not in large
    assert 'name="file_format"' in large and reverse("surveys:wave_exports", args=[link.wave_id]) in large


@pytest.mark.parametrize(("role", "status"), [("support", 403), ("org_admin", 403), ("other_coordinator", 404)])
def test_others_cannot_request_see_or_download(
    request: pytest.FixtureRequest, coordinator: Any, link: WaveLink, role: str, status: int
) -> None:
    answer(link)
    job = run(coordinator, link.wave, "csv")
    client = logged_in(request.getfixturevalue(role))
    assert (
        client.post(reverse("surveys:wave_exports", args=[link.wave_id]), {"file_format": "csv"}).status_code == status
    )
    assert client.get(reverse("surveys:wave_exports", args=[link.wave_id])).status_code == status
    assert client.get(reverse("surveys:export_job", args=[job.pk])).status_code == status
    assert client.get(reverse("surveys:export_download", args=[job.pk])).status_code == status
    assert ExportJob.objects.count() == 1


def test_the_download_asks_the_permission_again(
    coordinator: Any, secretariat: Any, link: WaveLink, kesennuma: Any
) -> None:
    answer(link)
    job = run(secretariat, link.wave, "csv")
    client = logged_in(coordinator)
    assert client.get(reverse("surveys:export_download", args=[job.pk])).status_code == 200  # the wave's coordinator
    coordinator.member = kesennuma  # moved to another programme: the file is out of reach at once
    coordinator.save()
    assert client.get(reverse("surveys:export_download", args=[job.pk])).status_code == 404


# --- API -------------------------------------------------------------------------------------------------------


def test_api_request_poll_and_download(coordinator: Any, link: WaveLink) -> None:
    answer(link)
    api = Api(coordinator, auth="token")
    created = api.call("POST", f"surveys/waves/{link.wave_id}/exports", {"format": "csv"})
    assert created.status_code == 202, created.content
    body = created.json()
    assert body["status"] == "succeeded" and body["progress"] == 100 and body["total"] == 1
    polled = api.call("GET", f"surveys/exports/{body['id']}", None).json()
    assert polled["download"].endswith(f"/api/v1/surveys/exports/{body['id']}/download")
    download = api.call("GET", f"surveys/exports/{body['id']}/download", None)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == sync_download(coordinator, link.wave, "csv")


def test_api_refuses_an_unknown_format_by_name(coordinator: Any, link: WaveLink) -> None:
    response = Api(coordinator, auth="token").call("POST", f"surveys/waves/{link.wave_id}/exports", {"format": "pdf"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "format"]
    assert not ExportJob.objects.exists() and not Response.objects.filter(wave=link.wave).exists()


def test_characters_shift_jis_cannot_hold_are_counted_and_named_in_the_message(
    coordinator: Any, every_type_wave: Wave
) -> None:
    shift_jis = run(coordinator, every_type_wave, "csv_cp932")
    assert shift_jis.status == ExportJobStatus.SUCCEEDED, shift_jis.message
    text = file_of(shift_jis).decode("cp932")
    assert "丸数字①と髙と?" in text  # ① and 髙 are in CP932; 𠮷 is not
    assert "Shift_JIS で表せない 1 文字は「?」にしました" in shift_jis.message
    utf8 = run(coordinator, every_type_wave, "csv")
    assert "丸数字①と髙と𠮷" in file_of(utf8).decode("utf-8-sig")
    assert "Shift_JIS" not in utf8.message


def test_write_csv_counts_each_replaced_character() -> None:
    tally = core_exports.Replacements()
    out = io.BytesIO()
    rows = [["髙橋", "😀😀"], ["𠮷野家", "ok"]]
    assert core_exports.write_csv(out, ["a", "b"], iter(rows), encoding="cp932", replacements=tally) == 2
    assert tally.count == 3
    assert out.getvalue().decode("cp932").splitlines() == ["a,b", "髙橋,??", "?野家,ok"]
    untouched = core_exports.Replacements()
    core_exports.write_csv(io.BytesIO(), ["a"], [["😀"]], replacements=untouched)  # UTF-8 holds everything
    assert untouched.count == 0


def running_job(user: Any, wave: Wave, *, started: dt.datetime, heartbeat: dt.datetime | None) -> ExportJob:
    """A job a worker has started (and, with `heartbeat`, last reported on)."""
    job = ExportJob.objects.create(member_id=wave.member_id, wave=wave, file_format="csv", total=10, created_by=user)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJobStatus.RUNNING, started_at=started, heartbeat_at=heartbeat
    )
    job.refresh_from_db()
    return job


def test_a_job_whose_worker_died_is_failed_when_it_is_next_looked_at(coordinator: Any, link: WaveLink) -> None:
    now = timezone.now()
    silent = now - export_jobs.STALLED_AFTER - dt.timedelta(seconds=1)
    job = running_job(coordinator, link.wave, started=silent, heartbeat=silent)
    recent = now - export_jobs.STALLED_AFTER + dt.timedelta(minutes=1)
    alive = running_job(coordinator, link.wave, started=silent, heartbeat=recent)

    page = logged_in(coordinator).get(reverse("surveys:export_job", args=[job.pk]))

    assert page.status_code == 200 and "書き出しが途中で止まりました" in page.content.decode()
    job.refresh_from_db()
    assert (job.status, job.finished_at is not None) == (ExportJobStatus.FAILED, True)
    alive.refresh_from_db()
    assert alive.status == ExportJobStatus.RUNNING  # reported progress a minute ago: still working
    api = logged_in(coordinator).get(f"/api/v1/surveys/exports/{alive.pk}")
    assert api.status_code == 200 and api.json()["status"] == "running"


def test_each_progress_report_is_a_heartbeat(coordinator: Any, link: WaveLink) -> None:
    long_ago = timezone.now() - dt.timedelta(hours=1)
    job = running_job(coordinator, link.wave, started=long_ago, heartbeat=long_ago)
    export_jobs._Progress(job.pk)(5)
    job.refresh_from_db()
    assert job.written == 5 and job.heartbeat_at is not None and job.heartbeat_at > long_ago
    assert export_jobs.export_jobs_fail_stalled() == 0


def test_a_job_running_since_before_heartbeats_existed_is_judged_by_its_start(coordinator: Any, link: WaveLink) -> None:
    long_ago = timezone.now() - dt.timedelta(hours=1)
    job = running_job(coordinator, link.wave, started=long_ago, heartbeat=None)
    assert export_jobs.export_jobs_fail_stalled(wave=link.wave) == 1
    job.refresh_from_db()
    assert job.status == ExportJobStatus.FAILED
