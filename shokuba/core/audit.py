"""Recording staff changes in the audit log. Services call `audit_record` inside their transaction."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Mapping
from typing import Any

from django.db import models

from shokuba.core.models import AuditAction, AuditEntry

# How the audit page words a stored value that is a code only its app can read: (target type, field attname) →
# function(value, the whole snapshot) → words. Apps register from their ready(); core knows no app.
ValueWording = Callable[[Any, Mapping[str, Any]], str]
_value_wordings: dict[tuple[str, str], ValueWording] = {}


def audit_value_wording_register(target_type: str, attname: str, wording: ValueWording) -> None:
    """Let the audit page show `attname` of `target_type` (e.g. "guidebook.stepprogress") in words."""
    _value_wordings[target_type, attname] = wording


def audit_value_wording(target_type: str, attname: str) -> ValueWording | None:
    return _value_wordings.get((target_type, attname))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete field values of a row, as JSON-ready data (foreign keys as their ids)."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in {"password"}:
            continue
        data[field.attname] = _plain(getattr(instance, field.attname))
    return data


def audit_record(
    *,
    actor: Any,
    action: AuditAction,
    instance: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    member_code: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_username=getattr(actor, "username", "") or "system",
        action=action,
        target_type=instance._meta.label_lower,
        target_id=str(instance.pk),
        target_label=str(instance)[:255],
        member_code=member_code,
        before=before,
        after=after,
    )


def audit_saved(
    *,
    actor: Any,
    instance: models.Model,
    before: dict[str, Any] | None,
    member_code: str = "",
    bookkeeping: frozenset[str] = frozenset(),
) -> AuditEntry | None:
    """Record a create (before is None) or an update of a row just saved, unless only bookkeeping fields
    (who/when last saved) changed: re-saving the same values must not fill the log with empty entries."""
    after = snapshot(instance)

    def meaningful(data: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in data.items() if k not in bookkeeping}

    if before is not None and meaningful(before) == meaningful(after):
        return None
    return audit_record(
        actor=actor,
        action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
        instance=instance,
        before=before,
        after=after,
        member_code=member_code,
    )
