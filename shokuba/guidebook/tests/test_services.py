"""Services: validation, permission, audit, and evidence files that are stored whole or not at all."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from shokuba.core.models import AuditAction, AuditEntry
from shokuba.core.private_files import STAGED_FILE_MAX_AGE_SECONDS
from shokuba.guidebook import services
from shokuba.guidebook.models import EvidenceFile, ProgressStatus, Step, StepProgress
from shokuba.guidebook.tests.samples import PDF, exe_bytes, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_dir(settings: Any, tmp_path: Path) -> Path:
    settings.PRIVATE_FILES_DIR = tmp_path / "private"
    return settings.PRIVATE_FILES_DIR


@pytest.fixture
def step(db: Any) -> Step:
    return Step.objects.get(code="1-a")


def files_under(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.exists() else []


def update(actor: Any, member: Any, step: Step, **fields: Any) -> StepProgress:
    values: dict[str, Any] = {
        "status": ProgressStatus.IN_PROGRESS,
        "started_on": None,
        "completed_on": None,
        "responsible": "",
        "notes": "",
    }
    values.update(fields)
    return services.step_progress_update(actor=actor, member=member, step=step, **values)


# --- progress --------------------------------------------------------------------------------------------------


def test_first_update_creates_the_row_and_an_audit_entry(coordinator: Any, toyooka: Any, step: Step) -> None:
    progress = update(coordinator, toyooka, step, started_on=dt.date(2026, 4, 1), responsible="  山田 花子 ")
    progress.refresh_from_db()
    assert progress.status == ProgressStatus.IN_PROGRESS
    assert progress.responsible == "山田 花子"
    assert progress.updated_by == coordinator
    entry = AuditEntry.objects.get(target_type="guidebook.stepprogress", target_id=str(progress.pk))
    assert entry.action == AuditAction.CREATE
    assert entry.member_code == "282090"
    assert entry.actor_username == "t-toyooka"
    assert entry.before is None
    assert entry.after["started_on"] == "2026-04-01"


def test_a_change_is_audited_with_before_and_after_and_no_change_is_not(
    coordinator: Any, toyooka: Any, step: Step
) -> None:
    update(coordinator, toyooka, step, started_on=dt.date(2026, 4, 1))
    update(
        coordinator,
        toyooka,
        step,
        status=ProgressStatus.DONE,
        started_on=dt.date(2026, 4, 1),
        completed_on=dt.date(2026, 5, 1),
    )
    entries = list(AuditEntry.objects.filter(target_type="guidebook.stepprogress").order_by("id"))
    assert [e.action for e in entries] == [AuditAction.CREATE, AuditAction.UPDATE]
    assert entries[1].before["status"] == "in_progress"
    assert entries[1].after["status"] == "done"
    assert entries[1].after["completed_on"] == "2026-05-01"
    # Saving the same values again writes no audit entry.
    update(
        coordinator,
        toyooka,
        step,
        status=ProgressStatus.DONE,
        started_on=dt.date(2026, 4, 1),
        completed_on=dt.date(2026, 5, 1),
    )
    assert AuditEntry.objects.filter(target_type="guidebook.stepprogress").count() == 2


TODAY = timezone.localdate()


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"status": "finished"}, "status", "選べません"),
        ({"status": ProgressStatus.DONE}, "completed_on", "完了日を入力"),
        (
            {"status": ProgressStatus.DONE, "started_on": dt.date(2026, 5, 2), "completed_on": dt.date(2026, 5, 1)},
            "completed_on",
            "開始日と同じ日か",
        ),
        ({"status": ProgressStatus.IN_PROGRESS, "completed_on": dt.date(2026, 5, 1)}, "completed_on", "完了」のとき"),
        (
            {"status": ProgressStatus.NOT_APPLICABLE, "completed_on": dt.date(2026, 5, 1)},
            "completed_on",
            "完了」のとき",
        ),
        ({"status": ProgressStatus.DONE, "completed_on": TODAY + dt.timedelta(days=1)}, "completed_on", "未来"),
        ({"started_on": TODAY + dt.timedelta(days=1)}, "started_on", "未来"),
        ({"responsible": "あ" * 101}, "responsible", "100文字以内"),
    ],
)
def test_invalid_progress_is_refused_with_a_japanese_message_and_nothing_saved(
    coordinator: Any, toyooka: Any, step: Step, fields: dict[str, Any], field: str, fragment: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        update(coordinator, toyooka, step, **fields)
    assert field in caught.value.message_dict
    assert fragment in " ".join(caught.value.message_dict[field])
    assert not StepProgress.objects.exists()
    assert not AuditEntry.objects.exists()


def test_completed_on_the_day_it_started_is_fine(coordinator: Any, toyooka: Any, step: Step) -> None:
    day = dt.date(2026, 4, 1)
    progress = update(coordinator, toyooka, step, status=ProgressStatus.DONE, started_on=day, completed_on=day)
    assert progress.completed_on == day


@pytest.mark.parametrize("actor_fixture", ["support", "other_coordinator", "prefecture_coordinator", "org_admin"])
def test_only_the_secretariat_and_the_members_coordinator_may_change_progress(
    request: pytest.FixtureRequest, actor_fixture: str, toyooka: Any, step: Step
) -> None:
    actor = request.getfixturevalue(actor_fixture)
    with pytest.raises(PermissionDenied):
        update(actor, toyooka, step)
    assert not StepProgress.objects.exists()


def test_the_secretariat_may_change_any_members_progress(secretariat: Any, kesennuma: Any, step: Step) -> None:
    update(secretariat, kesennuma, step)
    assert StepProgress.objects.get(member=kesennuma, step=step).updated_by == secretariat


def test_prefecture_coordinator_cannot_change_a_municipality_it_oversees(
    prefecture_coordinator: Any, kesennuma: Any, step: Step
) -> None:
    with pytest.raises(PermissionDenied):
        update(prefecture_coordinator, kesennuma, step)


# --- evidence files ---------------------------------------------------------------------------------------------


def add(actor: Any, member: Any, step: Step, content: bytes, name: str, size: int | None = None) -> EvidenceFile:
    return services.evidence_add(
        actor=actor,
        member=member,
        step=step,
        stream=io.BytesIO(content),
        name=name,
        size=len(content) if size is None else size,
    )


def test_a_pdf_is_stored_outside_the_web_root_once_committed(
    coordinator: Any, toyooka: Any, step: Step, private_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        evidence = add(coordinator, toyooka, step, PDF, "議事録.pdf")
    path = services.evidence_path(evidence)
    assert path.parent == private_dir / "evidence"
    assert path.read_bytes() == PDF
    assert evidence.original_name == "議事録.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    assert evidence.stored_name.endswith(".pdf") and "議事録" not in evidence.stored_name
    # Nothing is left in the staging folder.
    assert files_under(private_dir / "evidence" / ".incoming") == []
    # The progress row was created as 進行中, and both rows are audited.
    assert evidence.progress.status == ProgressStatus.IN_PROGRESS
    assert set(AuditEntry.objects.values_list("target_type", "action")) == {
        ("guidebook.stepprogress", "create"),
        ("guidebook.evidencefile", "create"),
    }


def test_before_commit_the_file_is_only_staged(coordinator: Any, toyooka: Any, step: Step, private_dir: Path) -> None:
    evidence = add(coordinator, toyooka, step, PDF, "a.pdf")
    assert not services.evidence_path(evidence).exists()
    assert [p.name for p in files_under(private_dir / "evidence" / ".incoming")] == [evidence.stored_name]


def test_an_exe_renamed_pdf_is_refused_and_nothing_is_saved(
    coordinator: Any, toyooka: Any, step: Step, private_dir: Path
) -> None:
    content = exe_bytes()
    assert content.startswith(b"MZ")
    with pytest.raises(ValidationError) as caught:
        add(coordinator, toyooka, step, content, "報告書.pdf")
    message = " ".join(caught.value.message_dict["file"])
    assert "報告書.pdf" in message and "一致しません" in message
    assert not EvidenceFile.objects.exists()
    assert not StepProgress.objects.exists()
    assert not AuditEntry.objects.exists()
    assert files_under(private_dir) == []


def test_an_oversized_file_is_refused_and_nothing_is_saved(
    settings: Any, coordinator: Any, toyooka: Any, step: Step, private_dir: Path
) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024
    content = PDF + b"%" + b"0" * 2048
    with pytest.raises(ValidationError) as caught:
        add(coordinator, toyooka, step, content, "big.pdf")
    assert "大きすぎます" in " ".join(caught.value.message_dict["file"])
    assert not EvidenceFile.objects.exists()
    assert not StepProgress.objects.exists()
    assert files_under(private_dir) == []


def test_a_stream_longer_than_its_reported_size_is_refused_and_not_left_behind(
    settings: Any, coordinator: Any, toyooka: Any, step: Step, private_dir: Path
) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024
    content = PDF + b"0" * 4096
    with pytest.raises(ValidationError) as caught:
        add(coordinator, toyooka, step, content, "liar.pdf", size=100)
    assert "正しく受け取れません" in " ".join(caught.value.message_dict["file"])
    assert not EvidenceFile.objects.exists()
    assert not StepProgress.objects.exists()
    assert files_under(private_dir) == []


def test_others_may_not_add_evidence(support: Any, other_coordinator: Any, toyooka: Any, step: Step) -> None:
    for actor in (support, other_coordinator):
        with pytest.raises(PermissionDenied):
            add(actor, toyooka, step, PDF, "a.pdf")
    assert not EvidenceFile.objects.exists()


def test_a_file_staged_by_a_rolled_back_transaction_is_swept_later(
    coordinator: Any, toyooka: Any, step: Step, private_dir: Path
) -> None:
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        first = add(coordinator, toyooka, step, PDF, "a.pdf")
        raise Abort
    staged = private_dir / "evidence" / ".incoming" / first.stored_name
    assert staged.exists() and not EvidenceFile.objects.exists()
    an_hour_and_more_ago = time.time() - STAGED_FILE_MAX_AGE_SECONDS - 60
    os.utime(staged, (an_hour_and_more_ago, an_hour_and_more_ago))
    second = add(coordinator, toyooka, step, png_bytes(), "b.png")
    assert not staged.exists()
    assert (private_dir / "evidence" / ".incoming" / second.stored_name).exists()


def test_delete_removes_row_and_file_and_is_audited(
    coordinator: Any, toyooka: Any, step: Step, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        evidence = add(coordinator, toyooka, step, PDF, "a.pdf")
    path = services.evidence_path(evidence)
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_delete(actor=coordinator, evidence=evidence)
    assert not path.exists()
    assert not EvidenceFile.objects.exists()
    entry = AuditEntry.objects.get(target_type="guidebook.evidencefile", action=AuditAction.DELETE)
    assert entry.before["original_name"] == "a.pdf"
    assert entry.after is None


def test_delete_is_refused_to_readers(
    support: Any, coordinator: Any, toyooka: Any, step: Step, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        evidence = add(coordinator, toyooka, step, PDF, "a.pdf")
    with pytest.raises(PermissionDenied):
        services.evidence_delete(actor=support, evidence=evidence)
    assert EvidenceFile.objects.filter(pk=evidence.pk).exists()
    assert services.evidence_path(evidence).exists()


# --- progress and file in one submit ---------------------------------------------------------------------------


def submit(actor: Any, member: Any, step: Step, content: bytes | None, name: str = "", **fields: Any) -> Any:
    values: dict[str, Any] = {
        "status": ProgressStatus.IN_PROGRESS,
        "started_on": None,
        "completed_on": None,
        "responsible": "",
        "notes": "",
    }
    values.update(fields)
    return services.step_progress_submit(
        actor=actor,
        member=member,
        step=step,
        stream=io.BytesIO(content) if content is not None else None,
        name=name,
        size=len(content) if content is not None else 0,
        **values,
    )


def test_submit_saves_progress_and_file_together(
    coordinator: Any, toyooka: Any, step: Step, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        progress, evidence = submit(coordinator, toyooka, step, png_bytes(), "写真.png", responsible="佐藤")
    assert progress.responsible == "佐藤"
    assert evidence is not None and evidence.progress_id == progress.pk
    assert services.evidence_path(evidence).read_bytes() == png_bytes()


def test_a_refused_file_keeps_the_progress_update_from_being_saved(
    coordinator: Any, toyooka: Any, step: Step, private_dir: Path
) -> None:
    update(coordinator, toyooka, step, responsible="前の担当")
    audit_count = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        submit(coordinator, toyooka, step, exe_bytes(), "setup.pdf", responsible="新しい担当", notes="書き換え")
    assert list(caught.value.message_dict) == ["file"]
    progress = StepProgress.objects.get(member=toyooka, step=step)
    assert progress.responsible == "前の担当" and progress.notes == ""
    assert AuditEntry.objects.count() == audit_count
    assert files_under(private_dir) == []


def test_every_problem_is_reported_at_once(coordinator: Any, toyooka: Any, step: Step) -> None:
    with pytest.raises(ValidationError) as caught:
        submit(coordinator, toyooka, step, exe_bytes(), "setup.pdf", status=ProgressStatus.DONE)
    assert set(caught.value.message_dict) == {"file", "completed_on"}
    assert not StepProgress.objects.exists()
