"""Request and response bodies. Requests forbid unknown fields, so a misspelt field is refused by name
rather than silently ignored."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from shokuba.api.pagination import PageOut
from shokuba.guidebook.models import ProgressStatus, StepProgress
from shokuba.network.models import Industry, LocalGovernmentKind, MemberKind, SizeBand


class RequestBody(Schema):
    model_config = ConfigDict(extra="forbid")


class ErrorItem(Schema):
    loc: list[str | int] = Field(..., description="どこの誤りか（body / query / path / header と項目名）")
    msg: str = Field(..., description="利用者に示すメッセージ")
    type: str = Field(..., description="誤りの種類（機械向け）")


class ErrorOut(Schema):
    message: str = Field(..., description="要約（日本語）")
    detail: list[ErrorItem]


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


# --- guidebook progress ------------------------------------------------------------------------------------


class StepProgressOut(Schema):
    code: str
    title: str
    status: ProgressStatus
    status_label: str
    started_on: dt.date | None
    completed_on: dt.date | None
    responsible: str
    notes: str | None = Field(None, description="メモ。取組の詳細を見られない利用者には null")
    evidence_count: int | None = Field(None, description="エビデンス資料の数。詳細を見られない利用者には null")
    updated_at: dt.datetime | None


class ChapterProgressOut(Schema):
    code: str
    title: str
    steps: list[StepProgressOut]


class MemberProgressOut(Schema):
    member: str
    member_name: str
    summary: ProgressSummaryOut
    chapters: list[ChapterProgressOut]


class StepProgressIn(RequestBody):
    """The whole state of one step (PUT replaces it: an omitted date or text is cleared)."""

    status: ProgressStatus
    started_on: dt.date | None = None
    completed_on: dt.date | None = None
    responsible: str = Field("", max_length=StepProgress._meta.get_field("responsible").max_length)
    notes: str = Field("", max_length=5000)


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
    member: str = Field(..., max_length=20, description="参加自治体の団体コード（5桁または6桁）", examples=["282090"])
    name: str = Field(..., max_length=200)
    corporate_number: str | None = Field(
        None, max_length=20, description="13桁の法人番号。全角数字やハイフンも可。法人番号のない団体は null"
    )
    industry: Industry
    size_band: SizeBand
    location: str = Field(..., max_length=20, description="所在地の団体コード（5桁または6桁）")
    joined_on: dt.date
    notes: str = Field("", max_length=5000)


class OrganisationUpdateIn(RequestBody):
    """Only the fields sent are changed. An organisation admin may send name, corporate_number, industry,
    size_band and location; joined_on and notes belong to the programme's coordinators."""

    name: str | None = Field(None, max_length=200)
    corporate_number: str | None = Field(None, max_length=20, description="null で法人番号を消します")
    industry: Industry | None = None
    size_band: SizeBand | None = None
    location: str | None = Field(None, max_length=20)
    joined_on: dt.date | None = None
    notes: str | None = Field(None, max_length=5000)

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
