"""The case library's forms: fields and widgets only; the services validate (the views put their errors back)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shokuba.core.forms import AccessibleFormMixin
from shokuba.guidebook.models import Step
from shokuba.learning.models import EvidenceKind, Theme, Visibility
from shokuba.network.models import Industry, MemberKind


def step_choices() -> list[tuple[str, str]]:
    return [(s.code, f"{s.code} {s.title}") for s in Step.objects.order_by("chapter__position", "position")]


def text(label: Any, *, rows: int = 5, required: bool = False, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=4000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class CaseForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label=_("事例の名前"), max_length=120)
    steps = forms.MultipleChoiceField(
        label=_("ガイドブックの手順"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("当てはまる手順をすべて選びます（Ctrl または ⌘ を押しながら選ぶと複数選べます）。"),
    )
    themes = forms.MultipleChoiceField(
        label=_("テーマ"), required=False, choices=Theme.choices, widget=forms.CheckboxSelectMultiple
    )
    context_size = forms.CharField(
        label=_("地域と参加事業所の規模"),
        max_length=200,
        required=False,
        help_text=_("例: 人口約7.7万人、参加事業所122"),
    )
    context_industries = forms.MultipleChoiceField(
        label=_("主な業種"), required=False, choices=Industry.choices, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    tried = text(_("取り組んだこと"))
    happened = text(_("起きたこと・結果"))
    failures = text(
        _("うまくいかなかったこと"),
        help_text=_("失敗や試行錯誤こそ他の自治体の役に立ちます。提出には必須です。"),
    )
    failure_causes = text(_("うまくいかなかった理由"), help_text=_("なぜそうなったと考えるか。提出には必須です。"))
    lessons = text(_("教訓・次にやるなら"), rows=4)
    people = forms.CharField(label=_("体制・人数"), max_length=200, required=False)
    cost = forms.CharField(
        label=_("費用"), max_length=200, required=False, help_text=_("例: 講師謝金 約30万円（市の単独費）")
    )
    period = forms.CharField(label=_("時期"), max_length=100, required=False, help_text=_("例: 2024年度〜2025年度"))
    visibility = forms.ChoiceField(
        label=_("公開範囲"),
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        initial=Visibility.NETWORK,
        help_text=_(
            "「承認後、公開サイトにも掲載」を選ぶと、事務局の承認後、参加自治体の公開ページに載り、誰でも読めます（コメントは載りません）。"
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["steps"].choices = step_choices()  # type: ignore[attr-defined]


class ReturnForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("差し戻しの理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class CommentForm(AccessibleFormMixin, forms.Form):
    body = forms.CharField(
        label=_("コメント"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class EvidenceForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("根拠の種類"), choices=EvidenceKind.choices)
    kpi = forms.TypedChoiceField(label=_("KPI"), required=False, coerce=int, empty_value=None)
    wave = forms.TypedChoiceField(
        label=_("調査回（集計結果のページへのリンク）"), required=False, coerce=int, empty_value=None
    )
    url = forms.CharField(label=_("URL"), max_length=500, required=False)
    file = forms.TypedChoiceField(
        label=_("資料ファイル"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_(
            "ガイドブックの各手順のページで登録した資料ファイルから選びます。事例を読める人がダウンロードできます。"
        ),
    )
    label = forms.CharField(label=_("説明"), max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        kpis: list[tuple[int, str]],
        waves: list[tuple[int, str]],
        files: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kpi"].choices = [("", "—"), *kpis]  # type: ignore[attr-defined]
        self.fields["wave"].choices = [("", "—"), *waves]  # type: ignore[attr-defined]
        self.fields["file"].choices = [("", "—"), *files]  # type: ignore[attr-defined]


class SearchForm(forms.Form):
    """The search box and its filters (GET): an unknown filter value is ignored, never an error."""

    q = forms.CharField(label=_("キーワード"), max_length=200, required=False)
    step = forms.ChoiceField(label=_("手順"), required=False)
    theme = forms.ChoiceField(label=_("テーマ"), required=False, choices=[("", _("すべて")), *Theme.choices])
    member_kind = forms.ChoiceField(
        label=_("自治体の種別"), required=False, choices=[("", _("すべて")), *MemberKind.choices]
    )
    region = forms.ChoiceField(label=_("地域ブロック"), required=False)

    def __init__(self, *args: Any, regions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [("", _("すべて")), *step_choices()]  # type: ignore[attr-defined]
        self.fields["region"].choices = [("", _("すべて")), *((r, r) for r in regions)]  # type: ignore[attr-defined]
