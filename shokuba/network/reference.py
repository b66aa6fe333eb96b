"""Loading the reference data shipped in shokuba/network/data (see SOURCES.md there)."""

from __future__ import annotations

import csv
import datetime as dt
import unicodedata
from pathlib import Path

from django.db import transaction

from shokuba.core.codes import local_government_check_digit
from shokuba.network.models import LocalGovernment, LocalGovernmentKind, Member

DATA_DIR = Path(__file__).resolve().parent / "data"
NETWORK_LAUNCH = dt.date(2026, 1, 19)


def reference_rows(name: str) -> list[dict[str, str]]:
    """The rows of a reference file in network/data/ (local_government_codes.csv, members.csv)."""
    return _rows(name)


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@transaction.atomic
def local_governments_load() -> int:
    """Insert or refresh all 1,788 local governments. Returns how many rows the file has."""
    rows = _rows("local_government_codes.csv")
    existing = set(LocalGovernment.objects.values_list("code", flat=True))
    fresh: list[LocalGovernment] = []
    for row in rows:
        code = row["code"]
        if local_government_check_digit(code[:5]) != int(code[5]):
            raise ValueError(f"reference file has a bad check digit: {code}")
        fresh.append(
            LocalGovernment(
                code=code,
                prefecture_code=code[:2],
                kind=LocalGovernmentKind.MUNICIPALITY if row["city"] else LocalGovernmentKind.PREFECTURE,
                prefecture_name=row["prefecture"],
                city_name=row["city"],
                prefecture_kana=unicodedata.normalize("NFKC", row["prefecture_kana"]),
                city_kana=unicodedata.normalize("NFKC", row["city_kana"]),
            )
        )
    LocalGovernment.objects.bulk_create([lg for lg in fresh if lg.code not in existing], batch_size=500)
    LocalGovernment.objects.bulk_update(
        [lg for lg in fresh if lg.code in existing],
        ["prefecture_code", "kind", "prefecture_name", "city_name", "prefecture_kana", "city_kana"],
        batch_size=500,
    )
    return len(rows)


@transaction.atomic
def members_load() -> int:
    """Insert the 68 members; an existing member keeps the edits the secretariat made."""
    rows = _rows("network_members.csv")
    for row in rows:
        Member.objects.get_or_create(
            local_government_id=row["code"],
            defaults={
                "kind": row["kind"],
                "region_block": row["region_block"],
                "leading_example": row["leading_example"] == "yes",
                "joined_on": NETWORK_LAUNCH,
            },
        )
    return len(rows)
