"""/api/v1/: local governments, members and organisations. Thin: parse, look up among visible rows, call the
service."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import field_validator

from shokuba.api.errors import not_found
from shokuba.api.lookups import caller, government_code
from shokuba.api.pagination import PageOut, PageParams, paginate
from shokuba.api.schemas import (
    CorporateNumber,
    ErrorOut,
    GovernmentCode,
    Name,
    OptionalGovernmentCode,
    RequestBody,
    Text,
    no_default,
    one_of,
)
from shokuba.core.permissions import has_perm, require
from shokuba.guidebook.selectors import progress_summary
from shokuba.network import selectors, services
from shokuba.network.lookups import visible_member, visible_organisation
from shokuba.network.models import (
    Industry,
    LocalGovernment,
    LocalGovernmentKind,
    Member,
    MemberKind,
    Organisation,
    SizeBand,
)
from shokuba.network.reference import reference_rows

router = Router(tags=["network"])

ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# --- local governments -------------------------------------------------------------------------------------


class LocalGovernmentOut(Schema):
    code: str = Field(..., description="団体コード（6桁、検査数字つき）", examples=["282090"])
    code5: str = Field(..., description="検査数字を除いた5桁", examples=["28209"])
    kind: LocalGovernmentKind
    prefecture_code: str
    prefecture_name: str
    city_name: str
    name: str
    full_name: str
    prefecture_kana: str
    city_kana: str


# --- members -----------------------------------------------------------------------------------------------


class ProgressSummaryOut(Schema):
    total: int = Field(..., description="手順の数")
    applicable: int = Field(..., description="「該当なし」を除いた手順の数")
    done: int
    percent_done: int
    counts: dict[str, int] = Field(..., description="状況ごとの手順の数")


class MemberOut(Schema):
    code: str
    name: str
    full_name: str
    kind: MemberKind
    region_block: str
    leading_example: bool
    joined_on: dt.date
    programme_name: str
    organisation_count: int | None = Field(
        None, description="参加企業・団体の数。取組の詳細を見られない利用者には null"
    )


class MemberDetailOut(MemberOut):
    progress: ProgressSummaryOut


# --- organisations -----------------------------------------------------------------------------------------


class OrganisationOut(Schema):
    id: int
    member: str = Field(..., description="参加自治体の団体コード")
    member_name: str
    name: str
    corporate_number: str | None
    industry: Industry
    industry_label: str
    size_band: SizeBand
    size_band_label: str
    location: str = Field(..., description="所在地の団体コード")
    location_name: str
    joined_on: dt.date
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime


class OrganisationCreateIn(RequestBody):
    member: GovernmentCode = Field(
        ..., max_length=20, description="参加自治体の団体コード（5桁または6桁）", examples=["282090"]
    )
    name: Name = Field(..., max_length=200)
    corporate_number: CorporateNumber | None = Field(
        None, max_length=40, description="13桁の法人番号。全角数字やハイフンも可。法人番号のない団体は null か空文字"
    )
    industry: Industry
    size_band: SizeBand
    location: GovernmentCode = Field(..., max_length=20, description="所在地の団体コード（5桁または6桁）")
    joined_on: dt.date
    notes: Text = Field("", max_length=5000)


class OrganisationUpdateIn(RequestBody):
    """Only the fields sent are changed. An organisation admin may send name, corporate_number, industry,
    size_band and location; joined_on and notes belong to the programme's coordinators."""

    # Not nullable (null is refused with a message): an omitted field stays as it is. Only corporate_number may
    # be null, which removes it.
    name: Name = Field(None, max_length=200, json_schema_extra=no_default)  # type: ignore[assignment]
    corporate_number: CorporateNumber | None = Field(None, max_length=40, description="null で法人番号を消します")
    industry: Industry = Field(None, json_schema_extra=no_default)  # type: ignore[assignment]
    size_band: SizeBand = Field(None, json_schema_extra=no_default)  # type: ignore[assignment]
    location: GovernmentCode = Field(None, max_length=20, json_schema_extra=no_default)  # type: ignore[assignment]
    joined_on: dt.date = Field(None, json_schema_extra=no_default)  # type: ignore[assignment]
    notes: Text = Field(None, max_length=5000, json_schema_extra=no_default)  # type: ignore[assignment]

    @field_validator("name", "industry", "size_band", "location", "joined_on", "notes", mode="before")
    @classmethod
    def not_null(cls, value: Any) -> Any:
        # Omitting a field leaves it as it is; null would mean "empty", which only the corporate number can be.
        if value is None:
            raise ValueError(_("この項目に null は指定できません。変更しない項目は送らないでください。"))
        return value

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


# --- pages of results --------------------------------------------------------------------------------------


class LocalGovernmentPage(PageOut):
    items: list[LocalGovernmentOut]


class MemberPage(PageOut):
    items: list[MemberOut]


class OrganisationPage(PageOut):
    items: list[OrganisationOut]


# --- local governments -------------------------------------------------------------------------------------


def local_government_out(government: LocalGovernment) -> dict[str, Any]:
    return {
        "code": government.code,
        "code5": government.code5,
        "kind": government.kind,
        "prefecture_code": government.prefecture_code,
        "prefecture_name": government.prefecture_name,
        "city_name": government.city_name,
        "name": government.name,
        "full_name": government.full_name,
        "prefecture_kana": government.prefecture_kana,
        "city_kana": government.city_kana,
    }


def _prefectures() -> dict[str, str]:
    """Every way to name a prefecture in `prefecture`: its code (01〜47) and its name, read from the reference
    file (the schema lists them)."""
    names: dict[str, str] = {}
    for row in reference_rows("local_government_codes.csv"):
        if not row["city"]:
            code = row["code"][:2]
            names[code] = code
            names[str(int(code))] = code  # "4" as well as "04"
            names[row["prefecture"]] = code
    return names


PREFECTURES = _prefectures()
if TYPE_CHECKING:
    Prefecture = str
else:
    Prefecture = one_of(
        ["", *PREFECTURES],
        lambda value: (
            _("都道府県「%(value)s」はありません。都道府県コード（01〜47）か都道府県名で指定してください。")
            % {"value": value}
        ),
    )


@router.get("/local-governments", response={200: LocalGovernmentPage, **ERRORS}, summary="地方公共団体の検索")
def local_government_list(
    request: HttpRequest,
    pages: Query[PageParams],
    q: Annotated[str, Field(max_length=40)] = "",
    prefecture: Prefecture = "",
) -> dict[str, Any]:
    """団体コード（5桁・6桁）または名称・カナの一部で検索します。

    `prefecture` は都道府県コード（01〜47）か都道府県名。"""
    governments = LocalGovernment.objects.order_by("code")
    if prefecture:
        governments = governments.filter(prefecture_code=PREFECTURES[prefecture])
    if q.strip():
        # The page's search caps its results for a picker; the API pages through all of them (1,788 at most).
        matches = selectors.local_government_search(q, limit=2000)
        governments = governments.filter(pk__in=list(matches.values_list("pk", flat=True)))
    return paginate(governments, pages, local_government_out)


@router.get("/local-governments/{code}", response={200: LocalGovernmentOut, **ERRORS}, summary="地方公共団体")
def local_government_detail(request: HttpRequest, code: GovernmentCode) -> dict[str, Any]:
    """5桁（検査数字なし）または6桁の団体コードで1件を返します。"""
    normalised = government_code(code, loc=["path", "code"])
    government = LocalGovernment.objects.filter(pk=normalised).first()
    if government is None:
        raise not_found(
            _("団体コード「%(code)s」の地方公共団体は見つかりません。") % {"code": normalised}, loc=["path", "code"]
        )
    return local_government_out(government)


# --- members -----------------------------------------------------------------------------------------------


def member_out(user: Any, member: Member, organisation_count: int | None = None) -> dict[str, Any]:
    details = has_perm(user, "member.view_details", member)
    if details and organisation_count is None:
        organisation_count = getattr(member, "organisation_count", None)
        if organisation_count is None:
            organisation_count = member.organisations.count()
    return {
        "code": member.code,
        "name": member.name,
        "full_name": member.local_government.full_name,
        "kind": member.kind,
        "region_block": member.region_block,
        "leading_example": member.leading_example,
        "joined_on": member.joined_on,
        "programme_name": member.programme_name,
        "organisation_count": organisation_count if details else None,
    }


def progress_summary_out(member: Member) -> dict[str, Any]:
    summary = progress_summary(member)
    return {
        "total": summary.total,
        "applicable": summary.applicable,
        "done": summary.done,
        "percent_done": summary.percent_done,
        "counts": {status: count for status, _label, count in summary.labelled()},
    }


@router.get("/members", response={200: MemberPage, **ERRORS}, summary="参加自治体の一覧")
def member_list(
    request: HttpRequest,
    pages: Query[PageParams],
    region_block: Annotated[str, Field(max_length=16)] = "",
    kind: MemberKind | None = None,
) -> dict[str, Any]:
    """見られる参加自治体だけを返します（事務局・支援チームはすべて、自治体担当者は自団体と、県の担当者は県内の市町村）。"""
    user = caller(request)
    members = selectors.member_list(user=user, region_block=region_block.strip(), kind=kind or "")
    return paginate(members.order_by("local_government_id"), pages, lambda member: member_out(user, member))


@router.get("/members/{code}", response={200: MemberDetailOut, **ERRORS}, summary="参加自治体")
def member_detail(request: HttpRequest, code: GovernmentCode) -> dict[str, Any]:
    user = caller(request)
    member = visible_member(user, code, loc=["path", "code"])
    require(user, "member.view", member)
    return {**member_out(user, member), "progress": progress_summary_out(member)}


# --- organisations -----------------------------------------------------------------------------------------


def organisation_out(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": organisation.pk,
        "member": organisation.member_id,
        "member_name": str(organisation.member),
        "name": organisation.name,
        "corporate_number": organisation.corporate_number,
        "industry": organisation.industry,
        "industry_label": organisation.get_industry_display(),
        "size_band": organisation.size_band,
        "size_band_label": organisation.get_size_band_display(),
        "location": organisation.location_id,
        "location_name": organisation.location.full_name,
        "joined_on": organisation.joined_on,
        "notes": organisation.notes,
        "created_at": organisation.created_at,
        "updated_at": organisation.updated_at,
    }


@router.get("/organisations", response={200: OrganisationPage, **ERRORS}, summary="参加企業・団体の一覧")
def organisation_list(
    request: HttpRequest, pages: Query[PageParams], member: OptionalGovernmentCode = ""
) -> dict[str, Any]:
    """見られる企業・団体だけを返します。`member` で参加自治体を絞り込めます。"""
    user = caller(request)
    member_obj = None
    if member.strip():
        member_obj = visible_member(user, member, loc=["query", "member"])
        # A prefecture's coordinator sees a municipality's progress, not the companies taking part in it.
        require(user, "member.view_details", member_obj)
    organisations = selectors.organisation_list(user=user, member=member_obj).order_by("member_id", "name", "pk")
    return paginate(organisations, pages, organisation_out)


@router.post("/organisations", response={201: OrganisationOut, **ERRORS}, summary="参加企業・団体の登録")
def organisation_create(request: HttpRequest, payload: OrganisationCreateIn) -> Status[dict[str, Any]]:
    user = caller(request)
    data = payload.model_dump()
    member = visible_member(user, data.pop("member"), loc=["body", "member"])
    organisation = services.organisation_create(actor=user, member=member, **data)
    return Status(201, organisation_out(organisation))


@router.get("/organisations/{id}", response={200: OrganisationOut, **ERRORS}, summary="参加企業・団体")
def organisation_detail(request: HttpRequest, id: int) -> dict[str, Any]:
    user = caller(request)
    organisation = visible_organisation(user, id)
    require(user, "organisation.view", organisation)
    return organisation_out(organisation)


@router.patch("/organisations/{id}", response={200: OrganisationOut, **ERRORS}, summary="参加企業・団体の変更")
def organisation_update(request: HttpRequest, id: int, payload: OrganisationUpdateIn) -> dict[str, Any]:
    """送った項目だけを変更します。企業・団体の管理者が変更できるのは name, corporate_number, industry, size_band,
    location だけです。"""
    user = caller(request)
    organisation = visible_organisation(user, id)
    changes = payload.changes()
    if not changes:
        # Nothing to change: no write and no audit entry, but the caller must still be allowed to change it.
        require(user, "organisation.change", organisation)
        return organisation_out(organisation)
    organisation = services.organisation_update(actor=user, organisation=organisation, **changes)
    return organisation_out(organisation)


@router.delete("/organisations/{id}", response={204: None, **ERRORS}, summary="参加企業・団体の削除")
def organisation_delete(request: HttpRequest, id: int) -> Status[None]:
    user = caller(request)
    organisation = visible_organisation(user, id)
    services.organisation_delete(actor=user, organisation=organisation)
    return Status(204, None)
