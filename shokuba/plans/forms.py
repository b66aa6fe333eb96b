"""The plan pages' forms: fields and their widgets only; the services validate (and the views put their errors
back on these forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shokuba.core.forms import AccessibleFormMixin
from shokuba.guidebook.models import Step
from shokuba.plans.models import InitiativeStatus, KpiSource, ReportVariant
from shokuba.plans.services import INITIATIVE_STEPS
from shokuba.regional.labels import indicator_label
from shokuba.workplace.messages import label as workplace_label
from shokuba.workplace.picture import PICTURE_INDICATORS


def year_field(label: Any, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=2000, max_value=2100, **kwargs)


DATE = forms.DateInput(attrs={"type": "date"})


class PlanForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label=_("計画の名称"), max_length=120)
    vision = forms.CharField(label=_("目指す姿"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    goals = forms.CharField(label=_("目標"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, required=False)
    start_year = year_field(_("計画の開始年度"))
    end_year = year_field(_("計画の終了年度"))


def _indicator_choices() -> list[tuple[str, Any]]:
    return (
        [("", "—")]
        + [(code, workplace_label(code)) for code in PICTURE_INDICATORS]
        + [(code, indicator_label(code)) for code in ("recovery_rate", "net_rate_total")]
    )


class KpiForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label=_("KPIの名前"), max_length=120)
    source = forms.ChoiceField(label=_("値の出どころ"), choices=KpiSource.choices)
    item_code = forms.CharField(
        label=_("調査項目コード"),
        max_length=32,
        required=False,
        help_text=_("調査の値のとき。例: WS-Z01（働きやすい）"),
    )
    group = forms.ChoiceField(
        label=_("対象の回答者"),
        choices=[("", _("全体")), ("F", _("女性")), ("M", _("男性"))],
        required=False,
        help_text=_("5人未満になる回答者の集団は表示せず、「判断できない」になります。"),
    )
    indicator = forms.ChoiceField(
        label=_("指標"), choices=_indicator_choices, required=False, help_text=_("職場の指標・人口移動の指標のとき。")
    )
    sex = forms.ChoiceField(
        label=_("性別"),
        choices=[("", "—"), ("T", _("総数")), ("F", _("女性")), ("M", _("男性"))],
        required=False,
        help_text=_("人口移動の指標のとき。"),
    )
    window_years = forms.IntegerField(label=_("平均する年数"), min_value=1, max_value=5, initial=1, required=False)
    unit = forms.CharField(label=_("単位"), max_length=16, required=False, help_text=_("手入力のとき。例: 人"))
    baseline_year = year_field(_("基準年度"))
    baseline_value = forms.FloatField(
        label=_("基準値（手入力）"),
        required=False,
        help_text=_("空欄なら、基準年度以降の最初の値を出どころから読み取ります。"),
    )
    target_value = forms.FloatField(label=_("目標値"))
    target_year = year_field(_("目標年度"))
    internal = forms.BooleanField(label=_("内部用（公表版に載せない）"), required=False)
    notes = forms.CharField(label=_("メモ"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False)


class ManualValueForm(AccessibleFormMixin, forms.Form):
    fiscal_year = year_field(_("年度"))
    value = forms.FloatField(label=_("値"))
    note = forms.CharField(label=_("メモ"), max_length=255, required=False)
    file = forms.FileField(label=_("根拠資料"), help_text=_("PDF、画像、Word、Excel、CSV など。"))


class InitiativeForm(AccessibleFormMixin, forms.Form):
    step = forms.ModelChoiceField(
        label=_("ガイドブックの取組"), queryset=Step.objects.filter(code__in=INITIATIVE_STEPS).order_by("position")
    )
    title = forms.CharField(label=_("取組の名前"), max_length=120)
    owner = forms.CharField(label=_("担当"), max_length=80)
    starts_on = forms.DateField(label=_("開始予定日"), widget=DATE)
    ends_on = forms.DateField(label=_("終了予定日"), widget=DATE)
    status = forms.ChoiceField(label=_("状況"), choices=InitiativeStatus.choices)
    internal = forms.BooleanField(label=_("内部用（公表版に載せない）"), required=False)
    notes = forms.CharField(label=_("メモ"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False)


class ReviewForm(AccessibleFormMixin, forms.Form):
    done = forms.CharField(label=_("実施したこと（Do）"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    checked = forms.CharField(label=_("評価（Check）"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    next_actions = forms.CharField(
        label=_("改善（Action）"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, required=False
    )
    reviewed_on = forms.DateField(label=_("振り返りの日"), widget=DATE)
    internal = forms.BooleanField(label=_("内部用（公表版に載せない）"), required=False)


class ApproveForm(AccessibleFormMixin, forms.Form):
    approved_on = forms.DateField(label=_("承認日"), widget=DATE)
    body = forms.CharField(
        label=_("承認した会議"), max_length=120, help_text=_("例: 豊岡市ワークイノベーション推進会議")
    )
    note = forms.CharField(
        label=_("変更の説明"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class ReportForm(AccessibleFormMixin, forms.Form):
    fiscal_year = year_field(_("年度"))
    variant = forms.ChoiceField(label=_("種類"), choices=ReportVariant.choices)
