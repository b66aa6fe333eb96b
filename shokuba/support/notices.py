"""The support app's kinds of notification and its daily reminders (core.notifications): referral follow-ups
that fall due, and consultations whose first answer is overdue. Each reminder is sent once (remembered on the row)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shokuba.core.notifications import kind_register, notify, reminder_register
from shokuba.network.models import Role, User
from shokuba.support.models import OPEN_OUTCOMES, OPEN_STATUSES, Consultation, ReferralRecord

APP = "support"


def register_notices() -> None:
    kind_register("support.consultation_new", _("相談：新しい相談の受付"), app=APP)
    kind_register("support.member_replied", _("相談：自治体からの追加の書き込み"), app=APP)
    kind_register("support.answered", _("相談：支援チームからの回答"), app=APP)
    kind_register("support.referred", _("相談：専門機関への紹介"), app=APP)
    kind_register("support.referral_follow_up", _("相談：紹介のフォローアップ日"), app=APP)
    kind_register("support.consultation_overdue", _("相談：初回回答の期限超過"), app=APP)
    reminder_register("support.referral_follow_ups", referral_follow_ups_remind)
    reminder_register("support.overdue_consultations", overdue_consultations_remind)


@transaction.atomic
def referral_follow_ups_remind(now: dt.datetime) -> int:
    """Referrals whose follow-up date has come, outcome still open, not reminded for that date: the person who
    referred and the consultation's assignee are told."""
    today = timezone.localdate(now)
    due = (
        ReferralRecord.objects.select_for_update(of=("self",))
        .select_related("consultation__member__local_government", "consultation__assignee", "body", "referred_by")
        .filter(follow_up_on__lte=today, outcome__in=OPEN_OUTCOMES)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=F("follow_up_on")))
    )
    sent = 0
    for record in due:
        consultation = record.consultation
        made = notify(
            [record.referred_by, consultation.assignee],
            kind="support.referral_follow_up",
            subject_template="support/notices/referral_follow_up_subject.txt",
            body_template="support/notices/referral_follow_up_body.txt",
            context={"consultation": consultation, "referral": record},
            link=reverse("support:referral", args=[record.pk]),
        )
        record.reminded_on = today
        record.save(update_fields=["reminded_on"])
        sent += len(made)
    return sent


@transaction.atomic
def overdue_consultations_remind(now: dt.datetime) -> int:
    """Open consultations without a first answer past their target: the assignee (else the support team) and the
    secretariat are told once."""
    overdue = (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("member__local_government", "assignee")
        .filter(status__in=OPEN_STATUSES, first_answered_at__isnull=True, answer_due__lt=now)
        .filter(overdue_notified_at__isnull=True)
    )
    secretariat = list(User.objects.filter(role=Role.SECRETARIAT, is_active=True))
    sent = 0
    for consultation in overdue:
        team = (
            [consultation.assignee]
            if consultation.assignee_id
            else list(User.objects.filter(role=Role.SUPPORT, is_active=True))
        )
        made = notify(
            [*team, *secretariat],
            kind="support.consultation_overdue",
            subject_template="support/notices/consultation_overdue_subject.txt",
            body_template="support/notices/consultation_overdue_body.txt",
            context={"consultation": consultation},
            link=reverse("support:consultation", args=[consultation.pk]),
        )
        consultation.overdue_notified_at = now
        consultation.save(update_fields=["overdue_notified_at"])
        sent += len(made)
    return sent
