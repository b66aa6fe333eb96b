"""Action plans (アクションプラン, guidebook step 3) and their effect verification (効果検証, step 5).

A member has one plan: its vision (目指す姿) and goals, KPIs each read automatically from a source (or typed in with
an evidence file), initiatives mapped to guidebook 4(1)–(8), a yearly PDCA review, and versions: the plan is edited
as a draft, approved by the council (frozen: a snapshot and what changed), and revised as a new draft.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shokuba.guidebook.models import EvidenceFile, Step
from shokuba.network.models import Member


class PlanState(models.TextChoices):
    DRAFT = "draft", _("案（編集中）")
    APPROVED = "approved", _("承認済み（確定）")


class Plan(models.Model):
    member = models.OneToOneField(Member, on_delete=models.PROTECT, related_name="plan", verbose_name=_("参加自治体"))
    title = models.CharField(_("計画の名称"), max_length=120)
    vision = models.TextField(_("目指す姿"), max_length=2000)
    goals = models.TextField(_("目標"), max_length=4000, blank=True)
    start_year = models.PositiveSmallIntegerField(_("計画の開始年度"))
    end_year = models.PositiveSmallIntegerField(_("計画の終了年度"))
    state = models.CharField(_("状態"), max_length=16, choices=PlanState.choices, default=PlanState.DRAFT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("アクションプラン")
        verbose_name_plural = _("アクションプラン")
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="plan_years_in_order"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.state == PlanState.DRAFT


class PlanVersion(models.Model):
    """An approved version: the plan as the council approved it (frozen JSON) and what changed since the last."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版"))
    approved_on = models.DateField(_("承認日"))
    approved_by_body = models.CharField(_("承認した会議"), max_length=120)
    note = models.TextField(_("変更の説明"), max_length=2000, blank=True)
    changes = models.JSONField(_("変更点"), default=list)
    snapshot = models.JSONField(default=dict)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan_id", "-number"]
        verbose_name = _("計画の版")
        verbose_name_plural = _("計画の版")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")]

    def __str__(self) -> str:
        return f"{self.plan} 第{self.number}版"


class KpiSource(models.TextChoices):
    SURVEY_TOP = "survey_top", _("調査項目の「そう思う傾向」の割合")
    SURVEY_MEAN = "survey_mean", _("調査項目の平均点")
    TWO_THIRDS = "two_thirds", _("3分の2基準を満たす企業・団体の数")
    WORKPLACE = "workplace", _("職場の指標（参加企業・団体の中央値）")
    MIGRATION = "migration", _("人口移動の指標")
    ORGANISATIONS = "organisations", _("参加企業・団体の数")
    RESPONSE_RATE = "response_rate", _("調査の回答率")
    MANUAL = "manual", _("手入力（根拠資料つき）")


class Kpi(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="kpis")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("KPIの名前"), max_length=120)
    source = models.CharField(_("値の出どころ"), max_length=16, choices=KpiSource.choices)
    # The source's parameters (which apply depends on the source; the service checks them).
    item_code = models.CharField(_("調査項目コード"), max_length=32, blank=True)
    group = models.CharField(_("対象の回答者"), max_length=1, blank=True)  # "" all, "F" women, "M" men
    indicator = models.CharField(_("指標"), max_length=40, blank=True)
    sex = models.CharField(_("性別"), max_length=1, blank=True)  # migration: T / M / F
    window_years = models.PositiveSmallIntegerField(_("平均する年数"), default=1)
    unit = models.CharField(_("単位"), max_length=16, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("基準年度"))
    baseline_value = models.FloatField(_("基準値（手入力）"), null=True, blank=True)
    target_value = models.FloatField(_("目標値"))
    target_year = models.PositiveSmallIntegerField(_("目標年度"))
    internal = models.BooleanField(_("内部用（公表版に載せない）"), default=False)
    notes = models.TextField(_("メモ"), max_length=2000, blank=True)

    class Meta:
        ordering = ["plan_id", "position", "id"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPI")
        constraints = [
            models.CheckConstraint(condition=Q(target_year__gte=models.F("baseline_year")), name="kpi_years_in_order"),
            models.CheckConstraint(condition=Q(window_years__gte=1, window_years__lte=5), name="kpi_window"),
            models.CheckConstraint(condition=Q(group__in=["", "F", "M"]), name="kpi_group"),
        ]

    def __str__(self) -> str:
        return self.name


class KpiManualValue(models.Model):
    """A value typed in for a manual KPI, with the evidence file that shows it (stored through the guidebook's
    evidence mechanism on step 5-a 定期的な効果検証, so core.uploads checks it and the same protected view
    serves it)."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="manual_values")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    value = models.FloatField(_("値"))
    evidence = models.ForeignKey(EvidenceFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("根拠資料"))
    note = models.CharField(_("メモ"), max_length=255, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kpi_id", "fiscal_year"]
        verbose_name = _("KPIの手入力値")
        verbose_name_plural = _("KPIの手入力値")
        constraints = [models.UniqueConstraint(fields=["kpi", "fiscal_year"], name="kpi_manual_value_unique")]

    def __str__(self) -> str:
        return f"{self.kpi} {self.fiscal_year}"


class InitiativeStatus(models.TextChoices):
    PLANNED = "planned", _("予定")
    RUNNING = "running", _("実施中")
    DONE = "done", _("完了")
    STOPPED = "stopped", _("中止")


class Initiative(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="initiatives")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+", verbose_name=_("ガイドブックの取組"))
    title = models.CharField(_("取組の名前"), max_length=120)
    owner = models.CharField(_("担当"), max_length=80)
    starts_on = models.DateField(_("開始予定日"))
    ends_on = models.DateField(_("終了予定日"))
    status = models.CharField(
        _("状況"), max_length=16, choices=InitiativeStatus.choices, default=InitiativeStatus.PLANNED
    )
    internal = models.BooleanField(_("内部用（公表版に載せない）"), default=False)
    notes = models.TextField(_("メモ"), max_length=2000, blank=True)

    class Meta:
        ordering = ["plan_id", "step__position", "starts_on", "id"]
        verbose_name = _("取組")
        verbose_name_plural = _("取組")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="initiative_dates_in_order"),
        ]

    def __str__(self) -> str:
        return self.title


class PlanReview(models.Model):
    """The yearly PDCA review: what was done, how it went against the KPIs, what changes next."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    done = models.TextField(_("実施したこと（Do）"), max_length=4000)
    checked = models.TextField(_("評価（Check）"), max_length=4000)
    next_actions = models.TextField(_("改善（Action）"), max_length=4000, blank=True)
    internal = models.BooleanField(_("内部用（公表版に載せない）"), default=False)
    reviewed_on = models.DateField(_("振り返りの日"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan_id", "-fiscal_year"]
        verbose_name = _("年度の振り返り")
        verbose_name_plural = _("年度の振り返り")
        constraints = [models.UniqueConstraint(fields=["plan", "fiscal_year"], name="plan_review_unique")]

    def __str__(self) -> str:
        return f"{self.plan} {self.fiscal_year}"


class KpiSnapshot(models.Model):
    """The last reading of a KPI (status, latest value, attainment) for the secretariat's page across the 68
    members, written whenever the KPI is read (its plan page, a report)."""

    kpi = models.OneToOneField(Kpi, on_delete=models.CASCADE, related_name="snapshot")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16)
    latest = models.FloatField(null=True)
    attainment = models.FloatField(null=True)
    read_at = models.DateTimeField()

    class Meta:
        verbose_name = _("KPIの最新の読み取り")
        verbose_name_plural = _("KPIの最新の読み取り")

    def __str__(self) -> str:
        return f"{self.kpi} {self.status}"


class ReportVariant(models.TextChoices):
    INTERNAL = "internal", _("内部用（すべて）")
    PUBLIC = "public", _("公表用（内部用の項目を除く）")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("待機中")
    RUNNING = "running", _("作成中")
    SUCCEEDED = "succeeded", _("完了")
    FAILED = "failed", _("失敗")


class ReportJob(models.Model):
    """An effect-verification report (PDF + XLSX) built in the background for one fiscal year."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="report_jobs")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    variant = models.CharField(_("種類"), max_length=16, choices=ReportVariant.choices)
    status = models.CharField(_("状態"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("進み具合（%）"), default=0)
    message = models.CharField(_("状況"), max_length=255, blank=True)
    pdf_name = models.CharField(max_length=64, blank=True)
    xlsx_name = models.CharField(max_length=64, blank=True)
    content_sha256 = models.CharField(_("内容のハッシュ"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("依頼日時"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("効果検証レポート")
        verbose_name_plural = _("効果検証レポート")

    def __str__(self) -> str:
        return f"{self.plan} {self.fiscal_year} {self.variant}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ReportStatus.SUCCEEDED, ReportStatus.FAILED)
