"""The job-ad pages' rows of the project's permission matrix (tests/test_permission_matrix.py).

豊岡市's organisation (with the org admin) has a saved check; its coordinator, the secretariat and the org admin
check and rewrite ads; the support team reads; 宮城県's coordinator sees no municipality's ads (404), nor does
気仙沼市's coordinator see 豊岡市's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from shokuba.jobads.tests.fixtures import flagged_key, saved_check


def _check(world: Any) -> Any:
    found = getattr(world, "_jobad_check", None)
    if found is None:
        found = world._jobad_check = saved_check(world.organisation, world.users["coord"])
    return found


def _csv(world: Any) -> dict[str, Any]:
    body = f"企業・団体,求人の名前,本文\r\n{world.organisation.name},事務,看護婦募集。\r\n".encode("utf-8-sig")
    return {"file": SimpleUploadedFile("ads.csv", body, content_type="text/csv")}


def jobads_cases(case: Callable[..., Any], expect: Callable[..., dict[str, int]]) -> list[Any]:
    read = {"sec": 200, "sup": 200, "coord": 200, "org": 200}
    post = {"sec": 302, "sup": 403, "coord": 302, "org": 302}
    return [
        case("jobads:check", "GET", lambda w: "/jobads/members/282090/", expect(404, **read), label="toyooka"),
        case(
            "jobads:check",
            "GET",
            lambda w: "/jobads/members/042056/",
            expect(404, sec=200, sup=200, other=200),
            label="kesennuma",
        ),
        case(
            "jobads:check",
            "POST",
            lambda w: "/jobads/members/282090/",
            expect(404, **post),
            body=lambda w: {"organisation": str(w.organisation.pk), "title": "事務", "text": "看護婦募集。"},
        ),
        case(
            "jobads:batch",
            "POST",
            lambda w: "/jobads/members/282090/batch/",
            expect(404, sec=302, sup=403, coord=302, org=403),
            body=_csv,
        ),
        case("jobads:export", "GET", lambda w: "/jobads/members/282090/export.csv", expect(404, **read)),
        case("jobads:result", "GET", lambda w: f"/jobads/checks/{_check(w).pk}/", expect(404, **read)),
        case(
            "jobads:rewrite",
            "POST",
            lambda w: f"/jobads/checks/{_check(w).pk}/rewrite/",
            expect(404, **post),
            body=lambda w: {"keys": [flagged_key(_check(w))]},
        ),
    ]
