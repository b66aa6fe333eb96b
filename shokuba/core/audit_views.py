"""The audit log: a filterable, paginated list for the secretariat, and the same rows as CSV or XLSX."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shokuba.core.audit import audit_value_wording
from shokuba.core.exports import table_response
from shokuba.core.forms import AuditFilterForm
from shokuba.core.models import AuditEntry
from shokuba.core.permissions import require
from shokuba.core.selectors import audit_entries, audit_target_types, target_type_label

PAGE_SIZE = 50
EXPORT_FORMATS = ("csv", "xlsx")
FILTER_FIELDS = ("actor", "action", "target_type", "member_code", "date_from", "date_to")


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    target_type_label: str
    changes: list[FieldChange]


def _model_fields(target_type: str) -> dict[str, models.Field[Any, Any]]:
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return {}
    return {field.attname: field for field in model._meta.concrete_fields}


def related_names(entries: Iterable[AuditEntry]) -> dict[tuple[str, str], str]:
    """Names of the rows that foreign keys in the entries point at, fetched in one query per model.

    A diff that says 所在地 282090 → 042056 is readable only with the places' names; rows deleted since are
    simply left out and shown by their id.
    """
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for entry in entries:
        fields = _model_fields(entry.target_type)
        for data in (entry.before or {}, entry.after or {}):
            for key, value in data.items():
                field = fields.get(key)
                if value is not None and field is not None and field.many_to_one and field.related_model:
                    wanted[field.related_model].add(value)
    names: dict[tuple[str, str], str] = {}
    for model, pks in wanted.items():
        for pk, obj in model._default_manager.select_related().in_bulk(list(pks)).items():
            names[model._meta.label_lower, str(pk)] = str(obj)
    return names


def _shown(value: Any, field: models.Field[Any, Any] | None, names: Mapping[tuple[str, str], str]) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("はい") if value else _("いいえ")
    if field is not None and field.many_to_one and field.related_model:
        model: Any = field.related_model
        name = names.get((model._meta.label_lower, str(value)))
        return _("%(name)s（%(value)s）") % {"name": name, "value": value} if name else str(value)
    if field is not None and field.choices:
        labels = {str(key): str(label) for key, label in field.flatchoices}
        return labels.get(str(value), str(value))
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return " ".join(value)  # notes and the like: a list of sentences reads as sentences, not as JSON
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _is_bookkeeping(field: models.Field[Any, Any] | None) -> bool:
    """The row's id and its own timestamps: they restate the entry itself, so the diff leaves them out."""
    if field is None:
        return False
    return bool(field.primary_key or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def entry_changes(entry: AuditEntry, names: Mapping[tuple[str, str], str] | None = None) -> list[FieldChange]:
    """The fields whose value differs between before and after, in the model's field order, labelled in Japanese.

    names: from `related_names`, to show foreign keys by name.
    """
    names = names or {}
    before: dict[str, Any] = entry.before or {}
    after: dict[str, Any] = entry.after or {}
    fields = _model_fields(entry.target_type)
    keys = [name for name in fields if name in before or name in after]
    keys += sorted((set(before) | set(after)) - set(keys))
    changes = []
    for key in keys:
        field = fields.get(key)
        if _is_bookkeeping(field):
            continue
        wording = audit_value_wording(entry.target_type, key)
        if wording is not None:
            old = wording(before[key], before) if before.get(key) not in (None, "", []) else ""
            new = wording(after[key], after) if after.get(key) not in (None, "", []) else ""
        else:
            old, new = _shown(before.get(key), field, names), _shown(after.get(key), field, names)
        if old == new:
            continue
        label = str(field.verbose_name) if field is not None else key
        changes.append(FieldChange(field=label, before=old, after=new))
    return changes


def _filter_form(request: HttpRequest) -> AuditFilterForm:
    data = request.GET if any(request.GET.get(name) for name in FILTER_FIELDS) else None
    return AuditFilterForm(data, target_types=audit_target_types())


def _render_list(request: HttpRequest, form: AuditFilterForm, *, status: int = 200) -> HttpResponse:
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = audit_entries(user=request.user, filters=filters) if status == 200 else AuditEntry.objects.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    entries_on_page = list(page.object_list)
    names = related_names(entries_on_page)
    labels: dict[str, str] = {}
    rows = [
        AuditRow(
            entry=entry,
            target_type_label=labels.setdefault(entry.target_type, target_type_label(entry.target_type)),
            changes=entry_changes(entry, names),
        )
        for entry in entries_on_page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("encoding", None)
    context = {"form": form, "page": page, "rows": rows, "filter_query": query.urlencode()}
    return render(request, "core/audit_list.html", context, status=status)


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "network.view_audit")
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        return _render_list(request, form, status=400)
    return _render_list(request, form)


EXPORT_HEADER = (
    gettext_lazy("日時"),
    gettext_lazy("操作者"),
    gettext_lazy("操作"),
    gettext_lazy("対象の種類"),
    gettext_lazy("対象ID"),
    gettext_lazy("対象"),
    gettext_lazy("参加自治体コード"),
    gettext_lazy("変更前"),
    gettext_lazy("変更後"),
)


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


@login_required
def audit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    require(request.user, "network.view_audit")
    if fmt not in EXPORT_FORMATS:
        raise Http404(fmt)
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        return _render_list(request, form, status=400)
    filters = form.cleaned_data if form.is_bound else {}
    labels: dict[str, str] = {}
    rows = (
        (
            timezone.localtime(entry.at).isoformat(),
            entry.actor_username,
            entry.get_action_display(),
            labels.setdefault(entry.target_type, target_type_label(entry.target_type)),
            entry.target_id,
            entry.target_label,
            entry.member_code,
            _json(entry.before),
            _json(entry.after),
        )
        for entry in audit_entries(user=request.user, filters=filters).iterator(chunk_size=2000)
    )
    header = [str(h) for h in EXPORT_HEADER]
    return table_response(
        fmt=fmt,
        filename=f"audit-log-{timezone.localdate():%Y%m%d}",
        header=header,
        rows=rows,
        encoding=request.GET.get("encoding", ""),
        sheet_title=_("操作記録"),
    )
