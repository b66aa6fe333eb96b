"""The public site's and the publishing pages' rows of the project's permission matrix
(tests/test_permission_matrix.py).

Public pages answer every role alike, anonymous included: 200 for what 豊岡市 and its organisation published, 404 for
気仙沼市's unpublished page and the spare organisation's unpublished profile. Publishing: a member's page belongs to
its coordinator and the secretariat; an organisation's profile, figures and postings to its admin and the
secretariat; a visible object the role may not publish for is 403, an invisible one 404. The posting is published
through the real job-ad checker (registered by the jobads app), which finds nothing in it. Cases: 豊岡市's approved
public case is 200 for everyone; its network-only case, its draft public case and 気仙沼市's (unpublished page)
approved public case are 404 for everyone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from shokuba.core.permissions import SYSTEM
from shokuba.learning import services as learning_services
from shokuba.learning.tests.fixtures import approved_case, case_input
from shokuba.public import services
from shokuba.workplace.models import IndicatorYear


def _rows(world: Any) -> dict[str, int]:
    found = getattr(world, "_public_rows", None)
    if found is not None:
        return found
    services.member_publication_save(actor=SYSTEM, member=world.toyooka, published=True, summary="豊岡市の紹介")
    services.organisation_profile_save(actor=SYSTEM, organisation=world.organisation, published=True)
    IndicatorYear.objects.update_or_create(
        organisation=world.organisation, fiscal_year=2025, defaults={"paid_leave_rate": 60.0}
    )
    services.indicator_publication_save(
        actor=SYSTEM, organisation=world.organisation, fiscal_year=2025, indicators=["paid_leave_rate"]
    )
    posting = services.job_posting_save(
        actor=SYSTEM,
        organisation=world.organisation,
        title="事務スタッフ",
        description="事務の仕事。",
        employment_type="FULL_TIME",
        location=world.organisation.location,
        salary_min=None,
        salary_max=None,
        salary_unit="",
        valid_through=timezone.localdate() + dt.timedelta(days=30),
    )
    services.job_posting_publish(actor=SYSTEM, posting=posting)
    coord, other = world.users["coord"], world.users["other"]
    public_case = approved_case(world.toyooka, coord, title="公開する事例", visibility="public")
    network_case = approved_case(world.toyooka, coord, title="ネットワーク内の事例", visibility="network")
    draft_case = learning_services.case_save(
        actor=coord, member=world.toyooka, data=case_input(title="下書きの公開事例", visibility="public")
    )
    unpublished_case = approved_case(world.kesennuma, other, title="非公開自治体の事例", visibility="public")
    found = world._public_rows = {
        "posting": posting.pk,
        "case": public_case.pk,
        "network_case": network_case.pk,
        "draft_case": draft_case.pk,
        "unpublished_case": unpublished_case.pk,
    }
    return found


def _posting(world: Any) -> int:
    return _rows(world)["posting"]


def _public_case(name: str) -> Callable[[Any], str]:
    return lambda w: f"/public/cases/{_rows(w)[name]}/"


def _org(world: Any) -> int:
    _rows(world)
    return int(world.organisation.pk)


POSTING_FORM = {
    "title": "営業スタッフ",
    "description": "地域のお客様への提案。",
    "employment_type": "FULL_TIME",
    "location": "282090",
    "salary_min": "200000",
    "salary_max": "250000",
    "salary_unit": "MONTH",
    "valid_through": "2099-03-31",
}


def public_cases(case: Callable[..., Any], expect: Callable[..., dict[str, int]]) -> list[Any]:
    everyone = expect(200, anon=200)
    nobody = expect(404, anon=404)
    member = {"sec": 200, "coord": 200, "sup": 403}
    member_post = {"sec": 302, "coord": 302, "sup": 403}
    organisation = {"sec": 200, "org": 200, "sup": 403, "coord": 403}
    organisation_post = {"sec": 302, "org": 302, "sup": 403, "coord": 403}
    return [
        case("public:home", "GET", lambda w: "/public/", everyone),
        case("public:members", "GET", lambda w: "/public/members/?prefecture=28", everyone),
        case("public:member", "GET", lambda w: (_rows(w), "/public/members/282090/")[1], everyone),
        case("public:member", "GET", lambda w: "/public/members/042056/", nobody, label="unpublished"),
        case("public:organisations", "GET", lambda w: (_rows(w), "/public/organisations/")[1], everyone),
        case("public:organisation", "GET", lambda w: f"/public/organisations/{_org(w)}/", everyone),
        case(
            "public:organisation",
            "GET",
            lambda w: f"/public/organisations/{w.spare.pk}/",
            nobody,
            label="unpublished",
        ),
        case("public:case", "GET", _public_case("case"), everyone),
        case("public:case", "GET", _public_case("network_case"), nobody, label="network_only"),
        case("public:case", "GET", _public_case("draft_case"), nobody, label="draft"),
        case("public:case", "GET", _public_case("unpublished_case"), nobody, label="unpublished_member"),
        case("public:jobs", "GET", lambda w: "/public/jobs/", everyone),
        case("public:job", "GET", lambda w: f"/public/jobs/{_posting(w)}/", everyone),
        case("public:jobs_atom", "GET", lambda w: (_rows(w), "/public/jobs/feed.atom")[1], everyone),
        case("public:jobs_json", "GET", lambda w: (_rows(w), "/public/jobs/feed.json")[1], everyone),
        case("public:open_data", "GET", lambda w: (_rows(w), "/public/open-data/")[1], everyone),
        case("public:open_data_dictionary", "GET", lambda w: "/public/open-data/dictionary/", everyone),
        case("public:open_data_dictionary_csv", "GET", lambda w: "/public/open-data/dictionary.csv", everyone),
        case(
            "public:open_data_file",
            "GET",
            lambda w: (_rows(w), "/public/open-data/282090/2025.csv")[1],
            everyone,
        ),
        case(
            "public:open_data_file",
            "GET",
            lambda w: "/public/open-data/042056/2025.json",
            nobody,
            label="unpublished",
        ),
        case("sitemap", "GET", lambda w: (_rows(w), "/sitemap.xml")[1], everyone),
        # Publishing (login required).
        case("publishing:index", "GET", lambda w: "/publishing/", expect(200)),
        case("publishing:member", "GET", lambda w: "/publishing/members/282090/", expect(404, **member)),
        case(
            "publishing:member",
            "POST",
            lambda w: "/publishing/members/282090/",
            expect(404, **member_post),
            body=lambda w: {"published": "on", "summary": "紹介"},
        ),
        case(
            "publishing:organisation",
            "GET",
            lambda w: f"/publishing/organisations/{_org(w)}/",
            expect(404, **organisation),
        ),
        case(
            "publishing:organisation",
            "POST",
            lambda w: f"/publishing/organisations/{_org(w)}/",
            expect(404, **organisation_post),
            body=lambda w: {"published": "on", "introduction": "", "recruiting_url": ""},
        ),
        case(
            "publishing:indicator_year",
            "POST",
            lambda w: f"/publishing/organisations/{_org(w)}/years/2025/",
            expect(404, **organisation_post),
            body=lambda w: {"y2025-indicators": ["paid_leave_rate", "women_manager_ratio"]},
        ),
        case(
            "publishing:posting_add",
            "GET",
            lambda w: f"/publishing/organisations/{_org(w)}/postings/new/",
            expect(404, **organisation),
        ),
        case(
            "publishing:posting_add",
            "POST",
            lambda w: f"/publishing/organisations/{_org(w)}/postings/new/",
            expect(404, **organisation_post),
            body=lambda w: POSTING_FORM,
        ),
        case(
            "publishing:posting", "GET", lambda w: f"/publishing/postings/{_posting(w)}/", expect(404, **organisation)
        ),
        case(
            "publishing:posting",
            "POST",
            lambda w: f"/publishing/postings/{_posting(w)}/",
            expect(404, **organisation_post),
            body=lambda w: POSTING_FORM,
        ),
        case(
            "publishing:posting_publish",
            "POST",
            lambda w: f"/publishing/postings/{_posting(w)}/publish/",
            expect(404, **organisation_post),
            body=lambda w: {},
        ),
        case(
            "publishing:posting_close",
            "POST",
            lambda w: f"/publishing/postings/{_posting(w)}/close/",
            expect(404, **organisation_post),
            body=lambda w: {},
        ),
    ]
