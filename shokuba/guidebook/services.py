"""Every change to guidebook progress and its evidence files, audited inside one transaction."""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shokuba.core.audit import audit_record, audit_saved, snapshot
from shokuba.core.disk import disk_full
from shokuba.core.models import AuditAction
from shokuba.core.permissions import require
from shokuba.core.private_files import private_dir, staging_dir
from shokuba.core.uploads import CheckedUpload, UploadError, check_upload
from shokuba.core.validation import texts_check
from shokuba.guidebook.guidance import guidance_for
from shokuba.guidebook.models import EvidenceFile, ProgressStatus, Step, StepProgress
from shokuba.network.models import Member

RESPONSIBLE_MAX_LENGTH = StepProgress._meta.get_field("responsible").max_length or 100


def evidence_dir() -> Path:
    return private_dir("evidence")


def evidence_path(evidence: EvidenceFile) -> Path:
    path = evidence_dir() / evidence.stored_name
    # stored_name is generated here, but a row edited by hand must still never point outside the folder.
    if path.resolve().parent != evidence_dir().resolve():
        raise ValueError(f"evidence {evidence.pk} points outside the evidence folder")
    return path


def _validate_progress(
    status: str, started_on: dt.date | None, completed_on: dt.date | None, responsible: str, notes: str
) -> dict[str, list[Any]]:
    errors: dict[str, list[Any]] = texts_check(
        {"responsible": (_("担当者"), responsible, False), "notes": (_("メモ"), notes, True)}
    )
    today = timezone.localdate()
    if status not in ProgressStatus.values:
        errors["status"] = [_("状況「%(value)s」は選べません。") % {"value": status}]
    if started_on and started_on > today:
        errors["started_on"] = [ValidationError(_("開始日に未来の日付は入力できません。"), code="date_order")]
    if started_on and completed_on and completed_on < started_on:
        errors["completed_on"] = [
            ValidationError(_("完了日は開始日と同じ日か、それより後の日付にしてください。"), code="date_order")
        ]
    elif completed_on and completed_on > today:
        errors["completed_on"] = [ValidationError(_("完了日に未来の日付は入力できません。"), code="date_order")]
    elif status == ProgressStatus.DONE and not completed_on:
        errors["completed_on"] = [
            ValidationError(_("状況を「完了」にするときは完了日を入力してください。"), code="date_order")
        ]
    elif status != ProgressStatus.DONE and completed_on:
        errors["completed_on"] = [
            ValidationError(_("完了日は状況が「完了」のときだけ入力できます。"), code="date_order")
        ]
    if len(responsible.strip()) > RESPONSIBLE_MAX_LENGTH:
        message = _("担当者は%(limit)d文字以内で入力してください。") % {"limit": RESPONSIBLE_MAX_LENGTH}
        errors.setdefault("responsible", []).append(message)
    return errors


def _check_evidence(stream: IO[bytes], name: str, size: int) -> CheckedUpload:
    try:
        return check_upload(stream, name=name, size=size, max_bytes=settings.EVIDENCE_MAX_BYTES)
    except UploadError as exc:
        raise ValidationError({"file": [str(exc)]}) from exc


def _write_progress(
    *,
    actor: Any,
    member: Member,
    step: Step,
    status: str,
    started_on: dt.date | None,
    completed_on: dt.date | None,
    responsible: str,
    notes: str,
) -> StepProgress:
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
    audit_saved(
        actor=actor,
        instance=progress,
        before=before,
        member_code=member.pk,
        bookkeeping=frozenset({"updated_at", "updated_by_id"}),
    )
    return progress


def _store_evidence(
    *, actor: Any, member: Member, step: Step, stream: IO[bytes], checked: CheckedUpload
) -> EvidenceFile:
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
    staged = staging_dir(evidence_dir()) / stored_name
    try:
        with staged.open("xb") as out:
            stream.seek(0)
            shutil.copyfileobj(stream, out)
        # The size the caller reported was checked; the bytes actually written are what count.
        written = staged.stat().st_size
        if written != checked.size or written > settings.EVIDENCE_MAX_BYTES:
            message = _("ファイル「%(name)s」を正しく受け取れませんでした。もう一度登録してください。")
            raise ValidationError({"file": [message % {"name": checked.name}]})
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
    except OSError as exc:
        staged.unlink(missing_ok=True)
        if not disk_full(exc):
            raise
        # Raised inside the caller's transaction: the progress and its audit entries roll back with the file.
        message = _(
            "保存先のディスクに空きがないため、資料「%(name)s」を保存できませんでした。進捗も保存していません。"
            "管理者に連絡してください。"
        )
        raise ValidationError({"file": [message % {"name": checked.name}]}) from exc
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    transaction.on_commit(lambda: staged.replace(evidence_dir() / stored_name))
    return evidence


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
    errors = _validate_progress(status, started_on, completed_on, responsible, notes)
    if errors:
        raise ValidationError(errors)
    return _write_progress(
        actor=actor,
        member=member,
        step=step,
        status=status,
        started_on=started_on,
        completed_on=completed_on,
        responsible=responsible,
        notes=notes,
    )


@transaction.atomic
def evidence_add(*, actor: Any, member: Member, step: Step, stream: IO[bytes], name: str, size: int) -> EvidenceFile:
    """Check and store an evidence file for a member's step (the step's progress row is created if needed)."""
    require(actor, "member.change_progress", member)
    checked = _check_evidence(stream, name, size)
    return _store_evidence(actor=actor, member=member, step=step, stream=stream, checked=checked)


@transaction.atomic
def step_progress_submit(
    *,
    actor: Any,
    member: Member,
    step: Step,
    status: str,
    started_on: dt.date | None = None,
    completed_on: dt.date | None = None,
    responsible: str = "",
    notes: str = "",
    stream: IO[bytes] | None = None,
    name: str = "",
    size: int = 0,
) -> tuple[StepProgress, EvidenceFile | None]:
    """The step page's one form: progress and, optionally, an evidence file, saved together or not at all.

    Every problem (progress fields and file alike) is reported at once, before anything is written.
    """
    require(actor, "member.change_progress", member)
    errors = _validate_progress(status, started_on, completed_on, responsible, notes)
    checked: CheckedUpload | None = None
    if stream is not None:
        try:
            checked = _check_evidence(stream, name, size)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    progress = _write_progress(
        actor=actor,
        member=member,
        step=step,
        status=status,
        started_on=started_on,
        completed_on=completed_on,
        responsible=responsible,
        notes=notes,
    )
    evidence = None
    if stream is not None and checked is not None:
        evidence = _store_evidence(actor=actor, member=member, step=step, stream=stream, checked=checked)
    return progress, evidence


@transaction.atomic
def step_checklist_save(*, actor: Any, member: Member, step: Step, done: Sequence[str]) -> StepProgress:
    """Which of the step's checklist tasks the member has done (the whole set: a task left out is unticked).

    The step's status is left as it is: ticking tasks is a note of the work, the status is the member's call.
    """
    require(actor, "member.change_progress", member)
    guidance = guidance_for(step.code)
    known = guidance.task_codes if guidance else ()
    unknown = [code for code in done if code not in known]
    if unknown:
        message = _("手順「%(step)s」のチェックリストに「%(codes)s」という作業はありません。") % {
            "step": step.title,
            "codes": "、".join(unknown),
        }
        raise ValidationError({"checklist": [ValidationError(message, code="unknown_task")]})
    progress = StepProgress.objects.select_for_update().filter(member=member, step=step).first()
    before = snapshot(progress) if progress else None
    if progress is None:
        progress = StepProgress(member=member, step=step, status=ProgressStatus.NOT_STARTED)
    progress.checklist = [code for code in known if code in set(done)]
    progress.updated_by = actor
    progress.save()
    audit_saved(
        actor=actor,
        instance=progress,
        before=before,
        member_code=member.pk,
        bookkeeping=frozenset({"updated_at", "updated_by_id"}),
    )
    return progress


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
