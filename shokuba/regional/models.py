"""Official regional statistics as imported, the import history and jobs, and members' chosen outcomes.

Figures are stored as the source tables print them: one row per table, year, area and sex with the 19 five-year
age groups as columns (表11's own shape). That keeps a full year of 表11-3 to about 5,400 rows, so importing,
re-importing and reading five years for every area stay fast, and sums over groups of areas are one SQL
aggregate per column.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shokuba.network.models import Member
from shokuba.regional.indicators import AGE_LOWER_BOUNDS, INDICATOR_CODES
from shokuba.regional.labels import INDICATOR_LABELS, SEX_LABELS

AGE_FIELDS: tuple[str, ...] = tuple(f"age_{lower}" for lower in AGE_LOWER_BOUNDS)
NATION_CODE = "000000"  # 全国, stored beside the local governments' own 6-digit codes


class StatisticsTable(models.TextChoices):
    IN_MIGRANTS = "11-1", _("表11-1 転入者数（年齢5歳階級・男女別）")
    OUT_MIGRANTS = "11-2", _("表11-2 転出者数（年齢5歳階級・男女別）")
    NET_MIGRATION = "11-3", _("表11-3 転入超過数（年齢5歳階級・男女別）")
    POPULATION = "population", _("人口（年齢5歳階級・男女別）")
    PREFECTURE_FLOWS = "pref-flows", _("都道府県間移動者数（男女別）")


MIGRATION_TABLES = (StatisticsTable.IN_MIGRANTS, StatisticsTable.OUT_MIGRANTS, StatisticsTable.NET_MIGRATION)
AGE_SEX_TABLES = (*MIGRATION_TABLES, StatisticsTable.POPULATION)


class Sex(models.TextChoices):
    TOTAL = "T", _("総数")
    MALE = "M", _("男性")
    FEMALE = "F", _("女性")


class ImportSource(models.TextChoices):
    FILE = "file", _("ファイル")
    API = "api", _("e-Stat API")


class MoversKind(models.TextChoices):
    """Whose moves a figure counts (表11's 国籍): everyone, or Japanese nationals only when the file or the API
    response had no 移動者 rows. A figure for 日本人移動者 is not a figure for all movers, and says so."""

    ALL = "all", _("移動者（日本人と外国人の計）")
    JAPANESE = "japanese", _("日本人移動者のみ")


class ImportAuthority(models.TextChoices):
    """Who brought the figures: the secretariat (or the server's command line) for any area, or a member's
    coordinator for the member's own areas. A coordinator's import never replaces the secretariat's figures."""

    SECRETARIAT = "secretariat", _("事務局")
    MEMBER = "member", _("参加自治体")


class StatisticsImport(models.Model):
    """One import of one table for one year, covering a set of areas (all of them for a national table, one
    prefecture and its municipalities for a prefecture's own download).

    The figures in use for an area are those of the latest import that covered it: an import deletes the rows of
    its areas for that table and year and writes its own. An import whose every area has been imported again is
    marked replaced (replaced_at); one with some areas still in use is partly replaced."""

    table = models.CharField(_("統計表"), max_length=16, choices=StatisticsTable.choices)
    year = models.PositiveSmallIntegerField(_("年"))
    source = models.CharField(_("取込元"), max_length=8, choices=ImportSource.choices)
    source_name = models.CharField(_("ファイル名・統計表ID"), max_length=255)
    source_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    synthetic = models.BooleanField(_("合成データ"), default=False)
    imported_at = models.DateTimeField(_("取込日時"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("取込者"),
    )
    imported_as = models.CharField(
        _("取込の立場"), max_length=16, choices=ImportAuthority.choices, default=ImportAuthority.SECRETARIAT
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("参加自治体"),
        help_text=_("参加自治体の担当者が取り込んだときの、その自治体"),
    )
    job = models.ForeignKey(
        "ImportJob",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("取込ジョブ"),
    )
    movers = models.CharField(_("国籍"), max_length=8, choices=MoversKind.choices, default=MoversKind.ALL)
    complete = models.BooleanField(_("全国の表"), default=False)
    scope = models.CharField(_("取り込んだ地域"), max_length=255, blank=True)
    area_count = models.PositiveIntegerField(_("地域数"), default=0)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    notes = models.JSONField(_("注記"), default=list, blank=True)
    replaced_at = models.DateTimeField(_("置き換え日時"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "table", "-imported_at"]
        verbose_name = _("統計の取込")
        verbose_name_plural = _("統計の取込")
        constraints = [
            models.CheckConstraint(
                condition=Q(imported_as="secretariat", member__isnull=True)
                | Q(imported_as="member", member__isnull=False),
                name="statistics_import_authority_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_table_display()} {self.year}"


class AgeSexFigures(models.Model):
    """One row of 表11-1/11-2/11-3 or of a population table: an area, a sex, the total and 19 age groups.

    None is a figure the source did not publish ("***", "…"); "-" in the source is zero. `movers` says whether the
    figure counts every mover or Japanese movers only (population tables: everyone).
    """

    statistics_import = models.ForeignKey(StatisticsImport, on_delete=models.CASCADE, related_name="figures")
    table = models.CharField(max_length=16, choices=StatisticsTable.choices)
    year = models.PositiveSmallIntegerField()
    area_code = models.CharField(max_length=6)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    movers = models.CharField(max_length=8, choices=MoversKind.choices, default=MoversKind.ALL)
    total = models.IntegerField(null=True)
    age_0 = models.IntegerField(null=True)
    age_5 = models.IntegerField(null=True)
    age_10 = models.IntegerField(null=True)
    age_15 = models.IntegerField(null=True)
    age_20 = models.IntegerField(null=True)
    age_25 = models.IntegerField(null=True)
    age_30 = models.IntegerField(null=True)
    age_35 = models.IntegerField(null=True)
    age_40 = models.IntegerField(null=True)
    age_45 = models.IntegerField(null=True)
    age_50 = models.IntegerField(null=True)
    age_55 = models.IntegerField(null=True)
    age_60 = models.IntegerField(null=True)
    age_65 = models.IntegerField(null=True)
    age_70 = models.IntegerField(null=True)
    age_75 = models.IntegerField(null=True)
    age_80 = models.IntegerField(null=True)
    age_85 = models.IntegerField(null=True)
    age_90 = models.IntegerField(null=True)

    class Meta:
        verbose_name = _("年齢・男女別の数値")
        verbose_name_plural = _("年齢・男女別の数値")
        constraints = [
            models.UniqueConstraint(fields=["table", "year", "area_code", "sex"], name="age_sex_figures_unique"),
            models.CheckConstraint(condition=Q(area_code__regex=r"^[0-9]{6}$"), name="age_sex_figures_area_code"),
            models.CheckConstraint(condition=Q(movers__in=["all", "japanese"]), name="age_sex_figures_movers"),
        ]
        indexes = [models.Index(fields=["area_code", "table", "year"], name="age_sex_figures_area")]

    def __str__(self) -> str:
        return f"{self.table} {self.year} {self.area_code} {self.sex}"

    @property
    def ages(self) -> tuple[int | None, ...]:
        return tuple(getattr(self, name) for name in AGE_FIELDS)


class PrefectureFlow(models.Model):
    """Movers from one prefecture to another in a year (都道府県間移動者数), by sex."""

    statistics_import = models.ForeignKey(StatisticsImport, on_delete=models.CASCADE, related_name="flows")
    year = models.PositiveSmallIntegerField()
    origin = models.CharField(max_length=2)
    destination = models.CharField(max_length=2)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    movers = models.IntegerField(null=True)

    class Meta:
        verbose_name = _("都道府県間移動者数")
        verbose_name_plural = _("都道府県間移動者数")
        constraints = [
            models.UniqueConstraint(fields=["year", "origin", "destination", "sex"], name="prefecture_flow_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.origin}->{self.destination} {self.sex}"


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("待機中")
    RUNNING = "running", _("取込中")
    SUCCEEDED = "succeeded", _("完了")
    FAILED = "failed", _("失敗")


class ImportJob(models.Model):
    """A file or API import running in the background, with its progress for the page that waits on it."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("依頼者")
    )
    created_at = models.DateTimeField(_("依頼日時"), auto_now_add=True)
    started_at = models.DateTimeField(_("開始日時"), null=True, blank=True)
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    table = models.CharField(
        _("統計表"), max_length=16, choices=StatisticsTable.choices, blank=True, help_text=_("空欄はファイルから判別")
    )
    year = models.PositiveSmallIntegerField(_("年"))
    source = models.CharField(_("取込元"), max_length=8, choices=ImportSource.choices)
    source_name = models.CharField(_("ファイル名・統計表ID"), max_length=255)
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("参加自治体")
    )
    stored_name = models.CharField(max_length=64, blank=True)
    replace = models.BooleanField(_("取り込み済みの地域を置き換える"), default=True)
    status = models.CharField(_("状態"), max_length=16, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("進捗（%）"), default=0)
    message = models.CharField(_("状況"), max_length=255, blank=True)
    errors = models.JSONField(_("エラー"), default=list, blank=True)
    statistics_import = models.ForeignKey(
        StatisticsImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("取込ジョブ")
        verbose_name_plural = _("取込ジョブ")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="import_job_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportJobStatus.SUCCEEDED, ImportJobStatus.FAILED)


class OutcomeIndicator(models.Model):
    """An indicator a member tracks as the outcome its programme aims at, from a baseline year."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="outcome_indicators", verbose_name=_("参加自治体")
    )
    # Choices with their labels: the audit log shows 若者回復率 and 男女差, not recovery_rate and gap.
    indicator = models.CharField(_("指標"), max_length=32, choices=[(c, INDICATOR_LABELS[c]) for c in INDICATOR_CODES])
    sex = models.CharField(_("対象"), max_length=3, choices=list(SEX_LABELS.items()))
    baseline_year = models.PositiveSmallIntegerField(_("基準年"))
    window_years = models.PositiveSmallIntegerField(_("平均する年数"), default=1)
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("選択者")
    )
    selected_at = models.DateTimeField(_("選択日時"), auto_now=True)

    class Meta:
        ordering = ["member_id", "indicator", "sex"]
        verbose_name = _("成果指標")
        verbose_name_plural = _("成果指標")
        constraints = [
            models.UniqueConstraint(fields=["member", "indicator", "sex"], name="outcome_indicator_unique"),
            models.CheckConstraint(condition=Q(sex__in=["T", "M", "F", "gap"]), name="outcome_indicator_sex"),
            models.CheckConstraint(
                condition=Q(window_years__gte=1, window_years__lte=5), name="outcome_indicator_window"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()}（{self.get_sex_display()}）"
