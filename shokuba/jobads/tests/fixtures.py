"""Rows the job-ad tests share."""

from __future__ import annotations

from typing import Any

from shokuba.jobads import services
from shokuba.jobads.models import JobAdCheck
from shokuba.network.models import Organisation

AD = "【営業マン募集】\n35歳以下の方。地元企業への法人営業です。\n月給22万円〜。"


def saved_check(organisation: Organisation, actor: Any, text: str = AD) -> JobAdCheck:
    return services.jobad_check_save(actor=actor, organisation=organisation, title="営業職（テスト）", text=text)


def flagged_key(check: JobAdCheck) -> str:
    return next(str(f["key"]) for f in check.findings if f["severity"] == "violation")
