"""The materials app's rows of the project's permission matrix (tests/test_permission_matrix.py).

The network's staff and every member's coordinator read materials, kits and the experts directory; organisation
admins see none of it (404 for a thing, 403 for a list). The secretariat uploads, makes kits and keeps the
directory. 豊岡市 (coord) has a workshop record and an introduction request: its coordinator and the staff see them,
another member's coordinator (pref, other) never does (404); the secretariat routes the request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from shokuba.core.permissions import SYSTEM
from shokuba.materials import services
from shokuba.materials.tests.fixtures import PDF, expert, introduction, kit, material, material_input, workshop


def _rows(world: Any) -> dict[str, int]:
    found = getattr(world, "_material_rows", None)
    if found is None:
        coord = world.users["coord"]
        with TestCase.captureOnCommitCallbacks(execute=True):  # the file moves into place on commit
            pdf_material = material()
        video = services.material_create(
            actor=SYSTEM, data=material_input(kind="video", url="https://example.jp/video", title="動画")
        )
        someone = expert()
        found = world._material_rows = {
            "material": pdf_material.pk,
            "version": pdf_material.versions.get().pk,
            "video": video.pk,
            "kit": kit(pdf_material).pk,
            "expert": someone.pk,
            "workshop": workshop(world.toyooka, coord).pk,
            "introduction": introduction(world.toyooka, coord, someone).pk,
        }
    return found


def _at(name: str, prefix: str = "", suffix: str = "") -> Callable[[Any], str]:
    return lambda w: f"/materials/{prefix}{_rows(w)[name]}/{suffix}"


MATERIAL_FORM = {
    "title": "マトリクスの動画",
    "kind": "video",
    "url": "https://example.jp/v",
    "licence": "cc-by-4.0",
    "audiences": ["companies"],
    "language": "ja",
}
WORKSHOP_FORM = {
    "title": "マトリクスのワークショップ",
    "held_on": "2026-10-01",
    "cautions": ["1"],
    "participants_companies": "5",
}


def materials_cases(case: Callable[..., Any], expect: Callable[..., dict[str, int]]) -> list[Any]:
    readers = {"sec": 200, "sup": 200, "coord": 200, "pref": 200, "other": 200}
    own = {"sec": 200, "sup": 200, "coord": 200}
    coordinators = {"coord": 302, "pref": 302, "other": 302}
    return [
        case("materials:index", "GET", lambda w: "/materials/?q=スライド&language=ja", expect(403, **readers)),
        case("materials:material_new", "GET", lambda w: "/materials/new/", expect(403, sec=200)),
        case(
            "materials:material_new",
            "POST",
            lambda w: "/materials/new/",
            expect(403, sec=302),
            body=lambda w: MATERIAL_FORM,
        ),
        case("materials:material", "GET", _at("material"), expect(404, **readers)),
        case(
            "materials:material_version_add",
            "POST",
            _at("material", suffix="versions/"),
            expect(403, sec=302, org=404),
            body=lambda w: {"file": SimpleUploadedFile("v2.pdf", PDF, "application/pdf"), "note": "改訂"},
        ),
        case("materials:material_video", "GET", _at("video", suffix="video/"), expect(302, org=404)),
        case("materials:version_download", "GET", _at("version", "versions/", "download/"), expect(404, **readers)),
        case("materials:kit_new", "GET", lambda w: "/materials/kits/new/", expect(403, sec=200)),
        case(
            "materials:kit_new",
            "POST",
            lambda w: "/materials/kits/new/",
            expect(403, sec=302),
            body=lambda w: {"title": "キット", "facilitator_guide": "進め方", "materials": [_rows(w)["material"]]},
        ),
        case("materials:kit", "GET", _at("kit", "kits/"), expect(404, **readers)),
        case("materials:workshops", "GET", lambda w: "/materials/workshops/", expect(403, **readers)),
        case(
            "materials:workshop_new",
            "GET",
            lambda w: f"/materials/workshops/new/?kit={_rows(w)['kit']}",
            expect(403, coord=200, pref=200, other=200),
        ),
        case(
            "materials:workshop_new",
            "POST",
            lambda w: "/materials/workshops/new/",
            expect(403, **coordinators),
            body=lambda w: WORKSHOP_FORM,
        ),
        case("materials:workshop", "GET", _at("workshop", "workshops/"), expect(404, **own)),
        case("materials:experts", "GET", lambda w: "/materials/experts/", expect(403, **readers)),
        case("materials:expert_new", "GET", lambda w: "/materials/experts/new/", expect(403, sec=200)),
        case(
            "materials:expert_new",
            "POST",
            lambda w: "/materials/experts/new/",
            expect(403, sec=302),
            body=lambda w: {"name": "有識者", "affiliation": "大学", "specialties": "両立支援"},
        ),
        case("materials:expert", "GET", _at("expert", "experts/"), expect(404, **readers)),
        case(
            "materials:introduction_new",
            "POST",
            _at("expert", "experts/", "introductions/"),
            expect(403, org=404, **coordinators),
            body=lambda w: {"purpose": "研修の講師", "preferred_dates": "2月"},
        ),
        case("materials:introductions", "GET", lambda w: "/materials/introductions/", expect(403, **readers)),
        case("materials:introduction", "GET", _at("introduction", "introductions/"), expect(404, **own)),
        case(
            "materials:introduction_route",
            "POST",
            _at("introduction", "introductions/", "route/"),
            expect(404, sec=302, sup=403, coord=403),
            body=lambda w: {"status": "introduced", "note": "連絡先を送付"},
        ),
    ]
