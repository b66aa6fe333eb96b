"""Notifications: the one mechanism every feature uses to tell a person something (in the app, and by e-mail).

An app registers its kinds from its `ready()` (`kind_register("support.answered", _("…"), app="support")`), the
way it registers permissions; core knows no app. It then calls `notify(recipients, kind=…, subject_template=…,
body_template=…, context=…, link=…)` inside its service's transaction: one `Notification` row per person (the
in-app list and the bell in the header), and, by the person's preference for that kind
(`NotificationPreference`, else the kind's default):

- immediate: a plain-text Japanese mail through core.mail, sent when the transaction commits;
- digest: nothing now; `notifications_digest_send` (manage.py send_digests, a daily systemd timer) mails each
  person one list of what piled up since the last digest;
- none: in the app only.

Every mail carries a signed one-click unsubscribe link for its kind (RFC 8058 `List-Unsubscribe` and
`List-Unsubscribe-Post` headers too); the link works without logging in and sets the kind to "none". The digest's
link stops every kind's mail.

Reminders (something due on a date) are registered the same way (`reminder_register(name, function)`); `manage.py
send_reminders` (the same daily timer) runs them, and each sends its notices through `notify`, remembering what
it has sent so that a reminder goes out once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from shokuba.core.audit import audit_saved, snapshot
from shokuba.core.mail import mail_send, site_url
from shokuba.core.models import Notification, NotificationDelivery, NotificationPreference

UNSUBSCRIBE_SALT = "shokuba.core.notifications.unsubscribe"
ALL_KINDS = "*"


@dataclass(frozen=True)
class NotificationKind:
    code: str
    label: Any  # a lazy translation
    app: str
    default: str = NotificationDelivery.IMMEDIATE


_kinds: dict[str, NotificationKind] = {}
_reminders: dict[str, Callable[[dt.datetime], int]] = {}


def kind_register(code: str, label: Any, *, app: str, default: str = NotificationDelivery.IMMEDIATE) -> None:
    """Declare a kind of notification (one owner per code, like permissions)."""
    if code in _kinds and _kinds[code].app != app:
        raise ValueError(f"notification kind {code!r} is already registered by {_kinds[code].app}")
    _kinds[code] = NotificationKind(code=code, label=label, app=app, default=default)


def kinds() -> list[NotificationKind]:
    return sorted(_kinds.values(), key=lambda k: k.code)


def kind_label(code: str) -> str:
    kind = _kinds.get(code)
    return str(kind.label) if kind else code


def reminder_register(name: str, remind: Callable[[dt.datetime], int]) -> None:
    """A daily reminder: `remind(now)` sends what is due through `notify` and returns how many notices it made."""
    _reminders[name] = remind


def reminders_run(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    return {name: remind(now) for name, remind in sorted(_reminders.items())}


def delivery_for(user: Any, kind: str) -> str:
    chosen = NotificationPreference.objects.filter(user=user, kind=kind).values_list("delivery", flat=True).first()
    return chosen or _kinds[kind].default


def preferences_of(user: Any) -> dict[str, str]:
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {k.code: chosen.get(k.code, k.default) for k in kinds()}


def unsubscribe_token(user: Any, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """(user id, kind) of a valid token, None for anything else (never an exception)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("k"), str):
        return None
    if data["k"] != ALL_KINDS and data["k"] not in _kinds:
        return None
    return data["u"], data["k"]


def _unsubscribe_headers(url: str) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def notify(
    recipients: Iterable[Any],
    *,
    kind: str,
    subject_template: str,
    body_template: str,
    context: dict[str, Any],
    link: str = "",
) -> list[Notification]:
    """Tell each recipient (active accounts; duplicates and None dropped) something, in the app and by their
    preference by mail. Call inside the service's transaction: mails go out when it commits."""
    if kind not in _kinds:
        raise KeyError(f"unknown notification kind {kind!r} (register it with kind_register)")
    with translation.override("ja"):
        subject = "".join(render_to_string(subject_template, context).splitlines()).strip()[:200]
        body = render_to_string(body_template, context).strip()
    seen: set[int] = set()
    made: list[Notification] = []
    for user in recipients:
        if user is None or not getattr(user, "is_active", False) or user.pk in seen:
            continue
        seen.add(user.pk)
        delivery = delivery_for(user, kind)
        notice = Notification.objects.create(
            recipient=user, kind=kind, subject=subject, body=body, link=link, delivery=delivery
        )
        made.append(notice)
        if delivery == NotificationDelivery.IMMEDIATE and user.email:
            unsubscribe = site_url(reverse("core:notification_unsubscribe", args=[unsubscribe_token(user, kind)]))
            mail_send(
                to=user.email,
                subject_template="core/notifications/mail_subject.txt",
                body_template="core/notifications/mail_body.txt",
                context={
                    "user": user,
                    "notice": notice,
                    "kind_label": kind_label(kind),
                    "link_url": site_url(link) if link else "",
                    "unsubscribe_url": unsubscribe,
                    "preferences_url": site_url(reverse("core:notification_preferences")),
                },
                headers=_unsubscribe_headers(unsubscribe),
            )
            notice.mailed_at = timezone.now()
            notice.save(update_fields=["mailed_at"])
    return made


@transaction.atomic
def notifications_digest_send(now: dt.datetime | None = None) -> int:
    """One mail per person listing their digest notices not mailed yet; returns how many mails were sent."""
    now = now or timezone.now()
    pending = (
        Notification.objects.select_for_update()
        .filter(delivery=NotificationDelivery.DIGEST, mailed_at__isnull=True, created_at__lte=now)
        .select_related("recipient")
        .order_by("recipient_id", "created_at", "id")
    )
    by_user: dict[int, list[Notification]] = {}
    for notice in pending:
        by_user.setdefault(notice.recipient_id, []).append(notice)
    sent = 0
    for notices in by_user.values():
        user = notices[0].recipient
        if user.is_active and user.email:
            unsubscribe = site_url(reverse("core:notification_unsubscribe", args=[unsubscribe_token(user, ALL_KINDS)]))
            mail_send(
                to=user.email,
                subject_template="core/notifications/digest_subject.txt",
                body_template="core/notifications/digest_body.txt",
                context={
                    "user": user,
                    "items": [
                        {"notice": n, "kind_label": kind_label(n.kind), "link_url": site_url(n.link) if n.link else ""}
                        for n in notices
                    ],
                    "unsubscribe_url": unsubscribe,
                    "preferences_url": site_url(reverse("core:notification_preferences")),
                },
                headers=_unsubscribe_headers(unsubscribe),
            )
            sent += 1
        Notification.objects.filter(pk__in=[n.pk for n in notices]).update(mailed_at=now)
    return sent


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


@transaction.atomic
def notification_preferences_save(*, actor: Any, choices: dict[str, str]) -> int:
    """A person sets how each kind reaches them (only their own; unknown kinds or ways refused). Audited per
    changed kind; returns how many changed."""
    problems = [code for code, way in choices.items() if code not in _kinds or way not in NotificationDelivery.values]
    if problems:
        raise ValidationError(
            {"delivery": [f"お知らせの種類または受け取り方が正しくありません: {', '.join(problems)}"]}
        )
    changed = 0
    for code, way in choices.items():
        row = NotificationPreference.objects.filter(user=actor, kind=code).first()
        if row is None:
            if way == _kinds[code].default:
                continue
            row = NotificationPreference(user=actor, kind=code, delivery=way)
            before = None
        elif row.delivery == way:
            continue
        else:
            before = snapshot(row)
            row.delivery = way
        row.save()
        audit_saved(actor=actor, instance=row, before=before)
        changed += 1
    return changed


def notification_unsubscribe(token: str) -> tuple[Any, str] | None:
    """Apply a mail's one-click link: the kind (or every kind) stops sending mail to its person. Returns (user,
    kind) or None for a link that is not ours or whose account no longer exists."""
    found = unsubscribe_read(token)
    if found is None:
        return None
    user = get_user_model().objects.filter(pk=found[0]).first()
    if user is None:
        return None
    codes = [k.code for k in kinds()] if found[1] == ALL_KINDS else [found[1]]
    notification_preferences_save(actor=user, choices=dict.fromkeys(codes, NotificationDelivery.NONE))
    return user, found[1]


@transaction.atomic
def notifications_mark_read(*, actor: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the person's own notices read (all unread ones when ids is None)."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
