"""The guidebook's chapters and steps (loaded from data/guidebook.json) and each member's progress on them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shokuba.network.models import Member


class Chapter(models.Model):
    code = models.CharField(_("章"), max_length=8, unique=True)
    title = models.CharField(_("章の名称"), max_length=200)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        verbose_name = _("ガイドブックの章")
        verbose_name_plural = _("ガイドブックの章")

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Step(models.Model):
    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="steps")
    code = models.CharField(_("手順"), max_length=8, unique=True)
    title = models.CharField(_("手順の名称"), max_length=200)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["chapter__position", "position"]
        verbose_name = _("ガイドブックの手順")
        verbose_name_plural = _("ガイドブックの手順")

    def __str__(self) -> str:
        return self.title


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未着手")
    IN_PROGRESS = "in_progress", _("進行中")
    DONE = "done", _("完了")
    NOT_APPLICABLE = "not_applicable", _("該当なし")


class StepProgress(models.Model):
    """Where one member stands on one step. A missing row means 未着手."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="progress")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(
        _("状況"), max_length=16, choices=ProgressStatus.choices, default=ProgressStatus.NOT_STARTED
    )
    started_on = models.DateField(_("開始日"), null=True, blank=True)
    completed_on = models.DateField(_("完了日"), null=True, blank=True)
    responsible = models.CharField(_("担当者"), max_length=100, blank=True)
    notes = models.TextField(_("メモ"), blank=True)
    # The step's checklist (data/guidance.json): the codes of the tasks this member has ticked, in checklist order.
    checklist = models.JSONField(_("済んだ作業"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["member_id", "step__chapter__position", "step__position"]
        verbose_name = _("手順の進捗")
        verbose_name_plural = _("手順の進捗")
        constraints = [
            models.UniqueConstraint(fields=["member", "step"], name="step_progress_unique_per_member"),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(completed_on__gte=models.F("started_on")),
                name="step_progress_completed_after_started",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.step.code} {self.status}"


class EvidenceFile(models.Model):
    """A document that shows a step's work. Stored under PRIVATE_FILES_DIR, never under the web root."""

    progress = models.ForeignKey(StepProgress, on_delete=models.CASCADE, related_name="evidence")
    original_name = models.CharField(_("ファイル名"), max_length=255)
    stored_name = models.CharField(max_length=80, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("サイズ（バイト）"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["progress_id", "uploaded_at"]
        verbose_name = _("エビデンス資料")
        verbose_name_plural = _("エビデンス資料")

    def __str__(self) -> str:
        return self.original_name
