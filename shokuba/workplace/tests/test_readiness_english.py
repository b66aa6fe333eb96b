"""Readiness in English: every Japanese text of the criteria data has an English twin, the statuses, thresholds and
shortfalls are worded in the active language, and the readiness page shows them; Japanese stays the default."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from shokuba.core.permissions import SYSTEM
from shokuba.workplace import definitions
from shokuba.workplace.readiness import DATA_FILE, Status, evaluate, evaluate_scheme, inputs_for
from shokuba.workplace.services import indicator_year_save
from shokuba.workplace.tests.test_insights import RAW

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
NOT_TEXT = {"unit", "about"}  # the unit is a code (also the key of the number formats); `about` is for developers


def _texts(node: Any, where: str = "") -> list[tuple[str, dict[str, Any], str]]:
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and JAPANESE.search(value) and key not in NOT_TEXT and not key.endswith("_en"):
                found.append((f"{where}.{key}", node, key))
            found += _texts(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _texts(value, f"{where}[{i}]")
    return found


def test_every_japanese_text_of_the_criteria_has_an_english_twin() -> None:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    texts = _texts(data)
    assert len(texts) > 100
    missing = [where for where, node, key in texts if not node.get(f"{key}_en")]
    assert not missing, missing
    japanese = [where for where, node, key in texts if JAPANESE.search(node[f"{key}_en"])]
    assert not japanese, japanese


def _kurumin(values: dict[str, Any]) -> Any:
    return next(c for c in evaluate(values) if c.code == "kurumin")


def test_readiness_is_worded_in_the_active_language() -> None:
    # 11 of 50 fathers took leave: 22 % against くるみん's 30 %; 38.5 h of overtime in the worst month against 30 h.
    raw = {"men_spouse_gave_birth": 50, "men_childcare_leave": 11, "men_childcare_purpose_leave": 0}
    values = {**inputs_for(raw, definitions.compute(raw)), "max_monthly_overtime_fulltime": 38.5}
    with translation.override("en"):
        cert = _kurumin(values)
        level = next(level for level in cert.levels if level.code == "kurumin-standard")
        male = next(c for c in level.criteria if c.code == "kurumin.male_leave")
        leave = male.children[0]
        hours = next(c for c in level.criteria if c.code == "kurumin.hours").children[0]
        assert (cert.name, level.name, level.status_label) == ("Kurumin", "Kurumin", "Not met")
        assert male.label == "Men's childcare-leave take-up rate" and male.status_label == "Not met"
        assert (leave.criterion_text, leave.value_text) == ("30% or more", "22%")
        assert "Men's childcare-leave take-up rate: 8 points short" in male.shortfalls()
        assert hours.criterion_text == "less than 30 hours"
        assert hours.shortfall == "Overtime and holiday work (highest month): reduce by more than 8.5 hours"
        assert cert.sources[0].publisher == "Ministry of Health, Labour and Welfare"
        assert all(not JAPANESE.search(r.label) for r in cert.to_confirm)
        assert not JAPANESE.search(cert.out_of_scope[0]["reason"])
        stage = evaluate_scheme([{"order": 1, "name": "登録", "require_two_thirds": True}], values, two_thirds=None)[0]
        assert stage.status == Status.MISSING and stage.status_label == "Insufficient data"
        assert stage.criteria[0].label.startswith("Employee survey two-thirds rule")
    with translation.override("ja"):
        cert = _kurumin(values)
        level = next(level for level in cert.levels if level.code == "kurumin-standard")
        assert (level.name, level.status_label) == ("くるみん", "満たしていない")
        assert "男性育休等取得率 あと 8 ポイント" in level.shortfalls
        hours = next(c for c in level.criteria if c.code == "kurumin.hours").children[0]
        assert (hours.criterion_text, hours.shortfall) == (
            "30時間未満",
            "時間外・休日労働（最大の月） あと 8.5 時間超の削減",
        )


def test_eruboshi_levels_count_criteria_in_english() -> None:
    with translation.override("en"):
        cert = next(c for c in evaluate({}) if c.code == "eruboshi")
    assert [level.name for level in cert.levels] == ["Eruboshi level 1", "Eruboshi level 2", "Eruboshi level 3"]
    assert [level.required for level in cert.levels] == ["1–2 criteria", "3–4 criteria", "all 5 criteria"]


@pytest.mark.django_db
def test_the_readiness_page_in_english(org_admin: Any, organisation: Any) -> None:
    indicator_year_save(actor=SYSTEM, organisation=organisation, fiscal_year=2025, raw=RAW)
    client = Client()
    client.force_login(org_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/workplace/organisations/{organisation.pk}/readiness/").content.decode()
    assert "Needs checking" in page and "Not met" in page
    assert "Men&#x27;s childcare-leave take-up rate: 10 points short" in page  # 2 of 10 fathers against 30 %
    assert "Act on Promotion of Women&#x27;s Participation and Advancement in the Workplace" in page
    for japanese in ("確認が必要", "満たしていない", "あと", "くるみん", "えるぼし", "厚生労働省"):
        assert japanese not in page, japanese
    # Nothing else in Japanese outside the organisation's own name, the people's names and the language menu.
    rest = page
    for own in (organisation.name, organisation.member.local_government.name, org_admin.get_full_name(), "日本語"):
        rest = rest.replace(own, "")
    assert not JAPANESE.search(re.sub(r"<[^>]+>", " ", rest)), re.findall(
        r"[^\s<>]*[\u3040-\u30ff\u4e00-\u9fff][^\s<>]*", rest
    )[:30]
