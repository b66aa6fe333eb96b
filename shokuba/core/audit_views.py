"""The audit log pages (being built)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shokuba.core.models import AuditEntry
from shokuba.core.permissions import require


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "network.view_audit")
    return render(request, "core/audit_list.html", {"entries": AuditEntry.objects.all()[:100]})


@login_required
def audit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    require(request.user, "network.view_audit")
    return HttpResponse(status=404)
