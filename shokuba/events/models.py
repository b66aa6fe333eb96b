"""Lectures (講義) and exchange meetings (交流会) the national secretariat organises for the member local
governments, and their coordinators' registrations.

An event has a date (stored in UTC, shown and entered in Asia/Tokyo), a venue or an online link (or both), a
capacity and a registration deadline. Coordinators register (one active registration per person and event; the
capacity is counted under a lock of the event row). The secretariat records attendance, and after the event links
the materials and the recording and attaches a survey wave (shokuba.surveys) as the feedback questionnaire. `uid`
names the event in calendars (iCalendar UID) and never changes; `sequence` counts the changes calendars must see.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from shokuba.guidebook.models import Step
from shokuba.network.models import Member
from shokuba.surveys.models import Wave


def new_uid() -> str:
    return str(uuid.uuid4())


class EventKind(models.TextChoices):
    LECTURE = "lecture", _("講義（有識者によるレクチャー）")
    EXCHANGE = "exchange", _("交流会（担当者の情報交換）")


class EventState(models.TextChoices):
    SCHEDULED = "scheduled", _("開催予定")
    CANCELLED = "cancelled", _("中止")


class Event(models.Model):
    uid = models.CharField(max_length=36, default=new_uid, unique=True, editable=False)
    kind = models.CharField(_("種類"), max_length=16, choices=EventKind.choices)
    title = models.CharField(_("名称"), max_length=120)
    description = models.TextField(_("内容"), max_length=4000, blank=True)
    speaker = models.CharField(_("講師・話題提供"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("開始日時"))
    ends_at = models.DateTimeField(_("終了日時"))
    venue = models.CharField(_("会場"), max_length=200, blank=True)
    online_url = models.URLField(_("オンライン参加のURL"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(_("定員"))
    registration_deadline = models.DateTimeField(_("申込締切"), null=True, blank=True)
    steps = models.ManyToManyField(Step, related_name="events", blank=True, verbose_name=_("ガイドブックの手順"))
    state = models.CharField(_("状態"), max_length=16, choices=EventState.choices, default=EventState.SCHEDULED)
    cancel_reason = models.TextField(_("中止の理由"), max_length=2000, blank=True)
    materials_url = models.URLField(_("資料のURL"), max_length=500, blank=True)
    recording_url = models.URLField(_("録画のURL"), max_length=500, blank=True)
    survey_wave = models.ForeignKey(
        Wave, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("アンケート")
    )
    sequence = models.PositiveIntegerField(default=0)
    demo = models.BooleanField(_("デモ用"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("研修・交流会")
        verbose_name_plural = _("研修・交流会")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["lecture", "exchange"]), name="event_kind"),
            models.CheckConstraint(condition=Q(state__in=["scheduled", "cancelled"]), name="event_state"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_capacity_positive"),
            models.CheckConstraint(condition=~Q(venue="") | ~Q(online_url=""), name="event_has_a_place"),
            models.CheckConstraint(
                condition=~Q(state="cancelled") | ~Q(cancel_reason=""), name="event_cancelled_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def cancelled(self) -> bool:
        return self.state == EventState.CANCELLED


class RegistrationState(models.TextChoices):
    REGISTERED = "registered", _("申込済み")
    CANCELLED = "cancelled", _("取消")


class Registration(models.Model):
    """A coordinator's place at an event, for their member. Cancelled rows stay (the history); registering again
    revives the person's row."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("参加自治体"))
    state = models.CharField(
        _("状態"), max_length=16, choices=RegistrationState.choices, default=RegistrationState.REGISTERED
    )
    attended = models.BooleanField(_("出席"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["event_id", "created_at", "id"]
        verbose_name = _("参加申込")
        verbose_name_plural = _("参加申込")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="registration_once_per_person"),
            models.CheckConstraint(condition=Q(state__in=["registered", "cancelled"]), name="registration_state"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}←{self.user_id}"

    @property
    def active(self) -> bool:
        return self.state == RegistrationState.REGISTERED
