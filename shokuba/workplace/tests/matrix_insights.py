"""Rows of the project's permission matrix (tests/test_permission_matrix.py) for the dashboard, readiness,
self-diagnosis, regional picture, recognition scheme and referral directory pages.

`insight_cases(Case, expect)` is called by that module with its own row type and helper. A year of indicators for
the World's organisation and one recognition stage of 豊岡市 are made on first use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shokuba.core.permissions import SYSTEM
from shokuba.workplace.models import RecognitionStage, Referral
from shokuba.workplace.services import indicator_year_save


def _with_year(world: Any) -> Any:
    if not getattr(world, "_insight_year", None):
        indicator_year_save(
            actor=SYSTEM, organisation=world.organisation, fiscal_year=2025, raw={"managers": 10, "managers_women": 2}
        )
        world._insight_year = True
    return world


def _stage(world: Any) -> RecognitionStage:
    found = getattr(world, "_insight_stage", None)
    if found is None:
        found = RecognitionStage.objects.create(member=world.toyooka, order=1, name="登録", criteria=[])
        world._insight_stage = found
    return found


def _stage_form(world: Any) -> dict[str, str]:
    return {"order": "2", "name": "認定", "indicator_1": "paid_leave_rate", "op_1": ">=", "value_1": "50"}


def insight_cases(case: Callable[..., Any], expect: Callable[..., dict[str, int]]) -> list[Any]:
    own = {"sec": 200, "sup": 200, "coord": 200, "org": 200}
    foreign = {"sec": 200, "sup": 200, "other": 200}
    staff = {"sec": 200, "sup": 200}
    rows = []
    for name, suffix in (("dashboard", "dashboard/"), ("readiness", "readiness/"), ("diagnosis", "diagnosis/")):
        rows.append(
            case(
                f"workplace:{name}",
                "GET",
                lambda w, s=suffix: f"/workplace/organisations/{_with_year(w).organisation.pk}/{s}",
                expect(404, **own),
            )
        )
        rows.append(
            case(
                f"workplace:{name}",
                "GET",
                lambda w, s=suffix: f"/workplace/organisations/{w.foreign.pk}/{s}",
                expect(404, **foreign),
                label="foreign",
            )
        )
    return [
        *rows,
        case(
            "workplace:diagnosis_chart",
            "GET",
            lambda w: f"/workplace/organisations/{_with_year(w).organisation.pk}/diagnosis/profile.svg",
            expect(404, **own),
        ),
        case(
            "workplace:diagnosis_export",
            "GET",
            lambda w: f"/workplace/organisations/{_with_year(w).organisation.pk}/diagnosis/export.xlsx",
            expect(404, **own),
        ),
        # Aggregates across organisations: the programme's coordinator, a prefecture's coordinator for the
        # network's municipalities inside it, the staff; across all members the staff only.
        case("workplace:network_picture", "GET", lambda w: "/workplace/picture/", expect(403, **staff)),
        case(
            "workplace:network_picture_export",
            "GET",
            lambda w: (_with_year(w), "/workplace/picture/export.csv")[1],
            expect(403, **staff),
        ),
        case(
            "workplace:picture",
            "GET",
            lambda w: (_with_year(w), "/workplace/members/282090/picture/")[1],
            expect(404, sec=200, sup=200, coord=200),
        ),
        case(
            "workplace:picture",
            "GET",
            lambda w: "/workplace/members/042056/picture/",
            expect(404, sec=200, sup=200, pref=200, other=200),
            label="kesennuma",
        ),
        case(
            "workplace:picture",
            "GET",
            lambda w: "/workplace/members/040002/picture/?scope=prefecture",
            expect(404, sec=200, sup=200, pref=200),
            label="prefecture",
        ),
        case(
            "workplace:picture_export",
            "GET",
            lambda w: (_with_year(w), "/workplace/members/282090/picture/export.xlsx")[1],
            expect(404, sec=200, sup=200, coord=200),
        ),
        # The programme's own recognition scheme: its coordinator and the secretariat.
        case(
            "workplace:recognition",
            "GET",
            lambda w: "/workplace/members/282090/recognition/",
            expect(404, sec=200, sup=403, coord=200),
        ),
        case(
            "workplace:recognition",
            "POST",
            lambda w: "/workplace/members/282090/recognition/",
            expect(404, sec=302, sup=403, coord=302),
            body=_stage_form,
        ),
        case(
            "workplace:recognition_stage",
            "GET",
            lambda w: f"/workplace/members/282090/recognition/{_stage(w).pk}/",
            expect(404, sec=200, sup=403, coord=200),
        ),
        case(
            "workplace:recognition_stage_delete",
            "POST",
            lambda w: f"/workplace/members/282090/recognition/{_stage(w).pk}/delete/",
            expect(404, sec=302, sup=403, coord=302),
            body=lambda w: {},
        ),
        # The referral directory: read by every role, kept by the secretariat.
        case("workplace:referrals", "GET", lambda w: "/workplace/referrals/", expect(200)),
        case(
            "workplace:referral_edit",
            "GET",
            lambda w: f"/workplace/referrals/{Referral.objects.get(prefecture_code='28', kind='labour_bureau').pk}/",
            expect(403, sec=200),
        ),
    ]
