"""Every change to questionnaires, waves, links and responses.

Staff actions are permission-checked (core.permissions.require), atomic and recorded in the audit log.
Respondents' answers are never audited: `response_submit` stores an anonymous response and nothing else.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shokuba.core.audit import audit_record, snapshot
from shokuba.core.models import AuditAction
from shokuba.core.observability import submission_counted
from shokuba.core.permissions import require
from shokuba.core.privacy import min_group_size
from shokuba.core.uploads import DATA_EXTENSIONS, UploadError, check_upload
from shokuba.core.validation import texts_check, texts_require
from shokuba.network.models import Member, Organisation
from shokuba.surveys import authoring, exports, imports, storage
from shokuba.surveys.answers import Validated, answer_rows, validate_submission
from shokuba.surveys.imports import CellError as ImportCellError
from shokuba.surveys.imports import ImportRefused as ResponsesImportRefused
from shokuba.surveys.instrument import Definition, DefinitionError, parse_definition
from shokuba.surveys.library import library_template
from shokuba.surveys.messages import definition_messages
from shokuba.surveys.models import (
    WAVE_FISCAL_YEAR_MAX,
    WAVE_FISCAL_YEAR_MIN,
    Channel,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    ResponseImport,
    VersionStatus,
    Wave,
    WaveLink,
    WaveStatus,
)

# --- definitions ---------------------------------------------------------------------------------------------

_published_definitions: dict[tuple[int, Any], Definition] = {}


def definition_of(version: QuestionnaireVersion) -> Definition:
    """The parsed definition of a version. Published versions never change, so they are parsed once per process
    (keyed by id and publishing time: a version is published once, and a reused id never matches)."""
    if version.status != VersionStatus.PUBLISHED:
        return parse_definition(version.definition)
    key = (version.pk, version.published_at)
    definition = _published_definitions.get(key)
    if definition is None:
        definition = parse_definition(version.definition)
        _published_definitions[key] = definition
    return definition


def _checked(definition: Mapping[str, Any]) -> Definition:
    try:
        return parse_definition(definition)
    except DefinitionError as exc:
        raise ValidationError(
            {"definition": [ValidationError(m, code="definition") for m in definition_messages(exc.problems)]}
        ) from exc


def _member_code(version: QuestionnaireVersion) -> str:
    return version.questionnaire.member_id


def taken_codes(questionnaire: Questionnaire) -> set[str]:
    """Every item code any version of the questionnaire has used: new items never reuse one."""
    codes: set[str] = set()
    for definition in questionnaire.versions.values_list("definition", flat=True):
        codes |= authoring.codes_in(definition)
    return codes


# --- authoring -------------------------------------------------------------------------------------------------


@transaction.atomic
def questionnaire_create_from_template(
    *, actor: Any, member: Member, template_code: str, title: str = ""
) -> Questionnaire:
    """Copy a library template into the programme as a new questionnaire with a first draft version."""
    require(actor, "member.manage_surveys", member)
    template = library_template(template_code)
    if template is None:
        raise ValidationError({"template_code": [_("ひな型「%(code)s」はありません。") % {"code": template_code}]})
    texts_require({"title": (_("調査票の名称"), title, False)})
    data = template.copy_data()
    if title.strip():
        data["title"] = title.strip()
    questionnaire = Questionnaire.objects.create(
        member=member,
        title=data["title"],
        template_code=template.code,
        template_version=template.version,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    version = QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=1, definition=data)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=questionnaire,
        before=None,
        after=snapshot(questionnaire),
        member_code=member.pk,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=version,
        before=None,
        after=snapshot(version),
        member_code=member.pk,
    )
    return questionnaire


@transaction.atomic
def questionnaire_draft_start(*, actor: Any, questionnaire: Questionnaire) -> QuestionnaireVersion:
    """The questionnaire's draft: the existing one, or a new version copied from the latest published one."""
    require(actor, "questionnaire.change", questionnaire)
    # Lock the questionnaire row so two people starting a draft at once get the same draft.
    Questionnaire.objects.select_for_update().filter(pk=questionnaire.pk).first()
    draft = questionnaire.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is not None:
        return draft
    latest = questionnaire.versions.order_by("-number").first()
    assert latest is not None  # a questionnaire is created with its first version
    draft = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire, number=latest.number + 1, definition=latest.definition
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=draft,
        before=None,
        after=snapshot(draft),
        member_code=questionnaire.member_id,
    )
    return draft


def _editable(actor: Any, version: QuestionnaireVersion) -> None:
    require(actor, "questionnaire.change", version.questionnaire)
    current = QuestionnaireVersion.objects.select_for_update().get(pk=version.pk)
    if current.status != VersionStatus.DRAFT:
        raise ValidationError(
            {
                "__all__": [
                    ValidationError(
                        _("公開済みの版は変更できません。変更するには新しい版を作成してください。"), code="state"
                    )
                ]
            }
        )


@transaction.atomic
def questionnaire_draft_discard(*, actor: Any, version: QuestionnaireVersion) -> Questionnaire | None:
    """Throw away a draft. A later version's draft goes and the published versions stay; a questionnaire that was
    never published goes with its only draft (nothing can point at it: waves need a published version).
    Returns the questionnaire when it remains, else None."""
    _editable(actor, version)
    questionnaire = version.questionnaire
    member_code = questionnaire.member_id
    only_version = not questionnaire.versions.exclude(pk=version.pk).exists()
    doomed: Questionnaire | QuestionnaireVersion = questionnaire if only_version else version
    before = snapshot(doomed)
    audit_record(
        actor=actor, action=AuditAction.DELETE, instance=doomed, before=before, after=None, member_code=member_code
    )
    doomed.delete()
    return None if only_version else questionnaire


@transaction.atomic
def draft_definition_save(
    *, actor: Any, version: QuestionnaireVersion, definition: Mapping[str, Any]
) -> QuestionnaireVersion:
    """Replace a draft's definition after checking it. A published version is frozen."""
    _editable(actor, version)
    parsed = _checked(definition)
    before = snapshot(version)
    version.definition = dict(definition)
    version.save(update_fields=["definition", "updated_at"])
    questionnaire = version.questionnaire
    if questionnaire.title != parsed.title:
        questionnaire.title = parsed.title
        questionnaire.save(update_fields=["title"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=version,
        before=before,
        after=snapshot(version),
        member_code=_member_code(version),
    )
    return version


def _edit(actor: Any, version: QuestionnaireVersion, change: Any) -> QuestionnaireVersion:
    _editable(actor, version)
    try:
        definition = change(version.definition)
    except authoring.EditError as exc:
        raise ValidationError({"__all__": [ValidationError(edit_error_message(exc), code="definition")]}) from exc
    return draft_definition_save(actor=actor, version=version, definition=definition)


def edit_error_message(exc: authoring.EditError) -> str:
    p = exc.params
    if exc.code == "question_is_condition":
        return _("質問「%(code)s」は質問「%(other)s」の表示条件に使われているため削除できません。") % p
    if exc.code == "condition_order":
        return _("質問「%(code)s」は質問「%(target)s」の回答で表示が決まるため、その前には移動できません。") % p
    if exc.code == "question_missing":
        return _("質問「%(code)s」はありません。") % p
    if exc.code == "row_missing":
        return _("選択肢または項目「%(code)s」はありません。") % p
    return _("変更できませんでした。")


@transaction.atomic
def question_add(
    *, actor: Any, version: QuestionnaireVersion, kind: str, text: str, after: str = ""
) -> tuple[QuestionnaireVersion, str]:
    taken = taken_codes(version.questionnaire)
    holder: dict[str, str] = {}

    def change(definition: Mapping[str, Any]) -> dict[str, Any]:
        result, code = authoring.question_add(definition, kind=kind, text=text, taken=taken, after=after)
        holder["code"] = code
        return result

    version = _edit(actor, version, change)
    return version, holder["code"]


@transaction.atomic
def question_update(*, actor: Any, version: QuestionnaireVersion, code: str, **changes: Any) -> QuestionnaireVersion:
    taken = taken_codes(version.questionnaire)
    return _edit(actor, version, lambda d: authoring.question_update(d, code=code, taken=taken, **changes))


@transaction.atomic
def question_remove(*, actor: Any, version: QuestionnaireVersion, code: str) -> QuestionnaireVersion:
    return _edit(actor, version, lambda d: authoring.question_remove(d, code=code))


@transaction.atomic
def question_move(*, actor: Any, version: QuestionnaireVersion, code: str, offset: int) -> QuestionnaireVersion:
    return _edit(actor, version, lambda d: authoring.question_move(d, code=code, offset=offset))


@transaction.atomic
def draft_meta_update(
    *, actor: Any, version: QuestionnaireVersion, title: str, purpose: str, attributes: Sequence[str]
) -> QuestionnaireVersion:
    return _edit(
        actor, version, lambda d: authoring.meta_update(d, title=title, purpose=purpose, attributes=attributes)
    )


@transaction.atomic
def questionnaire_publish(*, actor: Any, version: QuestionnaireVersion) -> QuestionnaireVersion:
    """Freeze a draft: from now on waves can use it and its wording never changes."""
    _editable(actor, version)
    _checked(version.definition)
    before = snapshot(version)
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor if getattr(actor, "pk", None) else None
    version.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=version,
        before=before,
        after=snapshot(version),
        member_code=_member_code(version),
    )
    return version


# --- waves and links -------------------------------------------------------------------------------------------


def new_link_token() -> str:
    """192 random bits, URL-safe: not guessable, not derived from anything."""
    return secrets.token_urlsafe(24)


def _links_create(wave: Wave, organisations: Iterable[Organisation]) -> list[WaveLink]:
    existing = set(wave.links.values_list("organisation_id", flat=True))
    links = []
    for organisation in organisations:
        if organisation.member_id != wave.member_id:
            raise ValidationError(
                {
                    "organisations": [
                        ValidationError(
                            _("「%(name)s」はこの取組の参加企業・団体ではありません。") % {"name": organisation.name},
                            code="reference",
                        )
                    ]
                }
            )
        if organisation.pk in existing:
            continue
        links.append(WaveLink.objects.create(wave=wave, organisation=organisation, token=new_link_token()))
        existing.add(organisation.pk)
    return links


@transaction.atomic
def wave_create(
    *,
    actor: Any,
    version: QuestionnaireVersion,
    name: str,
    fiscal_year: int,
    opens_on: dt.date,
    closes_on: dt.date,
    organisations: Iterable[Organisation] = (),
    public_link: bool = False,
) -> Wave:
    member = version.questionnaire.member
    require(actor, "member.manage_surveys", member)
    errors: dict[str, list[Any]] = texts_check({"name": (_("調査の名称"), name, False)})
    if version.status != VersionStatus.PUBLISHED:
        errors.setdefault("version", []).append(
            ValidationError(_("公開済みの調査票の版を選んでください。"), code="state")
        )
    if not WAVE_FISCAL_YEAR_MIN <= fiscal_year <= WAVE_FISCAL_YEAR_MAX:
        errors.setdefault("fiscal_year", []).append(
            _("年度は%(first)d〜%(last)dで入力してください。")
            % {"first": WAVE_FISCAL_YEAR_MIN, "last": WAVE_FISCAL_YEAR_MAX}
        )
    if "name" in errors:  # a character it may not hold: said first, nothing else about the name
        ...
    elif not name.strip():
        errors.setdefault("name", []).append(ValidationError(_("調査の名称を入力してください。"), code="blank"))
    elif Wave.objects.filter(member=member, name=name.strip()).exists():
        errors.setdefault("name", []).append(ValidationError(_("同じ名称の調査がすでにあります。"), code="duplicate"))
    if closes_on < opens_on:
        errors.setdefault("closes_on", []).append(
            ValidationError(_("終了日は開始日と同じか、それより後の日付にしてください。"), code="date_order")
        )
    organisations = list(organisations)
    if not organisations and not public_link:
        errors.setdefault("organisations", []).append(
            ValidationError(_("参加する企業・団体を選ぶか、「全体で1つのリンク」を選んでください。"), code="reference")
        )
    if errors:
        raise ValidationError(errors)
    wave = Wave.objects.create(
        member=member,
        version=version,
        name=name.strip(),
        fiscal_year=fiscal_year,
        opens_on=opens_on,
        closes_on=closes_on,
        public_link=public_link,
    )
    if public_link:
        WaveLink.objects.create(wave=wave, organisation=None, token=new_link_token())
    _links_create(wave, organisations)
    audit_record(
        actor=actor, action=AuditAction.CREATE, instance=wave, before=None, after=snapshot(wave), member_code=member.pk
    )
    return wave


@transaction.atomic
def wave_organisations_add(*, actor: Any, wave: Wave, organisations: Iterable[Organisation]) -> list[WaveLink]:
    require(actor, "wave.change", wave)
    if wave.status == WaveStatus.CLOSED:
        raise ValidationError(
            {"organisations": [ValidationError(_("終了した調査には企業・団体を追加できません。"), code="state")]}
        )
    links = _links_create(wave, organisations)
    for link in links:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=link,
            before=None,
            after={"wave_id": wave.pk, "organisation_id": link.organisation_id},
            member_code=wave.member_id,
        )
    return links


def _wave_change(actor: Any, wave: Wave, **fields: Any) -> Wave:
    before = snapshot(wave)
    for field, value in fields.items():
        setattr(wave, field, value)
    wave.save(update_fields=list(fields))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=wave,
        before=before,
        after=snapshot(wave),
        member_code=wave.member_id,
    )
    return wave


@transaction.atomic
def wave_open(*, actor: Any, wave: Wave) -> Wave:
    require(actor, "wave.change", wave)
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if wave.status == WaveStatus.OPEN:
        return wave
    if wave.status == WaveStatus.CLOSED:
        raise ValidationError(
            {
                "__all__": [
                    ValidationError(_("終了した調査は再開できません。新しい調査を作成してください。"), code="state")
                ]
            }
        )
    return _wave_change(actor, wave, status=WaveStatus.OPEN, opened_at=timezone.now())


@transaction.atomic
def wave_close(*, actor: Any, wave: Wave) -> Wave:
    """Stop submissions now. Closing is final: the links answer with a 'closed' page from then on."""
    require(actor, "wave.change", wave)
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if wave.status == WaveStatus.CLOSED:
        return wave
    return _wave_change(actor, wave, status=WaveStatus.CLOSED, closed_at=timezone.now())


@transaction.atomic
def wave_dates_update(*, actor: Any, wave: Wave, opens_on: dt.date, closes_on: dt.date) -> Wave:
    require(actor, "wave.change", wave)
    if closes_on < opens_on:
        raise ValidationError(
            {
                "closes_on": [
                    ValidationError(_("終了日は開始日と同じか、それより後の日付にしてください。"), code="date_order")
                ]
            }
        )
    if wave.status == WaveStatus.CLOSED:
        raise ValidationError({"__all__": [ValidationError(_("終了した調査の期間は変更できません。"), code="state")]})
    return _wave_change(actor, wave, opens_on=opens_on, closes_on=closes_on)


@transaction.atomic
def wave_link_headcount_set(*, actor: Any, link: WaveLink, expected_headcount: int | None) -> WaveLink:
    require(actor, "wave_link.change_headcount", link)
    if expected_headcount is not None and not 1 <= expected_headcount <= 1_000_000:
        raise ValidationError({"expected_headcount": [_("対象人数は1以上の整数で入力してください。")]})
    before = {"expected_headcount": link.expected_headcount}
    link.expected_headcount = expected_headcount
    link.save(update_fields=["expected_headcount"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=link,
        before=before,
        after={"expected_headcount": expected_headcount},
        member_code=link.wave.member_id,
    )
    return link


# --- answering -------------------------------------------------------------------------------------------------


class WaveNotAccepting(Exception):
    """The wave does not take answers (not yet open, or closed); `state` says which."""

    def __init__(self, state: str) -> None:
        super().__init__(state)
        self.state = state


class AnswersInvalid(Exception):
    def __init__(self, validated: Validated) -> None:
        super().__init__("answers invalid")
        self.validated = validated


@dataclass(frozen=True)
class SubmitResult:
    submission_id: uuid.UUID  # the id the response is stored under (stored_submission_id)
    created: bool  # False: this submission id was already stored (a double tap or a retry)


# Never change: a retry sent after a change would be stored a second time.
SUBMISSION_NAMESPACE = uuid.UUID("db823e9a-59e9-40c1-8e34-e4f7695abcef")


def stored_submission_id(*, link_id: int, submission_id: uuid.UUID) -> uuid.UUID:
    """The id a web response is stored under: a name-based UUID (version 5) of the answering link and the id the
    browser sent. So a retry (same link, same browser id) lands on the same key and is stored once, while the same
    browser id on another link — another wave of the municipality, another organisation — is another response
    (the key stays (member, submission id), as Citus needs). And it carries no time even if a client sent a
    time-ordered UUID (version 1, 6 or 7): ordering responses by it orders them by nothing."""
    return uuid.uuid5(SUBMISSION_NAMESPACE, f"{link_id}:{submission_id}")


def wave_state(wave: Wave, today: dt.date | None = None) -> str:
    """'open', 'not_yet' or 'closed' for answering purposes: the status and the dates both count."""
    today = today or timezone.localdate()
    if wave.status == WaveStatus.CLOSED or today > wave.closes_on:
        return "closed"
    if wave.status == WaveStatus.DRAFT or today < wave.opens_on:
        return "not_yet"
    return "open"


def response_submit(
    *,
    link: WaveLink,
    submission_id: uuid.UUID,
    answers: Mapping[str, Any],
    attributes: Mapping[str, Any],
    channel: str = Channel.WEB,
    today: dt.date | None = None,
) -> SubmitResult:
    """Store one anonymous response and its typed answer rows atomically, exactly once per link and submission id
    (stored under stored_submission_id), and only while the wave is open (checked again by the insert itself, so a
    wave closed a moment ago takes nothing more).

    Nothing about the respondent is taken from the request: no account, address, user agent or time of day.
    Atomic without @transaction.atomic: on PostgreSQL the response and its rows are one INSERT statement (see
    storage.py); a transaction would add two round trips to every submission.
    """
    wave = link.wave
    today = today or timezone.localdate()
    state = wave_state(wave, today)
    if state != "open":
        raise WaveNotAccepting(state)
    definition = definition_of(wave.version)
    validated = validate_submission(definition, answers, attributes)
    member_id = wave.member_id
    key = stored_submission_id(link_id=link.pk, submission_id=submission_id)
    if not validated.ok:
        # A retry of a submission that was stored is still a success, even if the form it came from is stale.
        if Response.objects.filter(member_id=member_id, submission_id=key).exists():
            return _counted(SubmitResult(key, created=False))
        raise AnswersInvalid(validated)
    rows = answer_rows(definition, validated.answers)
    try:
        stored = storage.response_store(
            member_id=member_id,
            submission_id=key,
            wave_id=wave.pk,
            organisation_id=link.organisation_id,
            channel=channel,
            submitted_on=today,
            attributes=validated.attributes,
            answers=validated.answers,
            rows=rows,
            only_if_open=True,
        )
    except IntegrityError:
        # The same submission id again (a double tap racing the first, or a retry after a lost answer).
        if Response.objects.filter(member_id=member_id, submission_id=key, wave_id=wave.pk).exists():
            return _counted(SubmitResult(key, created=False))
        raise
    if not stored:
        # The wave closed (or its dates changed) since the link was looked up: say how it stands now.
        state = wave_state(Wave.objects.get(pk=wave.pk), today)
        raise WaveNotAccepting(state if state != "open" else "closed")
    return _counted(SubmitResult(key, created=True))


def _counted(result: SubmitResult) -> SubmitResult:
    submission_counted(created=result.created)
    return result


# --- paper and Excel imports -----------------------------------------------------------------------------------


IMPORT_EXTENSIONS = {".xlsx": DATA_EXTENSIONS[".xlsx"], ".csv": DATA_EXTENSIONS[".csv"]}


def _import_refused(message: str) -> ResponsesImportRefused:
    return ResponsesImportRefused([ImportCellError(message)])


def responses_import(*, actor: Any, wave: Wave, uploaded_file: Any, channel: str = Channel.EXCEL) -> ResponseImport:
    """Import a filled import sheet (.xlsx or .csv) into a wave: every row as an anonymous response, or none.

    Open and closed waves take imports (paper forms often arrive after the closing date); a wave still being
    prepared does not. In a wave without a public link every row names one of the participating organisations
    (企業・団体), so that it counts for that organisation like an answer through its link.

    Each row becomes a response with a fresh random submission id, the import's channel and
    today's date; nothing links a response to the person who imported it. The file's SHA-256 is recorded, so the
    same file is refused the second time; a row whose 回答ID is a response already stored (an export re-imported)
    is refused too. Raises ResponsesImportRefused (imports.ImportRefused) listing the problems by cell.
    """
    require(actor, "wave.import_responses", wave)
    if channel not in {Channel.PAPER, Channel.EXCEL}:
        raise _import_refused(_("取込の種類は「紙（入力）」か「Excel 取込」を選んでください。"))
    if wave.status == WaveStatus.DRAFT:
        raise _import_refused(
            _("この調査はまだ準備中です。回答の受付を始めてから（または終了後に）取り込んでください。")
        )
    name = str(getattr(uploaded_file, "name", "") or "")
    size = int(getattr(uploaded_file, "size", 0) or 0)
    try:
        checked = check_upload(
            uploaded_file, name=name, size=size, max_bytes=imports.max_file_bytes(), allowed=IMPORT_EXTENSIONS
        )
    except UploadError as exc:
        raise _import_refused(str(exc)) from exc
    uploaded_file.seek(0)
    data = uploaded_file.read(checked.size + 1)
    digest = checked.sha256
    _import_not_yet_done(wave, digest)
    organisations = {
        link.organisation.name: link.organisation_id
        for link in wave.links.select_related("organisation")
        if link.organisation is not None and link.organisation_id is not None
    }
    prepared = imports.prepare_import(
        data,
        checked.name,  # single-line: control characters dropped (core.text), as every message shows it
        definition_of(wave.version),
        organisations,
        organisation_required=not wave.links.filter(organisation__isnull=True).exists(),
    )
    _import_ids_not_stored(wave, prepared)
    _import_large_enough_after_closing(wave, prepared)
    today = timezone.localdate()
    try:
        with transaction.atomic():
            current = Wave.objects.select_for_update().get(pk=wave.pk)
            if current.status == WaveStatus.DRAFT:  # pragma: no cover - a wave never goes back to draft
                raise _import_refused(_("この調査はまだ準備中です。"))
            _import_not_yet_done(current, digest)
            storage.responses_store_many(
                member_id=wave.member_id,
                wave_id=wave.pk,
                channel=channel,
                submitted_on=today,
                responses=[
                    storage.NewResponse(
                        submission_id=uuid.uuid4(),
                        organisation_id=row.organisation_id,
                        attributes=row.attributes,
                        answers=row.answers,
                        rows=row.rows,
                    )
                    for row in prepared.rows
                ],
            )
            record = ResponseImport.objects.create(
                member_id=wave.member_id,
                wave=wave,
                channel=channel,
                file_name=prepared.file_name or _("（名前なし）"),
                file_sha256=digest,
                file_format=prepared.file_format,
                encoding=prepared.encoding,
                rows=len(prepared.rows),
                created_by=actor,
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                instance=record,
                before=None,
                after=snapshot(record),
                member_code=wave.member_id,
            )
    except IntegrityError as exc:  # the same file, imported at this very moment by someone else
        if ResponseImport.objects.filter(wave=wave, file_sha256=digest).exists():
            _import_not_yet_done(wave, digest)
        raise exc
    return record


def _import_not_yet_done(wave: Wave, digest: str) -> None:
    earlier = ResponseImport.objects.filter(wave=wave, file_sha256=digest).first()
    if earlier is not None:
        raise _import_refused(
            _(
                "このファイルは%(date)sに「%(name)s」として取り込み済みです（%(rows)s件）。"
                "同じ回答を2回数えないよう、同じファイルは取り込めません。"
            )
            % {
                "date": timezone.localtime(earlier.created_at).strftime("%Y-%m-%d %H:%M"),
                "name": earlier.file_name,
                "rows": f"{earlier.rows:,}",
            }
        )


def _import_large_enough_after_closing(wave: Wave, prepared: imports.PreparedImport) -> None:
    """After a wave closes, its results are open to the organisations and the network's staff; a few responses
    added later would change them by exactly those few people's answers. So an import into a closed wave brings at
    least the results' threshold of responses for each organisation (and for the public link) it adds to."""
    if wave.status != WaveStatus.CLOSED:
        return
    minimum = min_group_size()
    per_organisation: dict[int | None, int] = {}
    for row in prepared.rows:
        per_organisation[row.organisation_id] = per_organisation.get(row.organisation_id, 0) + 1
    names = dict(wave.links.filter(organisation__isnull=False).values_list("organisation_id", "organisation__name"))
    short = sorted(
        (names.get(org, "") if org is not None else str(_("共通リンク")), n)
        for org, n in per_organisation.items()
        if n < minimum
    )
    if short:
        raise _import_refused(
            _(
                "回答の受付を終了した調査に取り込めるのは、企業・団体ごとに%(minimum)d件以上まとめた回答です"
                "（%(groups)s）。締め切り後に少しずつ回答が増えると、集計の前後の差から、その人の回答がわかって"
                "しまうためです。ほかの回答とまとめて取り込んでください。"
            )
            % {
                "minimum": minimum,
                "groups": "、".join(_("%(name)s %(n)d件") % {"name": name, "n": n} for name, n in short),
            }
        )


def _import_ids_not_stored(wave: Wave, prepared: imports.PreparedImport) -> None:
    """A 回答ID that is already a stored response (an export imported back) or repeats within the file: refused."""
    by_id: dict[str, list[int]] = {}
    for row in prepared.rows:
        if row.response_id:
            by_id.setdefault(row.response_id, []).append(row.row)
    if not by_id:
        return
    ids = list(by_id)
    stored: set[str] = set()
    for start in range(0, len(ids), 500):
        stored.update(
            str(s)
            for s in Response.objects.filter(
                member_id=wave.member_id, wave=wave, submission_id__in=ids[start : start + 500]
            ).values_list("submission_id", flat=True)
        )
    errors: list[ImportCellError] = []
    id_column = imports.ID_HEADER
    for response_id, rows in by_id.items():
        for position, excel_row in enumerate(rows):
            if response_id in stored:
                message = _(
                    "回答ID %(id)s の回答はこの調査にすでに保存されています。書き出したファイルをそのまま取り込むと"
                    "同じ回答を2回数えることになるため、取り込めません。"
                ) % {"id": response_id}
            elif position:
                message = _("回答ID %(id)s が%(row)d行目と重複しています。") % {"id": response_id, "row": rows[0]}
            else:
                continue
            errors.append(ImportCellError(message, prepared.sheet, excel_row, "", id_column))
    if errors:
        errors.sort(key=lambda e: e.row or 0)
        raise ResponsesImportRefused(errors)


def import_sheet(definition: Definition) -> tuple[list[str], list[tuple[str, Sequence[str], list[list[Any]]]]]:
    """The blank import sheet: the export's header with no rows, and the codebook and 記入方法 sheets."""
    codebook_header, codebook_rows = exports.codebook(definition)
    return imports.sheet_header(definition), [
        (imports.CODEBOOK_SHEET, codebook_header, codebook_rows),
        (imports.GUIDE_SHEET, ["記入方法"], imports.guide_rows(definition)),
    ]
