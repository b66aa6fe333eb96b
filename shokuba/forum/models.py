"""The coordinators' forum (フォーラム): threads in a category (one per guidebook chapter, plus 「悩み相談」), replies,
@mentions, the asker's 「役に立った」 on an answer, subscriptions, reports and the secretariat's moderation.

A thread is started by a member's coordinator. It may be *closed to other members* (`Thread.private`, for a
sensitive worry): then only the member's own coordinators and the network's staff (secretariat, support team) see
it, its replies included. Every edit of a post keeps the text it replaced (`PostVersion`); readers see 「編集済み」
and the history. The secretariat hides, locks or deletes (soft: the row stays for the audit log) with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shokuba.network.models import Member

WORRIES = "worries"  # the category 「悩み相談」; every other category is a guidebook chapter's code


class Thread(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="forum_threads")
    category = models.CharField(_("カテゴリ"), max_length=16)
    title = models.CharField(_("題名"), max_length=120)
    private = models.BooleanField(_("他の参加自治体には見せない"), default=False)
    locked = models.BooleanField(_("返信を締め切り"), default=False)
    hidden = models.BooleanField(_("事務局が非表示にした"), default=False)
    deleted = models.BooleanField(_("事務局が削除した"), default=False)
    moderation_reason = models.TextField(_("理由"), max_length=2000, blank=True)
    demo = models.BooleanField(_("デモ用"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_posted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-last_posted_at", "-id"]
        verbose_name = _("スレッド")
        verbose_name_plural = _("スレッド")
        indexes = [models.Index(fields=["category", "-last_posted_at"])]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("本文"), max_length=4000)
    helpful = models.BooleanField(_("役に立った（質問者）"), default=False)
    hidden = models.BooleanField(_("事務局が非表示にした"), default=False)
    deleted = models.BooleanField(_("事務局が削除した"), default=False)
    moderation_reason = models.TextField(_("理由"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["thread_id", "created_at", "id"]
        verbose_name = _("投稿")
        verbose_name_plural = _("投稿")
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden=False, deleted=False) | ~Q(moderation_reason=""), name="forum_post_moderated_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.thread_id}: {self.body[:30]}"


class PostVersion(models.Model):
    """The text a post had before an edit (number 1 is the first text)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["post_id", "number"]
        constraints = [models.UniqueConstraint(fields=["post", "number"], name="forum_post_version_unique")]

    def __str__(self) -> str:
        return f"{self.post_id} v{self.number}"


class Subscription(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="subscriptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="forum_subscription_once")]

    def __str__(self) -> str:
        return f"{self.thread_id}←{self.user_id}"


class Report(models.Model):
    """A reader's report of a post, waiting in the secretariat's moderation queue until closed."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.TextField(_("報告の理由"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("投稿の報告")
        verbose_name_plural = _("投稿の報告")

    def __str__(self) -> str:
        return f"{self.post_id}: {self.reason[:30]}"
