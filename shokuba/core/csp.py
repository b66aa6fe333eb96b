"""The Content-Security-Policy of every response: one policy in settings, one middleware, one per-view override.

The policy is strict by construction: every script and style of the pages is a file under /static/, so neither
'unsafe-inline' nor 'unsafe-eval' nor nonces are needed (Vega charts evaluate their expressions with vega-embed's
interpreter, `ast: true`). A response that sets its own header keeps it (evidence downloads: a sandbox). Django 6
brings the same built in (SECURE_CSP); on Django 5.2 this small module is the whole mechanism.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"

View = TypeVar("View", bound=Callable[..., HttpResponse])


def content_security_policy(directives: Mapping[str, Sequence[str]]) -> str:
    """The header's value: `directive source source; directive …`, in the given order."""
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


# Documents a browser renders with scripts and styles. Other responses (JSON, CSV, XLSX, PDF, PNG) run nothing in
# the page's origin; a PDF under `object-src 'none'` would not even open in the browser's viewer.
DOCUMENT_TYPES = ("text/html", "image/svg+xml")


class ContentSecurityPolicyMiddleware:
    """Adds the site's policy (settings.CONTENT_SECURITY_POLICY) to every HTML (and SVG) response that has none of
    its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = content_security_policy(settings.CONTENT_SECURITY_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type in DOCUMENT_TYPES:
            response.headers.setdefault(HEADER, self.policy)
        return response


def csp_override_apply(response: HttpResponse, **directives: Sequence[str]) -> HttpResponse:
    """Give a response the site's policy with the given directives changed (`img_src=[…]` for img-src)."""
    changed = {name.replace("_", "-"): list(sources) for name, sources in directives.items()}
    response.headers[HEADER] = content_security_policy({**settings.CONTENT_SECURITY_POLICY, **changed})
    return response


def csp_override(**directives: Sequence[str]) -> Callable[[View], View]:
    """A view whose policy differs from the site's in the given directives (`frame_ancestors=["'self'"]` for
    frame-ancestors), everything else as the site's policy."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            return csp_override_apply(view(request, *args, **kwargs), **directives)

        return wrapped  # type: ignore[return-value]

    return decorator
