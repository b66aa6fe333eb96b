"""Form helpers shared by every app: accessible error wiring and code fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from shokuba.core.codes import CodeError, normalise_corporate_number, normalise_local_government_code
from shokuba.core.models import AuditAction
from shokuba.core.validation import TextValidator


def text_validators_attach(form: forms.BaseForm) -> None:
    """Every text field of a form refuses the characters core.text forbids: a textarea as multi-line text, any
    other input as a single line. Django's own NUL check is replaced (ours names the field and the position)."""
    for field in form.fields.values():
        if not isinstance(field, forms.CharField):
            continue
        multiline = isinstance(field.widget, forms.Textarea)
        field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
        field.validators.append(TextValidator(field.label or "", multiline=multiline))


class AccessibleFormMixin:
    """Ties each field's help text and errors to its input (aria-describedby) and marks invalid inputs; every
    text field refuses control characters (core.text)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        text_validators_attach(self)  # type: ignore[arg-type]

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self._describe_fields()

    def add_error(self, field: str | None, error: Any) -> None:
        # Errors a service reports after validation (a duplicate name, an unknown code) need the same wiring.
        super().add_error(field, error)  # type: ignore[misc]
        self._describe_fields()

    def _describe_fields(self) -> None:
        form: Any = self
        if form._errors is None:
            return
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


class AuditFilterForm(AccessibleFormMixin, forms.Form):
    """The audit log's filters (GET). Empty fields do not narrow."""

    actor = forms.CharField(label=_("操作者"), required=False, max_length=150, help_text=_("ユーザー名の一部"))
    action = forms.ChoiceField(label=_("操作"), required=False)
    target_type = forms.ChoiceField(label=_("対象の種類"), required=False)
    member_code = LocalGovernmentCodeField(
        label=_("参加自治体コード"), required=False, max_length=8, help_text=_("5桁または6桁")
    )
    date_from = forms.DateField(label=_("期間（から）"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("期間（まで）"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, target_types: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action_field: Any = self.fields["action"]
        action_field.choices = [("", _("すべて")), *AuditAction.choices]
        type_field: Any = self.fields["target_type"]
        type_field.choices = [("", _("すべて")), *target_types]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("終了日は開始日と同じか、それより後の日付にしてください。"))
        return cleaned
