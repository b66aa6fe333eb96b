"""Finding the objects a request names, the way the pages do: codes are normalised first (a malformed code is
a 422 naming the field), then the object is looked up among the rows the caller may see (anything else is a
404 that does not say whether the row exists)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from shokuba.api.errors import ApiError, Loc, not_found
from shokuba.core.codes import CodeError, normalise_local_government_code
from shokuba.core.permissions import visible_members, visible_organisations
from shokuba.guidebook.models import Step
from shokuba.network.models import Member, Organisation


def caller(request: HttpRequest) -> Any:
    """The user the request authenticated as (by token or session); set by the API's auth before any handler."""
    return request.auth  # type: ignore[attr-defined]


def government_code(raw: str, *, loc: Loc) -> str:
    try:
        return normalise_local_government_code(raw)
    except CodeError as exc:
        raise ApiError(422, str(exc), loc=loc, type="code_invalid") from exc


def visible_member(user: Any, raw_code: str, *, loc: Loc) -> Member:
    code = government_code(raw_code, loc=loc)
    member = visible_members(user).filter(pk=code).first()
    if member is None:
        raise not_found(_("参加自治体「%(code)s」は見つかりません。") % {"code": code}, loc=loc)
    return member


def visible_organisation(user: Any, pk: int) -> Organisation:
    organisation = visible_organisations(user).filter(pk=pk).first()
    if organisation is None:
        raise not_found(_("企業・団体（ID %(id)d）は見つかりません。") % {"id": pk}, loc=["path", "id"])
    return organisation


def step_by_code(raw: str) -> Step:
    step = Step.objects.select_related("chapter").filter(code=raw.strip()).first()
    if step is None:
        message = _("ガイドブックの手順「%(code)s」は見つかりません。") % {"code": raw}
        raise not_found(message, loc=["path", "step_code"])
    return step
