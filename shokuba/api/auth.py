"""Who is calling: a bearer token (scripts) or the browser session (pages' own JavaScript, the docs page).

Either is accepted on every endpoint. A session request that changes something must carry the CSRF token,
exactly as a form post from the pages would; a token request needs none, as no browser sends it by itself.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from shokuba.api.errors import ApiError
from shokuba.api.services import api_token_use
from shokuba.core.two_factor import two_factor_pending

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class TokenAuth(HttpBearer):
    """``Authorization: Bearer shk_…``. A bearer header that does not match an active token is refused outright,
    never passed on to the session: a script must learn that its token stopped working."""

    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "")
        if not header:
            return None
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_use(token)
        if found is None:
            raise AuthenticationError(message=_("APIトークンが正しくないか、失効しています。"))
        request.user = found.user
        return found.user


class SessionAuth(APIKeyCookie):
    """Django's login session; unsafe methods also need the CSRF token (header X-CSRFToken)."""

    def __init__(self) -> None:
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if two_factor_pending(request):
            # Logged in with the password only, where the role needs the second step (core/two_factor.py).
            message = _("二段階認証が済んでいません。画面で確認コードを入力してからもう一度お試しください。")
            raise ApiError(401, message, loc=["cookie", self.param_name], type="two_factor_required")
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            message = _(
                "CSRFトークンが確認できないため、この操作を受け付けられません。"
                "ページを読み込み直すか、X-CSRFToken ヘッダーを付けて送ってください。"
            )
            raise ApiError(403, message, loc=["header", "X-CSRFToken"], type="csrf_failed")
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover - __call__ decides
        return None


token_auth = TokenAuth()
session_auth = SessionAuth()
AUTH = [token_auth, session_auth]
