"""/api/v1/materials/: training materials (list, detail, download of a version) and introduction requests to experts,
over the same services and selectors as the pages. A thing the caller may not see is 404, a visible one without the
right 403; a download counts like the page's."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from shokuba.api.errors import not_found
from shokuba.api.lookups import caller
from shokuba.api.schemas import ErrorOut, Line, RequestBody, Text
from shokuba.core.downloads import attach
from shokuba.core.permissions import require
from shokuba.materials import selectors, services
from shokuba.materials.models import (
    Audience,
    IntroductionRequest,
    IntroductionStatus,
    Language,
    Licence,
    Material,
    MaterialKind,
)
from shokuba.materials.permissions import visible_introductions

router = Router(tags=["materials"])

ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class MaterialVersionOut(Schema):
    id: int
    number: int
    name: str
    size: int
    note: str
    downloads: int
    created_at: dt.datetime
    download_url: str


class MaterialOut(Schema):
    id: int
    title: str
    description: str
    kind: MaterialKind
    url: str
    licence: Licence
    audiences: list[Audience]
    steps: list[str]
    language: Language
    downloads: int
    demo: bool
    versions: list[MaterialVersionOut] = Field(..., description="新しい版から順に")
    updated_at: dt.datetime


class MaterialParams(Schema):
    q: Annotated[str, Field(max_length=200)] = ""
    step: Annotated[str, Field(max_length=8)] = ""
    audience: Literal[("", *Audience.values)] = ""  # type: ignore[valid-type]
    language: Literal[("", *Language.values)] = ""  # type: ignore[valid-type]


class IntroductionIn(RequestBody):
    expert: int
    purpose: Annotated[Text, Field(min_length=1, max_length=2000, pattern=r"\S")]
    preferred_dates: Annotated[Line, Field(max_length=200)] = ""


class RouteIn(RequestBody):
    status: Literal["introduced", "declined"]
    note: Annotated[Text, Field(max_length=2000)] = ""


class IntroductionOut(Schema):
    id: int
    member: str
    expert: int
    expert_name: str
    purpose: str
    preferred_dates: str
    status: IntroductionStatus
    note: str
    created_at: dt.datetime
    routed_at: dt.datetime | None


def material_out(material: Material) -> dict[str, Any]:
    return {
        "id": material.pk,
        "title": material.title,
        "description": material.description,
        "kind": material.kind,
        "url": material.url,
        "licence": material.licence,
        "audiences": material.audiences,
        "steps": [s.code for s in material.steps.all()],
        "language": material.language,
        "downloads": selectors.download_count(material),
        "demo": material.demo,
        "versions": [
            {
                "id": v.pk,
                "number": v.number,
                "name": v.original_name,
                "size": v.size,
                "note": v.note,
                "downloads": v.downloads,
                "created_at": v.created_at,
                "download_url": f"/api/v1/materials/versions/{v.pk}/download",
            }
            for v in selectors.versions_of(material)
        ],
        "updated_at": material.updated_at,
    }


def introduction_out(found: IntroductionRequest) -> dict[str, Any]:
    return {
        "id": found.pk,
        "member": found.member_id,
        "expert": found.expert_id,
        "expert_name": found.expert.name,
        "purpose": found.purpose,
        "preferred_dates": found.preferred_dates,
        "status": found.status,
        "note": found.note,
        "created_at": found.created_at,
        "routed_at": found.routed_at,
    }


def _material(user: Any, pk: int) -> Material:
    found = selectors.materials_for(user).filter(pk=pk).first()
    if found is None:
        raise not_found(_("研修素材（ID %(id)d）は見つかりません。") % {"id": pk}, loc=["path", "id"])
    return found


def _introduction(user: Any, pk: int) -> IntroductionRequest:
    found = visible_introductions(user).filter(pk=pk).first()
    if found is None:
        raise not_found(_("紹介の依頼（ID %(id)d）は見つかりません。") % {"id": pk}, loc=["path", "id"])
    return found


@router.get("/", response={200: list[MaterialOut], **ERRORS}, summary="研修素材の一覧（検索・絞り込み）")
def material_list(request: HttpRequest, params: Query[MaterialParams]) -> list[dict[str, Any]]:
    user = caller(request)
    require(user, "materials.view")
    found = selectors.material_list(
        user, query=params.q, step=params.step, audience=params.audience, language=params.language
    )
    return [material_out(m) for m in found[:200]]


@router.get("/introductions", response={200: list[IntroductionOut], **ERRORS}, summary="有識者の紹介の依頼の一覧")
def introduction_list(request: HttpRequest) -> list[dict[str, Any]]:
    user = caller(request)
    require(user, "materials.view")
    return [introduction_out(r) for r in selectors.introductions_for(user)[:500]]


@router.post("/introductions", response={201: IntroductionOut, **ERRORS}, summary="有識者の紹介を依頼する")
def introduction_create(request: HttpRequest, payload: IntroductionIn) -> Status[dict[str, Any]]:
    user = caller(request)
    require(user, "materials.view")
    member = getattr(user, "member", None)
    if member is None:
        raise PermissionDenied("introduction.request")
    expert = selectors.experts_for(user).filter(pk=payload.expert).first()
    if expert is None:
        raise not_found(_("有識者（ID %(id)d）は見つかりません。") % {"id": payload.expert}, loc=["body", "expert"])
    found = services.introduction_request(
        actor=user, member=member, expert=expert, purpose=payload.purpose, preferred_dates=payload.preferred_dates
    )
    return Status(201, introduction_out(found))


@router.get("/introductions/{id}", response={200: IntroductionOut, **ERRORS}, summary="紹介の依頼")
def introduction_detail(request: HttpRequest, id: int) -> dict[str, Any]:
    return introduction_out(_introduction(caller(request), id))


@router.post(
    "/introductions/{id}/route", response={200: IntroductionOut, **ERRORS}, summary="紹介の依頼に対応する（事務局）"
)
def introduction_route(request: HttpRequest, id: int, payload: RouteIn) -> dict[str, Any]:
    user = caller(request)
    found = services.introduction_route(
        actor=user, request=_introduction(user, id), status=payload.status, note=payload.note
    )
    return introduction_out(found)


@router.get(
    "/versions/{id}/download",
    response={200: None, **ERRORS},
    url_name="material_version_download",
    summary="研修素材のファイル（版を指定）",
)
def version_download(request: HttpRequest, id: int) -> FileResponse:
    user = caller(request)
    version = selectors.versions_for_api(user).filter(pk=id).first()
    if version is None or not services.version_path(version).exists():
        raise not_found(_("研修素材のファイル（ID %(id)d）は見つかりません。") % {"id": id}, loc=["path", "id"])
    services.version_download_count(version)
    response = attach(
        FileResponse(services.version_path(version).open("rb"), content_type=version.content_type),
        version.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.get("/{id}", response={200: MaterialOut, **ERRORS}, summary="研修素材（版の一覧つき）")
def material_detail(request: HttpRequest, id: int) -> dict[str, Any]:
    return material_out(_material(caller(request), id))
