"""The forum's pages: parse, check, call a service or selector, render. A refused input re-renders the page with
the problems beside their fields (HTTP 400) and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shokuba.core.permissions import has_perm, require
from shokuba.forum import selectors, services
from shokuba.forum.forms import EditForm, ModerateForm, ReplyForm, ReportForm, SearchForm, ThreadForm
from shokuba.forum.models import Report, Thread
from shokuba.search.selectors import SearchFilters, search

PAGE = 30


def _errors_to_form(form: Any, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The categories, the newest threads (of one category if chosen) and the search over every post."""
    require(request.user, "forum.view")
    categories = selectors.categories(request.user)
    category = request.GET.get("category", "")
    if category not in {c.code for c in categories}:
        category = ""
    form = SearchForm(request.GET or None)
    query = form.cleaned_data.get("q", "").strip() if form.is_valid() else ""
    result = None
    if query:
        filters = SearchFilters(kinds=("forum",), theme=category)
        result = search(request.user, query, filters=filters, limit=PAGE)
    labels = {c.code: c.label for c in categories}
    context = {
        "categories": categories,
        "category": next((c for c in categories if c.code == category), None),
        "form": form,
        "query": query,
        "result": result,
        "threads": [(t, labels.get(t.category, t.category)) for t in selectors.threads(request.user, category)[:PAGE]],
        "can_start": has_perm(request.user, "thread.start"),
        "queue": selectors.open_reports().count() if has_perm(request.user, "forum.moderation_queue") else None,
    }
    return render(request, "forum/index.html", context)


@login_required
def thread_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "thread.start")
    choices = [(c.code, c.label) for c in selectors.categories(request.user)]
    status = 200
    if request.method == "POST":
        form = ThreadForm(request.POST, categories=choices)
        try:
            thread = services.thread_start(
                actor=request.user,
                category=request.POST.get("category", ""),
                title=request.POST.get("title", ""),
                body=request.POST.get("body", ""),
                private=request.POST.get("private") == "on",
            )
        except ValidationError as error:
            form.is_valid()
            _errors_to_form(form, error)
            status = 400
        else:
            messages.success(request, _("スレッドを作りました。"))
            return redirect("forum:thread", thread.pk)
    else:
        form = ThreadForm(initial={"category": request.GET.get("category", "")}, categories=choices)
    return render(request, "forum/new.html", {"form": form}, status=status)


def _thread_page(request: HttpRequest, thread: Thread, status: int = 200, **forms: Any) -> HttpResponse:
    user = request.user
    posts = selectors.thread_posts(user, thread)
    for view in posts:
        view.can_edit = has_perm(user, "post.edit", view.post)  # type: ignore[attr-defined]
        view.can_mark = has_perm(user, "post.mark_helpful", view.post) and view.post.pk != posts[0].post.pk  # type: ignore[attr-defined]
        view.can_report = has_perm(user, "post.report", view.post)  # type: ignore[attr-defined]
    context = {
        "thread": thread,
        "category_label": selectors.category_label(thread.category),
        "posts": posts,
        "subscribed": selectors.subscribed(user, thread),
        "can_reply": has_perm(user, "thread.reply", thread),
        "can_moderate": has_perm(user, "thread.moderate", thread),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "report_form": forms.get("report_form") or ReportForm(),
        "report_post": forms.get("report_post"),
        "moderate_form": forms.get("moderate_form") or ModerateForm(),
    }
    return render(request, "forum/thread.html", context, status=status)


@login_required
def thread_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _thread_page(request, selectors.thread_for(request.user, pk))


def _done(request: HttpRequest, thread_id: int, message: str, anchor: str = "") -> HttpResponse:
    messages.success(request, message)
    return redirect(reverse("forum:thread", args=[thread_id]) + anchor)


@login_required
@require_POST
def thread_reply(request: HttpRequest, pk: int) -> HttpResponse:
    thread = selectors.thread_for(request.user, pk)
    try:
        post = services.post_reply(actor=request.user, thread=thread, body=request.POST.get("body", ""))
    except ValidationError as error:
        form = ReplyForm(request.POST)
        form.is_valid()
        _errors_to_form(form, error)
        return _thread_page(request, thread, 400, reply_form=form)
    return _done(request, thread.pk, _("返信しました。"), f"#post-{post.pk}")


@login_required
@require_POST
def thread_subscription(request: HttpRequest, pk: int) -> HttpResponse:
    thread = selectors.thread_for(request.user, pk)
    subscribed = request.POST.get("subscribed", "1") == "1"
    services.thread_subscription_set(actor=request.user, thread=thread, subscribed=subscribed)
    done = _("このスレッドの返信を知らせます。") if subscribed else _("このスレッドの返信を知らせないようにしました。")
    return _done(request, thread.pk, done)


def _moderation(request: HttpRequest, thread: Thread, call: Callable[[str, str], Any], done: str) -> HttpResponse:
    try:
        call(request.POST.get("action", ""), request.POST.get("reason", ""))
    except ValidationError as error:
        form = ModerateForm(request.POST)
        form.is_valid()
        _errors_to_form(form, error)
        return _thread_page(request, thread, 400, moderate_form=form)
    messages.success(request, done)
    if request.POST.get("next") == "moderation":
        return redirect("forum:moderation")
    return redirect("forum:thread", thread.pk)


@login_required
@require_POST
def thread_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    thread = selectors.thread_for(request.user, pk)
    require(request.user, "thread.moderate", thread)
    return _moderation(
        request,
        thread,
        lambda action, reason: services.thread_moderate(
            actor=request.user, thread=thread, action=action, reason=reason
        ),
        _("スレッドのモデレーションを記録しました。"),
    )


@login_required
@require_POST
def post_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_for(request.user, pk)
    require(request.user, "post.moderate", post)
    return _moderation(
        request,
        post.thread,
        lambda action, reason: services.post_moderate(actor=request.user, post=post, action=action, reason=reason),
        _("投稿のモデレーションを記録しました。"),
    )


@login_required
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_for(request.user, pk)
    require(request.user, "post.edit", post)
    status = 200
    if request.method == "POST":
        form = EditForm(request.POST)
        try:
            services.post_edit(actor=request.user, post=post, body=request.POST.get("body", ""))
        except ValidationError as error:
            form.is_valid()
            _errors_to_form(form, error)
            status = 400
        else:
            return _done(request, post.thread_id, _("投稿を編集しました。"), f"#post-{post.pk}")
    else:
        form = EditForm(initial={"body": post.body})
    return render(request, "forum/edit.html", {"form": form, "post": post, "thread": post.thread}, status=status)


@login_required
@require_POST
def post_helpful(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_for(request.user, pk)
    helpful = request.POST.get("helpful", "1") == "1"
    try:
        services.post_helpful_set(actor=request.user, post=post, helpful=helpful)
    except ValidationError as error:
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
        return _thread_page(request, post.thread, 400)
    done = _("この回答に「役に立った」を付けました。") if helpful else _("「役に立った」を取り消しました。")
    return _done(request, post.thread_id, done, f"#post-{post.pk}")


@login_required
@require_POST
def post_report(request: HttpRequest, pk: int) -> HttpResponse:
    post = selectors.post_for(request.user, pk)
    try:
        services.post_report(actor=request.user, post=post, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        form = ReportForm(request.POST)
        form.is_valid()
        _errors_to_form(form, error)
        return _thread_page(request, post.thread, 400, report_form=form, report_post=post.pk)
    return _done(request, post.thread_id, _("投稿を事務局に報告しました。"), f"#post-{post.pk}")


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    require(request.user, "forum.moderation_queue")
    return render(
        request, "forum/moderation.html", {"reports": selectors.open_reports(), "moderate_form": ModerateForm()}
    )


@login_required
@require_POST
def report_close(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "forum.moderation_queue")
    report = get_object_or_404(Report, pk=pk)
    try:
        services.report_close(actor=request.user, report=report)
    except ValidationError as error:
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect("forum:moderation")
    messages.success(request, _("報告を対応済みにしました。"))
    return redirect("forum:moderation")
