"""The entry form for one organisation-year (fields made from definitions.py) and the import form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shokuba.core.forms import AccessibleFormMixin
from shokuba.workplace import definitions
from shokuba.workplace.messages import label, text, unit, with_unit
from shokuba.workplace.models import FISCAL_YEAR_MAX, FISCAL_YEAR_MIN, ImportKind, MaleLeaveFormula


class FigureField(forms.CharField):
    """A number as people type it: full-width digits, separators and the unit accepted; blank, "-" and "…" mean
    not disclosed (None)."""

    def __init__(self, *, integer: bool = False, **kwargs: Any) -> None:
        self.integer = integer
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric" if integer else "decimal", "autocomplete": "off"})

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]
        text = super().to_python(value)
        try:
            return definitions.parse_number(text)
        except definitions.CellError as exc:
            raise forms.ValidationError(
                _("数字で入力してください（「%(value)s」は数字として読み取れません）。") % {"value": str(text)[:40]},
                code="not_a_number",
            ) from exc


def _figure_text(value: Any) -> str:
    if value is None:
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else str(number)


class IndicatorYearForm(AccessibleFormMixin, forms.Form):
    """Fields: each input code, the pay gaps as ratios, the male-leave formula, each arrangement."""

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        initial: dict[str, Any] = {}
        if instance is not None:
            initial.update({code: _figure_text(v) for code, v in instance.raw.items()})
            initial["male_childcare_leave_formula"] = instance.male_childcare_leave_formula
            initial.update(instance.arrangements)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for spec in definitions.INPUTS:
            self.fields[spec.code] = FigureField(
                label=with_unit(label(spec.code), unit(spec.unit)),
                integer=spec.integer,
                help_text=text(spec.help),
            )
        for code in definitions.DIRECT_ON_FORM:
            self.fields[code] = FigureField(
                label=_("%(label)s（%%）を直接入力") % {"label": label(code)},
                help_text=_("男女別の平均賃金がわからないときだけ入力してください（平均賃金の入力が優先されます）。"),
            )
        self.fields["male_childcare_leave_formula"] = forms.ChoiceField(
            label=_("男性の育児休業等取得率の算定式"),
            choices=[(k, _(v)) for k, v in definitions.MALE_LEAVE_FORMULAS.items()],
            widget=forms.RadioSelect,
            initial=MaleLeaveFormula.LEAVE,
            help_text=_("公表に用いる算定式を選んでください。選んだ式を記録します。"),
        )
        for arrangement in definitions.ARRANGEMENTS:
            self.fields[arrangement.code] = forms.BooleanField(
                label=label(arrangement.code), required=False, help_text=text(arrangement.help)
            )

    def raw(self) -> dict[str, float]:
        codes = [*definitions.INPUTS_BY_CODE, *definitions.DIRECT_ON_FORM]
        cleaned = getattr(self, "cleaned_data", {})
        return {c: cleaned[c] for c in codes if cleaned.get(c) is not None}

    def arrangements(self) -> dict[str, bool]:
        return {c: bool(self.cleaned_data.get(c)) for c in definitions.ARRANGEMENTS_BY_CODE}

    def groups(self) -> list[dict[str, Any]]:
        """Fields by group, each group with the legal definitions of its indicators (for the template)."""
        result = []
        for group, group_label in definitions.GROUPS.items():
            codes = [i.code for i in definitions.INPUTS if i.group == group]
            codes += [c for c in definitions.DIRECT_ON_FORM if definitions.INDICATORS_BY_CODE[c].group == group]
            indicators = [i for i in definitions.INDICATORS if i.group == group]
            result.append(
                {
                    "code": group,
                    "label": text(group_label),
                    "fields": [self[c] for c in codes],
                    "indicators": indicators,
                }
            )
        return result

    def apply_errors(self, errors: dict[str, list[Any]]) -> None:
        """A service's errors (keyed by input or indicator code) next to the field they concern."""
        for code, messages in errors.items():
            target: str | None = code if code in self.fields else None
            if target is None and code in definitions.INDICATORS_BY_CODE:
                inputs = [c for c in definitions.INDICATORS_BY_CODE[code].inputs if c in self.fields]
                target = inputs[-1] if inputs else None
            self.add_error(target, messages)


def fiscal_year_choices(current: int) -> list[tuple[int, str]]:
    return [(y, _("%(year)d年度") % {"year": y}) for y in range(current, current - 6, -1)]


class ImportForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("ファイルの種類"),
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
        initial=ImportKind.TEMPLATE,
    )
    fiscal_year = forms.IntegerField(
        label=gettext_lazy("年度"),
        min_value=FISCAL_YEAR_MIN,
        max_value=FISCAL_YEAR_MAX,
        required=False,
        help_text=gettext_lazy(
            "女性の活躍推進企業データベースの値を記録する年度（西暦）。所定の様式では「年度」列が優先されます。"
        ),
    )
    file = forms.FileField(
        label=gettext_lazy("ファイル"),
        help_text=gettext_lazy("Excel（.xlsx）、CSV、または CSV を含む ZIP。"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ImportKind.WDB and not data.get("fiscal_year"):
            self.add_error("fiscal_year", _("女性の活躍推進企業データベースを取り込む年度を入力してください。"))
        return data
