"""Questionnaires (versioned definitions), survey waves, distribution links, and anonymous responses.

Small tables (questionnaires, versions, waves, links) belong to one member through `member`. The two
high-volume tables, `Response` and `ResponseAnswer`, carry the member's local government code in their primary
key, so that on PostgreSQL with Citus both are distributed by `member_id` and co-located (see
docs/ARCHITECTURE.md, "Surveys").

Anonymity by construction: a response holds the wave, the organisation (when the link is per organisation),
the respondent's attribute answers, the answers, the date of submission (no time) and the client-generated
submission id. There is no column for an account, IP address, user agent or time of day.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shokuba.network.models import Member, Organisation


class Questionnaire(models.Model):
    """A programme's own questionnaire (usually copied from a library template), with its versions."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="questionnaires", verbose_name=_("参加自治体")
    )
    title = models.CharField(_("名称"), max_length=200)
    template_code = models.CharField(_("もとにしたひな型"), max_length=64, blank=True)
    template_version = models.PositiveIntegerField(_("ひな型の版"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["member_id", "-created_at", "-id"]
        verbose_name = _("調査票")
        verbose_name_plural = _("調査票")

    def __str__(self) -> str:
        return self.title


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("編集中")
    PUBLISHED = "published", _("公開済み")


class QuestionnaireVersion(models.Model):
    """One version of a questionnaire. A published version is frozen: waves point at it, and its item codes are
    what responses are stored under. Edits after publishing go into a new draft version."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版"))
    status = models.CharField(_("状態"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    definition = models.JSONField(_("内容"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("公開日時"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["questionnaire_id", "number"]
        verbose_name = _("調査票の版")
        verbose_name_plural = _("調査票の版")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "number"], name="questionnaire_version_unique_number"),
            models.UniqueConstraint(
                fields=["questionnaire"], condition=Q(status="draft"), name="questionnaire_one_draft"
            ),
            models.CheckConstraint(
                condition=Q(status="draft", published_at__isnull=True)
                | Q(status="published", published_at__isnull=False),
                name="questionnaire_version_published_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire.title}（第{self.number}版）"

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED


class WaveStatus(models.TextChoices):
    DRAFT = "draft", _("準備中")
    OPEN = "open", _("実施中")
    CLOSED = "closed", _("終了")


# The fiscal years a wave may be given (forms, API schema and service alike).
WAVE_FISCAL_YEAR_MIN = 2015
WAVE_FISCAL_YEAR_MAX = 2100


class Wave(models.Model):
    """One run of a published questionnaire, e.g. 2026年度 ベースライン調査, with its participating organisations."""

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="survey_waves", verbose_name=_("参加自治体")
    )
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="waves", verbose_name=_("調査票の版")
    )
    name = models.CharField(_("調査の名称"), max_length=120)
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    opens_on = models.DateField(_("回答受付の開始日"))
    closes_on = models.DateField(_("回答受付の終了日"))
    status = models.CharField(_("状態"), max_length=16, choices=WaveStatus.choices, default=WaveStatus.DRAFT)
    public_link = models.BooleanField(
        _("全体で1つのリンク"),
        default=False,
        help_text=_("住民向けの調査などで、企業・団体ごとでなく1つのリンクで回答を集めます。"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["member_id", "-opens_on", "-id"]
        verbose_name = _("調査（実施回）")
        verbose_name_plural = _("調査（実施回）")
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="wave_closes_after_opening"),
            models.UniqueConstraint(fields=["member", "name"], name="wave_unique_name_per_member"),
        ]

    def __str__(self) -> str:
        return self.name


class WaveLink(models.Model):
    """An unguessable answering link: one per participating organisation, or one for the whole wave."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="links")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="survey_links"
    )
    token = models.CharField(max_length=43, unique=True)
    expected_headcount = models.PositiveIntegerField(
        _("対象人数（見込み）"), null=True, blank=True, help_text=_("回答率の計算に使います。空欄でも構いません。")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["wave_id", "organisation__name", "id"]
        verbose_name = _("回答用リンク")
        verbose_name_plural = _("回答用リンク")
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "organisation"],
                condition=Q(organisation__isnull=False),
                name="wave_link_one_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["wave"], condition=Q(organisation__isnull=True), name="wave_link_one_public"
            ),
            models.CheckConstraint(condition=Q(expected_headcount__gte=1), name="wave_link_headcount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.wave.name} / {self.organisation.name if self.organisation else _('全体')}"


class Channel(models.TextChoices):
    WEB = "web", _("ウェブ")
    PAPER = "paper", _("紙（入力）")
    EXCEL = "excel", _("Excel 取込")


class Response(models.Model):
    """One anonymous response. Keyed by (member, submission id): the member's code distributes the table, and the
    client-generated submission id makes a repeated submission (double tap, retry) land on the same row."""

    pk = models.CompositePrimaryKey("member", "submission_id")
    # The primary key's first column serves every lookup by member: no separate index.
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", db_index=False)
    submission_id = models.UUIDField(default=uuid.uuid4)
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="responses")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.WEB)
    submitted_on = models.DateField()
    # The respondent's attribute answers ("" = not asked or not answered); codes from instrument.ATTRIBUTES.
    sex = models.CharField(max_length=8, blank=True, default="")
    age_band = models.CharField(max_length=8, blank=True, default="")
    position = models.CharField(max_length=8, blank=True, default="")
    employment = models.CharField(max_length=12, blank=True, default="")
    service_years = models.CharField(max_length=8, blank=True, default="")
    care = models.CharField(max_length=8, blank=True, default="")
    answers = models.JSONField()

    class Meta:
        verbose_name = _("回答")
        verbose_name_plural = _("回答")
        indexes = [
            # Responses per organisation (response rates, an organisation admin's scope).
            models.Index(fields=["member", "wave", "organisation"], name="response_wave_org"),
            # Respondents per group for the analyses, read from the index alone in the order of the answer rows'
            # `answer_cells`: the group sizes of a 1,000,000-response wave took SQLite 2.1 s through
            # response_wave_org (a lookup per row and a sort), 0.13 s with this one.
            models.Index(
                fields=[
                    "member",
                    "wave",
                    "sex",
                    "age_band",
                    "position",
                    "organisation",
                    "employment",
                    "service_years",
                    "care",
                ],
                name="response_cells",
            ),
        ]

    def __str__(self) -> str:
        return str(self.submission_id)


class ResponseAnswer(models.Model):
    """One typed answer row, written with its response in the same transaction: a single choice, one chosen option
    of a multiple choice (seq = order among the chosen), one rank (seq = rank), one matrix statement, a number or a
    text. The respondent's attributes are repeated here, so counts by any attribute are one GROUP BY."""

    pk = models.CompositePrimaryKey("member", "submission_id", "item_code", "seq")
    # No database foreign keys or single-column indexes on answer rows: the response holds the keys to member, wave
    # and organisation, and storage.response_store writes a response and its rows in one statement. Three keys and
    # four indexes on every row cost 3.2 ms of database time per 40-answer submission, against 1.8 ms without.
    # (A composite key to the response was tried and removed: see migration 0004.)
    member = models.ForeignKey(
        Member, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    submission_id = models.UUIDField()
    wave = models.ForeignKey(Wave, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    item_code = models.CharField(max_length=32)
    seq = models.PositiveSmallIntegerField(default=0)
    choice_code = models.CharField(max_length=16, blank=True, default="")
    value = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True, default="")
    sex = models.CharField(max_length=8, blank=True, default="")
    age_band = models.CharField(max_length=8, blank=True, default="")
    position = models.CharField(max_length=8, blank=True, default="")
    employment = models.CharField(max_length=12, blank=True, default="")
    service_years = models.CharField(max_length=8, blank=True, default="")
    care = models.CharField(max_length=8, blank=True, default="")

    class Meta:
        verbose_name = _("回答（項目別）")
        verbose_name_plural = _("回答（項目別）")
        # The one index: every count of answers per item and choice by the attributes and organisation is
        # read from it alone, in its order, without touching the rows — the results overview of 100,000 responses
        # fell from 8.9 s to 0.9 s on SQLite; on PostgreSQL an index-only scan. The first three columns serve what
        # the narrower (member, wave, item) index served. Widening it cost a submission about 0.05 ms.
        indexes = [
            models.Index(
                fields=[
                    "member",
                    "wave",
                    "item_code",
                    "choice_code",
                    "sex",
                    "age_band",
                    "position",
                    "organisation",
                    "employment",
                    "service_years",
                    "care",
                ],
                name="answer_cells",
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}:{self.item_code}:{self.seq}"


ATTRIBUTE_COLUMNS: tuple[str, ...] = ("sex", "age_band", "position", "employment", "service_years", "care")


def attribute_columns(attributes: dict[str, str]) -> dict[str, Any]:
    return {column: attributes.get(column, "") for column in ATTRIBUTE_COLUMNS}


class ResponseImport(models.Model):
    """One paper/Excel file of responses imported into a wave, all rows or none. The file's SHA-256 is unique per
    wave, so the same file imported twice is recognised and refused. The rows themselves are ordinary responses
    (channel paper/excel); nothing links a response to the person who typed it in."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="imports")
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EXCEL)
    file_name = models.CharField(_("ファイル名"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_format = models.CharField(_("形式"), max_length=16)
    encoding = models.CharField(_("文字コード"), max_length=16, blank=True)
    rows = models.PositiveIntegerField(_("取り込んだ回答数"))
    created_at = models.DateTimeField(_("取込日時"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("取込者")
    )

    class Meta:
        ordering = ["wave_id", "-created_at", "-id"]
        verbose_name = _("回答の取込")
        verbose_name_plural = _("回答の取込")
        constraints = [
            models.UniqueConstraint(fields=["wave", "file_sha256"], name="response_import_file_once_per_wave"),
        ]

    def __str__(self) -> str:
        return self.file_name


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV（UTF-8 BOM付き）")
    CSV_CP932 = "csv_cp932", _("CSV（Shift_JIS / CP932）")
    XLSX = "xlsx", _("Excel（XLSX）")


class ExportJobStatus(models.TextChoices):
    QUEUED = "queued", _("待機中")
    RUNNING = "running", _("作成中")
    SUCCEEDED = "succeeded", _("完了")
    FAILED = "failed", _("失敗")


class ExportJob(models.Model):
    """A raw-response export written in the background, streaming, to a private file; downloaded through a
    permission-checked view while the job's requester's role still allows raw responses."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="export_jobs")
    file_format = models.CharField(_("形式"), max_length=16, choices=ExportFormat.choices)
    status = models.CharField(_("状態"), max_length=16, choices=ExportJobStatus.choices, default=ExportJobStatus.QUEUED)
    total = models.PositiveIntegerField(_("回答数"), default=0)
    written = models.PositiveIntegerField(_("書き出した回答数"), default=0)
    stored_name = models.CharField(max_length=64, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    message = models.CharField(_("状況"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("依頼日時"), auto_now_add=True)
    started_at = models.DateTimeField(_("開始日時"), null=True, blank=True)
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    # The last sign of life of a running job (its start, then each progress report): a job silent for long lost its
    # worker (export_jobs.export_jobs_fail_stalled).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("依頼者")
    )
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("回答の書き出し")
        verbose_name_plural = _("回答の書き出し")

    def __str__(self) -> str:
        return f"{self.wave.name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ExportJobStatus.SUCCEEDED, ExportJobStatus.FAILED)
