"""The materials app's forms: fields and widgets only; the services validate (the views put their errors back)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shokuba.core.forms import AccessibleFormMixin
from shokuba.guidebook.models import Step
from shokuba.materials.models import Audience, IntroductionStatus, Language, Licence, MaterialKind


def step_choices() -> list[tuple[str, str]]:
    return [(s.code, f"{s.code} {s.title}") for s in Step.objects.order_by("chapter__position", "position")]


def _area(label: Any, rows: int = 4, max_length: int = 4000, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class MaterialForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label=_("素材の名前"), max_length=120, required=False)
    description = _area(_("説明"), max_length=2000)
    kind = forms.ChoiceField(
        label=_("種類"), choices=MaterialKind.choices, widget=forms.RadioSelect, initial=MaterialKind.FILE
    )
    file = forms.FileField(
        label=_("ファイル"), required=False, help_text=_("PDF、PowerPoint（.pptx）、Word（.docx）。50 MB まで。")
    )
    url = forms.CharField(label=_("動画のURL"), max_length=500, required=False, help_text=_("種類が動画のとき。"))
    licence = forms.ChoiceField(label=_("ライセンス"), choices=[("", "—"), *Licence.choices], required=False)
    audiences = forms.MultipleChoiceField(
        label=_("対象"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    steps = forms.MultipleChoiceField(
        label=_("ガイドブックの手順"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("当てはまる手順をすべて選びます（Ctrl または ⌘ を押しながら選ぶと複数選べます）。"),
    )
    language = forms.ChoiceField(label=_("言語"), choices=Language.choices, initial=Language.JA)
    note = forms.CharField(label=_("この版の変更点"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["steps"].choices = step_choices()  # type: ignore[attr-defined]


class VersionForm(AccessibleFormMixin, forms.Form):
    file = forms.FileField(
        label=_("新しい版のファイル"),
        required=False,
        help_text=_("PDF、PowerPoint（.pptx）、Word（.docx）。50 MB まで。"),
    )
    note = forms.CharField(label=_("この版の変更点"), max_length=200, required=False)


class KitForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label=_("キットの名前"), max_length=120, required=False)
    description = _area(_("説明"), max_length=2000)
    facilitator_guide = _area(_("進行役の手引き"), rows=8, max_length=8000)
    materials = forms.TypedMultipleChoiceField(
        label=_("研修素材"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, materials: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["materials"].choices = materials  # type: ignore[attr-defined]


def _count(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=100_000, initial=0, required=False)


class WorkshopForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label=_("ワークショップの名前"), max_length=120, required=False)
    held_on = forms.DateField(label=_("実施日"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    kit = forms.TypedChoiceField(label=_("キット"), coerce=int, empty_value=None, required=False)
    cautions = forms.TypedMultipleChoiceField(
        label=_("確かめた留意点（手順4(5)）"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("ワークショップの前に確かめた項目に印を付けます。"),
    )
    participants_officials = _count(_("参加者：自治体職員"))
    participants_companies = _count(_("参加者：企業・団体の経営者・人事"))
    participants_employees = _count(_("参加者：従業員"))
    participants_other = _count(_("参加者：その他"))
    notes = _area(_("記録・気づき"), help_text=_("参加者の氏名や、個人がわかる発言は書かないでください。"))
    feedback_useful = _count(_("アンケート：役に立った"))
    feedback_neutral = _count(_("アンケート：どちらとも言えない"))
    feedback_not_useful = _count(_("アンケート：役に立たなかった"))
    feedback_wave = forms.TypedChoiceField(
        label=_("アンケートの調査回（任意）"), coerce=int, empty_value=None, required=False
    )

    def __init__(
        self,
        *args: Any,
        kits: list[tuple[int, str]],
        cautions: list[str],
        waves: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kit"].choices = [("", "—"), *kits]  # type: ignore[attr-defined]
        self.fields["cautions"].choices = list(enumerate(cautions, start=1))  # type: ignore[attr-defined]
        self.fields["feedback_wave"].choices = [("", "—"), *waves]  # type: ignore[attr-defined]


class ExpertForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label=_("氏名"), max_length=80, required=False)
    affiliation = forms.CharField(label=_("所属"), max_length=200, required=False)
    specialties = forms.CharField(
        label=_("専門分野"), max_length=300, required=False, help_text=_("例: アンコンシャス・バイアス、両立支援")
    )
    regions = forms.CharField(label=_("対応できる地域"), max_length=200, required=False, help_text=_("例: 近畿、全国"))
    bio = _area(_("紹介"), max_length=2000)
    lectures = _area(_("これまでの講演・研修"), help_text=_("1行に1件。URL を書くとリンクになります。"))


class IntroductionForm(AccessibleFormMixin, forms.Form):
    purpose = _area(
        _("依頼の目的"), max_length=2000, help_text=_("どんなワークショップ・研修で、誰に向けて話してほしいか。")
    )
    preferred_dates = forms.CharField(
        label=_("希望する日程"), max_length=200, required=False, help_text=_("例: 2027年2月の平日午後")
    )


class RouteForm(AccessibleFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("対応"),
        choices=[(IntroductionStatus.INTRODUCED, _("紹介済")), (IntroductionStatus.DECLINED, _("見送り"))],
        widget=forms.RadioSelect,
        required=False,
    )
    note = _area(_("事務局の記録"), rows=3, max_length=2000, help_text=_("見送りのときは理由を書きます。"))


class SearchForm(forms.Form):
    """The list's search box and filters (GET): an unknown filter value is ignored, never an error."""

    q = forms.CharField(label=_("キーワード"), max_length=200, required=False)
    step = forms.ChoiceField(label=_("手順"), required=False)
    audience = forms.ChoiceField(label=_("対象"), required=False, choices=[("", _("すべて")), *Audience.choices])
    language = forms.ChoiceField(label=_("言語"), required=False, choices=[("", _("すべて")), *Language.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [("", _("すべて")), *step_choices()]  # type: ignore[attr-defined]
