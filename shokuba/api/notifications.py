"""/api/v1/notifications: one's own notifications (core.notifications), read and marked read. Part of the API's
plumbing: it knows core, no app."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from shokuba.api.errors import not_found
from shokuba.api.lookups import caller
from shokuba.api.schemas import ErrorOut
from shokuba.core.models import Notification
from shokuba.core.notifications import kind_label, notifications_mark_read

router = Router(tags=["notifications"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class NotificationOut(Schema):
    id: int
    kind: str
    kind_label: str
    subject: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


def _out(n: Notification) -> dict[str, Any]:
    return {
        "id": n.pk,
        "kind": n.kind,
        "kind_label": kind_label(n.kind),
        "subject": n.subject,
        "body": n.body,
        "link": n.link,
        "created_at": n.created_at,
        "read_at": n.read_at,
    }


@router.get(
    "/notifications", response={200: list[NotificationOut], **ERRORS}, summary="自分のお知らせ（新しい順、200件まで）"
)
def notification_list(request: HttpRequest, unread: bool = False) -> list[dict[str, Any]]:
    rows = Notification.objects.filter(recipient=caller(request))
    if unread:
        rows = rows.filter(read_at__isnull=True)
    return [_out(n) for n in rows[:200]]


@router.post("/notifications/{id}/read", response={200: NotificationOut, **ERRORS}, summary="お知らせを既読にする")
def notification_read(request: HttpRequest, id: int) -> dict[str, Any]:
    user = caller(request)
    notice = Notification.objects.filter(pk=id, recipient=user).first() if 0 < id < 2**31 else None
    if notice is None:
        raise not_found(_("お知らせ（ID %(id)d）は見つかりません。") % {"id": id}, loc=["path", "id"])
    notifications_mark_read(actor=user, ids=[notice.pk])
    notice.refresh_from_db()
    return _out(notice)
