"""Cases for the tests: a complete input and a case taken through the workflow."""

from __future__ import annotations

from typing import Any

from shokuba.core.permissions import SYSTEM
from shokuba.learning import services
from shokuba.learning.models import Case
from shokuba.network.models import Member


def case_input(**changes: Any) -> services.CaseInput:
    data = services.CaseInput(
        title="男性の育休取得を後押しする企業向け説明会",
        steps=["4-3"],
        themes=["childcare"],
        context_size="参加事業所30",
        context_industries=["E"],
        tried="子どもが生まれる予定の社員がいる事業所を回り、育休の制度と給付を説明した。",
        happened="説明会に12社が参加し、3人が育休を取った。",
        failures="経営者向けの案内だけでは現場の管理職に届かなかった。",
        failure_causes="管理職が代替要員の確保を心配していた。",
        lessons="管理職向けに業務の引き継ぎの手順を先に示す。",
        people="担当2人",
        cost="講師謝金 約10万円",
        period="2025年度",
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def approved_case(member: Member, actor: Any, **changes: Any) -> Case:
    case = services.case_save(actor=actor, member=member, data=case_input(**changes))
    services.case_submit(actor=actor, case=case)
    return services.case_approve(actor=SYSTEM, case=case)
