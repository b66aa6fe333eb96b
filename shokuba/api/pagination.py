"""Page-number pagination: `page` and `page_size` query parameters, answered with items, count, page, page_size."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from ninja import Field, Schema

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500

M = TypeVar("M", bound=Model)


class PageParams(Schema):
    page: int = Field(1, ge=1, description="ページ番号（1から）")
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
