"""Every change to a plan: `<thing>_<verb>(*, actor, ...)`, atomic, permission-checked (`plans.change`), validated
(every problem at once, naming the field) and audited.

A plan is edited while it is a draft. Approval by the council freezes it: a `PlanVersion` keeps the plan as
approved (JSON) and what changed since the previous version; the vision, goals, KPIs and initiatives then refuse
changes until `plan_revise` opens a new draft. Tracking goes on while approved: initiative status, yearly reviews
and manual KPI values with their evidence.
"""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shokuba.core.audit import audit_record, audit_saved, snapshot
from shokuba.core.models import AuditAction
from shokuba.core.permissions import require
from shokuba.core.validation import texts_check
from shokuba.guidebook.models import Step
from shokuba.guidebook.services import evidence_add
from shokuba.network.models import Member
from shokuba.plans.models import (
    Initiative,
    InitiativeStatus,
    Kpi,
    KpiManualValue,
    KpiSnapshot,
    KpiSource,
    Plan,
    PlanReview,
    PlanState,
    PlanVersion,
)
from shokuba.plans.readings import MIGRATION_INDICATORS, Reading
from shokuba.workplace.picture import PICTURE_INDICATORS

YEAR_MIN, YEAR_MAX = 2000, 2100
INITIATIVE_STEPS = tuple(f"4-{n}" for n in range(1, 9))
EVIDENCE_STEP = "5-a"


def _year_problem(value: Any) -> str | None:
    if not isinstance(value, int) or isinstance(value, bool) or not YEAR_MIN <= value <= YEAR_MAX:
        return _("年度は%(min)d〜%(max)dの数字で入力してください。") % {"min": YEAR_MIN, "max": YEAR_MAX}
    return None


def _add(errors: dict[str, list[Any]], field: str, message: str, code: str = "invalid") -> None:
    """One problem of a field. `code` is its type in the API: a rule no schema can state has one of
    api.errors.RULE_TYPES (kpi, date_order, state)."""
    errors.setdefault(field, []).append(ValidationError(message, code=code))


def _require_draft(plan: Plan) -> None:
    if not plan.is_draft:
        raise ValidationError(
            {
                "plan": [
                    ValidationError(
                        _("計画は承認済みで確定しています。変更するには「改定を始める」で新しい案を作ってください。"),
                        code="state",
                    )
                ]
            }
        )


# --- the plan ---------------------------------------------------------------------------------------------------


@transaction.atomic
def plan_save(
    *, actor: Any, member: Member, title: str, vision: str, goals: str, start_year: int, end_year: int
) -> Plan:
    """Create the member's plan or change its draft."""
    require(actor, "plans.change", member)
    errors = texts_check(
        {
            "title": (_("計画の名称"), title, False),
            "vision": (_("目指す姿"), vision, True),
            "goals": (_("目標"), goals, True),
        }
    )
    if not title.strip():
        _add(errors, "title", _("計画の名称を入力してください。"))
    if len(title) > 120:
        _add(errors, "title", _("計画の名称は120文字以内で入力してください。"))
    if not vision.strip():
        _add(errors, "vision", _("目指す姿を入力してください。"))
    for name, value in (("start_year", start_year), ("end_year", end_year)):
        problem = _year_problem(value)
        if problem:
            _add(errors, name, problem)
    if "start_year" not in errors and "end_year" not in errors and end_year < start_year:
        _add(errors, "end_year", _("終了年度は開始年度と同じか、それより後にしてください。"), "date_order")
    plan = Plan.objects.select_for_update().filter(member=member).first()
    if plan is not None and not plan.is_draft:
        _require_draft(plan)
    if errors:
        raise ValidationError(errors)
    before = snapshot(plan) if plan else None
    plan = plan or Plan(member=member)
    plan.title, plan.vision, plan.goals = title.strip(), vision, goals
    plan.start_year, plan.end_year = start_year, end_year
    plan.save()
    audit_saved(actor=actor, instance=plan, before=before, member_code=member.pk, bookkeeping=frozenset({"updated_at"}))
    return plan


def plan_content(plan: Plan) -> dict[str, Any]:
    """The plan as approved: what a version freezes (and compares with the previous one)."""
    return {
        "title": plan.title,
        "vision": plan.vision,
        "goals": plan.goals,
        "years": [plan.start_year, plan.end_year],
        "kpis": [
            {
                "name": k.name,
                "source": k.source,
                "item_code": k.item_code,
                "group": k.group,
                "indicator": k.indicator,
                "sex": k.sex,
                "window_years": k.window_years,
                "baseline_year": k.baseline_year,
                "baseline_value": k.baseline_value,
                "target_value": k.target_value,
                "target_year": k.target_year,
                "internal": k.internal,
            }
            for k in plan.kpis.order_by("position", "pk")
        ],
        "initiatives": [
            {
                "title": i.title,
                "step": i.step.code,
                "owner": i.owner,
                "starts_on": i.starts_on.isoformat(),
                "ends_on": i.ends_on.isoformat(),
                "internal": i.internal,
            }
            for i in plan.initiatives.select_related("step").order_by("step__position", "starts_on", "pk")
        ],
    }


def content_changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """What changed between two approved versions, in plain Japanese."""
    if before is None:
        return [_("最初の版です。")]
    changes = []
    labels = {"title": _("計画の名称"), "vision": _("目指す姿"), "goals": _("目標"), "years": _("計画期間")}
    for key, label in labels.items():
        if before.get(key) != after.get(key):
            changes.append(_("%(label)sを変更しました。") % {"label": label})
    for kind, label, fields in (
        ("kpis", _("KPI"), ("target_value", "target_year", "baseline_value", "baseline_year", "source", "item_code")),
        ("initiatives", _("取組"), ("step", "owner", "starts_on", "ends_on")),
    ):
        old = {e.get("name", e.get("title")): e for e in before.get(kind, [])}
        new = {e.get("name", e.get("title")): e for e in after.get(kind, [])}
        for name in new.keys() - old.keys():
            changes.append(_("%(kind)s「%(name)s」を追加しました。") % {"kind": label, "name": name})
        for name in old.keys() - new.keys():
            changes.append(_("%(kind)s「%(name)s」を削除しました。") % {"kind": label, "name": name})
        for name in sorted(new.keys() & old.keys()):
            for f in fields:
                if old[name].get(f) != new[name].get(f):
                    changes.append(
                        _("%(kind)s「%(name)s」の%(field)s: %(old)s → %(new)s")
                        % {"kind": label, "name": name, "field": f, "old": old[name].get(f), "new": new[name].get(f)}
                    )
    return sorted(changes) or [_("内容に変更はありません。")]


@transaction.atomic
def plan_approve(*, actor: Any, plan: Plan, approved_on: dt.date, body: str, note: str = "") -> PlanVersion:
    """Record the council's approval: freeze the draft as the next version with what changed."""
    require(actor, "plans.change", plan.member)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    _require_draft(plan)
    errors = texts_check({"body": (_("承認した会議"), body, False), "note": (_("変更の説明"), note, True)})
    if not body.strip():
        _add(errors, "body", _("承認した会議の名前を入力してください。"))
    if approved_on > timezone.localdate():
        _add(errors, "approved_on", _("承認日に未来の日付は入力できません。"), "date_order")
    if not plan.kpis.exists():
        _add(errors, "plan", _("KPIが1つもない計画は承認できません。"), "state")
    if errors:
        raise ValidationError(errors)
    previous = plan.versions.order_by("-number").first()
    content = plan_content(plan)
    version = PlanVersion.objects.create(
        plan=plan,
        number=(previous.number + 1) if previous else 1,
        approved_on=approved_on,
        approved_by_body=body.strip(),
        note=note,
        changes=content_changes(previous.snapshot if previous else None, content),
        snapshot=content,
        recorded_by=actor,
    )
    before = snapshot(plan)
    plan.state = PlanState.APPROVED
    plan.save(update_fields=["state", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=version,
        before=None,
        after=snapshot(version),
        member_code=plan.member_id,
    )
    audit_saved(
        actor=actor, instance=plan, before=before, member_code=plan.member_id, bookkeeping=frozenset({"updated_at"})
    )
    return version


@transaction.atomic
def plan_revise(*, actor: Any, plan: Plan) -> Plan:
    """Open a new draft of an approved plan (the approved versions stay as they were)."""
    require(actor, "plans.change", plan.member)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_draft:
        return plan
    before = snapshot(plan)
    plan.state = PlanState.DRAFT
    plan.save(update_fields=["state", "updated_at"])
    audit_saved(
        actor=actor, instance=plan, before=before, member_code=plan.member_id, bookkeeping=frozenset({"updated_at"})
    )
    return plan


# --- KPIs -------------------------------------------------------------------------------------------------------

KPI_FIELDS = (
    "name",
    "source",
    "item_code",
    "group",
    "indicator",
    "sex",
    "window_years",
    "unit",
    "baseline_year",
    "baseline_value",
    "target_value",
    "target_year",
    "internal",
    "notes",
)


def _kpi_errors(values: dict[str, Any]) -> dict[str, list[Any]]:
    errors = texts_check(
        {
            "name": (_("KPIの名前"), values.get("name"), False),
            "notes": (_("メモ"), values.get("notes"), True),
            "unit": (_("単位"), values.get("unit"), False),
        }
    )
    if not str(values.get("name") or "").strip():
        _add(errors, "name", _("KPIの名前を入力してください。"))
    source = values.get("source")
    if source not in KpiSource.values:
        _add(errors, "source", _("値の出どころを一覧から選んでください。"))
    if source in (KpiSource.SURVEY_TOP, KpiSource.SURVEY_MEAN) and not str(values.get("item_code") or "").strip():
        _add(errors, "item_code", _("調査項目コード（例: WS-Z01）を入力してください。"), "kpi")
    if values.get("group", "") not in ("", "F", "M"):
        _add(errors, "group", _("対象の回答者は全体・女性・男性から選んでください。"))
    if source == KpiSource.WORKPLACE and values.get("indicator") not in PICTURE_INDICATORS:
        _add(errors, "indicator", _("職場の指標を一覧から選んでください。"), "kpi")
    if source == KpiSource.MIGRATION:
        if values.get("indicator") not in MIGRATION_INDICATORS:
            _add(errors, "indicator", _("人口移動の指標は若者回復率か転入超過率を選んでください。"), "kpi")
        if values.get("sex") not in ("T", "M", "F"):
            _add(errors, "sex", _("性別は総数・男性・女性から選んでください。"), "kpi")
    window = values.get("window_years", 1)
    if not isinstance(window, int) or not 1 <= window <= 5:
        _add(errors, "window_years", _("平均する年数は1〜5年にしてください。"))
    for name in ("baseline_year", "target_year"):
        problem = _year_problem(values.get(name))
        if problem:
            _add(errors, name, problem)
    if "baseline_year" not in errors and "target_year" not in errors:
        if values["target_year"] < values["baseline_year"]:
            _add(errors, "target_year", _("目標年度は基準年度と同じか、それより後にしてください。"), "date_order")
    target = values.get("target_value")
    if not isinstance(target, int | float) or isinstance(target, bool) or target != target or abs(target) > 1e9:
        _add(errors, "target_value", _("目標値を数字で入力してください。"))
    baseline = values.get("baseline_value")
    if baseline is not None and (not isinstance(baseline, int | float) or baseline != baseline or abs(baseline) > 1e9):
        _add(errors, "baseline_value", _("基準値は数字で入力してください（空欄なら出どころから読み取ります）。"))
    if source == KpiSource.MANUAL and baseline is None:
        _add(errors, "baseline_value", _("手入力のKPIには基準値を入力してください。"), "kpi")
    if baseline is not None and target == baseline and "target_value" not in errors:
        _add(errors, "target_value", _("目標値は基準値と違う値にしてください。"), "kpi")
    return errors


def _kpi_clean(values: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {k: values.get(k) for k in KPI_FIELDS}
    cleaned["name"] = str(cleaned["name"] or "").strip()
    for key in ("item_code", "group", "indicator", "sex", "unit", "notes"):
        cleaned[key] = str(cleaned[key] or "").strip() if key != "notes" else str(cleaned[key] or "")
    cleaned["item_code"] = str(cleaned["item_code"]).upper()
    cleaned["window_years"] = cleaned["window_years"] or 1
    cleaned["internal"] = bool(cleaned["internal"])
    source = cleaned["source"]
    if source not in (KpiSource.SURVEY_TOP, KpiSource.SURVEY_MEAN):
        cleaned["item_code"], cleaned["group"] = "", ""
    if source not in (KpiSource.WORKPLACE, KpiSource.MIGRATION):
        cleaned["indicator"] = ""
    if source != KpiSource.MIGRATION:
        cleaned["sex"], cleaned["window_years"] = "", 1
    return cleaned


@transaction.atomic
def kpi_save(*, actor: Any, plan: Plan, kpi: Kpi | None = None, **values: Any) -> Kpi:
    """Add a KPI to a draft plan, or change one."""
    require(actor, "plans.change", plan.member)
    unknown = set(values) - set(KPI_FIELDS)
    if unknown:
        raise TypeError(f"unknown KPI fields: {sorted(unknown)}")
    if kpi is not None and kpi.plan_id != plan.pk:
        raise ValueError("the KPI belongs to another plan")
    _require_draft(plan)
    values.setdefault("window_years", 1)
    values.setdefault("group", "")
    errors = _kpi_errors(values)
    if errors:
        raise ValidationError(errors)
    cleaned = _kpi_clean(values)
    before = snapshot(kpi) if kpi else None
    if kpi is None:
        last = plan.kpis.order_by("-position").values_list("position", flat=True).first()
        kpi = Kpi(plan=plan, position=(last or 0) + 1)
    for key, value in cleaned.items():
        setattr(kpi, key, value)
    kpi.save()
    audit_saved(actor=actor, instance=kpi, before=before, member_code=plan.member_id)
    return kpi


@transaction.atomic
def kpi_delete(*, actor: Any, kpi: Kpi) -> None:
    require(actor, "plans.change", kpi.plan.member)
    _require_draft(kpi.plan)
    if kpi.manual_values.exists():
        raise ValidationError({"kpi": [ValidationError(_("手入力の値があるKPIは削除できません。"), code="protected")]})
    before = snapshot(kpi)
    audit_record(
        actor=actor, action=AuditAction.DELETE, instance=kpi, before=before, after=None, member_code=kpi.plan.member_id
    )
    kpi.delete()


@transaction.atomic
def kpi_manual_value_add(
    *, actor: Any, kpi: Kpi, fiscal_year: int, value: float, note: str, stream: IO[bytes], name: str, size: int
) -> KpiManualValue:
    """A manual KPI's value for a fiscal year with its evidence file (checked by core.uploads and stored as the
    member's evidence of guidebook step 5-a 定期的な効果検証). Both or neither are saved."""
    member = kpi.plan.member
    require(actor, "plans.change", member)
    errors = texts_check({"note": (_("メモ"), note, False)})
    if kpi.source != KpiSource.MANUAL:
        _add(errors, "kpi", _("このKPIは出どころから自動で読み取るため、値を入力できません。"), "kpi")
    problem = _year_problem(fiscal_year)
    if problem:
        _add(errors, "fiscal_year", problem)
    elif KpiManualValue.objects.filter(kpi=kpi, fiscal_year=fiscal_year).exists():
        _add(
            errors, "fiscal_year", _("%(year)d年度の値はすでに入力されています。") % {"year": fiscal_year}, "duplicate"
        )
    if not isinstance(value, int | float) or isinstance(value, bool) or value != value or abs(value) > 1e9:
        _add(errors, "value", _("値を数字で入力してください。"))
    if size <= 0 or not name:
        _add(errors, "file", _("根拠資料のファイルを選んでください。"))
    if errors:
        raise ValidationError(errors)
    evidence = evidence_add(
        actor=actor, member=member, step=Step.objects.get(code=EVIDENCE_STEP), stream=stream, name=name, size=size
    )
    manual = KpiManualValue.objects.create(
        kpi=kpi, fiscal_year=fiscal_year, value=float(value), evidence=evidence, note=note.strip(), entered_by=actor
    )
    audit_saved(actor=actor, instance=manual, before=None, member_code=member.pk)
    return manual


# --- initiatives and reviews --------------------------------------------------------------------------------------


def _initiative_errors(values: dict[str, Any]) -> dict[str, list[Any]]:
    errors = texts_check(
        {
            "title": (_("取組の名前"), values.get("title"), False),
            "owner": (_("担当"), values.get("owner"), False),
            "notes": (_("メモ"), values.get("notes"), True),
        }
    )
    if not str(values.get("title") or "").strip():
        _add(errors, "title", _("取組の名前を入力してください。"))
    if not str(values.get("owner") or "").strip():
        _add(errors, "owner", _("担当を入力してください。"))
    step = values.get("step")
    if not isinstance(step, Step) or step.code not in INITIATIVE_STEPS:
        _add(errors, "step", _("ガイドブックの取組 4(1)〜(8) から選んでください。"))
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if not isinstance(starts, dt.date):
        _add(errors, "starts_on", _("開始予定日を入力してください。"))
    if not isinstance(ends, dt.date):
        _add(errors, "ends_on", _("終了予定日を入力してください。"))
    elif isinstance(starts, dt.date) and ends < starts:
        _add(errors, "ends_on", _("終了予定日は開始予定日と同じ日か、それより後にしてください。"), "date_order")
    if values.get("status", InitiativeStatus.PLANNED) not in InitiativeStatus.values:
        _add(errors, "status", _("状況を一覧から選んでください。"))
    return errors


@transaction.atomic
def initiative_save(*, actor: Any, plan: Plan, initiative: Initiative | None = None, **values: Any) -> Initiative:
    """Add an initiative to a draft plan, or change one (while the plan is approved only its status and notes)."""
    require(actor, "plans.change", plan.member)
    if initiative is not None and initiative.plan_id != plan.pk:
        raise ValueError("the initiative belongs to another plan")
    current = {
        "step": initiative.step if initiative else None,
        "title": initiative.title if initiative else "",
        "owner": initiative.owner if initiative else "",
        "starts_on": initiative.starts_on if initiative else None,
        "ends_on": initiative.ends_on if initiative else None,
        "status": initiative.status if initiative else InitiativeStatus.PLANNED,
        "internal": initiative.internal if initiative else False,
        "notes": initiative.notes if initiative else "",
    }
    merged = {**current, **values}
    defining = ("step", "title", "owner", "starts_on", "ends_on", "internal")
    if initiative is None or any(merged[k] != current[k] for k in defining):
        _require_draft(plan)
    errors = _initiative_errors(merged)
    if errors:
        raise ValidationError(errors)
    before = snapshot(initiative) if initiative else None
    initiative = initiative or Initiative(plan=plan)
    for key, value in merged.items():
        setattr(initiative, key, value.strip() if key in ("title", "owner") else value)
    initiative.save()
    audit_saved(actor=actor, instance=initiative, before=before, member_code=plan.member_id)
    return initiative


@transaction.atomic
def review_save(
    *,
    actor: Any,
    plan: Plan,
    fiscal_year: int,
    done: str,
    checked: str,
    next_actions: str = "",
    internal: bool = False,
    reviewed_on: dt.date | None = None,
) -> PlanReview:
    """The year's PDCA review (one per fiscal year; saving again changes it)."""
    require(actor, "plans.change", plan.member)
    errors = texts_check(
        {
            "done": (_("実施したこと"), done, True),
            "checked": (_("評価"), checked, True),
            "next_actions": (_("改善"), next_actions, True),
        }
    )
    problem = _year_problem(fiscal_year)
    if problem:
        _add(errors, "fiscal_year", problem)
    if not done.strip():
        _add(errors, "done", _("実施したことを入力してください。"))
    if not checked.strip():
        _add(errors, "checked", _("評価を入力してください。"))
    reviewed_on = reviewed_on or timezone.localdate()
    if reviewed_on > timezone.localdate():
        _add(errors, "reviewed_on", _("振り返りの日に未来の日付は入力できません。"), "date_order")
    if errors:
        raise ValidationError(errors)
    review = PlanReview.objects.select_for_update().filter(plan=plan, fiscal_year=fiscal_year).first()
    before = snapshot(review) if review else None
    review = review or PlanReview(plan=plan, fiscal_year=fiscal_year)
    review.done, review.checked, review.next_actions = done, checked, next_actions
    review.internal, review.reviewed_on = internal, reviewed_on
    review.save()
    audit_saved(
        actor=actor, instance=review, before=before, member_code=plan.member_id, bookkeeping=frozenset({"updated_at"})
    )
    return review


def kpi_snapshots_write(member: Member, readings: list[Reading]) -> None:
    """Keep each KPI's last reading for the secretariat's page (bookkeeping of a read: not a change, not audited)."""
    now = timezone.now()
    for reading in readings:
        KpiSnapshot.objects.update_or_create(
            kpi=reading.kpi,
            defaults={
                "member": member,
                "status": reading.judgement.status,
                "latest": reading.latest.value if reading.latest and not reading.latest.hidden else None,
                "attainment": reading.judgement.attainment,
                "read_at": now,
            },
        )
