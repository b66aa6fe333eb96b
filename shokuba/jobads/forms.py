"""The job-ad pages' forms: fields and widgets; the services validate and the views put their errors back."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shokuba.core.forms import AccessibleFormMixin


class CheckForm(AccessibleFormMixin, forms.Form):
    organisation = forms.TypedChoiceField(label=_("企業・団体"), coerce=int)
    title = forms.CharField(label=_("求人の名前"), max_length=200, help_text=_("例：営業職（正社員）"))
    text = forms.CharField(
        label=_("求人の本文"),
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        help_text=_("求人票や採用ページの文章を貼り付けてください。ファイルを選んだときは空欄のままにできます。"),
    )
    file = forms.FileField(
        label=_("ファイルから読み込む（任意）"),
        required=False,
        help_text=_("テキスト（.txt）、Word（.docx）、PDF（文字が選べるもの）。10 MB まで。"),
    )

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]  # type: ignore[attr-defined]


class BatchForm(AccessibleFormMixin, forms.Form):
    file = forms.FileField(
        label=_("求人のファイル（CSV・Excel）"),
        help_text=_(
            "見出し「企業・団体」「求人の名前」「本文」の3列。企業・団体はこの自治体の参加企業・団体の名称と同じに。1,000件まで。"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "batch_%s")  # the single-ad form on the same page has its own `file` field
        super().__init__(*args, **kwargs)
