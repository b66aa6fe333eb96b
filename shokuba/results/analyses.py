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

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from shokuba.analysis import benchmarks, crosstab, distributions, freetext, gaps, recognition
from shokuba.analysis.change import before_after
from shokuba.analysis.suppression import Aggregate, differencing_safe, recoverable, suppress_table
from shokuba.analysis.types import Category, to_jsonable
from shokuba.core.charts import Chart
from shokuba.network.models import Organisation
from shokuba.results import charts, selectors
from shokuba.results.labels import category_label, dimension_label
from shokuba.results.permissions import programme_scope
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
    return f"{item.code} {charts.short(item.text)}"


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


def _group_safe(scope: Scope, filters: Mapping[str, Sequence[str]], total: int) -> bool:
    """A preset group is compared only if it cannot be recovered by subtracting it from a group that contains it
    and is published elsewhere (the wave, or each single-attribute group it narrows)."""
    size = sum(selectors.group_sizes(scope, (), filters).values())
    parents = [total]
    if len(filters) > 1:
        for dimension, codes in filters.items():
            parents.append(sum(selectors.group_sizes(scope, (), {dimension: codes}).values()))
    return differencing_safe(size, parents, scope.threshold)


def gap_report(scope: Scope, items: Sequence[Item], preset: str, total: int) -> tuple[gaps.GapReport, list[str]]:
    (label_a, filters_a), (label_b, filters_b) = gaps.PRESETS[preset]
    label_a, label_b = _(label_a), _(label_b)
    pairs = selectors.gap_pairs(scope, items, filters_a, filters_b)
    notes: list[str] = []
    for side, filters, label in (("a", filters_a, label_a), ("b", filters_b, label_b)):
        if not _group_safe(scope, filters, total):
            notes.append(
                _("%(group)sは人数が少ないか、ほかの集計との差から人数がわかるため、比べていません。")
                % {"group": label}
            )
            pairs = [
                gaps.ScaleItemPair(
                    p.item_code,
                    p.text,
                    tuple(0 for _point in p.counts_a) if side == "a" else p.counts_a,
                    tuple(0 for _point in p.counts_b) if side == "b" else p.counts_b,
                    p.top_box,
                )
                for p in pairs
            ]
    return gaps.gap_analysis(pairs, label_a, label_b, scope.threshold), notes


def overview(scope: Scope, preset: str = "sex") -> Analysis:
    if preset not in gaps.PRESETS:
        raise AnalysisInputError("preset", _("比べる2つの群の組み合わせを一覧から選んでください。"))
    items = selectors.wave_items(scope.wave)
    scale = [i for i in items if i.kind == "scale"]
    total = sum(selectors.group_sizes(scope).values())
    data: dict[str, Any] = {"wave": scope.wave.pk, "threshold": scope.threshold, "preset": preset}
    result = Analysis(data)
    if _too_few(scope, total):
        data.update(responses=None, hidden=True, gaps=None, national=[], network=None, recognition=[], programme=None)
        result.notes.append(_too_few_note(scope))
        return result
    data.update(responses=total, hidden=False)
    report, notes = gap_report(scope, scale, preset, total)
    result.notes += notes
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
                        c.q_value,
                        c.n_a,
                        c.n_b,
                    ]
                    for c in report.items
                ],
            )
        )

    national: list[benchmarks.NationalComparison] = []
    for item in scale:
        if item.benchmarks:
            national += benchmarks.vs_national(
                item.code, item.text, selectors.national_groups(scope, item), item.benchmarks, scope.threshold
            )
    data["national"] = to_jsonable(national)
    result.objects["national"] = national

    network_counts = selectors.network_counts(scope, scale) if scale else selectors.NetworkCounts(0)
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
        reference_items, contributors=network_counts.contributors, threshold=scope.threshold
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

    rule_items = [by_code[c] for c in RECOGNITION_ITEMS if c in by_code]
    verdicts: list[recognition.Recognition] = []
    if len(rule_items) == len(RECOGNITION_ITEMS) and (scope.organisations_allowed or scope.organisation_id):
        counts = selectors.recognition_counts(scope, rule_items)
        names = dict(Organisation.objects.filter(pk__in=[int(k) for k in counts]).values_list("pk", "name"))
        for org_id, entries in sorted(counts.items(), key=lambda kv: names.get(int(kv[0]), "")):
            verdicts.append(recognition.recognition(names.get(int(org_id), org_id), entries, threshold=scope.threshold))
    data["recognition"] = to_jsonable(verdicts)
    result.objects["recognition"] = verdicts

    programme = None
    if scope.organisation_id is not None:
        whole = programme_scope(scope)
        everyone = selectors.scale_vectors(whole, scale).get((), {})
        programme = benchmarks.vs_programme(
            [
                benchmarks.ReferenceItem(
                    i.code,
                    i.text,
                    own.get(i.code, tuple(0 for _point in i.categories)),
                    everyone.get(i.code, tuple(0 for _point in i.categories)),
                    i.top_box,
                )
                for i in scale
            ],
            threshold=scope.threshold,
        )
    data["programme"] = to_jsonable(programme)
    result.objects["programme"] = programme
    return result


# --- distributions ---------------------------------------------------------------------------------------------


def _choice_bars(
    code: str, text: str, measure: str, count_header: str, choices: Sequence[Any], tail: list[list[Any]]
) -> Chart:
    """Bars of a single or multiple choice item: % per choice (with its count and 95% interval in the table),
    then the item's totals as the table's last rows."""
    spec = charts.bars(
        charts.short(text, 40),
        [code, measure],
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
    counts, multiple, ranking, total = selectors.distribution_inputs(scope, items)
    data: dict[str, Any] = {"wave": scope.wave.pk, "threshold": scope.threshold}
    result = Analysis(data)
    if _too_few(scope, total):
        data.update(responses=None, hidden=True, distributions=[], multiple_choice=[], rankings=[])
        result.notes.append(_too_few_note(scope))
        return result
    dists = [distributions.distribution(c, scope.threshold) for c in counts]
    mcs = [distributions.multiple_choice(m, scope.threshold) for m in multiple]
    rks = [distributions.ranking(r, scope.threshold) for r in ranking]
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
            charts.short(title, 40),
            [f"{question_code}", _("左右の棒の長さは有効回答に占める割合（わからない・無回答を除く）")],
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
            charts.short(r.text, 40),
            [
                r.item_code,
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


def _recoverable(n: int, margins: Sequence[Aggregate], hidden: Sequence[bool]) -> list[int]:
    """Hidden rows that the shown rows and the published margins determine exactly (the engine's check, with every
    margin shown)."""
    return [k for k in recoverable(n, margins, [*hidden, *([False] * len(margins))]) if k < n]


def _protect_margins(
    ct: crosstab.Crosstab, rows: Sequence[tuple[Category, ...]], table: Sequence[Sequence[int]], top_box: int
) -> int:
    """Two attributes: each attribute's own groups (e.g. all women) are published by the one-attribute tables, so a
    value hidden here could be recovered by subtracting the shown combined rows from that margin. Rows are hidden
    whole (a row with any "—" becomes all "—"), and more rows are hidden until no hidden row is determined by the
    attribute margins (engine `recoverable` on the grid attribute 1 × attribute 2 with its margins; the same
    pattern protects every answer column). Returns how many rows were hidden here."""
    n = len(rows)
    hidden = [row.n is None or any(v is None for v in row.counts) for row in ct.rows]
    aggregates: list[Aggregate] = []
    threshold = ct.threshold
    k = len(ct.columns)
    weights: dict[str, list[float]] = {}
    if top_box:
        weights = {"top": [1.0 if c < top_box else 0.0 for c in range(k)], "score": [float(k - c) for c in range(k)]}
    total_published = True
    for dim in range(2):
        values = sorted({combo[dim].code for combo in rows})
        members_of = {v: [r for r in range(n) if rows[r][dim].code == v] for v in values}
        # The one-attribute table as that page publishes it (same engine, same counts): its shown group sizes are
        # the margins an attacker can subtract from.
        one = suppress_table(
            [[sum(table[r][c] for r in members_of[v]) for c in range(k)] for v in values],
            threshold,
            row_weights=weights,
        )
        total_published = total_published and one.total is not None
        for i, value in enumerate(values):
            members = members_of[value]
            if len(members) > 1 and one.row_totals[i] is not None:
                aggregates.append(Aggregate(tuple((r, 1.0) for r in members), "group"))
    if total_published:
        aggregates.append(Aggregate(tuple((r, 1.0) for r in range(n)), "group"))
    while True:
        exposed = _recoverable(n, aggregates, hidden)
        if not exposed:
            break
        target = exposed[0]
        shown_rows = [r for r in range(n) if not hidden[r]]
        near = [
            r for r in shown_rows if rows[r][0].code == rows[target][0].code or rows[r][1].code == rows[target][1].code
        ]
        candidates = sorted(near or shown_rows, key=lambda r: (sum(table[r]), r))
        if not candidates:
            break
        # The smallest row whose hiding frees the target; else the smallest neighbour (the next round goes on).
        chosen: tuple[int, ...] = (candidates[0],)
        trials = [(c,) for c in candidates] + sorted(
            ((a, b) for i, a in enumerate(shown_rows) for b in shown_rows[i + 1 :]),
            key=lambda pair: (sum(map(sum, (table[pair[0]], table[pair[1]]))), pair),
        )
        for trial_rows in trials:
            trial = list(hidden)
            for r in trial_rows:
                trial[r] = True
            if target not in _recoverable(n, aggregates, trial):
                chosen = trial_rows
                break
        for r in chosen:
            hidden[r] = True
    added = 0
    for r, row in enumerate(ct.rows):
        if not hidden[r]:
            continue
        if row.n is not None:
            added += 1
        row.n = None
        row.counts = [None] * k
        row.percents = [None] * k
        row.residuals = [None] * k
        row.flags = [""] * k
        row.top_percent = None
        row.mean = None
    complete = [r for r in range(n) if not hidden[r]]
    if complete:
        ct.test = crosstab.test_table([table[r] for r in complete], [ct.rows[r].label for r in complete])
    else:
        ct.test = crosstab.untested()
    ct.hidden_cells = sum(v is None for row in ct.rows for v in row.counts)
    return added


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
    item = items[item_code]
    total = sum(selectors.group_sizes(scope).values())
    data: dict[str, Any] = {"wave": scope.wave.pk, "threshold": scope.threshold, "item": item_code, "by": list(by)}
    result = Analysis(data)
    if _too_few(scope, total):
        data.update(hidden=True, crosstab=None)
        result.notes.append(_too_few_note(scope))
        return result
    rows, table, _sizes = selectors.crosstab_counts(scope, item, by)
    attribute_label = "×".join(allowed[d] for d in by)
    contingency = crosstab.ContingencyTable(
        item.code,
        item.text,
        attribute_label,
        tuple(
            Category(
                "|".join(c.code for c in combo),
                _("・").join(category_label(d, c) for d, c in zip(by, combo, strict=True)),
            )
            for combo in rows
        ),
        item.categories,
        tuple(tuple(r) for r in table),
        item.top_box if item.kind == "scale" else 0,
    )
    ct = crosstab.crosstab(contingency, scope.threshold)
    if len(by) == 2 and table:
        if _protect_margins(ct, rows, table, contingency.top_box):
            ct.notes.append(
                _("2つの属性の組み合わせでは、それぞれの属性だけの集計との差から人数がわかる群も「—」にしています。")
            )
    data.update(hidden=False, crosstab=to_jsonable(ct))
    columns = [c.label for c in item.categories]
    spec = charts.stacked_rows(
        _("%(code)s %(text)s（%(by)s別）")
        % {"code": item.code, "text": charts.short(item.text, 30), "by": attribute_label},
        [_("行%（各群の有効回答に占める割合）"), _("「—」の群は表示していません")],
        columns,
        [(r.label, r.percents) for r in [*ct.rows, ct.total] if r.n is not None],
    )
    header = [
        _("群"),
        "n",
        *[people_of(c) for c in columns],
        *[percent_of(c) for c in columns],
        *[_("%(label)s（調整済み残差）") % {"label": c} for c in columns],
    ]
    if contingency.top_box:
        header += [_("そう思う傾向（%）"), _("平均")]
    body = []
    for r in [*ct.rows, ct.total]:
        line = [
            r.label,
            r.n,
            *r.counts,
            *r.percents,
            *[
                None if v is None else f"{v:+.2f}{'▲' if f == '+' else '▼' if f == '-' else ''}"
                for v, f in zip(r.residuals, r.flags, strict=True)
            ],
        ]
        if contingency.top_box:
            line += [r.top_percent, r.mean]
        body.append(line)
    result.charts.append(charts.chart("crosstab", spec, header, body, digits=1))
    result.objects.update(
        crosstab=ct,
        item=item,
        scale=bool(contingency.top_box),
        rows=[
            {
                "label": r.label,
                "n": r.n,
                "cells": [
                    (p, "▲" if f == "+" else "▼" if f == "-" else "") for p, f in zip(r.percents, r.flags, strict=True)
                ],
                "top": r.top_percent,
                "mean": r.mean,
                "total": r is ct.total,
            }
            for r in [*ct.rows, ct.total]
        ],
    )
    return result


# --- before/after ----------------------------------------------------------------------------------------------


def stratum_label(sex: str, age_band: str) -> str:
    return _("%(sex)s・%(age)s") % {"sex": _("女性") if sex == "F" else _("男性"), "age": _(age_band)}


TARGET_STRATA: list[tuple[str, str]] = [
    (f"{sex}|{age.code}", lazy(stratum_label, str)(sex, age.label))
    for sex in ("F", "M")
    for age in ATTRIBUTES["age_band"].choices
    if age.code != "R"
]


def change_analysis(scope: Scope, other: Scope, target: Mapping[str, float] | None = None) -> Analysis:
    """`other` is the earlier (or the compared) wave; this wave is "今回" (the later one)."""
    items = [i for i in selectors.wave_items(scope.wave) if i.kind == "scale"]
    other_items = [i for i in selectors.wave_items(other.wave) if i.kind == "scale"]
    data: dict[str, Any] = {"wave": scope.wave.pk, "other": other.wave.pk, "threshold": scope.threshold}
    result = Analysis(data)
    totals = (sum(selectors.group_sizes(scope).values()), sum(selectors.group_sizes(other).values()))
    if min(totals) < scope.threshold:
        data.update(hidden=True, change=None)
        result.notes.append(
            _("どちらかの調査回の回答が%(threshold)d人未満のため、比べられません。") % {"threshold": scope.threshold}
        )
        return result
    report = before_after(
        selectors.change_items(other, other_items),
        selectors.change_items(scope, items),
        label_before=other.wave.name,
        label_after=scope.wave.name,
        target=dict(target) if target else None,
        threshold=scope.threshold,
    )
    data.update(hidden=False, change=to_jsonable(report))
    by_code = {i.code: i for i in items}
    shown_items = [c for c in report.unweighted.items if not c.hidden]
    shown_items.sort(key=lambda c: list(by_code).index(c.item_code))
    if shown_items:
        spec = charts.dumbbell(
            f"{other.wave.name} → {scope.wave.name}",
            [_("「そう思う傾向」の割合（%）の変化"), _("重み付けなし")],
            scope.wave.name,
            other.wave.name,
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
                    _("平均の変化"),
                    _("p値"),
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
                        c.mean_diff,
                        c.p_value,
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
    answers, sizes = selectors.text_answers(scope, item)
    # Groups (by sex) are named in the words × groups network and the notes: in the page's language.
    answers = [freetext.TextAnswer(a.text, category_label("sex", Category("", a.group))) for a in answers]
    translated: dict[str, int] = defaultdict(int)  # summed, as the selector sums groups sharing a label
    for group, n in sizes.items():
        translated[category_label("sex", Category("", group))] += n
    sizes = dict(translated)
    report = freetext.freetext(
        answers, group_sizes=sizes, threshold=scope.threshold, keywords=[keyword] if keyword else []
    )
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
            _("%(code)s よく使われた語") % {"code": item.code},
            [_("その語を含む記述の数（上位30語）"), _("氏名・連絡先は伏せています")],
            [(w.word, float(w.answers)) for w in top],
            axis_title=_("記述数"),
        )
        result.charts.append(
            charts.chart(
                "words",
                spec,
                [_("語"), _("品詞"), _("記述数"), _("出現数")],
                [[w.word, w.pos, w.answers, w.occurrences] for w in report.words],
            )
        )
    if not report.hidden and report.cooccurrence:
        spec = charts.network(
            _("%(code)s 共起ネットワーク") % {"code": item.code},
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
