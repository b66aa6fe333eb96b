"""What every router needs to find the objects a request names, the way the pages do: the caller, and codes
normalised first (a malformed code is a 422 naming the field). Each app then looks the object up among the rows
the caller may see (anything else is a 404 that does not say whether the row exists), e.g.
`shokuba.network.api.visible_member`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from shokuba.api.errors import ApiError, Loc
from shokuba.core.codes import CodeError, normalise_local_government_code


def caller(request: HttpRequest) -> Any:
    """The user the request authenticated as (by token or session); set by the API's auth before any handler."""
    return request.auth  # type: ignore[attr-defined]


def government_code(raw: str, *, loc: Loc) -> str:
    try:
        return normalise_local_government_code(raw)
    except CodeError as exc:
        raise ApiError(422, str(exc), loc=loc, type="code_invalid") from exc
