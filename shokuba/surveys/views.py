"""Staff pages: the template library, authoring, waves, links (QR code, flyer) and response counts.
Thin: parse, look up among visible rows, check permission, call a service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from shokuba.core.csp import csp_override
from shokuba.core.dates import fiscal_year, wareki
from shokuba.core.downloads import attach
from shokuba.core.exports import table_response
from shokuba.core.permissions import has_perm, require
from shokuba.network.permissions import visible_members, visible_organisations
from shokuba.surveys import exports, selectors, services
from shokuba.surveys.authoring import RowEdit
from shokuba.surveys.distribution import Flyer, flyer_pdf, qr_png, qr_svg
from shokuba.surveys.export_views import export_context
from shokuba.surveys.forms import (
    DraftMetaForm,
    HeadcountForm,
    QuestionAddForm,
    QuestionEditForm,
    ResponsesImportForm,
    TemplateStartForm,
    WaveDatesForm,
    WaveForm,
    WaveOrganisationsForm,
    scale_choices,
    type_label,
)
from shokuba.surveys.imports import SHEET_NAME as IMPORT_SHEET_NAME
from shokuba.surveys.instrument import ATTRIBUTES, DefinitionError, parse_definition
from shokuba.surveys.library import latest_templates, library_template
from shokuba.surveys.messages import definition_messages
from shokuba.surveys.models import QuestionnaireVersion, Response, VersionStatus, Wave, WaveLink
from shokuba.surveys.permissions import visible_questionnaires, visible_wave_links, visible_waves
from shokuba.surveys.respond import estimated_minutes, form_context


def _apply(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- entry points ----------------------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """アンケート in the menu: a coordinator's programme, or the waves the user can see."""
    user: Any = request.user
    if getattr(user, "member_id", None):
        return redirect("surveys:member_surveys", user.member_id)
    waves = selectors.wave_list(user=user).order_by("member_id", "-opens_on")
    every_programme = has_perm(user, "surveys.view_every_programme")
    if not every_programme and not waves.exists() and not getattr(user, "organisation_id", None):
        raise Http404
    return render(
        request,
        "surveys/index.html",
        {"waves": [(w, services.wave_state(w)) for w in waves], "show_member": every_programme},
    )


@login_required
def member_surveys(request: HttpRequest, code: str) -> HttpResponse:
    member = get_object_or_404(visible_members(request.user), pk=code)
    require(request.user, "member.view_surveys", member)
    questionnaires = []
    for questionnaire in selectors.questionnaire_list(user=request.user, member=member):
        versions = sorted(questionnaire.versions.all(), key=lambda v: v.number)
        questionnaires.append((questionnaire, versions))
    waves = selectors.wave_list(user=request.user, member=member)
    return render(
        request,
        "surveys/member_surveys.html",
        {
            "member": member,
            "questionnaires": questionnaires,
            "waves": [(w, services.wave_state(w)) for w in waves],
            "templates": latest_templates(),
            "can_manage": has_perm(request.user, "member.manage_surveys", member),
        },
    )


@login_required
def library(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not has_perm(user, "surveys.view_library"):
        raise Http404
    return render(request, "surveys/library.html", {"templates": latest_templates()})


@login_required
def library_detail(request: HttpRequest, code: str) -> HttpResponse:
    user: Any = request.user
    if not has_perm(user, "surveys.view_library"):
        raise Http404
    template = library_template(code)
    if template is None:
        raise Http404
    member = user.member if getattr(user, "member_id", None) else None
    return render(
        request,
        "surveys/library_detail.html",
        {
            "template": template,
            "definition": template.definition,
            "questions": _question_rows(template.definition),
            "attribute_labels": [ATTRIBUTES[a].label for a in template.definition.attributes],
            "can_start": member is not None and has_perm(user, "member.manage_surveys", member),
            "member": member,
            "form": TemplateStartForm(initial={"template_code": template.code}),
        },
    )


def _question_rows(definition: Any) -> list[dict[str, Any]]:
    return [{"q": q, "type_label": type_label(q.type), "number": n} for n, q in enumerate(definition.questions, 1)]


# --- authoring ------------------------------------------------------------------------------------------------


@login_required
@require_POST
def questionnaire_start(request: HttpRequest, code: str) -> HttpResponse:
    member = get_object_or_404(visible_members(request.user), pk=code)
    require(request.user, "member.manage_surveys", member)
    form = TemplateStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("ひな型を選んでください。"))
        return redirect("surveys:member_surveys", member.pk)
    try:
        questionnaire = services.questionnaire_create_from_template(
            actor=request.user,
            member=member,
            template_code=form.cleaned_data["template_code"],
            title=form.cleaned_data["title"],
        )
    except ValidationError as exc:
        _flash(request, exc)
        return redirect("surveys:member_surveys", member.pk)
    messages.success(
        request, _("ひな型から調査票「%(title)s」を作成しました（第1版・編集中）。") % {"title": questionnaire.title}
    )
    return redirect("surveys:questionnaire_detail", questionnaire.pk)


def _questionnaire(request: HttpRequest, pk: int) -> Any:
    questionnaire = get_object_or_404(visible_questionnaires(request.user), pk=pk)
    require(request.user, "questionnaire.view", questionnaire)
    return questionnaire


def _draft(request: HttpRequest, pk: int) -> QuestionnaireVersion:
    questionnaire = _questionnaire(request, pk)
    require(request.user, "questionnaire.change", questionnaire)
    draft = questionnaire.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        raise Http404
    return draft


@login_required
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk)
    versions = list(questionnaire.versions.order_by("-number"))
    number = request.GET.get("version")
    shown = next((v for v in versions if str(v.number) == number), None) or versions[0]
    try:
        definition = parse_definition(shown.definition)
        problems: list[str] = []
    except DefinitionError as exc:
        definition = None
        problems = definition_messages(exc.problems)
    can_change = has_perm(request.user, "questionnaire.change", questionnaire)
    editing = can_change and shown.status == VersionStatus.DRAFT
    context = {
        "questionnaire": questionnaire,
        "member": questionnaire.member,
        "versions": versions,
        "shown": shown,
        "definition": definition,
        "questions": _question_rows(definition) if definition else [],
        "problems": problems,
        "can_change": can_change,
        "editing": editing,
        "has_draft": any(v.status == VersionStatus.DRAFT for v in versions),
        "waves": Wave.objects.filter(version__questionnaire=questionnaire).order_by("-opens_on"),
    }
    if editing:
        context["meta_form"] = DraftMetaForm(
            initial={
                "title": shown.definition.get("title", ""),
                "purpose": shown.definition.get("purpose", ""),
                "attributes": shown.definition.get("attributes", []),
            }
        )
        context["add_form"] = QuestionAddForm()
    return render(request, "surveys/questionnaire_detail.html", context)


@login_required
@require_POST
def draft_start(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk)
    draft = services.questionnaire_draft_start(actor=request.user, questionnaire=questionnaire)
    messages.success(
        request, _("第%(n)d版を作成しました。公開するまで回答者には表示されません。") % {"n": draft.number}
    )
    return redirect(reverse("surveys:questionnaire_detail", args=[pk]) + f"?version={draft.number}")


@login_required
@require_POST
def draft_discard(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    member_code = draft.questionnaire.member_id
    try:
        remaining = services.questionnaire_draft_discard(actor=request.user, version=draft)
    except ValidationError as exc:
        _flash(request, exc)
        return redirect("surveys:questionnaire_detail", pk)
    if remaining is None:
        messages.success(request, _("公開前の調査票を削除しました。"))
        return redirect("surveys:member_surveys", member_code)
    messages.success(
        request, _("第%(n)d版（編集中）を破棄しました。公開済みの版はそのままです。") % {"n": draft.number}
    )
    return redirect("surveys:questionnaire_detail", pk)


@login_required
@require_POST
def draft_meta(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    form = DraftMetaForm(request.POST)
    if form.is_valid():
        try:
            services.draft_meta_update(actor=request.user, version=draft, **form.cleaned_data)
            messages.success(request, _("調査票の設定を保存しました。"))
        except ValidationError as exc:
            _flash(request, exc)
    else:
        messages.error(request, _("調査票の名称を入力してください。"))
    return redirect("surveys:questionnaire_detail", pk)


@login_required
@require_POST
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    form = QuestionAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("質問の種類と質問文を入力してください。"))
        return redirect("surveys:questionnaire_detail", pk)
    try:
        _version, code = services.question_add(
            actor=request.user, version=draft, kind=form.cleaned_data["kind"], text=form.cleaned_data["text"]
        )
    except ValidationError as exc:
        _flash(request, exc)
        return redirect("surveys:questionnaire_detail", pk)
    messages.success(request, _("質問 %(code)s を追加しました。選択肢などを設定してください。") % {"code": code})
    return redirect("surveys:question_edit", pk, code)


def _rows_from_post(request: HttpRequest, prefix: str) -> list[RowEdit]:
    codes = request.POST.getlist(f"{prefix}_code")
    labels = request.POST.getlist(f"{prefix}_label")
    orders = request.POST.getlist(f"{prefix}_order")
    deleted = set(request.POST.getlist(f"{prefix}_delete"))
    exclusive = set(request.POST.getlist(f"{prefix}_exclusive"))
    rows = []
    for index, (code, label) in enumerate(zip(codes, labels, strict=False)):
        try:
            order = float(orders[index]) if index < len(orders) and orders[index].strip() else 1000.0 + index
        except ValueError:
            order = 1000.0 + index
        key = code or f"new{index}"
        rows.append(RowEdit(code=code, label=label, order=order, delete=key in deleted, exclusive=key in exclusive))
    return rows


@login_required
def question_edit(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    draft = _draft(request, pk)
    try:
        definition = parse_definition(draft.definition)
    except DefinitionError:
        definition = None
    raw_questions = draft.definition.get("questions") or []
    raw = next((q for q in raw_questions if q.get("code") == code), None)
    if raw is None or definition is None:
        raise Http404
    question = definition.question(code)
    assert question is not None
    earlier = list(definition.questions[: definition.questions.index(question)])
    form_kwargs: dict[str, Any] = {
        "question": question,
        "scales": scale_choices(draft.definition.get("scales") or {}),
        "earlier": earlier,
    }
    initial = {
        "text": question.text,
        "help": question.help,
        "section": question.section,
        "required": question.required,
        "scale": raw.get("scale", ""),
        "non_substantive": list(question.non_substantive),
        "max_choices": question.max_choices,
        "minimum": question.minimum,
        "maximum": question.maximum,
        "unit": question.unit,
        "integer": question.integer,
        "show_if_question": question.show_if.question if question.show_if else "",
        "show_if_values": ",".join(question.show_if.any_of) if question.show_if else "",
    }
    form = QuestionEditForm(request.POST or None, initial=initial, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes: dict[str, Any] = {
            "text": data["text"],
            "help": data.get("help", ""),
            "required": data.get("required", False),
            "section": data.get("section", ""),
            "show_if": {
                "question": data.get("show_if_question", ""),
                "any_of": [v.strip() for v in str(data.get("show_if_values", "")).split(",") if v.strip()],
            },
        }
        if question.type in {"single", "multiple", "ranking"}:
            changes["choices"] = _rows_from_post(request, "choice")
        if question.type == "matrix":
            changes["items"] = _rows_from_post(request, "item")
        if "scale" in form.fields:
            changes["scale"] = data.get("scale") or None
            changes["non_substantive"] = data.get("non_substantive", [])
        if "max_choices" in form.fields:
            changes["max_choices"] = data.get("max_choices")
        if question.type == "number":
            changes["minimum"] = "" if data.get("minimum") is None else str(data["minimum"])
            changes["maximum"] = "" if data.get("maximum") is None else str(data["maximum"])
            changes["unit"] = data.get("unit", "")
            changes["integer"] = data.get("integer", False)
        try:
            services.question_update(actor=request.user, version=draft, code=code, **changes)
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("質問 %(code)s を保存しました。") % {"code": code})
            return redirect(reverse("surveys:questionnaire_detail", args=[pk]) + f"#q-{code}")
    return render(
        request,
        "surveys/question_edit.html",
        {
            "questionnaire": draft.questionnaire,
            "member": draft.questionnaire.member,
            "draft": draft,
            "question": question,
            "type_label": type_label(question.type),
            "form": form,
            "choices": raw.get("choices") or [],
            "items": raw.get("items") or [],
            "blank_rows": range(3),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def question_move(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    draft = _draft(request, pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.question_move(actor=request.user, version=draft, code=code, offset=offset)
    except ValidationError as exc:
        _flash(request, exc)
    return redirect(reverse("surveys:questionnaire_detail", args=[pk]) + f"#q-{code}")


@login_required
@require_POST
def question_remove(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    draft = _draft(request, pk)
    try:
        services.question_remove(actor=request.user, version=draft, code=code)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("質問 %(code)s を削除しました。") % {"code": code})
    return redirect("surveys:questionnaire_detail", pk)


@login_required
@require_POST
def questionnaire_publish(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    try:
        version = services.questionnaire_publish(actor=request.user, version=draft)
    except ValidationError as exc:
        _flash(request, exc)
        return redirect("surveys:questionnaire_detail", pk)
    messages.success(
        request,
        _("第%(n)d版を公開しました。この版の内容は今後変更できません（変更は新しい版で行います）。")
        % {"n": version.number},
    )
    return redirect(reverse("surveys:questionnaire_detail", args=[pk]) + f"?version={version.number}")


def _version(request: HttpRequest, pk: int, number: int) -> QuestionnaireVersion:
    questionnaire = _questionnaire(request, pk)
    return get_object_or_404(questionnaire.versions, number=number)


@login_required
@xframe_options_sameorigin  # shown inside the phone frame of the authoring page (same origin only)
@csp_override(frame_ancestors=["'self'"])  # the same in the page's Content-Security-Policy, which browsers obey first
def version_preview(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _version(request, pk, number)
    try:
        definition = parse_definition(version.definition)
    except DefinitionError as exc:
        return render(
            request,
            "surveys/respond/refused.html",
            {"title": _("プレビューできません"), "message": " ".join(definition_messages(exc.problems))},
            status=200,
        )
    context = form_context(definition=definition, link=None, version=version, preview=True)
    return render(request, "surveys/respond/answer.html", context)


@login_required
def version_phone(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    version = _version(request, pk, number)
    return render(
        request,
        "surveys/phone_preview.html",
        {"version": version, "questionnaire": version.questionnaire, "member": version.questionnaire.member},
    )


# --- waves ----------------------------------------------------------------------------------------------------


@login_required
def wave_create(request: HttpRequest, code: str) -> HttpResponse:
    member = get_object_or_404(visible_members(request.user), pk=code)
    require(request.user, "member.manage_surveys", member)
    versions = list(selectors.published_versions(user=request.user, member=member))
    organisations = list(visible_organisations(request.user).filter(member=member).order_by("name"))
    version_choices = [(str(v.pk), f"{v.questionnaire.title}（第{v.number}版）") for v in versions]
    organisation_choices = [(str(o.pk), o.name) for o in organisations]
    today = timezone.localdate()
    initial = {"fiscal_year": fiscal_year(today), "opens_on": today}
    if request.GET.get("version"):
        initial["version"] = request.GET["version"]
    form = WaveForm(request.POST or None, initial=initial, versions=version_choices, organisations=organisation_choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = {int(pk) for pk in data["organisations"]}
        version = next(v for v in versions if str(v.pk) == data["version"])
        try:
            wave = services.wave_create(
                actor=request.user,
                version=version,
                name=data["name"],
                fiscal_year=data["fiscal_year"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                organisations=[o for o in organisations if o.pk in chosen],
                public_link=data["public_link"],
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(
                request,
                _("調査「%(name)s」を作成しました。内容を確認して回答の受付を始めてください。") % {"name": wave.name},
            )
            return redirect("surveys:wave_detail", wave.pk)
    return render(
        request,
        "surveys/wave_form.html",
        {"form": form, "member": member, "has_versions": bool(versions)},
        status=400 if request.method == "POST" else 200,
    )


def _wave(request: HttpRequest, pk: int) -> Wave:
    wave = get_object_or_404(visible_waves(request.user), pk=pk)
    require(request.user, "wave.view", wave)
    return wave


@login_required
def wave_detail(request: HttpRequest, pk: int) -> HttpResponse:
    wave = _wave(request, pk)
    counts = selectors.wave_response_counts(user=request.user, wave=wave)
    can_change = has_perm(request.user, "wave.change", wave)
    participating = set(wave.links.values_list("organisation_id", flat=True))
    addable = []
    if can_change:
        addable = [
            (str(o.pk), o.name)
            for o in visible_organisations(request.user).filter(member=wave.member).order_by("name")
            if o.pk not in participating
        ]
    return render(
        request,
        "surveys/wave_detail.html",
        {
            "wave": wave,
            "member": wave.member,
            "state": services.wave_state(wave),
            "counts": counts,
            "can_change": can_change,
            "all_links": selectors.can_see_all_links(request.user, wave),
            "can_view_responses": has_perm(request.user, "wave.view_responses", wave),
            "can_view_results": has_perm(request.user, "results.view", wave),
            "add_form": WaveOrganisationsForm(organisations=addable) if addable else None,
            "link_rows": [{"row": row, "url": _answer_url(request, row.link)} for row in counts.links],
            **import_context(request.user, wave),
            **export_context(request.user, wave, counts.total),
        },
    )


@login_required
@require_POST
def wave_open(request: HttpRequest, pk: int) -> HttpResponse:
    wave = _wave(request, pk)
    try:
        wave = services.wave_open(actor=request.user, wave=wave)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(
            request,
            _("回答の受付を始めました（%(start)s〜%(end)s）。")
            % {"start": wareki(wave.opens_on), "end": wareki(wave.closes_on)},
        )
    return redirect("surveys:wave_detail", pk)


@login_required
@require_POST
def wave_close(request: HttpRequest, pk: int) -> HttpResponse:
    wave = _wave(request, pk)
    services.wave_close(actor=request.user, wave=wave)
    messages.success(request, _("回答の受付を終了しました。リンクを開くと「受付終了」と表示されます。"))
    return redirect("surveys:wave_detail", pk)


@login_required
def wave_dates(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the answering period, e.g. extend the deadline of an open wave."""
    wave = _wave(request, pk)
    require(request.user, "wave.change", wave)
    form = WaveDatesForm(
        request.POST if request.method == "POST" else None,
        initial={"opens_on": wave.opens_on, "closes_on": wave.closes_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            wave = services.wave_dates_update(
                actor=request.user,
                wave=wave,
                opens_on=form.cleaned_data["opens_on"],
                closes_on=form.cleaned_data["closes_on"],
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(
                request,
                _("回答受付の期間を %(start)s〜%(end)s に変更しました。")
                % {"start": wareki(wave.opens_on), "end": wareki(wave.closes_on)},
            )
            return redirect("surveys:wave_detail", pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "surveys/wave_dates.html", {"wave": wave, "member": wave.member, "form": form}, status=status
    )


@login_required
@require_POST
def wave_organisations_add(request: HttpRequest, pk: int) -> HttpResponse:
    wave = _wave(request, pk)
    require(request.user, "wave.change", wave)
    organisations = {str(o.pk): o for o in visible_organisations(request.user).filter(member=wave.member)}
    chosen = [organisations[pk_] for pk_ in request.POST.getlist("organisations") if pk_ in organisations]
    try:
        links = services.wave_organisations_add(actor=request.user, wave=wave, organisations=chosen)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("%(n)d件の企業・団体を追加しました。") % {"n": len(links)})
    return redirect("surveys:wave_detail", pk)


def _link(request: HttpRequest, pk: int) -> WaveLink:
    link = get_object_or_404(visible_wave_links(request.user), pk=pk)
    require(request.user, "wave_link.view", link)
    return link


@login_required
@require_POST
def link_headcount(request: HttpRequest, pk: int) -> HttpResponse:
    link = _link(request, pk)
    form = HeadcountForm(request.POST)
    if form.is_valid():
        try:
            services.wave_link_headcount_set(
                actor=request.user, link=link, expected_headcount=form.cleaned_data["expected_headcount"]
            )
            messages.success(request, _("対象人数を保存しました。"))
        except ValidationError as exc:
            _flash(request, exc)
    else:
        messages.error(request, _("対象人数は1以上の整数で入力してください。"))
    return redirect("surveys:wave_detail", link.wave_id)


def _answer_url(request: HttpRequest, link: WaveLink) -> str:
    return request.build_absolute_uri(reverse("surveys:answer", args=[link.token]))


def _download_name(link: WaveLink, suffix: str) -> str:
    who = link.organisation.name if link.organisation else "全体"
    return f"{link.wave.name}_{who}_{suffix}"


@login_required
def link_qr_svg(request: HttpRequest, pk: int) -> HttpResponse:
    link = _link(request, pk)
    response = HttpResponse(qr_svg(_answer_url(request, link)), content_type="image/svg+xml")
    return attach(response, _download_name(link, "QR.svg"), inline=request.GET.get("inline") == "1")


@login_required
def link_qr_png(request: HttpRequest, pk: int) -> HttpResponse:
    link = _link(request, pk)
    response = HttpResponse(qr_png(_answer_url(request, link)), content_type="image/png")
    return attach(response, _download_name(link, "QR.png"))


@login_required
def link_flyer(request: HttpRequest, pk: int) -> HttpResponse:
    link = _link(request, pk)
    wave = link.wave
    definition = services.definition_of(wave.version)
    member = wave.member
    audience = (
        _("%(name)s の皆さまへ") % {"name": link.organisation.name}
        if link.organisation
        else _("%(name)s にお住まいの方・ゆかりのある方へ") % {"name": member.name}
    )
    flyer = Flyer(
        title=definition.title,
        wave_name=wave.name,
        audience=audience,
        period=_("回答期間：%(start)s〜%(end)s") % {"start": wareki(wave.opens_on), "end": wareki(wave.closes_on)},
        url=_answer_url(request, link),
        programme=f"{member}{(' ' + member.programme_name) if member.programme_name else ''}",
        minutes=estimated_minutes(definition),
    )
    response = HttpResponse(flyer_pdf(flyer), content_type="application/pdf")
    return attach(response, _download_name(link, "チラシ.pdf"))


@login_required
def wave_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Raw responses (codes) for Excel: CSV (UTF-8 with BOM, or CP932 with ?encoding=cp932) or XLSX with a codebook."""
    wave = _wave(request, pk)
    require(request.user, "wave.view_responses", wave)
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    count = Response.objects.filter(member_id=wave.member_id, wave=wave).count()
    if count > exports.SYNC_EXPORT_MAX:
        messages.error(request, exports.too_large_message(count))
        return redirect("surveys:wave_exports", wave.pk)
    definition = services.definition_of(wave.version)
    codebook_header, codebook_rows = exports.codebook(definition)
    return table_response(
        fmt=fmt,
        filename=f"{wave.name}_回答",
        header=exports.header(definition),
        rows=exports.rows(wave, definition),
        encoding=request.GET.get("encoding", ""),
        sheet_title="回答",
        extra_sheets=[("コードブック", codebook_header, codebook_rows)],
    )


# --- paper and Excel imports ----------------------------------------------------------------------------------

IMPORTS_ON_WAVE_PAGE = 5


def import_context(user: Any, wave: Wave, *, limit: int | None = IMPORTS_ON_WAVE_PAGE) -> dict[str, Any]:
    """What the import section needs (empty when the user may not see imports): the form and past imports."""
    if not has_perm(user, "wave.view_imports", wave):
        return {}
    records = list(wave.imports.select_related("created_by").order_by("-created_at", "-id")[: (limit or 10_000) + 1])
    shown = records[:limit] if limit else records
    return {
        "show_imports": True,
        "import_form": ResponsesImportForm() if has_perm(user, "wave.import_responses", wave) else None,
        "import_records": shown,
        "import_more": len(records) > len(shown),
    }


@login_required
def wave_import(request: HttpRequest, pk: int) -> HttpResponse:
    """The import page: the blank sheets, the upload and every past import; a refused file lists its problems."""
    wave = _wave(request, pk)
    require(request.user, "wave.view_imports", wave)
    context: dict[str, Any] = {"wave": wave, "member": wave.member, **import_context(request.user, wave, limit=None)}
    if request.method != "POST":
        return render(request, "surveys/wave_import.html", context)
    require(request.user, "wave.import_responses", wave)
    form = ResponsesImportForm(request.POST, request.FILES)
    if not form.is_valid():
        context["import_form"] = form
        return render(request, "surveys/wave_import.html", context, status=400)
    upload = form.cleaned_data["file"]
    try:
        record = services.responses_import(
            actor=request.user, wave=wave, uploaded_file=upload, channel=form.cleaned_data["channel"]
        )
    except services.ResponsesImportRefused as exc:
        context.update(
            {
                "import_form": ResponsesImportForm(initial={"channel": form.cleaned_data["channel"]}),
                "import_errors": exc.errors,
                "import_total": exc.total,
                "import_summary": exc.summary,
                "import_file_name": upload.name,
            }
        )
        return render(request, "surveys/wave_import.html", context, status=400)
    messages.success(
        request,
        _("「%(name)s」から%(n)s件の回答を取り込みました。") % {"name": record.file_name, "n": f"{record.rows:,}"},
    )
    return redirect(reverse("surveys:wave_detail", args=[wave.pk]) + "#import")


@login_required
def wave_import_sheet(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The blank import sheet: the export's header and no rows; the XLSX adds the codebook and how to fill it."""
    wave = _wave(request, pk)
    require(request.user, "wave.import_responses", wave)
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    header, extra_sheets = services.import_sheet(services.definition_of(wave.version))
    return table_response(
        fmt=fmt,
        filename=f"{wave.name}_取込用シート",
        header=header,
        rows=[],
        encoding=request.GET.get("encoding", ""),
        sheet_title=IMPORT_SHEET_NAME,
        extra_sheets=extra_sheets,
    )
