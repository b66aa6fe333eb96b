"""Page-number pagination: `page` and `page_size` query parameters, answered with items, count, page, page_size."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from ninja import Field, Schema

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
# The largest page number accepted (422 beyond): far past the last page of any list, and small enough that the
# offset it asks for fits every database's integers (9223372036854775807 used to answer 500 on SQLite).
MAX_PAGE = 100_000

M = TypeVar("M", bound=Model)


class PageParams(Schema):
    page: int = Field(
        1, ge=1, le=MAX_PAGE, description="ページ番号（1から）。最後のページより後は items が空のページです"
    )
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="1ページの件数")


class PageOut(Schema):
    count: int = Field(..., description="全ページの合計件数")
    page: int
    page_size: int


def paginate(queryset: QuerySet[M], params: PageParams, build: Callable[[M], dict[str, Any]]) -> dict[str, Any]:
    offset = (params.page - 1) * params.page_size
    return {
        "items": [build(obj) for obj in queryset[offset : offset + params.page_size]],
        "count": queryset.count(),
        "page": params.page,
        "page_size": params.page_size,
    }
