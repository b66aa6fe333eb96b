"""The Django side of core.text: Japanese messages naming the field, a validator for forms, and the check that
services run on every text they store (so a page, the API and an import refuse the same characters).

The API states the same rules in its schema with the patterns of core.text (see shokuba.api.schemas).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from shokuba.core.text import T_BLANK, forbidden_character, problem_template

CONTROL_CHARACTER = "control_character"


def text_error(label: str, value: str, *, multiline: bool = False, required: bool = False) -> str | None:
    """A Japanese message naming the field when `value` cannot be stored as its text, else None. `required`:
    a name must hold at least one visible character."""
    found = forbidden_character(value, multiline=multiline)
    if found is not None:
        return _(problem_template(found, multiline=multiline)) % {
            "label": label,
            "position": found.position,
            "code_point": found.code_point,
        }
    if required and not value.strip():
        return _(T_BLANK) % {"label": label}
    return None


def texts_check(fields: Mapping[str, tuple[str, Any, bool]]) -> dict[str, list[Any]]:
    """Every problem of the texts a service is about to store: {field: (label, value, multiline)} →
    {field: [ValidationError]} with code "control_character", ready for ValidationError(dict) beside other
    errors (None and non-text values are left to the other checks)."""
    errors: dict[str, list[Any]] = {}
    for field, (label, value, multiline) in fields.items():
        if isinstance(value, str):
            message = text_error(label, value, multiline=multiline)
            if message:
                errors.setdefault(field, []).append(ValidationError(message, code=CONTROL_CHARACTER))
    return errors


def texts_require(fields: Mapping[str, tuple[str, Any, bool]]) -> None:
    """Raise ValidationError({field: [message]}) (code "control_character") if any text cannot be stored."""
    errors = texts_check(fields)
    if errors:
        raise ValidationError(errors)


@deconstructible
class TextValidator:
    """Form fields: refuses the characters core.text forbids, naming the field by its label."""

    def __init__(self, label: Any = "", *, multiline: bool = False) -> None:
        self.label = label
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str):
            return
        message = text_error(str(self.label) or _("この項目"), value, multiline=self.multiline)
        if message:
            raise ValidationError(message, code=CONTROL_CHARACTER)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextValidator) and (self.label, self.multiline) == (other.label, other.multiline)
