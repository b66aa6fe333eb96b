"""API tokens: a user's long-lived credential for scripts, stored as a SHA-256 hash only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """One bearer token. The raw token is shown once when issued; only its hash and a display prefix stay here.

    A plain SHA-256 suffices (no slow hash) because the token is 256 random bits, not a password a person chose.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("利用者")
    )
    name = models.CharField(_("名前"), max_length=100, help_text=_("用途がわかる名前（例：集計スクリプト）"))
    prefix = models.CharField(_("トークンの先頭"), max_length=16, db_index=True)
    key_hash = models.CharField(_("トークンのハッシュ（SHA-256）"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("発行日時"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最終利用日時"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("失効日時"), null=True, blank=True)

    class Meta:
        ordering = ["user_id", "-created_at"]
        verbose_name = _("APIトークン")
        verbose_name_plural = _("APIトークン")
        constraints = [
            models.CheckConstraint(condition=Q(key_hash__regex=r"^[0-9a-f]{64}$"), name="api_token_hash_is_sha256"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
