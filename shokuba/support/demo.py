"""Demo consultations (marked demo): 豊岡市 asks about finding participating companies and is referred to 兵庫労働局;
気仙沼市 asks about non-regular workers' treatment and waits for its first answer. Topic assignment: recruitment →
the demo support account. Called from demo/generator.py after the accounts exist."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shokuba.core.permissions import SYSTEM
from shokuba.network.models import Member, User
from shokuba.support import services
from shokuba.support.models import ConsultationTheme
from shokuba.workplace.models import Referral


def demo_consultations() -> None:
    support = User.objects.get(username="support")
    toyooka, kesennuma = Member.objects.get(pk="282090"), Member.objects.get(pk="042056")
    services.topic_assignment_set(actor=SYSTEM, theme=ConsultationTheme.RECRUITMENT, assignee=support)
    first = services.consultation_ask(
        actor=User.objects.get(username="toyooka"),
        member=toyooka,
        theme=ConsultationTheme.RECRUITMENT,
        title="【デモ】参加企業の掘り起こしに労働局の協力を得たい",
        description="商工会議所と合同の説明会を計画しています。労働局から制度の説明に来ていただけるでしょうか。",
        is_demo=True,
    )
    services.consultation_reply(
        actor=support,
        consultation=first,
        body="兵庫労働局 雇用環境・均等部に協力をお願いできます。紹介状を用意しますので、同意をお願いします。",
    )
    services.referral_create(
        actor=support,
        consultation=first,
        body=Referral.objects.get(prefecture_code="28", kind="labour_bureau"),
        reason="参加企業の掘り起こし（説明会での制度紹介）への協力",
        consent_note="【デモ】豊岡市の担当者が相談のページで同意",
        follow_up_on=timezone.localdate() + dt.timedelta(days=14),
    )
    services.consultation_ask(
        actor=User.objects.get(username="kesennuma"),
        member=kesennuma,
        theme=ConsultationTheme.NON_REGULAR,
        title="【デモ】パートタイム労働者の待遇改善について相談できる先は",
        description="水産加工の参加企業から、同一労働同一賃金への対応について相談を受けています。",
        is_demo=True,
    )
