"""The results pages' selection forms (GET): which groups, item, attributes, waves, target composition."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shokuba.core.forms import AccessibleFormMixin
from shokuba.results.analyses import PRESET_CHOICES, TARGET_STRATA


class PresetForm(AccessibleFormMixin, forms.Form):
    preset = forms.ChoiceField(label=_("比べる2つの群"), choices=PRESET_CHOICES, required=False)


class CrosstabForm(AccessibleFormMixin, forms.Form):
    item = forms.ChoiceField(label=pgettext_lazy("survey item", "項目"))
    by = forms.ChoiceField(label=_("属性（行）"))
    by2 = forms.ChoiceField(label=_("2つ目の属性（任意）"), required=False)

    def __init__(self, *args: Any, items: list[tuple[str, str]], dimensions: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["item"]).choices = items
        cast(forms.ChoiceField, self.fields["by"]).choices = dimensions
        cast(forms.ChoiceField, self.fields["by2"]).choices = [("", _("（なし）")), *dimensions]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("by") and data.get("by2") and data["by"] == data["by2"]:
            self.add_error("by2", _("1つ目と違う属性を選んでください。"))
        return data


class ChangeForm(AccessibleFormMixin, forms.Form):
    other = forms.ChoiceField(label=_("比べる調査回（前回など）"))
    weighted = forms.BooleanField(
        label=_("性別×年齢の構成を目標の構成に合わせる（事後層化）"),
        required=False,
        help_text=_("目標の構成（企業・団体の従業員数など）を下の欄に人数で入力してください。"),
    )

    def __init__(self, *args: Any, waves: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["other"]).choices = waves
        for code, label in TARGET_STRATA:
            self.fields[f"t_{code}"] = forms.IntegerField(
                label=label,
                required=False,
                min_value=0,
                max_value=10_000_000,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "target-count"}),
            )

    def target_fields(self) -> list[Any]:
        return [self[f"t_{code}"] for code, _label in TARGET_STRATA]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("weighted"):
            target = self.target()
            if not target or sum(target.values()) <= 0:
                self.add_error("weighted", _("重み付けには、目標の構成を1つ以上の欄に人数で入力してください。"))
        return data

    def target(self) -> dict[str, float]:
        data = getattr(self, "cleaned_data", {}) or {}
        return {code: float(data[f"t_{code}"]) for code, _label in TARGET_STRATA if data.get(f"t_{code}")}


class FreeTextForm(AccessibleFormMixin, forms.Form):
    item = forms.ChoiceField(label=pgettext_lazy("survey item", "項目"))
    keyword = forms.CharField(
        label=_("キーワード（前後の文脈を表示）"),
        required=False,
        max_length=40,
        help_text=_("よく使われた語の一覧から選ぶか、語を入力してください。"),
    )

    def __init__(self, *args: Any, items: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["item"]).choices = items
