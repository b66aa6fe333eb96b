"""The workplace pages' rows of the project's permission matrix (tests/test_permission_matrix.py).

`workplace_cases(Case, expect)` is called by that module with its own row type and helper. An import preview of
豊岡市 is made on first use for the matrix's World and kept on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from shokuba.workplace.models import IndicatorImport


def _batch(world: Any) -> IndicatorImport:
    found = getattr(world, "_workplace_import", None)
    if found is None:
        found = IndicatorImport.objects.create(
            member=world.toyooka,
            kind="template",
            file_name="indicators.csv",
            file_sha256="0" * 64,
            fiscal_year=2024,
            rows=[],
            summary={"matched": 0, "problems": [], "blocking": False},
            created_by=world.users["sec"],
        )
        world._workplace_import = found
    return found


def _template_upload(world: Any) -> dict[str, Any]:
    content = "企業・団体名,年度,管理職の数（人）,管理職のうち女性の数（人）\r\n株式会社テスト精工,2024,10,2\r\n"
    return {
        "kind": "template",
        "fiscal_year": "2024",
        "file": SimpleUploadedFile("indicators.csv", content.encode("utf-8-sig"), content_type="text/csv"),
    }


def _year_form() -> dict[str, str]:
    return {"managers": "10", "managers_women": "3", "male_childcare_leave_formula": "leave", "flex_telework": "on"}


def workplace_cases(case: Callable[..., Any], expect: Callable[..., dict[str, int]]) -> list[Any]:
    own_view = {"sec": 200, "sup": 200, "coord": 200, "org": 200}
    own_change = {"sec": 302, "coord": 302, "org": 302}
    return [
        # One organisation's figures: its admin, its programme's coordinator, the network's staff.
        case(
            "workplace:organisation_years",
            "GET",
            lambda w: f"/workplace/organisations/{w.organisation.pk}/",
            expect(404, **own_view),
        ),
        case(
            "workplace:organisation_years",
            "GET",
            lambda w: f"/workplace/organisations/{w.foreign.pk}/",
            expect(404, sec=200, sup=200, other=200),
            label="foreign",
        ),
        case(
            "workplace:year_start",
            "GET",
            lambda w: f"/workplace/organisations/{w.organisation.pk}/years/?fiscal_year=2024",
            expect(404, sup=403, **own_change),
        ),
        case(
            "workplace:year_edit",
            "GET",
            lambda w: f"/workplace/organisations/{w.organisation.pk}/years/2024/",
            expect(404, sec=200, sup=403, coord=200, org=200),
        ),
        case(
            "workplace:year_edit",
            "GET",
            lambda w: f"/workplace/organisations/{w.foreign.pk}/years/2024/",
            expect(404, sec=200, sup=403, other=200),
            label="foreign",
        ),
        case(
            "workplace:year_edit",
            "POST",
            lambda w: f"/workplace/organisations/{w.organisation.pk}/years/2024/",
            expect(404, sup=403, **own_change),
            body=lambda w: _year_form(),
        ),
        # Imports of many organisations: the programme's coordinator and the secretariat; staff read previews.
        case(
            "workplace:import_start",
            "GET",
            lambda w: "/workplace/members/282090/imports/",
            expect(404, sec=200, sup=403, coord=200),
        ),
        case(
            "workplace:import_start",
            "GET",
            lambda w: "/workplace/members/042056/imports/",
            expect(404, sec=200, sup=403, pref=403, other=200),
            label="kesennuma",
        ),
        case(
            "workplace:import_start",
            "POST",
            lambda w: "/workplace/members/282090/imports/",
            expect(404, sec=302, sup=403, coord=302),
            body=_template_upload,
        ),
        case(
            "workplace:import_template",
            "GET",
            lambda w: "/workplace/members/282090/imports/template.xlsx",
            expect(404, sec=200, sup=403, coord=200),
        ),
        case(
            "workplace:import_template",
            "GET",
            lambda w: "/workplace/members/282090/imports/template.csv",
            expect(404, sec=200, sup=403, coord=200),
            label="csv",
        ),
        case(
            "workplace:import_detail",
            "GET",
            lambda w: f"/workplace/imports/{_batch(w).pk}/",
            expect(404, sec=200, sup=200, coord=200),
        ),
        case(
            "workplace:import_confirm",
            "POST",
            lambda w: f"/workplace/imports/{_batch(w).pk}/confirm/",
            expect(404, sec=302, sup=403, coord=302),
            body=lambda w: {},
        ),
        case(
            "workplace:import_discard",
            "POST",
            lambda w: f"/workplace/imports/{_batch(w).pk}/discard/",
            expect(404, sec=302, sup=403, coord=302),
            body=lambda w: {},
        ),
    ]
