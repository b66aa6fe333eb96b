"""The events' forms: fields and widgets only; the services validate (the views put their errors back). Dates and
times are entered in Japan time (the site's time zone)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shokuba.core.forms import AccessibleFormMixin
from shokuba.events.models import EventKind
from shokuba.guidebook.models import Step

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def step_choices() -> list[tuple[str, str]]:
    return [(s.code, f"{s.code} {s.title}") for s in Step.objects.order_by("chapter__position", "position")]


class EventForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("種類"), choices=EventKind.choices)
    title = forms.CharField(label=_("名称"), max_length=120)
    speaker = forms.CharField(
        label=_("講師・話題提供"), max_length=200, required=False, help_text=_("例: ○○大学 教授 山田花子")
    )
    description = forms.CharField(
        label=_("内容"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    starts_at = forms.DateTimeField(label=_("開始日時"), widget=DATETIME, help_text=_("日本時間で入力します。"))
    ends_at = forms.DateTimeField(label=_("終了日時"), widget=DATETIME)
    venue = forms.CharField(label=_("会場"), max_length=200, required=False)
    online_url = forms.CharField(
        label=_("オンライン参加のURL"),
        max_length=500,
        required=False,
        help_text=_("会場かオンライン参加のURLのどちらかは必須です。"),
    )
    capacity = forms.IntegerField(label=_("定員"), min_value=1, max_value=1000)
    registration_deadline = forms.DateTimeField(
        label=_("申込締切"), widget=DATETIME, required=False, help_text=_("空欄なら開始日時まで申し込めます。")
    )
    steps = forms.MultipleChoiceField(
        label=_("ガイドブックの手順"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("関係する手順を選びます（Ctrl または ⌘ を押しながら選ぶと複数選べます）。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["steps"].choices = step_choices()  # type: ignore[attr-defined]


class CancelForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(label=_("中止の理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class MaterialsForm(AccessibleFormMixin, forms.Form):
    materials_url = forms.CharField(label=_("資料のURL"), max_length=500, required=False)
    recording_url = forms.CharField(label=_("録画のURL"), max_length=500, required=False)


class SurveyForm(AccessibleFormMixin, forms.Form):
    wave = forms.TypedChoiceField(label=_("アンケート"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args: Any, waves: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wave"].choices = [("", _("（なし）")), *waves]  # type: ignore[attr-defined]
