"""A full private-files disk while an export is written (issue #17, fault tests): the job fails with a Japanese
message saying so, no file (whole or partial) is left, and the responses are untouched. The disk is a real tmpfs
filled to the last byte (tests/full_disk.py): the operating system's own ENOSPC, not a mock."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from shokuba.surveys import export_jobs, services
from shokuba.surveys.answers import raw_from_form
from shokuba.surveys.models import ExportFormat, ExportJobStatus, Response, WaveLink
from shokuba.surveys.tests.samples import workplace_form
from tests.full_disk import files_in, fill, small_filesystem

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("file_format", [ExportFormat.XLSX, ExportFormat.CSV])
def test_an_export_onto_a_full_disk_fails_clearly_and_leaves_no_file(
    settings: Any, tmp_path: Path, coordinator: Any, link: WaveLink, file_format: str
) -> None:
    definition = services.definition_of(link.wave.version)
    for _ in range(3):
        answers, attributes = raw_from_form(definition, {k: [v] for k, v in workplace_form().items()})
        services.response_submit(link=link, submission_id=uuid.uuid4(), answers=answers, attributes=attributes)
    stored = sorted(Response.objects.values_list("submission_id", flat=True))
    with small_filesystem(tmp_path / "private") as private:
        settings.PRIVATE_FILES_DIR = private
        export_jobs.export_files_dir()  # the folder a running site already has
        fill(private)
        with translation.override("ja"):
            job = export_jobs.export_job_request(actor=coordinator, wave=link.wave, file_format=file_format)
        job.refresh_from_db()
        assert job.status == ExportJobStatus.FAILED
        assert job.message == (
            "保存先のディスクに空きがないため、書き出せませんでした（書きかけのファイルは消しました）。"
            "管理者に連絡してください。"
        )
        assert job.stored_name == "" and export_jobs.export_file(job) is None
        assert files_in(private) == []
    assert sorted(Response.objects.values_list("submission_id", flat=True)) == stored
