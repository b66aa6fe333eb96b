"""The public site's reads: only what a member or an organisation chose to publish, re-checked at every read.

- A member is public while its `MemberPublication.published`; of its plan only KPIs and initiatives that are
  chosen, not internal and of an **approved** plan (a plan revised into a draft shows none until approved again);
  of its surveys only chosen **closed** waves, their headline figures read through the plans' KPI reader
  (`plans.readings.survey_points`: the whole wave as the platform, every group decided by the wave's gate,
  `results.selectors.gate`) — shares only, never counts.
- An organisation is public while its `OrganisationProfile.published`; of its figures only the indicators listed in
  an `IndicatorPublication` of that fiscal year.
- Aggregates over organisations (a member's medians in the open data) count only published figures and pass
  `analysis.suppression.group_hidden` (fewer than the threshold of organisations: hidden).
- A posting is public while `published`, its organisation's profile is public and its closing date has not passed.
- A case of the case library is public while it is **approved**, its visibility is "public" and its member's page is
  published; the public page shows its text and its published links (never comments, never a link to a page of this
  platform outside the public site, never its KPI or survey evidence, which lead to login-only pages).

Anything else is a 404 through these functions; no view reads a model directly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shokuba.analysis import distributions
from shokuba.analysis.progress import judge
from shokuba.analysis.suppression import group_hidden, validate_threshold
from shokuba.learning.models import Case, CaseEvidence, CaseState, EvidenceKind, Theme, Visibility
from shokuba.network.models import LocalGovernment, Member, Organisation
from shokuba.plans.models import Initiative, Kpi, KpiSource, PlanState
from shokuba.plans.readings import Context, Reading, hidden_reason, plan_readings, year_end
from shokuba.public.models import IndicatorPublication, JobPosting, MemberPublication, PostingState
from shokuba.results import selectors as results_selectors
from shokuba.surveys.models import Wave, WaveStatus
from shokuba.workplace.definitions import ARRANGEMENTS, INDICATORS_BY_CODE
from shokuba.workplace.messages import label as workplace_label
from shokuba.workplace.messages import unit as workplace_unit
from shokuba.workplace.models import IndicatorYear
from shokuba.workplace.opendata import CERTIFICATION_NAMES

# The figures a young person looking for a U-turn job asks about first: searchable with a threshold.
HEADLINE_INDICATORS: tuple[tuple[str, str], ...] = (
    ("women_manager_ratio", "min"),
    ("male_childcare_leave_rate", "min"),
    ("paid_leave_rate", "min"),
    ("avg_monthly_overtime", "max"),
)


def threshold() -> int:
    return validate_threshold(int(getattr(settings, "RESULTS_MIN_GROUP_SIZE", 5)))


# --- members --------------------------------------------------------------------------------------------------


def published_members() -> QuerySet[Member]:
    return (
        Member.objects.filter(publication__published=True)
        .select_related("local_government", "publication")
        .order_by("local_government_id")
    )


def public_member(code: str) -> Member:
    member = published_members().filter(pk=code).first()
    if member is None:
        raise Http404(_("公開されていない参加自治体です。"))
    return member


def prefectures() -> list[tuple[str, str]]:
    """(code, name) of the 47 prefectures, in code order."""
    return list(
        LocalGovernment.objects.filter(kind="prefecture")
        .order_by("code")
        .values_list("prefecture_code", "prefecture_name")
    )


def member_list(*, kind: str = "", prefecture: str = "", region: str = "") -> list[Member]:
    """Every member of the network (the network is public: names, kinds and regions), filtered; `published` on each
    says whether it has a public page."""
    members = Member.objects.select_related("local_government").order_by("local_government_id")
    if kind:
        members = members.filter(kind=kind)
    if prefecture:
        members = members.filter(local_government__prefecture_code=prefecture)
    if region:
        members = members.filter(region_block=region)
    published = set(MemberPublication.objects.filter(published=True).values_list("member_id", flat=True))
    out = list(members)
    for member in out:
        member.public = member.pk in published  # type: ignore[attr-defined]
    return out


def region_blocks() -> list[str]:
    return list(Member.objects.order_by("region_block").values_list("region_block", flat=True).distinct())


def members_by_prefecture() -> dict[str, int]:
    return dict(Member.objects.values_list("local_government__prefecture_code").annotate(n=Count("pk")).order_by())


@dataclass
class Headline:
    code: str
    text: str
    values: dict[str, float | None]  # group ("", "F", "M") -> top-box %, None when the gate hides it
    note: str = ""

    @property
    def everyone(self) -> float | None:
        return self.values.get("")

    @property
    def women(self) -> float | None:
        return self.values.get("F")

    @property
    def men(self) -> float | None:
        return self.values.get("M")


@dataclass
class WaveHeadlines:
    wave_id: int
    name: str
    fiscal_year: int
    closed_on: dt.date
    rows: list[Headline]
    threshold: int


@dataclass
class PointRow:
    value: float | None
    fiscal_year: int
    hidden: bool
    note: str


@dataclass
class KpiRow:
    """A published KPI's reading as plain data (what the page shows; kept in the cache)."""

    name: str
    unit: str
    baseline: PointRow | None
    latest: PointRow | None
    target_value: float
    target_year: int
    judgement: str


@dataclass
class InitiativeRow:
    title: str
    step: str
    status: str
    starts_on: dt.date
    ends_on: dt.date


@dataclass
class PlanPart:
    """The expensive, cacheable part of a member's page: the plan's published items read through their gates and
    the chosen waves' headline results."""

    plan_title: str
    plan_years: tuple[int, int] | None
    readings: list[KpiRow]
    initiatives: list[InitiativeRow]
    waves: list[WaveHeadlines]


@dataclass
class MemberPage:
    member: Member
    publication: MemberPublication
    plan_title: str
    plan_years: tuple[int, int] | None
    readings: list[KpiRow]
    initiatives: list[InitiativeRow]
    waves: list[WaveHeadlines]
    cases: list[Organisation]
    postings: int
    cache_key: str
    stories: list[CaseCard] = field(default_factory=list)


def _approved_plan_items(member: Member, publication: MemberPublication) -> tuple[list[Kpi], list[Initiative]]:
    kpis = list(
        Kpi.objects.filter(
            plan__member=member, plan__state=PlanState.APPROVED, internal=False, pk__in=publication.kpi_ids or []
        )
        .select_related("plan__member")
        .order_by("position", "pk")
    )
    initiatives = list(
        Initiative.objects.filter(
            plan__member=member,
            plan__state=PlanState.APPROVED,
            internal=False,
            pk__in=publication.initiative_ids or [],
        )
        .select_related("step")
        .order_by("step__position", "starts_on", "pk")
    )
    return kpis, initiatives


def wave_headlines(member: Member, wave_ids: Sequence[int], context: Context | None = None) -> list[WaveHeadlines]:
    """The 「そう思う傾向」 share of every scale item of each chosen closed wave, for everyone, women and men. Each
    group is shown or hidden by the wave's gate (`results.selectors.gate` over `results_scope(SYSTEM, wave)`: the
    same decision as the wave's results pages and the plans' survey KPIs), the share computed by the engine from
    the group's counts; decisions are made once per wave and the counts read in one GROUP BY per wave."""
    if not wave_ids:
        return []
    context = context or Context(member)
    out = []
    for wave in reversed(context.waves()):  # closed waves only, newest first
        if wave.pk not in wave_ids:
            continue
        items = [i for i in context.items(wave).values() if i.kind == "scale"]
        context.count(wave, [i.code for i in items])  # one GROUP BY for every item of the wave
        scope = context.scope(wave)
        gate = results_selectors.gate(scope)
        decisions = {"": gate.scope(), "F": gate.group({"sex": ("F",)}), "M": gate.group({"sex": ("M",)})}
        rows = []
        for item in items:
            by_sex = context.counts_by_sex(wave, item.code)
            values: dict[str, float | None] = {}
            note = ""
            for group, decision in decisions.items():
                counts: dict[str, int] = defaultdict(int)
                for (choice, sex), n in by_sex.items():
                    if not group or sex == group:
                        counts[choice] += n
                values[group] = distributions.top_percent(
                    results_selectors.item_counts_from(item, counts, decision.size), decision
                )
                if not decision.shown:
                    note = note or hidden_reason(decision)
            rows.append(Headline(item.code, item.text, values, note))
        out.append(
            WaveHeadlines(
                wave.pk,
                wave.name,
                wave.fiscal_year,
                wave.closed_at.date() if wave.closed_at else wave.closes_on,
                rows,
                scope.threshold,
            )
        )
    return out


def published_organisations() -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(public_profile__published=True)
        .select_related("member__local_government", "location", "public_profile")
        .order_by("member_id", "name")
    )


# --- workplace KPIs: only over published figures -----------------------------------------------------------


def published_figures(member: Member) -> set[tuple[int, int, str]]:
    """(organisation, fiscal year, indicator) of every figure the member's organisations publish."""
    out: set[tuple[int, int, str]] = set()
    for organisation_id, year, codes in IndicatorPublication.objects.filter(
        organisation__member=member, organisation__public_profile__published=True
    ).values_list("organisation_id", "fiscal_year", "indicators"):
        out.update((organisation_id, year, code) for code in codes or [])
    return out


def _has_workplace_kpis(kpis: Sequence[Kpi]) -> bool:
    return any(k.source == KpiSource.WORKPLACE for k in kpis)


def _published_inputs(member: Member, kpis: Sequence[Kpi]) -> list[tuple[int, int, str]]:
    """The published figures the member's workplace KPIs may be made of (part of the page's cache key)."""
    wanted = {k.indicator for k in kpis if k.source == KpiSource.WORKPLACE}
    return sorted(f for f in published_figures(member) if f[2] in wanted) if wanted else []


def public_reading(reading: Reading, published: set[tuple[int, int, str]]) -> Reading:
    """A KPI's reading as the public site may show it. A workplace KPI's value is the median of every participating
    organisation's figure, published or not. A median is not protected by its number of values: an organisation
    that changes its own (unpublished) figure between two reads moves the median from one neighbouring value to
    the other and reads its neighbours' figures exactly, at any n (docs/ARCHITECTURE.md, "The public site"). So a
    year's median is shown on the public site only when every figure in it is published by its organisation (then
    nothing in it is secret); otherwise the point is hidden and the judgement not made."""
    if reading.kpi.source != KpiSource.WORKPLACE:
        return reading
    indicator = reading.kpi.indicator
    note = _("公表していない企業・団体の値を含むため、公開サイトには表示しません。")
    changed = {}
    for point in reading.points:
        if point.hidden:
            continue
        inputs = point.basis[1] if len(point.basis) > 1 and point.basis[0] == "values" else None
        if inputs is not None and all((int(o), point.fiscal_year, indicator) in published for o in inputs):
            continue
        changed[id(point)] = replace(
            point, value=None, low=None, high=None, n=None, hidden=True, note=note, basis=(), provenance={}
        )
    if not changed:
        return reading
    baseline = changed.get(id(reading.baseline), reading.baseline) if reading.baseline else None
    latest = changed.get(id(reading.latest), reading.latest) if reading.latest else None
    judgement = reading.judgement
    if (baseline is not None and baseline.hidden) or (latest is not None and latest.hidden):
        judgement = judge(
            baseline=None,
            target=reading.kpi.target_value,
            latest=None,
            baseline_t=None,
            latest_t=None,
            target_t=year_end(reading.kpi.target_year),
            exact=reading.exact,
            missing_reason=note,
        )
    return replace(
        reading,
        points=[changed.get(id(p), p) for p in reading.points],
        baseline=baseline,
        latest=latest,
        judgement=judgement,
    )


def public_readings(kpis: Sequence[Kpi], member: Member, *, until: int, context: Context) -> list[Reading]:
    """The plan's readings through `public_reading`: the one way the public site reads KPIs."""
    if not kpis:
        return []
    readings = plan_readings(kpis, member, until=until, context=context)
    if not _has_workplace_kpis(kpis):
        return readings
    published = published_figures(member)
    return [public_reading(r, published) for r in readings]


def _point(point: Any) -> PointRow | None:
    if point is None:
        return None
    return PointRow(None if point.hidden else point.value, point.fiscal_year, point.hidden, point.note)


def _kpi_row(reading: Reading) -> KpiRow:
    return KpiRow(
        reading.kpi.name,
        reading.unit,
        _point(reading.baseline),
        _point(reading.latest),
        reading.kpi.target_value,
        reading.kpi.target_year,
        reading.judgement.label,
    )


def _plan_part(
    member: Member, kpis: list[Kpi], initiatives: list[Initiative], wave_ids: list[int], until: int
) -> PlanPart:
    context = Context(member)
    readings = public_readings(kpis, member, until=until, context=context)
    plan = getattr(member, "plan", None) if kpis or initiatives else None
    return PlanPart(
        plan_title=plan.title if plan else "",
        plan_years=(plan.start_year, plan.end_year) if plan else None,
        readings=[_kpi_row(r) for r in readings],
        initiatives=[
            InitiativeRow(i.title, i.step.code, i.get_status_display(), i.starts_on, i.ends_on) for i in initiatives
        ],
        waves=wave_headlines(member, wave_ids, context),
    )


def _fingerprint(
    member: Member, publication: MemberPublication, kpis: list[Kpi], initiatives: list[Initiative], until: int
) -> str:
    """What decides which items may be shown, and their wording: any change makes a new cache key at once (a
    plan revised into a draft, an item made internal or edited, a wave reopened or chosen, the page edited). Values
    that only grow with new data (a newly imported statistic) wait for PUBLIC_PAGE_CACHE_SECONDS."""
    plan = getattr(member, "plan", None) if kpis or initiatives else None
    waves = list(
        Wave.objects.filter(pk__in=publication.wave_ids or [], member=member)
        .order_by("pk")
        .values_list("pk", "status", "closed_at")
    )
    parts = [
        member.pk,
        translation.get_language(),
        until,
        publication.updated_at.isoformat(),
        plan.updated_at.isoformat() if plan else "",
        [(k.pk, k.name, k.target_value, k.target_year, k.baseline_year, k.baseline_value, k.unit) for k in kpis],
        [(i.pk, i.title, i.status, i.starts_on.isoformat(), i.ends_on.isoformat()) for i in initiatives],
        [(pk, status, closed.isoformat() if closed else "") for pk, status, closed in waves],
        # Which figures are published decides whether a workplace KPI's median may be shown (`public_reading`).
        _published_inputs(member, kpis),
    ]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, default=str).encode()).hexdigest()


def member_page(member: Member, *, today: dt.date | None = None) -> MemberPage:
    """A published member's page. The plan's readings and the waves' headlines are computed through their gates
    and kept in the cache under a key that changes whenever what may be shown changes (`_fingerprint`); which
    organisations and postings are public is read on every request."""
    publication = member.publication
    kpis, initiatives = _approved_plan_items(member, publication)
    until = (today or timezone.localdate()).year + 1
    key = "public:member-page:" + _fingerprint(member, publication, kpis, initiatives, until)
    part = cache.get(key)
    if not isinstance(part, PlanPart):
        wave_ids = list(
            Wave.objects.filter(pk__in=publication.wave_ids or [], member=member, status=WaveStatus.CLOSED).values_list(
                "pk", flat=True
            )
        )
        part = _plan_part(member, kpis, initiatives, wave_ids, until)
        cache.set(key, part, getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 600))
    return MemberPage(
        member=member,
        publication=publication,
        plan_title=part.plan_title,
        plan_years=part.plan_years,
        readings=part.readings,
        initiatives=part.initiatives,
        waves=part.waves,
        # The list shows a name, an industry and a link: three columns, not five joined models per organisation
        # (200 organisations' model instances were a third of a warm request and fed the garbage collector).
        cases=list(published_organisations().filter(member=member).select_related(None).only("pk", "name", "industry")),
        postings=open_postings(today=today).filter(organisation__member=member).count(),
        cache_key=key,
        stories=case_cards(public_cases().filter(member=member)),
    )


# --- cases of the case library --------------------------------------------------------------------------------

EXCERPT_LENGTH = 120


def public_cases() -> QuerySet[Case]:
    """Approved cases whose visibility is "public", of members whose page is published (re-checked at every read: a
    case revised into a draft, made network-only, or a page unpublished disappears at once)."""
    return (
        Case.objects.filter(state=CaseState.APPROVED, visibility=Visibility.PUBLIC, member__publication__published=True)
        .select_related("member__local_government")
        .order_by("-reviewed_at", "-pk")
    )


@dataclass
class CaseCard:
    case: Case
    steps: list[tuple[str, str]]  # (code, title)
    excerpt: str


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_LENGTH else flat[: EXCERPT_LENGTH - 1] + "…"


def case_cards(cases: QuerySet[Case]) -> list[CaseCard]:
    """Each public case with its guidebook steps and the start of what was tried, in two queries."""
    listed = list(cases.prefetch_related("steps"))
    return [
        CaseCard(c, [(s.code, s.title) for s in sorted(c.steps.all(), key=lambda s: s.position)], _excerpt(c.tried))
        for c in listed
    ]


def _own_hosts() -> set[str]:
    hosts = {h.lower() for h in settings.ALLOWED_HOSTS if h and not h.startswith(".") and h != "*"}
    for name in ("SITE_URL", "PUBLIC_SITE_URL"):
        netloc = urlsplit(getattr(settings, name, "") or "").hostname
        if netloc:
            hosts.add(netloc.lower())
    return hosts


PUBLIC_PATHS = ("/public/", "/sitemap.xml")


def public_link(url: str) -> bool:
    """A published evidence link may be shown when it leads outside this platform, or to its public site; a link to
    any other page of this platform (the case library, results, the member pages) leads to a login page."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    if parts.hostname.lower() not in _own_hosts():
        return True
    return parts.path.startswith(PUBLIC_PATHS)


@dataclass
class PublicCase:
    card: CaseCard
    themes: list[str]
    links: list[CaseEvidence]


def public_case(pk: int) -> PublicCase:
    cards = case_cards(public_cases().filter(pk=pk))
    if not cards:
        raise Http404(_("公開されていない事例です。"))
    case = cards[0].case
    theme_labels = dict(Theme.choices)
    links = [e for e in case.evidence.filter(kind=EvidenceKind.LINK) if public_link(e.url)]
    return PublicCase(cards[0], [str(theme_labels.get(t, t)) for t in case.themes], links)


# --- organisations --------------------------------------------------------------------------------------------


@dataclass
class PublicFigure:
    code: str
    label: str
    value: float | None
    unit: str


@dataclass
class PublicYear:
    fiscal_year: int
    figures: list[PublicFigure]
    arrangements: list[str]  # labels of the arrangements in place (when shown)
    certifications: list[str]


@dataclass
class OrganisationCard:
    organisation: Organisation
    latest: PublicYear | None
    years: list[PublicYear] = field(default_factory=list)

    def value(self, code: str) -> float | None:
        if self.latest is None:
            return None
        return next((f.value for f in self.latest.figures if f.code == code), None)


def _certification_labels(held: Mapping[str, Any]) -> list[str]:
    out = []
    for code, name in CERTIFICATION_NAMES.items():
        entry = held.get(code)
        if not entry:
            continue
        text = _(name)
        level = entry.get("level") if isinstance(entry, Mapping) else None
        if level and str(level).startswith("eruboshi-"):
            text = _("%(name)s（%(level)s段階目）") % {"name": text, "level": str(level).rsplit("-", 1)[1]}
        if isinstance(entry, Mapping) and entry.get("plus"):
            text = _("%(name)sプラス") % {"name": text}
        out.append(text)
    return out


def _public_years(
    publications: Iterable[IndicatorPublication], years: Mapping[tuple[int, int], IndicatorYear], certified: bool
) -> dict[int, list[PublicYear]]:
    out: dict[int, list[PublicYear]] = defaultdict(list)
    for publication in publications:
        year = years.get((publication.organisation_id, publication.fiscal_year))
        if year is None:
            continue
        figures = [
            PublicFigure(
                code,
                workplace_label(code),
                getattr(year, code),
                workplace_unit(INDICATORS_BY_CODE[code].unit),
            )
            for code in publication.indicators
            if code in INDICATORS_BY_CODE
        ]
        arrangements = (
            [_(a.label) for a in ARRANGEMENTS if getattr(year, a.code)] if publication.show_arrangements else []
        )
        certifications = _certification_labels(year.certifications or {}) if certified else []
        out[publication.organisation_id].append(
            PublicYear(publication.fiscal_year, figures, arrangements, certifications)
        )
    for listed in out.values():
        listed.sort(key=lambda y: -y.fiscal_year)
    return out


def organisation_cards(organisations: Sequence[Organisation]) -> list[OrganisationCard]:
    """Each published organisation with its published years (newest first), in two queries."""
    ids = [o.pk for o in organisations]
    publications = list(IndicatorPublication.objects.filter(organisation_id__in=ids))
    wanted = {(p.organisation_id, p.fiscal_year) for p in publications}
    years = {
        (y.organisation_id, y.fiscal_year): y
        for y in IndicatorYear.objects.filter(
            organisation_id__in=ids, fiscal_year__in={p.fiscal_year for p in publications}
        )
        if (y.organisation_id, y.fiscal_year) in wanted
    }
    by_organisation = _public_years(
        publications,
        years,
        certified=False,
    )
    cards = []
    for organisation in organisations:
        listed = by_organisation.get(organisation.pk, [])
        if organisation.public_profile.show_certifications:
            for public_year in listed:
                year = years.get((organisation.pk, public_year.fiscal_year))
                public_year.certifications = _certification_labels(year.certifications or {}) if year else []
        cards.append(OrganisationCard(organisation, listed[0] if listed else None, listed))
    return cards


@dataclass(frozen=True)
class OrganisationFilter:
    prefecture: str = ""
    member: str = ""
    industry: str = ""
    minimums: tuple[tuple[str, float], ...] = ()
    maximums: tuple[tuple[str, float], ...] = ()
    flexible: str = ""  # an arrangement code that must be in place


def organisation_search(chosen: OrganisationFilter) -> list[OrganisationCard]:
    """Published organisations by the region they work in, industry and published figures (the latest published
    year's; an organisation that does not publish a figure is left out by a threshold on it)."""
    organisations = published_organisations()
    if chosen.prefecture:
        organisations = organisations.filter(location__prefecture_code=chosen.prefecture)
    if chosen.member:
        organisations = organisations.filter(member_id=chosen.member)
    if chosen.industry:
        organisations = organisations.filter(industry=chosen.industry)
    cards = organisation_cards(list(organisations))
    out = []
    flexible_label = next((_(a.label) for a in ARRANGEMENTS if a.code == chosen.flexible), "")
    for card in cards:
        ok = True
        for code, low in chosen.minimums:
            value = card.value(code)
            ok = ok and value is not None and value >= low
        for code, high in chosen.maximums:
            value = card.value(code)
            ok = ok and value is not None and value <= high
        if flexible_label:
            ok = ok and card.latest is not None and flexible_label in card.latest.arrangements
        if ok:
            out.append(card)
    return out


def public_organisation(pk: int) -> OrganisationCard:
    organisation = published_organisations().filter(pk=pk).first()
    if organisation is None:
        raise Http404(_("公開されていない企業・団体です。"))
    return organisation_cards([organisation])[0]


# --- job postings ---------------------------------------------------------------------------------------------


def open_postings(*, today: dt.date | None = None) -> QuerySet[JobPosting]:
    today = today or timezone.localdate()
    return (
        JobPosting.objects.filter(
            state=PostingState.PUBLISHED,
            valid_through__gte=today,
            organisation__public_profile__published=True,
        )
        .select_related("organisation__member__local_government", "location", "organisation__location")
        .order_by("-published_on", "-pk")
    )


def public_posting(pk: int) -> JobPosting:
    posting = open_postings().filter(pk=pk).first()
    if posting is None:
        raise Http404(_("公開されていない求人です。"))
    return posting


# --- open data ------------------------------------------------------------------------------------------------

DATASET_COLUMNS: tuple[tuple[str, str, str], ...] = (
    # (column, Japanese header, definition) — the data dictionary
    ("member_code", "団体コード", "参加自治体の全国地方公共団体コード（6桁、検査数字付き）。"),
    ("member_name", "団体名", "参加自治体の名称（都道府県名＋市区町村名）。"),
    ("fiscal_year", "年度", "値の年度（4月〜翌3月、西暦）。調査はその調査の実施年度。"),
    (
        "dataset",
        "区分",
        "organisations（参加企業・団体数）、workplace（職場の指標の中央値）、survey（調査の「そう思う傾向」の割合）、kpi（アクションプランのKPI）。",
    ),
    (
        "item_code",
        "項目コード",
        "指標のコード（職場の指標は女性活躍推進法等の定義、調査は設問コード、KPIは計画内の番号）。",
    ),
    ("item", "項目", "項目の名称。"),
    ("group", "対象", "all（全体）、F（女性）、M（男性）。"),
    ("value", "値", "数値。秘匿（非表示）の場合は空欄。"),
    ("unit", "単位", "値の単位（%、時間、件など）。"),
    ("base", "基数", "中央値の計算に使った企業・団体の数（職場の指標）。調査・KPIでは空欄。"),
    ("status", "状態", "shown（公表）または hidden（少数のため秘匿）。"),
    ("note", "注記", "秘匿の理由や定義の補足。"),
)


@dataclass
class DatasetRow:
    member_code: str
    member_name: str
    fiscal_year: int
    dataset: str
    item_code: str
    item: str
    group: str
    value: float | None
    unit: str
    base: int | None
    status: str
    note: str

    def cells(self) -> list[Any]:
        return [getattr(self, column) for column, _h, _d in DATASET_COLUMNS]


def member_years(member: Member) -> list[int]:
    """The fiscal years a member has something published for: its public organisations' published figures and its
    chosen waves (a year's file then also carries the published KPIs' values of that year)."""
    years = set(
        IndicatorPublication.objects.filter(
            organisation__member=member, organisation__public_profile__published=True
        ).values_list("fiscal_year", flat=True)
    )
    publication = member.publication
    years.update(w.fiscal_year for w in Context(member).waves() if w.pk in (publication.wave_ids or []))
    return sorted(years)


def catalogue() -> list[tuple[Member, list[int]]]:
    return [(m, member_years(m)) for m in published_members()]


def member_dataset(member: Member, fiscal_year: int) -> list[DatasetRow]:
    """The member's published aggregates of one fiscal year. Every figure is either an organisation's own published
    figure aggregated over at least `threshold()` organisations (else hidden), a wave's gated share, or a count of
    participating organisations."""
    if fiscal_year not in member_years(member):
        raise Http404(_("この年度の公開データはありません。"))
    code, name = member.pk, str(member)
    rows: list[DatasetRow] = []
    year_end = dt.date(fiscal_year + 1, 3, 31)
    organisations = Organisation.objects.filter(member=member, joined_on__lte=year_end).count()
    rows.append(
        DatasetRow(
            code,
            name,
            fiscal_year,
            "organisations",
            "organisations",
            _("参加企業・団体数（年度末）"),
            "all",
            float(organisations),
            _("件"),
            None,
            "shown",
            "",
        )
    )
    limit = threshold()
    publications = list(
        IndicatorPublication.objects.filter(
            organisation__member=member, organisation__public_profile__published=True, fiscal_year=fiscal_year
        )
    )
    values: dict[str, list[float]] = defaultdict(list)
    figures = {
        y.organisation_id: y
        for y in IndicatorYear.objects.filter(
            organisation_id__in=[p.organisation_id for p in publications], fiscal_year=fiscal_year
        )
    }
    for publication in publications:
        year = figures.get(publication.organisation_id)
        if year is None:
            continue
        for indicator in publication.indicators:
            value = getattr(year, indicator, None) if indicator in INDICATORS_BY_CODE else None
            if value is not None:
                values[indicator].append(float(value))
    for indicator in INDICATORS_BY_CODE:
        found = values.get(indicator)
        if not found:
            continue
        hidden = group_hidden(len(found), limit)
        rows.append(
            DatasetRow(
                code,
                name,
                fiscal_year,
                "workplace",
                indicator,
                workplace_label(indicator),
                "all",
                None if hidden else round(statistics.median(found), 2),
                workplace_unit(INDICATORS_BY_CODE[indicator].unit),
                None if hidden else len(found),
                "hidden" if hidden else "shown",
                _("公表している企業・団体が%(threshold)d未満のため秘匿。") % {"threshold": limit}
                if hidden
                else _("公表している企業・団体の値の中央値。"),
            )
        )
    chosen = member.publication
    context = Context(member)
    for wave in wave_headlines(
        member,
        [w.pk for w in context.waves() if w.fiscal_year == fiscal_year and w.pk in (chosen.wave_ids or [])],
        context,
    ):
        for headline in wave.rows:
            for group, value in headline.values.items():
                rows.append(
                    DatasetRow(
                        code,
                        name,
                        fiscal_year,
                        "survey",
                        headline.code,
                        f"{wave.name}: {headline.text}",
                        group or "all",
                        None if value is None else round(value, 2),
                        "%",
                        None,
                        "hidden" if value is None else "shown",
                        headline.note if value is None else _("「そう思う傾向」（上位2段階）の割合。"),
                    )
                )
    kpis, _initiatives = _approved_plan_items(member, chosen)
    readings = public_readings(kpis, member, until=fiscal_year, context=context)
    for reading in readings:
        for point in reading.points:
            if point.fiscal_year != fiscal_year:
                continue
            rows.append(
                DatasetRow(
                    code,
                    name,
                    fiscal_year,
                    "kpi",
                    f"KPI-{reading.kpi.pk}",
                    reading.kpi.name,
                    "all",
                    None if point.hidden or point.value is None else round(point.value, 2),
                    reading.unit,
                    None,
                    "hidden" if point.hidden else "shown",
                    point.note or point.label,
                )
            )
    return rows
