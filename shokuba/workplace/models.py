"""A participating organisation's workplace indicators per fiscal year, and the preview of an import.

`IndicatorYear.raw` holds the figures as entered (input code -> number, see definitions.INPUTS; an indicator's
own code for a ratio published without its counts). Every indicator's computed value is a column of its own
(same name as its code in definitions.INDICATORS), written by `services.indicator_year_save` from
`definitions.compute(raw)`, so the regional picture aggregates in SQL without reading the JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shokuba.network.models import Member, Organisation
from shokuba.workplace import definitions

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


class Source(models.TextChoices):
    ENTERED = "entered", _("画面で入力")
    TEMPLATE = "template", _("取込（所定の様式）")
    WDB = "wdb", _("取込（女性の活躍推進企業データベース）")
    DEMO = "demo", _("デモデータ")


class MaleLeaveFormula(models.TextChoices):
    LEAVE = "leave", _("育児休業等の取得割合")
    LEAVE_AND_PURPOSE = "leave_and_purpose", _("育児休業等と育児目的休暇の取得割合")


FISCAL_YEAR_MIN = 2000
FISCAL_YEAR_MAX = 2100


def fiscal_year_problem(fiscal_year: Any) -> str | None:
    """Why a fiscal year cannot be stored (the form, the API and the imports word it alike), or None."""
    if not isinstance(fiscal_year, int) or isinstance(fiscal_year, bool):
        return gettext("年度は西暦の4桁の数字で入力してください。")
    if not FISCAL_YEAR_MIN <= fiscal_year <= FISCAL_YEAR_MAX:
        return gettext("年度は%(first)d〜%(last)dで入力してください。") % {
            "first": FISCAL_YEAR_MIN,
            "last": FISCAL_YEAR_MAX,
        }
    return None


def _value(label: StrOrPromise) -> models.FloatField[float | None, float | None]:
    return models.FloatField(label, null=True, blank=True)


class IndicatorYear(models.Model):
    """One organisation's figures for one fiscal year (年度)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="indicator_years", verbose_name=_("参加企業・団体")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    raw = models.JSONField(_("入力値"), default=dict, blank=True)
    male_childcare_leave_formula = models.CharField(
        _("男性の育児休業等取得率の算定式"),
        max_length=24,
        choices=MaleLeaveFormula.choices,
        default=MaleLeaveFormula.LEAVE,
    )
    period_note = models.CharField(_("対象期間"), max_length=120, blank=True)
    source = models.CharField(_("入力元"), max_length=16, choices=Source.choices, default=Source.ENTERED)
    warnings = models.JSONField(_("確認事項"), default=list, blank=True)
    # Certifications as the 女性の活躍推進企業データベース states them (opendata.certifications_from):
    # {"eruboshi": {"level": "eruboshi-2" | None, "since": "2021-03-01" | "2019" | None, "text": cell, "plus": bool}}.
    certifications = models.JSONField(_("認定"), default=dict, blank=True)

    # Computed indicators (definitions.INDICATORS; tests check the two lists agree).
    women_hire_ratio = _value(_("採用した労働者に占める女性労働者の割合"))
    competition_ratio_women = _value(_("女性の採用における競争倍率"))
    competition_ratio_men = _value(_("男性の採用における競争倍率"))
    competition_ratio_sex = _value(_("男女別の採用における競争倍率（女性 ÷ 男性）"))
    women_worker_ratio = _value(_("労働者に占める女性労働者の割合"))
    women_chief_ratio = _value(_("係長級にある者に占める女性労働者の割合"))
    women_manager_ratio = _value(_("管理職に占める女性労働者の割合"))
    women_officer_ratio = _value(_("役員に占める女性の割合"))
    pay_gap_all = _value(_("男女の賃金の差異（全労働者）"))
    pay_gap_regular = _value(_("男女の賃金の差異（正規雇用労働者）"))
    pay_gap_non_regular = _value(_("男女の賃金の差異（非正規雇用労働者）"))
    tenure_gap_years = _value(_("男女の平均継続勤務年数の差異"))
    tenure_ratio = _value(_("平均継続勤務年数の男女比（女性 ÷ 男性）"))
    retention_10y_women = _value(_("採用10年前後の継続雇用割合（女性）"))
    retention_10y_men = _value(_("採用10年前後の継続雇用割合（男性）"))
    childcare_leave_rate_women = _value(_("女性の育児休業取得率"))
    childcare_leave_rate_women_fixed_term = _value(_("有期雇用の女性の育児休業取得率"))
    male_childcare_leave_rate = _value(_("男性の育児休業等取得率"))
    male_childcare_leave_rate_leave = _value(_("男性の育児休業等取得率（育児休業等のみ）"))
    male_childcare_leave_rate_combined = _value(_("男性の育児休業等・育児目的休暇取得率"))
    avg_monthly_overtime = _value(_("労働者の一月当たりの平均残業時間"))
    max_monthly_overtime_fulltime = _value(_("フルタイム労働者の月平均時間外・休日労働（最大の月）"))
    max_monthly_overtime_fulltime_25_39 = _value(_("25〜39歳のフルタイム労働者の月平均時間外・休日労働（最大の月）"))
    paid_leave_rate = _value(_("年次有給休暇の取得率"))

    # Flexible-work arrangements in place (definitions.ARRANGEMENTS).
    flex_telework = models.BooleanField(_("テレワーク（在宅勤務等）"), default=False)
    flex_flextime = models.BooleanField(_("フレックスタイム制"), default=False)
    flex_short_hours = models.BooleanField(_("短時間勤務制度"), default=False)
    flex_short_time_regular = models.BooleanField(_("短時間正社員制度"), default=False)
    flex_hourly_leave = models.BooleanField(_("時間単位の年次有給休暇"), default=False)
    flex_rest_interval = models.BooleanField(_("勤務間インターバル制度"), default=False)
    flex_staggered_hours = models.BooleanField(_("時差出勤"), default=False)
    flex_side_jobs = models.BooleanField(_("副業・兼業の容認"), default=False)
    flex_rehire = models.BooleanField(_("退職者の再雇用制度"), default=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("更新者"),
    )

    class Meta:
        ordering = ["organisation_id", "fiscal_year"]
        verbose_name = _("職場の指標（年度）")
        verbose_name_plural = _("職場の指標（年度）")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "fiscal_year"], name="indicator_year_once_per_year"),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=FISCAL_YEAR_MIN) & Q(fiscal_year__lte=FISCAL_YEAR_MAX),
                name="indicator_year_fiscal_year_range",
            ),
        ]
        indexes = [models.Index(fields=["fiscal_year", "organisation"], name="indicator_year_by_year")]

    def __str__(self) -> str:
        return f"{self.organisation} {self.fiscal_year}年度"

    @property
    def values(self) -> dict[str, float | None]:
        """The computed indicators, by code."""
        return {code: getattr(self, code) for code in definitions.INDICATORS_BY_CODE}

    @property
    def arrangements(self) -> dict[str, bool]:
        return {code: bool(getattr(self, code)) for code in definitions.ARRANGEMENTS_BY_CODE}


class ImportKind(models.TextChoices):
    TEMPLATE = "template", _("所定の様式（Excel・CSV）")
    WDB = "wdb", _("女性の活躍推進企業データベース（オープンデータ CSV）")


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("確認待ち")
    CONFIRMED = "confirmed", _("取込済み")
    DISCARDED = "discarded", _("取り消し")


class IndicatorImport(models.Model):
    """A file read and matched, waiting for confirmation. Nothing is written to IndicatorYear until the preview is
    confirmed; `rows` holds exactly what will be written (organisation id, fiscal year, raw, arrangements)."""

    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("参加自治体"),
        help_text=_("空欄は全参加自治体（事務局）"),
    )
    kind = models.CharField(_("種類"), max_length=16, choices=ImportKind.choices)
    file_name = models.CharField(_("ファイル名"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    encoding = models.CharField(_("文字コード"), max_length=16, blank=True)
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    status = models.CharField(_("状態"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    rows = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("読込日時"), auto_now_add=True)
    created_by = models.ForeignKey(  # NULL: the server itself (a command, the bench)
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("読込者"),
    )
    confirmed_at = models.DateTimeField(_("取込日時"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("取込者"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("職場の指標の取込")
        verbose_name_plural = _("職場の指標の取込")

    def __str__(self) -> str:
        return self.file_name


# --- referral directory and the programme's own recognition scheme ------------------------------------------


class ReferralKind(models.TextChoices):
    SUPPORT_CENTRE = "support_centre", _("働き方改革推進支援センター")
    LABOUR_BUREAU = "labour_bureau", _("都道府県労働局 雇用環境・均等部（室）")


class Referral(models.Model):
    """Where an organisation in a prefecture can get specialist help (the secretariat maintains the list; seeded
    from data/referrals.json, whose unverified entries say so)."""

    prefecture_code = models.CharField(_("都道府県コード"), max_length=2)
    kind = models.CharField(_("種類"), max_length=16, choices=ReferralKind.choices)
    name = models.CharField(_("名称"), max_length=120)
    url = models.URLField(_("ウェブサイト"), blank=True)
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    address = models.CharField(_("所在地"), max_length=200, blank=True)
    note = models.CharField(_("備考"), max_length=300, blank=True)
    source_title = models.CharField(_("出典"), max_length=200, blank=True)
    source_url = models.URLField(_("出典のURL"), blank=True)
    verified = models.BooleanField(_("確認済み"), default=False)
    verified_on = models.DateField(_("確認日"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["prefecture_code", "kind"]
        verbose_name = _("相談先")
        verbose_name_plural = _("相談先")
        constraints = [
            models.UniqueConstraint(fields=["prefecture_code", "kind"], name="referral_once_per_prefecture_kind"),
            models.CheckConstraint(
                condition=Q(prefecture_code__regex=r"^(0[1-9]|[1-3][0-9]|4[0-7])$"),
                name="referral_prefecture_code_01_47",
            ),
            # A verified entry says when it was checked against its source.
            models.CheckConstraint(
                condition=Q(verified=False) | Q(verified_on__isnull=False), name="referral_verified_has_date"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RecognitionStage(models.Model):
    """One stage of a member's own recognition scheme (e.g. 豊岡市: 登録 → 認定 → 表彰). Stages are cumulative in
    `order`; each has indicator thresholds (`criteria`: [{"indicator", "op", "value"}]) and may require the
    employee survey's two-thirds rule."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="recognition_stages", verbose_name=_("参加自治体")
    )
    order = models.PositiveSmallIntegerField(_("順番"))
    name = models.CharField(_("段階の名称"), max_length=60)
    description = models.TextField(_("説明"), blank=True)
    require_two_thirds = models.BooleanField(
        _("従業員アンケートの3分の2基準を求める"),
        default=False,
        help_text=_("全体・男性・女性のそれぞれ3分の2以上が職場を肯定的に評価していること"),
    )
    criteria = models.JSONField(_("指標の基準"), default=list, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        ordering = ["member_id", "order"]
        verbose_name = _("表彰・認定制度の段階")
        verbose_name_plural = _("表彰・認定制度の段階")
        constraints = [
            models.UniqueConstraint(fields=["member", "order"], name="recognition_stage_order_per_member"),
        ]

    def __str__(self) -> str:
        return self.name
