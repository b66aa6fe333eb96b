"""Reads of the audit log. Who may read it at all is decided by core.permissions ("network.view_audit")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone

from shokuba.core.models import AuditEntry
from shokuba.core.permissions import has_perm


def _local_midnight(day: dt.date) -> dt.datetime:
    """The first instant of a local calendar day (Asia/Tokyo), as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


def audit_entries(*, user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[AuditEntry]:
    """Audit entries the user may read, newest first, narrowed by the filter form's cleaned data.

    filters: actor (part of the user name, any case), action, target_type, member_code (6 digits),
    date_from and date_to (local dates, both inclusive).
    """
    entries = AuditEntry.objects.select_related("actor").order_by("-at", "-id")
    if not has_perm(user, "network.view_audit"):
        return entries.none()
    filters = filters or {}
    if actor := filters.get("actor"):
        entries = entries.filter(actor_username__icontains=actor)
    if action := filters.get("action"):
        entries = entries.filter(action=action)
    if target_type := filters.get("target_type"):
        entries = entries.filter(target_type=target_type)
    if member_code := filters.get("member_code"):
        entries = entries.filter(member_code=member_code)
    if date_from := filters.get("date_from"):
        entries = entries.filter(at__gte=_local_midnight(date_from))
    if date_to := filters.get("date_to"):
        entries = entries.filter(at__lt=_local_midnight(date_to + dt.timedelta(days=1)))
    return entries


# Labels for kinds of object whose model is not ours (a third-party verbose name in English), by label_lower.
_TARGET_TYPE_LABELS: dict[str, Any] = {}


def target_type_label_register(target_type: str, label: Any) -> None:
    """Name a kind of audited object in the log (a lazy translation), where its model's verbose name will not do."""
    _TARGET_TYPE_LABELS[target_type] = label


def target_type_label(target_type: str) -> str:
    """network.organisation → 参加企業・団体 (the model's verbose name, or a registered label); the raw value for
    unknown types."""
    if target_type in _TARGET_TYPE_LABELS:
        return str(_TARGET_TYPE_LABELS[target_type])
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return target_type
    return str(model._meta.verbose_name)


def audit_target_types() -> list[tuple[str, str]]:
    """The kinds of object the log holds, as (value, Japanese label) choices sorted by label."""
    values = AuditEntry.objects.order_by().values_list("target_type", flat=True).distinct()
    return sorted(((value, target_type_label(value)) for value in values), key=lambda choice: choice[1])
