"""The Django side of definitions.py: labels, units, definitions and problem messages through gettext (Japanese
first). The pure modules (definitions, diagnosis, picture) keep their texts Japanese and marked with `gettext_noop`;
every page, form, chart and export shows them through these functions."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from shokuba.workplace import definitions, readiness


def text(message: str) -> str:
    """A Japanese text of the pure modules in the active language ("" stays "": gettext("") is the header)."""
    return _(message) if message else ""


def label(code: str) -> str:
    """An input's, indicator's or arrangement's label in the active language."""
    return _(definitions.label_of(code))


def unit(name: str) -> str:
    """A unit of the definitions ("人", "時間", "年", "倍", "%") in the active language."""
    if name == definitions.UNITS["years"]:
        return pgettext("unit", "年")  # the bare 「年」 is also the word "Year" (a column header)
    return _(name) if name and name != definitions.PERCENT else name


def with_unit(label_text: str, unit_text: str) -> str:
    """「女性の平均継続勤務年数（年）」: a translated label with its translated unit (fields, headers, chart titles)."""
    return _("%(label)s（%(unit)s）") % {"label": label_text, "unit": unit_text}


def quantity(number: str, name: str) -> str:
    """A formatted number with its unit: 「30.5%」「12.3時間」「1.25倍」 (in English "30.5%", "12.3 hours", "1.25×")."""
    return readiness.amount_text(number, name)


def problem_message(problem: definitions.Problem) -> str:
    params = dict(problem.params)
    for key in ("label", "total_label", "indicator"):
        if isinstance(params.get(key), str):
            params[key] = _(params[key])
    if "unit" in params:
        params["unit"] = unit(params["unit"])
    return _(problem.template) % params
