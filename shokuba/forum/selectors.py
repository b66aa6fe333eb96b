"""Reads of the forum, always narrowed by `visible_threads`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from shokuba.forum.models import WORRIES, Post, Report, Subscription, Thread
from shokuba.forum.permissions import shows_post_text, visible_threads
from shokuba.guidebook.models import Chapter


@dataclass
class Category:
    code: str
    label: str
    threads: int = 0


def categories(user: Any) -> list[Category]:
    """One category per guidebook chapter, then 「悩み相談」, each with the number of threads the user sees."""
    counts = dict(visible_threads(user).values_list("category").annotate(n=Count("pk")).values_list("category", "n"))
    found = [
        Category(code, _("第%(code)s章 %(title)s") % {"code": code, "title": title}, counts.get(code, 0))
        for code, title in Chapter.objects.order_by("position").values_list("code", "title")
    ]
    return [*found, Category(WORRIES, _("悩み相談"), counts.get(WORRIES, 0))]


def category_label(code: str) -> str:
    return next((c.label for c in categories(None) if c.code == code), code)


def thread_for(user: Any, pk: int) -> Thread:
    """A thread the user may see, else 404 (another member's closed thread does not exist for them)."""
    thread = visible_threads(user).filter(pk=pk).first()
    if thread is None:
        raise Http404
    return thread


def post_for(user: Any, pk: int) -> Post:
    post = Post.objects.select_related("thread", "author").filter(pk=pk).first()
    if post is None or not visible_threads(user).filter(pk=post.thread_id).exists():
        raise Http404
    return post


def threads(user: Any, category: str = "") -> QuerySet[Thread]:
    found = visible_threads(user).annotate(replies=Count("posts") - 1)
    return found.filter(category=category) if category else found


@dataclass
class PostView:
    post: Post
    shows_text: bool
    versions: list[Any]


def thread_posts(user: Any, thread: Thread) -> list[PostView]:
    """The thread's posts in order; a hidden or deleted post's text only for those allowed to read it."""
    posts = thread.posts.select_related("author__member__local_government").prefetch_related("versions")
    return [PostView(p, shows_post_text(user, p), list(p.versions.all())) for p in posts]


def subscribed(user: Any, thread: Thread) -> bool:
    return bool(getattr(user, "pk", None)) and Subscription.objects.filter(thread=thread, user=user).exists()


def open_reports() -> QuerySet[Report]:
    return Report.objects.filter(closed_at__isnull=True).select_related("post__thread", "post__author", "reporter")
