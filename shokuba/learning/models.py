"""The case library (事例ライブラリ): what a member tried, what happened, and above all what failed and why, shared
with the network after the secretariat's review.

A case is written by its member's coordinator as a draft, submitted (a `CaseVersion` keeps what was submitted),
and approved or returned with a reason by the secretariat. Approved cases are read by the whole network
(visibility "network"; "public": also shown on the public site, `public.selectors.public_cases`). Readers comment and
mark a case 「参考になった」. Evidence links to the member's plan KPIs, its closed survey waves' results pages
(never figures: the results page passes the gate) and published pages.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shokuba.guidebook.models import EvidenceFile, Step
from shokuba.network.models import Member
from shokuba.plans.models import Kpi
from shokuba.surveys.models import Wave


class Theme(models.TextChoices):
    CHILDCARE = "childcare", _("育休・両立支援")
    HIRING = "hiring", _("採用・定着")
    APPRAISAL = "appraisal", _("評価・キャリア")
    BIAS = "bias", _("アンコンシャス・バイアス")
    HOURS = "hours", _("労働時間・休み方")
    WOMEN = "women", _("女性の活躍・管理職")
    YOUTH = "youth", _("若者・U ターン")
    OUTREACH = "outreach", _("情報発信")
    ORGANISING = "organising", _("体制・予算・巻き込み")
    VERIFICATION = "verification", _("実態把握・効果検証")


class CaseState(models.TextChoices):
    DRAFT = "draft", _("下書き")
    SUBMITTED = "submitted", _("確認待ち")
    APPROVED = "approved", _("公開中（ネットワーク内）")
    RETURNED = "returned", _("差し戻し")


class Visibility(models.TextChoices):
    NETWORK = "network", _("ネットワーク内のみ")
    PUBLIC = "public", _("承認後、公開サイトにも掲載")


class Case(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="cases", verbose_name=_("参加自治体"))
    title = models.CharField(_("事例の名前"), max_length=120)
    steps = models.ManyToManyField(Step, related_name="cases", verbose_name=_("ガイドブックの手順"))
    themes = models.JSONField(_("テーマ"), default=list, blank=True)
    context_size = models.CharField(_("地域と参加事業所の規模"), max_length=200, blank=True)
    context_industries = models.JSONField(_("主な業種"), default=list, blank=True)
    tried = models.TextField(_("取り組んだこと"), max_length=4000)
    happened = models.TextField(_("起きたこと・結果"), max_length=4000)
    failures = models.TextField(_("うまくいかなかったこと"), max_length=4000)
    failure_causes = models.TextField(_("うまくいかなかった理由"), max_length=4000)
    lessons = models.TextField(_("教訓・次にやるなら"), max_length=4000)
    people = models.CharField(_("体制・人数"), max_length=200, blank=True)
    cost = models.CharField(_("費用"), max_length=200, blank=True)
    period = models.CharField(_("時期"), max_length=100, blank=True)
    state = models.CharField(_("状態"), max_length=16, choices=CaseState.choices, default=CaseState.DRAFT)
    visibility = models.CharField(_("公開範囲"), max_length=16, choices=Visibility.choices, default=Visibility.NETWORK)
    return_reason = models.TextField(_("差し戻しの理由"), max_length=2000, blank=True)
    demo = models.BooleanField(_("デモ用"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("事例")
        verbose_name_plural = _("事例")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["draft", "submitted", "approved", "returned"]), name="case_state"
            ),
            models.CheckConstraint(condition=Q(visibility__in=["network", "public"]), name="case_visibility"),
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(return_reason=""), name="case_returned_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def editable(self) -> bool:
        return self.state in (CaseState.DRAFT, CaseState.RETURNED)


class CaseVersion(models.Model):
    """What was submitted, each time (JSON), so the secretariat reviews a fixed text and the history stays."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    content = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["case_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="case_version_unique")]

    def __str__(self) -> str:
        return f"{self.case_id} v{self.number}"


class EvidenceKind(models.TextChoices):
    KPI = "kpi", _("アクションプランのKPI")
    RESULTS = "results", _("調査の集計結果")
    LINK = "link", _("公表資料（URL）")
    FILE = "file", _("資料ファイル（ガイドブックの手順に登録したもの）")


class CaseEvidence(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("根拠の種類"), max_length=16, choices=EvidenceKind.choices)
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    url = models.URLField(_("URL"), max_length=500, blank=True)
    # A file the member keeps as evidence of a guidebook step (guidebook.EvidenceFile, one storage for files): the
    # case's readers download it through the case, by the case's visibility.
    file = models.ForeignKey(EvidenceFile, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    label = models.CharField(_("説明"), max_length=200, blank=True)

    class Meta:
        ordering = ["case_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="kpi", kpi__isnull=False, wave__isnull=True, file__isnull=True, url="")
                    | Q(kind="results", kpi__isnull=True, wave__isnull=False, file__isnull=True, url="")
                    | Q(kind="link", kpi__isnull=True, wave__isnull=True, file__isnull=True) & ~Q(url="")
                    | Q(kind="file", kpi__isnull=True, wave__isnull=True, file__isnull=False, url="")
                ),
                name="case_evidence_one_target",
            )
        ]

    def __str__(self) -> str:
        return self.label or self.kind


class CaseComment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("コメント"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "created_at", "id"]
        verbose_name = _("事例へのコメント")
        verbose_name_plural = _("事例へのコメント")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.body[:30]}"


class CaseHelpful(models.Model):
    """One 「参考になった」 per account and case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="helpful_marks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="case_helpful_once")]

    def __str__(self) -> str:
        return f"{self.case_id}←{self.user_id}"
