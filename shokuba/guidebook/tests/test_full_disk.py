"""A full private-files disk when evidence is uploaded (issue #17, fault tests): the step page answers 400 with a
Japanese message naming the file and saying that nothing was saved; no file (staged or final) is left, and neither
the progress nor the audit log changed. The disk is a real tmpfs filled to the last byte (tests/full_disk.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shokuba.core.models import AuditEntry
from shokuba.guidebook import services
from shokuba.guidebook.models import EvidenceFile, StepProgress
from shokuba.guidebook.tests.samples import PDF
from shokuba.guidebook.tests.test_views import logged_in, step_url, valid_post
from tests.full_disk import files_in, fill, small_filesystem

pytestmark = pytest.mark.django_db


def test_evidence_onto_a_full_disk_is_refused_clearly_and_nothing_is_saved(
    settings: Any, tmp_path: Path, coordinator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    audit_before = AuditEntry.objects.count()
    with small_filesystem(tmp_path / "private") as private:
        settings.PRIVATE_FILES_DIR = private
        services.evidence_dir()  # the folder a running site already has
        fill(private)
        upload = SimpleUploadedFile("会議資料.pdf", PDF, content_type="application/pdf")
        with django_capture_on_commit_callbacks(execute=True):
            response = logged_in(coordinator).post(step_url(), valid_post(file=upload))
        assert response.status_code == 400
        page = response.content.decode()
        assert (
            "保存先のディスクに空きがないため、資料「会議資料.pdf」を保存できませんでした。進捗も保存していません。"
            "管理者に連絡してください。"
        ) in page
        assert files_in(private) == []
    assert not EvidenceFile.objects.exists() and not StepProgress.objects.exists()
    assert AuditEntry.objects.count() == audit_before
