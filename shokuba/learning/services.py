"""Every change to the case library: `<thing>_<verb>(*, actor, ...)`, atomic, permission-checked, validated (every
problem at once, naming the field) and audited. Every save re-indexes the case for the search (same transaction).

Workflow: draft → submitted (a `CaseVersion` keeps the submitted text) → approved, or returned with a reason →
edited and submitted again. An approved case is changed by `case_revise`, which takes it back to a draft (off the
network's pages until approved again); its versions stay.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shokuba.core.audit import audit_record, audit_saved, snapshot
from shokuba.core.models import AuditAction
from shokuba.core.permissions import require
from shokuba.core.validation import texts_check
from shokuba.guidebook.models import EvidenceFile, Step
from shokuba.learning import notices
from shokuba.learning.models import (
    Case,
    CaseComment,
    CaseEvidence,
    CaseHelpful,
    CaseState,
    CaseVersion,
    EvidenceKind,
    Theme,
    Visibility,
)
from shokuba.learning.permissions import case_audience
from shokuba.network.models import Industry, Member, Role, User
from shokuba.plans.models import Kpi
from shokuba.search.services import Indexable, search_document_audience_set, search_document_save
from shokuba.surveys.models import Wave, WaveStatus

TEXT_MAX = 4000


@dataclass
class CaseInput:
    title: str = ""
    steps: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    context_size: str = ""
    context_industries: list[str] = field(default_factory=list)
    tried: str = ""
    happened: str = ""
    failures: str = ""
    failure_causes: str = ""
    lessons: str = ""
    people: str = ""
    cost: str = ""
    period: str = ""
    visibility: str = Visibility.NETWORK


def labels() -> dict[str, str]:
    return {
        "title": _("事例の名前"),
        "steps": _("ガイドブックの手順"),
        "themes": _("テーマ"),
        "context_size": _("地域と参加事業所の規模"),
        "context_industries": _("主な業種"),
        "tried": _("取り組んだこと"),
        "happened": _("起きたこと・結果"),
        "failures": _("うまくいかなかったこと"),
        "failure_causes": _("うまくいかなかった理由"),
        "lessons": _("教訓・次にやるなら"),
        "people": _("体制・人数"),
        "cost": _("費用"),
        "period": _("時期"),
        "visibility": _("公開範囲"),
        "reason": _("差し戻しの理由"),
        "body": _("コメント"),
        "url": _("URL"),
        "label": _("説明"),
        "kpi": _("KPI"),
        "wave": _("調査回"),
    }


# Texts and their limits: (field, multi-line, maximum length).
TEXTS = (
    ("title", False, 120),
    ("context_size", False, 200),
    ("tried", True, TEXT_MAX),
    ("happened", True, TEXT_MAX),
    ("failures", True, TEXT_MAX),
    ("failure_causes", True, TEXT_MAX),
    ("lessons", True, TEXT_MAX),
    ("people", False, 200),
    ("cost", False, 200),
    ("period", False, 100),
)
# What a submitted case must have: what failed and why are as required as what was tried.
REQUIRED_TO_SUBMIT = ("tried", "happened", "failures", "failure_causes", "lessons")


def _add(errors: dict[str, list[Any]], name: str, message: str, code: str = "invalid") -> None:
    errors.setdefault(name, []).append(ValidationError(message, code=code))


def _check(data: CaseInput) -> tuple[dict[str, list[Any]], list[Step]]:
    names = labels()
    errors = texts_check({name: (names[name], getattr(data, name), multi) for name, multi, _m in TEXTS})
    for name, _multi, maximum in TEXTS:
        value = getattr(data, name)
        if not isinstance(value, str):
            _add(errors, name, _("%(label)sは文字で入力してください。") % {"label": names[name]})
        elif len(value) > maximum:
            _add(
                errors,
                name,
                _("%(label)sは%(max)d文字以内で入力してください。") % {"label": names[name], "max": maximum},
            )
    if not str(data.title).strip():
        _add(errors, "title", _("事例の名前を入力してください。"))
    steps = list(Step.objects.filter(code__in=data.steps).order_by("chapter__position", "position"))
    unknown = sorted(set(data.steps) - {s.code for s in steps})
    if unknown:
        _add(errors, "steps", _("ガイドブックにない手順です: %(codes)s") % {"codes": "、".join(unknown)}, "reference")
    bad_themes = sorted(set(data.themes) - set(Theme.values))
    if bad_themes:
        _add(errors, "themes", _("テーマの選択肢にない値です: %(codes)s") % {"codes": "、".join(bad_themes)})
    bad_industries = sorted(set(data.context_industries) - set(Industry.values))
    if bad_industries:
        _add(
            errors,
            "context_industries",
            _("業種の選択肢にない値です: %(codes)s") % {"codes": "、".join(bad_industries)},
        )
    if data.visibility not in Visibility.values:
        _add(errors, "visibility", _("公開範囲は選択肢から選んでください。"))
    return errors, steps


def case_document(case: Case) -> Indexable:
    """What the search reads of a case: every text field, the member's name, steps and themes."""
    parts = [
        case.context_size,
        case.tried,
        case.happened,
        case.failures,
        case.failure_causes,
        case.lessons,
        case.people,
        case.cost,
        case.member.local_government.full_name,
    ]
    return Indexable(
        kind="case",
        object_id=case.pk,
        member=case.member,
        audience=case_audience(case),
        title=case.title,
        body="\n".join(p for p in parts if p),
        steps=[s.code for s in case.steps.all()],
        themes=case.themes,
    )


def case_content(case: Case) -> dict[str, Any]:
    """A case's text as a version keeps it."""
    content = {name: getattr(case, name) for name, _m, _x in TEXTS}
    content.update(
        steps=[s.code for s in case.steps.order_by("chapter__position", "position")],
        themes=list(case.themes),
        context_industries=list(case.context_industries),
        visibility=case.visibility,
    )
    return content


def _reindex(case: Case) -> None:
    search_document_save(case_document(case))


def _audience_update(case: Case) -> None:
    """A state change changes who may find the case, not its text."""
    search_document_audience_set(kind="case", object_id=case.pk, audience=case_audience(case))


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("member__local_government").get(pk=case.pk)


def _state_error(message: str) -> ValidationError:
    return ValidationError({"state": [ValidationError(message, code="state")]})


@transaction.atomic
def case_save(*, actor: Any, member: Member, data: CaseInput, case: Case | None = None, demo: bool = False) -> Case:
    """Create a draft case of the member, or change a draft or returned one."""
    require(actor, "case.add", member)
    if case is not None:
        require(actor, "case.change", case)
        case = _locked(case)
        if case.member_id != member.pk:
            raise _state_error(_("この事例は別の参加自治体のものです。"))
        if not case.editable:
            raise _state_error(
                _("確認待ち・公開中の事例は編集できません。公開中の事例は「改訂する」で下書きに戻してください。")
            )
    errors, steps = _check(data)
    if errors:
        raise ValidationError(errors)
    before = snapshot(case) if case else None
    case = case or Case(member=member, created_by=actor if getattr(actor, "pk", None) else None, demo=demo)
    for name, _m, _x in TEXTS:
        setattr(case, name, getattr(data, name).strip() if name == "title" else getattr(data, name))
    case.themes = [t for t in Theme.values if t in data.themes]
    case.context_industries = [i for i in Industry.values if i in data.context_industries]
    case.visibility = data.visibility
    case.save()
    case.steps.set(steps)
    after = snapshot(case) | {"steps": [s.code for s in steps]}
    if before is None:
        audit_record(
            actor=actor, action=AuditAction.CREATE, instance=case, before=None, after=after, member_code=member.pk
        )
    else:
        audit_saved(
            actor=actor, instance=case, before=before, member_code=member.pk, bookkeeping=frozenset({"updated_at"})
        )
    _reindex(case)
    return case


@transaction.atomic
def case_submit(*, actor: Any, case: Case) -> CaseVersion:
    """Send a draft (or a returned case) to the secretariat: every part of the story must be there."""
    require(actor, "case.change", case)
    case = _locked(case)
    if not case.editable:
        raise _state_error(_("この事例はすでに提出されています。"))
    names = labels()
    errors: dict[str, list[Any]] = {}
    for name in REQUIRED_TO_SUBMIT:
        if not getattr(case, name).strip():
            _add(errors, name, _("提出する前に「%(label)s」を書いてください。") % {"label": names[name]}, "state")
    if not case.steps.exists():
        _add(errors, "steps", _("提出する前にガイドブックの手順を1つ以上選んでください。"), "state")
    if errors:
        raise ValidationError(errors)
    before = snapshot(case)
    number = (case.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = CaseVersion.objects.create(
        case=case, number=number, content=case_content(case), created_by=_account(actor)
    )
    case.state, case.submitted_at, case.return_reason = CaseState.SUBMITTED, timezone.now(), ""
    case.save()
    _audience_update(case)
    audit_saved(
        actor=actor, instance=case, before=before, member_code=case.member_id, bookkeeping=frozenset({"updated_at"})
    )
    notices.case_submitted_notify(case)
    return version


def _account(actor: Any) -> User | None:
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def case_approve(*, actor: Any, case: Case) -> Case:
    require(actor, "case.review", case)
    case = _locked(case)
    if case.state != CaseState.SUBMITTED:
        raise _state_error(_("確認待ちの事例だけを承認できます。"))
    before = snapshot(case)
    case.state, case.reviewed_at, case.reviewed_by = CaseState.APPROVED, timezone.now(), _account(actor)
    case.save()
    _audience_update(case)
    audit_saved(
        actor=actor, instance=case, before=before, member_code=case.member_id, bookkeeping=frozenset({"updated_at"})
    )
    notices.case_reviewed_notify(case, approved=True)
    return case


@transaction.atomic
def case_return(*, actor: Any, case: Case, reason: str) -> Case:
    require(actor, "case.review", case)
    case = _locked(case)
    if case.state != CaseState.SUBMITTED:
        raise _state_error(_("確認待ちの事例だけを差し戻せます。"))
    errors = texts_check({"reason": (labels()["reason"], reason, True)})
    if not isinstance(reason, str) or not reason.strip():
        _add(errors, "reason", _("差し戻しの理由を書いてください。"))
    elif len(reason) > 2000:
        _add(errors, "reason", _("差し戻しの理由は2000文字以内で入力してください。"))
    if errors:
        raise ValidationError(errors)
    before = snapshot(case)
    case.state, case.return_reason = CaseState.RETURNED, reason.strip()
    case.reviewed_at, case.reviewed_by = timezone.now(), _account(actor)
    case.save()
    _audience_update(case)
    audit_saved(
        actor=actor, instance=case, before=before, member_code=case.member_id, bookkeeping=frozenset({"updated_at"})
    )
    notices.case_reviewed_notify(case, approved=False)
    return case


@transaction.atomic
def case_revise(*, actor: Any, case: Case) -> Case:
    """Take an approved case back to a draft to change it (it leaves the network's pages until approved again)."""
    require(actor, "case.change", case)
    case = _locked(case)
    if case.state != CaseState.APPROVED:
        raise _state_error(_("公開中の事例だけを改訂できます。"))
    before = snapshot(case)
    case.state = CaseState.DRAFT
    case.save()
    _audience_update(case)
    audit_saved(
        actor=actor, instance=case, before=before, member_code=case.member_id, bookkeeping=frozenset({"updated_at"})
    )
    return case


def comment_recipients(case: Case, commenter: Any) -> list[User]:
    """Who hears of a new comment: the case's author and its member's active coordinators, not the commenter."""
    people = {u.pk: u for u in User.objects.filter(member_id=case.member_id, role=Role.COORDINATOR, is_active=True)}
    if case.created_by_id and case.created_by and case.created_by.is_active:
        people[case.created_by_id] = case.created_by
    people.pop(getattr(commenter, "pk", 0) or 0, None)
    return [people[pk] for pk in sorted(people)]


@transaction.atomic
def case_comment_add(*, actor: Any, case: Case, body: str) -> CaseComment:
    """Comment on an approved case; the author and the member's coordinators are told (learning.notices)."""
    require(actor, "case.discuss", case)
    errors = texts_check({"body": (labels()["body"], body, True)})
    if not isinstance(body, str) or not body.strip():
        _add(errors, "body", _("コメントを入力してください。"))
    elif len(body) > 2000:
        _add(errors, "body", _("コメントは2000文字以内で入力してください。"))
    if errors:
        raise ValidationError(errors)
    comment = CaseComment.objects.create(case=case, author=_account(actor), body=body.strip())
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=comment,
        before=None,
        after=snapshot(comment),
        member_code=case.member_id,
    )
    notices.case_commented_notify(case, comment, comment_recipients(case, actor), commenter=comment.author or actor)
    return comment


@transaction.atomic
def case_helpful_set(*, actor: Any, case: Case, helpful: bool) -> bool:
    """Mark (or unmark) a case 「参考になった」. Returns whether anything changed."""
    require(actor, "case.mark_helpful", case)
    found = CaseHelpful.objects.filter(case=case, user=actor).first()
    if helpful and found is None:
        mark = CaseHelpful.objects.create(case=case, user=actor)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=mark,
            before=None,
            after=snapshot(mark),
            member_code=case.member_id,
        )
        return True
    if not helpful and found is not None:
        before = snapshot(found)
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            instance=found,
            before=before,
            after=None,
            member_code=case.member_id,
        )
        found.delete()
        return True
    return False


@transaction.atomic
def case_evidence_add(
    *,
    actor: Any,
    case: Case,
    kind: str,
    kpi_id: int | None = None,
    wave_id: int | None = None,
    url: str = "",
    file_id: int | None = None,
    label: str = "",
) -> CaseEvidence:
    """Link evidence: one of the member's own plan KPIs (not marked internal), one of its closed survey waves (its
    results page, never figures), a published page (http/https), or one of the member's evidence files kept on its
    guidebook steps (readers of the case may then download it)."""
    require(actor, "case.change", case)
    names = labels()
    errors = texts_check({"label": (names["label"], label, False), "url": (names["url"], url, False)})
    if len(label) > 200:
        _add(errors, "label", _("説明は200文字以内で入力してください。"))
    evidence = CaseEvidence(case=case, kind=kind, label=label.strip())
    if kind == EvidenceKind.KPI:
        kpi = Kpi.objects.filter(pk=kpi_id or 0, plan__member_id=case.member_id, internal=False).first()
        if kpi is None:
            _add(errors, "kpi", _("この自治体のアクションプランのKPI（内部用でないもの）を選んでください。"))
        evidence.kpi = kpi
    elif kind == EvidenceKind.RESULTS:
        wave = Wave.objects.filter(pk=wave_id or 0, member_id=case.member_id, status=WaveStatus.CLOSED).first()
        if wave is None:
            _add(errors, "wave", _("この自治体の終了した調査回を選んでください。"))
        evidence.wave = wave
    elif kind == EvidenceKind.LINK:
        if not (url.startswith("https://") or url.startswith("http://")) or len(url) > 500 or " " in url:
            _add(errors, "url", _("URLは http:// か https:// で始まる500文字以内のアドレスで入力してください。"))
        evidence.url = url
        if not label.strip():
            _add(errors, "label", _("公表資料の説明を入力してください。"))
    elif kind == EvidenceKind.FILE:
        found = EvidenceFile.objects.filter(pk=file_id or 0, progress__member_id=case.member_id).first()
        if found is None:
            _add(errors, "file", _("この自治体がガイドブックの手順に登録した資料ファイルを選んでください。"))
        evidence.file = found
    else:
        _add(errors, "kind", _("根拠の種類は選択肢から選んでください。"))
    if errors:
        raise ValidationError(errors)
    evidence.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=evidence,
        before=None,
        after=snapshot(evidence),
        member_code=case.member_id,
    )
    return evidence


@transaction.atomic
def case_evidence_remove(*, actor: Any, evidence: CaseEvidence) -> None:
    require(actor, "case.change", evidence.case)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=evidence,
        before=snapshot(evidence),
        after=None,
        member_code=evidence.case.member_id,
    )
    evidence.delete()


def case_input(case: Case) -> CaseInput:
    """A case's current fields as the input its form starts from."""
    return CaseInput(**{k: v for k, v in case_content(case).items() if k in asdict(CaseInput())})
