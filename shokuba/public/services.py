"""Every change to what is published: `<thing>_<verb>(*, actor, ...)`, atomic, permission-checked
(`public.publish_member` / `public.publish_organisation`), validated (every problem at once, naming the field) and
audited.

- A member publishes items of its **approved** plan (KPIs and initiatives not marked internal) and **closed** waves
  of its own; the ids are checked here, and the public selectors check again when reading (a plan revised into a
  draft, an item made internal later: not shown).
- An organisation publishes indicators of a fiscal year it has figures for, and postings only after the job-ad
  checker registered with `core.checkers` found nothing; with no checker registered, publishing is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shokuba.core.audit import audit_record, audit_saved, snapshot
from shokuba.core.checkers import JOB_AD_CHECKER, checker_of
from shokuba.core.models import AuditAction
from shokuba.core.permissions import require
from shokuba.core.validation import texts_check
from shokuba.network.models import LocalGovernment, Member, Organisation
from shokuba.plans.models import Initiative, Kpi, PlanState
from shokuba.public.models import (
    EmploymentType,
    IndicatorPublication,
    JobPosting,
    MemberPublication,
    OrganisationProfile,
    PostingState,
    SalaryUnit,
)
from shokuba.surveys.models import Wave, WaveStatus
from shokuba.workplace.definitions import INDICATORS_BY_CODE
from shokuba.workplace.models import IndicatorYear

BOOKKEEPING = frozenset({"updated_at", "created_at"})


def _add(errors: dict[str, list[Any]], field: str, message: str, code: str = "invalid") -> None:
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def _ids(values: Iterable[Any]) -> list[int]:
    out: list[int] = []
    for value in values:
        number = int(value)
        if number not in out:
            out.append(number)
    return sorted(out)


def publishable_kpis(member: Member) -> list[Kpi]:
    """The KPIs a member may publish: its plan's, when the plan is approved, not marked internal."""
    return list(
        Kpi.objects.filter(plan__member=member, plan__state=PlanState.APPROVED, internal=False).order_by(
            "position", "pk"
        )
    )


def publishable_initiatives(member: Member) -> list[Initiative]:
    return list(
        Initiative.objects.filter(plan__member=member, plan__state=PlanState.APPROVED, internal=False)
        .select_related("step")
        .order_by("step__position", "starts_on", "pk")
    )


def publishable_waves(member: Member) -> list[Wave]:
    """Closed waves of the member's own (their headline results go through the results gate)."""
    return list(Wave.objects.filter(member=member, status=WaveStatus.CLOSED).order_by("-fiscal_year", "-pk"))


@transaction.atomic
def member_publication_save(
    *,
    actor: Any,
    member: Member,
    published: bool,
    summary: str,
    kpi_ids: Iterable[Any] = (),
    initiative_ids: Iterable[Any] = (),
    wave_ids: Iterable[Any] = (),
) -> MemberPublication:
    require(actor, "public.publish_member", member)
    errors = texts_check({"summary": (_("取組の紹介"), summary, True)})
    if len(summary) > 4000:
        _add(errors, "summary", _("取組の紹介は4,000文字以内で入力してください。"))
    if published and not summary.strip():
        _add(errors, "summary", _("公開するには取組の紹介を入力してください。"), "required")
    chosen: dict[str, list[int]] = {}
    allowed = {
        "kpi_ids": (
            {k.pk for k in publishable_kpis(member)},
            _("承認済みの計画の（内部用でない）KPIだけを公開できます。"),
        ),
        "initiative_ids": (
            {i.pk for i in publishable_initiatives(member)},
            _("承認済みの計画の（内部用でない）取組だけを公開できます。"),
        ),
        "wave_ids": ({w.pk for w in publishable_waves(member)}, _("この自治体の終了した調査だけを公開できます。")),
    }
    for field, values in (("kpi_ids", kpi_ids), ("initiative_ids", initiative_ids), ("wave_ids", wave_ids)):
        try:
            ids = _ids(values)
        except (TypeError, ValueError):
            _add(errors, field, _("選択肢から選んでください。"))
            continue
        valid, message = allowed[field]
        if set(ids) - valid:
            _add(errors, field, message)
        chosen[field] = ids
    if errors:
        raise ValidationError(errors)
    publication = MemberPublication.objects.select_for_update().filter(member=member).first()
    before = snapshot(publication) if publication else None
    publication = publication or MemberPublication(member=member)
    publication.published = bool(published)
    publication.summary = summary
    publication.kpi_ids = chosen["kpi_ids"]
    publication.initiative_ids = chosen["initiative_ids"]
    publication.wave_ids = chosen["wave_ids"]
    publication.save()
    audit_saved(actor=actor, instance=publication, before=before, member_code=member.pk, bookkeeping=BOOKKEEPING)
    return publication


@transaction.atomic
def organisation_profile_save(
    *,
    actor: Any,
    organisation: Organisation,
    published: bool,
    introduction: str = "",
    recruiting_url: str = "",
    show_certifications: bool = False,
) -> OrganisationProfile:
    require(actor, "public.publish_organisation", organisation)
    errors = texts_check(
        {
            "introduction": (_("紹介文"), introduction, True),
            "recruiting_url": (_("採用ページのURL"), recruiting_url, False),
        }
    )
    if len(introduction) > 2000:
        _add(errors, "introduction", _("紹介文は2,000文字以内で入力してください。"))
    recruiting_url = recruiting_url.strip()
    if recruiting_url:
        try:
            URLValidator(schemes=["https", "http"])(recruiting_url)
        except ValidationError:
            _add(errors, "recruiting_url", _("採用ページのURLは https:// で始まる正しいURLを入力してください。"))
        if len(recruiting_url) > 500:
            _add(errors, "recruiting_url", _("採用ページのURLは500文字以内で入力してください。"))
    if errors:
        raise ValidationError(errors)
    profile = OrganisationProfile.objects.select_for_update().filter(organisation=organisation).first()
    before = snapshot(profile) if profile else None
    profile = profile or OrganisationProfile(organisation=organisation)
    profile.published = bool(published)
    profile.introduction = introduction
    profile.recruiting_url = recruiting_url
    profile.show_certifications = bool(show_certifications)
    profile.save()
    audit_saved(
        actor=actor, instance=profile, before=before, member_code=organisation.member_id, bookkeeping=BOOKKEEPING
    )
    return profile


@transaction.atomic
def indicator_publication_save(
    *,
    actor: Any,
    organisation: Organisation,
    fiscal_year: int,
    indicators: Iterable[str],
    show_arrangements: bool = False,
) -> IndicatorPublication | None:
    """Which indicators of a fiscal year are public. Choosing none (and no arrangements) withdraws the year."""
    require(actor, "public.publish_organisation", organisation)
    errors: dict[str, list[Any]] = {}
    codes = {str(c) for c in indicators}
    unknown = sorted(c for c in codes if c not in INDICATORS_BY_CODE)
    if unknown:
        _add(errors, "indicators", _("選択肢にない指標です: %(codes)s") % {"codes": "、".join(unknown)})
    year = IndicatorYear.objects.filter(organisation=organisation, fiscal_year=fiscal_year).first()
    if year is None:
        _add(errors, "fiscal_year", _("%(year)s年度の職場の指標が登録されていません。") % {"year": fiscal_year})
    if errors:
        raise ValidationError(errors)
    order = list(INDICATORS_BY_CODE)
    chosen = sorted(codes, key=order.index)
    publication = (
        IndicatorPublication.objects.select_for_update()
        .filter(organisation=organisation, fiscal_year=fiscal_year)
        .first()
    )
    before = snapshot(publication) if publication else None
    if not chosen and not show_arrangements:
        if publication is not None:
            audit_record(
                actor=actor,
                action=AuditAction.DELETE,
                instance=publication,
                before=before,
                after=None,
                member_code=organisation.member_id,
            )
            publication.delete()
        return None
    publication = publication or IndicatorPublication(organisation=organisation, fiscal_year=fiscal_year)
    publication.indicators = chosen
    publication.show_arrangements = bool(show_arrangements)
    publication.save()
    audit_saved(
        actor=actor, instance=publication, before=before, member_code=organisation.member_id, bookkeeping=BOOKKEEPING
    )
    return publication


def _posting_errors(values: dict[str, Any]) -> dict[str, list[Any]]:
    errors = texts_check(
        {
            "title": (_("職種・求人の名称"), values.get("title", ""), False),
            "description": (_("仕事の内容・応募資格"), values.get("description", ""), True),
        }
    )
    title = str(values.get("title", ""))
    description = str(values.get("description", ""))
    if not title.strip():
        _add(errors, "title", _("職種・求人の名称を入力してください。"), "required")
    elif len(title) > 120:
        _add(errors, "title", _("職種・求人の名称は120文字以内で入力してください。"))
    if not description.strip():
        _add(errors, "description", _("仕事の内容・応募資格を入力してください。"), "required")
    elif len(description) > 8000:
        _add(errors, "description", _("仕事の内容・応募資格は8,000文字以内で入力してください。"))
    if values.get("employment_type") not in EmploymentType.values:
        _add(errors, "employment_type", _("雇用形態を選んでください。"), "required")
    low, high, unit = values.get("salary_min"), values.get("salary_max"), values.get("salary_unit") or ""
    if low is not None and high is not None and high < low:
        _add(errors, "salary_max", _("給与の上限は下限以上にしてください。"), "order")
    if (low is not None or high is not None) and unit not in SalaryUnit.values:
        _add(errors, "salary_unit", _("給与を入力したときは給与の単位を選んでください。"), "required")
    if unit and unit not in SalaryUnit.values:
        _add(errors, "salary_unit", _("給与の単位を選択肢から選んでください。"))
    valid_through = values.get("valid_through")
    if not isinstance(valid_through, dt.date):
        _add(errors, "valid_through", _("募集の締切日を入力してください。"), "required")
    if not isinstance(values.get("location"), LocalGovernment):
        _add(errors, "location", _("勤務地の団体コードを入力してください。"), "required")
    return errors


FIELDS = (
    "title",
    "description",
    "employment_type",
    "location",
    "salary_min",
    "salary_max",
    "salary_unit",
    "valid_through",
)


def _attnames() -> list[str]:
    return [name + "_id" if name == "location" else name for name in FIELDS]


@transaction.atomic
def job_posting_save(
    *, actor: Any, organisation: Organisation, posting: JobPosting | None = None, **values: Any
) -> JobPosting:
    """Create or change a posting. A published posting that is changed goes back to draft: it is checked again
    when it is published again."""
    require(actor, "public.publish_organisation", organisation)
    if posting is not None and posting.organisation_id != organisation.pk:
        raise ValueError("posting of another organisation")
    errors = _posting_errors(values)
    if errors:
        raise ValidationError(errors)
    if posting is not None:
        posting = JobPosting.objects.select_for_update().get(pk=posting.pk)
    before = snapshot(posting) if posting else None
    posting = posting or JobPosting(organisation=organisation)
    for name in FIELDS:
        setattr(posting, name, values.get(name))
    posting.salary_unit = posting.salary_unit or ""
    if before is not None and posting.state == PostingState.PUBLISHED:
        after = snapshot(posting)
        if any(before.get(key) != after.get(key) for key in _attnames()):
            posting.state = PostingState.DRAFT
    posting.save()
    audit_saved(
        actor=actor, instance=posting, before=before, member_code=organisation.member_id, bookkeeping=BOOKKEEPING
    )
    return posting


def posting_texts(posting: JobPosting) -> dict[str, str]:
    """What the job-ad checker reads: every free text of the posting."""
    return {"title": posting.title, "description": posting.description}


@transaction.atomic
def job_posting_publish(*, actor: Any, posting: JobPosting, today: dt.date | None = None) -> JobPosting:
    """Publish after the job-ad checker found nothing. No checker registered: refused (never published unchecked)."""
    require(actor, "public.publish_organisation", posting.organisation)
    posting = JobPosting.objects.select_for_update().select_related("organisation").get(pk=posting.pk)
    today = today or timezone.localdate()
    checker = checker_of(JOB_AD_CHECKER)
    if checker is None:
        raise ValidationError(
            {
                "state": [
                    ValidationError(
                        _(
                            "求人票チェックの仕組みが登録されていないため、求人を公開できません。"
                            "事務局（システム管理者）にお問い合わせください。"
                        ),
                        code="checker_missing",
                    )
                ]
            }
        )
    errors: dict[str, list[Any]] = {}
    if posting.valid_through < today:
        _add(
            errors,
            "valid_through",
            _("募集の締切日が過ぎています。締切日を変更してから公開してください。"),
            "date_order",
        )
    for finding in checker(posting_texts(posting)):
        field = finding.field if finding.field in ("title", "description") else "description"
        words = f"「{finding.excerpt}」" if finding.excerpt and f"「{finding.excerpt}」" not in finding.message else ""
        _add(errors, field, f"{words}{finding.message}", "job_ad_check")
    if errors:
        raise ValidationError(errors)
    before = snapshot(posting)
    posting.state = PostingState.PUBLISHED
    posting.published_on = today
    posting.save()
    audit_saved(
        actor=actor,
        instance=posting,
        before=before,
        member_code=posting.organisation.member_id,
        bookkeeping=BOOKKEEPING,
    )
    return posting


@transaction.atomic
def job_posting_close(*, actor: Any, posting: JobPosting) -> JobPosting:
    require(actor, "public.publish_organisation", posting.organisation)
    posting = JobPosting.objects.select_for_update().select_related("organisation").get(pk=posting.pk)
    before = snapshot(posting)
    posting.state = PostingState.CLOSED
    posting.save()
    audit_saved(
        actor=actor,
        instance=posting,
        before=before,
        member_code=posting.organisation.member_id,
        bookkeeping=BOOKKEEPING,
    )
    return posting
