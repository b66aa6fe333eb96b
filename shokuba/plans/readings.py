"""Reading a KPI's values from its source, every figure through the gate that guards it, with its provenance.

- Survey items (「そう思う傾向」 top-box rate or mean): the member's **closed** waves whose questionnaire has the item,
  read as the platform itself (`results_scope(SYSTEM, wave)`: the whole wave, never one organisation or a filter the
  plan could choose), for everyone or for women or men only. Whether the group may be shown is the wave's gate's
  decision (`results.selectors.gate`: `scope()` or `group({"sex": …})`), the same decision as the wave's results pages,
  downloads and API — so a KPI cannot reveal what those hide, and a hidden figure is shown as hidden with the reason.
  The value and its 95 % interval come from the engine (`distributions.distribution`: Wilson for a share, t for a
  mean); the change from the baseline wave has Newcombe's interval (shares) or Welch's (means).
- The two-thirds rule: the number of organisations meeting it in each closed wave (`results.analyses.
  recognition_verdicts`, with the gate's decisions; a count of organisations, no sampling error).
- Workplace indicators: the median over the member's participating organisations per fiscal year (`workplace.
  picture`: hidden under the threshold of organisations, 5); the change's interval is the order-statistic interval
  of the median of the same organisations' differences (hidden when fewer than the threshold have both years).
- Migration (若者回復率 by sex, 転入超過率): `regional.selectors`, register counts (no sampling error).
- Participation: organisations joined by the end of the year; a wave's response rate (responses ÷ expected heads).
- Manual values with an evidence file.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from shokuba.analysis import distributions, stats
from shokuba.analysis.progress import Judgement, judge
from shokuba.analysis.suppression import Decision, group_hidden
from shokuba.core.dates import fiscal_year_bounds
from shokuba.core.permissions import SYSTEM
from shokuba.network.models import Member, Organisation
from shokuba.plans.models import Kpi, KpiSource
from shokuba.regional import selectors as regional_selectors
from shokuba.regional.labels import indicator_label
from shokuba.regional.models import AgeSexFigures, StatisticsTable
from shokuba.results import analyses as results_analyses
from shokuba.results import selectors as results_selectors
from shokuba.results.permissions import Scope, results_scope
from shokuba.surveys.models import Wave, WaveStatus
from shokuba.surveys.selectors import response_counts
from shokuba.workplace import insights, picture
from shokuba.workplace.definitions import INDICATORS_BY_CODE as WORKPLACE_INDICATORS
from shokuba.workplace.messages import label as workplace_label
from shokuba.workplace.messages import unit as workplace_unit
from shokuba.workplace.models import IndicatorImport, IndicatorYear

MIGRATION_INDICATORS = ("recovery_rate", "net_rate_total")
GROUP_LABELS = {"": "全体", "F": "女性", "M": "男性"}


@dataclass
class Point:
    """One value of a KPI: a wave's or a fiscal year's."""

    label: str
    fiscal_year: int
    t: float  # fiscal time: the fiscal year plus the share of it passed (a yearly figure stands at its year's end)
    value: float | None
    low: float | None = None
    high: float | None = None
    n: int | None = None
    hidden: bool = False
    note: str = ""
    provenance: dict[str, Any] = field(default_factory=dict)
    basis: tuple[Any, ...] = ()  # what the change's interval needs: ("share", x, n), ("mean", n, m, sd), ("values", …)


@dataclass
class Reading:
    kpi: Kpi
    points: list[Point]
    baseline: Point | None
    latest: Point | None
    judgement: Judgement
    definition: str
    unit: str
    exact: bool

    @property
    def hidden_note(self) -> str:
        return next((p.note for p in self.points if p.hidden), "")


def fiscal_time(day: dt.date) -> float:
    year = day.year if day.month >= 4 else day.year - 1
    start, end = fiscal_year_bounds(year)
    return year + (day - start).days / ((end - start).days + 1)


def year_end(year: int) -> float:
    return float(year + 1)


class Context:
    """What several KPIs of one member share while being read (scopes and gates per wave, workplace rows, the
    migration series), so a report of 30 KPIs reads each wave's counts once."""

    def __init__(self, member: Member) -> None:
        self.member = member
        self._waves: list[Wave] | None = None
        self._scopes: dict[int, Scope] = {}
        self._items: dict[int, dict[str, results_selectors.Item]] = {}
        self._workplace: picture.Rows | None = None
        self._series: dict[int, Any] = {}
        self._verdicts: dict[int, Any] = {}
        self._counts: dict[int, tuple[set[str], dict[str, dict[tuple[str, str], int]]]] = {}
        self.codes: set[str] = set()

    def waves(self) -> list[Wave]:
        if self._waves is None:
            self._waves = list(
                Wave.objects.filter(member=self.member, status=WaveStatus.CLOSED)
                .select_related("version")
                .order_by("fiscal_year", "closes_on", "pk")
            )
        return self._waves

    def scope(self, wave: Wave) -> Scope:
        if wave.pk not in self._scopes:
            self._scopes[wave.pk] = results_scope(SYSTEM, wave)
        return self._scopes[wave.pk]

    def count(self, wave: Wave, codes: Iterable[str]) -> None:
        """Count the items not counted yet of a wave in one GROUP BY (a caller about to ask for many items: the
        public page's headlines after the KPIs counted their own items)."""
        self.codes.update(codes)
        if wave.pk not in self._counts:
            return  # the first counts_by_sex counts every code in self.codes at once
        done, by_item = self._counts[wave.pk]
        missing = sorted(c for c in self.codes if c not in done and c in self.items(wave))
        if not missing:
            return
        for (item, choice, (sex,)), n in results_selectors.choice_counts(
            self.scope(wave), missing, ("sex",), use_cells=False
        ).items():
            by_item.setdefault(item, {})[(choice, sex)] = n
        done.update(missing)

    def counts_by_sex(self, wave: Wave, code: str) -> dict[tuple[str, str], int]:
        """{(choice, sex): answers} of one item: every KPI item of the wave is counted in one GROUP BY."""
        if wave.pk not in self._counts:
            wanted = sorted({c for c in self.codes | {code} if c in self.items(wave)})
            by_item: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
            for (item, choice, (sex,)), n in results_selectors.choice_counts(
                self.scope(wave), wanted, ("sex",), use_cells=False
            ).items():
                by_item[item][(choice, sex)] = n
            self._counts[wave.pk] = (set(wanted), dict(by_item))
        done, by_item = self._counts[wave.pk]
        if code not in done:  # an item asked for after the wave was counted
            for (item, choice, (sex,)), n in results_selectors.choice_counts(
                self.scope(wave), [code], ("sex",), use_cells=False
            ).items():
                by_item.setdefault(item, {})[(choice, sex)] = n
            done.add(code)
        return by_item.get(code, {})

    def items(self, wave: Wave) -> dict[str, results_selectors.Item]:
        if wave.pk not in self._items:
            self._items[wave.pk] = {i.code: i for i in results_selectors.wave_items(wave)}
        return self._items[wave.pk]

    def verdicts(self, wave: Wave) -> Any:
        if wave.pk not in self._verdicts:
            self._verdicts[wave.pk] = results_analyses.recognition_verdicts(self.scope(wave))
        return self._verdicts[wave.pk]

    def workplace_rows(self) -> picture.Rows:
        if self._workplace is None:
            self._workplace = insights.rows_for(IndicatorYear.objects.filter(organisation__member=self.member))
        return self._workplace

    def series(self, window: int) -> Any:
        if window not in self._series:
            series = regional_selectors.area_series([self.member.pk]).get(self.member.pk, {})
            self._series[window] = (series, regional_selectors.indicators_by_year(series, window=window))
        return self._series[window]


def wave_provenance(wave: Wave, scope: Scope) -> dict[str, Any]:
    """A wave as a source: the same entry for every KPI read from it (the item and group are the KPI's)."""
    return {
        "kind": "wave",
        "wave_id": wave.pk,
        "wave": wave.name,
        "fiscal_year": wave.fiscal_year,
        "closed_on": (wave.closed_at.date() if wave.closed_at else wave.closes_on).isoformat(),
        "questionnaire_version": wave.version.number,
        "threshold": scope.threshold,
    }


def hidden_reason(decision: Decision) -> str:
    if decision.reason == "primary":
        return _("回答が%(threshold)d人未満のため表示しません。") % {"threshold": decision.threshold}
    return _("他の表から小さな集団の回答が分からないよう、あわせて非表示にしています（補完秘匿）。")


def survey_definition(kpi: Kpi) -> str:
    if kpi.source == KpiSource.SURVEY_MEAN:
        return _(
            "平均点（「そう思う」などの最も肯定的な選択肢を最高点とする得点）、t分布による95%信頼区間。わからない・無回答は除く。"
        )
    return _(
        "「そう思う傾向」（上位2段階）の割合＝上位2段階の回答数÷有効回答数（わからない・無回答は除く）、Wilsonの95%信頼区間。"
    )


def survey_points(kpi: Kpi, context: Context) -> list[Point]:
    mean = kpi.source == KpiSource.SURVEY_MEAN
    points = []
    for wave in context.waves():
        item = context.items(wave).get(kpi.item_code)
        if item is None or item.kind != "scale":
            continue
        scope = context.scope(wave)
        gate = results_selectors.gate(scope)
        decision = gate.scope() if not kpi.group else gate.group({"sex": (kpi.group,)})
        counts: dict[str, int] = defaultdict(int)
        for (choice, sex), n in context.counts_by_sex(wave, item.code).items():
            if not kpi.group or sex == kpi.group:
                counts[choice] += n
        summary = distributions.distribution(
            results_selectors.item_counts_from(item, counts, decision.size), decision
        ).scale
        provenance = wave_provenance(wave, scope)
        label = f"{wave.name}"
        t = fiscal_time(wave.closes_on)
        if not decision.shown or summary is None or summary.n is None:
            points.append(
                Point(
                    label, wave.fiscal_year, t, None, hidden=True, note=hidden_reason(decision), provenance=provenance
                )
            )
            continue
        if mean:
            if summary.mean is None:
                continue
            points.append(
                Point(
                    label,
                    wave.fiscal_year,
                    t,
                    summary.mean,
                    summary.mean_ci_low,
                    summary.mean_ci_high,
                    summary.n,
                    provenance=provenance,
                    basis=("mean", summary.n, summary.mean, summary.sd),
                )
            )
        elif summary.top_percent is not None and summary.top_count is not None:
            points.append(
                Point(
                    label,
                    wave.fiscal_year,
                    t,
                    summary.top_percent,
                    summary.top_ci_low,
                    summary.top_ci_high,
                    summary.n,
                    provenance=provenance,
                    basis=("share", summary.top_count, summary.n),
                )
            )
    return points


def two_thirds_points(kpi: Kpi, context: Context) -> list[Point]:
    definition = _(
        "3分の2基準: 全体・男性・女性それぞれ3分の2以上が「働きやすい」「働きがいがある」に肯定的に回答した"
        "企業・団体の数"
        "（男性・女性のどちらかが5人未満の企業・団体は判定しません）。"
    )
    points = []
    for wave in context.waves():
        items = context.items(wave)
        if not all(code in items for code in results_analyses.RECOGNITION_ITEMS):
            continue
        verdicts = context.verdicts(wave)
        judged = [v for v in verdicts if v.verdict != "too_few"]
        meets = sum(1 for v in verdicts if v.verdict == "meets")
        provenance = wave_provenance(wave, context.scope(wave))
        provenance.update(organisations_judged=len(judged), organisations_answered=len(verdicts), definition=definition)
        points.append(
            Point(wave.name, wave.fiscal_year, fiscal_time(wave.closes_on), float(meets), provenance=provenance)
        )
    return points


def workplace_points(kpi: Kpi, context: Context) -> list[Point]:
    rows = context.workplace_rows()
    if kpi.indicator not in rows.indicators:
        return []
    column = rows.indicators.index(kpi.indicator)
    summary = picture.summarise(rows, by=())
    whole = summary.group(picture.ALL)
    imports = list(
        IndicatorImport.objects.filter(member=context.member, status="confirmed")
        .order_by("confirmed_at", "pk")
        .values("fiscal_year", "file_name", "file_sha256", "confirmed_at")
    )
    definition = _(
        "参加企業・団体の「%(label)s」の中央値（%(threshold)d未満の企業・団体しか値がない年度は表示しません）。"
    ) % {
        "label": workplace_label(kpi.indicator),
        "threshold": summary.threshold,
    }
    points = []
    for year in summary.years:
        cell = whole.years[year][kpi.indicator] if whole else None
        if cell is None or cell.n == 0:
            continue
        in_year = rows.year == year
        values = {
            int(org): float(v)
            for org, v in zip(rows.organisation[in_year], rows.values[in_year, column], strict=True)
            if not math.isnan(v)
        }
        provenance = {
            "kind": "workplace",
            "table": "workplace_indicatoryear",
            "fiscal_year": year,
            "organisations": cell.n,
            "threshold": summary.threshold,
            "imports": [
                {
                    "file": i["file_name"],
                    "sha256": i["file_sha256"],
                    "date": i["confirmed_at"].date().isoformat() if i["confirmed_at"] else "",
                }
                for i in imports
                if i["fiscal_year"] == year
            ],
            "definition": definition,
        }
        if cell.hidden or cell.median is None:
            note = _("値のある企業・団体が%(threshold)d未満のため表示しません。") % {"threshold": summary.threshold}
            points.append(
                Point(f"{year}年度", year, year_end(year), None, hidden=True, note=note, provenance=provenance)
            )
            continue
        low, high = stats.median_interval(list(values.values()))
        points.append(
            Point(
                f"{year}年度",
                year,
                year_end(year),
                cell.median,
                None if math.isinf(low) else low,
                None if math.isinf(high) else high,
                cell.n,
                provenance=provenance,
                basis=("values", values, summary.threshold),
            )
        )
    return points


def migration_points(kpi: Kpi, context: Context) -> list[Point]:
    _series, by_year = context.series(kpi.window_years)
    sources = defaultdict(list)
    for row in (
        AgeSexFigures.objects.filter(area_code=context.member.pk)
        .filter(Q(table=StatisticsTable.NET_MIGRATION) | Q(table=StatisticsTable.POPULATION))
        .values(
            "year",
            "table",
            "statistics_import__source_name",
            "statistics_import__source_sha256",
            "statistics_import__imported_at",
            "statistics_import__synthetic",
        )
        .distinct()
        .order_by("year", "table")
    ):
        sources[row["year"]].append(
            {
                "table": row["table"],
                "file": row["statistics_import__source_name"],
                "sha256": row["statistics_import__source_sha256"],
                "date": row["statistics_import__imported_at"].date().isoformat(),
                "synthetic": row["statistics_import__synthetic"],
            }
        )
    definition = (
        _("若者回復率＝20歳代の転入超過数÷10歳代の転出超過数×100（住民基本台帳人口移動報告）。")
        if kpi.indicator == "recovery_rate"
        else _("転入超過率＝転入超過数÷人口×1,000（‰、住民基本台帳人口移動報告）。")
    )
    points = []
    for year, values in sorted(by_year.items()):
        value = values.get(kpi.indicator, {}).get(kpi.sex or "T")
        if value is None:
            continue
        years = list(range(year - kpi.window_years + 1, year + 1))
        provenance = {
            "kind": "migration",
            "area": context.member.pk,
            "years": years,
            "imports": [s for y in years for s in sources.get(y, [])],
            "definition": definition,
        }
        points.append(Point(f"{year}年", year, year_end(year), value, provenance=provenance))
    return points


def organisation_points(kpi: Kpi, context: Context, until: int) -> list[Point]:
    joined = sorted(Organisation.objects.filter(member=context.member).values_list("joined_on", flat=True))
    if not joined:
        return []
    first = min(joined).year if min(joined).month >= 4 else min(joined).year - 1
    points = []
    for year in range(min(first, kpi.baseline_year), until + 1):
        end = fiscal_year_bounds(year)[1]
        count = sum(1 for d in joined if d <= end)
        provenance = {
            "kind": "organisations",
            "table": "network_organisation",
            "as_of": end.isoformat(),
            "definition": _("参加日が年度末までの参加企業・団体の数。"),
        }
        points.append(Point(f"{year}年度", year, year_end(year), float(count), provenance=provenance))
    return points


def response_rate_points(kpi: Kpi, context: Context) -> list[Point]:
    points = []
    for wave in context.waves():
        counts = response_counts(wave, wave.links.all())
        if counts.rate is None:
            continue
        provenance = {
            "kind": "wave",
            "wave_id": wave.pk,
            "wave": wave.name,
            "fiscal_year": wave.fiscal_year,
            "closed_on": (wave.closed_at.date() if wave.closed_at else wave.closes_on).isoformat(),
            "expected": counts.expected,
            "definition": _("回答率＝回答数÷配布時に登録した対象人数（対象人数を登録した企業・団体のみ）。"),
        }
        points.append(
            Point(wave.name, wave.fiscal_year, fiscal_time(wave.closes_on), counts.rate, provenance=provenance)
        )
    return points


def manual_points(kpi: Kpi) -> list[Point]:
    points = []
    for value in kpi.manual_values.select_related("evidence").order_by("fiscal_year"):
        provenance = {
            "kind": "manual",
            "fiscal_year": value.fiscal_year,
            "evidence": value.evidence.original_name,
            "sha256": value.evidence.sha256,
            "date": value.evidence.uploaded_at.date().isoformat(),
            "definition": _("担当者が根拠資料とともに入力した値。"),
        }
        points.append(
            Point(
                f"{value.fiscal_year}年度",
                value.fiscal_year,
                year_end(value.fiscal_year),
                value.value,
                provenance=provenance,
            )
        )
    return points


def unit_of(kpi: Kpi) -> str:
    if kpi.unit:
        return kpi.unit
    if kpi.source in (KpiSource.SURVEY_TOP, KpiSource.RESPONSE_RATE):
        return "%"
    if kpi.source == KpiSource.SURVEY_MEAN:
        return _("点")
    if kpi.source in (KpiSource.TWO_THIRDS, KpiSource.ORGANISATIONS):
        return _("社・団体")
    if kpi.source == KpiSource.MIGRATION:
        return "%" if kpi.indicator == "recovery_rate" else "‰"
    if kpi.source == KpiSource.WORKPLACE and kpi.indicator in WORKPLACE_INDICATORS:
        return workplace_unit(WORKPLACE_INDICATORS[kpi.indicator].unit)
    return ""


def source_label(kpi: Kpi) -> str:
    label = str(KpiSource(kpi.source).label)
    if kpi.source in (KpiSource.SURVEY_TOP, KpiSource.SURVEY_MEAN):
        return f"{label}（{kpi.item_code}・{_(GROUP_LABELS[kpi.group])}）"
    if kpi.source == KpiSource.WORKPLACE:
        return f"{label}（{workplace_label(kpi.indicator)}）"
    if kpi.source == KpiSource.MIGRATION:
        return (
            f"{label}（{indicator_label(kpi.indicator)}・{_(GROUP_LABELS.get(kpi.sex if kpi.sex != 'T' else '', ''))}）"
        )
    return label


def _change_interval(baseline: Point, latest: Point) -> tuple[float | None, float | None]:
    """The 95 % interval of latest − baseline (None: unbounded or not computable)."""
    if not baseline.basis:  # a fixed baseline (typed in): the latest value's own interval, shifted
        if latest.low is None or latest.high is None or baseline.value is None:
            return (None, None)
        return (latest.low - baseline.value, latest.high - baseline.value)
    kind = baseline.basis[0]
    if kind == "share" and latest.basis and latest.basis[0] == "share":
        _diff, low, high = stats.newcombe_difference(
            latest.basis[1], latest.basis[2], baseline.basis[1], baseline.basis[2]
        )
        return (100 * low, 100 * high)
    if kind == "mean" and latest.basis and latest.basis[0] == "mean":
        _d, low, high, _p = stats.welch_difference(*latest.basis[1:], *baseline.basis[1:])
        return (None if math.isnan(low) else low, None if math.isnan(high) else high)
    if kind == "values" and latest.basis and latest.basis[0] == "values":
        before, after, threshold = baseline.basis[1], latest.basis[1], baseline.basis[2]
        differences = [after[o] - before[o] for o in after if o in before]
        if group_hidden(len(differences), threshold):
            return (None, None)
        low, high = stats.median_interval(differences)
        return (None if math.isinf(low) else low, None if math.isinf(high) else high)
    return (None, None)


EXACT_SOURCES = {
    KpiSource.TWO_THIRDS,
    KpiSource.MIGRATION,
    KpiSource.ORGANISATIONS,
    KpiSource.RESPONSE_RATE,
    KpiSource.MANUAL,
}


def kpi_reading(kpi: Kpi, *, until: int, context: Context | None = None) -> Reading:
    """The KPI's values up to fiscal year `until`, its baseline and latest value and the judgement."""
    context = context or Context(kpi.plan.member)
    if kpi.item_code:
        context.codes.add(kpi.item_code)
    source = kpi.source
    if source in (KpiSource.SURVEY_TOP, KpiSource.SURVEY_MEAN):
        points = survey_points(kpi, context)
    elif source == KpiSource.TWO_THIRDS:
        points = two_thirds_points(kpi, context)
    elif source == KpiSource.WORKPLACE:
        points = workplace_points(kpi, context)
    elif source == KpiSource.MIGRATION:
        points = migration_points(kpi, context)
    elif source == KpiSource.ORGANISATIONS:
        points = organisation_points(kpi, context, until)
    elif source == KpiSource.RESPONSE_RATE:
        points = response_rate_points(kpi, context)
    else:
        points = manual_points(kpi)
    points = [p for p in points if p.fiscal_year <= until]
    exact = source in EXACT_SOURCES
    definition = (
        survey_definition(kpi)
        if source in (KpiSource.SURVEY_TOP, KpiSource.SURVEY_MEAN)
        else next((str(p.provenance.get("definition", "")) for p in points), "")
    )
    if kpi.baseline_value is not None:
        baseline: Point | None = Point(
            _("基準値（入力）"),
            kpi.baseline_year,
            float(kpi.baseline_year),
            kpi.baseline_value,
            provenance={"kind": "entered", "definition": _("計画に入力した基準値。")},
        )
    else:
        baseline = next((p for p in points if p.fiscal_year >= kpi.baseline_year), None)
    after = [p for p in points if baseline is not None and p.t > baseline.t and p is not baseline]
    latest = after[-1] if after else None
    missing = ""
    if baseline is None:
        missing = _("基準年度以降の値がまだありません。")
    elif baseline.hidden:
        missing = baseline.note
    elif latest is None:
        missing = _("基準の時点より後の値がまだないため、判断できません。")
    elif latest.hidden:
        missing = latest.note
    shown = baseline is not None and not baseline.hidden and latest is not None and not latest.hidden
    low = high = None
    if shown and not exact:
        assert baseline is not None and latest is not None
        low, high = _change_interval(baseline, latest)
    judgement = judge(
        baseline=baseline.value if shown and baseline else None,
        target=kpi.target_value,
        latest=latest.value if shown and latest else None,
        baseline_t=baseline.t if baseline else None,
        latest_t=latest.t if latest else None,
        target_t=year_end(kpi.target_year),
        change_low=low,
        change_high=high,
        exact=exact,
        missing_reason=missing,
    )
    return Reading(kpi, points, baseline, latest, judgement, definition, unit_of(kpi), exact)


def plan_readings(kpis: Sequence[Kpi], member: Member, *, until: int, context: Context | None = None) -> list[Reading]:
    context = context or Context(member)
    context.codes.update(k.item_code for k in kpis if k.item_code)
    return [kpi_reading(k, until=until, context=context) for k in kpis]
