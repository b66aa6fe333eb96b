"""Every page under the Content-Security-Policy, in a real browser.

Each role logs in and opens every page of the URL configuration it may open: the pages are the GET rows of the
permission matrix (tests/test_permission_matrix.py) that answer the role 200, with the matrix's own sample objects.
On every page: no policy violation (the `page` fixture collects them), no JavaScript error, no console error, and
every chart drawn (an SVG inside each element that carries a Vega-Lite spec). Downloads (CSV, XLSX, PDF, PNG, SVG)
are fetched, not opened. Then what the pages' scripts must still do under the policy: the interactive API docs
send a request, the authoring page shows its phone preview in a frame; the respondent's answering page with its
script is covered end to end by test_survey_flow.py, under the same violation check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import expect

from tests import test_permission_matrix
from tests.browser.helpers import login
from tests.test_permission_matrix import MATRIX, ROLES, World

world = test_permission_matrix.world  # the matrix's fixture: its users and sample objects

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

# Rows of the matrix whose page draws charts from the matrix's sample data: each must show at least one drawn chart
# to every role that may open it. (The results overview and change pages chart only groups of 5 or more, and the
# sample wave's six responses are too few; another organisation's diagnosis has no figures to chart.)
CHART_CASES = {
    "regional:area:GET",
    "regional:area:GET:other",
    "results:items:GET",
    "results:crosstab:GET",
    "workplace:diagnosis:GET",
}
# Pages outside the matrix's tenancy rows (tests/test_permission_matrix.NOT_TENANT_ROUTES) and error pages.
PUBLIC_PAGES = [("login", "/login/", 200), ("api-v1:openapi-view", "/api/v1/docs", 200), ("404", "/no-such-page/", 404)]


@dataclass
class Visit:
    pages: list[str] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)
    charts: dict[str, int] = field(default_factory=dict)  # matrix row → charts drawn
    problems: list[str] = field(default_factory=list)  # JavaScript and console errors


def _pages_for(world: World, role: str) -> list[tuple[str, str]]:
    """(matrix row, URL) of every GET row of the matrix that answers the role 200, each URL once."""
    seen: dict[str, str] = {}
    for case in MATRIX:
        if case.method == "GET" and case.expect[role] == 200:
            seen.setdefault(case.path(world), case.id)
    return [(case_id, url) for url, case_id in seen.items()]


def _watch(page: Any, visit: Visit) -> None:
    page.on("pageerror", lambda error: visit.problems.append(f"{page.url}: JavaScript error {error}"))
    page.on(
        "console",
        lambda message: (
            visit.problems.append(f"{page.url}: console {message.type}: {message.text}")
            if message.type == "error"
            else None
        ),
    )


def _open(page: Any, row: str, url: str, visit: Visit, status: int = 200) -> None:
    """Open one page as the browser would, or fetch it when it is a download; wait for its charts."""
    head = page.request.get(url, max_redirects=0)
    assert head.status == status, f"{row} {url}: {head.status}"
    if not head.headers.get("content-type", "").startswith("text/html"):
        visit.downloads.append(url)
        return
    response = page.goto(url)
    assert response is not None and response.status == status, f"{row} {url}: {response and response.status}"
    visit.pages.append(url)
    charts = page.locator("[data-vega-spec]")
    count = charts.count()
    if count:
        expect(page.locator("[data-vega-spec] svg.marks")).to_have_count(count)  # vega-embed drew every chart
        visit.charts[row] = visit.charts.get(row, 0) + count
    page.wait_for_load_state("networkidle")


def _walk(page: Any, world: World, role: str) -> Visit:
    visit = Visit()
    _watch(page, visit)
    for row, url in _pages_for(world, role):
        _open(page, row, url, visit)
    return visit


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anon"])
def test_every_page_a_role_may_open_works_under_the_policy(page: Any, world: World, role: str) -> None:
    login(page, world.users[role])
    visit = _walk(page, world, role)

    assert visit.problems == []
    assert len(visit.pages) >= 10, visit.pages  # the role's pages were really opened (logged in, not redirected)
    chart_rows = {row for row, _url in _pages_for(world, role) if row in CHART_CASES}
    assert chart_rows <= visit.charts.keys(), f"chart pages without a chart: {chart_rows - visit.charts.keys()}"
    assert visit.charts, "no chart drawn"


def test_respondent_public_and_error_pages_work_under_the_policy(page: Any, world: World) -> None:
    visit = Visit()
    _watch(page, visit)
    for row, url in _pages_for(world, "anon"):
        _open(page, row, url, visit)
    assert {"surveys:answer:GET", "surveys:answer_thanks:GET"} <= {row for row, _url in _pages_for(world, "anon")}
    for row, url, status in PUBLIC_PAGES:
        _open(page, row, url, visit, status)
    # The browser logs the 404 page as a failed resource load; nothing else may be logged.
    assert [p for p in visit.problems if not p.endswith("404 (Not Found)")] == []
    # Every anonymous page of the URL walk (the answering page, its thanks page, the respondents' privacy page, the
    # password-reset pages) and the public ones: each opened and checked; the probes' JSON and text (/healthz,
    # /readyz, /metrics) are fetched, not opened.
    anonymous = len(_pages_for(world, "anon"))
    assert len(visit.pages) + len(visit.downloads) == anonymous + len(PUBLIC_PAGES)
    assert any(p.endswith("/s/privacy/") for p in visit.pages) and "/password-reset/" in visit.pages


def test_api_docs_send_a_request_under_the_policy(page: Any, world: World) -> None:
    """Swagger UI, served from django-ninja's package, runs under the site's policy and calls the API."""
    login(page, world.users["sec"])
    visit = Visit()
    _watch(page, visit)
    page.goto("/api/v1/docs")
    operation = page.locator(".opblock-get").filter(has=page.locator('[data-path="/api/v1/members"]'))
    operation.locator(".opblock-summary").first.click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
    assert visit.problems == []


def test_phone_preview_frame_is_allowed_on_its_own_origin(page: Any, world: World) -> None:
    """The authoring page shows the questionnaire in a frame of the same origin (frame-ancestors 'self' for that
    one view); every other page refuses to be framed at all."""
    from shokuba.surveys.tests.matrix import survey_world

    questionnaire = survey_world(world).draft
    login(page, world.users["coord"])
    page.goto(f"/surveys/questionnaires/{questionnaire.pk}/")
    frame = page.frame_locator(".phone-frame iframe")
    expect(frame.locator("#survey-form")).to_be_visible()
    policy = page.request.get(f"/surveys/questionnaires/{questionnaire.pk}/v1/preview/").headers[
        "content-security-policy"
    ]
    assert "frame-ancestors 'self'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in page.request.get("/members/282090/").headers["content-security-policy"]
