"""Forms of the recognition scheme and the referral directory."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shokuba.core.forms import AccessibleFormMixin
from shokuba.workplace.definitions import INDICATORS
from shokuba.workplace.messages import label
from shokuba.workplace.models import Referral

CRITERION_ROWS = 3
OP_CHOICES = [(">=", _("以上")), (">", _("より大きい")), ("<=", _("以下")), ("<", _("未満"))]


class RecognitionStageForm(AccessibleFormMixin, forms.Form):
    order = forms.IntegerField(label=_("順番"), min_value=1, max_value=20, help_text=_("1 が最初の段階（例：登録）"))
    name = forms.CharField(label=_("段階の名称"), max_length=60)
    description = forms.CharField(label=_("説明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    require_two_thirds = forms.BooleanField(
        label=_("従業員アンケートの3分の2基準を求める"),
        required=False,
        help_text=_("全体・男性・女性のそれぞれ3分の2以上が職場を肯定的に評価していること"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        indicator_choices = [("", _("（使わない）")), *((i.code, label(i.code)) for i in INDICATORS)]
        for n in range(1, CRITERION_ROWS + 1):
            self.fields[f"indicator_{n}"] = forms.ChoiceField(
                label=_("基準%(n)d：指標") % {"n": n}, choices=indicator_choices, required=False
            )
            self.fields[f"op_{n}"] = forms.ChoiceField(
                label=_("基準%(n)d：比較") % {"n": n}, choices=OP_CHOICES, required=False
            )
            self.fields[f"value_{n}"] = forms.FloatField(label=_("基準%(n)d：基準値") % {"n": n}, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        criteria = []
        for n in range(1, CRITERION_ROWS + 1):
            indicator = data.get(f"indicator_{n}")
            if not indicator:
                continue
            if data.get(f"value_{n}") is None:
                self.add_error(f"value_{n}", _("指標を選んだときは基準値を入力してください。"))
                continue
            criteria.append({"indicator": indicator, "op": data.get(f"op_{n}") or ">=", "value": data[f"value_{n}"]})
        data["criteria"] = criteria
        return data

    def criterion_rows(self) -> list[tuple[Any, Any, Any]]:
        return [(self[f"indicator_{n}"], self[f"op_{n}"], self[f"value_{n}"]) for n in range(1, CRITERION_ROWS + 1)]

    @classmethod
    def initial_for(cls, stage: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "order": stage.order,
            "name": stage.name,
            "description": stage.description,
            "require_two_thirds": stage.require_two_thirds,
        }
        for n, criterion in enumerate(stage.criteria[:CRITERION_ROWS], start=1):
            initial.update(
                {f"indicator_{n}": criterion["indicator"], f"op_{n}": criterion["op"], f"value_{n}": criterion["value"]}
            )
        return initial


class ReferralForm(AccessibleFormMixin, forms.ModelForm):
    url = forms.URLField(label=_("ウェブサイト"), required=False, assume_scheme="https")
    source_url = forms.URLField(label=_("出典のURL"), required=False, assume_scheme="https")

    class Meta:
        model = Referral
        fields = ["name", "url", "phone", "address", "note", "source_title", "source_url", "verified", "verified_on"]
        widgets = {"verified_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "phone": _("公式サイトで確かめた番号だけを入力してください。"),
            "address": _("公式サイトで確かめた所在地だけを入力してください。"),
            "source_title": _("確かめたページの名称（例：厚生労働省「都道府県労働局（所在地一覧）」）。"),
            "verified": _("出典で確認した"),
            "verified_on": _("出典で確認した日。確認済みにするときは必須です。"),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("verified") and not data.get("verified_on"):
            self.add_error("verified_on", _("確認済みにするときは確認日を入力してください。"))
        if data.get("verified") and not (data.get("source_url") or data.get("source_title")):
            self.add_error("source_title", _("確認済みにするときは出典を入力してください。"))
        return data
