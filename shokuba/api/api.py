"""The versioned JSON API (/api/v1/), OpenAPI schema at /api/v1/openapi.json, docs at /api/v1/docs.

The assembly only: each app keeps its router in its own `api.py`. Every endpoint accepts a bearer token or the
login session (with CSRF for changes), asks shokuba.core.permissions, and changes data only through the domain
services, exactly as the pages do.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from shokuba.api.auth import AUTH
from shokuba.api.docs import LocalSwagger, docs_router
from shokuba.api.errors import StrictJSONParser, error_body, install_error_handlers
from shokuba.api.notifications import router as notifications_router
from shokuba.events import api as events_api
from shokuba.forum import api as forum_api
from shokuba.guidebook import api as guidebook_api
from shokuba.jobads import api as jobads_api
from shokuba.learning import api as learning_api
from shokuba.materials import api as materials_api
from shokuba.network import api as network_api
from shokuba.plans import api as plans_api
from shokuba.regional import api as regional_api
from shokuba.results import api as results_api
from shokuba.support import api as support_api
from shokuba.surveys import api as surveys_api
from shokuba.surveys import export_api as surveys_export_api
from shokuba.workplace import api as workplace_api


class ReadableJSONRenderer(JSONRenderer):
    """UTF-8 JSON with Japanese as it is, not as \\u escapes: readable in a terminal and in logs."""

    json_dumps_params: dict[str, Any] = {"ensure_ascii": False}


class ShokubaAPI(NinjaAPI):
    """NinjaAPI whose answers to a wrong method or an unknown URL are JSON in the one error shape too
    (ninja leaves them to Django, which answers in HTML or plain English)."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for url in urls:
            if not isinstance(url, URLPattern):
                continue
            if url.name == "api-root":  # ninja's root is a bare 404; say where the schema and docs are
                url.callback = csrf_exempt(self._root)
            else:
                url.callback = self._explain_wrong_method(url.callback)
        urls.append(re_path(r"^.*$", csrf_exempt(self._unknown_url), name="unknown"))
        return urls

    def _error(self, request: HttpRequest, status: int, message: str, type_: str) -> HttpResponse:
        return self.create_response(
            request, error_body(message, [{"loc": [], "msg": message, "type": type_}]), status=status
        )

    def _explain_wrong_method(self, view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)  # keeps ninja's csrf_exempt marker: CSRF is checked by the session auth instead
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseNotAllowed):
                allowed = response["Allow"]
                message = _("このURLでは %(method)s は使えません（使えるのは %(allowed)s です）。") % {
                    "method": request.method,
                    "allowed": allowed,
                }
                answer = self._error(request, 405, message, "method_not_allowed")
                answer["Allow"] = allowed
                return answer
            return response

        return wrapper

    def _root(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.create_response(
            request,
            {
                "title": self.title,
                "version": self.version,
                "openapi": reverse(f"{self.urls_namespace}:openapi-json"),
                "docs": reverse(f"{self.urls_namespace}:openapi-view"),
            },
            status=200,
        )

    def _unknown_url(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        message = _("API に「%(path)s」はありません。URL を確認してください（一覧は /api/v1/docs）。") % {
            "path": request.path
        }
        return self._error(request, 404, message, "unknown_url")


api = ShokubaAPI(
    title="Shokuba API",
    version="1",
    description=(
        "地域働き方・職場改革ネットワークの API。"
        "地方公共団体、参加自治体、参加企業・団体、ガイドブックの進捗を扱います。\n\n"
        "認証：`Authorization: Bearer <APIトークン>`（`manage.py issue_api_token` で発行）、"
        "またはログイン中のセッション（変更には X-CSRFToken ヘッダーが必要）。\n\n"
        '誤りはすべて `{"message": …, "detail": [{"loc": […], "msg": …, "type": …}]}` の形で返します。'
    ),
    urls_namespace="api-v1",
    auth=AUTH,
    docs=LocalSwagger(),
    renderer=ReadableJSONRenderer(),
    parser=StrictJSONParser(),
)
install_error_handlers(api)
# Each app's router, imported (not named by a dotted string) so the dependency is visible to import-linter.
api.add_router("/", network_api.router)
api.add_router("/", guidebook_api.router)
api.add_router("/", docs_router)
api.add_router("/surveys/", surveys_api.router)
api.add_router("/surveys/", surveys_export_api.router)
api.add_router("/regional/", regional_api.router)
api.add_router("/workplace/", workplace_api.router)
api.add_router("/results/", results_api.router)
api.add_router("/plans/", plans_api.router)
api.add_router("/support/", support_api.router)
api.add_router("/", notifications_router)
api.add_router("/jobads/", jobads_api.router)
api.add_router("/learning/", learning_api.router)
api.add_router("/forum/", forum_api.router)
api.add_router("/materials/", materials_api.router)
api.add_router("/events/", events_api.router)
