"""The regional pages' rows of the project's permission matrix (tests/test_permission_matrix.py).

`regional_cases(Case, expect)` is called by that module with its own row type and helper. The statistics, a job
and an outcome are made on first use for the matrix's World and kept on it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from shokuba.regional.models import ImportJob, OutcomeIndicator
from shokuba.regional.tests.samples import import_small, migration_csv


@dataclass
class RegionalWorld:
    job: ImportJob  # the secretariat's
    member_job: ImportJob  # 豊岡市's coordinator's
    outcome: OutcomeIndicator


def regional_world(world: Any) -> RegionalWorld:
    found = getattr(world, "_regional", None)
    if found is not None:
        return found
    import_small(2024)
    job = ImportJob.objects.create(table="11-3", year=2024, source="file", source_name="b01103s.xlsx")
    member_job = ImportJob.objects.create(
        table="", year=2024, source="file", source_name="toyooka.csv", member=world.toyooka
    )
    outcome = OutcomeIndicator.objects.create(
        member=world.toyooka, indicator="recovery_rate", sex="F", baseline_year=2024
    )
    found = RegionalWorld(job=job, member_job=member_job, outcome=outcome)
    world._regional = found
    return found


def _r(world: Any) -> RegionalWorld:
    return regional_world(world)


def _upload(world: Any) -> dict[str, Any]:
    _r(world)
    return {
        "source": "file",
        "table": "11-3",
        "year": "2024",
        "replace": "on",
        "file": SimpleUploadedFile("b01103s.csv", migration_csv(), content_type="text/csv"),
    }


def regional_cases(case: Callable[..., Any], expect: Callable[..., dict[str, int]]) -> list[Any]:
    staff = {"sec": 200, "sup": 200}
    outcome_change = {"sec": 302, "coord": 302}
    return [
        case("regional:index", "GET", lambda w: "/regional/", expect(200)),
        # Public official statistics: every logged-in role reads every area.
        case("regional:area", "GET", lambda w: (_r(w), "/regional/areas/282090/")[1], expect(200)),
        case("regional:area", "GET", lambda w: (_r(w), "/regional/areas/042056/")[1], expect(200), label="other"),
        case(
            "regional:area_chart",
            "GET",
            lambda w: (_r(w), "/regional/areas/282090/charts/net-by-age.csv")[1],
            expect(200),
        ),
        case(
            "regional:area_export",
            "GET",
            lambda w: (_r(w), "/regional/areas/042056/indicators.xlsx")[1],
            expect(200),
        ),
        case("regional:network", "GET", lambda w: (_r(w), "/regional/network/")[1], expect(403, **staff)),
        # Coordinators import their own member's areas: a national file's other areas are left out, and figures
        # the secretariat imported are never replaced (the world's 2024 figures are the secretariat's: 400 with
        # the reason); a prefecture's or another member's coordinator finds none of their areas in it (400).
        case("regional:imports", "GET", lambda w: "/regional/imports/", expect(200, org=403)),
        case(
            "regional:imports",
            "POST",
            lambda w: "/regional/imports/",
            expect(400, sec=302, sup=403, org=403),
            body=_upload,
        ),
        # A job: the staff, and the coordinator of the job's member; another member's job is as if absent.
        case(
            "regional:job",
            "GET",
            lambda w: f"/regional/imports/jobs/{_r(w).job.pk}/",
            expect(404, sec=200, sup=200, org=403),
        ),
        case(
            "regional:job",
            "GET",
            lambda w: f"/regional/imports/jobs/{_r(w).member_job.pk}/",
            expect(404, sec=200, sup=200, coord=200, org=403),
            label="member",
        ),
        case(
            "regional:outcome_add",
            "POST",
            lambda w: (_r(w), "/regional/members/282090/outcomes/")[1],
            expect(403, **outcome_change),
            body=lambda w: {"indicator": "recovery_rate", "sex": "M", "baseline_year": "2024", "window_years": "1"},
        ),
        case(
            "regional:outcome_remove",
            "POST",
            lambda w: f"/regional/members/282090/outcomes/{_r(w).outcome.pk}/delete/",
            expect(403, **outcome_change),
            body=lambda w: {},
        ),
    ]
