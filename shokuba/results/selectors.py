"""Counts for the wave's analyses, aggregated in SQL: the work grows with the number of cells, not responses.

Every query on the two response tables filters by `member_id` AND `wave_id` (the index `answer_cells` is
(member_id, wave_id, item_code, choice_code, then every attribute and the organisation), so counts by choice and
group are read from the index alone, in the order of CACHED_DIMENSIONS with no sort; on Citus each query is routed
to the one shard holding the member), except the network benchmark, which reads the same item codes of the other
members' waves (a parallel query over shards).
Group sizes (respondents per group) come from `surveys_response`; per-item counts from `surveys_responseanswer`
with GROUP BY item_code, choice_code and the requested dimensions. Industry and size band come from the
organisation join (`network_organisation`).

The results are the engine's input dataclasses (shokuba.analysis.types and friends). Which groups may be shown is
decided once per scope by the gate (`gate(scope)`: `shokuba.analysis.suppression.Gate` over this scope's respondents
per group), and the engine publishes nothing of a group it hides.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet

from shokuba.analysis import benchmarks, gaps, recognition
from shokuba.analysis.change import WaveItem
from shokuba.analysis.freetext import TextAnswer
from shokuba.analysis.gaps import ScaleItemPair
from shokuba.analysis.suppression import Gate
from shokuba.analysis.types import Category, ItemCounts, MultipleChoiceCounts, RankingCounts
from shokuba.core.permissions import has_perm
from shokuba.network.models import Industry, Organisation, SizeBand
from shokuba.results.permissions import Scope, programme_scope, visible_result_waves
from shokuba.surveys.instrument import ATTRIBUTES, Definition, Question
from shokuba.surveys.models import Response, ResponseAnswer, Wave, WaveStatus
from shokuba.surveys.services import definition_of

Filters = Mapping[str, Sequence[str]]
Key = tuple[str, ...]

# Analysis dimensions → the column (on both response tables) they group by.
DIMENSION_FIELDS: dict[str, str] = {
    "sex": "sex",
    "age_band": "age_band",
    "position": "position",
    "employment": "employment",
    "service_years": "service_years",
    "care": "care",
    "organisation": "organisation_id",
    "industry": "organisation__industry",
    "size_band": "organisation__size_band",
}
ORGANISATION_DIMENSIONS = frozenset({"organisation", "industry", "size_band"})
NOT_ANSWERED = Category("", "無回答")


def dimensions_for(scope: Scope) -> list[tuple[str, str]]:
    """(code, label) of the dimensions the scope may group by."""
    result = [(code, attribute.label) for code, attribute in ATTRIBUTES.items()]
    if scope.organisations_allowed:
        result += [("organisation", "企業・団体"), ("industry", "業種"), ("size_band", "従業員規模")]
    return result


def categories_of(scope: Scope, dimension: str) -> list[Category]:
    """The categories of a dimension in printed order (plus 無回答 for an attribute left blank)."""
    if dimension in ATTRIBUTES:
        return [Category(c.code, c.label) for c in ATTRIBUTES[dimension].choices] + [NOT_ANSWERED]
    # 共通リンク exists only when the wave has a public link: a group that cannot exist is not a place to hide one.
    public = [Category("", "共通リンク")] if scope.wave.links.filter(organisation__isnull=True).exists() else []
    if dimension == "organisation":
        organisations = Organisation.objects.filter(survey_links__wave=scope.wave).order_by("name")
        return [Category(str(o.pk), o.name) for o in organisations] + public
    if dimension == "industry":
        return [Category(str(v), str(label)) for v, label in Industry.choices] + public
    if dimension == "size_band":
        return [Category(str(v), str(label)) for v, label in SizeBand.choices] + public
    raise KeyError(dimension)


# --- the questionnaire's items ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One analysable item (a question, or one statement of a matrix) of the wave's frozen definition."""

    code: str
    kind: str  # scale | single | multiple | ranking | number | text
    text: str
    question: Question
    categories: tuple[Category, ...] = ()
    non_substantive: tuple[Category, ...] = ()
    top_box: int = 0
    benchmarks: tuple[benchmarks.PublishedFigure, ...] = ()
    theme: str = ""


def items_of(definition: Definition) -> list[Item]:
    items: list[Item] = []
    for q in definition.questions:
        ns = tuple(Category(c.code, c.label) for c in q.non_substantive_choices())
        if q.type in ("likert", "matrix") and q.scale is not None:
            points = tuple(Category(p.code, p.label) for p in q.scale.points)
            entries = list(q.items) if q.type == "matrix" else [q]
            for entry in entries:
                figures = tuple(
                    benchmarks.PublishedFigure(b.source, b.year, b.group, b.value, b.measure) for b in entry.benchmarks
                )
                items.append(
                    Item(
                        entry.code,
                        "scale",
                        entry.text,
                        q,
                        points,
                        ns,
                        q.scale.top_box,
                        figures,
                        getattr(entry, "theme", "") or q.theme,
                    )
                )
        elif q.type in ("single", "multiple", "ranking"):
            choices = tuple(Category(c.code, c.label) for c in q.choices)
            items.append(Item(q.code, q.type, q.text, q, choices, theme=q.theme))
        elif q.type == "number":
            items.append(Item(q.code, "number", q.text, q, theme=q.theme))
        elif q.type in ("text_short", "text_long"):
            items.append(Item(q.code, "text", q.text, q, theme=q.theme))
    return items


def wave_items(wave: Wave) -> list[Item]:
    return items_of(definition_of(wave.version))


# --- SQL -------------------------------------------------------------------------------------------------------


def _answers(scope: Scope, codes: Iterable[str], filters: Filters | None = None) -> QuerySet[ResponseAnswer]:
    qs = ResponseAnswer.objects.filter(member_id=scope.member_id, wave_id=scope.wave.pk, item_code__in=list(codes))
    if scope.organisation_id is not None:
        qs = qs.filter(organisation_id=scope.organisation_id)
    for dimension, values in (filters or {}).items():
        qs = qs.filter(**{f"{DIMENSION_FIELDS[dimension]}__in": list(values)})
    return qs


def _responses(scope: Scope, filters: Filters | None = None) -> QuerySet[Response]:
    qs = Response.objects.filter(member_id=scope.member_id, wave_id=scope.wave.pk)
    if scope.organisation_id is not None:
        qs = qs.filter(organisation_id=scope.organisation_id)
    for dimension, values in (filters or {}).items():
        qs = qs.filter(**{f"{DIMENSION_FIELDS[dimension]}__in": list(values)})
    return qs


def _key(value: Any) -> str:
    return "" if value is None else str(value)


# A page asks many questions of the same wave (each gap preset's groups, the wave's totals, the two-thirds rule
# per organisation and sex): one GROUP BY over these dimensions answers all of them from the cells.
CACHED_DIMENSIONS: tuple[str, ...] = ("sex", "age_band", "position", "organisation")


def _cached(by: Sequence[str], filters: Filters | None) -> bool:
    return set(by) <= set(CACHED_DIMENSIONS) and set(filters or {}) <= set(CACHED_DIMENSIONS)


def _roll_up(
    cells: Mapping[tuple[str, ...], int], prefix: int, by: Sequence[str], filters: Filters | None
) -> dict[tuple[str, ...], int]:
    """Sum cells keyed (prefix…, *CACHED_DIMENSIONS) into (prefix…, *by), keeping those matching the filters."""
    position = {d: prefix + i for i, d in enumerate(CACHED_DIMENSIONS)}
    wanted = [(position[d], set(values)) for d, values in (filters or {}).items()]
    picks = [position[d] for d in by]
    result: dict[tuple[str, ...], int] = defaultdict(int)
    for key, n in cells.items():
        if all(key[i] in values for i, values in wanted):
            result[(*key[:prefix], *(key[i] for i in picks))] += n
    return dict(result)


def _response_cells(scope: Scope) -> dict[tuple[str, ...], int]:
    if "responses" not in scope.cache:
        fields = [DIMENSION_FIELDS[d] for d in CACHED_DIMENSIONS]
        rows = _responses(scope).values(*fields).annotate(n=Count("*")).order_by()
        scope.cache["responses"] = {tuple(_key(r[f]) for f in fields): int(r["n"]) for r in rows}
    cells: dict[tuple[str, ...], int] = scope.cache["responses"]
    return cells


def _answer_cells(scope: Scope, codes: Iterable[str]) -> dict[tuple[str, ...], int]:
    """(item, choice, *CACHED_DIMENSIONS) → rows, fetched once per scope for every item asked so far."""
    store: dict[tuple[str, ...], int] = scope.cache.setdefault("answers", {})
    done: set[str] = scope.cache.setdefault("answer_codes", set())
    missing = [c for c in codes if c not in done]
    if missing:
        fields = [DIMENSION_FIELDS[d] for d in CACHED_DIMENSIONS]
        rows = _answers(scope, missing).values("item_code", "choice_code", *fields).annotate(n=Count("*")).order_by()
        for r in rows:
            store[(r["item_code"], r["choice_code"], *(_key(r[f]) for f in fields))] = int(r["n"])
        done.update(missing)
    wanted = set(codes)
    return {k: n for k, n in store.items() if k[0] in wanted}


def group_sizes(scope: Scope, by: Sequence[str] = (), filters: Filters | None = None) -> dict[Key, int]:
    """Respondents per group (one row per response): {(dimension values…): n}; () → {(): total}."""
    if _cached(by, filters):
        rolled = _roll_up(_response_cells(scope), 0, by, filters)
        return rolled if by else {(): rolled.get((), 0)}
    fields = [DIMENSION_FIELDS[d] for d in by]
    if not fields:
        return {(): int(_responses(scope, filters).aggregate(n=Count("*"))["n"] or 0)}
    rows = _responses(scope, filters).values(*fields).annotate(n=Count("*")).order_by()
    return {tuple(_key(r[f]) for f in fields): int(r["n"]) for r in rows}


def gate(scope: Scope) -> Gate:
    """The gate of this scope: every group decision its pages, downloads and API answers rest on (made once)."""
    if "gate" not in scope.cache:
        derived: dict[str, dict[str, str]] = {}
        if scope.organisations_allowed:
            organisations = Organisation.objects.filter(survey_links__wave=scope.wave).values_list(
                "pk", "industry", "size_band"
            )
            derived = {
                "industry": {str(pk): str(industry) for pk, industry, _size in organisations},
                "size_band": {str(pk): str(size) for pk, _industry, size in organisations},
            }
        spaces: dict[str, list[str]] = {}

        def space(dim: str) -> list[str]:
            # Asked for at every group decision (the two-thirds rule asks once per organisation and sex): the
            # organisation dimension's categories are a query, read once per scope.
            if dim not in spaces:
                spaces[dim] = [c.code for c in categories_of(scope, dim)]
            return spaces[dim]

        scope.cache["gate"] = Gate(
            sizes=lambda dims: group_sizes(scope, dims),
            space=space,
            threshold=scope.threshold,
            unions=gaps.preset_groups(),
            derived=derived,
        )
    result: Gate = scope.cache["gate"]
    return result


def choice_counts(
    scope: Scope,
    codes: Iterable[str],
    by: Sequence[str] = (),
    filters: Filters | None = None,
    *,
    use_cells: bool = True,
) -> dict[tuple[str, str, Key], int]:
    """Answer rows per (item code, choice code, group): one GROUP BY over the answer table. `use_cells=False` asks
    exactly this GROUP BY instead of rolling up the scope's cached cells (all cached dimensions of every item):
    cheaper for a caller that needs a few items by one dimension once (an action plan's KPIs)."""
    if use_cells and _cached(by, filters):
        rolled = _roll_up(_answer_cells(scope, list(codes)), 2, by, filters)
        return {(k[0], k[1], tuple(k[2:])): n for k, n in rolled.items()}
    fields = [DIMENSION_FIELDS[d] for d in by]
    rows = _answers(scope, codes, filters).values("item_code", "choice_code", *fields).annotate(n=Count("*")).order_by()
    return {(r["item_code"], r["choice_code"], tuple(_key(r[f]) for f in fields)): int(r["n"]) for r in rows}


def rank_counts(scope: Scope, codes: Iterable[str], filters: Filters | None = None) -> dict[tuple[str, str, int], int]:
    rows = _answers(scope, codes, filters).values("item_code", "choice_code", "seq").annotate(n=Count("*")).order_by()
    return {(r["item_code"], r["choice_code"], int(r["seq"])): int(r["n"]) for r in rows}


def item_respondents(scope: Scope, codes: Iterable[str], filters: Filters | None = None) -> dict[str, int]:
    """Respondents who answered each item (a multiple choice or ranking has several rows per respondent)."""
    rows = (
        _answers(scope, codes, filters).values("item_code").annotate(n=Count("submission_id", distinct=True)).order_by()
    )
    return {r["item_code"]: int(r["n"]) for r in rows}


# --- engine inputs ---------------------------------------------------------------------------------------------


def item_counts_from(item: Item, counts: Mapping[str, int], responses: int) -> ItemCounts:
    """ItemCounts of one item in one group from {choice code: rows}; missing = responses − answered."""
    substantive = tuple(counts.get(c.code, 0) for c in item.categories)
    non_substantive = tuple((c, counts.get(c.code, 0)) for c in item.non_substantive)
    answered = sum(substantive) + sum(n for _, n in non_substantive)
    return ItemCounts(
        item.code,
        item.text,
        item.categories,
        substantive,
        non_substantive,
        max(responses - answered, 0),
        item.top_box if item.kind == "scale" else 0,
    )


def distribution_inputs(
    scope: Scope, items: Sequence[Item], filters: Filters | None = None
) -> tuple[list[ItemCounts], list[MultipleChoiceCounts], list[RankingCounts], int]:
    """Every closed item's counts for the scope (two GROUP BY queries and one count of respondents)."""
    total = sum(group_sizes(scope, (), filters).values())
    closed = [i for i in items if i.kind in ("scale", "single")]
    multiple = [i for i in items if i.kind == "multiple"]
    ranking = [i for i in items if i.kind == "ranking"]
    raw = choice_counts(scope, [i.code for i in closed + multiple], (), filters)
    per_item: dict[str, dict[str, int]] = defaultdict(dict)
    for (code, choice, _), n in raw.items():
        per_item[code][choice] = n
    counts = [item_counts_from(i, per_item[i.code], total) for i in closed]
    respondents = item_respondents(scope, [i.code for i in multiple + ranking], filters)
    mc = [
        MultipleChoiceCounts(
            i.code,
            i.text,
            i.categories,
            tuple(per_item[i.code].get(c.code, 0) for c in i.categories),
            respondents.get(i.code, 0),
            max(total - respondents.get(i.code, 0), 0),
        )
        for i in multiple
    ]
    ranks = rank_counts(scope, [i.code for i in ranking], filters) if ranking else {}
    rk = []
    for i in ranking:
        max_rank = i.question.max_choices or len(i.categories)
        rk.append(
            RankingCounts(
                i.code,
                i.text,
                i.categories,
                tuple(tuple(ranks.get((i.code, c.code, r), 0) for r in range(1, max_rank + 1)) for c in i.categories),
                respondents.get(i.code, 0),
                max_rank,
            )
        )
    return counts, mc, rk, total


def scale_vectors(
    scope: Scope, items: Sequence[Item], filters: Filters | None = None, by: Sequence[str] = ()
) -> dict[Key, dict[str, tuple[int, ...]]]:
    """{group: {item code: counts per scale point}} for scale items (one GROUP BY)."""
    raw = choice_counts(scope, [i.code for i in items], by, filters)
    result: dict[Key, dict[str, tuple[int, ...]]] = defaultdict(dict)
    groups = {g for (_, _, g) in raw}
    for group in groups:
        for i in items:
            result[group][i.code] = tuple(raw.get((i.code, c.code, group), 0) for c in i.categories)
    return result


def gap_pairs(scope: Scope, items: Sequence[Item], filters_a: Filters, filters_b: Filters) -> list[ScaleItemPair]:
    a = scale_vectors(scope, items, filters_a).get((), {})
    b = scale_vectors(scope, items, filters_b).get((), {})
    zero = {i.code: tuple(0 for _ in i.categories) for i in items}
    return [
        ScaleItemPair(i.code, i.text, a.get(i.code, zero[i.code]), b.get(i.code, zero[i.code]), i.top_box)
        for i in items
    ]


def crosstab_counts(
    scope: Scope, items: Sequence[Item], by: Sequence[str], *, listed: Callable[[Sequence[str]], bool]
) -> tuple[list[tuple[Category, ...]], dict[str, list[list[int]]]]:
    """Rows (the combinations of the dimensions' categories that `listed` keeps, in printed order) × each item's
    substantive categories, for several items at once (one GROUP BY)."""
    raw = choice_counts(scope, [i.code for i in items], by)
    combos: list[tuple[Category, ...]] = [()]
    for categories in (categories_of(scope, d) for d in by):
        combos = [(*c, cat) for c in combos for cat in categories]
    rows = [combo for combo in combos if listed([c.code for c in combo])]
    tables = {
        i.code: [[raw.get((i.code, c.code, tuple(x.code for x in combo)), 0) for c in i.categories] for combo in rows]
        for i in items
    }
    return rows, tables


def national_groups(scope: Scope, item: Item) -> dict[str, tuple[int, int]]:
    """(top-box count, valid n) for 全体, 男性 and 女性 — the groups the published figures are given for."""
    vectors = scale_vectors(scope, [item], by=("sex",))
    totals = [0] * len(item.categories)
    by_sex: dict[str, tuple[int, ...]] = {}
    for (sex,), counts in vectors.items():
        vector = counts[item.code]
        totals = [a + b for a, b in zip(totals, vector, strict=True)]
        by_sex[sex] = vector

    def pair(vector: Sequence[int]) -> tuple[int, int]:
        return (sum(vector[: item.top_box]), sum(vector))

    zero = tuple(0 for _ in item.categories)
    return {"全体": pair(totals), "男性": pair(by_sex.get("M", zero)), "女性": pair(by_sex.get("F", zero))}


@dataclass
class PooledCounts:
    """Counts pooled over other tenants (members of the network, organisations of the programme): how many
    contributed and how many respondents they have, for `suppression.pooled`."""

    contributors: int
    respondents: int = 0
    counts: dict[str, tuple[int, ...]] = field(default_factory=dict)


def network_counts(scope: Scope, items: Sequence[Item]) -> PooledCounts:
    """The same item codes in the other members' waves, summed (choice codes of the same scale).

    Only closed waves that reach the threshold contribute: an open wave's counts change between two visits (the
    difference would be one respondent), and a small wave must not be recoverable by subtracting the others."""
    codes = [i.code for i in items]
    closed = list(
        Wave.objects.filter(status=WaveStatus.CLOSED).exclude(member_id=scope.member_id).values_list("member_id", "pk")
    )
    sizes = list(
        Response.objects.filter(member_id__in={str(m) for m, _w in closed}, wave_id__in=[w for _m, w in closed])
        .values("member_id", "wave_id")
        .annotate(n=Count("*"))
        .order_by()
    )
    contributing = [(str(w["member_id"]), int(w["wave_id"])) for w in sizes if w["n"] >= scope.threshold]
    # The query names each member and wave, so each shard's index (member_id, wave_id, item_code …) is used.
    members: set[str] = set()
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for member_id, wave_id in contributing:
        rows = (
            ResponseAnswer.objects.filter(member_id=member_id, wave_id=wave_id, item_code__in=codes)
            .values("item_code", "choice_code")
            .annotate(n=Count("*"))
            .order_by()
        )
        for r in rows:
            members.add(member_id)
            sums[(r["item_code"], r["choice_code"])] += int(r["n"])
    respondents = sum(int(w["n"]) for w in sizes if w["n"] >= scope.threshold and str(w["member_id"]) in members)
    return PooledCounts(
        len(members),
        respondents,
        {i.code: tuple(sums.get((i.code, c.code), 0) for c in i.categories) for i in items},
    )


def programme_counts(scope: Scope, items: Sequence[Item]) -> PooledCounts:
    """For an organisation's scope: the whole programme's counts of these items (the organisation included, as
    `benchmarks.vs_programme` takes them), the number of other organisations that answered and their respondents.
    Used only for that comparison, never shown by itself."""
    whole = programme_scope(scope)
    by_organisation = group_sizes(whole, ("organisation",))
    own = str(scope.organisation_id)
    others = [k for k, n in by_organisation.items() if k[0] and k[0] != own and n > 0]
    own_total = by_organisation.get((own,), 0)
    everyone = scale_vectors(whole, items).get((), {})
    return PooledCounts(
        len(others),
        sum(by_organisation.values()) - own_total,
        {i.code: everyone.get(i.code, tuple(0 for _ in i.categories)) for i in items},
    )


def recognition_counts(scope: Scope, items: Sequence[Item]) -> dict[str, list[recognition.PositiveCounts]]:
    """Per organisation (pk as text): positive / substantive answers by sex for the rule's items."""
    raw = choice_counts(scope, [i.code for i in items], ("organisation", "sex"))
    result: dict[str, list[recognition.PositiveCounts]] = {}
    organisations = {org for (_, _, (org, _)) in raw if org}
    for org in organisations:
        entries = []
        for i in items:
            positive = {c.code for c in i.categories[: i.top_box]}
            substantive = {c.code for c in i.categories}
            tallies = {"M": [0, 0], "F": [0, 0], "": [0, 0]}
            for (code, choice, (o, sex)), n in raw.items():
                if code != i.code or o != org or choice not in substantive:
                    continue
                key = sex if sex in ("M", "F") else ""
                tallies[key][1] += n
                if choice in positive:
                    tallies[key][0] += n
            entries.append(recognition.PositiveCounts(i.code, *tallies["M"], *tallies["F"], *tallies[""]))
        result[org] = entries
    return result


def change_items(scope: Scope, items: Sequence[Item]) -> list[WaveItem]:
    """Scale items overall and per (age band, sex) stratum — the gate's split of those two — for weighting."""
    vectors = scale_vectors(scope, items, by=("age_band", "sex"))
    result = []
    for i in items:
        strata: dict[Key, tuple[int, ...]] = {(age, sex): counts[i.code] for (age, sex), counts in vectors.items()}
        overall = [0] * len(i.categories)
        for vector in strata.values():
            overall = [a + b for a, b in zip(overall, vector, strict=True)]
        result.append(WaveItem(i.code, i.text, tuple(overall), strata, i.top_box))
    return result


def text_answers(scope: Scope, item: Item, by: str = "sex") -> list[TextAnswer]:
    """The free-text answers of one item, each with the respondent's group code in `by`."""
    field_name = DIMENSION_FIELDS[by]
    # In the order of the random submission ids: the rows' own order (SQLite's rowid, PostgreSQL's heap) would be the
    # order of submission, i.e. close to the time of day of each answer.
    rows = (
        _answers(scope, [item.code]).exclude(text="").order_by("submission_id", "seq").values_list("text", field_name)
    )
    return [TextAnswer(text, _key(group)) for text, group in rows]


def comparison_waves(user: Any, scope: Scope) -> QuerySet[Wave]:
    """The waves a wave's results may be compared with (効果検証): the same member's, among those whose results the
    user may open. The page offers and the API accepts only these."""
    return visible_result_waves(user).filter(member_id=scope.member_id)


def comparable_waves(user: Any, scope: Scope, items: Sequence[Item]) -> list[Wave]:
    """The comparison waves other than this one with at least one of these item codes: the page's choices."""
    codes = {i.code for i in items}
    result = []
    for wave in comparison_waves(user, scope).exclude(pk=scope.wave.pk).select_related("version"):
        if has_perm(user, "results.view", wave) and codes & {i.code for i in wave_items(wave)}:
            result.append(wave)
    return result
