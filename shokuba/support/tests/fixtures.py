"""A consultation of 豊岡市 with an attachment, an answer, a referral and a notice (for the matrices and tests)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.test import TestCase
from django.utils import timezone

from shokuba.core.permissions import SYSTEM
from shokuba.support import services
from shokuba.support.models import Consultation, ConsultationTheme, ReferralRecord
from shokuba.workplace.models import Referral
from shokuba.workplace.reference import referrals_load

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def consultation_with_rows(member: Any, coordinator: Any, support: Any) -> tuple[Consultation, ReferralRecord]:
    referrals_load()
    with TestCase.captureOnCommitCallbacks(execute=True):
        consultation = services.consultation_ask(
            actor=coordinator,
            member=member,
            theme=ConsultationTheme.RECRUITMENT,
            title="参加企業を増やしたい",
            description="商工会と一緒に説明会を開きたいが、労働局に協力を頼めるか。",
            files=[(io.BytesIO(PDF), "説明会案.pdf", len(PDF))],
        )
        services.consultation_reply(actor=support, consultation=consultation, body="労働局を紹介します。")
        record = services.referral_create(
            actor=support,
            consultation=consultation,
            body=Referral.objects.get(prefecture_code=member.pk[:2], kind="labour_bureau"),
            reason="参加企業の掘り起こしへの協力",
            consent_note="担当者が相談のページで同意",
            follow_up_on=timezone.localdate() + dt.timedelta(days=7),
        )
    return consultation, record


def system_consultation(member: Any, asker: Any) -> Consultation:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.consultation_ask(
            actor=SYSTEM if asker is None else asker,
            member=member,
            theme=ConsultationTheme.OTHER,
            title="その他",
            description="本文",
        )
