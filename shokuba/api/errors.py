"""One error shape for every refusal and failure, in Japanese first.

Every 4xx and 5xx answer is
``{"message": <summary>, "detail": [{"loc": [...], "msg": <message>, "type": <code>}, ...]}``: ``message`` is
a sentence a person can read; ``detail`` names the field (``loc``: where it was — ``body``, ``query``, ``path``,
``header`` — then the field name) so that a client can put each message next to its input.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.views import defaults
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

logger = logging.getLogger("django.request")

Loc = Sequence[str | int]

# Every handler names its JSON body parameter `payload`; it is an implementation detail, so it leaves the loc.
BODY_PARAMETER = "payload"


def field_label(name: str) -> str:
    """The Japanese name of a field the API accepts, as the pages call it."""
    labels = {
        "name": _("名称"),
        "corporate_number": _("法人番号"),
        "industry": _("業種"),
        "size_band": _("従業員規模"),
        "location": _("所在地の団体コード"),
        "joined_on": _("参加日"),
        "notes": _("備考・メモ"),
        "member": _("参加自治体コード"),
        "code": _("団体コード"),
        "step_code": _("手順"),
        "status": _("状況"),
        "started_on": _("開始日"),
        "completed_on": _("完了日"),
        "responsible": _("担当者"),
        "q": _("検索語"),
        "prefecture": _("都道府県"),
        "kind": _("種別"),
        "region_block": _("ブロック"),
        "page": _("ページ"),
        "page_size": _("1ページの件数"),
        "id": _("ID"),
        "file": _("ファイル"),
        "channel": _("回答の集め方"),
        "title": _("題名・名称"),  # one name for every schema's `title` (questionnaires, consultations, threads, cases)
        "template_code": _("ひな型"),
        "questionnaire": _("調査票"),
        "version": _("調査票の版"),
        "fiscal_year": _("年度"),
        "opens_on": _("回答受付の開始日"),
        "closes_on": _("回答受付の終了日"),
        "organisations": _("参加する企業・団体"),
        "public_link": _("全体で1つのリンク"),
        "expected_headcount": _("対象人数（見込み）"),
        "definition": _("調査票の定義"),
        "format": _("形式"),
        "encoding": _("文字コード"),
        "raw": _("入力値"),
        "period_note": _("対象期間"),
        "male_childcare_leave_formula": _("男性の育児休業等取得率の算定式"),
        "arrangements": _("柔軟な働き方の制度"),
        "window": _("集計する年数"),
        "year": _("年"),
        "scope": _("範囲"),
        "members_only": _("参加自治体のみ"),
        "preset": _("比べる2つの群"),
        "item": _("項目"),
        "by": _("分ける属性"),
        "by2": _("2つ目の分ける属性"),
        "other": _("比べる調査"),
        "target": _("目標構成"),
        "keyword": _("キーワード"),
        "wave_id": _("調査（実施回）"),
        "number": _("版の番号"),
        "pk": _("ID"),
    }
    # Otherwise a name an app registered (the workplace figures' codes, named as on the entry form), or itself.
    return labels.get(name) or next((found for source in _LABEL_SOURCES if (found := source(name))), None) or name


# Apps whose API has fields of their own (the plumbing knows no app) name them here: name -> label or None.
_LABEL_SOURCES: list[Callable[[str], str | None]] = []


def field_labels_register(source: Callable[[str], str | None]) -> None:
    """Let `field_label` name an app's fields in messages (e.g. workplace.api: its figures' codes)."""
    if source not in _LABEL_SOURCES:
        _LABEL_SOURCES.append(source)


# The `type`s of a 422 for a request the schema allows: rules no schema can state (they depend on other rows, on
# a state, or on arithmetic over the value). Any other 422 type means the schema promised too much, and the
# Schemathesis run (api/tests/test_schemathesis.py) fails on it.
RULE_TYPES = frozenset(
    {
        "check_digit",  # a local government code or 法人番号 whose check digit is wrong
        "duplicate",  # a name or number already taken in the programme
        "protected",  # an organisation with survey history cannot be deleted
        "has_accounts",  # an organisation with administrator accounts cannot be deleted
        "role",  # a field this role may not change (an organisation admin and the programme's own fields)
        "state",  # not possible in the object's state (a wave closed, a version published, …)
        "date_order",  # an end date before its start date, a date in the future
        "reference",  # a code or id in the body that names nothing the caller may use
        "definition",  # a questionnaire definition that does not hold (every problem listed)
        "import_invalid",  # an imported file's cells (sheet, row, column)
        "analysis_input",  # an item or attribute this wave does not offer to this role
        "scope_unavailable",  # a picture scope this member does not have
        "figures",  # workplace figures that contradict each other (a part larger than its whole)
        "anonymity",  # an anonymised text (an FAQ entry) that names the member, an organisation or a person
        "place",  # an event with neither a venue nor an online link
        "kpi",  # a KPI's parameters its source needs (an item code, an indicator), a target equal to its baseline
    }
)


class NonFiniteNumber(ValueError):
    """A request body number that is not a finite JSON number: NaN, Infinity (which Python's json accepts) or a
    number too large for a float (1e400). Nothing stores them: PostgreSQL's JSON refuses them."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NonFiniteNumber(text)
    return value


def _no_constant(text: str) -> Any:
    raise NonFiniteNumber(text)


class StrictJSONParser(Parser):
    """JSON as the standard defines it: NaN, Infinity and numbers beyond a float are refused (400)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(request.body, parse_float=_finite, parse_constant=_no_constant)
        return data


class ApiError(Exception):
    """A refusal with its status and a message (already in the user's language) about one place in the request."""

    def __init__(self, status: int, message: str, *, loc: Loc = (), type: str = "invalid") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.loc = list(loc)
        self.type = type


def not_found(message: str, *, loc: Loc = ()) -> ApiError:
    return ApiError(404, message, loc=loc, type="not_found")


def error_body(message: str, detail: list[dict[str, Any]]) -> dict[str, Any]:
    return {"message": message, "detail": detail}


def _summary(detail: list[dict[str, Any]]) -> str:
    if len(detail) == 1:
        return str(detail[0]["msg"])
    return _("入力内容に%(n)d件の誤りがあります。") % {"n": len(detail)}


def _clean_loc(loc: Sequence[Any]) -> list[str | int]:
    parts = list(loc)
    if len(parts) >= 2 and parts[0] == "body" and parts[1] == BODY_PARAMETER:
        del parts[1]
    if parts and parts[0] in {"file", "form"}:  # multipart/form-data fields are in the body too
        parts[0] = "body"
    return parts


def _choices(expected: str) -> str:
    # pydantic lists choices as "'A', 'B' or 'C'"; a Japanese reader gets 「A」「B」「C」.
    items = [item.strip().strip("'") for item in expected.replace(" or ", ", ").split(",")]
    return "".join(f"「{item}」" for item in items if item)


def pydantic_message(error: dict[str, Any], loc: list[str | int]) -> str:
    """A Japanese message for one pydantic error, naming the field."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    names = [part for part in loc[1:] if isinstance(part, str)]
    field = names[-1] if names else ""
    label = field_label(field) if field else ""
    where = {"label": label, "field": field}
    if kind == "missing":
        if loc == ["body"]:
            return _("リクエスト本文（JSON）がありません。")
        return _("「%(label)s」（%(field)s）を指定してください。") % where
    if kind == "extra_forbidden":
        return _("「%(field)s」という項目はありません。項目名を確認してください。") % where
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        if not field:
            return _("リクエスト本文はJSONのオブジェクト（{ … }）にしてください。")
        return _("「%(label)s」（%(field)s）はオブジェクトで指定してください。") % where
    if "message" in ctx:  # our own checks (core.text via api.schemas) carry the whole message, naming the field
        return str(ctx["message"])
    if kind == "value_error":
        reason = str(ctx.get("error", "")) or _("値が正しくありません。")
        return _("「%(label)s」（%(field)s）：%(reason)s") % {**where, "reason": reason} if field else reason
    if kind in {"string_type", "string_unicode"}:
        return _("「%(label)s」（%(field)s）は文字列で指定してください。") % where
    if kind == "string_too_long":
        return _("「%(label)s」は%(max)s文字以内で入力してください。") % {**where, "max": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("「%(label)s」を入力してください。") % where
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return _("「%(label)s」（%(field)s）は整数で指定してください。") % where
    if kind == "greater_than_equal":
        return _("「%(label)s」は%(limit)s以上にしてください。") % {**where, "limit": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("「%(label)s」は%(limit)s以下にしてください。") % {**where, "limit": ctx.get("le")}
    if kind.startswith("date") or kind.startswith("datetime"):
        return _("「%(label)s」（%(field)s）は日付で指定してください（例：2026-04-01）。") % where
    if kind in {"enum", "literal_error"}:
        return _("「%(label)s」（%(field)s）は次のいずれかにしてください：%(choices)s") % {
            **where,
            "choices": _choices(str(ctx.get("expected", ""))),
        }
    if kind in {"bool_type", "bool_parsing"}:
        return _("「%(label)s」（%(field)s）は true か false で指定してください。") % where
    if kind in {"list_type"}:
        return _("「%(label)s」（%(field)s）は配列で指定してください。") % where
    return _("「%(label)s」（%(field)s）の値が正しくありません。") % where


def _respond(
    api: NinjaAPI, request: HttpRequest, status: int, message: str, detail: list[dict[str, Any]]
) -> HttpResponse:
    return api.create_response(request, error_body(message, detail), status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    """Register the handlers that turn every expected failure into the one error shape."""

    def on_api_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return _respond(api, request, exc.status, exc.message, [{"loc": exc.loc, "msg": exc.message, "type": exc.type}])

    def on_request_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        detail = []
        for error in exc.errors:
            loc = _clean_loc(error.get("loc", ()))
            detail.append({"loc": loc, "msg": pydantic_message(error, loc), "type": error.get("type", "invalid")})
        return _respond(api, request, 422, _summary(detail), detail)

    def on_django_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        detail: list[dict[str, Any]] = []
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                loc: list[str | int] = [] if field == "__all__" else ["body", field]
                for error in errors:
                    for message in error.messages:
                        detail.append({"loc": loc, "msg": message, "type": error.code or "invalid"})
        else:
            detail = [{"loc": [], "msg": message, "type": "invalid"} for message in exc.messages]
        return _respond(api, request, 422, _summary(detail), detail)

    def on_permission_denied(request: HttpRequest, exc: Any) -> HttpResponse:
        message = _("この操作を行う権限がありません。")
        return _respond(api, request, 403, message, [{"loc": [], "msg": message, "type": "permission_denied"}])

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        message = _("お探しのデータは見つかりません。")
        return _respond(api, request, 404, message, [{"loc": [], "msg": message, "type": "not_found"}])

    def on_authentication(request: HttpRequest, exc: Any) -> HttpResponse:
        message = exc.message if exc.message != "Unauthorized" else str(not_authenticated_message())
        item = {"loc": ["header", "Authorization"], "msg": message, "type": "not_authenticated"}
        response = _respond(api, request, 401, message, [item])
        response["WWW-Authenticate"] = 'Bearer realm="shokuba"'
        return response

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        cause = exc.__cause__
        if exc.status_code == 400 and cause is not None:  # ninja could not parse the body
            if isinstance(cause, NonFiniteNumber):
                message = _(
                    "リクエスト本文の数値「%(value)s」は JSON の数値として扱えません（NaN・Infinity や大きすぎる数）。"
                ) % {"value": cause.text[:40]}
            elif isinstance(cause, json.JSONDecodeError):
                message = _(
                    "リクエスト本文をJSONとして読み取れません（%(line)d行%(column)d文字目付近）。JSONの書き方を確認してください。"
                ) % {"line": cause.lineno, "column": cause.colno}
            else:
                message = _("リクエスト本文をJSONとして読み取れません。UTF-8のJSONで送ってください。")
            return _respond(api, request, 400, message, [{"loc": ["body"], "msg": message, "type": "json_invalid"}])
        message = str(exc.message)
        return _respond(api, request, exc.status_code, message, [{"loc": [], "msg": message, "type": "error"}])

    def on_bad_request(request: HttpRequest, exc: Any) -> HttpResponse:
        # Django's own refusals of a malformed request (SuspiciousOperation: too many fields, a body over the
        # limit, …) and a multipart body it cannot split (no boundary): 400, as Django answers the pages.
        if isinstance(exc, MultiPartParserError):
            message = _(
                "multipart/form-data の本文を読み取れません（Content-Type に boundary がないか、本文の区切りが"
                "正しくありません）。ファイルは multipart/form-data で送ってください。"
            )
            item = {"loc": ["body"], "msg": message, "type": "multipart_invalid"}
        else:
            message = _("リクエストを処理できませんでした（大きすぎるか、形式が正しくありません）。")
            item = {"loc": [], "msg": message, "type": "bad_request"}
        return _respond(api, request, 400, message, [item])

    def on_unexpected(request: HttpRequest, exc: Any) -> HttpResponse:
        # Anything else is a bug: the traceback goes to the server's log (as Django logs a 500), the caller
        # gets the one error shape, never a traceback or an HTML page.
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=(type(exc), exc, exc.__traceback__),
            extra={"status_code": 500, "request": request},
        )
        return _respond(api, request, 500, server_error_message(), [server_error_item()])

    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(NinjaValidationError, on_request_validation)
    api.add_exception_handler(DjangoValidationError, on_django_validation)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(ObjectDoesNotExist, on_not_found)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(SuspiciousOperation, on_bad_request)
    api.add_exception_handler(MultiPartParserError, on_bad_request)
    api.add_exception_handler(Exception, on_unexpected)


def server_error_message() -> str:
    return _(
        "サーバーで問題が発生したため、処理できませんでした。時間をおいてもう一度お試しください。"
        "続くときは事務局にお知らせください。"
    )


def server_error_item() -> dict[str, Any]:
    return {"loc": [], "msg": server_error_message(), "type": "server_error"}


def bad_request_body() -> dict[str, Any]:
    """The answer of the project's 400 handler for /api/ (a request refused before it reached the API: a Host
    header not allowed, …)."""
    message = _("リクエストを処理できませんでした（形式が正しくないか、このサーバーあてではありません）。")
    return error_body(message, [{"loc": [], "msg": message, "type": "bad_request"}])


def server_error_body() -> dict[str, Any]:
    """The answer of the project's 500 handler for /api/ (a failure outside the API's own handlers)."""
    return error_body(server_error_message(), [server_error_item()])


def not_authenticated_message() -> str:
    return _(
        "認証が必要です。ログインするか、Authorization ヘッダーで APIトークンを送ってください"
        "（Authorization: Bearer <トークン>）。"
    )


# --- the project's 400 and 500 handlers (shokuba/urls.py) ---------------------------------------------------------

API_PATH_PREFIX = "/api/"


def project_bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 (a request refused before any view: a Host header not in ALLOWED_HOSTS, a body it cannot
    read): JSON in the one error shape under /api/, the 400 page elsewhere."""
    if request.path.startswith(API_PATH_PREFIX):
        return JsonResponse(bad_request_body(), status=400, json_dumps_params={"ensure_ascii": False})
    return defaults.bad_request(request, exception)


def project_server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 outside the API's own handlers (a middleware failing): JSON under /api/, the 500 page
    elsewhere."""
    if request.path.startswith(API_PATH_PREFIX):
        return JsonResponse(server_error_body(), status=500, json_dumps_params={"ensure_ascii": False})
    return defaults.server_error(request)
