"""Every change to workplace indicators: permission-checked, validated, written and audited in one transaction."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from shokuba.core.audit import audit_record, audit_saved, snapshot
from shokuba.core.models import AuditAction
from shokuba.core.permissions import account_of, require
from shokuba.core.uploads import DATA_EXTENSIONS, UploadError, check_upload
from shokuba.core.validation import texts_check
from shokuba.network.models import Member, Organisation
from shokuba.workplace import definitions, imports
from shokuba.workplace.messages import problem_message
from shokuba.workplace.models import (
    ImportKind,
    ImportStatus,
    IndicatorImport,
    IndicatorYear,
    MaleLeaveFormula,
    Source,
    fiscal_year_problem,
)

BOOKKEEPING = frozenset({"updated_at", "updated_by_id", "created_at"})


def apply_values(
    instance: IndicatorYear,
    *,
    raw: Mapping[str, Any],
    formula: str,
    arrangements: Mapping[str, bool] | None,
    warnings: list[definitions.Problem],
) -> None:
    """Set raw, formula, the computed columns, the arrangements and the warnings on an (unsaved) row."""
    instance.raw = definitions.stored_raw(raw)
    instance.male_childcare_leave_formula = formula
    for code, value in definitions.compute(instance.raw, formula=formula).items():
        setattr(instance, code, value)
    if arrangements is not None:
        for code in definitions.ARRANGEMENTS_BY_CODE:
            setattr(instance, code, bool(arrangements.get(code, False)))
    instance.warnings = [{"field": p.field, "message": problem_message(p)} for p in warnings]


def validate_year(raw: Mapping[str, Any], *, formula: str) -> tuple[dict[str, list[Any]], list[definitions.Problem]]:
    """Field errors (Japanese, keyed by input or indicator code) and the warnings to keep."""
    problems = definitions.check(raw, formula=formula)
    errors: dict[str, list[Any]] = {}
    for problem in definitions.errors(problems):
        # Counts that contradict each other (a part larger than its whole, a share over 100 %) are a rule across
        # fields ("figures"); a value outside its own range is the field's (the API schema states those ranges).
        code = "figures" if problem.template in (definitions.T_SUBSET, definitions.T_PERCENT_OVER) else "invalid"
        errors.setdefault(problem.field, []).append(ValidationError(problem_message(problem), code=code))
    return errors, [p for p in problems if p.severity == "warning"]


@transaction.atomic
def indicator_year_save(
    *,
    actor: Any,
    organisation: Organisation,
    fiscal_year: int,
    raw: Mapping[str, Any],
    formula: str = MaleLeaveFormula.LEAVE,
    arrangements: Mapping[str, bool] | None = None,
    source: str = Source.ENTERED,
    period_note: str = "",
    certifications: Mapping[str, Any] | None = None,
) -> IndicatorYear:
    """Create or replace one organisation's figures for a fiscal year. `raw` replaces the year's raw figures
    whole (codes from definitions.INPUTS, or an indicator's code for a ratio given directly); `arrangements`
    and `certifications` None keep the current ones. Raises ValidationError({code: [message]}) and writes
    nothing on any error."""
    require(actor, "workplace.change_indicators", organisation)
    year_problem = fiscal_year_problem(fiscal_year)
    if year_problem:
        raise ValidationError({"fiscal_year": [year_problem]})
    errors, warnings = validate_year(raw, formula=formula)
    errors.update(texts_check({"period_note": (gettext("対象期間"), period_note, False)}))
    if errors:
        raise ValidationError(errors)
    instance = (
        IndicatorYear.objects.select_for_update().filter(organisation=organisation, fiscal_year=fiscal_year).first()
    )
    before = snapshot(instance) if instance is not None else None
    if instance is None:
        instance = IndicatorYear(organisation=organisation, fiscal_year=fiscal_year)
    apply_values(instance, raw=raw, formula=formula, arrangements=arrangements, warnings=warnings)
    instance.source = source
    instance.period_note = period_note[:120]
    if certifications is not None:
        instance.certifications = dict(certifications)
    instance.updated_by = account_of(actor)
    instance.save()
    audit_saved(
        actor=actor, instance=instance, before=before, member_code=organisation.member_id, bookkeeping=BOOKKEEPING
    )
    return instance


@transaction.atomic
def indicator_year_delete(*, actor: Any, indicator_year: IndicatorYear) -> None:
    organisation = indicator_year.organisation
    require(actor, "workplace.change_indicators", organisation)
    before = snapshot(indicator_year)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=indicator_year,
        before=before,
        after=None,
        member_code=organisation.member_id,
    )
    indicator_year.delete()


# --- imports: preview, then confirm ---------------------------------------------------------------------------


class ImportNotConfirmable(Exception):
    """The preview cannot be written (problems, already done, or the stored figures changed since)."""


def import_scope(actor: Any, member: Member | None) -> list[Organisation]:
    """The organisations a file is matched against: the member's (the programme's), or every one for a
    network-wide import by the secretariat."""
    organisations = Organisation.objects.all() if member is None else Organisation.objects.filter(member=member)
    return list(organisations.only("id", "name", "corporate_number", "member_id").order_by("id"))


@transaction.atomic
def indicator_import_preview(
    *,
    actor: Any,
    member: Member | None,
    kind: str,
    stream: IO[bytes],
    file_name: str,
    fiscal_year: int | None,
) -> IndicatorImport:
    """Check, read and match a file and store the preview (not the figures): the page and `manage.py
    import_workplace` both come here. The file is checked (size, type, content against its extension) before
    it is read. Raises imports.ImportRefused when it cannot be read at all."""
    require(actor, "workplace.import", member)
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    try:
        checked = check_upload(
            stream, name=file_name, size=size, max_bytes=imports.MAX_UPLOAD_BYTES, allowed=DATA_EXTENSIONS
        )
    except UploadError as exc:
        raise imports.ImportRefused([str(exc)]) from exc
    if fiscal_year is not None:
        problem = fiscal_year_problem(fiscal_year)
        if problem:
            raise imports.ImportRefused([problem])
    organisations = import_scope(actor, member)
    if kind == ImportKind.WDB:
        if fiscal_year is None:
            raise imports.ImportRefused([gettext("取り込む年度を指定してください。")])
        preview = imports.preview_wdb(
            stream, file_name=checked.name, organisations=organisations, fiscal_year=fiscal_year
        )
    else:
        preview = imports.preview_template(
            stream, file_name=checked.name, organisations=organisations, fiscal_year=fiscal_year
        )
    return IndicatorImport.objects.create(
        member=member,
        kind=kind,
        file_name=checked.name,
        file_sha256=checked.sha256,
        encoding=preview.encoding,
        fiscal_year=fiscal_year,
        rows=preview.rows,
        summary=preview.summary(),
        created_by=account_of(actor),
    )


@transaction.atomic
def indicator_import_confirm(*, actor: Any, batch: IndicatorImport) -> int:
    """Write every row of a preview, all or none, each audited. Returns the number of organisation-years written.
    Refused when the preview had blocking problems, was already confirmed or discarded, or when any figure it
    would overwrite was changed after the preview was made (the user reads the file again)."""
    require(actor, "workplace.import", batch.member)
    batch = IndicatorImport.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.PREVIEWED:
        raise ImportNotConfirmable(gettext("この取込はすでに確定または取り消しされています。"))
    if batch.summary.get("blocking"):
        raise ImportNotConfirmable(
            gettext("問題のある行があるため取り込めません。ファイルを直して読み込み直してください。")
        )
    source = Source.WDB if batch.kind == ImportKind.WDB else Source.TEMPLATE
    organisations = {o.pk: o for o in Organisation.objects.filter(pk__in=[r["organisation_id"] for r in batch.rows])}
    written = 0
    for row in batch.rows:
        organisation = organisations.get(row["organisation_id"])
        if organisation is None or (batch.member_id is not None and organisation.member_id != batch.member_id):
            raise ImportNotConfirmable(
                gettext("「%(name)s」は参加企業・団体から外れています。読み込み直してください。")
                % {"name": row["organisation"]}
            )
        current = (
            IndicatorYear.objects.select_for_update()
            .filter(organisation=organisation, fiscal_year=row["fiscal_year"])
            .first()
        )
        stamp = current.updated_at.isoformat() if current is not None else None
        if stamp != row["base_updated_at"]:
            raise ImportNotConfirmable(
                gettext(
                    "「%(name)s」の%(year)d年度の値が読み込みの後に変更されました。ファイルを読み込み直してください。"
                )
                % {"name": organisation.name, "year": row["fiscal_year"]}
            )
        if not imports.has_changes(row):
            continue
        try:
            indicator_year_save(
                actor=actor,
                organisation=organisation,
                fiscal_year=row["fiscal_year"],
                raw=row["raw"],
                formula=row["formula"],
                arrangements=row["arrangements"],
                source=source,
                period_note=row.get("period_note") or (current.period_note if current else ""),
                certifications=row.get("certifications"),
            )
        except ValidationError as exc:
            raise ImportNotConfirmable(
                gettext("「%(name)s」の値に問題があります: %(detail)s")
                % {"name": organisation.name, "detail": " ".join(exc.messages)}
            ) from exc
        written += 1
    batch.status = ImportStatus.CONFIRMED
    batch.confirmed_at = timezone.now()
    batch.confirmed_by = account_of(actor)
    batch.summary = {**batch.summary, "written": written}
    batch.save(update_fields=["status", "confirmed_at", "confirmed_by", "summary"])
    return written


@transaction.atomic
def indicator_import_discard(*, actor: Any, batch: IndicatorImport) -> None:
    require(actor, "workplace.import", batch.member)
    batch = IndicatorImport.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.PREVIEWED:
        raise ImportNotConfirmable(gettext("この取込はすでに確定または取り消しされています。"))
    batch.status = ImportStatus.DISCARDED
    batch.rows = []
    batch.save(update_fields=["status", "rows"])
