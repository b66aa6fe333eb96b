"""Consultations with the cross-ministry support team, referrals to specialist bodies, and what the team keeps to
answer well: assignment by topic, saved answers, FAQ entries made from closed consultations (with consent).

The directory of bodies (labour bureaus, 働き方改革推進支援センター) is `workplace.Referral`, maintained there by the
secretariat; a referral record points at one of its entries or names another body."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shokuba.guidebook.models import Step
from shokuba.network.models import Member, Organisation
from shokuba.workplace.models import Referral


class ConsultationTheme(models.TextChoices):
    """What a consultation is about (the seed's examples first); the support team is assigned by theme."""

    RECRUITMENT = "recruitment", _("参加企業の掘り起こし")
    WORK_STYLE = "work_style", _("働き方改革全般")
    NON_REGULAR = "non_regular", _("非正規雇用労働者の待遇改善")
    SURVEY = "survey", _("調査・分析")
    PLAN = "plan", _("計画策定・推進体制")
    EFFECT = "effect", _("効果検証")
    OTHER = "other", _("その他")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("通常")
    URGENT = "urgent", _("急ぎ")


class Status(models.TextChoices):
    RECEIVED = "received", _("受付")
    IN_PROGRESS = "in_progress", _("対応中")
    ANSWERED = "answered", _("回答済")
    REFERRED = "referred", _("紹介済")
    CLOSED = "closed", _("完了")


OPEN_STATUSES = (Status.RECEIVED, Status.IN_PROGRESS, Status.ANSWERED, Status.REFERRED)


class Consultation(models.Model):
    """A member's question to the support team: a private thread between the member's coordinators and the team."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("参加自治体")
    )
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="consultations", verbose_name=_("関係する参加企業・団体")
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("相談者")
    )
    theme = models.CharField(_("テーマ"), max_length=20, choices=ConsultationTheme.choices)
    step = models.ForeignKey(
        Step, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("ガイドブックの段階")
    )
    title = models.CharField(_("件名"), max_length=200)
    description = models.TextField(_("相談内容"))
    urgency = models.CharField(_("緊急度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("担当"),
    )
    created_at = models.DateTimeField(_("受付日時"), auto_now_add=True, db_index=True)
    answer_due = models.DateTimeField(_("初回回答の目標"))
    first_answered_at = models.DateTimeField(_("初回回答日時"), null=True, blank=True)
    closed_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("期限超過の通知日時"), null=True, blank=True)
    publish_consent = models.BooleanField(_("匿名化してFAQ・事例にすることへの同意"), default=False)
    publish_consent_at = models.DateTimeField(_("同意日時"), null=True, blank=True)
    is_demo = models.BooleanField(_("デモデータ"), default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("相談")
        verbose_name_plural = _("相談")
        indexes = [models.Index(fields=["member", "status"], name="consultation_member_status")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=[s.value for s in Status]), name="consultation_status_known"),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False)
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="consultation_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"


class Message(models.Model):
    """One post in a consultation's thread; `internal` notes are the support team's and never shown to the member."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("本文"))
    internal = models.BooleanField(_("内部メモ"), default=False)
    created_at = models.DateTimeField(_("日時"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("相談のやりとり")
        verbose_name_plural = _("相談のやりとり")

    def __str__(self) -> str:
        return f"#{self.consultation_id} {self.created_at:%Y-%m-%d %H:%M}"


class Attachment(models.Model):
    """A file posted with a message (checked by core.uploads; stored under PRIVATE_FILES_DIR/consultations/)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    original_name = models.CharField(_("ファイル名"), max_length=255)
    stored_name = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("相談の添付ファイル")
        verbose_name_plural = _("相談の添付ファイル")

    def __str__(self) -> str:
        return self.original_name


class TopicAssignment(models.Model):
    """Which support-team member takes new consultations of a theme (kept by the secretariat)."""

    theme = models.CharField(_("テーマ"), max_length=20, choices=ConsultationTheme.choices, unique=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("担当")
    )

    class Meta:
        ordering = ["theme"]
        verbose_name = _("テーマ別の担当")
        verbose_name_plural = _("テーマ別の担当")

    def __str__(self) -> str:
        return self.get_theme_display()


class SavedAnswer(models.Model):
    """A reusable answer of the support team, with links to cases and materials (one URL per line)."""

    title = models.CharField(_("題名"), max_length=200)
    theme = models.CharField(_("テーマ"), max_length=20, choices=ConsultationTheme.choices, blank=True)
    body = models.TextField(_("本文"))
    links = models.TextField(_("事例・資料へのリンク"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["theme", "title"]
        verbose_name = _("定型回答")
        verbose_name_plural = _("定型回答")

    def __str__(self) -> str:
        return self.title


class Outcome(models.TextChoices):
    PENDING = "pending", _("結果待ち")
    IN_SUPPORT = "in_support", _("支援を受けている")
    RESOLVED = "resolved", _("解決した")
    NOT_RESOLVED = "not_resolved", _("解決しなかった")
    NOT_USED = "not_used", _("利用しなかった")


OPEN_OUTCOMES = (Outcome.PENDING, Outcome.IN_SUPPORT)


class ReferralRecord(models.Model):
    """A consultation handed to a specialist body, with the member's consent, and followed up until its outcome."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="referrals")
    body = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("紹介先")
    )
    other_body = models.CharField(_("その他の紹介先"), max_length=200, blank=True)
    for_member = models.BooleanField(_("自治体として相談する"), default=True)
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("紹介する参加企業・団体")
    )
    reason = models.TextField(_("紹介の理由"))
    consent_note = models.CharField(_("自治体の同意（いつ・誰が・どのように）"), max_length=300)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField(_("紹介日時"), auto_now_add=True)
    contact_made_on = models.DateField(_("紹介先と連絡した日"), null=True, blank=True)
    contact_note = models.TextField(_("連絡の記録"), blank=True)
    outcome = models.CharField(_("結果"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_note = models.TextField(_("結果の記録"), blank=True)
    follow_up_on = models.DateField(_("フォローアップ日"), null=True, blank=True)
    reminded_on = models.DateField(_("リマインド送信日"), null=True, blank=True)

    class Meta:
        ordering = ["-referred_at", "-id"]
        verbose_name = _("紹介記録")
        verbose_name_plural = _("紹介記録")
        constraints = [
            models.CheckConstraint(
                condition=(Q(body__isnull=False) & Q(other_body="")) | (Q(body__isnull=True) & ~Q(other_body="")),
                name="referral_record_one_body",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.consultation_id} → {self.body_name}"

    @property
    def body_name(self) -> str:
        return self.body.name if self.body_id and self.body else self.other_body


class FaqEntry(models.Model):
    """An anonymised question and answer, made from a closed consultation whose member consented."""

    theme = models.CharField(_("テーマ"), max_length=20, choices=ConsultationTheme.choices)
    question = models.TextField(_("質問"))
    answer = models.TextField(_("回答"))
    source = models.OneToOneField(
        Consultation, on_delete=models.SET_NULL, null=True, blank=True, related_name="faq", verbose_name=_("元の相談")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["theme", "-created_at"]
        verbose_name = _("よくある質問")
        verbose_name_plural = _("よくある質問")

    def __str__(self) -> str:
        return self.question[:60]
