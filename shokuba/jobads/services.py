"""Saving job-ad checks: one ad, a rewrite of a saved one, a file of many ads for a programme. Each is
permission-checked, atomic and audited; a refused or invalid request stores nothing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shokuba.analysis import jobad
from shokuba.core.audit import audit_record
from shokuba.core.models import AuditAction
from shokuba.core.permissions import require
from shokuba.core.uploads import UploadError
from shokuba.core.validation import texts_check
from shokuba.jobads import files, selectors
from shokuba.jobads.models import JobAdCheck, Source
from shokuba.network.models import Member, Organisation
from shokuba.network.permissions import visible_organisations
from shokuba.tabular import TableRefused

TITLE_MAX = 200


def _errors(title: str, text: str) -> dict[str, list[Any]]:
    errors = texts_check({"title": (_("求人の名前"), title, False), "text": (_("求人の本文"), text, True)})
    if not title.strip():
        errors.setdefault("title", []).append(ValidationError(_("求人の名前を入力してください。"), code="required"))
    elif len(title) > TITLE_MAX:
        errors.setdefault("title", []).append(
            ValidationError(_("求人の名前は%(n)d文字以内にしてください。") % {"n": TITLE_MAX}, code="max_length")
        )
    if not text.strip():
        errors.setdefault("text", []).append(ValidationError(_("求人の本文を入力してください。"), code="required"))
    elif len(text) > jobad.MAX_TEXT:
        errors.setdefault("text", []).append(
            ValidationError(_("求人の本文は%(n)d文字以内にしてください。") % {"n": jobad.MAX_TEXT}, code="max_length")
        )
    return errors


def _store(
    *,
    actor: Any,
    organisation: Organisation,
    title: str,
    text: str,
    source: str,
    previous: JobAdCheck | None = None,
    facts: jobad.Facts | None = None,
) -> JobAdCheck:
    if facts is None:
        facts = selectors.organisation_facts(actor, organisation)
    report = jobad.check(text, facts=facts)
    check = JobAdCheck.objects.create(
        member_id=organisation.member_id,
        organisation=organisation,
        title=title.strip(),
        text=text,
        findings=[f.as_dict() for f in report.findings],
        scores=report.scores,
        source=source,
        previous=previous,
        is_demo=source == Source.DEMO or (previous is not None and previous.is_demo),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=check,
        before=None,
        after={
            "title": check.title,
            "source": source,
            "scores": report.scores,
            "findings": len(report.flagged()),
            "previous": previous.pk if previous else None,
        },
        member_code=organisation.member_id,
    )
    return check


def jobad_check_save(
    *, actor: Any, organisation: Organisation, title: str, text: str, source: str = Source.PASTED
) -> JobAdCheck:
    require(actor, "jobads.check", organisation)
    text = text.replace("\r\n", "\n")
    errors = _errors(title, text)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _store(actor=actor, organisation=organisation, title=title, text=text, source=source)


def jobad_rewrite_apply(*, actor: Any, check: JobAdCheck, keys: Iterable[str]) -> JobAdCheck:
    """A new version of the ad with the chosen findings' rewrites applied, checked again, pointing at `check`."""
    require(actor, "jobads.check", check.organisation)
    chosen = list(keys)
    known = {f["key"] for f in check.findings}
    unknown = [k for k in chosen if k not in known]
    if unknown or not chosen:
        raise ValidationError({"keys": [ValidationError(_("書き換える指摘を選んでください。"), code="reference")]})
    findings = [jobad.Finding(**{k: v for k, v in f.items() if k != "key"}) for f in check.findings]
    text = jobad.apply_rewrites(check.text, findings, keys=chosen)
    if text == check.text:
        raise ValidationError({"keys": [ValidationError(_("選んだ指摘には書き換え案がありません。"), code="state")]})
    errors = _errors(check.title, text)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _store(
            actor=actor,
            organisation=check.organisation,
            title=check.title,
            text=text,
            source=Source.REWRITE,
            previous=check,
        )


def jobad_batch_import(*, actor: Any, member: Member, stream: IO[bytes], name: str, size: int) -> list[JobAdCheck]:
    """Check every ad of a CSV/Excel file for the programme's organisations (matched by name). Every problem is
    reported by row and nothing is saved unless every row is good."""
    require(actor, "jobads.batch", member)
    try:
        rows = files.batch_rows(stream, name=name, size=size)
    except (UploadError, TableRefused) as error:
        raise ValidationError({"file": [ValidationError(str(error), code="invalid_file")]}) from error
    if not rows:
        raise ValidationError({"file": [ValidationError(_("ファイルに求人がありません。"), code="empty")]})
    organisations = {o.name: o for o in visible_organisations(actor).filter(member=member)}
    problems: list[str] = []
    for row in rows:
        if row.organisation not in organisations:
            problems.append(
                _("%(row)d行目：企業・団体「%(name)s」はこの自治体の参加企業・団体にありません。")
                % {"row": row.row, "name": row.organisation[:60]}
            )
        for field_errors in _errors(row.title, row.text).values():
            for problem in field_errors:
                problems.append(_("%(row)d行目：%(message)s") % {"row": row.row, "message": " ".join(problem.messages)})
    if problems:
        raise ValidationError({"file": [ValidationError(p, code="invalid_row") for p in problems[:50]]})
    # The organisation's figures are read once per organisation of the file, not once per ad.
    facts = {o.pk: selectors.organisation_facts(actor, o) for o in {organisations[r.organisation] for r in rows}}
    with transaction.atomic():
        return [
            _store(
                actor=actor,
                organisation=organisations[row.organisation],
                title=row.title,
                text=row.text,
                source=Source.BATCH,
                facts=facts[organisations[row.organisation].pk],
            )
            for row in rows
        ]
