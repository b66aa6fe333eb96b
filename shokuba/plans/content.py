"""The effect-verification report's content for one fiscal year: one JSON-ready dict from which the PDF and the XLSX
are both drawn, so they carry the same numbers. Deterministic: the same data gives the same content (no time of
building inside; `content_hash` is its SHA-256, printed on the cover and in the workbook).

Every figure comes from `readings` (KPIs) or the same sources' own gates: survey figures through the wave's gate,
workplace medians under the organisations' threshold, register statistics as published, participation counts. The
public variant leaves out what the coordinator marked internal (KPIs, initiatives, reviews).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from shokuba.analysis.progress import STATUS_LABELS
from shokuba.core.dates import fiscal_year_bounds
from shokuba.core.privacy import min_group_size
from shokuba.network.models import Organisation
from shokuba.plans.models import Plan, ReportVariant
from shokuba.plans.readings import Context, Point, Reading, plan_readings, source_label, wave_provenance
from shokuba.regional.labels import indicator_label
from shokuba.results import analyses as results_analyses
from shokuba.surveys.selectors import response_counts
from shokuba.workplace import picture
from shokuba.workplace.messages import label as workplace_label

Progress = Callable[[int, str], None]


def _round(value: float | None, digits: int = 2) -> float | None:
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return None
    return round(float(value), digits)


def content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


class _Sources:
    """The provenance appendix: each distinct source once, referred to by its number (S1, S2 …)."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []
        self._index: dict[str, str] = {}

    def ref(self, provenance: dict[str, Any]) -> str:
        if not provenance:
            return ""
        key = json.dumps(provenance, ensure_ascii=False, sort_keys=True, default=str)
        if key not in self._index:
            ref = f"S{len(self.entries) + 1}"
            self._index[key] = ref
            self.entries.append({"ref": ref, **json.loads(key)})
        return self._index[key]


def _point(point: Point | None, sources: _Sources) -> dict[str, Any] | None:
    if point is None:
        return None
    return {
        "label": point.label,
        "fiscal_year": point.fiscal_year,
        "t": _round(point.t, 4),
        "value": _round(point.value),
        "low": _round(point.low),
        "high": _round(point.high),
        "n": point.n,
        "hidden": point.hidden,
        "note": point.note,
        "source": sources.ref(point.provenance),
    }


def _kpi(reading: Reading, sources: _Sources) -> dict[str, Any]:
    kpi, judgement = reading.kpi, reading.judgement
    return {
        "name": kpi.name,
        "source": source_label(kpi),
        "source_kind": kpi.source,
        "unit": reading.unit,
        "internal": kpi.internal,
        "baseline_year": kpi.baseline_year,
        "baseline": _point(reading.baseline, sources),
        "target": _round(kpi.target_value),
        "target_year": kpi.target_year,
        "latest": _point(reading.latest, sources),
        "change": _round(judgement.change),
        # A figure without sampling error has no interval to print (its "interval" is the change itself).
        "change_low": None if reading.exact else _round(judgement.change_low),
        "change_high": None if reading.exact else _round(judgement.change_high),
        "pace": _round(judgement.pace),
        "attainment": _round(judgement.attainment, 1),
        "status": judgement.status,
        "status_label": _(STATUS_LABELS[judgement.status]),
        "reason": judgement.reason,
        "exact": reading.exact,
        "definition": reading.definition,
        "points": [_point(p, sources) for p in reading.points],
    }


def _summary(kpis: list[dict[str, Any]], fiscal_year: int) -> list[str]:
    counts = {s: sum(1 for k in kpis if k["status"] == s) for s in STATUS_LABELS}
    lines = [
        _(
            "%(year)d年度の時点で、KPI %(n)d件のうち「順調」%(on)d件、「遅れ」%(behind)d件、"
            "「判断できない」%(unknown)d件です。"
        )
        % {
            "year": fiscal_year,
            "n": len(kpis),
            "on": counts["on_track"],
            "behind": counts["behind"],
            "unknown": counts["unknown"],
        },
        _(
            "「順調」は、基準値からの変化が誤差の範囲（95%信頼区間）を超えて目標の方向にあり、目標年度に向けたペースに"
            "達しているものです。変化が誤差の範囲内のものは、進んでいるとは言わず「判断できない」としています。"
        ),
    ]
    for k in kpis:
        if k["latest"] and k["latest"]["value"] is not None and k["baseline"] and k["baseline"]["value"] is not None:
            lines.append(
                _("%(name)s: 基準 %(base)s%(unit)s → 最新 %(latest)s%(unit)s（目標 %(target)s%(unit)s・%(status)s）")
                % {
                    "name": k["name"],
                    "base": k["baseline"]["value"],
                    "latest": k["latest"]["value"],
                    "target": k["target"],
                    "unit": k["unit"],
                    "status": k["status_label"],
                }
            )
        else:
            lines.append(_("%(name)s: %(reason)s") % {"name": k["name"], "reason": k["reason"]})
    return lines


def _two_thirds(context: Context, fiscal_year: int, sources: _Sources) -> list[dict[str, Any]]:
    rows = []
    for wave in context.waves():
        if wave.fiscal_year > fiscal_year:
            continue
        if not all(code in context.items(wave) for code in results_analyses.RECOGNITION_ITEMS):
            continue
        verdicts = context.verdicts(wave)
        rows.append(
            {
                "wave": wave.name,
                "fiscal_year": wave.fiscal_year,
                "meets": sum(1 for v in verdicts if v.verdict == "meets"),
                "does_not_meet": sum(1 for v in verdicts if v.verdict == "does_not_meet"),
                "too_few": sum(1 for v in verdicts if v.verdict == "too_few"),
                "source": sources.ref(wave_provenance(wave, context.scope(wave))),
            }
        )
    return rows


def _workplace(context: Context, fiscal_year: int) -> list[dict[str, Any]]:
    summary = picture.summarise(context.workplace_rows(), by=())
    whole = summary.group(picture.ALL)
    rows = []
    for year in [y for y in summary.years if fiscal_year - 1 <= y <= fiscal_year]:
        for code in picture.PICTURE_INDICATORS:
            cell = whole.years[year][code] if whole else None
            if cell is None or cell.n == 0:
                continue
            rows.append(
                {
                    "indicator": workplace_label(code),
                    "fiscal_year": year,
                    "organisations": cell.n,
                    "median": None if cell.hidden else _round(cell.median),
                    "hidden": cell.hidden,
                }
            )
    return rows


def _migration(context: Context, fiscal_year: int) -> list[dict[str, Any]]:
    _series, by_year = context.series(1)
    rows = []
    for year in sorted(y for y in by_year if fiscal_year - 4 <= y <= fiscal_year):
        for code in ("recovery_rate", "net_rate_total"):
            values = by_year[year].get(code, {})
            rows.append(
                {
                    "year": year,
                    "indicator": indicator_label(code),
                    "total": _round(values.get("T")),
                    "men": _round(values.get("M")),
                    "women": _round(values.get("F")),
                }
            )
    return rows


def _participation(context: Context, fiscal_year: int) -> dict[str, Any]:
    end = fiscal_year_bounds(fiscal_year)[1]
    waves = []
    for wave in context.waves():
        if wave.fiscal_year > fiscal_year:
            continue
        counts = response_counts(wave, wave.links.all())
        waves.append(
            {
                "wave": wave.name,
                "fiscal_year": wave.fiscal_year,
                "organisations": sum(1 for link in counts.links if link.link.organisation_id),
                "responses": counts.total,
                "expected": counts.expected,
                "rate": _round(counts.rate, 1),
            }
        )
    return {
        "organisations": Organisation.objects.filter(member=context.member, joined_on__lte=end).count(),
        "as_of": end.isoformat(),
        "waves": waves,
    }


def definitions() -> list[list[str]]:
    return [
        [
            _("「そう思う傾向」"),
            _("4段階の「そう思う」「どちらかといえばそう思う」の合計の割合。わからない・無回答は分母に含めません。"),
        ],
        [_("95%信頼区間"), _("調査の回答者が変われば数値も揺れます。その揺れを考えた、真の値がおそらく入る範囲です。")],
        [
            _("変化の区間"),
            _(
                "割合の差はNewcombeの方法、平均の差はWelchの方法、職場の指標は同じ企業・団体の差の中央値の区間（順序統計量）です。"
            ),
        ],
        [
            _("3分の2基準"),
            _("全体・男性・女性それぞれの3分の2以上が「働きやすい」「働きがいがある」に肯定的に答えること。"),
        ],
        [_("若者回復率"), _("20歳代の転入超過数÷10歳代の転出超過数×100。10歳代が転出超過でない年は計算できません。")],
        [_("転入超過率"), _("転入超過数÷人口×1,000（‰）。")],
        [
            _("目標のペース"),
            _("基準の時点から目標年度末まで一直線に進むとしたときの、最新の値の時点で達しているべき変化。"),
        ],
    ]


def method_notes(threshold: int) -> list[str]:
    return [
        _(
            "調査の数値は、締め切った調査回の全回答者（または女性・男性）についてのものです。回答者が%(threshold)d人未満の"
            "集団の数値は表示せず、ほかの表から引き算で分かってしまう集団もあわせて非表示にしています（集計・分析のページと同じ判断です）。"
        )
        % {"threshold": threshold},
        _(
            "職場の指標は、値のある企業・団体が%(threshold)d未満の年度は表示しません。個々の企業・団体の数値は載せていません。"
        )
        % {"threshold": threshold},
        _("人口移動の数値は住民基本台帳人口移動報告の公表値から計算しています（標本誤差はありません）。"),
        _(
            "状況の判断: 「順調」＝変化の95%信頼区間が0を含まず目標の方向にあり、変化が目標のペースに達している。"
            "「遅れ」＝区間の目標に最も近い端でもペースに届かない。「判断できない」＝それ以外（変化が誤差の範囲内、"
            "ペースに届いたか分からない、値が非表示・不足）。誤差のない数値（件数・公表統計・手入力）は変化そのもので判断します。"
        ),
        _("各数値の出典（調査回、取込ファイルとそのSHA-256、根拠資料）は付録の出典一覧の番号（S1…）で示しています。"),
    ]


def report_content(plan: Plan, fiscal_year: int, variant: str, progress: Progress | None = None) -> dict[str, Any]:
    report = progress or (lambda _p, _m: None)
    public = variant == ReportVariant.PUBLIC
    member = plan.member
    kpis = [k for k in plan.kpis.order_by("position", "pk") if not (public and k.internal)]
    sources = _Sources()
    report(10, _("KPIの値を読み取っています。"))
    context = Context(member)
    readings = plan_readings(kpis, member, until=fiscal_year, context=context)
    kpi_rows = [_kpi(r, sources) for r in readings]
    report(40, _("調査・職場・人口移動の数値をまとめています。"))
    survey = [
        {
            "name": k["name"],
            "source": k["source"],
            "unit": k["unit"],
            "before": k["baseline"],
            "after": k["latest"],
            "change": k["change"],
            "change_low": k["change_low"],
            "change_high": k["change_high"],
        }
        for k in kpi_rows
        if k["source_kind"] in ("survey_top", "survey_mean")
    ]
    version = plan.versions.order_by("-number").first()
    content: dict[str, Any] = {
        "member": str(member),
        "member_code": member.pk,
        "fiscal_year": fiscal_year,
        "variant": variant,
        "variant_label": str(ReportVariant(variant).label),
        "threshold": min_group_size(),
        "plan": {
            "title": plan.title,
            "vision": plan.vision,
            "goals": plan.goals,
            "years": [plan.start_year, plan.end_year],
            "state": plan.get_state_display(),
            "version": None
            if version is None
            else {
                "number": version.number,
                "approved_on": version.approved_on.isoformat(),
                "body": version.approved_by_body,
                "changes": version.changes,
            },
        },
        "kpis": kpi_rows,
        "survey": survey,
        "two_thirds": _two_thirds(context, fiscal_year, sources),
        "workplace": _workplace(context, fiscal_year),
        "migration": _migration(context, fiscal_year),
        "participation": _participation(context, fiscal_year),
        "initiatives": [
            {
                "step": i.step.title,
                "title": i.title,
                "owner": i.owner,
                "schedule": f"{i.starts_on.isoformat()} – {i.ends_on.isoformat()}",
                "status": i.get_status_display(),
            }
            for i in plan.initiatives.select_related("step").order_by("step__position", "starts_on", "pk")
            if not (public and i.internal)
        ],
        "reviews": [
            {
                "fiscal_year": r.fiscal_year,
                "done": r.done,
                "checked": r.checked,
                "next_actions": r.next_actions,
            }
            for r in plan.reviews.filter(fiscal_year__lte=fiscal_year).order_by("-fiscal_year")
            if not (public and r.internal)
        ],
        "definitions": definitions(),
        "method_notes": method_notes(min_group_size()),
    }
    content["summary"] = _summary(kpi_rows, fiscal_year)
    content["sources"] = sources.entries
    report(60, _("数値がそろいました。"))
    return content
