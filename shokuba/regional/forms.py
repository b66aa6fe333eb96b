"""Forms of the regional statistics pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shokuba.core.codes import CodeError, normalise_local_government_code
from shokuba.core.forms import AccessibleFormMixin
from shokuba.regional.indicators import INDICATOR_CODES
from shokuba.regional.labels import INDICATOR_LABELS, SEX_LABELS
from shokuba.regional.models import StatisticsTable

WINDOW_CHOICES = [("1", _("単年")), ("3", _("3年平均")), ("5", _("5年平均"))]
MEASURE_CHOICES = [("count", _("人数")), ("rate", _("人口千人あたり"))]
MAX_PEERS = 10


def indicator_choices() -> list[tuple[str, Any]]:
    return [(code, INDICATOR_LABELS[code]) for code in INDICATOR_CODES]


class AreaQueryForm(AccessibleFormMixin, forms.Form):
    """What the area page shows (GET)."""

    year = forms.TypedChoiceField(label=_("年"), coerce=int, required=False)
    window = forms.TypedChoiceField(
        label=_("期間"),
        choices=WINDOW_CHOICES,
        coerce=int,
        required=False,
        help_text=_("小さな市町村は複数年の合計で見ると安定します。"),
    )
    measure = forms.ChoiceField(label=_("グラフの単位"), choices=MEASURE_CHOICES, required=False)
    indicator = forms.ChoiceField(label=_("推移を見る指標"), required=False)
    peers = forms.CharField(
        label=_("比較する団体コード"),
        required=False,
        max_length=200,
        help_text=_(
            "5桁または6桁の団体コードを読点・カンマ・空白で区切って10件まで。参加自治体は下の一覧からも選べます。"
        ),
    )
    members = forms.MultipleChoiceField(label=_("比較する参加自治体"), required=False)

    def __init__(self, *args: Any, years: list[int], members: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year_field: Any = self.fields["year"]
        year_field.choices = [(str(y), str(y)) for y in reversed(years)]
        indicator_field: Any = self.fields["indicator"]
        indicator_field.choices = indicator_choices()
        member_field: Any = self.fields["members"]
        member_field.choices = members
        member_field.widget.attrs["size"] = "6"

    def clean_peers(self) -> list[str]:
        text = self.cleaned_data.get("peers", "")
        codes: list[str] = []
        for raw in text.replace("、", " ").replace(",", " ").split():
            try:
                codes.append(normalise_local_government_code(raw))
            except CodeError as exc:
                raise forms.ValidationError(str(exc)) from exc
        if len(codes) > MAX_PEERS:
            raise forms.ValidationError(_("比較先は%(n)d件までです。") % {"n": MAX_PEERS})
        return codes


class StatisticsUploadForm(AccessibleFormMixin, forms.Form):
    table = forms.ChoiceField(
        label=_("統計表"),
        choices=[("", _("ファイルの中身から判別する（おすすめ）")), *StatisticsTable.choices],
        required=False,
        help_text=_(
            "e-Stat のデータベースからダウンロードした表11は、転入者数・転出者数・転入超過数をまとめて取り込めます。"
        ),
    )
    year = forms.IntegerField(label=_("年"), min_value=1954, max_value=2100)
    file = forms.FileField(
        label=_("ファイル"),
        help_text=_(
            "e-Stat からダウンロードした Excel（.xlsx）か CSV（UTF-8・Shift_JIS）。全国の表でも、"
            "都道府県だけの表でもかまいません（ファイルにある地域だけを置き換えます）。"
        ),
    )
    replace = forms.BooleanField(
        label=_("取り込み済みの地域を置き換える"),
        required=False,
        help_text=_(
            "同じ統計表・年・地域がすでにあるときは、チェックすると一度に置き換えます（途中で失敗しても元のまま残ります）。"
        ),
    )


class StatisticsApiForm(AccessibleFormMixin, forms.Form):
    stats_data_id = forms.RegexField(
        label=_("統計表ID（statsDataId）"),
        regex=r"^[0-9]{10}$",
        error_messages={"invalid": _("統計表IDは10桁の数字です。")},
        help_text=_("e-Stat の「API」欄に表示される10桁の統計表ID。"),
    )
    table = forms.ChoiceField(
        label=_("統計表"),
        choices=[
            ("", _("応答にある表章項目をすべて")),
            *(
                (t.value, t.label)
                for t in (StatisticsTable.IN_MIGRANTS, StatisticsTable.OUT_MIGRANTS, StatisticsTable.NET_MIGRATION)
            ),
        ],
        required=False,
    )
    year = forms.IntegerField(label=_("年"), min_value=1954, max_value=2100)
    replace = forms.BooleanField(label=_("取り込み済みの地域を置き換える"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Shown on the imports page below StatisticsUploadForm, whose table, year and replace fields have the
        # same names: ids of its own, or labels reach the upload form's fields (the field names stay).
        kwargs.setdefault("auto_id", "api_%s")
        super().__init__(*args, **kwargs)


class OutcomeForm(AccessibleFormMixin, forms.Form):
    indicator = forms.ChoiceField(label=_("指標"))
    sex = forms.ChoiceField(label=_("対象"), choices=[(k, v) for k, v in SEX_LABELS.items()])
    baseline_year = forms.TypedChoiceField(label=_("基準年"), coerce=int)
    window_years = forms.TypedChoiceField(label=_("期間"), choices=WINDOW_CHOICES, coerce=int, initial="1")

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        # Shown on the area page beside AreaQueryForm, which has an `indicator` field too: ids of its own, or two
        # selects share id_indicator and the second has no label (the field names stay as they are).
        kwargs.setdefault("auto_id", "outcome_%s")
        super().__init__(*args, **kwargs)
        indicator_field: Any = self.fields["indicator"]
        indicator_field.choices = indicator_choices()
        year_field: Any = self.fields["baseline_year"]
        year_field.choices = [(str(y), str(y)) for y in years]
