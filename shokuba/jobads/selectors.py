"""Reads for the job-ad pages and API, always narrowed by `visible_checks` / `visible_organisations`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from shokuba.analysis import jobad
from shokuba.core.permissions import has_perm
from shokuba.jobads.models import JobAdCheck
from shokuba.jobads.permissions import visible_checks
from shokuba.network.models import Member, Organisation
from shokuba.network.permissions import visible_organisations
from shokuba.workplace.permissions import visible_indicator_years

# The organisation's figures a missing-information sentence can quote (the info items' `indicator` in the rules).
FACT_INDICATORS = tuple(item["indicator"] for item in jobad.rules().data["info"] if "indicator" in item)
ARRANGEMENTS: dict[str, str] = next(item for item in jobad.rules().data["info"] if "arrangements" in item)[
    "arrangements"
]


def member_for(user: Any, code: str) -> Member:
    """The programme whose job-ad page the user may open, else 404 (another tenant's code reveals nothing)."""
    member = Member.objects.select_related("local_government").filter(pk=code).first()
    if member is None or not has_perm(user, "jobads.view_programme", member):
        raise Http404
    return member


def organisations_for(user: Any, member: Member) -> list[Organisation]:
    return list(visible_organisations(user).filter(member=member).order_by("name"))


def organisation_for(user: Any, member: Member, organisation_id: Any) -> Organisation | None:
    try:
        pk = int(organisation_id)
    except (TypeError, ValueError):
        return None
    return visible_organisations(user).filter(member=member, pk=pk).first()


def check_for(user: Any, pk: int) -> JobAdCheck:
    found = visible_checks(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def organisation_facts(user: Any, organisation: Organisation) -> jobad.Facts:
    """The organisation's latest figure of each quotable indicator (each from its own latest year with a value) and
    the flexible-work arrangements of its latest year, read through the workplace app's narrowing."""
    years = list(visible_indicator_years(user).filter(organisation=organisation).order_by("-fiscal_year"))
    figures: dict[str, tuple[float, int]] = {}
    for code in FACT_INDICATORS:
        for year in years:
            value = getattr(year, code, None)
            if value is not None:
                figures[code] = (float(value), year.fiscal_year)
                break
    arrangements = [label for field, label in ARRANGEMENTS.items() if years and getattr(years[0], field, False)]
    return jobad.Facts(figures, arrangements)


@dataclass(frozen=True)
class OrganisationRow:
    organisation: Organisation
    latest: JobAdCheck | None
    checks: int


def programme_summary(user: Any, member: Member) -> tuple[list[OrganisationRow], dict[str, Any]]:
    """Per visible organisation of the programme, its latest check; and the coordinator's summary: how many
    organisations have checked an ad, how many latest checks still have findings per category, the mean scores,
    and which rules come up most."""
    organisations = organisations_for(user, member)
    checks = list(visible_checks(user).filter(member=member).order_by("organisation_id", "-created_at", "-pk"))
    latest: dict[int, JobAdCheck] = {}
    counts: dict[int, int] = {}
    for check in checks:
        latest.setdefault(check.organisation_id, check)
        counts[check.organisation_id] = counts.get(check.organisation_id, 0) + 1
    rows = [OrganisationRow(o, latest.get(o.pk), counts.get(o.pk, 0)) for o in organisations]
    checked = [r.latest for r in rows if r.latest is not None]
    with_findings = {
        category: sum(
            1 for c in checked if any(f["category"] == category and f["severity"] in jobad.FLAGGED for f in c.findings)
        )
        for category in ("sex", "age")
    }
    means = {
        category: round(sum(c.scores.get(category, 0) for c in checked) / len(checked)) if checked else None
        for category in jobad.CATEGORIES
    }
    rules: dict[str, int] = {}
    for c in checked:
        for f in c.findings:
            if f["severity"] in jobad.FLAGGED or f["severity"] == jobad.MISSING:
                key = f"{f['category']}:{f['rule']}"
                rules[key] = rules.get(key, 0) + 1
    common = sorted(rules.items(), key=lambda item: (-item[1], item[0]))[:10]
    summary = {
        "organisations": len(organisations),
        "checked": len(checked),
        "checks": len(checks),
        "with_findings": with_findings,
        "means": means,
        "common": common,
    }
    return rows, summary


def history(user: Any, check: JobAdCheck) -> list[JobAdCheck]:
    """The versions this check was rewritten from, newest first (at most 20)."""
    found: list[JobAdCheck] = []
    current = check.previous_id
    visible = visible_checks(user)
    while current is not None and len(found) < 20:
        previous = visible.filter(pk=current).first()
        if previous is None:
            break
        found.append(previous)
        current = previous.previous_id
    return found
