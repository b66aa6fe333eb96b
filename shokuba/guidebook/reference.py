"""Loading the guidebook's chapters and steps from data/guidebook.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from shokuba.guidebook.models import Chapter, Step

GUIDEBOOK_FILE = Path(__file__).resolve().parent / "data" / "guidebook.json"


def guidebook_data() -> dict[str, Any]:
    with GUIDEBOOK_FILE.open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


@transaction.atomic
def guidebook_load() -> int:
    """Insert or refresh chapters and steps by their codes. Returns the number of steps."""
    count = 0
    for c_pos, chapter_data in enumerate(guidebook_data()["chapters"], start=1):
        chapter, _ = Chapter.objects.update_or_create(
            code=chapter_data["code"], defaults={"title": chapter_data["title"], "position": c_pos}
        )
        for s_pos, step_data in enumerate(chapter_data["steps"], start=1):
            Step.objects.update_or_create(
                code=step_data["code"],
                defaults={"chapter": chapter, "title": step_data["title"], "position": s_pos},
            )
            count += 1
    return count
