"""What every router needs to find the objects a request names, the way the pages do: the caller, and codes
normalised first (a malformed code is a 422 naming the field). Each app then looks the object up among the rows
the caller may see (anything else is a 404 that does not say whether the row exists), e.g.
`shokuba.network.api.visible_member`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from shokuba.api.errors import ApiError, Loc, not_found
from shokuba.core.codes import CheckDigitError, CodeError, normalise_local_government_code


def caller(request: HttpRequest) -> Any:
    """The user the request authenticated as (by token or session); set by the API's auth before any handler."""
    return request.auth  # type: ignore[attr-defined]


def government_code(raw: str, *, loc: Loc) -> str:
    """The 6-digit code of a code named in a path or query. A code of the right form with a wrong check digit
    names nothing: 404, saying so (the schema states the form; no schema can state a check digit)."""
    try:
        return normalise_local_government_code(raw)
    except CheckDigitError as exc:
        if list(loc)[:1] == ["body"]:  # a field of the request: a refusal of what was sent
            raise ApiError(422, str(exc), loc=loc, type="check_digit") from exc
        raise not_found(str(exc), loc=loc) from exc
    except CodeError as exc:
        raise ApiError(422, str(exc), loc=loc, type="code_invalid") from exc
