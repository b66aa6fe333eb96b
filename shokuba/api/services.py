"""Issuing, using and revoking API tokens. Issue and revoke are audited; the raw token is never stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shokuba.api.models import ApiToken
from shokuba.core.audit import audit_record
from shokuba.core.models import AuditAction

TOKEN_PREFIX = "shk_"  # noqa: S105 - a marker that tells secret scanners what this is, not a secret
DISPLAY_PREFIX_LENGTH = 12  # "shk_" and 8 random characters: enough to tell tokens apart, useless to guess with
# Writing last_used_at on every request would turn each read into a write; once a minute tells the same story.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def api_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _audit_view(token: ApiToken) -> dict[str, Any]:
    """What the audit log keeps of a token: never the hash, let alone the token."""
    return {
        "id": token.pk,
        "user_id": token.user_id,
        "name": token.name,
        "prefix": token.prefix,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


@transaction.atomic
def api_token_issue(*, user: Any, name: str, actor: Any = None) -> tuple[ApiToken, str]:
    """Create a token for `user`; return it with the raw token, which the caller shows once and forgets."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("トークンの名前を入力してください。")]})
    if not getattr(user, "is_active", False):
        raise ValidationError({"user": [_("無効な利用者にはトークンを発行できません。")]})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=raw[:DISPLAY_PREFIX_LENGTH], key_hash=api_token_hash(raw))
    token.full_clean()
    token.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=token,
        before=None,
        after=_audit_view(token),
        member_code=getattr(user, "member_id", None) or "",
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Any = None) -> ApiToken:
    """Revoke a token for good. Revoking twice changes nothing and records nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    before = _audit_view(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=token,
        before=before,
        after=_audit_view(token),
        member_code=getattr(token.user, "member_id", None) or "",
    )
    return token


def api_token_use(raw: str) -> ApiToken | None:
    """The active token matching `raw` (its user active too), noting when it was last used; None otherwise."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__member", "user__organisation")
        .filter(key_hash=api_token_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
