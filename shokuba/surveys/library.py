"""The template library shipped with the platform: versioned JSON files under data/templates/.

A file is named `<template code>.v<version>.json`. A new version of a template is a new file (the old one stays,
so a questionnaire copied from it can still say where it came from); item codes keep their meaning across
versions. Pure Python, read once per process.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from shokuba.surveys.instrument import Definition, parse_definition

LIBRARY_DIR = Path(__file__).resolve().parent / "data" / "templates"
_FILE_NAME = re.compile(r"^(?P<code>[a-z0-9_]+)\.v(?P<version>[0-9]+)\.json$")


@dataclass(frozen=True)
class LibraryTemplate:
    code: str
    version: int
    data: dict[str, Any]
    definition: Definition

    @property
    def title(self) -> str:
        return self.definition.title

    @property
    def purpose(self) -> str:
        return self.definition.purpose

    @property
    def audience(self) -> str:
        return self.definition.audience

    @property
    def item_count(self) -> int:
        return sum(len(q.item_codes()) for q in self.definition.questions)

    def copy_data(self) -> dict[str, Any]:
        """A deep copy of the definition to start a programme's questionnaire from."""
        return copy.deepcopy(self.data)


@cache
def library_templates() -> tuple[LibraryTemplate, ...]:
    """Every version of every template, ordered by code then version."""
    found: list[LibraryTemplate] = []
    for path in sorted(LIBRARY_DIR.glob("*.json")):
        match = _FILE_NAME.match(path.name)
        if match is None:
            raise ValueError(f"template file name must be <code>.v<version>.json: {path.name}")
        data = json.loads(path.read_text(encoding="utf-8"))
        code, version = match["code"], int(match["version"])
        if data.get("template_code") != code or data.get("template_version") != version:
            raise ValueError(f"{path.name}: template_code/template_version do not match the file name")
        found.append(LibraryTemplate(code=code, version=version, data=data, definition=parse_definition(data)))
    return tuple(sorted(found, key=lambda t: (t.code, t.version)))


ORDER = ("unconscious_bias", "workplace", "selfcheck", "employer", "resident")


def latest_templates() -> list[LibraryTemplate]:
    """The newest version of each template, in the library's display order."""
    latest: dict[str, LibraryTemplate] = {}
    for template in library_templates():
        latest[template.code] = template
    return sorted(latest.values(), key=lambda t: (ORDER.index(t.code) if t.code in ORDER else len(ORDER), t.code))


def library_template(code: str, version: int | None = None) -> LibraryTemplate | None:
    matches = [t for t in library_templates() if t.code == code and (version is None or t.version == version)]
    return matches[-1] if matches else None
