"""Saved job-ad checks: the ad's text, what the check found and its scores, per organisation; a rewritten ad is
a new row pointing at the version it was made from (`previous`), so before and after stay side by side."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shokuba.network.models import Member, Organisation


class Source(models.TextChoices):
    PASTED = "pasted", _("貼り付け")
    FILE = "file", _("ファイル")
    BATCH = "batch", _("一括（CSV）")
    REWRITE = "rewrite", _("書き換え")
    API = "api", _("API")
    DEMO = "demo", _("デモ")


class JobAdCheck(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("参加自治体"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="jobad_checks", verbose_name=_("参加企業・団体")
    )
    title = models.CharField(_("求人の名前"), max_length=200)
    text = models.TextField(_("求人の本文"))
    findings = models.JSONField(_("指摘"), default=list)
    scores = models.JSONField(_("得点"), default=dict)
    source = models.CharField(_("入力元"), max_length=12, choices=Source.choices, default=Source.PASTED)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("書き換え前")
    )
    is_demo = models.BooleanField(_("デモデータ"), default=False)
    created_at = models.DateTimeField(_("チェック日時"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("求人票のチェック")
        verbose_name_plural = _("求人票のチェック")
        indexes = [models.Index(fields=["member", "organisation", "-created_at"], name="jobad_member_org_time")]

    def __str__(self) -> str:
        return f"{self.organisation.name}: {self.title}"

    @property
    def flagged_count(self) -> int:
        return sum(1 for f in self.findings if f.get("severity") in {"violation", "risk"})

    @property
    def missing_count(self) -> int:
        return sum(1 for f in self.findings if f.get("severity") == "missing")
