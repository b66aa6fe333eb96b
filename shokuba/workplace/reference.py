"""The referral directory's starting point (data/referrals.json): loaded by migration 0002 (refreshed by 0004)
and, for databases emptied since (browser tests), by `referrals_load`. Existing rows are never overwritten: the
secretariat's edits win."""

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
    fields = (
        "prefecture_code",
        "kind",
        "name",
        "url",
        "phone",
        "note",
        "verified",
        "address",
        "source_title",
        "source_url",
    )
    # Migration 0002's historical model has only the first fields; 0004 adds the rest (and refreshes them).
    known = {field.name for field in model._meta.get_fields()}
    new = [
        model(**{f: e[f] for f in fields if f in known})
        for e in referral_entries()
        if (e["prefecture_code"], e["kind"]) not in existing
    ]
    model.objects.bulk_create(new)
    return len(new)


def referrals_refresh(model: Any = Referral) -> int:
    """Migration 0004: bring the rows nobody has edited (no updated_by) up to the shipped data (URLs, sources,
    未確認 notes); a row the secretariat has edited is left as they left it. Returns how many rows changed."""
    shipped = {(e["prefecture_code"], e["kind"]): e for e in referral_entries()}
    fields = ("name", "url", "phone", "note", "address", "source_title", "source_url")
    changed = 0
    for row in model.objects.filter(updated_by__isnull=True):
        entry = shipped.get((row.prefecture_code, row.kind))
        if entry is None:
            continue
        for f in fields:
            setattr(row, f, entry[f])
        row.save(update_fields=list(fields))
        changed += 1
    return changed
