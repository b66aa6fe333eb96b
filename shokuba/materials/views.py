"""Pages of the training materials, workshop kits and records, and the experts directory: thin; the services
change, the selectors read. Bad input re-renders the form with the services' messages (400); a thing the user may
not see is 404, one they see without the right 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shokuba.core.downloads import uploaded_file_response
from shokuba.core.permissions import has_perm, require
from shokuba.materials import selectors, services
from shokuba.materials.forms import (
    ExpertForm,
    IntroductionForm,
    KitForm,
    MaterialForm,
    RouteForm,
    SearchForm,
    VersionForm,
    WorkshopForm,
)
from shokuba.materials.models import Audience, IntroductionStatus, Material, MaterialKind, WorkshopKit
from shokuba.surveys.models import Wave

BAD_REQUEST = 400


def _errors_to_form(form: Any, error: ValidationError) -> None:
    for name, problems in error.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)


def _file(request: HttpRequest) -> tuple[Any, str, int] | None:
    upload = request.FILES.get("file")
    return (upload, upload.name or "", upload.size or 0) if upload else None


def _member(request: HttpRequest) -> Any:
    return getattr(request.user, "member", None)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, "materials.view")
    form = SearchForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    found = selectors.material_list(
        request.user,
        query=data.get("q", ""),
        step=data.get("step", ""),
        audience=data.get("audience", ""),
        language=data.get("language", ""),
    )
    audiences = dict(Audience.choices)
    context = {
        "form": form,
        "searched": bool(data.get("q", "").strip()),
        "rows": [
            {
                "m": m,
                "audiences": [audiences.get(a, a) for a in m.audiences],
                "downloads": selectors.download_count(m),
                "latest": selectors.latest_version(m),
            }
            for m in found
        ],
        "kits": selectors.kits_for(request.user),
        "can_manage": has_perm(request.user, "materials.manage"),
        "waiting": selectors.waiting_introductions(request.user),
    }
    return render(request, "materials/index.html", context)


@login_required
def material_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "materials.manage")
    status = 200
    if request.method == "POST":
        form = MaterialForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            data = services.MaterialInput(
                **{
                    k: d[k]
                    for k in ("title", "description", "kind", "url", "licence", "audiences", "steps", "language")
                }
            )
            try:
                material = services.material_create(actor=request.user, data=data, file=_file(request), note=d["note"])
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("研修素材を登録しました。"))
                return redirect("materials:material", material.pk)
        status = BAD_REQUEST
    else:
        form = MaterialForm()
    return render(request, "materials/material_form.html", {"form": form}, status=status)


def _material_page(
    request: HttpRequest, material: Material, version_form: Any = None, status: int = 200
) -> HttpResponse:
    audiences = dict(Audience.choices)
    context = {
        "material": material,
        "audiences": [audiences.get(a, a) for a in material.audiences],
        "steps": material.steps.order_by("chapter__position", "position"),
        "versions": selectors.versions_of(material),
        "downloads": selectors.download_count(material),
        "kits": material.kits.all(),
        "can_manage": has_perm(request.user, "materials.manage") and material.kind == MaterialKind.FILE,
        "version_form": version_form or VersionForm(),
    }
    return render(request, "materials/material.html", context, status=status)


@login_required
def material_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _material_page(request, selectors.material_for(request.user, pk))


@login_required
@require_POST
def material_version_add(request: HttpRequest, pk: int) -> HttpResponse:
    material = selectors.material_for(request.user, pk)
    require(request.user, "materials.manage")
    form = VersionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = services.material_version_add(
                actor=request.user, material=material, file=_file(request), note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("第%(n)d版を登録しました。") % {"n": version.number})
            return redirect("materials:material", material.pk)
    return _material_page(request, material, form, status=BAD_REQUEST)


@login_required
def version_download(request: HttpRequest, pk: int) -> FileResponse:
    version = selectors.version_for(request.user, pk)
    response = uploaded_file_response(
        services.version_path(version), content_type=version.content_type, name=version.original_name
    )
    services.version_download_count(version)  # counted once the file is there to send
    return response


@login_required
def material_video(request: HttpRequest, pk: int) -> HttpResponse:
    material = selectors.material_for(request.user, pk)
    if material.kind != MaterialKind.VIDEO:
        raise Http404
    services.video_open_count(material)
    return HttpResponseRedirect(material.url)


def _material_choices(request: HttpRequest) -> list[tuple[int, str]]:
    return [(m.pk, m.title) for m in selectors.materials_for(request.user).order_by("title")]


@login_required
def kit_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "materials.manage")
    status = 200
    if request.method == "POST":
        form = KitForm(request.POST, materials=_material_choices(request))
        if form.is_valid():
            try:
                kit = services.kit_create(actor=request.user, data=services.KitInput(**form.cleaned_data))
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("ワークショップ・キットを作りました。"))
                return redirect("materials:kit", kit.pk)
        status = BAD_REQUEST
    else:
        form = KitForm(materials=_material_choices(request))
    return render(request, "materials/kit_form.html", {"form": form}, status=status)


def _workshop_form(request: HttpRequest, data: Any = None, kit: WorkshopKit | None = None) -> WorkshopForm:
    member = _member(request)
    waves = (
        [(w.pk, f"{w.fiscal_year}年度 {w.name}") for w in Wave.objects.filter(member=member).order_by("-closes_on")]
        if member
        else []
    )
    kits = [(k.pk, k.title) for k in selectors.kits_for(request.user)]
    return WorkshopForm(
        data,
        kits=kits,
        cautions=services.workshop_cautions(),
        waves=waves,
        initial={"kit": kit.pk} if kit else None,
    )


def _can_record(request: HttpRequest) -> bool:
    member = _member(request)
    return member is not None and has_perm(request.user, "workshop.add", member)


@login_required
def kit_page(request: HttpRequest, pk: int) -> HttpResponse:
    kit = selectors.kit_for(request.user, pk)
    can_record = _can_record(request)
    context = {
        "kit": kit,
        "materials": [{"m": m, "latest": selectors.latest_version(m)} for m in kit.materials.all()],
        "cautions": services.workshop_cautions(),
        "form": _workshop_form(request, kit=kit) if can_record else None,
    }
    return render(request, "materials/kit.html", context)


@login_required
def workshop_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "materials.view")
    member = _member(request)
    if member is None:
        raise PermissionDenied
    require(request.user, "workshop.add", member)
    status = 200
    if request.method == "POST":
        form = _workshop_form(request, request.POST)
        if form.is_valid():
            d: dict[str, Any] = {
                k: (0 if v is None and k.startswith(("participants_", "feedback_")) and k != "feedback_wave" else v)
                for k, v in form.cleaned_data.items()
            }
            try:
                record = services.workshop_record(actor=request.user, member=member, data=services.WorkshopInput(**d))
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("ワークショップを記録しました。"))
                return redirect("materials:workshop", record.pk)
        status = BAD_REQUEST
    else:
        kit = (
            selectors.kits_for(request.user).filter(pk=request.GET.get("kit") or 0).first()
            if (request.GET.get("kit", "").isdigit())
            else None
        )
        form = _workshop_form(request, kit=kit)
    return render(request, "materials/workshop_form.html", {"form": form, "member": member}, status=status)


@login_required
def workshops(request: HttpRequest) -> HttpResponse:
    require(request.user, "materials.view")
    return render(
        request,
        "materials/workshops.html",
        {"records": selectors.workshops_for(request.user)[:500], "can_record": _can_record(request)},
    )


@login_required
def workshop_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "materials/workshop.html", {"r": selectors.workshop_for(request.user, pk)})


@login_required
def experts(request: HttpRequest) -> HttpResponse:
    require(request.user, "materials.view")
    return render(
        request,
        "materials/experts.html",
        {"experts": selectors.experts_for(request.user), "can_manage": has_perm(request.user, "materials.manage")},
    )


@login_required
def expert_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "materials.manage")
    status = 200
    if request.method == "POST":
        form = ExpertForm(request.POST)
        if form.is_valid():
            try:
                expert = services.expert_create(actor=request.user, data=services.ExpertInput(**form.cleaned_data))
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("有識者を登録しました。"))
                return redirect("materials:expert", expert.pk)
        status = BAD_REQUEST
    else:
        form = ExpertForm()
    return render(request, "materials/expert_form.html", {"form": form}, status=status)


def _expert_page(request: HttpRequest, expert: Any, form: Any = None, status: int = 200) -> HttpResponse:
    member = _member(request)
    can_request = member is not None and has_perm(request.user, "introduction.request", member) and expert.active
    context = {
        "expert": expert,
        "lectures": [line.strip() for line in expert.lectures.splitlines() if line.strip()],
        "form": (form or IntroductionForm()) if can_request else None,
        "requests": selectors.introductions_for(request.user).filter(expert=expert)[:50],
    }
    return render(request, "materials/expert.html", context, status=status)


@login_required
def expert_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _expert_page(request, selectors.expert_for(request.user, pk))


@login_required
@require_POST
def introduction_new(request: HttpRequest, pk: int) -> HttpResponse:
    expert = selectors.expert_for(request.user, pk)
    member = _member(request)
    if member is None:
        raise PermissionDenied
    form = IntroductionForm(request.POST)
    if form.is_valid():
        try:
            found = services.introduction_request(actor=request.user, member=member, expert=expert, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("紹介を依頼しました。事務局から連絡があります。"))
            return redirect("materials:introduction", found.pk)
    return _expert_page(request, expert, form, status=BAD_REQUEST)


@login_required
def introductions(request: HttpRequest) -> HttpResponse:
    require(request.user, "materials.view")
    return render(
        request, "materials/introductions.html", {"requests": selectors.introductions_for(request.user)[:500]}
    )


def _introduction_page(request: HttpRequest, found: Any, form: Any = None, status: int = 200) -> HttpResponse:
    can_route = has_perm(request.user, "introduction.route", found) and found.status == IntroductionStatus.RECEIVED
    context = {"r": found, "form": (form or RouteForm()) if can_route else None}
    return render(request, "materials/introduction.html", context, status=status)


@login_required
def introduction_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _introduction_page(request, selectors.introduction_for(request.user, pk))


@login_required
@require_POST
def introduction_route(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.introduction_for(request.user, pk)
    require(request.user, "introduction.route", found)
    form = RouteForm(request.POST)
    if form.is_valid():
        try:
            services.introduction_route(actor=request.user, request=found, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("対応を記録しました。自治体の担当者に通知しました。"))
            return redirect("materials:introduction", found.pk)
    return _introduction_page(
        request, found, form, status=BAD_REQUEST if found.status == IntroductionStatus.RECEIVED else 409
    )
