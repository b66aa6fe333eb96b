"""Finding the member or organisation an API request names, the way the pages do: the code is normalised first
(a malformed code is a 422 naming the field), then the object is looked up among the rows the caller may see
(anything else is a 404 that does not say whether the row exists)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from shokuba.api.errors import Loc, not_found
from shokuba.api.lookups import government_code
from shokuba.network.models import Member, Organisation
from shokuba.network.permissions import visible_members, visible_organisations


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
