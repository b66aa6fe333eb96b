"""The job-ad pages: parse, check, call a service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from shokuba.analysis import jobad
from shokuba.core.exports import table_response
from shokuba.core.permissions import has_perm, require
from shokuba.core.uploads import UploadError
from shokuba.jobads import files, selectors, services
from shokuba.jobads.forms import BatchForm, CheckForm
from shokuba.jobads.models import JobAdCheck, Source

SEVERITY_LABELS = {
    jobad.VIOLATION: gettext_noop("法令上の問題"),
    jobad.RISK: gettext_noop("誤解されるおそれ"),
    jobad.MISSING: gettext_noop("書かれていない情報"),
    jobad.GOOD: gettext_noop("良い点"),
    jobad.NOTE: gettext_noop("問題なし（説明）"),
}


def _errors_to_form(form: Any, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@login_required
def check_page(request: HttpRequest, code: str) -> HttpResponse:
    member = selectors.member_for(request.user, code)
    organisations = [
        o for o in selectors.organisations_for(request.user, member) if has_perm(request.user, "jobads.check", o)
    ]
    form = CheckForm(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST":
        if not organisations:
            raise PermissionDenied
        if form.is_valid():
            organisation = selectors.organisation_for(request.user, member, form.cleaned_data["organisation"])
            text, source = form.cleaned_data["text"], Source.PASTED
            upload = form.cleaned_data.get("file")
            try:
                if upload is not None:
                    _name, text = files.ad_text_from_upload(upload, name=upload.name, size=upload.size)
                    source = Source.FILE
                assert organisation is not None  # the form's choices are the visible organisations
                check = services.jobad_check_save(
                    actor=request.user,
                    organisation=organisation,
                    title=form.cleaned_data["title"],
                    text=text,
                    source=source,
                )
            except UploadError as error:
                form.add_error("file", str(error))
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                return redirect("jobads:result", check.pk)
    rows, summary = selectors.programme_summary(request.user, member)
    context = {
        "member": member,
        "form": form if organisations else None,
        "rows": rows,
        "summary": summary,
        "can_batch": has_perm(request.user, "jobads.batch", member),
        "batch_form": BatchForm(),
        "categories": [(c, jobad.category_label(c)) for c in jobad.CATEGORIES],
        "common": [(key, count, _rule_label(key)) for key, count in summary["common"]],
    }
    return render(request, "jobads/check.html", context, status=400 if request.method == "POST" else 200)


def _rule_label(key: str) -> str:
    category, rule = key.split(":", 1)
    data = jobad.rules().data
    for item in data["info"]:
        if category == "info" and item["id"] == rule:
            return f"{item['label']}がない"
    for spec in data["titles"]:
        if spec["id"] == rule:
            return "・".join(spec["words"][:2])
    words = {
        "man_suffix": "〜マン",
        "prefers_women": "女性を優先・限定",
        "prefers_men": "男性を優先・限定",
        "prefers_homemaker": "主婦・ママなど",
        "sought_sex": "求める人物を性別で",
        "age_limit": "年齢制限（例外なし）",
        "age_exception_incomplete": "年齢制限（例外の要件が不足）",
        "youth_wording": "若手・若い方など",
    }
    return words.get(rule, rule)


@login_required
@require_POST
def batch(request: HttpRequest, code: str) -> HttpResponse:
    member = selectors.member_for(request.user, code)
    require(request.user, "jobads.batch", member)
    form = BatchForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            saved = services.jobad_batch_import(
                actor=request.user, member=member, stream=upload, name=upload.name, size=upload.size
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("%(n)d件の求人をチェックしました。") % {"n": len(saved)})
            return redirect("jobads:check", member.pk)
    rows, summary = selectors.programme_summary(request.user, member)
    context = {
        "member": member,
        "form": None,
        "rows": rows,
        "summary": summary,
        "can_batch": True,
        "batch_form": form,
        "categories": [(c, jobad.category_label(c)) for c in jobad.CATEGORIES],
        "common": [(key, count, _rule_label(key)) for key, count in summary["common"]],
    }
    return render(request, "jobads/check.html", context, status=400)


def _grouped(check: JobAdCheck) -> list[dict[str, Any]]:
    groups = []
    for category in jobad.CATEGORIES:
        findings = []
        for f in check.findings:
            if f["category"] != category:
                continue
            law = jobad.law_of(f["law"])
            findings.append(
                {
                    **f,
                    "law_title": law["title"],
                    "law_source": law["source"],
                    "severity_label": _(SEVERITY_LABELS[f["severity"]]),
                }
            )
        groups.append(
            {
                "category": category,
                "label": jobad.category_label(category),
                "score": check.scores.get(category),
                "findings": findings,
            }
        )
    return groups


def _marked(check: JobAdCheck) -> list[tuple[str, bool]]:
    """The ad's text cut into (piece, flagged) so the page can mark the flagged words."""
    spans = sorted(
        {(f["start"], f["end"]) for f in check.findings if f["start"] >= 0 and f["severity"] in jobad.FLAGGED}
    )
    pieces: list[tuple[str, bool]] = []
    position = 0
    for start, end in spans:
        if start < position:
            continue
        pieces.append((check.text[position:start], False))
        pieces.append((check.text[start:end], True))
        position = end
    pieces.append((check.text[position:], False))
    return [p for p in pieces if p[0]]


@login_required
def result(request: HttpRequest, pk: int) -> HttpResponse:
    check = selectors.check_for(request.user, pk)
    previous = (
        check.previous if check.previous_id and check.previous in selectors.history(request.user, check) else None
    )
    comparison = None
    if previous is not None:
        compared = jobad.compare(
            {"findings": previous.findings, "scores": previous.scores},
            {"findings": check.findings, "scores": check.scores},
        )
        comparison = {
            "rows": [
                {
                    "label": jobad.category_label(c),
                    "before": compared.before.get(c),
                    "after": compared.after.get(c),
                    "delta": compared.delta(c),
                }
                for c in jobad.CATEGORIES
            ],
            "resolved": len(compared.resolved),
            "remaining": len(compared.remaining),
            "new": len(compared.new),
        }
    context = {
        "check": check,
        "member": check.member,
        "groups": _grouped(check),
        "marked": _marked(check),
        "previous": previous,
        "comparison": comparison,
        "can_rewrite": has_perm(request.user, "jobads.check", check.organisation),
        # Sentences with a placeholder (○) are offered unticked: they need the real figure first.
        "rewritable": [
            {**f, "checked": "○" not in f["rewrite"]}
            for f in check.findings
            if f["rewrite"] and f["severity"] in jobad.FLAGGED | {jobad.MISSING}
        ],
    }
    return render(request, "jobads/result.html", context)


@login_required
@require_POST
def rewrite(request: HttpRequest, pk: int) -> HttpResponse:
    check = selectors.check_for(request.user, pk)
    require(request.user, "jobads.check", check.organisation)
    try:
        new = services.jobad_rewrite_apply(actor=request.user, check=check, keys=request.POST.getlist("keys"))
    except ValidationError as error:
        messages.error(request, " ".join(m for problems in error.message_dict.values() for m in problems))
        response = redirect("jobads:result", check.pk)
        response.status_code = 303
        return response
    return redirect("jobads:result", new.pk)


@login_required
def export(request: HttpRequest, code: str) -> HttpResponse:
    member = selectors.member_for(request.user, code)
    rows, _summary = selectors.programme_summary(request.user, member)
    header = [
        _("企業・団体"),
        _("求人の名前"),
        _("チェック日時"),
        *[_("%(category)sの得点") % {"category": jobad.category_label(c)} for c in jobad.CATEGORIES],
        _("区分"),
        _("種類"),
        _("該当箇所"),
        _("根拠"),
        _("説明"),
        _("書き換え案"),
    ]

    def lines() -> Any:
        for row in rows:
            check = row.latest
            if check is None:
                continue
            base = [row.organisation.name, check.title, check.created_at.strftime("%Y-%m-%d %H:%M")]
            base += [check.scores.get(c, "") for c in jobad.CATEGORIES]
            shown = [f for f in check.findings if f["severity"] != jobad.NOTE] or [None]
            for f in shown:
                if f is None:
                    yield [*base, "", "", "", "", "", ""]
                    continue
                yield [
                    *base,
                    jobad.category_label(f["category"]),
                    _(SEVERITY_LABELS[f["severity"]]),
                    f["excerpt"],
                    jobad.law_of(f["law"])["title"],
                    f["explanation"],
                    f["rewrite"],
                ]

    return table_response(
        fmt="csv",
        filename=f"求人票チェック_{member.local_government.name}",
        header=header,
        rows=lines(),
        encoding=request.GET.get("encoding", ""),
    )
