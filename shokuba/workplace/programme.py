"""Services for the referral directory and a programme's recognition scheme: permission-checked, validated, atomic,
audited (like every service)."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shokuba.core.audit import audit_record, audit_saved, snapshot
from shokuba.core.models import AuditAction
from shokuba.core.permissions import require
from shokuba.core.validation import texts_require
from shokuba.network.models import Member
from shokuba.workplace.definitions import INDICATORS_BY_CODE
from shokuba.workplace.models import RecognitionStage, Referral
from shokuba.workplace.readiness import SCHEME_OPS

REFERRAL_FIELDS = (
    "name",
    "url",
    "phone",
    "address",
    "note",
    "source_title",
    "source_url",
    "verified",
    "verified_on",
)


def referral_update(*, actor: Any, referral: Referral, data: dict[str, Any]) -> Referral:
    require(actor, "workplace.manage_referrals")
    labels = {"name": _("名称"), "url": "URL", "phone": _("電話番号"), "note": _("備考")}
    texts_require({name: (label, data.get(name), False) for name, label in labels.items() if name in data})
    before = snapshot(referral)
    for name in REFERRAL_FIELDS:
        if name in data:
            setattr(referral, name, data[name])
    referral.updated_by = actor
    referral.full_clean()
    with transaction.atomic():
        referral.save()
        audit_saved(
            actor=actor, instance=referral, before=before, bookkeeping=frozenset({"updated_at", "updated_by_id"})
        )
    return referral


def clean_criteria(criteria: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each criterion {"indicator", "op", "value"}: a known indicator, a known comparison, a number."""
    cleaned: list[dict[str, Any]] = []
    errors: list[str] = []
    for number, criterion in enumerate(criteria, start=1):
        indicator, op, value = criterion.get("indicator"), criterion.get("op"), criterion.get("value")
        if indicator not in INDICATORS_BY_CODE:
            errors.append(_("基準%(n)d: 指標「%(value)s」はありません。") % {"n": number, "value": indicator})
            continue
        if op not in SCHEME_OPS:
            errors.append(_("基準%(n)d: 比較「%(value)s」は使えません。") % {"n": number, "value": op})
            continue
        try:
            number_value = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            number_value = math.nan
        if not math.isfinite(number_value):
            errors.append(_("基準%(n)d: 基準値は数字で入力してください。") % {"n": number})
            continue
        cleaned.append({"indicator": indicator, "op": op, "value": number_value})
    if errors:
        raise ValidationError({"criteria": errors})
    return cleaned


def recognition_stage_save(
    *, actor: Any, member: Member, stage: RecognitionStage | None, data: dict[str, Any]
) -> RecognitionStage:
    require(actor, "workplace.manage_recognition", member)
    texts_require(
        {
            "name": (_("段階の名称"), data.get("name"), False),
            "description": (_("説明"), data.get("description"), True),
        }
    )
    criteria = clean_criteria(list(data.get("criteria") or []))
    before = None if stage is None else snapshot(stage)
    stage = stage or RecognitionStage(member=member)
    stage.order = int(data["order"])
    stage.name = str(data["name"]).strip()
    stage.description = str(data.get("description", "")).strip()
    stage.require_two_thirds = bool(data.get("require_two_thirds"))
    stage.criteria = criteria
    duplicate = RecognitionStage.objects.filter(member=member, order=stage.order).exclude(pk=stage.pk).exists()
    if duplicate:
        raise ValidationError({"order": [_("順番%(n)dの段階はすでにあります。") % {"n": stage.order}]})
    stage.full_clean(validate_unique=False)
    with transaction.atomic():
        stage.save()
        audit_saved(
            actor=actor, instance=stage, before=before, member_code=member.pk, bookkeeping=frozenset({"updated_at"})
        )
    return stage


def recognition_stage_delete(*, actor: Any, stage: RecognitionStage) -> None:
    require(actor, "workplace.manage_recognition", stage.member)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            instance=stage,
            before=snapshot(stage),
            after=None,
            member_code=stage.member_id,
        )
        stage.delete()


# The demo programme's recognition scheme, in the spirit of 豊岡市's restructured recognition (登録 → 認定 → 表彰).
DEMO_SCHEME: tuple[dict[str, Any], ...] = (
    {
        "order": 1,
        "name": "登録",
        "description": "職場の指標を入力し、取組を始めた企業・団体。",
        "require_two_thirds": False,
        "criteria": [],
    },
    {
        "order": 2,
        "name": "認定",
        "description": "従業員の3分の2以上（男女それぞれ）が職場を肯定的に評価し、休暇が取れている企業・団体。",
        "require_two_thirds": True,
        "criteria": [{"indicator": "paid_leave_rate", "op": ">=", "value": 60.0}],
    },
    {
        "order": 3,
        "name": "表彰",
        "description": "男性の育児休業と長時間労働の解消で成果を上げた企業・団体。",
        "require_two_thirds": True,
        "criteria": [
            {"indicator": "male_childcare_leave_rate_leave", "op": ">=", "value": 50.0},
            {"indicator": "max_monthly_overtime_fulltime", "op": "<", "value": 30.0},
        ],
    },
)


def demo_recognition_scheme(member_code: str = "282090") -> int:
    """The demo member's scheme (no audit entries: the demo is the system's). Returns the stages created."""
    member = Member.objects.get(pk=member_code)
    if RecognitionStage.objects.filter(member=member).exists():
        return 0
    RecognitionStage.objects.bulk_create(RecognitionStage(member=member, **stage) for stage in DEMO_SCHEME)
    return len(DEMO_SCHEME)
