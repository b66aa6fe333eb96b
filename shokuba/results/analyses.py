"""The wave's analyses for pages, downloads and the API: selectors' SQL counts → the engine (which applies the one
suppression mechanism) → the engine's results, charts and tables. Nothing here computes a statistic itself.

Every function takes a `Scope` (the wave, and the organisation for an organisation admin) and returns a dict for
JSON (`data`, suppressed values as null) and the charts (`Chart`, suppressed values as "—").

Words are in the active language: titles, headers and notes here through Django's gettext, the engine's sentences
through its own hook (shokuba/analysis/i18n.py, installed by `core.apps`). Group and attribute labels are
translated before they reach the engine, so its sentences name them in the same language. Survey content (item
texts, scale points, organisation and wave names) stays as written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from shokuba.analysis import benchmarks, crosstab, distributions, freetext, gaps, recognition
from shokuba.analysis.change import before_after
from shokuba.analysis.suppression import Key, pooled, weighting_plan
from shokuba.analysis.types import Category, to_jsonable
from shokuba.core.charts import Chart
from shokuba.network.models import Member, Organisation
from shokuba.results import charts, selectors
from shokuba.results.labels import category_label, dimension_label
from shokuba.results.selectors import Item, Scope
from shokuba.surveys.instrument import ATTRIBUTES


def preset_label(label_a: str, label_b: str) -> str:
    return _("%(a)s と %(b)s") % {"a": _(label_a), "b": _(label_b)}


PRESET_CHOICES: list[tuple[str, str]] = [
    (code, lazy(preset_label, str)(a[0], b[0])) for code, (a, b) in gaps.PRESETS.items()
]
RECOGNITION_ITEMS = recognition.DEFAULT_ITEMS
GAP_CHART_ITEMS = 12


class AnalysisInputError(ValueError):
    """A request the analysis cannot answer (unknown item, dimension or wave), worded in the active language."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass
class Analysis:
    data: dict[str, Any]
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    objects: dict[str, Any] = field(default_factory=dict)  # engine results for the templates

    def chart(self, name: str) -> Chart | None:
        return next((c for c in self.charts if c.name == name), None)


def _too_few(scope: Scope, total: int) -> bool:
    return total < scope.threshold


def _too_few_note(scope: Scope) -> str:
    return _("回答が%(threshold)d人未満のため、集計結果を表示しません。") % {"threshold": scope.threshold}


def _label(item: Item) -> str:
    """An item as people read it: its whole statement (charts wrap it), never its code (UB-H01, WS-Z01)."""
    return item.text


def item_header() -> str:
    return pgettext("survey item", "項目")


def percent_of(label: str) -> str:
    return _("%(label)s（%%）") % {"label": label}


def people_of(label: str) -> str:
    return _("%(label)s（人）") % {"label": label}


def dimensions(scope: Scope) -> list[tuple[str, str]]:
    """The dimensions the scope may group by, labelled in the active language."""
    return [(code, dimension_label(code, label)) for code, label in selectors.dimensions_for(scope)]


# --- 気づきポイント（overview） ----------------------------------------------------------------------------------


def gap_report(scope: Scope, items: Sequence[Item], preset: str) -> gaps.GapReport:
    """Two preset groups compared on every scale item; the gate decides whether each group may be shown."""
    (label_a, filters_a), (label_b, filters_b) = gaps.PRESETS[preset]
    gate = selectors.gate(scope)
    pairs = selectors.gap_pairs(scope, items, filters_a, filters_b)
    return gaps.gap_analysis(pairs, _(label_a), _(label_b), gate.group(filters_a), gate.group(filters_b))


def overview(scope: Scope, preset: str = "sex") -> Analysis:
    if preset not in gaps.PRESETS:
        raise AnalysisInputError("preset", _("比べる2つの群の組み合わせを一覧から選んでください。"))
    items = selectors.wave_items(scope.wave)
    scale = [i for i in items if i.kind == "scale"]
    gate = selectors.gate(scope)
    data: dict[str, Any] = {"wave": scope.wave.pk, "threshold": scope.threshold, "preset": preset}
    result = Analysis(data)
    if not gate.released:
        data.update(responses=None, hidden=True, gaps=None, national=[], network=None, recognition=[], programme=None)
        result.notes.append(_too_few_note(scope))
        return result
    data.update(responses=gate.total, hidden=False)
    report = gap_report(scope, scale, preset)
    data["gaps"] = to_jsonable(report)
    result.objects["gaps"] = report
    ranked = [c for c in report.items if not c.hidden][:GAP_CHART_ITEMS]
    by_code = {i.code: i for i in scale}
    if ranked:
        spec = charts.dumbbell(
            _("気づきポイント: %(a)sと%(b)sの差が大きい項目") % {"a": report.label_a, "b": report.label_b},
            [
                _("「そう思う傾向」（上位2段階）の割合"),
                _("差の大きい順に最大%(n)d項目") % {"n": GAP_CHART_ITEMS},
            ],
            report.label_a,
            report.label_b,
            [(_label(by_code[c.item_code]), c.top_percent_a, c.top_percent_b) for c in ranked],
        )
        result.charts.append(
            charts.chart(
                "gaps",
                spec,
                [
                    item_header(),
                    percent_of(report.label_a),
                    percent_of(report.label_b),
                    _("差（ポイント）"),
                    _("95%下限"),
                    _("95%上限"),
                    _("差の大きさの目安"),
                    _("調整後p値"),
                    f"{report.label_a} n",
                    f"{report.label_b} n",
                ],
                [
                    [
                        _label(by_code[c.item_code]),
                        c.top_percent_a,
                        c.top_percent_b,
                        c.top_diff_points,
                        c.top_diff_ci_low,
                        c.top_diff_ci_high,
                        c.effect or None,
                        c.q_value,
                        c.n_a,
                        c.n_b,
                    ]
                    for c in report.items
                ],
            )
        )

    national: list[benchmarks.NationalComparison] = []
    group_of = {"全体": gate.scope(), "男性": gate.group({"sex": ("M",)}), "女性": gate.group({"sex": ("F",)})}
    for item in scale:
        if item.benchmarks:
            counts = selectors.national_groups(scope, item)
            national += benchmarks.vs_national(
                item.code,
                item.text,
                {label: (top, n, group_of[label]) for label, (top, n) in counts.items()},
                item.benchmarks,
            )
    data["national"] = to_jsonable(national)
    result.objects["national"] = national
    result.objects["national_own"] = respondents_label(scope)

    network_counts = selectors.network_counts(scope, scale) if scale else selectors.PooledCounts(0)
    own = selectors.scale_vectors(scope, scale).get((), {})
    reference_items = [
        benchmarks.ReferenceItem(
            i.code,
            i.text,
            own.get(i.code, tuple(0 for _point in i.categories)),
            network_counts.counts.get(i.code, tuple(0 for _point in i.categories)),
            i.top_box,
        )
        for i in scale
        if sum(network_counts.counts.get(i.code, ())) > 0
    ]
    network = benchmarks.vs_network(
        reference_items,
        own=gate.scope(),
        network=pooled(network_counts.contributors, network_counts.respondents, scope.threshold),
        contributors=network_counts.contributors,
    )
    data["network"] = to_jsonable(network)
    result.objects["network"] = network
    if network.report is not None:
        shown_items = [c for c in network.report.items if not c.hidden]
        if shown_items:
            spec = charts.dumbbell(
                _("ネットワーク全体（他の自治体）との比較"),
                [_("同じ項目コードの他の自治体の回答を合計"), _("「そう思う傾向」の割合")],
                network.report.label_a,
                network.report.label_b,
                [
                    (_label(by_code[c.item_code]), c.top_percent_a, c.top_percent_b)
                    for c in shown_items[:GAP_CHART_ITEMS]
                ],
            )
            result.charts.append(
                charts.chart(
                    "network",
                    spec,
                    [
                        item_header(),
                        percent_of(network.report.label_a),
                        percent_of(network.report.label_b),
                        _("差（ポイント）"),
                        _("95%下限"),
                        _("95%上限"),
                        _("調整後p値"),
                    ],
                    [
                        [
                            _label(by_code[c.item_code]),
                            c.top_percent_a,
                            c.top_percent_b,
                            c.top_diff_points,
                            c.top_diff_ci_low,
                            c.top_diff_ci_high,
                            c.q_value,
                        ]
                        for c in network.report.items
                    ],
                )
            )

    verdicts = recognition_verdicts(scope, scale)
    data["recognition"] = to_jsonable(verdicts)
    result.objects["recognition"] = verdicts

    programme = None
    if scope.organisation_id is not None:
        rest = selectors.programme_counts(scope, scale)
        programme = benchmarks.vs_programme(
            [
                benchmarks.ReferenceItem(
                    i.code,
                    i.text,
                    own.get(i.code, tuple(0 for _point in i.categories)),
                    rest.counts.get(i.code, tuple(0 for _point in i.categories)),
                    i.top_box,
                )
                for i in scale
            ],
            own=gate.scope(),
            rest=pooled(rest.contributors, rest.respondents, scope.threshold),
        )
    data["programme"] = to_jsonable(programme)
    result.objects["programme"] = programme
    return result


def respondents_label(scope: Scope) -> str:
    """Whose answers the scope's figures are, for a column that sets them beside the national survey's: one
    organisation's, the whole area's (a city-wide survey: every link public), or the programme's organisations'."""
    if scope.organisation_id is not None:
        name = Organisation.objects.filter(pk=scope.organisation_id).values_list("name", flat=True).first()
        return _("%(name)sの回答者") % {"name": name or ""}
    if not scope.wave.links.filter(organisation__isnull=False).exists():
        member = Member.objects.select_related("local_government").get(pk=scope.wave.member_id)
        return _("%(place)sの調査の回答者") % {"place": str(member)}
    return _("参加企業・団体の回答者")


def _recognition(
    scope: Scope, org_id: str, name: str, entries: Sequence[recognition.PositiveCounts]
) -> recognition.Recognition:
    gate = selectors.gate(scope)
    groups = {
        "overall": gate.group({"organisation": (org_id,)}),
        "men": gate.group({"organisation": (org_id,), "sex": ("M",)}),
        "women": gate.group({"organisation": (org_id,), "sex": ("F",)}),
    }
    texts = {i.code: i.text for i in selectors.wave_items(scope.wave)}
    return recognition.recognition(name, entries, groups, texts=texts)


def recognition_verdicts(scope: Scope, scale: Sequence[Item] | None = None) -> list[recognition.Recognition]:
    """The two-thirds rule for every organisation of the scope that answered (by name), with the gate's decisions;
    empty when the wave lacks the rule's items or the scope may not be broken down by organisation."""
    if scale is None:
        scale = [i for i in selectors.wave_items(scope.wave) if i.kind == "scale"]
    by_code = {i.code: i for i in scale}
    rule_items = [by_code[c] for c in RECOGNITION_ITEMS if c in by_code]
    verdicts: list[recognition.Recognition] = []
    if len(rule_items) == len(RECOGNITION_ITEMS) and (scope.organisations_allowed or scope.organisation_id):
        positives = selectors.recognition_counts(scope, rule_items)
        names = dict(Organisation.objects.filter(pk__in=[int(k) for k in positives]).values_list("pk", "name"))
        for org_id, entries in sorted(positives.items(), key=lambda kv: names.get(int(kv[0]), "")):
            verdicts.append(_recognition(scope, org_id, names.get(int(org_id), org_id), entries))
    return verdicts


def organisation_recognition(scope: Scope, org_id: int, name: str) -> recognition.Recognition | None:
    """The two-thirds rule for one organisation in the scope's wave (None: the wave lacks the rule's items or the
    organisation has no answers), with the gate's decisions like the overview's."""
    items = {i.code: i for i in selectors.wave_items(scope.wave)}
    rule_items = [items[c] for c in RECOGNITION_ITEMS if c in items]
    if len(rule_items) != len(RECOGNITION_ITEMS):
        return None
    entries = selectors.recognition_counts(scope, rule_items).get(str(org_id))
    return _recognition(scope, str(org_id), name, entries) if entries else None


# --- distributions ---------------------------------------------------------------------------------------------


def _choice_bars(
    code: str, text: str, measure: str, count_header: str, choices: Sequence[Any], tail: list[list[Any]]
) -> Chart:
    """Bars of a single or multiple choice item: % per choice (with its count and 95% interval in the table),
    then the item's totals as the table's last rows."""
    spec = charts.bars(
        text,
        [measure],
        [(c.label, c.percent) for c in choices],
        axis_title="%",
        domain=(0, 100),
    )
    return charts.chart(
        f"dist-{code}",
        spec,
        [_("選択肢"), count_header, "%", _("95%下限"), _("95%上限")],
        [[c.label, c.count, c.percent, c.ci_low, c.ci_high] for c in choices] + tail,
    )


def item_distributions(scope: Scope) -> Analysis:
    items = selectors.wave_items(scope.wave)
    gate = selectors.gate(scope)
    data: dict[str, Any] = {"wave": scope.wave.pk, "threshold": scope.threshold}
    result = Analysis(data)
    if not gate.released:
        data.update(responses=None, hidden=True, distributions=[], multiple_choice=[], rankings=[])
        result.notes.append(_too_few_note(scope))
        return result
    counts, multiple, ranking, total = selectors.distribution_inputs(scope, items)
    everyone = gate.scope()
    dists = [distributions.distribution(c, everyone) for c in counts]
    mcs = [distributions.multiple_choice(m, everyone) for m in multiple]
    rks = [distributions.ranking(r, everyone) for r in ranking]
    data.update(
        responses=total,
        hidden=False,
        distributions=to_jsonable(dists),
        multiple_choice=to_jsonable(mcs),
        rankings=to_jsonable(rks),
    )
    by_code = {i.code: i for i in items}
    # One diverging chart per question (a matrix's statements together; a Likert item alone).
    groups: dict[str, list[distributions.Distribution]] = {}
    singles = []
    for d in dists:
        item = by_code[d.item_code]
        if item.kind == "scale":
            groups.setdefault(item.question.code, []).append(d)
        else:
            singles.append(d)
    for question_code, members in groups.items():
        first = by_code[members[0].item_code]
        points = [c.label for c in first.categories]
        title = first.question.text if first.question.type == "matrix" else first.text
        spec = charts.diverging_likert(
            f"dist-{question_code}",
            title,
            [_("左右の棒の長さは有効回答に占める割合（わからない・無回答を除く）")],
            points,
            first.top_box,
            [(_label(by_code[d.item_code]), [c.percent for c in d.categories]) for d in members],
        )
        ns_labels = [c.label for c in first.non_substantive]
        header = [
            item_header(),
            *[people_of(p) for p in points],
            *[percent_of(p) for p in points],
            _("有効回答数"),
            *[people_of(p) for p in ns_labels],
            _("無回答"),
            _("そう思う傾向（%）"),
            _("95%下限"),
            _("95%上限"),
            _("平均"),
            _("平均95%下限"),
            _("平均95%上限"),
        ]
        rows = []
        for d in members:
            s = d.scale
            rows.append(
                [
                    _label(by_code[d.item_code]),
                    *[c.count for c in d.categories],
                    *[c.percent for c in d.categories],
                    d.valid_n,
                    *[c.count for c in d.non_substantive],
                    d.missing,
                    s.top_percent if s else None,
                    s.top_ci_low if s else None,
                    s.top_ci_high if s else None,
                    s.mean if s else None,
                    s.mean_ci_low if s else None,
                    s.mean_ci_high if s else None,
                ]
            )
        result.charts.append(charts.chart(f"dist-{question_code}", spec, header, rows, digits=2))
    for d in singles:
        result.charts.append(
            _choice_bars(
                d.item_code,
                d.text,
                _("有効回答に占める割合（%）"),
                _("人数"),
                d.categories,
                [[_("有効回答数"), d.valid_n, None, None, None], [_("無回答"), d.missing, None, None, None]],
            )
        )
    for m in mcs:
        result.charts.append(
            _choice_bars(
                m.item_code,
                m.text,
                _("選んだ人の割合（回答者に占める%、複数回答）"),
                _("選んだ人数"),
                m.choices,
                [[_("回答者数"), m.respondents, None, None, None]],
            )
        )
    for r in rks:
        ordered = sorted(r.choices, key=lambda c: c.order or 10**6)
        spec = charts.bars(
            r.text,
            [
                _("重み付け得点（1位=%(n)d点 … %(n)d位=1点）の回答者1人あたり") % {"n": r.max_rank},
            ],
            [(c.label, c.score_per_respondent) for c in ordered],
            axis_title=_("1人あたり得点"),
        )
        result.charts.append(
            charts.chart(
                f"dist-{r.item_code}",
                spec,
                [
                    _("選択肢"),
                    _("1位（人）"),
                    _("1位（%）"),
                    _("%(n)d位以内（人）") % {"n": r.max_rank},
                    _("%(n)d位以内（%%）") % {"n": r.max_rank},
                    _("得点"),
                    _("1人あたり得点"),
                ],
                [
                    [
                        c.label,
                        c.first_count,
                        c.first_percent,
                        c.top_count,
                        c.top_percent,
                        c.score,
                        c.score_per_respondent,
                    ]
                    for c in ordered
                ],
                digits=2,
            )
        )
    result.objects.update(distributions=dists, multiple_choice=mcs, rankings=rks, items=by_code)
    return result


# --- cross-tabulation ------------------------------------------------------------------------------------------


def crosstab_items(scope: Scope) -> list[Item]:
    return [i for i in selectors.wave_items(scope.wave) if i.kind in ("scale", "single")]


def _contingency(
    item: Item,
    by: Sequence[str],
    labels: Mapping[str, str],
    rows: Sequence[tuple[Category, ...]],
    table: Sequence[Sequence[int]],
    keys: Sequence[Key],
) -> crosstab.ContingencyTable:
    return crosstab.ContingencyTable(
        item.code,
        item.text,
        "×".join(labels[d] for d in by),
        tuple(
            Category(
                "|".join(c.code for c in combo),
                _("・").join(category_label(d, c) for d, c in zip(by, combo, strict=True)),
            )
            for combo in rows
        ),
        tuple(keys),
        item.categories,
        tuple(tuple(r) for r in table),
        item.top_box if item.kind == "scale" else 0,
    )


def crosstab_analysis(scope: Scope, item_code: str, by: Sequence[str]) -> Analysis:
    items = {i.code: i for i in crosstab_items(scope)}
    if item_code not in items:
        raise AnalysisInputError(
            "item", _("項目「%(item)s」はこの調査回のクロス集計できる項目にありません。") % {"item": item_code}
        )
    allowed = dict(dimensions(scope))
    by = [d for d in by if d]
    if not by or len(by) > 2 or len(set(by)) != len(by) or any(d not in allowed for d in by):
        raise AnalysisInputError("by", _("集計に使う属性を1つか2つ（別々のもの）選んでください。"))
    if len(by) == 2 and {"organisation", "industry", "size_band"} >= set(by) and "organisation" in by:
        raise AnalysisInputError(
            "by", _("業種・従業員規模は企業・団体で決まるため、企業・団体と組み合わせられません。")
        )
    item = items[item_code]
    gate = selectors.gate(scope)
    data: dict[str, Any] = {"wave": scope.wave.pk, "threshold": scope.threshold, "item": item_code, "by": list(by)}
    result = Analysis(data)
    if not gate.released:
        data.update(hidden=True, crosstab=None)
        result.notes.append(_too_few_note(scope))
        return result
    release = gate.split(by)
    # The family: every item of the same kind on the same split, so that each verdict uses its adjusted q.
    family = [i for i in items.values() if (i.kind == "scale") == (item.kind == "scale")]
    rows, tables = selectors.crosstab_counts(scope, family, by, listed=lambda combo: _listed(gate, release, by, combo))
    keys = [gate.key_of(by, [c.code for c in combo]) for combo in rows]
    built = {
        i.code: crosstab.crosstab(_contingency(i, by, allowed, rows, tables[i.code], keys), release) for i in family
    }
    crosstab.adjust(list(built.values()))
    ct = built[item.code]
    contingency_top_box = item.top_box if item.kind == "scale" else 0
    attribute_label = "×".join(allowed[d] for d in by)
    data.update(hidden=False, crosstab=to_jsonable(ct))
    columns = [c.label for c in item.categories]
    spec = charts.stacked_rows(
        _("%(text)s（%(by)s別）") % {"text": item.text, "by": attribute_label},
        [_("行%（各群の有効回答に占める割合）"), _("「—」の群は表示していません")],
        columns,
        [(r.label, r.percents) for r in [*ct.rows, ct.total] if r.n is not None],
    )
    scale = bool(contingency_top_box)
    header = [_("群"), "n", *[people_of(c) for c in columns], *[percent_of(c) for c in columns]]
    if scale:
        header += [_("そう思う傾向（%）"), _("平均"), _("そう思う傾向の調整済み残差")]
    else:
        header += [_("%(label)s（調整済み残差）") % {"label": c} for c in columns]
    header.append(_("検定の対象"))
    body = []
    for r in [*ct.rows, ct.total]:
        line: list[Any] = [r.label, r.n, *r.counts, *r.percents]
        residuals = [_residual(r, i) for i in range(1 if scale else len(columns))]
        if scale:
            line += [r.top_percent, r.mean, *residuals]
        else:
            line += residuals
        line.append(None if r.hidden else ("○" if r.tested else ""))
        body.append(line)
    result.charts.append(charts.chart("crosstab", spec, header, body, digits=1))
    result.objects.update(
        crosstab=ct,
        item=item,
        scale=scale,
        release=release,
        rows=[
            {
                "label": r.label,
                "n": r.n,
                "hidden": r.hidden,
                "tested": r.tested,
                "cells": [(p, "" if scale else _flag(r, i)) for i, p in enumerate(r.percents)],
                "top": r.top_percent,
                "top_flag": _flag(r, 0) if scale else "",
                "mean": r.mean,
                "total": r is ct.total,
            }
            for r in [*ct.rows, ct.total]
        ],
    )
    return result


def _listed(gate: Any, release: Any, by: Sequence[str], combo: Sequence[str]) -> bool:
    """A row is listed when it has respondents or the gate hides it (an empty group hidden as a complement must
    look like any other hidden group, or its emptiness would give the other away)."""
    key = gate.key_of(by, combo)
    return bool(release.size(key)) or not release.shown(key)


def _flag(row: crosstab.CrosstabRow, i: int) -> str:
    flag = row.flags[i] if i < len(row.flags) else ""
    return "▲" if flag == "+" else "▼" if flag == "-" else ""


def _residual(row: crosstab.CrosstabRow, i: int) -> Any:
    """A shown row's residual on the tested table ("" for a row the test does not cover); None for a hidden row."""
    if row.hidden:
        return None
    if not row.tested or i >= len(row.residuals) or row.residuals[i] is None:
        return ""
    return f"{row.residuals[i]:+.2f}{_flag(row, i)}"


# --- before/after ----------------------------------------------------------------------------------------------


def stratum_label(sex: str, age_band: str) -> str:
    return _("%(sex)s・%(age)s") % {"sex": _("女性") if sex == "F" else _("男性"), "age": _(age_band)}


TARGET_STRATA: list[tuple[str, str]] = [
    (f"{sex}|{age.code}", lazy(stratum_label, str)(sex, age.label))
    for sex in ("F", "M")
    for age in ATTRIBUTES["age_band"].choices
    if age.code != "R"
]
_STRATUM_KEYS = {code: (code.split("|")[1], code.split("|")[0]) for code, _label in TARGET_STRATA}  # → (age, sex)


def _stratum_names(keys: Sequence[Key]) -> str:
    labels = dict(TARGET_STRATA)
    codes = {v: k for k, v in _STRATUM_KEYS.items()}
    return _("、").join(str(labels[codes[k]]) for k in keys if k in codes)


def change_analysis(scope: Scope, other: Scope, target: Mapping[str, float] | None = None) -> Analysis:
    """`other` is the earlier (or the compared) wave; this wave is "今回" (the later one). `target`: stratum
    ("F|30") → target count or share, for weighting; only strata both waves show are weighted."""
    items = [i for i in selectors.wave_items(scope.wave) if i.kind == "scale"]
    other_items = [i for i in selectors.wave_items(other.wave) if i.kind == "scale"]
    data: dict[str, Any] = {"wave": scope.wave.pk, "other": other.wave.pk, "threshold": scope.threshold}
    result = Analysis(data)
    now, then = selectors.gate(scope), selectors.gate(other)
    if not (now.released and then.released):
        data.update(hidden=True, change=None)
        result.notes.append(
            _("どちらかの調査回の回答が%(threshold)d人未満のため、比べられません。") % {"threshold": scope.threshold}
        )
        return result
    plan = None
    if target:
        unknown = [code for code in target if code not in _STRATUM_KEYS]
        if unknown:
            raise AnalysisInputError("target", _("目標構成の区分「%(code)s」はありません。") % {"code": unknown[0]})
        plan = weighting_plan(
            {_STRATUM_KEYS[code]: value for code, value in target.items()},
            then.split(("age_band", "sex")),
            now.split(("age_band", "sex")),
        )
        if plan.refused:
            raise AnalysisInputError(
                "target",
                _(
                    "目標の構成で重みを付けられる区分がありません。%(strata)sは、どちらかの調査回で人数が少ないか、"
                    "ほかの数字との差から少人数の回答がわかってしまうため、重み付けに使えません。"
                    "性別×年齢のクロス集計で両方の調査回に表示されている区分を目標に含めてください。"
                )
                % {"strata": _stratum_names(plan.left_out) or _("指定した区分")},
            )
    report = before_after(
        selectors.change_items(other, other_items),
        selectors.change_items(scope, items),
        before_group=then.scope(),
        after_group=now.scope(),
        label_before=other.wave.name,
        label_after=scope.wave.name,
        plan=plan,
    )
    if plan is not None and plan.left_out:
        report.notes.append(
            _(
                "%(strata)sは、どちらかの調査回で人数が少ないか、ほかの数字との差から少人数の回答がわかってしまうため、"
                "重み付けに使わず、その目標の割合をほかの区分に配分しています。"
            )
            % {"strata": _stratum_names(plan.left_out)}
        )
    data.update(hidden=False, change=to_jsonable(report))
    by_code = {i.code: i for i in items}
    shown_items = [c for c in report.unweighted.items if not c.hidden and c.top_diff_points is not None]
    shown_items.sort(key=lambda c: list(by_code).index(c.item_code))
    if shown_items:
        # A member's waves have different names (a database constraint): the subtitle names them, the legend
        # says which is which.
        before_name, after_name = other.wave.name, scope.wave.name
        spec = charts.dumbbell(
            _("「そう思う傾向」の割合（%）の変化"),
            [
                _("前回：%(name)s") % {"name": before_name},
                _("今回：%(name)s") % {"name": after_name},
                _("重み付けなし"),
            ],
            pgettext("wave", "今回"),
            pgettext("wave", "前回"),
            [(_label(by_code[c.item_code]), c.top_percent_a, c.top_percent_b) for c in shown_items],
        )
        result.charts.append(
            charts.chart(
                "change",
                spec,
                [
                    item_header(),
                    percent_of(other.wave.name),
                    percent_of(scope.wave.name),
                    _("変化（ポイント）"),
                    _("95%下限"),
                    _("95%上限"),
                    _("差の大きさの目安"),
                    _("調整後p値"),
                ],
                [
                    [
                        _label(by_code[c.item_code]),
                        c.top_percent_b,
                        c.top_percent_a,
                        c.top_diff_points,
                        c.top_diff_ci_low,
                        c.top_diff_ci_high,
                        c.effect or None,
                        c.q_value,
                    ]
                    for c in report.unweighted.items
                ],
                digits=3,
            )
        )
    result.objects.update(change=report, items=by_code)
    return result


# --- free text -------------------------------------------------------------------------------------------------


def text_items(scope: Scope) -> list[Item]:
    return [i for i in selectors.wave_items(scope.wave) if i.kind == "text"]


def free_text_analysis(scope: Scope, item_code: str, keyword: str = "") -> Analysis:
    items = {i.code: i for i in text_items(scope)}
    if item_code not in items:
        raise AnalysisInputError(
            "item", _("項目「%(item)s」はこの調査回の自由記述の項目にありません。") % {"item": item_code}
        )
    keyword = keyword.strip()[:40]
    item = items[item_code]
    gate = selectors.gate(scope)
    # Groups (by sex) are named in the words × groups network and the notes: in the page's language.
    names = {c.code: category_label("sex", c) for c in selectors.categories_of(scope, "sex")}
    answers = [freetext.TextAnswer(a.text, names.get(a.group, "")) for a in selectors.text_answers(scope, item)]
    by_sex = gate.split(("sex",))
    hidden = [names.get(key[0], "") for key, is_hidden in zip(by_sex.keys, by_sex.hidden, strict=True) if is_hidden]
    report = freetext.freetext(answers, scope=gate.scope(), hidden_groups=hidden, keywords=[keyword] if keyword else [])
    data: dict[str, Any] = {
        "wave": scope.wave.pk,
        "threshold": scope.threshold,
        "item": item_code,
        "keyword": keyword,
        "free_text": to_jsonable(report),
    }
    result = Analysis(data)
    if not report.hidden and report.words:
        top = report.words[:30]
        spec = charts.bars(
            _("よく使われた語：%(text)s") % {"text": item.text},
            [_("その語を含む記述の数（上位30語）"), _("氏名・連絡先は伏せています")],
            [(w.word, float(w.answers)) for w in top],
            axis_title=_("記述数"),
        )
        result.charts.append(
            charts.chart(
                "words",
                spec,
                [_("語"), _("品詞"), _("記述数"), _("出現数"), _("一緒に数えたほかの書き方")],
                [[w.word, w.pos, w.answers, w.occurrences, _("、").join(w.spellings)] for w in report.words],
            )
        )
    if not report.hidden and report.cooccurrence:
        spec = charts.network(
            _("共起ネットワーク：%(text)s") % {"text": item.text},
            [_("同じ記述に一緒に現れる語（Jaccard係数の上位%(n)d組）") % {"n": len(report.cooccurrence)}],
            [(w.word, w.answers) for w in report.words],
            [(e.source, e.target, e.jaccard) for e in report.cooccurrence],
        )
        result.charts.append(
            charts.chart(
                "network",
                spec,
                [_("語1"), _("語2"), _("Jaccard係数"), _("両方を含む記述数")],
                [[e.source, e.target, e.jaccard, e.together] for e in report.cooccurrence],
                digits=3,
            )
        )
    result.objects.update(free_text=report, item=item, keyword=keyword, kwic=report.keyword_in_context.get(keyword, []))
    return result
