"""Reads for readiness, the self-diagnosis, the regional picture and the organisation dashboard. Always narrowed
by the permission rules first; aggregates go through `picture` (suppressed under the threshold)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from shokuba.analysis.suppression import DEFAULT_THRESHOLD, group_hidden
from shokuba.core.permissions import SYSTEM, has_perm
from shokuba.network.models import Member, MemberKind, Organisation
from shokuba.results import analyses as results_analyses
from shokuba.results.permissions import results_scope
from shokuba.surveys.models import Wave, WaveStatus
from shokuba.surveys.permissions import visible_wave_links
from shokuba.surveys.selectors import response_counts
from shokuba.workplace import diagnosis as diagnosis_module
from shokuba.workplace import picture, readiness
from shokuba.workplace.messages import label as label_of
from shokuba.workplace.messages import text, unit
from shokuba.workplace.models import IndicatorYear, RecognitionStage, Referral

THRESHOLD = DEFAULT_THRESHOLD


def rows_for(years: QuerySet[IndicatorYear]) -> picture.Rows:
    """The picture's rows in one query: the queryset's own SQL (so its scoping applies unchanged) run on a cursor,
    without building a Python object per row and field (the ORM's values_list doubles the time at 50,000 rows)."""
    fields = ["organisation_id", "fiscal_year", "organisation__industry", "organisation__size_band"]
    query = years.order_by().values_list(*fields, *picture.PICTURE_INDICATORS).query
    sql, params = query.sql_with_params()
    with connections[years.db].cursor() as cursor:
        cursor.execute(sql, params)
        data = cursor.fetchall()
    return picture.Rows.from_tuples(data, picture.PICTURE_INDICATORS)


# --- scopes of the regional picture ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    code: str  # "programme", "prefecture", "network"
    label: str
    years: QuerySet[IndicatorYear]


def member_scopes(member: Member) -> list[Scope]:
    """A programme's picture; for a prefecture member also its own and the network's municipalities inside it."""
    scopes = [
        Scope(
            "programme",
            _("%(member)sの参加企業・団体") % {"member": member},
            IndicatorYear.objects.filter(organisation__member=member),
        )
    ]
    if member.kind == MemberKind.PREFECTURE:
        inside = Q(organisation__member=member) | Q(
            organisation__member__kind=MemberKind.MUNICIPALITY,
            organisation__member__local_government__prefecture_code=member.pk[:2],
        )
        scopes.append(
            Scope(
                "prefecture",
                _("%(member)sと県内のネットワーク参加市町村の参加企業・団体") % {"member": member},
                IndicatorYear.objects.filter(inside),
            )
        )
    return scopes


def network_scope() -> Scope:
    return Scope("network", _("ネットワーク全体の参加企業・団体"), IndicatorYear.objects.all())


def summarise(scope: Scope, *, threshold: int = THRESHOLD) -> picture.Picture:
    return picture.summarise(rows_for(scope.years), threshold=threshold)


# --- one organisation -----------------------------------------------------------------------------------------


def organisation_years(organisation: Organisation) -> list[IndicatorYear]:
    return list(IndicatorYear.objects.filter(organisation=organisation).order_by("fiscal_year"))


def missing_label(code: str) -> str:
    if code == "employees":
        return _("労働者の数（女性・男性）")
    if code == "two_thirds":
        return _("従業員アンケートの3分の2基準の結果")
    return label_of(code)  # in the active language (messages.label)


def readiness_for(year: IndicatorYear) -> list[readiness.CertificationResult]:
    inputs = readiness.inputs_for(year.raw, year.values, size_band=year.organisation.size_band)
    results = readiness.evaluate(inputs)
    for cert in results:
        for level in cert.levels:
            level.missing_labels = [missing_label(m) for m in level.missing]  # type: ignore[attr-defined]
    return results


def two_thirds_for(organisation: Organisation) -> bool | None:
    """The survey's two-thirds rule for the organisation (shokuba.analysis.recognition over the results app's counts):
    the latest wave it takes part in whose questionnaire has the rule's items and in which men and women each
    reached the threshold. None when there is none (the scheme then lists it as missing, never as met).

    The platform evaluates it (the SYSTEM actor), like the readiness rules: the verdict is a fact about the
    organisation, shown to whoever may see its dashboard, and rests only on its own suppressed counts. Closed waves
    only: an open wave's verdict could change with one respondent between two visits."""
    waves = (
        Wave.objects.filter(links__organisation=organisation, status=WaveStatus.CLOSED)
        .distinct()
        .order_by("-opens_on", "-pk")
    )
    for wave in waves:
        scope = results_scope(SYSTEM, wave, organisation=organisation)
        result = results_analyses.organisation_recognition(scope, organisation.pk, organisation.name)
        if result is None:
            continue
        if result.verdict == "meets":
            return True
        if result.verdict == "does_not_meet":
            return False
    return None


def scheme_for(organisation: Organisation, year: IndicatorYear | None) -> list[readiness.StageResult]:
    stages = [
        {
            "order": s.order,
            "name": s.name,
            "description": s.description,
            "require_two_thirds": s.require_two_thirds,
            "criteria": s.criteria,
        }
        for s in RecognitionStage.objects.filter(member_id=organisation.member_id)
    ]
    if not stages:
        return []
    values: dict[str, Any] = {} if year is None else readiness.inputs_for(year.raw, year.values)
    results = readiness.evaluate_scheme(stages, values, two_thirds=two_thirds_for(organisation))
    for stage in results:
        stage.missing_labels = [missing_label(m) for m in stage.missing]  # type: ignore[attr-defined]
    return results


def peers_for(organisation: Organisation, year: int, *, threshold: int = THRESHOLD) -> dict[str, dict[str, Any]]:
    """Medians of the organisation's size band and industry, in its programme and in the whole network."""
    programme = rows_for(IndicatorYear.objects.filter(organisation__member_id=organisation.member_id, fiscal_year=year))
    network = rows_for(IndicatorYear.objects.filter(fiscal_year=year))
    result: dict[str, dict[str, Any]] = {}
    for scope, rows in (("programme", programme), ("network", network)):
        cells = picture.peer_medians(
            rows, year=year, industry=organisation.industry, size_band=organisation.size_band, threshold=threshold
        )
        result[f"{scope}_size_band"] = cells["size_band"]
        result[f"{scope}_industry"] = cells["industry"]
    return result


def diagnose(organisation: Organisation, year: IndicatorYear) -> diagnosis_module.Diagnosis:
    """The self-diagnosis, its labels, units, targets and actions in the active language (the pure module's texts
    are Japanese)."""
    result = diagnosis_module.diagnose(year.values, peers_for(organisation, year.fiscal_year))
    for row in result.rows:  # `actions` holds the same rows
        row.label = label_of(row.code)
        row.unit = unit(row.unit)
        row.target = text(row.target)
        row.action = text(row.action)
    return result


def referrals_for(organisation: Organisation) -> list[Referral]:
    return list(Referral.objects.filter(prefecture_code=organisation.location.prefecture_code))


# --- the organisation's employee surveys (counts only; results live in the analysis pages) -----------------------


@dataclass(frozen=True)
class SurveySummary:
    wave_name: str
    status: str
    responses: int | None  # None: under the threshold, not shown
    enough: bool
    results_url: str = ""  # the results pages (shokuba/results), when enough responded and the user may see them


def survey_summaries(user: Any, organisation: Organisation) -> list[SurveySummary]:
    """Per wave the organisation takes part in: its own response count, shown only at or above the threshold."""
    summaries = []
    links = visible_wave_links(user).filter(organisation=organisation).select_related("wave").order_by("-wave_id")
    for link in links:
        counts = response_counts(link.wave, [link])
        n = counts.total
        enough = not group_hidden(n, THRESHOLD)
        url = ""
        if enough and has_perm(user, "results.view", link.wave):
            url = reverse("results:overview", args=[link.wave_id])
        summaries.append(
            SurveySummary(
                wave_name=link.wave.name,
                status=link.wave.get_status_display(),
                responses=n if enough else None,
                enough=enough,
                results_url=url,
            )
        )
    return summaries
