"""Every change to consultations and referrals: `<thing>_<verb>(*, actor, ...)`, atomic, permission-checked,
validated (every problem at once, naming the field, in Japanese) and audited; notices go through
core.notifications.

The status is a state machine (`TRANSITIONS`): 受付 → 対応中 → 回答済 / 紹介済 → 完了. Posting an answer moves a
consultation to 回答済, making a referral to 紹介済, the member writing again to 対応中; a change the machine does
not allow is refused (`ValidationError` with code "state": 409 on the pages, 422 `state` in the API).
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shokuba.core.audit import audit_record, audit_saved, snapshot
from shokuba.core.models import AuditAction
from shokuba.core.notifications import notify
from shokuba.core.permissions import has_perm, require
from shokuba.core.private_files import private_dir, staging_dir
from shokuba.core.uploads import UploadError, check_upload
from shokuba.core.validation import texts_check
from shokuba.guidebook.models import Step
from shokuba.network.models import Member, Organisation, Role, User
from shokuba.support.models import (
    Attachment,
    Consultation,
    ConsultationTheme,
    FaqEntry,
    Message,
    Outcome,
    ReferralRecord,
    SavedAnswer,
    Status,
    TopicAssignment,
    Urgency,
)
from shokuba.workplace.models import Referral

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.IN_PROGRESS, Status.ANSWERED, Status.REFERRED}),
    Status.IN_PROGRESS: frozenset({Status.ANSWERED, Status.REFERRED}),
    Status.ANSWERED: frozenset({Status.IN_PROGRESS, Status.REFERRED, Status.CLOSED}),
    Status.REFERRED: frozenset({Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}
FILES_DIR = "consultations"
MAX_FILES_PER_MESSAGE = 5


# --- helpers ------------------------------------------------------------------------------------------------------


def _add(errors: dict[str, list[Any]], field: str, message: str, code: str = "invalid") -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def _raise(errors: dict[str, list[Any]]) -> None:
    if errors:
        raise ValidationError(errors)


def _texts(errors: dict[str, list[Any]], fields: dict[str, tuple[str, Any, bool]]) -> None:
    for field, problems in texts_check(fields).items():
        errors.setdefault(field, []).extend(problems)


def _blank(errors: dict[str, list[Any]], field: str, value: str, label: str) -> None:
    if not (value or "").strip():
        _add(errors, field, _("%(field)sを入力してください。") % {"field": label}, code="required")


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """`start` plus `days` working days (Monday to Friday; public holidays are not known here)."""
    current = start
    added = 0
    while added < days:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current


def files_dir() -> Path:
    return private_dir(FILES_DIR)


def attachment_path(attachment: Attachment) -> Path:
    return files_dir() / attachment.stored_name


def _incoming() -> Path:
    return staging_dir(files_dir())


FileIn = tuple[IO[bytes], str, int]  # stream, name, size


def _check_files(errors: dict[str, list[Any]], files: Sequence[FileIn]) -> list[Any]:
    if len(files) > MAX_FILES_PER_MESSAGE:
        _add(errors, "files", _("添付ファイルは%(n)d件までです。") % {"n": MAX_FILES_PER_MESSAGE})
        return []
    checked = []
    for stream, name, size in files:
        try:
            checked.append(check_upload(stream, name=name, size=size, max_bytes=settings.EVIDENCE_MAX_BYTES))
        except UploadError as error:
            _add(errors, "files", str(error))
    return checked


def _store_files(
    *, actor: Any, message: Message, files: Sequence[FileIn], checked: Sequence[Any], member_code: str
) -> None:
    for (stream, _name, _size), info in zip(files, checked, strict=True):
        stored_name = f"{secrets.token_hex(16)}{info.extension}"
        staged = _incoming() / stored_name
        try:
            with staged.open("xb") as out:
                stream.seek(0)
                shutil.copyfileobj(stream, out)
            if staged.stat().st_size != info.size:
                raise ValidationError(
                    {"files": [_("ファイル「%(name)s」を正しく受け取れませんでした。") % {"name": info.name}]}
                )
            attachment = Attachment.objects.create(
                message=message,
                original_name=info.name,
                stored_name=stored_name,
                content_type=info.content_type,
                size=info.size,
                sha256=info.sha256,
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                instance=attachment,
                before=None,
                after=snapshot(attachment),
                member_code=member_code,
            )
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
        transaction.on_commit(functools.partial(staged.replace, files_dir() / stored_name))


def coordinators_of(member: Member) -> list[User]:
    return list(User.objects.filter(member=member, role=Role.COORDINATOR, is_active=True))


def support_team() -> list[User]:
    return list(User.objects.filter(role=Role.SUPPORT, is_active=True))


def _team_for(consultation: Consultation) -> list[Any]:
    """Who on the support side hears about a consultation: its assignee, else the whole support team."""
    return [consultation.assignee] if consultation.assignee_id else support_team()


def _link(consultation: Consultation) -> str:
    return reverse("support:consultation", args=[consultation.pk])


def _notify(recipients: Iterable[Any], kind: str, consultation: Consultation, **extra: Any) -> None:
    notify(
        recipients,
        kind=kind,
        subject_template=f"support/notices/{kind.split('.')[1]}_subject.txt",
        body_template=f"support/notices/{kind.split('.')[1]}_body.txt",
        context={"consultation": consultation, **extra},
        link=_link(consultation),
    )


def _set_status(*, actor: Any, consultation: Consultation, status: str) -> None:
    if status == consultation.status:
        return
    if status not in TRANSITIONS.get(consultation.status, frozenset()):
        raise ValidationError(
            {
                "status": [
                    ValidationError(
                        _("「%(from)s」の相談を「%(to)s」にすることはできません。")
                        % {"from": Status(consultation.status).label, "to": Status(status).label},
                        code="state",
                    )
                ]
            }
        )
    before = snapshot(consultation)
    consultation.status = status
    consultation.closed_at = timezone.now() if status == Status.CLOSED else None
    consultation.save(update_fields=["status", "closed_at"])
    audit_saved(actor=actor, instance=consultation, before=before, member_code=consultation.member_id)


# --- consultations ------------------------------------------------------------------------------------------------


@transaction.atomic
def consultation_ask(
    *,
    actor: Any,
    member: Member,
    theme: str,
    title: str,
    description: str,
    urgency: str = Urgency.NORMAL,
    step: Step | None = None,
    organisations: Sequence[Organisation] = (),
    files: Sequence[FileIn] = (),
    is_demo: bool = False,
) -> Consultation:
    """A member's coordinator asks the support team; the theme's assignee (or the whole team) is told."""
    require(actor, "support.ask", member)
    errors: dict[str, list[Any]] = {}
    _texts(errors, {"title": (_("件名"), title, False), "description": (_("相談内容"), description, True)})
    _blank(errors, "title", title, _("件名"))
    _blank(errors, "description", description, _("相談内容"))
    if theme not in ConsultationTheme.values:
        _add(errors, "theme", _("テーマを選んでください。"), code="required")
    if urgency not in Urgency.values:
        _add(errors, "urgency", _("緊急度を選んでください。"))
    for organisation in organisations:
        if organisation.member_id != member.pk:
            _add(
                errors,
                "organisations",
                _("「%(name)s」はこの自治体の参加企業・団体ではありません。") % {"name": organisation.name},
                code="reference",
            )
    checked = _check_files(errors, files)
    _raise(errors)
    now = timezone.now()
    assignment = TopicAssignment.objects.filter(theme=theme).select_related("assignee").first()
    consultation = Consultation.objects.create(
        member=member,
        asked_by=actor,
        theme=theme,
        step=step,
        title=title.strip(),
        description=description.strip(),
        urgency=urgency,
        assignee=assignment.assignee if assignment and assignment.assignee.is_active else None,
        answer_due=add_working_days(now, settings.SUPPORT_FIRST_ANSWER_WORKING_DAYS),
        is_demo=is_demo,
    )
    consultation.organisations.set(organisations)
    audit_saved(actor=actor, instance=consultation, before=None, member_code=member.pk)
    message = Message.objects.create(consultation=consultation, author=actor, body=description.strip())
    _store_files(actor=actor, message=message, files=files, checked=checked, member_code=member.pk)
    _notify(_team_for(consultation), "support.consultation_new", consultation)
    return consultation


@transaction.atomic
def consultation_reply(
    *, actor: Any, consultation: Consultation, body: str, internal: bool = False, files: Sequence[FileIn] = ()
) -> Message:
    """A post in the thread. From the support side: an answer (→ 回答済, the member is told) or an internal note
    (no status change, no notice to the member). From the member: a follow-up (回答済/紹介済 → 対応中)."""
    require(actor, "support.reply", consultation)
    support_side = has_perm(actor, "support.answer")
    errors: dict[str, list[Any]] = {}
    _texts(errors, {"body": (_("本文"), body, True)})
    _blank(errors, "body", body, _("本文"))
    if internal and not support_side:
        _add(errors, "internal", _("内部メモは支援チームだけが書けます。"), code="role")
    checked = _check_files(errors, files)
    _raise(errors)
    message = Message.objects.create(consultation=consultation, author=actor, body=body.strip(), internal=internal)
    audit_saved(actor=actor, instance=message, before=None, member_code=consultation.member_id)
    _store_files(actor=actor, message=message, files=files, checked=checked, member_code=consultation.member_id)
    if internal:
        return message
    if support_side:
        if consultation.first_answered_at is None:
            consultation.first_answered_at = timezone.now()
            consultation.save(update_fields=["first_answered_at"])
        if consultation.status != Status.ANSWERED:
            _set_status(actor=actor, consultation=consultation, status=Status.ANSWERED)
        _notify(coordinators_of(consultation.member), "support.answered", consultation, message=message)
    else:
        if consultation.status in (Status.ANSWERED, Status.REFERRED):
            _set_status(actor=actor, consultation=consultation, status=Status.IN_PROGRESS)
        _notify(_team_for(consultation), "support.member_replied", consultation, message=message)
    return message


@transaction.atomic
def consultation_status_set(*, actor: Any, consultation: Consultation, status: str) -> Consultation:
    """The support side moves a consultation along the machine (対応中, 完了, …); the member's coordinators may
    close their own consultation once it is answered or referred."""
    require(actor, "support.view", consultation)
    if not has_perm(actor, "support.answer") and not (
        has_perm(actor, "support.consent", consultation) and status == Status.CLOSED
    ):
        require(actor, "support.answer")
    if status not in Status.values:
        raise ValidationError({"status": [ValidationError(_("状態を選んでください。"), code="invalid")]})
    _set_status(actor=actor, consultation=consultation, status=status)
    return consultation


@transaction.atomic
def consultation_assign(*, actor: Any, consultation: Consultation, assignee: User | None) -> Consultation:
    require(actor, "support.answer")
    if assignee is not None and not (assignee.is_active and assignee.role in (Role.SUPPORT, Role.SECRETARIAT)):
        raise ValidationError(
            {
                "assignee": [
                    ValidationError(
                        _("担当は支援チームか事務局の有効なアカウントから選んでください。"), code="reference"
                    )
                ]
            }
        )
    before = snapshot(consultation)
    consultation.assignee = assignee
    consultation.save(update_fields=["assignee"])
    audit_saved(actor=actor, instance=consultation, before=before, member_code=consultation.member_id)
    return consultation


@transaction.atomic
def consultation_consent_set(*, actor: Any, consultation: Consultation, consent: bool) -> Consultation:
    """The member's coordinator agrees (or no longer agrees) that the consultation may become an anonymised FAQ
    entry or case."""
    require(actor, "support.consent", consultation)
    before = snapshot(consultation)
    consultation.publish_consent = consent
    consultation.publish_consent_at = timezone.now() if consent else None
    consultation.save(update_fields=["publish_consent", "publish_consent_at"])
    audit_saved(actor=actor, instance=consultation, before=before, member_code=consultation.member_id)
    return consultation


# --- referrals ----------------------------------------------------------------------------------------------------


@transaction.atomic
def referral_create(
    *,
    actor: Any,
    consultation: Consultation,
    reason: str,
    consent_note: str,
    body: Referral | None = None,
    other_body: str = "",
    for_member: bool = True,
    organisations: Sequence[Organisation] = (),
    follow_up_on: dt.date | None = None,
) -> ReferralRecord:
    """Refer a consultation to a directory entry (or another named body), for the member or for named
    participating organisations, with the member's consent recorded; the consultation becomes 紹介済."""
    require(actor, "support.view", consultation)
    require(actor, "support.refer")
    errors: dict[str, list[Any]] = {}
    _texts(
        errors,
        {
            "other_body": (_("その他の紹介先"), other_body, False),
            "consent_note": (_("自治体の同意"), consent_note, False),
            "reason": (_("紹介の理由"), reason, True),
        },
    )
    if (body is None) == (not other_body.strip()):
        _add(
            errors,
            "body",
            _("紹介先を一覧から選ぶか、その他の紹介先の名称を入力してください（どちらか一方）。"),
            code="required",
        )
    _blank(errors, "reason", reason, _("紹介の理由"))
    _blank(errors, "consent_note", consent_note, _("自治体の同意"))
    if not for_member and not organisations:
        _add(
            errors,
            "organisations",
            _("自治体として相談しない場合は、紹介する参加企業・団体を選んでください。"),
            code="required",
        )
    for organisation in organisations:
        if organisation.member_id != consultation.member_id:
            _add(
                errors,
                "organisations",
                _("「%(name)s」はこの自治体の参加企業・団体ではありません。") % {"name": organisation.name},
                code="reference",
            )
    if follow_up_on is not None and follow_up_on < timezone.localdate():
        _add(errors, "follow_up_on", _("フォローアップ日は今日以降の日付にしてください。"), code="date_order")
    if consultation.status == Status.CLOSED:
        _add(errors, "status", _("完了した相談からは紹介できません。"), code="state")
    _raise(errors)
    record = ReferralRecord.objects.create(
        consultation=consultation,
        body=body,
        other_body=other_body.strip(),
        for_member=for_member,
        reason=reason.strip(),
        consent_note=consent_note.strip(),
        referred_by=actor,
        follow_up_on=follow_up_on,
    )
    record.organisations.set(organisations)
    audit_saved(actor=actor, instance=record, before=None, member_code=consultation.member_id)
    if consultation.first_answered_at is None:
        consultation.first_answered_at = timezone.now()
        consultation.save(update_fields=["first_answered_at"])
    _set_status(actor=actor, consultation=consultation, status=Status.REFERRED)
    _notify(coordinators_of(consultation.member), "support.referred", consultation, referral=record)
    return record


REFERRAL_UPDATE_FIELDS = ("contact_made_on", "contact_note", "outcome", "outcome_note", "follow_up_on")


@transaction.atomic
def referral_update(*, actor: Any, referral: ReferralRecord, data: dict[str, Any]) -> ReferralRecord:
    """Record contact made, the outcome and the next follow-up date (a new date re-arms its reminder)."""
    require(actor, "support.view_referral", referral)
    require(actor, "support.refer")
    errors: dict[str, list[Any]] = {}
    unknown = set(data) - set(REFERRAL_UPDATE_FIELDS)
    if unknown:
        _add(errors, sorted(unknown)[0], _("変更できない項目です。"))
    _texts(
        errors,
        {
            "contact_note": (_("連絡の記録"), data.get("contact_note"), True),
            "outcome_note": (_("結果の記録"), data.get("outcome_note"), True),
        },
    )
    if "outcome" in data and data["outcome"] not in Outcome.values:
        _add(errors, "outcome", _("結果を選んでください。"))
    today = timezone.localdate()
    if data.get("contact_made_on") and data["contact_made_on"] > today:
        _add(errors, "contact_made_on", _("連絡した日に未来の日付は入力できません。"), code="date_order")
    if data.get("contact_made_on") and data["contact_made_on"] < referral.referred_at.date() - dt.timedelta(days=1):
        _add(errors, "contact_made_on", _("連絡した日は紹介した日より前にできません。"), code="date_order")
    _raise(errors)
    before = snapshot(referral)
    for field in REFERRAL_UPDATE_FIELDS:
        if field in data:
            value = data[field]
            setattr(referral, field, "" if value is None and field.endswith(("note", "outcome")) else value)
    if (referral.follow_up_on.isoformat() if referral.follow_up_on else None) != before["follow_up_on"]:
        referral.reminded_on = None  # a new follow-up date gets its own reminder
    referral.full_clean(exclude=["consultation", "body", "referred_by", "organisations"])
    referral.save()
    audit_saved(actor=actor, instance=referral, before=before, member_code=referral.consultation.member_id)
    return referral


# --- what the support team keeps ----------------------------------------------------------------------------------


@transaction.atomic
def topic_assignment_set(*, actor: Any, theme: str, assignee: User | None) -> TopicAssignment | None:
    require(actor, "support.manage_assignments")
    if theme not in ConsultationTheme.values:
        raise ValidationError({"theme": [ValidationError(_("テーマを選んでください。"), code="invalid")]})
    row = TopicAssignment.objects.filter(theme=theme).first()
    if assignee is None:
        if row is not None:
            audit_record(actor=actor, action=AuditAction.DELETE, instance=row, before=snapshot(row), after=None)
            row.delete()
        return None
    if not (assignee.is_active and assignee.role in (Role.SUPPORT, Role.SECRETARIAT)):
        raise ValidationError(
            {
                "assignee": [
                    ValidationError(
                        _("担当は支援チームか事務局の有効なアカウントから選んでください。"), code="reference"
                    )
                ]
            }
        )
    before = snapshot(row) if row else None
    row = row or TopicAssignment(theme=theme)
    row.assignee = assignee
    row.save()
    audit_saved(actor=actor, instance=row, before=before)
    return row


@transaction.atomic
def saved_answer_save(
    *, actor: Any, title: str, body: str, theme: str = "", links: str = "", saved: SavedAnswer | None = None
) -> SavedAnswer:
    require(actor, "support.manage_saved_answers")
    errors: dict[str, list[Any]] = {}
    _texts(
        errors,
        {"title": (_("題名"), title, False), "body": (_("本文"), body, True), "links": (_("リンク"), links, True)},
    )
    _blank(errors, "title", title, _("題名"))
    _blank(errors, "body", body, _("本文"))
    if theme and theme not in ConsultationTheme.values:
        _add(errors, "theme", _("テーマを選んでください。"))
    for line in (links or "").splitlines():
        if line.strip() and not line.strip().startswith(("https://", "http://", "/")):
            _add(
                errors,
                "links",
                _("リンクは1行に1つ、https:// か / で始まる形で書いてください：%(line)s") % {"line": line.strip()},
            )
    _raise(errors)
    before = snapshot(saved) if saved else None
    saved = saved or SavedAnswer()
    saved.title, saved.body, saved.theme, saved.links = title.strip(), body.strip(), theme, links.strip()
    saved.save()
    audit_saved(actor=actor, instance=saved, before=before, bookkeeping=frozenset({"updated_at"}))
    return saved


def _names_in(consultation: Consultation) -> list[str]:
    """Names an anonymised text must not contain: the member (full and short), its organisations, the people."""
    lg = consultation.member.local_government
    names = {lg.full_name, lg.name}
    stem = lg.city_name[:-1] if lg.city_name and lg.city_name[-1] in "市町村区" else ""
    if len(stem) >= 2:
        names.add(stem)
    names.update(Organisation.objects.filter(member=consultation.member).values_list("name", flat=True))
    for user in [consultation.asked_by, *coordinators_of(consultation.member)]:
        names.update(n for n in (user.display_name, user.username) if n and len(n) >= 2)
    return sorted(n for n in names if n)


@transaction.atomic
def faq_create(*, actor: Any, consultation: Consultation, question: str, answer: str) -> FaqEntry:
    """A closed consultation whose member consented becomes an anonymised FAQ entry: the text may not name the
    member, its organisations or its people (refused, naming what was found)."""
    require(actor, "support.view", consultation)
    require(actor, "support.answer")
    errors: dict[str, list[Any]] = {}
    _texts(errors, {"question": (_("質問"), question, True), "answer": (_("回答"), answer, True)})
    _blank(errors, "question", question, _("質問"))
    _blank(errors, "answer", answer, _("回答"))
    if consultation.status != Status.CLOSED:
        _add(errors, "status", _("FAQにできるのは完了した相談だけです。"), code="state")
    if not consultation.publish_consent:
        _add(errors, "status", _("自治体の同意がないためFAQにできません。"), code="state")
    if FaqEntry.objects.filter(source=consultation).exists():
        _add(errors, "status", _("この相談はすでにFAQになっています。"), code="duplicate")
    for field, text in (("question", question), ("answer", answer)):
        found = [n for n in _names_in(consultation) if n in text]
        if found:
            _add(
                errors,
                field,
                _("匿名にするため、次の名前を含めないでください：%(names)s") % {"names": "、".join(found)},
                code="anonymity",
            )
    _raise(errors)
    entry = FaqEntry.objects.create(
        theme=consultation.theme, question=question.strip(), answer=answer.strip(), source=consultation
    )
    audit_saved(actor=actor, instance=entry, before=None)
    return entry
