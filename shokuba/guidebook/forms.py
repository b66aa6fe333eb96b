"""Forms for the step page and the board's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shokuba.core.forms import AccessibleFormMixin
from shokuba.core.uploads import ALLOWED_EXTENSIONS
from shokuba.guidebook.models import ProgressStatus, StepProgress
from shokuba.network.forms import MemberFilterForm


def _evidence_help() -> str:
    return str(
        _("PDF、画像（PNG・JPEG）、Word、Excel、PowerPoint、CSV、テキスト。%(limit)d MB まで。")
        % {"limit": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
    )


class StepProgressForm(AccessibleFormMixin, forms.Form):
    """One submit: where the member stands on the step, and optionally one evidence file.

    The rules on dates and status live in the service (the API uses them too); the form only parses.
    """

    status = forms.ChoiceField(label=_("状況"), choices=ProgressStatus.choices)
    started_on = forms.DateField(
        label=_("開始日"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    completed_on = forms.DateField(
        label=_("完了日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("状況が「完了」のときに入力します。"),
    )
    responsible = forms.CharField(
        label=_("担当者"), required=False, max_length=StepProgress._meta.get_field("responsible").max_length
    )
    notes = forms.CharField(label=_("メモ"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(
        label=_("資料を添付する（任意）"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ",".join(sorted(ALLOWED_EXTENSIONS))}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _evidence_help()

    def apply_service_errors(self, exc: ValidationError) -> None:
        """Show a service's field errors next to the matching fields (others at the top of the form)."""
        for field, errors in exc.message_dict.items():
            self.add_error(field if field in self.fields else None, errors)
        # add_error runs after full_clean, so the accessible wiring has to be refreshed.
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                described = widget.attrs.get("aria-describedby", "").split()
                error_id = f"{self[name].auto_id}_error"
                if error_id not in described:
                    described.append(error_id)
                widget.attrs["aria-describedby"] = " ".join(described)


class BoardFilterForm(MemberFilterForm):
    """The board's filters (region block, kind), the same as the member list's; shared by the page and exports."""


class BoardExportForm(BoardFilterForm):
    encoding = forms.ChoiceField(
        label=_("文字コード"),
        required=False,
        choices=[("", _("UTF-8（BOM付き）")), ("utf-8", _("UTF-8（BOM付き）")), ("cp932", _("Shift_JIS（CP932）"))],
    )
