"""Forms of consultations, referrals and what the support team keeps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shokuba.core.forms import AccessibleFormMixin
from shokuba.guidebook.models import Step
from shokuba.network.models import Member, Organisation, Role, User
from shokuba.support.models import ConsultationTheme, Outcome, SavedAnswer, Status, Urgency
from shokuba.workplace.models import Referral


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by core.uploads in the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


def _staff() -> Any:
    return User.objects.filter(role__in=[Role.SUPPORT, Role.SECRETARIAT], is_active=True).order_by("role", "username")


class AskForm(AccessibleFormMixin, forms.Form):
    theme = forms.ChoiceField(label=_("テーマ"), choices=[("", "---------"), *ConsultationTheme.choices])
    step = forms.ModelChoiceField(
        label=_("ガイドブックの段階"),
        queryset=Step.objects.none(),
        required=False,
        help_text=_("分かれば選んでください。"),
    )
    title = forms.CharField(label=_("件名"), max_length=200)
    description = forms.CharField(label=_("相談内容"), widget=forms.Textarea(attrs={"rows": 8}))
    urgency = forms.ChoiceField(label=_("緊急度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    organisations = forms.ModelMultipleChoiceField(
        label=_("関係する参加企業・団体"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("参加企業・団体についての相談なら選んでください（支援チームにだけ見えます）。"),
    )
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("添付ファイル"), help_text=_("PDF、画像、Word、Excel、PowerPoint、CSV、テキスト。5件まで。")
    )

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].queryset = Step.objects.select_related("chapter")  # type: ignore[attr-defined]
        self.fields["organisations"].queryset = Organisation.objects.filter(member=member).order_by("name")  # type: ignore[attr-defined]


class ReplyForm(AccessibleFormMixin, forms.Form):
    body = forms.CharField(label=_("本文"), widget=forms.Textarea(attrs={"rows": 6}))
    internal = forms.BooleanField(label=_("内部メモ（自治体には見えません）"), required=False)
    files = MultipleFileField(label=_("添付ファイル"))  # type: ignore[assignment]

    def __init__(self, *args: Any, support_side: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not support_side:
            del self.fields["internal"]


class StatusForm(AccessibleFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("状態"), choices=Status.choices)


class AssignForm(AccessibleFormMixin, forms.Form):
    assignee = forms.ModelChoiceField(label=_("担当"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _staff()  # type: ignore[attr-defined]


class BodyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        state = _("確認済み") if obj.verified else _("未確認")
        return f"{obj.prefecture_code} {obj.name}（{state}）"


class ReferForm(AccessibleFormMixin, forms.Form):
    body = BodyChoiceField(label=_("紹介先（相談先の一覧から）"), queryset=Referral.objects.none(), required=False)
    other_body = forms.CharField(
        label=_("その他の紹介先"), max_length=200, required=False, help_text=_("一覧にない機関の名称。")
    )
    for_member = forms.BooleanField(label=_("自治体として相談する"), required=False, initial=True)
    organisations = forms.ModelMultipleChoiceField(
        label=_("紹介する参加企業・団体"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(label=_("紹介の理由"), widget=forms.Textarea(attrs={"rows": 4}))
    consent_note = forms.CharField(
        label=_("自治体の同意（いつ・誰が・どのように）"),
        max_length=300,
        help_text=_("例：2026-12-01 担当者がこの相談のページで同意"),
    )
    follow_up_on = forms.DateField(
        label=_("フォローアップ日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, member: Member, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        prefecture = member.local_government.prefecture_code
        self.fields["body"].queryset = Referral.objects.filter(prefecture_code=prefecture).order_by("kind")  # type: ignore[attr-defined]
        self.fields["organisations"].queryset = Organisation.objects.filter(member=member).order_by("name")  # type: ignore[attr-defined]


class ReferralUpdateForm(AccessibleFormMixin, forms.Form):
    contact_made_on = forms.DateField(
        label=_("紹介先と連絡した日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    contact_note = forms.CharField(label=_("連絡の記録"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.ChoiceField(label=_("結果"), choices=Outcome.choices)
    outcome_note = forms.CharField(label=_("結果の記録"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_on = forms.DateField(
        label=_("次のフォローアップ日"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class TopicsForm(AccessibleFormMixin, forms.Form):
    def __init__(self, *args: Any, current: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in ConsultationTheme.choices:
            self.fields[code] = forms.ModelChoiceField(
                label=label, queryset=_staff(), required=False, initial=current.get(code)
            )


class SavedAnswerForm(AccessibleFormMixin, forms.ModelForm):
    class Meta:
        model = SavedAnswer
        fields = ["title", "theme", "body", "links"]
        help_texts = {"links": _("事例・資料へのリンク。1行に1つ（https://… または /…）。")}


class FaqForm(AccessibleFormMixin, forms.Form):
    question = forms.CharField(label=_("質問"), widget=forms.Textarea(attrs={"rows": 4}))
    answer = forms.CharField(label=_("回答"), widget=forms.Textarea(attrs={"rows": 6}))
