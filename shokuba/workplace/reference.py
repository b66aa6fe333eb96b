"""The referral directory's starting point (data/referrals.json): loaded by migration 0002 and, for databases
emptied since (browser tests), by `referrals_load`. Existing rows are never overwritten: the secretariat's edits win."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shokuba.workplace.models import Referral

REFERRALS = Path(__file__).resolve().parent / "data" / "referrals.json"


def referral_entries() -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads(REFERRALS.read_text(encoding="utf-8"))["entries"]
    return entries


def referrals_load(model: Any = Referral) -> int:
    """Create the entries that are missing (by prefecture and kind); returns how many were created. Migration 0002
    passes its historical model."""
    existing = set(model.objects.values_list("prefecture_code", "kind"))
    fields = ("prefecture_code", "kind", "name", "url", "phone", "note", "verified")
    new = [
        model(**{f: e[f] for f in fields})
        for e in referral_entries()
        if (e["prefecture_code"], e["kind"]) not in existing
    ]
    model.objects.bulk_create(new)
    return len(new)
