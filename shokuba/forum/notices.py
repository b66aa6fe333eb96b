"""The forum's kinds of notification (core.notifications): a reply reaches the thread's subscribers, an
@mention the person named, a report the secretariat. Nobody is told of their own post, and nobody is told of a
thread they may not see (a thread closed to other members never reaches another member). The services call these
inside their transactions; mails go out when the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shokuba.core.notifications import kind_register, notify
from shokuba.network.models import Role, User

APP = "forum"
REPLIED, MENTIONED, REPORTED = "forum.replied", "forum.mentioned", "forum.reported"


def register_notices() -> None:
    kind_register(REPLIED, _("フォーラム：購読中のスレッドへの返信"), app=APP)
    kind_register(MENTIONED, _("フォーラム：@で名前を挙げられた"), app=APP)
    kind_register(REPORTED, _("フォーラム：投稿の報告（事務局）"), app=APP)


def _link(post: Any) -> str:
    return f"{reverse('forum:thread', args=[post.thread_id])}#post-{post.pk}"


def post_replied_notify(post: Any, recipients: Iterable[User]) -> None:
    notify(
        recipients,
        kind=REPLIED,
        subject_template="forum/notices/replied_subject.txt",
        body_template="forum/notices/replied_body.txt",
        context={"thread": post.thread, "post": post},
        link=_link(post),
    )


def post_mentioned_notify(post: Any, recipients: Iterable[User]) -> None:
    notify(
        recipients,
        kind=MENTIONED,
        subject_template="forum/notices/mentioned_subject.txt",
        body_template="forum/notices/mentioned_body.txt",
        context={"thread": post.thread, "post": post},
        link=_link(post),
    )


def post_reported_notify(report: Any) -> None:
    notify(
        User.objects.filter(role=Role.SECRETARIAT, is_active=True),
        kind=REPORTED,
        subject_template="forum/notices/reported_subject.txt",
        body_template="forum/notices/reported_body.txt",
        context={"thread": report.post.thread, "post": report.post, "report": report},
        link=reverse("forum:moderation"),
    )
