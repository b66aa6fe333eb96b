"""The audit log: one append-only row for every create, update and delete made by staff."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("作成")
    UPDATE = "update", _("更新")
    DELETE = "delete", _("削除")


class AuditEntry(models.Model):
    """Who changed what, when, with the values before and after.

    Append-only: the model refuses updates and deletes, and a database trigger (migration 0003) refuses them
    too, so that not even a raw query can rewrite history.
    """

    at = models.DateTimeField(_("日時"), auto_now_add=True, db_index=True)
    # PROTECT: an account that has changed anything is deactivated, never deleted, so the log keeps its link
    # (the append-only trigger would refuse the UPDATE that SET_NULL needs anyway).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作者"),
    )
    actor_username = models.CharField(_("操作者のユーザー名"), max_length=150)
    action = models.CharField(_("操作"), max_length=8, choices=AuditAction.choices)
    target_type = models.CharField(_("対象の種類"), max_length=64, db_index=True)
    target_id = models.CharField(_("対象ID"), max_length=64)
    target_label = models.CharField(_("対象"), max_length=255)
    member_code = models.CharField(_("参加自治体コード"), max_length=6, blank=True, db_index=True)
    before = models.JSONField(_("変更前"), null=True, blank=True)
    after = models.JSONField(_("変更後"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("操作記録")
        verbose_name_plural = _("操作記録")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit entries are append-only")


class NotificationDelivery(models.TextChoices):
    """How a kind of notification reaches a person besides the in-app list (core/notifications.py)."""

    IMMEDIATE = "immediate", _("すぐにメールで受け取る")
    DIGEST = "digest", _("1日1回のまとめメールで受け取る")
    NONE = "none", _("メールで受け取らない（アプリ内のみ）")


class Notification(models.Model):
    """One notice to one person, shown in the in-app list; e-mailed at once, in the daily digest or not at all
    (`delivery`, decided by the person's preference when it was made)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("宛先")
    )
    kind = models.CharField(_("種類"), max_length=64)
    subject = models.CharField(_("件名"), max_length=200)
    body = models.TextField(_("本文"))
    link = models.CharField(_("リンク"), max_length=500, blank=True)
    delivery = models.CharField(_("メール"), max_length=10, choices=NotificationDelivery.choices)
    created_at = models.DateTimeField(_("日時"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("既読日時"), null=True, blank=True)
    mailed_at = models.DateTimeField(_("メール送信日時"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("お知らせ")
        verbose_name_plural = _("お知らせ")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["delivery", "mailed_at"], name="notification_digest"),
        ]

    def __str__(self) -> str:
        return self.subject


class NotificationPreference(models.Model):
    """A person's choice for one kind of notification (no row: the kind's default)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("種類"), max_length=64)
    delivery = models.CharField(_("メール"), max_length=10, choices=NotificationDelivery.choices)

    class Meta:
        verbose_name = _("お知らせの受け取り方")
        verbose_name_plural = _("お知らせの受け取り方")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
            models.CheckConstraint(
                condition=models.Q(delivery__in=["immediate", "digest", "none"]),
                name="notification_preference_delivery_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.delivery}"
