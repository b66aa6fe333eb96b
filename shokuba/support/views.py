"""Consultation pages: the list, asking, the thread (answers, internal notes, status, assignment, consent),
referrals with their letter, the dashboard, FAQ, topic assignments and saved answers. Thin: parse, check, call a
selector or service, render. Another member's consultation is a 404; a visible one without the right a 403; a
status change the machine refuses a 409 with its Japanese message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shokuba.core.audit import snapshot
from shokuba.core.downloads import attach, uploaded_file_response
from shokuba.core.models import AuditEntry
from shokuba.core.permissions import has_perm, require
from shokuba.network.models import Member
from shokuba.support import selectors, services
from shokuba.support.forms import (
    AskForm,
    AssignForm,
    FaqForm,
    ReferForm,
    ReferralUpdateForm,
    ReplyForm,
    SavedAnswerForm,
    StatusForm,
    TopicsForm,
)
from shokuba.support.letters import referral_letter_pdf
from shokuba.support.models import Attachment, ConsultationTheme, FaqEntry, SavedAnswer, Status, TopicAssignment
from shokuba.support.permissions import visible_consultations, visible_referrals


def _errors_to_form(form: Any, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _files(request: HttpRequest) -> list[tuple[Any, str, int]]:
    return [(f, f.name or "", f.size or 0) for f in request.FILES.getlist("files")]


def _consultation(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(visible_consultations(request.user), pk=pk)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, "support.view_list")
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    rows = selectors.consultations_for(request.user, status=status, overdue=overdue)
    member_id = getattr(request.user, "member_id", None)
    return render(
        request,
        "support/index.html",
        {
            "rows": [{"c": c, "overdue": selectors.is_overdue(c)} for c in rows[:500]],
            "status": status,
            "overdue": overdue,
            "statuses": Status.choices,
            "can_ask": bool(member_id) and has_perm(request.user, "support.ask", Member.objects.get(pk=member_id)),
            "support_side": has_perm(request.user, "support.answer"),
            "can_assign": has_perm(request.user, "support.manage_assignments"),
        },
    )


@login_required
def ask(request: HttpRequest) -> HttpResponse:
    member_id = getattr(request.user, "member_id", None)
    if not member_id:
        raise PermissionDenied
    member = Member.objects.select_related("local_government").get(pk=member_id)
    require(request.user, "support.ask", member)
    form = AskForm(request.POST or None, request.FILES or None, member=member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultation = services.consultation_ask(
                actor=request.user,
                member=member,
                theme=data["theme"],
                title=data["title"],
                description=data["description"],
                urgency=data["urgency"],
                step=data["step"],
                organisations=list(data["organisations"]),
                files=_files(request),
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("相談を送りました。支援チームから回答があるとお知らせします。"))
            return redirect("support:consultation", consultation.pk)
    return render(
        request, "support/ask.html", {"form": form, "member": member}, status=422 if request.method == "POST" else 200
    )


def _page(request: HttpRequest, consultation: Any, **forms: Any) -> dict[str, Any]:
    support_side = has_perm(request.user, "support.answer")
    initial = {}
    saved_id = request.GET.get("saved", "")
    if support_side and saved_id.isdigit():
        saved = SavedAnswer.objects.filter(pk=int(saved_id)).first()
        if saved:
            initial["body"] = saved.body + (f"\n\n{saved.links}" if saved.links else "")
    kind, _sep, object_id = request.GET.get("cite", "").partition(":")
    if support_side and object_id.isdigit() and len(object_id) <= 9:
        cited = selectors.citation(request.user, kind, int(object_id))
        if cited:
            initial["body"] = _("参考：「%(title)s」 %(url)s") % {
                "title": cited[0],
                "url": request.build_absolute_uri(cited[1]),
            }
    return {
        "c": consultation,
        "overdue": selectors.is_overdue(consultation),
        "thread": selectors.thread(request.user, consultation),
        "referrals": selectors.referrals_of(request.user, consultation),
        "support_side": support_side,
        "can_reply": has_perm(request.user, "support.reply", consultation),
        "can_consent": has_perm(request.user, "support.consent", consultation),
        "reply_form": forms.get("reply_form") or ReplyForm(initial=initial, support_side=support_side),
        "status_form": StatusForm(initial={"status": consultation.status}),
        "assign_form": AssignForm(initial={"assignee": consultation.assignee_id}),
        "saved_answers": SavedAnswer.objects.all() if support_side else [],
        "related": selectors.related_items(request.user, consultation) if support_side else [],
        "faq": FaqEntry.objects.filter(source=consultation).first(),
        "organisations": consultation.organisations.all(),
    }


@login_required
def consultation(request: HttpRequest, pk: int) -> HttpResponse:
    c = _consultation(request, pk)
    require(request.user, "support.view", c)
    return render(request, "support/consultation.html", _page(request, c))


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    c = _consultation(request, pk)
    require(request.user, "support.reply", c)
    support_side = has_perm(request.user, "support.answer")
    form = ReplyForm(request.POST, request.FILES, support_side=support_side)
    if form.is_valid():
        try:
            services.consultation_reply(
                actor=request.user,
                consultation=c,
                body=form.cleaned_data["body"],
                internal=bool(form.cleaned_data.get("internal")),
                files=_files(request),
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("書き込みました。"))
            return redirect("support:consultation", c.pk)
    c.refresh_from_db()
    return render(request, "support/consultation.html", _page(request, c, reply_form=form), status=422)


@login_required
@require_POST
def status(request: HttpRequest, pk: int) -> HttpResponse:
    c = _consultation(request, pk)
    require(request.user, "support.view", c)
    try:
        services.consultation_status_set(actor=request.user, consultation=c, status=request.POST.get("status", ""))
    except ValidationError as error:
        c.refresh_from_db()
        context = _page(request, c)
        context["status_errors"] = [m for ms in error.message_dict.values() for m in ms]
        return render(request, "support/consultation.html", context, status=409)
    messages.success(request, _("状態を「%(status)s」にしました。") % {"status": c.get_status_display()})
    return redirect("support:consultation", c.pk)


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    c = _consultation(request, pk)
    require(request.user, "support.answer")
    form = AssignForm(request.POST)
    if not form.is_valid():
        return render(request, "support/consultation.html", _page(request, c), status=422)
    services.consultation_assign(actor=request.user, consultation=c, assignee=form.cleaned_data["assignee"])
    messages.success(request, _("担当を保存しました。"))
    return redirect("support:consultation", c.pk)


@login_required
@require_POST
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    c = _consultation(request, pk)
    require(request.user, "support.consent", c)
    services.consultation_consent_set(actor=request.user, consultation=c, consent=request.POST.get("consent") == "1")
    messages.success(request, _("同意の設定を保存しました。"))
    return redirect("support:consultation", c.pk)


@login_required
def refer(request: HttpRequest, pk: int) -> HttpResponse:
    c = _consultation(request, pk)
    require(request.user, "support.refer")
    form = ReferForm(request.POST or None, member=c.member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.referral_create(
                actor=request.user,
                consultation=c,
                body=data["body"],
                other_body=data["other_body"],
                for_member=data["for_member"],
                organisations=list(data["organisations"]),
                reason=data["reason"],
                consent_note=data["consent_note"],
                follow_up_on=data["follow_up_on"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("紹介を記録しました。紹介状（PDF）を取り出せます。"))
            return redirect("support:referral", record.pk)
    return render(
        request, "support/refer.html", {"c": c, "form": form}, status=422 if request.method == "POST" else 200
    )


@login_required
def referral(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(visible_referrals(request.user), pk=pk)
    require(request.user, "support.view_referral", record)
    can_edit = has_perm(request.user, "support.refer")
    data = snapshot(record)
    form = ReferralUpdateForm(request.POST or None, initial=data)
    if request.method == "POST":
        require(request.user, "support.refer")
        if form.is_valid():
            try:
                services.referral_update(actor=request.user, referral=record, data=form.cleaned_data)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("紹介の記録を保存しました。"))
                return redirect("support:referral", record.pk)
    return render(
        request,
        "support/referral.html",
        {"r": record, "c": record.consultation, "form": form, "can_edit": can_edit},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def referral_letter(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(visible_referrals(request.user), pk=pk)
    require(request.user, "support.view_referral", record)
    response = HttpResponse(referral_letter_pdf(record), content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return attach(response, _("紹介状_%(pk)d.pdf") % {"pk": record.pk}, inline=True)


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    found = get_object_or_404(
        Attachment.objects.select_related("message__consultation"),
        pk=pk,
        message__consultation__in=visible_consultations(request.user),
    )
    if found.message.internal and not has_perm(request.user, "support.view_internal"):
        raise Http404
    return uploaded_file_response(
        services.attachment_path(found), content_type=found.content_type, name=found.original_name
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    require(request.user, "support.view_dashboard")
    return render(request, "support/dashboard.html", {"d": selectors.dashboard(request.user)})


@login_required
def faq(request: HttpRequest) -> HttpResponse:
    require(request.user, "support.view_faq")
    themes = dict(ConsultationTheme.choices)
    entries = [{"e": e, "theme": themes.get(e.theme, e.theme)} for e in FaqEntry.objects.all()]
    return render(request, "support/faq.html", {"entries": entries})


@login_required
def faq_create(request: HttpRequest, pk: int) -> HttpResponse:
    c = _consultation(request, pk)
    require(request.user, "support.answer")
    form = FaqForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.faq_create(actor=request.user, consultation=c, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("匿名化したFAQを作りました。"))
            return redirect("support:faq")
    return render(
        request, "support/faq_form.html", {"c": c, "form": form}, status=422 if request.method == "POST" else 200
    )


@login_required
def topics(request: HttpRequest) -> HttpResponse:
    require(request.user, "support.manage_assignments")
    current = dict(TopicAssignment.objects.values_list("theme", "assignee_id"))
    form = TopicsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        for theme, assignee in form.cleaned_data.items():
            if (assignee.pk if assignee else None) != current.get(theme):
                services.topic_assignment_set(actor=request.user, theme=theme, assignee=assignee)
        messages.success(request, _("テーマ別の担当を保存しました。"))
        return redirect("support:topics")
    history = AuditEntry.objects.filter(target_type="support.topicassignment").order_by("-at")[:30]
    return render(request, "support/topics.html", {"form": form, "history": history})


@login_required
def saved_answers(request: HttpRequest) -> HttpResponse:
    require(request.user, "support.manage_saved_answers")
    editing = None
    edit_id = request.GET.get("edit", "") or request.POST.get("id", "")
    if edit_id.isdigit():
        editing = get_object_or_404(SavedAnswer, pk=int(edit_id))
    form = SavedAnswerForm(request.POST or None, instance=editing)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.saved_answer_save(
                actor=request.user,
                title=data["title"],
                body=data["body"],
                theme=data["theme"],
                links=data["links"],
                saved=editing,
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("定型回答を保存しました。"))
            return redirect("support:saved_answers")
    return render(
        request,
        "support/saved_answers.html",
        {"form": form, "answers": SavedAnswer.objects.all(), "editing": editing},
        status=422 if request.method == "POST" else 200,
    )
