"""One's own notifications: the list (the header's bell leads here), marking read, the preferences per kind, and
the mails' one-click unsubscribe link (no login: the signed token is the proof)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shokuba.core.forms import AccessibleFormMixin
from shokuba.core.models import Notification, NotificationDelivery
from shokuba.core.notifications import (
    ALL_KINDS,
    kind_label,
    kinds,
    notification_preferences_save,
    notifications_mark_read,
    preferences_of,
    unsubscribe_read,
)
from shokuba.core.notifications import (
    notification_unsubscribe as unsubscribe_apply,
)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    notices = Notification.objects.filter(recipient=user)
    page = Paginator(notices, 50).get_page(request.GET.get("page"))
    rows = [{"notice": n, "kind": kind_label(n.kind)} for n in page.object_list]
    return render(request, "core/notifications/list.html", {"page": page, "rows": rows})


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notice read and go to what it is about (only one's own: another person's id is a 404)."""
    notice = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications_mark_read(actor=request.user, ids=[notice.pk])
    if notice.link and url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None):
        return redirect(notice.link)
    return redirect("core:notifications")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_read(actor=request.user)
    messages.success(request, _("%(n)d件を既読にしました。") % {"n": count})
    return redirect("core:notifications")


class PreferencesForm(AccessibleFormMixin, forms.Form):
    def __init__(self, *args: Any, current: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in kinds():
            self.fields[kind.code] = forms.ChoiceField(
                label=kind.label,
                choices=NotificationDelivery.choices,
                initial=current[kind.code],
                widget=forms.RadioSelect,
            )


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, current=preferences_of(request.user))
    if request.method == "POST" and form.is_valid():
        changed = notification_preferences_save(actor=request.user, choices=form.cleaned_data)
        messages.success(request, _("受け取り方を保存しました（%(n)d件の変更）。") % {"n": changed})
        return redirect("core:notification_preferences")
    return render(
        request,
        "core/notifications/preferences.html",
        {"form": form},
        status=422 if request.method == "POST" else 200,
    )


@csrf_exempt  # the signed token is the proof; mail programs post here without a session (RFC 8058)
def notification_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = unsubscribe_read(token)
    if found is None:
        return render(request, "core/notifications/unsubscribe.html", {"invalid": True}, status=404)
    label = _("すべてのお知らせ") if found[1] == ALL_KINDS else kind_label(found[1])
    if request.method == "POST":
        if unsubscribe_apply(token) is None:
            return render(request, "core/notifications/unsubscribe.html", {"invalid": True}, status=404)
        return render(request, "core/notifications/unsubscribe.html", {"done": True, "label": label})
    return render(request, "core/notifications/unsubscribe.html", {"label": label, "token": token})
