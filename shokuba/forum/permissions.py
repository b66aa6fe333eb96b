"""Who reads, writes, answers and moderates the forum. Rules registered with core.permissions from
ForumConfig.ready().

Every member's coordinators (municipality and prefecture) read and write; the support team reads everything and
answers; the secretariat reads everything, answers and moderates. Organisation admins and anonymous visitors see
nothing. A thread closed to other members (`private`), or hidden by the secretariat, is seen by its own member's
coordinators and the staff only; a thread the secretariat deleted by the staff only. Inside a visible thread a
post the secretariat hid or deleted shows its text to the staff and to its author's member only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from shokuba.core.permissions import register
from shokuba.forum.models import Post, Thread
from shokuba.network.models import Role
from shokuba.network.permissions import has_role, is_secretariat, reads_everything
from shokuba.search.registry import AUDIENCES, NETWORK, STAFF, Narrowing

APP = "forum"


def reads_forum(user: Any) -> bool:
    return reads_everything(user) or (has_role(user, Role.COORDINATOR) and bool(user.member_id))


def _asker(user: Any, thread: Thread) -> bool:
    return has_role(user, Role.COORDINATOR) and thread.created_by_id == user.pk


def register_permissions() -> None:
    register("forum.view", lambda user, _obj: reads_forum(user), on=None, app=APP)
    register("forum.moderation_queue", lambda user, _obj: is_secretariat(user), on=None, app=APP)
    register(
        "thread.start", lambda user, _obj: has_role(user, Role.COORDINATOR) and bool(user.member_id), on=None, app=APP
    )
    register(
        "thread.reply",
        lambda user, thread: reads_forum(user) and not thread.locked and not thread.deleted,
        on=Thread,
        app=APP,
    )
    register("thread.subscribe", lambda user, thread: reads_forum(user), on=Thread, app=APP)
    register("thread.moderate", lambda user, thread: is_secretariat(user), on=Thread, app=APP)
    register(
        "post.edit",
        lambda user, post: reads_forum(user) and post.author_id == user.pk and not post.deleted,
        on=Post,
        app=APP,
    )
    register(
        "post.mark_helpful",
        lambda user, post: (
            _asker(user, post.thread) and post.author_id != user.pk and not post.deleted and not post.hidden
        ),
        on=Post,
        app=APP,
    )
    register("post.report", lambda user, post: reads_forum(user) and post.author_id != user.pk, on=Post, app=APP)
    register("post.moderate", lambda user, post: is_secretariat(user), on=Post, app=APP)


def visible_threads(user: Any) -> QuerySet[Thread]:
    threads = Thread.objects.select_related("member__local_government", "created_by")
    if reads_everything(user):
        return threads
    if has_role(user, Role.COORDINATOR) and user.member_id:
        return threads.filter(
            Q(private=False, hidden=False, deleted=False) | Q(member_id=user.member_id, deleted=False)
        )
    return threads.none()


def shows_post_text(user: Any, post: Post) -> bool:
    """A hidden or deleted post's text: for the staff and its author's member only."""
    if not (post.hidden or post.deleted) or reads_everything(user):
        return True
    author_member = getattr(post.author, "member_id", None)
    return post.deleted is False and author_member is not None and author_member == getattr(user, "member_id", None)


# The same rule for the search, over the audience each thread is indexed with (tests/test_search_narrowing.py
# checks that the search finds exactly `visible_threads` for every role). A deleted thread has no document.
def thread_audience(thread: Thread) -> str:
    return STAFF if thread.private or thread.hidden else NETWORK


def thread_search_narrowing(user: Any) -> Narrowing:
    if reads_everything(user):
        return Narrowing(everywhere=frozenset({NETWORK, STAFF}))
    if has_role(user, Role.COORDINATOR) and user.member_id:
        return Narrowing(everywhere=frozenset({NETWORK}), own_member=user.member_id, own=frozenset(AUDIENCES))
    return Narrowing()
