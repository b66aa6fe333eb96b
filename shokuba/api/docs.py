"""The interactive API docs (Swagger UI), served from the installed django-ninja package.

ninja serves Swagger UI through the staticfiles app only when "ninja" is in INSTALLED_APPS and falls back to a
CDN otherwise; nothing may be fetched from the internet at run time, so the docs page here loads the same files
from ninja's package through a small view of this API instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from ninja import Router
from ninja.openapi.docs import DocsBase

from shokuba.core.csp import csp_override_apply

ASSETS_DIR = Path(ninja.__file__).parent / "static" / "ninja"
# Our own additions for accessibility (contrast, names, keyboard access), beside the package's files, not in them.
OWN_ASSETS_DIR = Path(__file__).parent / "static" / "api"
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon.svg": "image/svg+xml",
    "swagger-a11y.css": "text/css",
    "swagger-a11y-mend.js": "text/javascript",
}

docs_router = Router(tags=["docs"])


@docs_router.get("/docs/assets/{name}", auth=None, include_in_schema=False, url_name="docs-asset")
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    content_type = ASSETS.get(name)
    if content_type is None:
        raise Http404(name)
    folder = OWN_ASSETS_DIR if name.startswith("swagger-a11y") else ASSETS_DIR
    response = FileResponse((folder / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


class LocalSwagger(DocsBase):
    # No deep links: with them Swagger UI puts each operation's path, a link, inside the button that opens the
    # operation (a link within a button: WCAG 4.1.2, axe's nested-interactive), with a 16 px high target.
    settings: dict[str, Any] = {"layout": "BaseLayout", "deepLinking": False}

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        namespace = api.urls_namespace
        swagger_settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        response = render(
            request,
            "api/docs.html",
            {
                "api": api,
                "swagger_settings": json.dumps(swagger_settings),
                "asset": {
                    name.split(".")[0].replace("-", "_"): reverse(f"{namespace}:docs-asset", kwargs={"name": name})
                    for name in ASSETS
                },
            },
        )
        # Swagger UI's stylesheet draws its icons as data: images; scripts and styles stay 'self' only.
        return csp_override_apply(response, img_src=["'self'", "data:"])
