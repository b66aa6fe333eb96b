"""Every change to the forum: `<thing>_<verb>(*, actor, ...)`, atomic, permission-checked, validated (every
problem at once, naming the field) and audited (one entry per change). Every change of a thread's text or of who
may see it re-indexes the thread for the search in the same transaction; a deleted thread leaves the index.

A post's edit keeps the replaced text as a `PostVersion`. Starting or answering a thread subscribes the writer.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shokuba.core.audit import audit_record, audit_saved, snapshot
from shokuba.core.models import AuditAction
from shokuba.core.permissions import has_perm, is_system, require
from shokuba.core.validation import texts_check
from shokuba.forum import notices
from shokuba.forum.models import WORRIES, Post, PostVersion, Report, Subscription, Thread
from shokuba.forum.permissions import thread_audience, visible_threads
from shokuba.guidebook.models import Chapter
from shokuba.network.models import Member, User
from shokuba.search.services import Indexable, search_document_delete, search_document_save

TITLE_MAX, BODY_MAX, REASON_MAX = 120, 4000, 2000
MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9_.+-]{1,150})")
THREAD_ACTIONS = ("hide", "unhide", "lock", "unlock", "delete")
POST_ACTIONS = ("hide", "unhide", "delete")


def labels() -> dict[str, str]:
    return {
        "category": _("カテゴリ"),
        "title": _("題名"),
        "body": _("本文"),
        "reason": _("理由"),
        "action": _("操作"),
    }


def _add(errors: dict[str, list[Any]], name: str, message: str, code: str = "invalid") -> None:
    errors.setdefault(name, []).append(ValidationError(message, code=code))


def _text(
    errors: dict[str, list[Any]], name: str, value: Any, maximum: int, *, multiline: bool = True, label: str = ""
) -> None:
    """Required text of at most `maximum` characters that can be stored."""
    label = label or labels()[name]
    errors.update(texts_check({name: (label, value, multiline)}))
    if not isinstance(value, str) or not value.strip():
        _add(errors, name, _("%(label)sを入力してください。") % {"label": label}, "required")
    elif len(value) > maximum:
        _add(errors, name, _("%(label)sは%(max)d文字以内で入力してください。") % {"label": label, "max": maximum})


def _raise(errors: dict[str, list[Any]]) -> None:
    if errors:
        raise ValidationError(errors)


def _state_error(message: str) -> ValidationError:
    return ValidationError({"state": [ValidationError(message, code="state")]})


def _account(actor: Any) -> User | None:
    return actor if getattr(actor, "pk", None) else None


def category_codes() -> list[str]:
    return [*Chapter.objects.order_by("position").values_list("code", flat=True), WORRIES]


# --- the search -----------------------------------------------------------------------------------------------


def thread_document(thread: Thread) -> Indexable:
    """What the search reads of a thread: its title and every post nobody hid or deleted."""
    bodies = thread.posts.filter(hidden=False, deleted=False).values_list("body", flat=True)
    return Indexable(
        kind="forum",
        object_id=thread.pk,
        member=thread.member,
        audience=thread_audience(thread),
        title=thread.title,
        body="\n".join(bodies),
        themes=[thread.category],
    )


def _reindex(thread: Thread) -> None:
    if thread.deleted:
        search_document_delete(kind="forum", object_id=thread.pk)
    else:
        search_document_save(thread_document(thread))


# --- who is told ----------------------------------------------------------------------------------------------


def _sees(user: User, thread: Thread) -> bool:
    return user.is_active and visible_threads(user).filter(pk=thread.pk).exists()


def mentioned_users(body: str, thread: Thread, writer: Any) -> list[User]:
    """The accounts named `@username` in the text who may see the thread (never the writer)."""
    names = {m.group(1).rstrip(".") for m in MENTION.finditer(body)}
    if not names:
        return []
    people = User.objects.filter(username__in=names, is_active=True).exclude(pk=getattr(writer, "pk", 0) or 0)
    return [u for u in people.order_by("pk") if has_perm(u, "forum.view") and _sees(u, thread)]


def _tell(post: Post, writer: Any) -> None:
    thread = post.thread
    mentioned = mentioned_users(post.body, thread, writer)
    told = {u.pk for u in mentioned} | {getattr(writer, "pk", 0) or 0}
    subscribers = User.objects.filter(pk__in=thread.subscriptions.values("user_id")).exclude(pk__in=told)
    replied = [u for u in subscribers.order_by("pk") if _sees(u, thread)]
    if mentioned:
        notices.post_mentioned_notify(post, mentioned)
    if replied and thread.posts.filter(created_at__lt=post.created_at).exists():
        notices.post_replied_notify(post, replied)


def _subscribe(thread: Thread, user: Any) -> None:
    if getattr(user, "pk", None):
        Subscription.objects.get_or_create(thread=thread, user=user)


# --- writing --------------------------------------------------------------------------------------------------


@transaction.atomic
def thread_start(
    *,
    actor: Any,
    category: str,
    title: str,
    body: str,
    private: bool = False,
    demo: bool = False,
    member: Member | None = None,
) -> Thread:
    """A coordinator asks or starts a discussion in a category; `private` closes it to other members. The thread is
    the coordinator's member's (`member` only for the system actor: the demo of a member without an account)."""
    require(actor, "thread.start")
    member_id = getattr(actor, "member_id", None) or (member.pk if member is not None and is_system(actor) else None)
    if member_id is None:
        raise ValueError("a thread belongs to a member")
    errors: dict[str, list[Any]] = {}
    if category not in category_codes():
        _add(errors, "category", _("カテゴリは選択肢から選んでください。"), "reference")
    _text(errors, "title", title, TITLE_MAX, multiline=False)
    _text(errors, "body", body, BODY_MAX)
    _raise(errors)
    thread = Thread.objects.create(
        member_id=member_id,
        category=category,
        title=title.strip(),
        private=bool(private),
        demo=demo,
        created_by=_account(actor),
    )
    post = Post.objects.create(thread=thread, author=_account(actor), body=body.strip())
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=thread,
        before=None,
        after=snapshot(thread) | {"body": post.body},
        member_code=thread.member_id,
    )
    _subscribe(thread, actor)
    _reindex(thread)
    _tell(post, actor)
    return thread


def _locked_thread(thread: Thread) -> Thread:
    return Thread.objects.select_for_update().select_related("member__local_government").get(pk=thread.pk)


def _locked_post(post: Post) -> Post:
    """The post and its thread, the thread locked first (as replies and the thread's moderation lock it): the
    thread's search document is then rebuilt from what is committed, never from a copy read before another change
    (a thread deleted meanwhile stays out of the index)."""
    thread = Thread.objects.select_for_update().select_related("member__local_government").get(pk=post.thread_id)
    locked = Post.objects.select_for_update().get(pk=post.pk)
    locked.thread = thread
    return locked


@transaction.atomic
def post_reply(*, actor: Any, thread: Thread, body: str) -> Post:
    """Answer in a thread: its subscribers and the people @named are told."""
    require(actor, "thread.reply", thread)
    thread = _locked_thread(thread)
    if thread.locked or thread.deleted:
        raise _state_error(_("このスレッドは返信を締め切っています。"))
    errors: dict[str, list[Any]] = {}
    _text(errors, "body", body, BODY_MAX)
    _raise(errors)
    post = Post.objects.create(thread=thread, author=_account(actor), body=body.strip())
    thread.last_posted_at = post.created_at
    thread.save(update_fields=["last_posted_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=post,
        before=None,
        after=snapshot(post),
        member_code=thread.member_id,
    )
    _subscribe(thread, actor)
    _reindex(thread)
    _tell(post, actor)
    return post


@transaction.atomic
def post_edit(*, actor: Any, post: Post, body: str) -> Post:
    """The author changes a post; the text it had is kept as a version, readers see 「編集済み」."""
    require(actor, "post.edit", post)
    post = _locked_post(post)
    errors: dict[str, list[Any]] = {}
    _text(errors, "body", body, BODY_MAX)
    _raise(errors)
    if body.strip() == post.body:
        return post
    before = snapshot(post)
    number = (post.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    PostVersion.objects.create(post=post, number=number, body=post.body, created_at=post.edited_at or post.created_at)
    post.body, post.edited_at = body.strip(), timezone.now()
    post.save(update_fields=["body", "edited_at"])
    audit_saved(actor=actor, instance=post, before=before, member_code=post.thread.member_id)
    _reindex(post.thread)
    mentioned_before = {u.pk for u in mentioned_users(before["body"], post.thread, actor)}
    newly = [u for u in mentioned_users(post.body, post.thread, actor) if u.pk not in mentioned_before]
    if newly:
        notices.post_mentioned_notify(post, newly)
    return post


@transaction.atomic
def post_helpful_set(*, actor: Any, post: Post, helpful: bool) -> Post:
    """The asker marks one answer 「役に立った」 (marking another moves the mark)."""
    require(actor, "post.mark_helpful", post)
    if post.thread.posts.order_by("created_at", "pk").first() == post:
        raise _state_error(_("質問そのものには付けられません。"))
    for other in post.thread.posts.filter(helpful=True).exclude(pk=post.pk) if helpful else []:
        before = snapshot(other)
        other.helpful = False
        other.save(update_fields=["helpful"])
        audit_saved(actor=actor, instance=other, before=before, member_code=post.thread.member_id)
    before = snapshot(post)
    post.helpful = bool(helpful)
    post.save(update_fields=["helpful"])
    audit_saved(actor=actor, instance=post, before=before, member_code=post.thread.member_id)
    return post


@transaction.atomic
def thread_subscription_set(*, actor: Any, thread: Thread, subscribed: bool) -> bool:
    """Follow (or stop following) a thread's replies. Returns whether anything changed."""
    require(actor, "thread.subscribe", thread)
    found = Subscription.objects.filter(thread=thread, user=actor).first()
    if subscribed and found is None:
        made = Subscription.objects.create(thread=thread, user=actor)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=made,
            before=None,
            after=snapshot(made),
            member_code=thread.member_id,
        )
        return True
    if not subscribed and found is not None:
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            instance=found,
            before=snapshot(found),
            after=None,
            member_code=thread.member_id,
        )
        found.delete()
        return True
    return False


@transaction.atomic
def post_report(*, actor: Any, post: Post, reason: str) -> Report:
    """A reader reports a post to the secretariat's moderation queue."""
    require(actor, "post.report", post)
    errors: dict[str, list[Any]] = {}
    _text(errors, "reason", reason, REASON_MAX, label=_("報告の理由"))
    _raise(errors)
    report = Report.objects.create(post=post, reporter=_account(actor), reason=reason.strip())
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=report,
        before=None,
        after=snapshot(report),
        member_code=post.thread.member_id,
    )
    notices.post_reported_notify(report)
    return report


def _moderation_check(action: str, allowed: tuple[str, ...], reason: str) -> None:
    errors: dict[str, list[Any]] = {}
    if action not in allowed:
        _add(errors, "action", _("操作は選択肢から選んでください。"))
    if action in ("hide", "delete", "lock"):
        _text(errors, "reason", reason, REASON_MAX)
    elif isinstance(reason, str) and len(reason) > REASON_MAX:
        _add(errors, "reason", _("理由は%(max)d文字以内で入力してください。") % {"max": REASON_MAX})
    _raise(errors)


def _reports_close(actor: Any, posts: Any) -> None:
    Report.objects.filter(post__in=posts, closed_at__isnull=True).update(
        closed_at=timezone.now(), closed_by=_account(actor)
    )


@transaction.atomic
def thread_moderate(*, actor: Any, thread: Thread, action: str, reason: str = "") -> Thread:
    """The secretariat hides (from other members), locks or deletes a thread, with a reason, or undoes it."""
    require(actor, "thread.moderate", thread)
    _moderation_check(action, THREAD_ACTIONS, reason)
    thread = _locked_thread(thread)
    before = snapshot(thread)
    state = (thread.hidden, thread.locked, thread.deleted)
    author = thread.created_by
    author_sees = author is not None and _sees(author, thread)  # judged before a deletion takes it from them
    if action in ("hide", "unhide"):
        thread.hidden = action == "hide"
    elif action in ("lock", "unlock"):
        thread.locked = action == "lock"
    else:
        thread.deleted = True
        _reports_close(actor, thread.posts.all())
    if reason.strip():
        thread.moderation_reason = reason.strip()
    thread.save()
    audit_saved(actor=actor, instance=thread, before=before, member_code=thread.member_id)
    _reindex(thread)
    if author_sees and (thread.hidden, thread.locked, thread.deleted) != state:
        notices.moderated_notify(actor=actor, author=author, thread=thread, action=action, reason=reason.strip())
    return thread


@transaction.atomic
def post_moderate(*, actor: Any, post: Post, action: str, reason: str = "") -> Post:
    """The secretariat hides or deletes a post with a reason (its text stays for the audit log), or unhides it.
    The reports on the post are closed."""
    require(actor, "post.moderate", post)
    _moderation_check(action, POST_ACTIONS, reason)
    post = _locked_post(post)
    if post.deleted:
        raise _state_error(_("削除された投稿は元に戻せません。"))
    before = snapshot(post)
    state = (post.hidden, post.deleted)
    if action == "delete":
        post.deleted = True
    else:
        post.hidden = action == "hide"
    if reason.strip():
        post.moderation_reason = reason.strip()
    if not (post.hidden or post.deleted) and not reason.strip():
        post.moderation_reason = ""
    post.save()
    _reports_close(actor, [post])
    audit_saved(actor=actor, instance=post, before=before, member_code=post.thread.member_id)
    _reindex(post.thread)
    author = post.author
    if author is not None and (post.hidden, post.deleted) != state and _sees(author, post.thread):
        notices.moderated_notify(
            actor=actor, author=author, thread=post.thread, post=post, action=action, reason=reason.strip()
        )
    return post


@transaction.atomic
def report_close(*, actor: Any, report: Report) -> Report:
    """The secretariat closes a report without acting on the post."""
    require(actor, "forum.moderation_queue")
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.closed_at is not None:
        raise _state_error(_("この報告はすでに対応済みです。"))
    before = snapshot(report)
    report.closed_at, report.closed_by = timezone.now(), _account(actor)
    report.save()
    audit_saved(actor=actor, instance=report, before=before, member_code=report.post.thread.member_id)
    return report
