"""The forum's kinds of notification (core.notifications): a reply reaches the thread's subscribers, an
@mention the person named, a report the secretariat, the secretariat's moderation the author of what it hid,
locked, deleted or restored (with the reason). Nobody is told of their own post, and nobody is told of a
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
MODERATED = "forum.moderated"

# What the secretariat did, as the author reads it (thread or post, by action).
_MODERATION_TEXT = {
    ("thread", "hide"): _("あなたが立てたスレッドを事務局が非表示にしました。ほかの自治体からは見えません。"),
    ("thread", "unhide"): _("あなたが立てたスレッドの非表示を事務局が解除しました。"),
    ("thread", "lock"): _("あなたが立てたスレッドへの返信を事務局が締め切りました。"),
    ("thread", "unlock"): _("あなたが立てたスレッドへの返信の締め切りを事務局が解除しました。"),
    ("thread", "delete"): _("あなたが立てたスレッドを事務局が削除しました。"),
    ("post", "hide"): _(
        "あなたの投稿を事務局が非表示にしました。ほかの自治体からは本文が見えません"
        "（あなたの自治体と事務局・支援チームからは見えます）。"
    ),
    ("post", "unhide"): _("あなたの投稿の非表示を事務局が解除しました。"),
    ("post", "delete"): _("あなたの投稿を事務局が削除しました。"),
}


def register_notices() -> None:
    kind_register(REPLIED, _("フォーラム：購読中のスレッドへの返信"), app=APP)
    kind_register(MENTIONED, _("フォーラム：@で名前を挙げられた"), app=APP)
    kind_register(REPORTED, _("フォーラム：投稿の報告（事務局）"), app=APP)
    kind_register(MODERATED, _("フォーラム：自分のスレッド・投稿への事務局の対応"), app=APP)


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


def moderated_notify(
    *, actor: Any, author: User | None, thread: Any, action: str, reason: str, post: Any = None
) -> None:
    """Tell the author what the secretariat did to their thread or post, and why (not when they did it
    themselves). A deleted thread is gone for its member, so the link then goes to the forum's first page."""
    if author is None or author.pk == getattr(actor, "pk", None):
        return
    if post is not None:
        link = reverse("forum:index") if post.deleted or thread.deleted else _link(post)
    else:
        link = reverse("forum:index") if thread.deleted else reverse("forum:thread", args=[thread.pk])
    notify(
        [author],
        kind=MODERATED,
        subject_template="forum/notices/moderated_subject.txt",
        body_template="forum/notices/moderated_body.txt",
        context={
            "thread": thread,
            "what": _MODERATION_TEXT[("post" if post is not None else "thread", action)],
            "reason": reason,
        },
        link=link,
    )
