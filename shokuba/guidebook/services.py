"""Every change to guidebook progress and its evidence files, audited inside one transaction."""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shokuba.core.audit import audit_record, snapshot
from shokuba.core.models import AuditAction
from shokuba.core.permissions import require
from shokuba.core.uploads import UploadError, check_upload
from shokuba.guidebook.models import EvidenceFile, ProgressStatus, Step, StepProgress
from shokuba.network.models import Member


def evidence_dir() -> Path:
    path = Path(settings.PRIVATE_FILES_DIR) / "evidence"
    path.mkdir(parents=True, exist_ok=True)
    return path


def evidence_path(evidence: EvidenceFile) -> Path:
    return evidence_dir() / evidence.stored_name


def _validate_progress(status: str, started_on: dt.date | None, completed_on: dt.date | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if status not in ProgressStatus.values:
        errors["status"] = [_("状況「%(value)s」は選べません。") % {"value": status}]
    if started_on and completed_on and completed_on < started_on:
        errors["completed_on"] = [_("完了日は開始日より後の日付にしてください。")]
    if status == ProgressStatus.DONE and not completed_on:
        errors["completed_on"] = [_("状況を「完了」にするときは完了日を入力してください。")]
    if status != ProgressStatus.DONE and completed_on:
        errors["completed_on"] = [_("完了日は状況が「完了」のときだけ入力できます。")]
    return errors


@transaction.atomic
def step_progress_update(
    *,
    actor: Any,
    member: Member,
    step: Step,
    status: str,
    started_on: dt.date | None = None,
    completed_on: dt.date | None = None,
    responsible: str = "",
    notes: str = "",
) -> StepProgress:
    """Set where a member stands on a step. Creates the row on first use."""
    require(actor, "member.change_progress", member)
    errors = _validate_progress(status, started_on, completed_on)
    if errors:
        raise ValidationError(errors)
    progress = StepProgress.objects.select_for_update().filter(member=member, step=step).first()
    before = snapshot(progress) if progress else None
    if progress is None:
        progress = StepProgress(member=member, step=step)
    progress.status = status
    progress.started_on = started_on
    progress.completed_on = completed_on
    progress.responsible = responsible.strip()
    progress.notes = notes
    progress.updated_by = actor
    progress.save()
    after = snapshot(progress)
    ignored = {"updated_at", "updated_by_id"}
    if before is None or {k: v for k, v in before.items() if k not in ignored} != {
        k: v for k, v in after.items() if k not in ignored
    }:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
            instance=progress,
            before=before,
            after=after,
            member_code=member.pk,
        )
    return progress


@transaction.atomic
def evidence_add(*, actor: Any, member: Member, step: Step, stream: IO[bytes], name: str, size: int) -> EvidenceFile:
    """Check and store an evidence file for a member's step (the step's progress row is created if needed)."""
    require(actor, "member.change_progress", member)
    try:
        checked = check_upload(stream, name=name, size=size, max_bytes=settings.EVIDENCE_MAX_BYTES)
    except UploadError as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    progress, created = StepProgress.objects.get_or_create(
        member=member, step=step, defaults={"status": ProgressStatus.IN_PROGRESS, "updated_by": actor}
    )
    if created:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=progress,
            before=None,
            after=snapshot(progress),
            member_code=member.pk,
        )
    stored_name = f"{secrets.token_hex(16)}{checked.extension}"
    # The file is written under .incoming/ and moved into place only when the transaction commits, so a
    # rollback leaves no file that a row points to (and no row pointing to a missing file).
    incoming = evidence_dir() / ".incoming"
    incoming.mkdir(exist_ok=True)
    staged = incoming / stored_name
    with staged.open("xb") as out:
        stream.seek(0)
        shutil.copyfileobj(stream, out)
    try:
        evidence = EvidenceFile.objects.create(
            progress=progress,
            original_name=checked.name,
            stored_name=stored_name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=evidence,
            before=None,
            after=snapshot(evidence),
            member_code=member.pk,
        )
    except Exception:
        staged.unlink(missing_ok=True)
        raise
    transaction.on_commit(lambda: staged.replace(evidence_dir() / stored_name))
    return evidence


@transaction.atomic
def evidence_delete(*, actor: Any, evidence: EvidenceFile) -> None:
    member = evidence.progress.member
    require(actor, "member.change_progress", member)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=evidence,
        before=snapshot(evidence),
        after=None,
        member_code=member.pk,
    )
    path = evidence_path(evidence)
    evidence.delete()
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
