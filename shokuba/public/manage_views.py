"""Choosing what is published (login required): a member's page (its coordinator or the secretariat), an
organisation's profile, figures and job postings (its admin or the secretariat). Objects come through the network's
`visible_*` narrowings (another tenant's: 404); a visible object the user may not publish for: 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shokuba.core.permissions import require
from shokuba.network.models import LocalGovernment, Member, Organisation
from shokuba.network.permissions import visible_members, visible_organisations
from shokuba.public import services
from shokuba.public.forms import (
    IndicatorPublicationForm,
    JobPostingForm,
    MemberPublicationForm,
    OrganisationProfileForm,
)
from shokuba.public.models import IndicatorPublication, JobPosting, MemberPublication, OrganisationProfile
from shokuba.public.permissions import publishing_members, publishing_organisations
from shokuba.workplace.models import IndicatorYear


def _errors_to_form(form: Any, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _member(user: Any, code: str) -> Member:
    member = visible_members(user).filter(pk=code).first()
    if member is None:
        raise Http404
    require(user, "public.publish_member", member)
    return member


def _organisation(user: Any, pk: int) -> Organisation:
    organisation = visible_organisations(user).filter(pk=pk).first()
    if organisation is None:
        raise Http404
    require(user, "public.publish_organisation", organisation)
    return organisation


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """What the user may publish: their member's page, their organisation's profile (the secretariat: all)."""
    return render(
        request,
        "public/manage/index.html",
        {
            "members": list(publishing_members(request.user)),
            "organisations": list(publishing_organisations(request.user)[:500]),
        },
    )


@login_required
def member_publication(request: HttpRequest, code: str) -> HttpResponse:
    member = _member(request.user, code)
    publication = MemberPublication.objects.filter(member=member).first()
    kpis = services.publishable_kpis(member)
    initiatives = services.publishable_initiatives(member)
    waves = services.publishable_waves(member)
    initial = (
        {
            "published": publication.published,
            "summary": publication.summary,
            "kpi_ids": publication.kpi_ids,
            "initiative_ids": publication.initiative_ids,
            "wave_ids": publication.wave_ids,
        }
        if publication
        else {}
    )
    form = MemberPublicationForm(request.POST or None, initial=initial, kpis=kpis, initiatives=initiatives, waves=waves)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_publication_save(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("公開の設定を保存しました。"))
            return redirect("publishing:member", member.pk)
    return render(
        request,
        "public/manage/member.html",
        {
            "member": member,
            "form": form,
            "publication": publication,
            "plan_approved": bool(kpis or initiatives),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def organisation_publication(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request.user, pk)
    profile = OrganisationProfile.objects.filter(organisation=organisation).first()
    initial = (
        {
            "published": profile.published,
            "introduction": profile.introduction,
            "recruiting_url": profile.recruiting_url,
            "show_certifications": profile.show_certifications,
        }
        if profile
        else {}
    )
    form = OrganisationProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_profile_save(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("プロフィールの公開設定を保存しました。"))
            return redirect("publishing:organisation", organisation.pk)
    published = {p.fiscal_year: p for p in IndicatorPublication.objects.filter(organisation=organisation)}
    years = [
        (
            year.fiscal_year,
            IndicatorPublicationForm(
                prefix=f"y{year.fiscal_year}",
                initial={
                    "indicators": published[year.fiscal_year].indicators if year.fiscal_year in published else [],
                    "show_arrangements": published[year.fiscal_year].show_arrangements
                    if year.fiscal_year in published
                    else False,
                },
            ),
        )
        for year in IndicatorYear.objects.filter(organisation=organisation).order_by("-fiscal_year")
    ]
    return render(
        request,
        "public/manage/organisation.html",
        {
            "organisation": organisation,
            "form": form,
            "profile": profile,
            "years": years,
            "postings": list(JobPosting.objects.filter(organisation=organisation)),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def indicator_publication(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    organisation = _organisation(request.user, pk)
    get_object_or_404(IndicatorYear, organisation=organisation, fiscal_year=year)
    form = IndicatorPublicationForm(request.POST, prefix=f"y{year}")
    if form.is_valid():
        try:
            services.indicator_publication_save(
                actor=request.user, organisation=organisation, fiscal_year=year, **form.cleaned_data
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("%(year)s年度の公開する指標を保存しました。") % {"year": year})
            return redirect("publishing:organisation", organisation.pk)
    return render(
        request,
        "public/manage/form.html",
        {"organisation": organisation, "form": form, "title": _("%(year)s年度の公開する指標") % {"year": year}},
        status=400,
    )


def _posting_values(form: JobPostingForm) -> dict[str, Any] | None:
    values = dict(form.cleaned_data)
    location = LocalGovernment.objects.filter(pk=values.get("location")).first()
    if location is None:
        form.add_error("location", _("この団体コードの地方公共団体はありません。"))
        return None
    values["location"] = location
    return values


@login_required
def posting_add(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request.user, pk)
    form = JobPostingForm(request.POST or None, initial={"location": organisation.location_id})
    if request.method == "POST" and form.is_valid():
        values = _posting_values(form)
        if values is not None:
            try:
                posting = services.job_posting_save(actor=request.user, organisation=organisation, **values)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(
                    request, _("求人を下書きとして保存しました。公開するには「チェックして公開」を押してください。")
                )
                return redirect("publishing:posting", posting.pk)
    return render(
        request,
        "public/manage/form.html",
        {"organisation": organisation, "form": form, "title": _("求人の追加")},
        status=400 if request.method == "POST" else 200,
    )


def _posting(user: Any, pk: int) -> JobPosting:
    posting = (
        JobPosting.objects.select_related("organisation", "location")
        .filter(organisation__in=visible_organisations(user), pk=pk)
        .first()
    )
    if posting is None:
        raise Http404
    require(user, "public.publish_organisation", posting.organisation)
    return posting


@login_required
def posting(request: HttpRequest, pk: int) -> HttpResponse:
    found = _posting(request.user, pk)
    initial = {
        "title": found.title,
        "description": found.description,
        "employment_type": found.employment_type,
        "location": found.location_id,
        "salary_min": found.salary_min,
        "salary_max": found.salary_max,
        "salary_unit": found.salary_unit,
        "valid_through": found.valid_through,
    }
    form = JobPostingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = _posting_values(form)
        if values is not None:
            try:
                services.job_posting_save(actor=request.user, organisation=found.organisation, posting=found, **values)
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("求人を保存しました。"))
                return redirect("publishing:posting", found.pk)
    return render(
        request,
        "public/manage/posting.html",
        {"organisation": found.organisation, "posting": found, "form": form, "problems": []},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def posting_publish(request: HttpRequest, pk: int) -> HttpResponse:
    found = _posting(request.user, pk)
    try:
        services.job_posting_publish(actor=request.user, posting=found)
    except ValidationError as error:
        problems = [str(m) for messages_ in error.message_dict.values() for m in messages_]
        form = JobPostingForm(
            initial={
                "title": found.title,
                "description": found.description,
                "employment_type": found.employment_type,
                "location": found.location_id,
                "salary_min": found.salary_min,
                "salary_max": found.salary_max,
                "salary_unit": found.salary_unit,
                "valid_through": found.valid_through,
            }
        )
        return render(
            request,
            "public/manage/posting.html",
            {"organisation": found.organisation, "posting": found, "form": form, "problems": problems},
            status=400,
        )
    messages.success(request, _("求人票チェックで問題が見つからなかったため、求人を公開しました。"))
    return redirect("publishing:posting", found.pk)


@login_required
@require_POST
def posting_close(request: HttpRequest, pk: int) -> HttpResponse:
    found = _posting(request.user, pk)
    services.job_posting_close(actor=request.user, posting=found)
    messages.success(request, _("求人の募集を終了しました。"))
    return redirect("publishing:posting", found.pk)
