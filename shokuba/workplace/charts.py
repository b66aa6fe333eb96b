"""The self-diagnosis profile chart (Vega-Lite), drawn and rendered by the one renderer, shokuba.core.charts."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from shokuba.core.charts import TOTAL_COLOUR, WOMEN_COLOUR, Chart, base_spec, table_number
from shokuba.workplace.definitions import format_number
from shokuba.workplace.diagnosis import Diagnosis
from shokuba.workplace.messages import with_unit

PEER_COLOUR = "#9ca3af"


def comparison_labels() -> dict[str, str]:
    return {
        "programme_size_band": _("取組内・同じ規模の中央値"),
        "programme_industry": _("取組内・同じ業種の中央値"),
        "network_size_band": _("ネットワーク・同じ規模の中央値"),
        "network_industry": _("ネットワーク・同じ業種の中央値"),
    }


def profile_chart(*, organisation_name: str, year: int, diagnosis: Diagnosis, threshold: int = 5) -> Chart:
    """One small bar chart per indicator (its own scale and unit): the organisation beside the peer medians that
    are shown (suppressed medians are left out, never drawn as zero)."""
    own = _("自社・団体")
    labels = comparison_labels()
    values: list[dict[str, Any]] = []
    for row in diagnosis.rows:
        if row.value is None:
            continue
        title = with_unit(row.label, row.unit)  # both in the active language (insights.diagnose)
        values.append({"indicator": title, "series": own, "value": round(row.value, 2), "order": 0})
        for i, (name, comparison) in enumerate(row.comparisons.items(), start=1):
            if comparison.median is not None:
                values.append(
                    {"indicator": title, "series": labels[name], "value": round(comparison.median, 2), "order": i}
                )
    subtitle = [_("中央値は比べる企業・団体が%(n)d以上のときだけ表示します") % {"n": threshold}]
    spec = base_spec(
        _("%(name)sの職場の指標（%(year)d年度）") % {"name": organisation_name, "year": year},
        subtitle,
        height=60,
    )
    spec.pop("height", None)
    series = [own, *labels.values()]
    spec.update(
        {
            "data": {"values": values},
            "facet": {
                "row": {
                    "field": "indicator",
                    "type": "nominal",
                    "title": None,
                    "header": {"labelAngle": 0, "labelAlign": "left", "labelAnchor": "start", "labelOrient": "top"},
                }
            },
            "spec": {
                "width": 300,  # a facet cannot fill its container; narrow enough for a phone, scrolls if not
                "height": {"step": 14},
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "y": {"field": "series", "type": "nominal", "sort": series, "title": None, "axis": None},
                    "x": {"field": "value", "type": "quantitative", "title": None, "axis": {"tickCount": 4}},
                    "color": {
                        "field": "series",
                        "type": "nominal",
                        "title": None,
                        "scale": {
                            "domain": series,
                            "range": [WOMEN_COLOUR, TOTAL_COLOUR, "#6b7280", PEER_COLOUR, "#d1d5db"],
                        },
                    },
                },
            },
            "resolve": {"scale": {"x": "independent"}},
        }
    )
    spec.pop("width", None)
    header = [_("指標"), _("単位"), own, *labels.values()]
    body: list[list[Any]] = []
    shown: list[list[str]] = []
    for row in diagnosis.rows:
        medians = [row.comparisons[n].median if n in row.comparisons else None for n in labels]
        body.append([row.label, row.unit, table_number(row.value), *(table_number(m) for m in medians)])
        shown.append(
            [row.label, row.unit, format_number(row.value), *("—" if m is None else format_number(m) for m in medians)]
        )
    return Chart("profile", spec["title"]["text"], spec, header, body, shown)
