"""The notifications mechanism itself (core/notifications.py), with a kind registered by the test: in-app rows,
immediate mail with its unsubscribe headers, digest, preferences, the signed link, the bell's count."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail, signing
from django.test import Client

from shokuba.core.models import AuditEntry, Notification, NotificationPreference
from shokuba.core.notifications import (
    UNSUBSCRIBE_SALT,
    kind_register,
    notification_unsubscribe,
    notifications_digest_send,
    notify,
    unread_count,
    unsubscribe_read,
    unsubscribe_token,
)

pytestmark = pytest.mark.django_db
KIND = "support.answered"  # a registered kind (the mechanism is the same for every kind)


def _notify(users: list[Any], **extra: Any) -> list[Notification]:
    return notify(
        users,
        kind=KIND,
        subject_template="support/notices/answered_subject.txt",
        body_template="support/notices/answered_body.txt",
        context={"consultation": {"title": "件名のテスト"}, "message": {"body": "本文のテスト"}},
        link="/support/",
        **extra,
    )


def test_kinds_have_one_owner_and_unknown_kinds_raise() -> None:
    with pytest.raises(ValueError):
        kind_register(KIND, "x", app="another")
    with pytest.raises(KeyError):
        notify([], kind="nobody.kind", subject_template="", body_template="", context={})


def test_rows_for_active_recipients_and_mail_in_japanese_plain_text(
    coordinator: Any, support: Any, django_capture_on_commit_callbacks: Any
) -> None:
    coordinator.email = "c@example.jp"
    coordinator.save()
    support.is_active = False
    support.save()
    with django_capture_on_commit_callbacks(execute=True):
        made = _notify([coordinator, coordinator, support, None])
    assert [n.recipient for n in made] == [coordinator]  # duplicates, inactive accounts and None dropped
    assert unread_count(coordinator) == 1
    [message] = mail.outbox
    assert message.subject == "[Shokuba] 相談に回答がありました：「件名のテスト」"
    assert "本文のテスト" in message.body and "http://localhost:8000/support/" in message.body
    assert message.alternatives == []
    token = unsubscribe_read(message.extra_headers["List-Unsubscribe"].split("/unsubscribe/")[1].split("/")[0])
    assert token == (coordinator.pk, KIND)
    client = Client()
    client.force_login(coordinator)
    assert "未読1件" in client.get("/notifications/").content.decode()


def test_no_address_no_mail_and_none_preference(coordinator: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _notify([coordinator])  # no e-mail address: in the app only
    assert mail.outbox == []
    coordinator.email = "c@example.jp"
    coordinator.save()
    NotificationPreference.objects.create(user=coordinator, kind=KIND, delivery="none")
    with django_capture_on_commit_callbacks(execute=True):
        _notify([coordinator])
    assert mail.outbox == [] and Notification.objects.filter(recipient=coordinator).count() == 2


def test_digest_collects_and_sends_once(coordinator: Any, django_capture_on_commit_callbacks: Any) -> None:
    coordinator.email = "c@example.jp"
    coordinator.save()
    NotificationPreference.objects.create(user=coordinator, kind=KIND, delivery="digest")
    _notify([coordinator])
    _notify([coordinator])
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications_digest_send() == 1
        assert notifications_digest_send() == 0
    [digest] = mail.outbox
    assert "お知らせのまとめ（2件）" in digest.subject
    assert digest.body.count("本文のテスト") == 2 and "List-Unsubscribe" in digest.extra_headers


def test_unsubscribe_token_is_signed_and_audited(coordinator: Any) -> None:
    assert unsubscribe_read("not-a-token") is None
    forged = signing.dumps({"u": coordinator.pk, "k": KIND}, salt="another salt")
    assert unsubscribe_read(forged) is None
    assert unsubscribe_read(signing.dumps({"u": coordinator.pk, "k": "nobody"}, salt=UNSUBSCRIBE_SALT)) is None
    before = AuditEntry.objects.count()
    assert notification_unsubscribe(unsubscribe_token(coordinator, KIND)) == (coordinator, KIND)
    assert NotificationPreference.objects.get(user=coordinator, kind=KIND).delivery == "none"
    assert AuditEntry.objects.count() == before + 1
    # The mail program's one-click POST (RFC 8058) needs no session and no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        f"/notifications/unsubscribe/{unsubscribe_token(coordinator, '*')}/"
    )
    assert response.status_code == 200
    assert NotificationPreference.objects.filter(user=coordinator, delivery="none").count() >= 6


def test_open_marks_read_and_follows_only_local_links(coordinator: Any, other_coordinator: Any) -> None:
    [notice] = _notify([coordinator])
    client = Client()
    client.force_login(other_coordinator)
    assert client.post(f"/notifications/{notice.pk}/open/").status_code == 404  # another person's notice
    client.force_login(coordinator)
    response = client.post(f"/notifications/{notice.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/support/"
    notice.refresh_from_db()
    assert notice.read_at is not None and unread_count(coordinator) == 0
    Notification.objects.filter(pk=notice.pk).update(link="https://evil.example/")
    assert client.post(f"/notifications/{notice.pk}/open/")["Location"] == "/notifications/"
