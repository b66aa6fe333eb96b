"""Training materials (研修素材), workshop kits, members' workshop records, and the experts directory (有識者).

The state gives the network's members training materials and introductions to experts for their workshops
(guidebook step 4(5)). The secretariat uploads materials: each upload is a new `MaterialVersion` (the older ones
kept and downloadable); a video is a link. A `WorkshopKit` groups materials with a facilitator's guide; the
facilitator ticks step 4(5)'s cautions (read from the guidebook's guidance data, never retyped) when recording a
workshop. A `WorkshopRecord` keeps participants as counts by group, never names. A coordinator asks for an
`IntroductionRequest` to an expert; the secretariat routes it (受付 → 紹介済 / 見送り) and records a note.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shokuba.guidebook.models import Step
from shokuba.network.models import Member
from shokuba.surveys.models import Wave


class Licence(models.TextChoices):
    CC_BY = "cc-by-4.0", _("CC BY 4.0")
    GOV = "gov-standard", _("政府標準利用規約（第2.0版）")
    ALL_RIGHTS = "all-rights-reserved", _("著作権者の許諾が必要（無断転載禁止）")


class Audience(models.TextChoices):
    COORDINATORS = "coordinators", _("自治体の担当者")
    COMPANIES = "companies", _("企業・団体（経営者・人事）")
    EMPLOYEES = "employees", _("従業員")


class Language(models.TextChoices):
    JA = "ja", _("日本語")
    EN = "en", _("英語")


class MaterialKind(models.TextChoices):
    FILE = "file", _("ファイル")
    VIDEO = "video", _("動画（リンク）")


class Material(models.Model):
    title = models.CharField(_("素材の名前"), max_length=120)
    description = models.TextField(_("説明"), max_length=2000, blank=True)
    kind = models.CharField(_("種類"), max_length=8, choices=MaterialKind.choices, default=MaterialKind.FILE)
    url = models.URLField(_("動画のURL"), max_length=500, blank=True)
    licence = models.CharField(_("ライセンス"), max_length=24, choices=Licence.choices)
    audiences = models.JSONField(_("対象"), default=list)
    steps = models.ManyToManyField(Step, related_name="materials", blank=True, verbose_name=_("ガイドブックの手順"))
    language = models.CharField(_("言語"), max_length=2, choices=Language.choices, default=Language.JA)
    video_views = models.PositiveIntegerField(_("動画を開いた回数"), default=0)
    demo = models.BooleanField(_("デモ用"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("研修素材")
        verbose_name_plural = _("研修素材")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="file", url="") | Q(kind="video") & ~Q(url=""), name="material_video_has_url"
            ),
            models.CheckConstraint(condition=Q(language__in=["ja", "en"]), name="material_language"),
        ]

    def __str__(self) -> str:
        return self.title


class MaterialVersion(models.Model):
    """One uploaded file of a material (checked by core.uploads; stored under PRIVATE_FILES_DIR/materials/)."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版"))
    note = models.CharField(_("この版の変更点"), max_length=200, blank=True)
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    downloads = models.PositiveIntegerField(_("ダウンロード数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["material_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["material", "number"], name="material_version_unique")]

    def __str__(self) -> str:
        return f"{self.material_id} v{self.number}"


class WorkshopKit(models.Model):
    title = models.CharField(_("キットの名前"), max_length=120)
    description = models.TextField(_("説明"), max_length=2000, blank=True)
    facilitator_guide = models.TextField(_("進行役の手引き"), max_length=8000)
    materials = models.ManyToManyField(Material, related_name="kits", blank=True, verbose_name=_("研修素材"))
    demo = models.BooleanField(_("デモ用"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("ワークショップ・キット")
        verbose_name_plural = _("ワークショップ・キット")

    def __str__(self) -> str:
        return self.title


class WorkshopRecord(models.Model):
    """A member's workshop: participants as counts by group only (never names), the cautions the facilitator
    checked (their texts, as they read then), aggregate feedback and, optionally, the member's survey wave."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="workshops", verbose_name=_("参加自治体"))
    kit = models.ForeignKey(
        WorkshopKit, on_delete=models.PROTECT, null=True, blank=True, related_name="records", verbose_name=_("キット")
    )
    held_on = models.DateField(_("実施日"))
    title = models.CharField(_("ワークショップの名前"), max_length=120)
    participants_officials = models.PositiveIntegerField(_("参加者：自治体職員"), default=0)
    participants_companies = models.PositiveIntegerField(_("参加者：企業・団体の経営者・人事"), default=0)
    participants_employees = models.PositiveIntegerField(_("参加者：従業員"), default=0)
    participants_other = models.PositiveIntegerField(_("参加者：その他"), default=0)
    cautions_checked = models.JSONField(_("確かめた留意点"), default=list, blank=True)
    notes = models.TextField(_("記録・気づき"), max_length=4000, blank=True)
    feedback_useful = models.PositiveIntegerField(_("アンケート：役に立った"), default=0)
    feedback_neutral = models.PositiveIntegerField(_("アンケート：どちらとも言えない"), default=0)
    feedback_not_useful = models.PositiveIntegerField(_("アンケート：役に立たなかった"), default=0)
    feedback_wave = models.ForeignKey(
        Wave, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("アンケートの調査回")
    )
    demo = models.BooleanField(_("デモ用"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("ワークショップの記録")
        verbose_name_plural = _("ワークショップの記録")

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"

    @property
    def participants(self) -> int:
        return (
            self.participants_officials
            + self.participants_companies
            + self.participants_employees
            + self.participants_other
        )


class Expert(models.Model):
    name = models.CharField(_("氏名"), max_length=80)
    affiliation = models.CharField(_("所属"), max_length=200)
    specialties = models.CharField(_("専門分野"), max_length=300)
    regions = models.CharField(_("対応できる地域"), max_length=200, blank=True)
    bio = models.TextField(_("紹介"), max_length=2000, blank=True)
    lectures = models.TextField(_("これまでの講演・研修"), max_length=4000, blank=True)
    active = models.BooleanField(_("紹介を受け付ける"), default=True)
    demo = models.BooleanField(_("デモ用"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("有識者")
        verbose_name_plural = _("有識者")

    def __str__(self) -> str:
        return self.name


class IntroductionStatus(models.TextChoices):
    RECEIVED = "received", _("受付")
    INTRODUCED = "introduced", _("紹介済")
    DECLINED = "declined", _("見送り")


class IntroductionRequest(models.Model):
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="introduction_requests", verbose_name=_("参加自治体")
    )
    expert = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="introduction_requests", verbose_name=_("有識者")
    )
    purpose = models.TextField(_("依頼の目的"), max_length=2000)
    preferred_dates = models.CharField(_("希望する日程"), max_length=200, blank=True)
    status = models.CharField(
        _("状況"), max_length=12, choices=IntroductionStatus.choices, default=IntroductionStatus.RECEIVED
    )
    note = models.TextField(_("事務局の記録"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    routed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("有識者の紹介依頼")
        verbose_name_plural = _("有識者の紹介依頼")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["received", "introduced", "declined"]), name="introduction_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.expert_id}"
