"""Pages for members, organisations and local government codes. Thin: parse, check, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shokuba.core.permissions import has_perm, require
from shokuba.guidebook.selectors import chapter_summaries, member_progress, progress_summary
from shokuba.network import selectors, services
from shokuba.network.forms import (
    AccountFilterForm,
    AccountForm,
    ContactForm,
    HandoverForm,
    LocalGovernmentSearchForm,
    MemberFilterForm,
    OrganisationForm,
)
from shokuba.network.models import Contact, Member, User
from shokuba.network.permissions import visible_members, visible_organisations


def apply_validation_error(form: Any, exc: ValidationError) -> None:
    """Show a service's field errors next to the form's fields."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "network.view_board")
    blocks = selectors.region_blocks()
    form = MemberFilterForm(request.GET or None, blocks=blocks)
    if form.is_bound and not form.is_valid():
        # A hand-edited or stale link: say which filter is wrong rather than silently listing everyone.
        context = {"members": Member.objects.none(), "form": form}
        return render(request, "network/member_list.html", context, status=400)
    filters = form.cleaned_data if form.is_bound else {}
    members = selectors.member_list(user=request.user, **{k: v for k, v in filters.items() if v})
    return render(request, "network/member_list.html", {"members": members, "form": form})


@login_required
def member_home(request: HttpRequest, code: str) -> HttpResponse:
    member = get_object_or_404(visible_members(request.user), pk=code)
    require(request.user, "member.view", member)
    details = has_perm(request.user, "member.view_details", member)
    own = getattr(request.user, "member_id", None) == member.pk
    context = {
        "member": member,
        # Step by step for those who work on the programme; chapter counts only for a prefecture overseeing it.
        "chapters": member_progress(member) if details else [],
        "chapter_summaries": [] if details else chapter_summaries(member),
        "summary": progress_summary(member),
        "show_details": details,
        "can_edit": has_perm(request.user, "member.change_progress", member),
        "can_add_organisation": has_perm(request.user, "member.add_organisation", member),
        "can_view_accounts": has_perm(request.user, "network.view_accounts"),
        "organisations": selectors.organisation_list(user=request.user, member=member) if details else [],
        "overseen": (
            [(m, progress_summary(m)) for m in selectors.member_list(user=request.user).exclude(pk=member.pk)]
            if own
            else []
        ),
    }
    return render(request, "network/member_home.html", context)


@login_required
def organisation_create(request: HttpRequest, code: str) -> HttpResponse:
    member = get_object_or_404(visible_members(request.user), pk=code)
    require(request.user, "member.add_organisation", member)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("「%(name)s」を登録しました。") % {"name": organisation.name})
            return redirect("network:organisation_detail", organisation.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "network/organisation_form.html", {"form": form, "member": member}, status=status)


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(visible_organisations(request.user), pk=pk)
    require(request.user, "organisation.view", organisation)
    return render(
        request,
        "network/organisation_detail.html",
        {
            "organisation": organisation,
            "contacts": organisation.contacts.all(),
            "can_edit": has_perm(request.user, "organisation.change", organisation),
            "can_delete": has_perm(request.user, "organisation.delete", organisation),
            "contact_form": ContactForm(),
        },
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(visible_organisations(request.user), pk=pk)
    require(request.user, "organisation.change", organisation)
    self_service = not has_perm(request.user, "organisation.change_programme_fields", organisation)
    initial = {
        "name": organisation.name,
        "corporate_number": organisation.corporate_number or "",
        "industry": organisation.industry,
        "size_band": organisation.size_band,
        "location": organisation.location_id,
        "joined_on": organisation.joined_on,
        "notes": organisation.notes,
    }
    form = OrganisationForm(request.POST or None, initial=initial, self_service=self_service)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("変更を保存しました。"))
            return redirect("network:organisation_detail", organisation.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "network/organisation_form.html",
        {"form": form, "member": organisation.member, "organisation": organisation},
        status=status,
    )


@login_required
@require_POST
def organisation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(visible_organisations(request.user), pk=pk)
    require(request.user, "organisation.delete", organisation)
    member_code = organisation.member_id
    try:
        services.organisation_delete(actor=request.user, organisation=organisation)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("network:organisation_detail", pk)
    messages.success(request, _("「%(name)s」を削除しました。") % {"name": organisation.name})
    return redirect("network:member_home", member_code)


@login_required
@require_POST
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(visible_organisations(request.user), pk=pk)
    require(request.user, "organisation.change", organisation)
    form = ContactForm(request.POST)
    if form.is_valid():
        services.contact_create(actor=request.user, organisation=organisation, **form.cleaned_data)
        messages.success(request, _("連絡先を追加しました。"))
        return redirect("network:organisation_detail", pk)
    return render(
        request,
        "network/organisation_detail.html",
        {
            "organisation": organisation,
            "contacts": organisation.contacts.all(),
            "can_edit": True,
            "can_delete": has_perm(request.user, "organisation.delete", organisation),
            "contact_form": form,
        },
        status=400,
    )


@login_required
@require_POST
def contact_delete(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    organisation = get_object_or_404(visible_organisations(request.user), pk=pk)
    contact = get_object_or_404(Contact, pk=contact_pk, organisation=organisation)
    services.contact_delete(actor=request.user, contact=contact)
    messages.success(request, _("連絡先を削除しました。"))
    return redirect("network:organisation_detail", pk)


@login_required
def local_government_search(request: HttpRequest) -> HttpResponse:
    form = LocalGovernmentSearchForm(request.GET or None)
    results = selectors.local_government_search(form.cleaned_data["q"]) if form.is_valid() else []
    return render(request, "network/local_government_search.html", {"form": form, "results": results})


# --- accounts (the secretariat) ----------------------------------------------------------------------------------


def _site_url(request: HttpRequest) -> str:
    """The site's own address for links in e-mails (the host Django accepted: ALLOWED_HOSTS)."""
    return request.build_absolute_uri("/").rstrip("/")


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "network.view_accounts")
    form = AccountFilterForm(request.GET or None)
    member_code = form.cleaned_data["member"] if form.is_valid() else ""
    accounts = selectors.account_list(user=request.user, member_code=member_code)
    can_add = has_perm(request.user, "network.add_account")
    return render(request, "network/account_list.html", {"accounts": accounts, "form": form, "can_add": can_add})


@login_required
def account_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "network.add_account")
    form = AccountForm(request.POST or None, initial={"member": request.GET.get("member", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.account_create(
                actor=request.user,
                username=data["username"],
                role=data["role"],
                member_code=data["member"],
                display_name=data["display_name"],
                email=data["email"],
                site_url=_site_url(request),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("アカウント「%(name)s」を作成し、%(email)s に設定用のリンクを送りました。")
                % {"name": account.username, "email": account.email},
            )
            return redirect("network:account_detail", account.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "network/account_form.html", {"form": form}, status=status)


def _account_for(request: HttpRequest, pk: int) -> User:
    require(request.user, "network.view_accounts")
    return get_object_or_404(selectors.account_list(user=request.user), pk=pk)


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account_for(request, pk)
    context = {"account": account, "can_manage": has_perm(request.user, "account.manage", account)}
    return render(request, "network/account_detail.html", context)


@login_required
def account_handover(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account_for(request, pk)
    require(request.user, "account.manage", account)
    form = HandoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            successor = services.account_handover(
                actor=request.user, account=account, site_url=_site_url(request), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "「%(old)s」を無効にし、新しい担当者のアカウント「%(new)s」を作成しました。"
                    "%(email)s に設定用のリンクを送りました。"
                )
                % {"old": account.username, "new": successor.username, "email": successor.email},
            )
            return redirect("network:account_detail", successor.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "network/account_handover.html", {"form": form, "account": account}, status=status)


def _account_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    account = _account_for(request, pk)
    require(request.user, "account.manage", account)
    try:
        if action == "disable":
            services.account_disable(actor=request.user, account=account)
            messages.success(request, _("「%(name)s」を無効にしました。") % {"name": account.username})
        elif action == "enable":
            services.account_enable(actor=request.user, account=account)
            messages.success(request, _("「%(name)s」を有効にしました。") % {"name": account.username})
        elif action == "two_factor_reset":
            services.account_two_factor_reset(actor=request.user, account=account)
            messages.success(
                request,
                _("「%(name)s」の二段階認証をリセットしました。次のログインで設定し直します。")
                % {"name": account.username},
            )
        else:
            services.account_setup_link_send(actor=request.user, account=account, site_url=_site_url(request))
            messages.success(request, _("%(email)s に設定用のリンクを送りました。") % {"email": account.email})
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        context = {"account": account, "can_manage": True}
        return render(request, "network/account_detail.html", context, status=400)
    return redirect("network:account_detail", account.pk)


@login_required
@require_POST
def account_disable(request: HttpRequest, pk: int) -> HttpResponse:
    return _account_action(request, pk, "disable")


@login_required
@require_POST
def account_enable(request: HttpRequest, pk: int) -> HttpResponse:
    return _account_action(request, pk, "enable")


@login_required
@require_POST
def account_two_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    return _account_action(request, pk, "two_factor_reset")


@login_required
@require_POST
def account_setup_link(request: HttpRequest, pk: int) -> HttpResponse:
    return _account_action(request, pk, "setup_link")
