"""/api/v1/surveys/: templates, questionnaires and their versions, waves, answering links and response counts.

The same permissions and services as the pages: rows are looked up among those the caller may see (anything
else is a 404), actions ask core.permissions, and every change goes through shokuba.surveys.services. Raw
responses are not served here: their background export is `export_api.py` (for the roles allowed them).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status, UploadedFile
from ninja import File as NinjaFile
from ninja import Form as NinjaForm

from shokuba.api.errors import ApiError, not_found
from shokuba.api.lookups import caller
from shokuba.api.schemas import (
    ErrorOut,
    GovernmentCode,
    Line,
    Name,
    OptionalGovernmentCode,
    RequestBody,
    one_of,
)
from shokuba.core.exports import table_response
from shokuba.core.permissions import require
from shokuba.network.lookups import visible_member
from shokuba.network.permissions import visible_organisations
from shokuba.surveys import selectors, services
from shokuba.surveys.imports import SHEET_NAME as IMPORT_SHEET_NAME
from shokuba.surveys.library import LibraryTemplate, latest_templates, library_template
from shokuba.surveys.models import (
    WAVE_FISCAL_YEAR_MAX,
    WAVE_FISCAL_YEAR_MIN,
    Questionnaire,
    QuestionnaireVersion,
    ResponseImport,
    VersionStatus,
    Wave,
    WaveLink,
    WaveStatus,
)
from shokuba.surveys.permissions import visible_questionnaires, visible_wave_links, visible_waves

router = Router(tags=["surveys"])

ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# --- schemas -------------------------------------------------------------------------------------------------


class TemplateOut(Schema):
    code: str = Field(..., examples=["unconscious_bias"])
    version: int
    title: str
    purpose: str
    audience: str = Field(..., description="employee / employer / resident")
    item_count: int = Field(..., description="結果を保存する項目（項目コード）の数")


class TemplateDetailOut(TemplateOut):
    definition: dict[str, Any] = Field(..., description="調査票の定義（JSON）。項目コードは版をまたいで変わりません")


class VersionOut(Schema):
    number: int
    status: VersionStatus
    published_at: dt.datetime | None


class QuestionnaireOut(Schema):
    id: int
    member: str
    title: str
    template_code: str
    template_version: int | None
    versions: list[VersionOut]


class VersionDetailOut(VersionOut):
    questionnaire: int
    definition: dict[str, Any]


if TYPE_CHECKING:
    TemplateCode = str
else:
    TemplateCode = one_of(
        [t.code for t in latest_templates()],
        lambda value: _("ひな型「%(code)s」はありません。") % {"code": value},
    )


class QuestionnaireCreateIn(RequestBody):
    member: GovernmentCode = Field(..., max_length=20, description="参加自治体の団体コード", examples=["282090"])
    template_code: TemplateCode = Field(..., examples=["workplace"])
    title: Line = Field("", max_length=200, description="空文字ならひな型の名称")


class DraftIn(RequestBody):
    definition: dict[str, Any] = Field(..., description="編集中の版の新しい定義（全体を置き換えます）")


class WaveOut(Schema):
    id: int
    member: str
    name: str
    fiscal_year: int
    questionnaire: int
    version: int = Field(..., description="調査票の版の番号")
    opens_on: dt.date
    closes_on: dt.date
    status: WaveStatus
    accepting: str = Field(..., description="open（受付中） / not_yet（受付前） / closed（終了）")
    public_link: bool


class WaveCreateIn(RequestBody):
    questionnaire: int = Field(..., description="調査票の ID")
    version: int = Field(..., ge=1, description="公開済みの版の番号")
    name: Name = Field(..., max_length=120)
    fiscal_year: int = Field(..., ge=WAVE_FISCAL_YEAR_MIN, le=WAVE_FISCAL_YEAR_MAX)
    opens_on: dt.date
    closes_on: dt.date
    organisations: list[int] = Field(default_factory=list, description="参加する企業・団体の ID")
    public_link: bool = False


class LinkOut(Schema):
    id: int
    wave: int
    organisation: int | None
    organisation_name: str | None
    url: str = Field(..., description="回答用リンク（推測できない文字列を含みます）")
    qr_svg: str
    qr_png: str
    flyer_pdf: str
    expected_headcount: int | None


class LinkUpdateIn(RequestBody):
    expected_headcount: int | None = Field(..., ge=1, le=1_000_000, description="null で消します")


class LinkCountOut(Schema):
    link: int
    organisation: int | None
    organisation_name: str | None
    responses: int
    expected_headcount: int | None
    rate: float | None = Field(..., description="回答率（%）。対象人数がなければ null")


class CountsOut(Schema):
    wave: int
    total: int | None = Field(..., description="全体の回答数。企業・団体の管理者には null")
    expected: int | None
    rate: float | None
    links: list[LinkCountOut]


# --- builders ------------------------------------------------------------------------------------------------


def template_out(template: LibraryTemplate, *, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": template.code,
        "version": template.version,
        "title": template.title,
        "purpose": template.purpose,
        "audience": template.audience,
        "item_count": template.item_count,
    }
    if detail:
        out["definition"] = template.data
    return out


def questionnaire_out(questionnaire: Questionnaire) -> dict[str, Any]:
    return {
        "id": questionnaire.pk,
        "member": questionnaire.member_id,
        "title": questionnaire.title,
        "template_code": questionnaire.template_code,
        "template_version": questionnaire.template_version,
        "versions": [
            {"number": v.number, "status": v.status, "published_at": v.published_at}
            for v in sorted(questionnaire.versions.all(), key=lambda v: v.number)
        ],
    }


def version_out(version: QuestionnaireVersion) -> dict[str, Any]:
    return {
        "questionnaire": version.questionnaire_id,
        "number": version.number,
        "status": version.status,
        "published_at": version.published_at,
        "definition": version.definition,
    }


def wave_out(wave: Wave) -> dict[str, Any]:
    return {
        "id": wave.pk,
        "member": wave.member_id,
        "name": wave.name,
        "fiscal_year": wave.fiscal_year,
        "questionnaire": wave.version.questionnaire_id,
        "version": wave.version.number,
        "opens_on": wave.opens_on,
        "closes_on": wave.closes_on,
        "status": wave.status,
        "accepting": services.wave_state(wave),
        "public_link": wave.public_link,
    }


def link_out(request: HttpRequest, link: WaveLink) -> dict[str, Any]:
    def absolute(name: str, *args: Any) -> str:
        return request.build_absolute_uri(reverse(name, args=args))

    return {
        "id": link.pk,
        "wave": link.wave_id,
        "organisation": link.organisation_id,
        "organisation_name": link.organisation.name if link.organisation else None,
        "url": absolute("surveys:answer", link.token),
        "qr_svg": absolute("surveys:link_qr_svg", link.pk),
        "qr_png": absolute("surveys:link_qr_png", link.pk),
        "flyer_pdf": absolute("surveys:link_flyer", link.pk),
        "expected_headcount": link.expected_headcount,
    }


def _questionnaire(user: Any, pk: int) -> Questionnaire:
    questionnaire = visible_questionnaires(user).prefetch_related("versions").filter(pk=pk).first()
    if questionnaire is None:
        raise not_found(_("調査票（ID %(id)d）は見つかりません。") % {"id": pk}, loc=["path", "id"])
    require(user, "questionnaire.view", questionnaire)
    return questionnaire


def _wave(user: Any, pk: int) -> Wave:
    wave = visible_waves(user).filter(pk=pk).first()
    if wave is None:
        raise not_found(_("調査（ID %(id)d）は見つかりません。") % {"id": pk}, loc=["path", "id"])
    require(user, "wave.view", wave)
    return wave


# --- templates -----------------------------------------------------------------------------------------------


@router.get("/templates", response={200: list[TemplateOut], **ERRORS}, summary="アンケートのひな型の一覧")
def template_list(request: HttpRequest) -> list[dict[str, Any]]:
    caller(request)
    return [template_out(t) for t in latest_templates()]


@router.get("/templates/{code}", response={200: TemplateDetailOut, **ERRORS}, summary="アンケートのひな型")
def template_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    caller(request)
    template = library_template(code)
    if template is None:
        raise not_found(_("ひな型「%(code)s」はありません。") % {"code": code}, loc=["path", "code"])
    return template_out(template, detail=True)


# --- questionnaires ------------------------------------------------------------------------------------------


@router.get("/questionnaires", response={200: list[QuestionnaireOut], **ERRORS}, summary="調査票の一覧")
def questionnaire_list(request: HttpRequest, member: OptionalGovernmentCode = "") -> list[dict[str, Any]]:
    user = caller(request)
    questionnaires = visible_questionnaires(user).prefetch_related("versions").order_by("member_id", "id")
    if member.strip():
        questionnaires = questionnaires.filter(member=visible_member(user, member, loc=["query", "member"]))
    return [questionnaire_out(q) for q in questionnaires]


@router.post("/questionnaires", response={201: QuestionnaireOut, **ERRORS}, summary="ひな型から調査票を作成")
def questionnaire_create(request: HttpRequest, payload: QuestionnaireCreateIn) -> Status[dict[str, Any]]:
    user = caller(request)
    member = visible_member(user, payload.member, loc=["body", "member"])
    questionnaire = services.questionnaire_create_from_template(
        actor=user, member=member, template_code=payload.template_code, title=payload.title
    )
    return Status(201, questionnaire_out(questionnaire))


@router.get("/questionnaires/{id}", response={200: QuestionnaireOut, **ERRORS}, summary="調査票")
def questionnaire_detail(request: HttpRequest, id: int) -> dict[str, Any]:
    return questionnaire_out(_questionnaire(caller(request), id))


@router.get("/questionnaires/{id}/versions/{number}", response={200: VersionDetailOut, **ERRORS}, summary="調査票の版")
def version_detail(request: HttpRequest, id: int, number: int) -> dict[str, Any]:
    questionnaire = _questionnaire(caller(request), id)
    version = questionnaire.versions.filter(number=number).first()
    if version is None:
        raise not_found(_("第%(n)d版はありません。") % {"n": number}, loc=["path", "number"])
    return version_out(version)


@router.post("/questionnaires/{id}/draft", response={200: VersionDetailOut, **ERRORS}, summary="編集中の版を用意")
def draft_start(request: HttpRequest, id: int) -> dict[str, Any]:
    """編集中の版を返します。なければ最新の公開済みの版を写して新しい版を作ります。"""
    user = caller(request)
    draft = services.questionnaire_draft_start(actor=user, questionnaire=_questionnaire(user, id))
    return version_out(draft)


def _draft(user: Any, questionnaire: Questionnaire) -> QuestionnaireVersion:
    require(user, "questionnaire.change", questionnaire)
    draft = questionnaire.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        raise ApiError(
            409,
            _("編集中の版がありません。公開済みの版は変更できないため、先に POST …/draft で新しい版を作ってください。"),
            type="no_draft",
        )
    return draft


@router.put(
    "/questionnaires/{id}/draft", response={200: VersionDetailOut, 409: ErrorOut, **ERRORS}, summary="編集中の版を保存"
)
def draft_save(request: HttpRequest, id: int, payload: DraftIn) -> dict[str, Any]:
    """編集中の版の定義を置き換えます。項目コードは、前の版と同じ項目には同じコードを使ってください。"""
    user = caller(request)
    draft = _draft(user, _questionnaire(user, id))
    # A definition that does not hold comes back as 422 with every problem under loc ["body", "definition"].
    version = services.draft_definition_save(actor=user, version=draft, definition=payload.definition)
    return version_out(version)


@router.post(
    "/questionnaires/{id}/publish",
    response={200: VersionDetailOut, 409: ErrorOut, **ERRORS},
    summary="編集中の版を公開",
)
def questionnaire_publish(request: HttpRequest, id: int) -> dict[str, Any]:
    user = caller(request)
    draft = _draft(user, _questionnaire(user, id))
    return version_out(services.questionnaire_publish(actor=user, version=draft))


# --- waves, links, counts ------------------------------------------------------------------------------------


@router.get("/waves", response={200: list[WaveOut], **ERRORS}, summary="調査（実施回）の一覧")
def wave_list(request: HttpRequest, member: OptionalGovernmentCode = "") -> list[dict[str, Any]]:
    user = caller(request)
    waves = visible_waves(user).order_by("member_id", "-opens_on", "-id")
    if member.strip():
        waves = waves.filter(member=visible_member(user, member, loc=["query", "member"]))
    return [wave_out(w) for w in waves]


@router.post("/waves", response={201: WaveOut, **ERRORS}, summary="調査（実施回）の作成")
def wave_create(request: HttpRequest, payload: WaveCreateIn) -> Status[dict[str, Any]]:
    user = caller(request)
    questionnaire = visible_questionnaires(user).filter(pk=payload.questionnaire).first()
    if questionnaire is None:
        raise not_found(
            _("調査票（ID %(id)d）は見つかりません。") % {"id": payload.questionnaire}, loc=["body", "questionnaire"]
        )
    version = questionnaire.versions.filter(number=payload.version).first()
    if version is None:
        raise not_found(_("第%(n)d版はありません。") % {"n": payload.version}, loc=["body", "version"])
    organisations = list(
        visible_organisations(user).filter(pk__in=payload.organisations, member_id=questionnaire.member_id)
    )
    missing = sorted(set(payload.organisations) - {o.pk for o in organisations})
    if missing:
        raise ApiError(
            422,
            _("企業・団体（ID %(id)d）はこの取組に登録されていません。") % {"id": missing[0]},
            loc=["body", "organisations"],
        )
    wave = services.wave_create(
        actor=user,
        version=version,
        name=payload.name,
        fiscal_year=payload.fiscal_year,
        opens_on=payload.opens_on,
        closes_on=payload.closes_on,
        organisations=organisations,
        public_link=payload.public_link,
    )
    return Status(201, wave_out(wave))


@router.get("/waves/{id}", response={200: WaveOut, **ERRORS}, summary="調査（実施回）")
def wave_detail(request: HttpRequest, id: int) -> dict[str, Any]:
    return wave_out(_wave(caller(request), id))


@router.post("/waves/{id}/open", response={200: WaveOut, **ERRORS}, summary="回答の受付を始める")
def wave_open(request: HttpRequest, id: int) -> dict[str, Any]:
    user = caller(request)
    return wave_out(services.wave_open(actor=user, wave=_wave(user, id)))


@router.post("/waves/{id}/close", response={200: WaveOut, **ERRORS}, summary="回答の受付を終了する")
def wave_close(request: HttpRequest, id: int) -> dict[str, Any]:
    user = caller(request)
    return wave_out(services.wave_close(actor=user, wave=_wave(user, id)))


@router.get("/waves/{id}/links", response={200: list[LinkOut], **ERRORS}, summary="回答用リンク・QRコード・チラシ")
def wave_links(request: HttpRequest, id: int) -> list[dict[str, Any]]:
    """企業・団体の管理者には自社・団体のリンクだけを返します。"""
    user = caller(request)
    wave = _wave(user, id)
    return [link_out(request, link) for link in selectors.wave_links(user=user, wave=wave)]


@router.patch("/links/{id}", response={200: LinkOut, **ERRORS}, summary="対象人数（見込み）の変更")
def link_update(request: HttpRequest, id: int, payload: LinkUpdateIn) -> dict[str, Any]:
    user = caller(request)
    link = visible_wave_links(user).filter(pk=id).first()
    if link is None:
        raise not_found(_("回答用リンク（ID %(id)d）は見つかりません。") % {"id": id}, loc=["path", "id"])
    link = services.wave_link_headcount_set(actor=user, link=link, expected_headcount=payload.expected_headcount)
    return link_out(request, link)


@router.get("/waves/{id}/counts", response={200: CountsOut, **ERRORS}, summary="回答数と回答率")
def wave_counts(request: HttpRequest, id: int) -> dict[str, Any]:
    """企業・団体ごとの回答数と回答率。企業・団体の管理者には自社・団体の行だけを返し、全体の数は返しません。"""
    user = caller(request)
    wave = _wave(user, id)
    counts = selectors.wave_response_counts(user=user, wave=wave)
    everything = selectors.can_see_all_links(user, wave)
    return {
        "wave": wave.pk,
        "total": counts.total if everything else None,
        "expected": counts.expected if everything else None,
        "rate": counts.rate if everything else None,
        "links": [
            {
                "link": row.link.pk,
                "organisation": row.link.organisation_id,
                "organisation_name": row.link.organisation.name if row.link.organisation else None,
                "responses": row.responses,
                "expected_headcount": row.expected,
                "rate": row.rate,
            }
            for row in counts.links
        ],
    }


# --- paper and Excel imports ---------------------------------------------------------------------------------


class ImportOut(Schema):
    id: int
    wave: int
    channel: str = Field(..., description="paper（紙を入力） / excel（Excel などで集めた）")
    file_name: str
    file_sha256: str = Field(..., description="ファイルの SHA-256。同じファイルは同じ調査に2回取り込めません")
    file_format: str = Field(..., description="xlsx / csv")
    encoding: str = Field(..., description="CSV の文字コード（utf-8 / utf-8-sig / cp932）。XLSX は空")
    rows: int = Field(..., description="取り込んだ回答数")
    created_at: dt.datetime
    created_by: str = Field(..., description="取り込んだ人のユーザー名")


def import_out(record: ResponseImport) -> dict[str, Any]:
    return {
        "id": record.pk,
        "wave": record.wave_id,
        "channel": record.channel,
        "file_name": record.file_name,
        "file_sha256": record.file_sha256,
        "file_format": record.file_format,
        "encoding": record.encoding,
        "rows": record.rows,
        "created_at": record.created_at,
        "created_by": record.created_by.username,
    }


def import_refused_body(exc: services.ResponsesImportRefused) -> dict[str, Any]:
    """The one error shape, one item per problem: loc ["body", "file", sheet, row, column] (sheet "" for a CSV,
    row and column "" when the problem is about the whole file)."""
    return {
        "message": exc.summary,
        "detail": [
            {
                "loc": ["body", "file", e.sheet, e.row if e.row is not None else "", e.column],
                "msg": str(e),
                "type": "import_invalid",
            }
            for e in exc.errors
        ],
    }


@router.get("/waves/{id}/imports", response={200: list[ImportOut], **ERRORS}, summary="紙・Excel の回答の取込の記録")
def import_list(request: HttpRequest, id: int) -> list[dict[str, Any]]:
    user = caller(request)
    wave = _wave(user, id)
    require(user, "wave.view_imports", wave)
    return [import_out(r) for r in wave.imports.select_related("created_by").order_by("-created_at", "-id")]


IMPORT_FIELDS = {"file", "channel"}


@router.post(
    "/waves/{id}/imports",
    response={201: ImportOut, **ERRORS},
    summary="紙・Excel の回答を取り込む",
    # Like a JSON body, the form refuses fields it does not know (stated in the schema too).
    openapi_extra={"requestBody": {"content": {"multipart/form-data": {"schema": {"additionalProperties": False}}}}},
)
def import_create(
    request: HttpRequest,
    id: int,
    file: NinjaFile[UploadedFile],
    channel: NinjaForm[Literal["paper", "excel"]] = "excel",
) -> Status[dict[str, Any]]:
    """取込用シート（GET …/import-sheet）に入力した .xlsx か .csv（UTF-8・BOM付き UTF-8・CP932）を multipart/form-data
    の `file` で送ります。すべての行を取り込むか、1行も取り込まないかのどちらかです。誤りがあれば 422 で、
    detail にシート・行・列ごとの誤りを返します（最初の200件）。同じファイルを2回送ると 422 です。"""
    unknown = sorted({*request.POST, *request.FILES} - IMPORT_FIELDS)
    if unknown:
        message = _("「%(field)s」という項目はありません。項目名を確認してください。") % {"field": unknown[0]}
        raise ApiError(422, message, loc=["body", unknown[0]], type="extra_forbidden")
    user = caller(request)
    wave = _wave(user, id)
    try:
        record = services.responses_import(actor=user, wave=wave, uploaded_file=file, channel=channel)
    except services.ResponsesImportRefused as exc:
        return Status(422, import_refused_body(exc))
    return Status(201, import_out(record))


@router.get(
    "/waves/{id}/import-sheet",
    response={200: None, **ERRORS},
    summary="取込用シート（空欄）",
    openapi_extra={
        "responses": {
            200: {
                "description": "見出し行だけの取込用シート。XLSX にはコードブックと記入方法のシートが付きます",
                "content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}, "text/csv": {}},
            }
        }
    },
)
def import_sheet(
    request: HttpRequest, id: int, format: Literal["xlsx", "csv"] = "xlsx", encoding: Literal["", "cp932"] = ""
) -> HttpResponse:
    user = caller(request)
    wave = _wave(user, id)
    require(user, "wave.import_responses", wave)
    header, extra_sheets = services.import_sheet(services.definition_of(wave.version))
    return table_response(
        fmt=format,
        filename=f"{wave.name}_取込用シート",
        header=header,
        rows=[],
        encoding=encoding,
        sheet_title=IMPORT_SHEET_NAME,
        extra_sheets=extra_sheets,
    )
