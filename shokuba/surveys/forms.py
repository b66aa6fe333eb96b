"""Staff forms: starting from a template, editing a draft, creating a wave, head-counts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shokuba.core.forms import AccessibleFormMixin
from shokuba.surveys.instrument import ATTRIBUTES, NON_SUBSTANTIVE, STANDARD_SCALES, Question
from shokuba.surveys.models import WAVE_FISCAL_YEAR_MAX, WAVE_FISCAL_YEAR_MIN

QUESTION_TYPE_LABELS = {
    "single": _("単一選択（1つ選ぶ）"),
    "multiple": _("複数選択（いくつでも／上限あり）"),
    "likert": _("段階評価（4・5・7段階）"),
    "ranking": _("順位づけ（上から順に最大N個）"),
    "number": _("数値（範囲・単位つき）"),
    "text_short": _("自由記述（短文）"),
    "text_long": _("自由記述（長文）"),
    "matrix": _("表形式（複数の項目を同じ段階で評価）"),
}


def type_label(kind: str) -> str:
    return str(QUESTION_TYPE_LABELS.get(kind, kind))


class TemplateStartForm(AccessibleFormMixin, forms.Form):
    template_code = forms.CharField(widget=forms.HiddenInput)
    title = forms.CharField(
        label=_("調査票の名称"), required=False, max_length=200, help_text=_("空欄のときはひな型の名称になります。")
    )


class DraftMetaForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label=_("調査票の名称"), max_length=200)
    purpose = forms.CharField(
        label=_("調査の目的（回答者に表示）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    attributes = forms.MultipleChoiceField(
        label=_("回答者の属性として尋ねる項目"),
        required=False,
        choices=[(a.code, a.label) for a in ATTRIBUTES.values()],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("分析に必要なものだけを選んでください。区分は必要以上に細かくしません。"),
    )


class QuestionAddForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("質問の種類"), choices=list(QUESTION_TYPE_LABELS.items()))
    text = forms.CharField(label=_("質問文"), max_length=500)


class QuestionEditForm(AccessibleFormMixin, forms.Form):
    """The settings of one question; its choices or statements are edited as rows next to it (see views)."""

    text = forms.CharField(label=_("質問文"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    help = forms.CharField(label=_("補足説明"), required=False, max_length=500)
    section = forms.CharField(label=_("見出し（区切り）"), required=False, max_length=100)
    required = forms.BooleanField(label=_("回答を必須にする"), required=False)
    scale = forms.ChoiceField(label=_("尺度"), required=False)
    non_substantive = forms.MultipleChoiceField(
        label=_("尺度とは別に用意する選択肢"),
        required=False,
        choices=list(NON_SUBSTANTIVE.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("「わからない」「答えたくない」は尺度の値に含めずに集計します。"),
    )
    max_choices = forms.IntegerField(label=_("選べる数の上限"), required=False, min_value=1, max_value=50)
    minimum = forms.DecimalField(label=_("最小値"), required=False)
    maximum = forms.DecimalField(label=_("最大値"), required=False)
    unit = forms.CharField(label=_("単位"), required=False, max_length=20)
    integer = forms.BooleanField(label=_("整数のみ"), required=False)
    show_if_question = forms.ChoiceField(label=_("表示条件：前の質問"), required=False)
    show_if_values = forms.CharField(
        label=_("表示条件：その質問の回答（選択肢コード、カンマ区切り）"),
        required=False,
        max_length=200,
        help_text=_("例：1,2　前の質問でこの回答を選んだ人にだけ表示します。"),
    )

    def __init__(
        self, *args: Any, question: Question, scales: dict[str, str], earlier: list[Question], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        kind = question.type
        scale_field: Any = self.fields["scale"]
        scale_field.choices = [(code, label) for code, label in scales.items()]
        condition_field: Any = self.fields["show_if_question"]
        condition_field.choices = [("", _("（条件なし：常に表示）"))] + [
            (q.code, f"{q.code} {q.text[:30]}") for q in earlier if q.type in {"single", "multiple", "likert"}
        ]
        keep = {"text", "help", "section", "required", "show_if_question", "show_if_values"}
        if kind in {"likert", "matrix"}:
            keep |= {"scale", "non_substantive"}
        if kind in {"multiple", "ranking"}:
            keep.add("max_choices")
        if kind == "number":
            keep |= {"minimum", "maximum", "unit", "integer"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("show_if_question") and not str(cleaned.get("show_if_values", "")).strip():
            self.add_error("show_if_values", _("表示する条件となる回答の選択肢コードを入力してください。"))
        return cleaned


def scale_choices(definition_scales: dict[str, Any]) -> dict[str, str]:
    choices = {code: scale.label for code, scale in STANDARD_SCALES.items()}
    for code, raw in definition_scales.items():
        choices[code] = str(raw.get("label", code))
    return choices


class WaveForm(AccessibleFormMixin, forms.Form):
    version = forms.ChoiceField(label=_("調査票（公開済みの版）"))
    name = forms.CharField(label=_("調査の名称"), max_length=120, help_text=_("例：2026年度 ベースライン調査"))
    fiscal_year = forms.IntegerField(label=_("年度"), min_value=WAVE_FISCAL_YEAR_MIN, max_value=WAVE_FISCAL_YEAR_MAX)
    opens_on = forms.DateField(label=_("回答受付の開始日"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("回答受付の終了日"), widget=forms.DateInput(attrs={"type": "date"}))
    public_link = forms.BooleanField(
        label=_("全体で1つのリンクを使う（住民向けの調査など）"),
        required=False,
    )
    organisations = forms.MultipleChoiceField(
        label=_("参加する企業・団体"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("企業・団体ごとに専用のリンクと QR コードを作ります。"),
    )

    def __init__(
        self, *args: Any, versions: list[tuple[str, str]], organisations: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        version_field: Any = self.fields["version"]
        version_field.choices = versions
        organisation_field: Any = self.fields["organisations"]
        organisation_field.choices = organisations

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("opens_on"), cleaned.get("closes_on")
        if start and end and end < start:
            self.add_error("closes_on", _("終了日は開始日と同じか、それより後の日付にしてください。"))
        return cleaned


class WaveOrganisationsForm(AccessibleFormMixin, forms.Form):
    organisations = forms.MultipleChoiceField(label=_("追加する企業・団体"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organisations"]
        field.choices = organisations


class HeadcountForm(AccessibleFormMixin, forms.Form):
    expected_headcount = forms.IntegerField(
        label=_("対象人数（見込み）"), required=False, min_value=1, max_value=1_000_000
    )


class ResponsesImportForm(AccessibleFormMixin, forms.Form):
    """Upload of a filled import sheet (paper forms typed in, or responses collected in Excel)."""

    file = forms.FileField(
        label=_("回答を入力したファイル"),
        help_text=_(
            "取込用シートに入力した Excel（.xlsx）か CSV（UTF-8・Shift_JIS）。"
            "すべての行を取り込むか、1行も取り込まないかのどちらかです。"
        ),
    )
    channel = forms.ChoiceField(
        label=_("回答の集め方"),
        choices=[("paper", _("紙の調査票を入力した")), ("excel", _("Excel などで集めた"))],
        initial="paper",
        widget=forms.RadioSelect,
    )


class WaveDatesForm(AccessibleFormMixin, forms.Form):
    opens_on = forms.DateField(label=_("回答受付の開始日"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("回答受付の終了日"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        start, end = cleaned.get("opens_on"), cleaned.get("closes_on")
        if start and end and end < start:
            self.add_error("closes_on", _("終了日は開始日と同じか、それより後の日付にしてください。"))
        return cleaned
