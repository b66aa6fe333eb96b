from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shokuba.core.forms import AccessibleFormMixin, CorporateNumberField, LocalGovernmentCodeField
from shokuba.network.models import Industry, MemberKind, Role, SizeBand


class OrganisationForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    corporate_number = CorporateNumberField(
        label=_("法人番号"),
        required=False,
        max_length=20,
        help_text=_("13桁の数字。全角数字やハイフンも受け付けます。法人番号のない団体は空欄にしてください。"),
    )
    # An empty first choice: a skipped field is an error, never a silent "A 農業，林業".
    industry = forms.ChoiceField(
        label=_("業種（日本標準産業分類 大分類）"), choices=[("", _("選択してください")), *Industry.choices]
    )
    size_band = forms.ChoiceField(label=_("従業員規模"), choices=[("", _("選択してください")), *SizeBand.choices])
    location = LocalGovernmentCodeField(
        label=_("所在地の団体コード"),
        max_length=8,
        help_text=_("全国地方公共団体コード（6桁、または検査数字を除いた5桁）。例：豊岡市は 282090 または 28209。"),
    )
    joined_on = forms.DateField(label=_("参加日"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=_("備考"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, self_service: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self_service:
            # An organisation admin edits their own details, not the programme's fields.
            del self.fields["joined_on"]
            del self.fields["notes"]


class ContactForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label=_("氏名"), max_length=100)
    department = forms.CharField(label=_("部署・役職"), max_length=100, required=False)
    email = forms.EmailField(label=_("メールアドレス"), required=False)
    phone = forms.CharField(label=_("電話番号"), max_length=20, required=False)


class MemberFilterForm(forms.Form):
    region_block = forms.ChoiceField(label=_("ブロック"), required=False)
    kind = forms.ChoiceField(label=_("種別"), required=False, choices=[("", _("すべて")), *MemberKind.choices])

    def __init__(self, *args: Any, blocks: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region_field: Any = self.fields["region_block"]
        region_field.choices = [("", _("すべて")), *[(b, b) for b in blocks]]


class LocalGovernmentSearchForm(forms.Form):
    q = forms.CharField(
        label=_("団体コードまたは名称"),
        required=False,
        max_length=40,
        help_text=_("5桁・6桁の団体コード、または名称・カナの一部"),
    )


class AccountForm(AccessibleFormMixin, forms.Form):
    """A new staff account (the secretariat's page). The password is set by its person through the e-mailed link."""

    role = forms.ChoiceField(
        label=_("役割"),
        choices=[("", _("選択してください")), *[(r.value, r.label) for r in Role if r != Role.ORGANISATION_ADMIN]],
        initial=Role.COORDINATOR,
    )
    member = LocalGovernmentCodeField(
        label=_("参加自治体の団体コード"),
        required=False,
        max_length=8,
        help_text=_("自治体担当者のとき必須。例：豊岡市は 282090 または 28209。"),
    )
    username = forms.CharField(
        label=_("ユーザー名"),
        max_length=150,
        help_text=_("ログインに使う名前。半角・小文字にそろえて保存します（例：toyooka-tanaka）。"),
    )
    display_name = forms.CharField(label=_("表示名（氏名）"), max_length=100)
    email = forms.CharField(
        label=_("メールアドレス"),
        max_length=254,
        help_text=_("パスワードを設定するためのリンクをこのアドレスに送ります。"),
    )


class HandoverForm(AccessibleFormMixin, forms.Form):
    """The new person of an account (April rotation)."""

    username = forms.CharField(
        label=_("新しい担当者のユーザー名"),
        max_length=150,
        help_text=_("前の担当者とは別のユーザー名にしてください（例：toyooka-suzuki）。"),
    )
    display_name = forms.CharField(label=_("新しい担当者の表示名（氏名）"), max_length=100)
    email = forms.CharField(
        label=_("新しい担当者のメールアドレス"),
        max_length=254,
        help_text=_("パスワードを設定するためのリンクをこのアドレスに送ります。"),
    )


class AccountFilterForm(forms.Form):
    member = forms.CharField(label=_("参加自治体の団体コード"), required=False, max_length=8)
