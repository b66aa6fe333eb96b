"""The forum's forms: fields and widgets only; the services validate (the views put their errors back)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shokuba.core.forms import AccessibleFormMixin


def _body(label: Any, rows: int = 6, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=4000, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


class ThreadForm(AccessibleFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("カテゴリ"), choices=())
    title = forms.CharField(label=_("題名"), required=False, max_length=120)
    body = _body(_("本文"), 8, _("@ユーザー名 で相手に知らせることができます。"))
    private = forms.BooleanField(
        label=_("他の参加自治体には見せない（自分の自治体・事務局・サポートチームだけが読めます）"),
        required=False,
        help_text=_("悩み相談など、他の自治体に知られたくない内容のときに選んでください。"),
    )

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories  # type: ignore[attr-defined]


class ReplyForm(AccessibleFormMixin, forms.Form):
    body = _body(_("返信"), 5, _("@ユーザー名 で相手に知らせることができます。"))


class EditForm(AccessibleFormMixin, forms.Form):
    body = _body(_("本文"), 8)


class ReportForm(AccessibleFormMixin, forms.Form):
    reason = _body(_("報告の理由"), 3)


class ModerateForm(AccessibleFormMixin, forms.Form):
    reason = _body(_("理由"), 2)


class SearchForm(AccessibleFormMixin, forms.Form):
    q = forms.CharField(label=_("キーワード"), required=False, max_length=200)
