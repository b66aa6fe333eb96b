"""The permission matrix: every role against every page, export and API endpoint that exists.

`test_every_route_is_in_the_matrix` walks the URL configuration, so a new page or endpoint without rows here
fails the suite. Each row states, for every role, the exact status the role must get.

Roles: anon (no login), sec (secretariat), sup (support team), coord (豊岡市 coordinator), pref (宮城県
coordinator: oversees 気仙沼市), other (気仙沼市 coordinator), org (organisation admin of a 豊岡市 company).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver
from django.urls.resolvers import URLPattern, URLResolver

from conftest import make_user
from shokuba.core.tests.test_csp import assert_strict_page_policy
from shokuba.events.tests.matrix import events_cases
from shokuba.forum.tests.matrix import forum_cases
from shokuba.guidebook.models import Step
from shokuba.guidebook.services import evidence_add
from shokuba.jobads.tests.matrix import jobads_cases
from shokuba.learning.tests.matrix import learning_cases
from shokuba.materials.tests.matrix import materials_cases
from shokuba.network.models import Contact, Member, Organisation, Role, User
from shokuba.plans.tests.matrix import plan_cases
from shokuba.public.tests.matrix import public_cases
from shokuba.regional.tests.matrix import regional_cases
from shokuba.results.tests.matrix import results_cases
from shokuba.support.tests.matrix import support_cases
from shokuba.surveys.tests.matrix import survey_cases
from shokuba.workplace.tests.matrix import workplace_cases
from shokuba.workplace.tests.matrix_insights import insight_cases

ROLES = ("anon", "sec", "sup", "coord", "pref", "other", "org")

# Routes that are not about tenancy: the log-in itself, language switching, API plumbing.
NOT_TENANT_ROUTES = {
    "login",
    "logout",
    "set_language",
    "api-v1:api-root",
    "api-v1:unknown",
    "api-v1:docs-asset",
    "api-v1:openapi-json",
    "api-v1:openapi-view",  # the API's documentation page: public, like the schema
}


@dataclass
class World:
    users: dict[str, User]
    toyooka: Member
    kesennuma: Member
    organisation: Organisation  # 豊岡市, has the org admin
    spare: Organisation  # 豊岡市, no admin: may be deleted
    foreign: Organisation  # 気仙沼市
    contact: Contact
    evidence_id: int
    kesennuma_evidence_id: int


@dataclass(frozen=True)
class Case:
    route: str
    method: str
    path: Callable[[World], str]
    expect: dict[str, int]
    body: Callable[[World], Any] | None = None
    json_body: bool = False
    label: str = ""
    after: Callable[[World, str, int], None] | None = field(default=None, compare=False)

    @property
    def id(self) -> str:
        return f"{self.route}:{self.method}{':' + self.label if self.label else ''}"


def expect(default: int, anon: int = 302, **overrides: int) -> dict[str, int]:
    statuses = {role: default for role in ROLES}
    statuses["anon"] = anon
    statuses.update(overrides)
    return statuses


def _organisation_form(name: str) -> dict[str, str]:
    return {
        "name": name,
        "corporate_number": "",
        "industry": "E",
        "size_band": "30-100",
        "location": "28209",
        "joined_on": "2026-04-01",
        "notes": "",
    }


def _step_form() -> dict[str, str]:
    return {
        "status": "in_progress",
        "started_on": "2026-04-01",
        "completed_on": "",
        "responsible": "担当 太郎",
        "notes": "",
    }


PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

PAGES: list[Case] = [
    Case("home", "GET", lambda w: "/", expect(302)),
    # The network as a whole: the secretariat and the support team.
    Case("network:member_list", "GET", lambda w: "/members/", expect(403, sec=200, sup=200)),
    Case("guidebook:board", "GET", lambda w: "/guidebook/board/", expect(403, sec=200, sup=200)),
    Case("guidebook:board_export_csv", "GET", lambda w: "/guidebook/board/export.csv", expect(403, sec=200, sup=200)),
    Case("guidebook:board_export_xlsx", "GET", lambda w: "/guidebook/board/export.xlsx", expect(403, sec=200, sup=200)),
    Case("core:audit_list", "GET", lambda w: "/audit/", expect(403, sec=200)),
    Case("core:audit_export", "GET", lambda w: "/audit/export.csv", expect(403, sec=200), label="csv"),
    Case("core:audit_export", "GET", lambda w: "/audit/export.xlsx", expect(403, sec=200), label="xlsx"),
    Case("network:local_government_search", "GET", lambda w: "/local-governments/?q=28209", expect(200)),
    # Operation (core/observability.py): no tenant data, the same for every role; /metrics by address (the test
    # client's 127.0.0.1 is allowed; shokuba/core/tests/test_observability.py refuses other addresses).
    Case("core:healthz", "GET", lambda w: "/healthz", expect(200, anon=200)),
    Case("core:readyz", "GET", lambda w: "/readyz", expect(200, anon=200)),
    Case("core:metrics", "GET", lambda w: "/metrics", expect(200, anon=200)),
    # A member's page: its own coordinator; a prefecture's coordinator for municipalities inside it.
    Case(
        "network:member_home",
        "GET",
        lambda w: "/members/282090/",
        expect(404, sec=200, sup=200, coord=200),
        label="toyooka",
    ),
    Case(
        "network:member_home",
        "GET",
        lambda w: "/members/042056/",
        expect(404, sec=200, sup=200, pref=200, other=200),
        label="kesennuma",
    ),
    Case(
        "guidebook:step_detail",
        "GET",
        lambda w: "/guidebook/members/282090/steps/1-a/",
        expect(404, sec=200, sup=200, coord=200),
        label="toyooka",
    ),
    Case(
        "guidebook:step_detail",
        "GET",
        lambda w: "/guidebook/members/042056/steps/1-a/",
        expect(404, sec=200, sup=200, pref=403, other=200),
        label="kesennuma",
    ),
    Case(
        "guidebook:step_detail",
        "POST",
        lambda w: "/guidebook/members/282090/steps/1-b/",
        expect(404, sec=302, sup=403, coord=302),
        body=lambda w: _step_form(),
    ),
    Case(
        "guidebook:step_checklist",
        "POST",
        lambda w: "/guidebook/members/282090/steps/2-2-a/checklist/",
        expect(404, sec=302, sup=403, coord=302),
        body=lambda w: {"done": ["1", "2"]},
    ),
    Case(
        "guidebook:evidence_download",
        "GET",
        lambda w: f"/guidebook/evidence/{w.evidence_id}/",
        expect(404, sec=200, sup=200, coord=200),
        label="toyooka",
    ),
    Case(
        "guidebook:evidence_download",
        "GET",
        lambda w: f"/guidebook/evidence/{w.kesennuma_evidence_id}/",
        expect(404, sec=200, sup=200, pref=403, other=200),
        label="kesennuma",
    ),
    Case(
        "guidebook:evidence_delete",
        "POST",
        lambda w: f"/guidebook/evidence/{w.evidence_id}/delete/",
        expect(404, sec=302, sup=403, coord=302),
        body=lambda w: {},
    ),
    # Organisations.
    Case(
        "network:organisation_create",
        "GET",
        lambda w: "/members/282090/organisations/new/",
        expect(404, sec=200, sup=403, coord=200),
    ),
    Case(
        "network:organisation_create",
        "POST",
        lambda w: "/members/282090/organisations/new/",
        expect(404, sec=302, sup=403, coord=302),
        body=lambda w: _organisation_form("株式会社マトリクス"),
    ),
    Case(
        "network:organisation_detail",
        "GET",
        lambda w: f"/organisations/{w.organisation.pk}/",
        expect(404, sec=200, sup=200, coord=200, org=200),
    ),
    Case(
        "network:organisation_detail",
        "GET",
        lambda w: f"/organisations/{w.foreign.pk}/",
        expect(404, sec=200, sup=200, other=200),
        label="foreign",
    ),
    Case(
        "network:organisation_edit",
        "GET",
        lambda w: f"/organisations/{w.organisation.pk}/edit/",
        expect(404, sec=200, sup=403, coord=200, org=200),
    ),
    Case(
        "network:organisation_edit",
        "POST",
        lambda w: f"/organisations/{w.organisation.pk}/edit/",
        expect(404, sec=302, sup=403, coord=302, org=302),
        body=lambda w: {**_organisation_form("株式会社テスト精工（改）"), "joined_on": "2026-02-01"},
    ),
    Case(
        "network:organisation_delete",
        "POST",
        lambda w: f"/organisations/{w.spare.pk}/delete/",
        expect(404, sec=302, sup=403, coord=302),
        body=lambda w: {},
    ),
    Case(
        "network:organisation_delete",
        "POST",
        lambda w: f"/organisations/{w.organisation.pk}/delete/",
        expect(404, sec=302, sup=403, coord=302, org=403),
        body=lambda w: {},
        label="own",
    ),
    Case(
        "network:contact_create",
        "POST",
        lambda w: f"/organisations/{w.organisation.pk}/contacts/",
        expect(404, sec=302, sup=403, coord=302, org=302),
        body=lambda w: {"name": "連絡 花子"},
    ),
    Case(
        "network:contact_delete",
        "POST",
        lambda w: f"/organisations/{w.organisation.pk}/contacts/{w.contact.pk}/delete/",
        expect(404, sec=302, sup=403, coord=302, org=302),
        body=lambda w: {},
    ),
]


def _account_form(username: str) -> dict[str, str]:
    return {
        "role": "coordinator",
        "member": "282090",
        "username": username,
        "display_name": "新任 太郎",
        "email": f"{username}@example.jp",
    }


# One's own account and the second step of logging in (core/account_views.py, core/two_factor_views.py). Two-factor
# login is off in these settings, so its pages send everyone home (core/tests/test_two_factor.py turns it on).
ACCOUNT_PAGES: list[Case] = [
    Case("account", "GET", lambda w: "/account/", expect(200)),
    Case("password_change", "GET", lambda w: "/account/password/", expect(200)),
    Case("password_change_done", "GET", lambda w: "/account/password/done/", expect(200)),
    Case("password_reset", "GET", lambda w: "/password-reset/", expect(200, anon=200)),
    Case("password_reset_done", "GET", lambda w: "/password-reset/sent/", expect(200, anon=200)),
    Case(
        "password_reset_confirm",
        "GET",
        lambda w: "/password-reset/MQ/bad-token/",
        expect(200, anon=200),
        label="stale link",
    ),
    Case("password_reset_complete", "GET", lambda w: "/password-reset/done/", expect(200, anon=200)),
    Case("two_factor_setup", "GET", lambda w: "/account/two-factor/", expect(302)),
    Case("two_factor_verify", "GET", lambda w: "/account/two-factor/verify/", expect(302)),
    Case("two_factor_recovery_codes", "GET", lambda w: "/account/two-factor/recovery-codes/", expect(302)),
    # Passkeys (core/passkey_views.py): off with two-factor login, so the pages send everyone away and the library's
    # ceremonies refuse (403 JSON) everyone, logged in or not; the script's message catalogue is public.
    Case("two_factor_passkeys", "GET", lambda w: "/account/two-factor/passkeys/", expect(302)),
    Case(
        "two_factor_passkey_name",
        "POST",
        lambda w: "/account/two-factor/passkeys/name/",
        expect(302),
        body=lambda w: {"passkey": "1", "name": "事務所のパソコン"},
    ),
    Case(
        "two_factor_passkey_delete",
        "POST",
        lambda w: "/account/two-factor/passkeys/delete/",
        expect(302),
        body=lambda w: {"passkey": "1"},
    ),
    *[
        Case(
            f"otp_webauthn:credential-{ceremony}-{stage}",
            "POST",
            lambda w, ceremony=ceremony, stage=stage: f"/account/two-factor/passkeys/webauthn/{ceremony}/{stage}/",
            expect(403, anon=403),
            json_body=True,
        )
        for ceremony in ("registration", "authentication")
        for stage in ("begin", "complete")
    ],
    Case(
        "otp_webauthn:js-i18n-catalog",
        "GET",
        lambda w: "/account/two-factor/passkeys/webauthn/jsi18n/",
        expect(200, anon=200),
    ),
    # The secretariat's account pages; the target is 気仙沼市's coordinator ("other": not even on themselves).
    Case("network:account_list", "GET", lambda w: "/accounts/", expect(403, sec=200)),
    Case("network:account_create", "GET", lambda w: "/accounts/new/", expect(403, sec=200)),
    Case(
        "network:account_create",
        "POST",
        lambda w: "/accounts/new/",
        expect(403, sec=302),
        body=lambda w: _account_form("m-new"),
    ),
    Case("network:account_detail", "GET", lambda w: f"/accounts/{w.users['other'].pk}/", expect(403, sec=200)),
    Case(
        "network:account_handover", "GET", lambda w: f"/accounts/{w.users['other'].pk}/handover/", expect(403, sec=200)
    ),
    Case(
        "network:account_handover",
        "POST",
        lambda w: f"/accounts/{w.users['other'].pk}/handover/",
        expect(403, sec=302),
        body=lambda w: {"username": "m-next", "display_name": "後任 花子", "email": "next@example.jp"},
    ),
    Case(
        "network:account_disable", "POST", lambda w: f"/accounts/{w.users['other'].pk}/disable/", expect(403, sec=302)
    ),
    Case("network:account_enable", "POST", lambda w: f"/accounts/{w.users['other'].pk}/enable/", expect(403, sec=302)),
    Case(
        "network:account_two_factor_reset",
        "POST",
        lambda w: f"/accounts/{w.users['other'].pk}/two-factor-reset/",
        expect(403, sec=302),
    ),
    # The target has a password and no address: nothing to send (400 naming why).
    Case(
        "network:account_setup_link",
        "POST",
        lambda w: f"/accounts/{w.users['other'].pk}/setup-link/",
        expect(403, sec=400),
    ),
]

MATRIX: list[Case] = (
    PAGES
    + ACCOUNT_PAGES
    + survey_cases(Case, expect)
    + regional_cases(Case, expect)
    + workplace_cases(Case, expect)
    + insight_cases(Case, expect)
    + results_cases(Case, expect)
    + plan_cases(Case, expect)
    + support_cases(Case, expect)
    + jobads_cases(Case, expect)
    + public_cases(Case, expect)
    + learning_cases(Case, expect)
    + forum_cases(Case, expect)
    + materials_cases(Case, expect)
    + events_cases(Case, expect)
)


def test_every_api_operation_is_in_the_api_matrix() -> None:
    """The API has its own matrix (every endpoint × role × session and token, with no-change checks on refusal):
    shokuba/api/tests/test_role_matrix.py. Every operation in the OpenAPI schema must have a row there."""
    import re

    from shokuba.api.api import api
    from shokuba.api.tests.test_role_matrix import CASES as API_CASES
    from shokuba.events.tests.test_api_matrix import CASES as EVENTS_CASES
    from shokuba.forum.tests.test_api_matrix import CASES as FORUM_CASES
    from shokuba.jobads.tests.test_api_matrix import CASES as JOBADS_CASES
    from shokuba.learning.tests.test_api_matrix import CASES as LEARNING_CASES
    from shokuba.materials.tests.test_api_matrix import CASES as MATERIALS_CASES
    from shokuba.plans.tests.test_api_matrix import CASES as PLAN_CASES
    from shokuba.regional.tests.test_api_matrix import CASES as REGIONAL_CASES
    from shokuba.results.tests.test_api_matrix import CASES as RESULTS_CASES
    from shokuba.support.tests.test_api_matrix import CASES as SUPPORT_CASES
    from shokuba.surveys.tests.test_api_matrix import CASES as SURVEY_CASES
    from shokuba.workplace.tests.test_api_matrix import CASES as WORKPLACE_CASES

    CASES = (
        API_CASES
        + SURVEY_CASES
        + REGIONAL_CASES
        + WORKPLACE_CASES
        + RESULTS_CASES
        + PLAN_CASES
        + SUPPORT_CASES
        + JOBADS_CASES
        + LEARNING_CASES
        + FORUM_CASES
        + MATERIALS_CASES
        + EVENTS_CASES
    )

    operations = {
        (method.upper(), path) for path, methods in api.get_openapi_schema()["paths"].items() for method in methods
    }
    patterns = {op: re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", op[1]) + "$") for op in operations}
    covered = {
        op
        for _, method, path, _, _ in CASES
        for op, pattern in patterns.items()
        if op[0] == method and pattern.match("/api/v1/" + path.split("?")[0])
    }
    assert operations - covered == set(), f"API operations without matrix rows: {sorted(operations - covered)}"


def _routes() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, namespace + (f"{pattern.namespace}:" if pattern.namespace else ""))
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_route_is_in_the_matrix() -> None:
    covered = {case.route for case in MATRIX}
    # API routes are checked operation by operation in test_every_api_operation_is_in_the_api_matrix.
    pages = {name for name in _routes() if not name.startswith("api-v1:")}
    missing = sorted(pages - covered - NOT_TENANT_ROUTES)
    assert not missing, f"routes without permission-matrix rows: {missing}"
    stale = sorted({case.route for case in MATRIX} - _routes())
    assert not stale, f"matrix rows for routes that no longer exist: {stale}"


@pytest.fixture
def world(
    db: Any, toyooka: Member, kesennuma: Member, miyagi: Member, django_capture_on_commit_callbacks: Any
) -> World:
    organisation = Organisation.objects.create(
        member=toyooka,
        name="株式会社テスト精工",
        industry="E",
        size_band="101-300",
        location_id="282090",
        joined_on=dt.date(2026, 2, 1),
    )
    spare = Organisation.objects.create(
        member=toyooka,
        name="株式会社予備",
        industry="D",
        size_band="1-29",
        location_id="282090",
        joined_on=dt.date(2026, 2, 1),
    )
    foreign = Organisation.objects.create(
        member=kesennuma,
        name="株式会社よその水産",
        industry="E",
        size_band="30-100",
        location_id="042056",
        joined_on=dt.date(2026, 2, 1),
    )
    users = {
        "sec": make_user("m-sec", Role.SECRETARIAT),
        "sup": make_user("m-sup", Role.SUPPORT),
        "coord": make_user("m-coord", Role.COORDINATOR, member=toyooka),
        "pref": make_user("m-pref", Role.COORDINATOR, member=miyagi),
        "other": make_user("m-other", Role.COORDINATOR, member=kesennuma),
        "org": make_user("m-org", Role.ORGANISATION_ADMIN, organisation=organisation),
    }
    contact = Contact.objects.create(organisation=organisation, name="連絡 一郎")
    step = Step.objects.get(code="1-a")
    with django_capture_on_commit_callbacks(execute=True):  # evidence files move into place on commit
        evidence = evidence_add(
            actor=users["coord"], member=toyooka, step=step, stream=io.BytesIO(PDF), name="a.pdf", size=len(PDF)
        )
        kesennuma_evidence = evidence_add(
            actor=users["other"], member=kesennuma, step=step, stream=io.BytesIO(PDF), name="b.pdf", size=len(PDF)
        )
    return World(users, toyooka, kesennuma, organisation, spare, foreign, contact, evidence.pk, kesennuma_evidence.pk)


def _client(world: World, role: str) -> Client:
    client = Client()
    if role != "anon":
        client.force_login(world.users[role])
    return client


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", MATRIX, ids=lambda c: c.id)
def test_matrix(case: Case, role: str, world: World, django_capture_on_commit_callbacks: Any) -> None:
    client = _client(world, role)
    url = case.path(world)
    with django_capture_on_commit_callbacks(execute=True):
        if case.method == "GET":
            response = client.get(url)
        elif case.json_body:
            body = case.body(world) if case.body else None
            response = client.generic(
                case.method, url, data=json.dumps(body) if body is not None else "", content_type="application/json"
            )
        else:
            data = case.body(world) if case.body else {}
            response = client.post(url, data=data) if case.method == "POST" else client.generic(case.method, url)
    expected = case.expect[role]
    assert response.status_code == expected, (
        f"{role} {case.method} {url}: got {response.status_code}, expected {expected}"
    )
    if role == "anon" and expected == 302:
        assert "/login/" in response["Location"]
    if response.get("Content-Type", "").startswith("text/html"):  # every page of the walk, refusals included
        assert_strict_page_policy(response)
