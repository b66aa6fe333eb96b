"""The respondent's pages: the answering form behind an unguessable link, the confirmation, and the privacy page
(what is stored, what is not, who sees what, how long).

No login, no session, no cookie of any kind: the pages use their own base template (no CSRF token, no language
cookie: the language is `?lang=en` in the address, carried by the pages' own links), never touch request.session
or request.user, and send nothing that would let two responses be linked. Server-side validation is the authority;
the small script (static/surveys/answer.js) only keeps answers in the browser while answering, shows conditional
questions and the progress.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from shokuba.analysis.suppression import DEFAULT_THRESHOLD, MIN_THRESHOLD
from shokuba.core.dates import wareki
from shokuba.core.throttle import rate_limit_hit
from shokuba.surveys import selectors, services
from shokuba.surveys.answers import attribute_field_name, field_name, raw_from_form
from shokuba.surveys.instrument import Definition
from shokuba.surveys.messages import answer_label, answer_message
from shokuba.surveys.models import QuestionnaireVersion, WaveLink
from shokuba.surveys.rendering import attribute_views, dom_id, question_views

# A whole questionnaire with every free-text field full is well under this; anything bigger is refused before
# Django parses the body (a 10 MB paste gets a clear page, not a parser error).
MAX_POST_BYTES = int(getattr(settings, "SURVEY_MAX_POST_BYTES", os.environ.get("SURVEY_MAX_POST_BYTES", 1_000_000)))
# Submissions per link per window: far above a workplace's real pace, low enough to stop a script flooding a link.
SUBMISSIONS_PER_WINDOW = int(
    getattr(settings, "SURVEY_SUBMISSIONS_PER_WINDOW", os.environ.get("SURVEY_SUBMISSIONS_PER_WINDOW", 600))
)
# Hits a process adds to the shared count at once (see core.throttle.rate_limit_hit). Each addition is a read and a
# write of the database cache (with its commit and its row count), about 0.5 ms of the process's CPU at a batch of
# 10 (issue #17 profile): at 50 it costs a tenth of a millisecond a submission. The price: gunicorn's processes
# together may let through up to (processes × 50) answers more than the limit in a window, which stays far from
# what a flood script would send.
RATE_BATCH = int(getattr(settings, "SURVEY_RATE_BATCH", os.environ.get("SURVEY_RATE_BATCH", 50)))
WINDOW_SECONDS = int(getattr(settings, "SURVEY_RATE_WINDOW_SECONDS", os.environ.get("SURVEY_RATE_WINDOW_SECONDS", 60)))
# How soon a respondent may try again when the database cannot be reached (the Retry-After of the 503 page).
RETRY_AFTER_SECONDS = 30
# A database that is locked past the busy timeout (SQLite), refuses connections or drops them (PostgreSQL down).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

logger = logging.getLogger(__name__)


_LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)


def respondent_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The respondent's pages speak the language named in the address (`?lang=en`), else Japanese — never a cookie
    or the browser's setting. The pages' own links (language switch, privacy page, confirmation) carry it on."""

    @wraps(view)
    def in_language(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        chosen = request.GET.get("lang", "") if request.GET else ""
        language = chosen if chosen in _LANGUAGES else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        if translation.get_language() == language:  # the usual case (Japanese): nothing to switch on the hot path
            response = view(request, *args, **kwargs)
        else:
            with translation.override(language):
                response = view(request, *args, **kwargs)
        response.headers["Content-Language"] = language
        return response

    return in_language


def _language_query(request: HttpRequest) -> str:
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    return "" if language == settings.LANGUAGE_CODE else f"?lang={language}"


def _storage_key(link: WaveLink, version: QuestionnaireVersion) -> str:
    return f"shokuba-survey:{link.token}:{version.pk}"


def estimated_minutes(definition: Definition) -> int:
    items = sum(len(q.item_codes()) for q in definition.questions) + len(definition.attributes)
    return max(3, round(items * 0.25 + sum(1 for q in definition.questions if q.type.startswith("text")) * 1.5))


def form_context(
    *,
    definition: Definition,
    link: WaveLink | None,
    version: QuestionnaireVersion,
    raw_answers: dict[str, Any] | None = None,
    raw_attributes: dict[str, str] | None = None,
    problems: list[Any] | None = None,
    submission_id: uuid.UUID | None = None,
    preview: bool = False,
    offline: bool = False,
) -> dict[str, Any]:
    """The answering form's context. `offline`: the database cannot be reached, so nothing may be loaded from it
    (the programme's and organisation's names are left out unless already loaded)."""
    problems = problems or []
    wave = link.wave if link else None
    if offline:
        member = _loaded(wave, "member") if wave else None
        organisation = _loaded(link, "organisation") if link else None
    else:
        member = wave.member if wave else version.questionnaire.member
        organisation = link.organisation if link else None
    return {
        "definition": definition,
        "link": link,
        "wave": wave,
        "version": version,
        "member": member,
        "organisation": organisation,
        "questions": question_views(definition, raw_answers or {}, problems),
        "attributes": attribute_views(definition, raw_attributes or {}, problems),
        "problems": [_problem_entry(definition, p) for p in problems],
        "submission_id": submission_id or uuid.uuid4(),
        "storage_key": _storage_key(link, version) if link else "",
        "fresh": raw_answers is None,
        "preview": preview,
        "minutes": estimated_minutes(definition),
        "closes_on": wareki(wave.closes_on) if wave else "",
        "required_count": sum(1 for q in definition.questions if q.required),
    }


def _problem_entry(definition: Definition, problem: Any) -> dict[str, str]:
    """One line of the error summary: 問3 (or 問5 の 2.) with a link to the field."""
    label = answer_label(problem)
    anchor = "main"
    if problem.question.startswith("attr:"):
        anchor = dom_id(attribute_field_name(problem.question.removeprefix("attr:")))
    else:
        for number, question in enumerate(definition.questions, start=1):
            if question.code != problem.question:
                continue
            label = _("問%(n)d") % {"n": number}
            anchor = dom_id(field_name(question.code))
            if problem.item:
                codes = [item.code for item in question.items]
                if problem.item in codes:
                    label = _("問%(n)d の %(row)d.") % {"n": number, "row": codes.index(problem.item) + 1}
                    anchor = dom_id(field_name(question.code, problem.item))
    return {"label": label, "message": answer_message(problem), "anchor": anchor}


def _loaded(instance: Model, name: str) -> Any:
    """The related object `name` if it is already loaded on `instance`, else None (never a query)."""
    return instance._meta.get_field(name).get_cached_value(instance, None)  # type: ignore[union-attr]


def _refusal(
    request: HttpRequest, *, status: int, title: str, message: str, link: WaveLink | None = None
) -> HttpResponse:
    member = link.wave.member if link else None
    return render(
        request, "surveys/respond/refused.html", {"title": title, "message": message, "member": member}, status=status
    )


def _not_found(request: HttpRequest) -> HttpResponse:
    return _refusal(
        request,
        status=404,
        title=_("このリンクは使えません"),
        message=_(
            "アンケートのリンクが正しくないか、削除されています。お手元のチラシの QR コードを読み取り直すか、"
            "配布した担当者にお問い合わせください。"
        ),
    )


def _not_accepting(request: HttpRequest, link: WaveLink, state: str) -> HttpResponse:
    wave = link.wave
    if state == "closed":
        return _refusal(
            request,
            status=410,
            title=_("このアンケートの受付は終了しました"),
            message=_("「%(name)s」の回答の受付は終了しました。ご協力ありがとうございました。") % {"name": wave.name},
            link=link,
        )
    return _refusal(
        request,
        status=403,
        title=_("このアンケートはまだ始まっていません"),
        message=_("「%(name)s」は %(date)s から回答できます。") % {"name": wave.name, "date": wareki(wave.opens_on)},
        link=link,
    )


def _too_large(request: HttpRequest, link: WaveLink) -> HttpResponse:
    return _refusal(
        request,
        status=400,
        title=_("送信された内容が大きすぎます"),
        message=_(
            "自由記述は1問につき4,000字までです。長すぎる回答を短くしてから、もう一度送信してください。"
            "入力した内容は、このブラウザーに残っています（戻るボタンで戻れます）。"
        ),
        link=link,
    )


def _posted_fields(request: HttpRequest) -> dict[str, list[str]]:
    """The posted form as {field: [values]}. The answering page posts URL-encoded UTF-8, read straight into lists:
    building Django's QueryDict took a fifth of a submission's Python time. Anything else (a multipart post, another
    charset) goes through request.POST. Raises ValueError beyond DATA_UPLOAD_MAX_NUMBER_FIELDS, as request.POST
    would refuse."""
    charset = (request.content_params or {}).get("charset", "utf-8").lower()
    if request.content_type != "application/x-www-form-urlencoded" or charset not in ("utf-8", "utf8"):
        return {name: request.POST.getlist(name) for name in request.POST}
    return parse_qs(
        request.body.decode("utf-8", errors="replace"),
        keep_blank_values=True,
        max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
    )


@dataclass
class _Posted:
    """What the answering view has understood of a post so far: enough to give the form back, answers and all, when
    the database fails half-way."""

    link: WaveLink | None = None
    definition: Definition | None = None
    raw_answers: dict[str, Any] | None = None
    raw_attributes: dict[str, str] | None = None
    submission_id: uuid.UUID | None = None


# The answering form is posted by anonymous respondents without any cookie, so Django's CSRF check (which
# needs a CSRF cookie) cannot apply. A forged cross-site post gains nothing: it must carry a valid, unguessable
# link token (in the URL) and creates at most one anonymous response per submission id, exactly like a
# respondent using the link; the rate limit per link bounds any flood.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@respondent_language
def answer(request: HttpRequest, token: str) -> HttpResponse:
    posted = _Posted()
    try:
        return _answer(request, token, posted)
    except DATABASE_UNAVAILABLE:
        # Locked past the busy timeout, refused, dropped: nothing was stored (a submission is one statement or one
        # transaction), so the respondent may send the same answers again; the submission id keeps it to one.
        logger.warning("answering page: the database is unavailable", exc_info=True)
        return _database_unavailable(request, posted)


def _answer(request: HttpRequest, token: str, posted: _Posted) -> HttpResponse:
    link = selectors.submission_link(token) if request.method == "POST" else selectors.link_by_token(token)
    if link is None:
        return _not_found(request)
    state = services.wave_state(link.wave)
    if state != "open" and request.method == "POST":
        # The cached view of the wave may be old (e.g. it has opened since): look again before turning anyone away.
        link = selectors.submission_link(token, refresh=True)
        if link is None:
            return _not_found(request)
        state = services.wave_state(link.wave)
    if state != "open":
        return _not_accepting(request, link, state)
    version = link.wave.version
    definition = services.definition_of(version)
    if request.method != "POST":
        return render(
            request, "surveys/respond/answer.html", form_context(definition=definition, link=link, version=version)
        )

    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_POST_BYTES:
        return _too_large(request, link)
    try:
        fields = _posted_fields(request)
    except (ValueError, SuspiciousOperation):  # more fields than any questionnaire has
        return _refusal(
            request,
            status=400,
            title=_("送信された内容が読み取れません"),
            message=_(
                "回答の項目が多すぎます。このページを開き直してから、もう一度送信してください。"
                "入力した内容は、このブラウザーに残っています。"
            ),
            link=link,
        )
    raw_answers, raw_attributes = raw_from_form(definition, fields)
    try:
        submission_id = uuid.UUID(str((fields.get("submission_id") or [""])[0]))
    except ValueError:
        submission_id = None
    posted.link, posted.definition, posted.submission_id = link, definition, submission_id
    posted.raw_answers, posted.raw_attributes = raw_answers, raw_attributes
    if rate_limit_hit(
        key=f"survey-link:{link.pk}", limit=SUBMISSIONS_PER_WINDOW, window_seconds=WINDOW_SECONDS, batch=RATE_BATCH
    ):
        return _refusal(
            request,
            status=429,
            title=_("ただいま混み合っています"),
            message=_(
                "このアンケートへの送信が集中しています。1分ほど待ってから、もう一度送信してください。"
                "入力した内容は、このブラウザーに残っています。"
            ),
            link=link,
        )
    if submission_id is None:
        context = form_context(
            definition=definition,
            link=link,
            version=version,
            raw_answers=raw_answers,
            raw_attributes=raw_attributes,
        )
        context["form_error"] = _("送信の識別番号が読み取れませんでした。もう一度「回答を送信する」を押してください。")
        return render(request, "surveys/respond/answer.html", context, status=400)
    try:
        services.response_submit(link=link, submission_id=submission_id, answers=raw_answers, attributes=raw_attributes)
    except services.WaveNotAccepting as exc:
        return _not_accepting(request, link, exc.state)
    except services.AnswersInvalid as exc:
        context = form_context(
            definition=definition,
            link=link,
            version=version,
            raw_answers=raw_answers,
            raw_attributes=raw_attributes,
            problems=exc.validated.problems,
            submission_id=submission_id,
        )
        return render(request, "surveys/respond/answer.html", context, status=400)
    # 303: the browser fetches the confirmation with GET, so reloading it never posts the answers again.
    response = redirect(reverse("surveys:answer_thanks", args=[link.token]) + _language_query(request))
    response.status_code = 303
    return response


def _database_unavailable(request: HttpRequest, posted: _Posted) -> HttpResponse:
    """503 with the answers kept: the form again with everything as it was posted and the same submission id (so
    sending it again stores one response), or, when the link itself could not be looked up, a page saying the
    answers are still in this browser. Nothing on either page is read from the database."""
    link, definition = posted.link, posted.definition
    if link is not None and definition is not None and posted.raw_answers is not None:
        context = form_context(
            definition=definition,
            link=link,
            version=link.wave.version,
            raw_answers=posted.raw_answers,
            raw_attributes=posted.raw_attributes,
            submission_id=posted.submission_id,
            offline=True,
        )
        context["unavailable"] = True
        response = render(request, "surveys/respond/answer.html", context, status=503)
    else:
        response = render(
            request,
            "surveys/respond/refused.html",
            {
                "title": _("ただいま回答を受け付けられません"),
                "message": _(
                    "システムが一時的に混み合っているか、停止しています。入力した内容は、このブラウザーに残っています。"
                    "少し時間をおいてから、このページを開き直してください。"
                ),
            },
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@never_cache
@require_http_methods(["GET", "HEAD"])
@respondent_language
def answer_thanks(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = selectors.link_by_token(token)
    except DATABASE_UNAVAILABLE:
        logger.warning("confirmation page: the database is unavailable", exc_info=True)
        return _database_unavailable(request, _Posted())
    if link is None:
        return _not_found(request)
    return render(
        request,
        "surveys/respond/thanks.html",
        {"link": link, "wave": link.wave, "storage_key": _storage_key(link, link.wave.version)},
    )


@require_http_methods(["GET", "HEAD"])
@respondent_language
def privacy(request: HttpRequest) -> HttpResponse:
    """How answers are handled, for respondents: linked from every answering page. Reads nothing from the database."""
    threshold = max(int(getattr(settings, "RESULTS_MIN_GROUP_SIZE", DEFAULT_THRESHOLD)), MIN_THRESHOLD)
    return render(
        request,
        "surveys/respond/privacy.html",
        {"threshold": threshold, "rate_window_minutes": max(1, round(WINDOW_SECONDS / 60))},
    )
