"""Every change to materials, kits, workshop records, experts and introduction requests:
`<thing>_<verb>(*, actor, ...)`, atomic, permission-checked, validated (every problem at once, naming the field, in
Japanese) and audited. Materials are re-indexed for the search in the same transaction.

Files: each upload passes core.uploads.check_upload (content sniffed, size limit, PDF/PPTX/DOCX only), is staged
beside PRIVATE_FILES_DIR/materials/ and moved into place when the transaction commits; a new upload is a new
`MaterialVersion`, the older ones stay. A download counts (an F() update, never audited: it is no change of content).
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shokuba.core.audit import audit_record, audit_saved, snapshot
from shokuba.core.models import AuditAction
from shokuba.core.permissions import require
from shokuba.core.private_files import private_dir, staging_dir
from shokuba.core.uploads import ALLOWED_EXTENSIONS, CheckedUpload, UploadError, check_upload
from shokuba.core.validation import texts_check
from shokuba.guidebook.guidance import guidance_for
from shokuba.guidebook.models import Step
from shokuba.materials import notices
from shokuba.materials.models import (
    Audience,
    Expert,
    IntroductionRequest,
    IntroductionStatus,
    Language,
    Licence,
    Material,
    MaterialKind,
    MaterialVersion,
    WorkshopKit,
    WorkshopRecord,
)
from shokuba.network.models import Member
from shokuba.search.registry import NETWORK
from shokuba.search.services import Indexable, search_document_save
from shokuba.surveys.models import Wave

FILES_DIR = "materials"
MATERIAL_MAX_BYTES = 50 * 1024 * 1024
MATERIAL_EXTENSIONS = {ext: ALLOWED_EXTENSIONS[ext] for ext in (".pdf", ".pptx", ".docx")}
WORKSHOP_STEP = "4-5"  # 「ワークショップを実施する」: its cautions are the facilitator's checklist
MAX_PARTICIPANTS = 100_000

FileIn = tuple[IO[bytes], str, int]  # stream, name, size
Errors = dict[str, list[Any]]


def _add(errors: Errors, name: str, message: str, code: str = "invalid") -> None:
    errors.setdefault(name, []).append(ValidationError(message, code=code))


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _account(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _text(errors: Errors, name: str, label: str, value: Any, *, maximum: int, multi: bool, required: bool) -> str:
    """A text field checked: text, allowed characters, length, present when required. Returns it stripped."""
    if not isinstance(value, str):
        _add(errors, name, _("%(label)sは文字で入力してください。") % {"label": label})
        return ""
    for problem in texts_check({name: (label, value, multi)}).get(name, []):
        errors.setdefault(name, []).append(problem)
    if len(value) > maximum:
        _add(errors, name, _("%(label)sは%(max)d文字以内で入力してください。") % {"label": label, "max": maximum})
    if required and not value.strip():
        _add(errors, name, _("%(label)sを入力してください。") % {"label": label}, "required")
    return value.strip()


def _url(errors: Errors, name: str, label: str, value: str) -> None:
    if not value.startswith(("https://", "http://")) or len(value) > 500 or any(c.isspace() for c in value):
        _add(
            errors,
            name,
            _("%(label)sは http:// か https:// で始まる500文字以内のアドレスで入力してください。") % {"label": label},
        )


# --- files ---------------------------------------------------------------------------------------------------------


def files_dir() -> Path:
    return private_dir(FILES_DIR)


def version_path(version: MaterialVersion) -> Path:
    return files_dir() / version.stored_name


def _incoming() -> Path:
    return staging_dir(files_dir())


def _check_file(errors: Errors, file: FileIn | None) -> CheckedUpload | None:
    if file is None:
        _add(errors, "file", _("ファイルを選んでください（PDF、PowerPoint、Word）。"), "required")
        return None
    stream, name, size = file
    try:
        return check_upload(stream, name=name, size=size, max_bytes=MATERIAL_MAX_BYTES, allowed=MATERIAL_EXTENSIONS)
    except UploadError as error:
        _add(errors, "file", str(error))
        return None


def _version_store(
    *, actor: Any, material: Material, file: FileIn, checked: CheckedUpload, note: str
) -> MaterialVersion:
    stream = file[0]
    stored_name = f"{secrets.token_hex(16)}{checked.extension}"
    staged = _incoming() / stored_name
    try:
        with staged.open("xb") as out:
            stream.seek(0)
            shutil.copyfileobj(stream, out)
        if staged.stat().st_size != checked.size:
            raise ValidationError(
                {"file": [_("ファイル「%(name)s」を正しく受け取れませんでした。") % {"name": checked.name}]}
            )
        number = (material.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        version = MaterialVersion.objects.create(
            material=material,
            number=number,
            note=note,
            original_name=checked.name,
            stored_name=stored_name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            created_by=_account(actor),
        )
        audit_record(actor=actor, action=AuditAction.CREATE, instance=version, before=None, after=snapshot(version))
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    transaction.on_commit(functools.partial(_move_into_place, staged, files_dir() / stored_name))
    return version


def _move_into_place(staged: Path, final: Path) -> None:
    """Once the version's row is committed, its file takes its place (a second call finds it there already)."""
    if staged.exists() or not final.exists():
        staged.replace(final)


# --- materials -----------------------------------------------------------------------------------------------------


@dataclass
class MaterialInput:
    title: str = ""
    description: str = ""
    kind: str = MaterialKind.FILE
    url: str = ""
    licence: str = ""
    audiences: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    language: str = Language.JA


def material_labels() -> dict[str, str]:
    return {
        "title": _("素材の名前"),
        "description": _("説明"),
        "kind": _("種類"),
        "url": _("動画のURL"),
        "licence": _("ライセンス"),
        "audiences": _("対象"),
        "steps": _("ガイドブックの手順"),
        "language": _("言語"),
        "file": _("ファイル"),
        "note": _("この版の変更点"),
    }


def _material_check(data: MaterialInput) -> tuple[Errors, list[Step]]:
    names = material_labels()
    errors: Errors = {}
    data.title = _text(errors, "title", names["title"], data.title, maximum=120, multi=False, required=True)
    data.description = _text(
        errors, "description", names["description"], data.description, maximum=2000, multi=True, required=False
    )
    if data.kind not in MaterialKind.values:
        _add(errors, "kind", _("種類は選択肢から選んでください。"))
    if data.kind == MaterialKind.VIDEO:
        _url(errors, "url", names["url"], str(data.url))
    if data.licence not in Licence.values:
        _add(errors, "licence", _("ライセンスは選択肢から選んでください。"), "required")
    bad = sorted(set(data.audiences) - set(Audience.values))
    if bad or not data.audiences:
        _add(errors, "audiences", _("対象は選択肢から1つ以上選んでください。"))
    if data.language not in Language.values:
        _add(errors, "language", _("言語は選択肢から選んでください。"))
    steps = list(Step.objects.filter(code__in=data.steps).order_by("chapter__position", "position"))
    unknown = sorted(set(data.steps) - {s.code for s in steps})
    if unknown:
        _add(errors, "steps", _("ガイドブックにない手順です: %(codes)s") % {"codes": "、".join(unknown)}, "reference")
    return errors, steps


def material_document(material: Material) -> Indexable:
    """What the search reads of a material: its title and description (and its steps, for the filter)."""
    return Indexable(
        kind="material",
        object_id=material.pk,
        member=None,
        audience=NETWORK,
        title=material.title,
        body=material.description,
        steps=[s.code for s in material.steps.all()],
    )


@transaction.atomic
def material_create(
    *, actor: Any, data: MaterialInput, file: FileIn | None = None, note: str = "", demo: bool = False
) -> Material:
    """A new material: a file (its first version) or a video link."""
    require(actor, "materials.manage")
    errors, steps = _material_check(data)
    note = _text(errors, "note", material_labels()["note"], note, maximum=200, multi=False, required=False)
    checked = _check_file(errors, file) if data.kind == MaterialKind.FILE else None
    _raise(errors)
    material = Material.objects.create(
        title=data.title,
        description=data.description,
        kind=data.kind,
        url=data.url if data.kind == MaterialKind.VIDEO else "",
        licence=data.licence,
        audiences=[a for a in Audience.values if a in data.audiences],
        language=data.language,
        demo=demo,
        created_by=_account(actor),
    )
    material.steps.set(steps)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=material,
        before=None,
        after=snapshot(material) | {"steps": [s.code for s in steps]},
    )
    if file is not None and checked is not None:
        _version_store(actor=actor, material=material, file=file, checked=checked, note=note)
    search_document_save(material_document(material))
    return material


@transaction.atomic
def material_version_add(*, actor: Any, material: Material, file: FileIn | None, note: str = "") -> MaterialVersion:
    """A new version of a file material; the older versions stay downloadable."""
    require(actor, "materials.manage")
    material = Material.objects.select_for_update().get(pk=material.pk)
    errors: Errors = {}
    if material.kind != MaterialKind.FILE:
        _add(errors, "file", _("動画（リンク）の素材にはファイルを登録できません。"), "state")
    note = _text(errors, "note", material_labels()["note"], note, maximum=200, multi=False, required=False)
    checked = _check_file(errors, file)
    _raise(errors)
    assert file is not None and checked is not None
    version = _version_store(actor=actor, material=material, file=file, checked=checked, note=note)
    material.save(update_fields=["updated_at"])
    return version


def version_download_count(version: MaterialVersion) -> None:
    """One more download of the version (counted in the database, never lost between concurrent downloads)."""
    MaterialVersion.objects.filter(pk=version.pk).update(downloads=F("downloads") + 1)


def video_open_count(material: Material) -> None:
    Material.objects.filter(pk=material.pk).update(video_views=F("video_views") + 1)


# --- workshop kits and records -------------------------------------------------------------------------------------


def workshop_cautions() -> list[str]:
    """Step 4(5)'s cautions, from the guidebook's guidance data (never retyped here)."""
    guidance = guidance_for(WORKSHOP_STEP)
    return [c.text for c in guidance.cautions] if guidance else []


@dataclass
class KitInput:
    title: str = ""
    description: str = ""
    facilitator_guide: str = ""
    materials: list[int] = field(default_factory=list)


@transaction.atomic
def kit_create(*, actor: Any, data: KitInput, demo: bool = False) -> WorkshopKit:
    require(actor, "materials.manage")
    errors: Errors = {}
    title = _text(errors, "title", _("キットの名前"), data.title, maximum=120, multi=False, required=True)
    description = _text(errors, "description", _("説明"), data.description, maximum=2000, multi=True, required=False)
    guide = _text(
        errors,
        "facilitator_guide",
        _("進行役の手引き"),
        data.facilitator_guide,
        maximum=8000,
        multi=True,
        required=True,
    )
    materials = list(Material.objects.filter(pk__in=data.materials))
    if len(materials) != len(set(data.materials)):
        _add(errors, "materials", _("研修素材は一覧から選んでください。"), "reference")
    _raise(errors)
    kit = WorkshopKit.objects.create(title=title, description=description, facilitator_guide=guide, demo=demo)
    kit.materials.set(materials)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=kit,
        before=None,
        after=snapshot(kit) | {"materials": sorted(m.pk for m in materials)},
    )
    return kit


PARTICIPANT_FIELDS = (
    "participants_officials",
    "participants_companies",
    "participants_employees",
    "participants_other",
)
FEEDBACK_FIELDS = ("feedback_useful", "feedback_neutral", "feedback_not_useful")


@dataclass
class WorkshopInput:
    held_on: dt.date | None = None
    title: str = ""
    kit: int | None = None
    participants_officials: int = 0
    participants_companies: int = 0
    participants_employees: int = 0
    participants_other: int = 0
    cautions: list[int] = field(default_factory=list)  # 1-based positions in `workshop_cautions()`
    notes: str = ""
    feedback_useful: int = 0
    feedback_neutral: int = 0
    feedback_not_useful: int = 0
    feedback_wave: int | None = None


@transaction.atomic
def workshop_record(*, actor: Any, member: Member, data: WorkshopInput, demo: bool = False) -> WorkshopRecord:
    """Record a member's workshop: counts by group only, the cautions checked, aggregate feedback."""
    require(actor, "workshop.add", member)
    errors: Errors = {}
    labels = {f.name: str(f.verbose_name) for f in WorkshopRecord._meta.concrete_fields}
    title = _text(errors, "title", labels["title"], data.title, maximum=120, multi=False, required=True)
    notes = _text(errors, "notes", labels["notes"], data.notes, maximum=4000, multi=True, required=False)
    if not isinstance(data.held_on, dt.date):
        _add(errors, "held_on", _("実施日を入力してください。"), "required")
    elif data.held_on > timezone.localdate() + dt.timedelta(days=1):
        _add(errors, "held_on", _("実施日に先の日付は入れられません。実施した後に記録してください。"))
    for name in PARTICIPANT_FIELDS + FEEDBACK_FIELDS:
        value = getattr(data, name)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_PARTICIPANTS:
            _add(
                errors,
                name,
                _("%(label)sは0から%(max)dまでの整数で入力してください。")
                % {"label": labels[name], "max": MAX_PARTICIPANTS},
            )
    cautions = workshop_cautions()
    if any(not isinstance(c, int) or not 1 <= c <= len(cautions) for c in data.cautions):
        _add(errors, "cautions", _("確かめた留意点は一覧から選んでください。"))
    kit = None
    if data.kit is not None:
        kit = WorkshopKit.objects.filter(pk=data.kit).first()
        if kit is None:
            _add(errors, "kit", _("キットは一覧から選んでください。"), "reference")
    wave = None
    if data.feedback_wave is not None:
        wave = Wave.objects.filter(pk=data.feedback_wave, member=member).first()
        if wave is None:
            _add(
                errors, "feedback_wave", _("アンケートの調査回は、この自治体の調査回から選んでください。"), "reference"
            )
    _raise(errors)
    assert data.held_on is not None
    record = WorkshopRecord.objects.create(
        member=member,
        kit=kit,
        held_on=data.held_on,
        title=title,
        cautions_checked=[cautions[i - 1] for i in sorted(set(data.cautions))],
        notes=notes,
        feedback_wave=wave,
        demo=demo,
        created_by=_account(actor),
        **{name: getattr(data, name) for name in PARTICIPANT_FIELDS + FEEDBACK_FIELDS},
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=record,
        before=None,
        after=snapshot(record),
        member_code=member.pk,
    )
    return record


# --- experts and introductions -------------------------------------------------------------------------------------


@dataclass
class ExpertInput:
    name: str = ""
    affiliation: str = ""
    specialties: str = ""
    regions: str = ""
    bio: str = ""
    lectures: str = ""


EXPERT_TEXTS = (  # field, label, maximum, multi-line, required
    ("name", "氏名", 80, False, True),
    ("affiliation", "所属", 200, False, True),
    ("specialties", "専門分野", 300, False, True),
    ("regions", "対応できる地域", 200, False, False),
    ("bio", "紹介", 2000, True, False),
    ("lectures", "これまでの講演・研修", 4000, True, False),
)


@transaction.atomic
def expert_create(*, actor: Any, data: ExpertInput, demo: bool = False) -> Expert:
    require(actor, "materials.manage")
    errors: Errors = {}
    values = {
        name: _text(errors, name, _(label), getattr(data, name), maximum=maximum, multi=multi, required=required)
        for name, label, maximum, multi, required in EXPERT_TEXTS
    }
    _raise(errors)
    expert = Expert.objects.create(**values, demo=demo)
    audit_record(actor=actor, action=AuditAction.CREATE, instance=expert, before=None, after=snapshot(expert))
    return expert


@transaction.atomic
def introduction_request(
    *, actor: Any, member: Member, expert: Expert, purpose: str, preferred_dates: str = ""
) -> IntroductionRequest:
    """A coordinator asks the secretariat to introduce an expert; the secretariat is told."""
    require(actor, "introduction.request", member)
    errors: Errors = {}
    purpose = _text(errors, "purpose", _("依頼の目的"), purpose, maximum=2000, multi=True, required=True)
    preferred_dates = _text(
        errors, "preferred_dates", _("希望する日程"), preferred_dates, maximum=200, multi=False, required=False
    )
    if not expert.active:
        _add(errors, "expert", _("この有識者は、いま紹介を受け付けていません。"), "state")
    _raise(errors)
    found = IntroductionRequest.objects.create(
        member=member, expert=expert, purpose=purpose, preferred_dates=preferred_dates, created_by=_account(actor)
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=found,
        before=None,
        after=snapshot(found),
        member_code=member.pk,
    )
    notices.introduction_requested_notify(found)
    return found


@transaction.atomic
def introduction_route(*, actor: Any, request: IntroductionRequest, status: str, note: str = "") -> IntroductionRequest:
    """The secretariat records what it did with a request: 紹介済 or 見送り (a reason required), once."""
    request = (
        IntroductionRequest.objects.select_for_update()
        .select_related("expert", "member__local_government")
        .get(pk=request.pk)
    )
    require(actor, "introduction.route", request)
    if request.status != IntroductionStatus.RECEIVED:
        raise ValidationError({"status": [ValidationError(_("この依頼は対応済みです。"), code="state")]})
    errors: Errors = {}
    if status not in (IntroductionStatus.INTRODUCED, IntroductionStatus.DECLINED):
        _add(errors, "status", _("対応は「紹介済」か「見送り」を選んでください。"))
    note = _text(
        errors,
        "note",
        _("事務局の記録"),
        note,
        maximum=2000,
        multi=True,
        required=status == IntroductionStatus.DECLINED,
    )
    _raise(errors)
    before = snapshot(request)
    request.status, request.note = status, note
    request.routed_by, request.routed_at = _account(actor), timezone.now()
    request.save()
    audit_saved(actor=actor, instance=request, before=before, member_code=request.member_id)
    notices.introduction_routed_notify(request)
    return request
