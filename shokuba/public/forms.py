"""The publishing pages' forms (fields and widgets; the services validate) and the public search form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shokuba.core.forms import AccessibleFormMixin, LocalGovernmentCodeField
from shokuba.network.models import Industry, MemberKind
from shokuba.public.models import EmploymentType, SalaryUnit
from shokuba.workplace.definitions import ARRANGEMENTS, INDICATORS
from shokuba.workplace.messages import label as workplace_label

DATE = forms.DateInput(attrs={"type": "date"})


class MemberPublicationForm(AccessibleFormMixin, forms.Form):
    published = forms.BooleanField(label=_("この自治体のページを公開する"), required=False)
    summary = forms.CharField(
        label=_("取組の紹介"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        required=False,
        help_text=_("公開サイトの自治体ページの冒頭に表示します。"),
    )
    kpi_ids = forms.TypedMultipleChoiceField(
        label=_("公開するKPI"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    initiative_ids = forms.TypedMultipleChoiceField(
        label=_("公開する取組"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    wave_ids = forms.TypedMultipleChoiceField(
        label=_("主な結果を公開する調査（終了したもの）"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("結果は集計・分析ページと同じ秘匿の基準を通した割合だけを表示します（回答数は表示しません）。"),
    )

    def __init__(self, *args: Any, kpis: Any = (), initiatives: Any = (), waves: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kpi_ids"].choices = [(k.pk, k.name) for k in kpis]  # type: ignore[attr-defined]
        self.fields["initiative_ids"].choices = [(i.pk, i.title) for i in initiatives]  # type: ignore[attr-defined]
        self.fields["wave_ids"].choices = [  # type: ignore[attr-defined]
            (w.pk, f"{w.name}（{w.fiscal_year}）") for w in waves
        ]


class OrganisationProfileForm(AccessibleFormMixin, forms.Form):
    published = forms.BooleanField(label=_("公開サイトにプロフィールを公開する"), required=False)
    introduction = forms.CharField(
        label=_("紹介文"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, required=False
    )
    recruiting_url = forms.CharField(
        label=_("採用ページのURL"),
        max_length=500,
        required=False,
        help_text=_("https:// で始まるURL"),
        widget=forms.URLInput,
    )
    show_certifications = forms.BooleanField(label=_("認定（えるぼし・くるみん等）を公開する"), required=False)


def indicator_choices() -> list[tuple[str, Any]]:
    return [(i.code, workplace_label(i.code)) for i in INDICATORS]


class IndicatorPublicationForm(AccessibleFormMixin, forms.Form):
    indicators = forms.MultipleChoiceField(
        label=_("公開する指標"), required=False, widget=forms.CheckboxSelectMultiple, choices=indicator_choices
    )
    show_arrangements = forms.BooleanField(label=_("柔軟な働き方の制度を公開する"), required=False)


class JobPostingForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label=_("職種・求人の名称"), max_length=120)
    description = forms.CharField(
        label=_("仕事の内容・応募資格"), widget=forms.Textarea(attrs={"rows": 8}), max_length=8000
    )
    employment_type = forms.ChoiceField(label=_("雇用形態"), choices=EmploymentType.choices)
    location = LocalGovernmentCodeField(label=_("勤務地（団体コード）"))
    salary_min = forms.IntegerField(label=_("給与（下限・円）"), min_value=0, max_value=100_000_000, required=False)
    salary_max = forms.IntegerField(label=_("給与（上限・円）"), min_value=0, max_value=100_000_000, required=False)
    salary_unit = forms.ChoiceField(label=_("給与の単位"), choices=[("", "—"), *SalaryUnit.choices], required=False)
    valid_through = forms.DateField(label=_("募集の締切日"), widget=DATE)


def _choices(items: Any) -> list[tuple[str, Any]]:
    return [("", _("すべて")), *items]


class MemberFilterForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("種別"), required=False)
    prefecture = forms.ChoiceField(label=_("都道府県"), required=False)
    region = forms.ChoiceField(label=_("ブロック"), required=False)

    def __init__(self, *args: Any, prefectures: Any = (), regions: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _choices(MemberKind.choices)  # type: ignore[attr-defined]
        self.fields["prefecture"].choices = _choices(prefectures)  # type: ignore[attr-defined]
        self.fields["region"].choices = _choices([(r, r) for r in regions])  # type: ignore[attr-defined]


class OrganisationSearchForm(AccessibleFormMixin, forms.Form):
    prefecture = forms.ChoiceField(label=_("勤務地の都道府県"), required=False)
    member = forms.ChoiceField(label=_("参加自治体"), required=False)
    industry = forms.ChoiceField(label=_("業種"), required=False)
    women_manager_ratio = forms.FloatField(
        label=_("女性管理職比率（%以上）"), required=False, min_value=0, max_value=100
    )
    male_childcare_leave_rate = forms.FloatField(
        label=_("男性の育児休業等取得率（%以上）"), required=False, min_value=0, max_value=500
    )
    paid_leave_rate = forms.FloatField(
        label=_("年次有給休暇の取得率（%以上）"), required=False, min_value=0, max_value=100
    )
    avg_monthly_overtime = forms.FloatField(
        label=_("月平均残業時間（時間以下）"), required=False, min_value=0, max_value=300
    )
    flexible = forms.ChoiceField(label=_("柔軟な働き方"), required=False)

    def __init__(self, *args: Any, prefectures: Any = (), members: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["prefecture"].choices = _choices(prefectures)  # type: ignore[attr-defined]
        self.fields["member"].choices = _choices(members)  # type: ignore[attr-defined]
        self.fields["industry"].choices = _choices(Industry.choices)  # type: ignore[attr-defined]
        self.fields["flexible"].choices = _choices(  # type: ignore[attr-defined]
            [(a.code, _(a.label)) for a in ARRANGEMENTS]
        )
