"""What a member and a participating organisation choose to publish on the public site, and organisations' job
postings.

Nothing is public unless a row here says so: a member's page exists only while `MemberPublication.published`, an
organisation's profile only while `OrganisationProfile.published`, a figure only when its indicator is listed in an
`IndicatorPublication` of that fiscal year, a posting only in the state `published` (after the job-ad checker).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shokuba.network.models import LocalGovernment, Member, Organisation


class MemberPublication(models.Model):
    """A member's public page: its programme summary, and which parts of its approved plan and which closed survey
    waves' headline results it publishes (ids, checked by the service against the plan and the waves)."""

    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, primary_key=True, related_name="publication", verbose_name=_("参加自治体")
    )
    published = models.BooleanField(_("公開する"), default=False)
    summary = models.TextField(_("取組の紹介"), max_length=4000, blank=True)
    kpi_ids = models.JSONField(_("公開するKPI"), default=list, blank=True)
    initiative_ids = models.JSONField(_("公開する取組"), default=list, blank=True)
    wave_ids = models.JSONField(_("結果を公開する調査"), default=list, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("参加自治体の公開設定")
        verbose_name_plural = _("参加自治体の公開設定")

    def __str__(self) -> str:
        return str(self.member)


class OrganisationProfile(models.Model):
    """An organisation's public profile: whether it is shown, its introduction, recruiting page and whether its
    certifications are shown. Which figures are shown is per fiscal year (IndicatorPublication)."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="public_profile",
        verbose_name=_("参加企業・団体"),
    )
    published = models.BooleanField(_("公開する"), default=False)
    introduction = models.TextField(_("紹介文"), max_length=2000, blank=True)
    recruiting_url = models.URLField(_("採用ページのURL"), max_length=500, blank=True)
    show_certifications = models.BooleanField(_("認定（えるぼし・くるみん等）を公開する"), default=False)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("企業・団体の公開プロフィール")
        verbose_name_plural = _("企業・団体の公開プロフィール")

    def __str__(self) -> str:
        return str(self.organisation)


class IndicatorPublication(models.Model):
    """Which workplace indicators (codes of workplace.definitions.INDICATORS) of one fiscal year an organisation
    publishes, and whether its flexible-work arrangements of that year are shown."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="indicator_publications", verbose_name=_("参加企業・団体")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    indicators = models.JSONField(_("公開する指標"), default=list, blank=True)
    show_arrangements = models.BooleanField(_("柔軟な働き方の制度を公開する"), default=False)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        ordering = ["organisation_id", "-fiscal_year"]
        verbose_name = _("公開する職場の指標")
        verbose_name_plural = _("公開する職場の指標")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "fiscal_year"], name="indicator_publication_once_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.fiscal_year}年度"


class EmploymentType(models.TextChoices):
    """schema.org JobPosting employmentType values."""

    FULL_TIME = "FULL_TIME", _("正社員（フルタイム）")
    PART_TIME = "PART_TIME", _("パート・アルバイト")
    CONTRACTOR = "CONTRACTOR", _("業務委託")
    TEMPORARY = "TEMPORARY", _("契約社員・期間の定めあり")
    INTERN = "INTERN", _("インターンシップ")
    OTHER = "OTHER", _("その他")


class SalaryUnit(models.TextChoices):
    HOUR = "HOUR", _("時給")
    DAY = "DAY", _("日給")
    MONTH = "MONTH", _("月給")
    YEAR = "YEAR", _("年収")


class PostingState(models.TextChoices):
    DRAFT = "draft", _("下書き")
    PUBLISHED = "published", _("公開中")
    CLOSED = "closed", _("募集終了")


class JobPosting(models.Model):
    """An open position of a participating organisation. Public (page, feeds, sitemap) only while `published`, the
    organisation's profile is published and `valid_through` has not passed."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="job_postings", verbose_name=_("参加企業・団体")
    )
    title = models.CharField(_("職種・求人の名称"), max_length=120)
    description = models.TextField(_("仕事の内容・応募資格"), max_length=8000)
    employment_type = models.CharField(_("雇用形態"), max_length=16, choices=EmploymentType.choices)
    location = models.ForeignKey(
        LocalGovernment, on_delete=models.PROTECT, related_name="+", verbose_name=_("勤務地（団体コード）")
    )
    salary_min = models.PositiveIntegerField(_("給与（下限・円）"), null=True, blank=True)
    salary_max = models.PositiveIntegerField(_("給与（上限・円）"), null=True, blank=True)
    salary_unit = models.CharField(_("給与の単位"), max_length=8, choices=SalaryUnit.choices, blank=True)
    valid_through = models.DateField(_("募集の締切日"))
    state = models.CharField(_("状態"), max_length=16, choices=PostingState.choices, default=PostingState.DRAFT)
    published_on = models.DateField(_("公開日"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        ordering = ["organisation_id", "-created_at", "-id"]
        verbose_name = _("求人")
        verbose_name_plural = _("求人")
        constraints = [
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_max__gte=models.F("salary_min")),
                name="job_posting_salary_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_on__isnull=False), name="job_posting_published_dated"
            ),
        ]

    def __str__(self) -> str:
        return self.title
