"""The Django side of definitions.py: labels and problem messages through gettext (Japanese first)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from shokuba.workplace import definitions


def label(code: str) -> str:
    """An input's, indicator's or arrangement's label in the active language."""
    return _(definitions.label_of(code))


def problem_message(problem: definitions.Problem) -> str:
    params = dict(problem.params)
    for key in ("label", "total_label", "indicator"):
        if isinstance(params.get(key), str):
            params[key] = _(params[key])
    if "unit" in params:
        params["unit"] = _(params["unit"])
    return _(problem.template) % params
