"""Form helpers shared by every app: accessible error wiring and code fields."""

from __future__ import annotations

from typing import Any

from django import forms

from shokuba.core.codes import CodeError, normalise_corporate_number, normalise_local_government_code


class AccessibleFormMixin:
    """Ties each field's help text and errors to its input (aria-describedby) and marks invalid inputs."""

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        form: Any = self
        for name, field in form.fields.items():
            bound = form[name]
            described = []
            if field.help_text:
                described.append(f"{bound.auto_id}_help")
            if name in form.errors:
                described.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)


class LocalGovernmentCodeField(forms.CharField):
    """Accepts 5- or 6-digit codes (full-width digits too) and returns the 6-digit form."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        try:
            return normalise_local_government_code(text)
        except CodeError as exc:
            raise forms.ValidationError(str(exc), code="invalid_local_government_code") from exc


class CorporateNumberField(forms.CharField):
    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        try:
            return normalise_corporate_number(text)
        except CodeError as exc:
            raise forms.ValidationError(str(exc), code="invalid_corporate_number") from exc
