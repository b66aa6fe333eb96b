"""Browser tests: one Chromium per run, a fresh page per test, the live server, screenshots on failure.

Playwright's sync API keeps an asyncio event loop running in the main thread for as long as it is started,
and Django refuses ORM calls from a thread with a running loop. The tests, their fixtures and pytest-django's
flush all call the ORM from the main thread, so DJANGO_ALLOW_ASYNC_UNSAFE is set for exactly as long as
Playwright runs (the `browser` fixture), not for the rest of the suite.

The live server needs committed data, so browser tests are transactional: pytest-django empties every table
after each of them, including the reference data the root conftest loads once per test database. Reference
data is therefore loaded again before each browser test, and once more after the last one, so that whatever
runs next (in either order of `pytest tests/browser shokuba` and `pytest shokuba tests/browser`) finds the
database as the root conftest left it. (`serialized_rollback` would not help: Django serialises the database
before the root conftest loads the reference data, and restores it only at the start of a test.)

The flush after a transactional test must empty every table, and the audit log refuses that: database triggers
make it append-only (and on PostgreSQL refuse TRUNCATE outright). The triggers are therefore set aside just for
the flush after each browser test and put back, as they were defined, before the next browser test and after
the last one. Nothing else in the suite ever runs without them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.chromium import CHROMIUM_ARGS, browser_gate, running_under_ci

SCREENSHOT_DIR = Path("test-artifacts") / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000

_skipped_browser_tests: list[str] = []
_skip_reasons: set[str] = set()


def reference_data_load() -> None:
    from shokuba.guidebook.reference import guidebook_load
    from shokuba.network.reference import local_governments_load, members_load
    from shokuba.workplace.reference import referrals_load

    local_governments_load()
    members_load()
    guidebook_load()
    referrals_load()


def reference_data_present() -> bool:
    from shokuba.guidebook.models import Step
    from shokuba.network.models import LocalGovernment, Member

    return LocalGovernment.objects.exists() and Member.objects.exists() and Step.objects.exists()


# Triggers set aside for a flush, as (table, name, CREATE statement), until they are put back.
_triggers_set_aside: list[tuple[str, str, str]] = []


def database_triggers(connection: Any) -> list[tuple[str, str, str]]:
    """The user-defined triggers of the database, as (table, name, the statement that creates it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        elif connection.vendor == "postgresql":
            cursor.execute(
                """SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid)
                   FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                   JOIN pg_namespace n ON n.oid = c.relnamespace
                   WHERE NOT t.tgisinternal AND n.nspname = current_schema() ORDER BY t.tgname"""
            )
        else:
            return []
        return [(table, name, sql) for table, name, sql in cursor.fetchall()]


def triggers_set_aside() -> None:
    from django.db import connection

    found = database_triggers(connection)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, name, _sql in found:
            on_table = f" ON {quote(table)}" if connection.vendor == "postgresql" else ""
            cursor.execute(f"DROP TRIGGER IF EXISTS {quote(name)}{on_table}")
    _triggers_set_aside.extend(found)


def triggers_put_back() -> None:
    from django.db import connection

    if not _triggers_set_aside:
        return
    present = {(table, name) for table, name, _sql in database_triggers(connection)}
    with connection.cursor() as cursor:
        for table, name, sql in _triggers_set_aside:
            if (table, name) not in present:
                cursor.execute(sql)
    _triggers_set_aside.clear()


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One Chromium for all the browser tests. Package-scoped rather than session-scoped: the browser tests
    all live in this package, so it is still launched once per run, but Playwright's loop stops right after
    the last of them instead of running under every test that pytest orders after them."""
    gate = browser_gate()
    if gate.action == "fail":
        pytest.fail(gate.message, pytrace=False)
    if gate.action == "skip":
        pytest.skip(gate.message)

    from playwright.sync_api import expect, sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    expect.set_options(timeout=TIMEOUT_MS)
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=gate.executable, args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                # While Playwright's loop runs, Django keeps this thread's connections apart from the ones
                # opened before (asgiref stores them per context, not per thread); close them now, or they
                # outlive the run and PostgreSQL refuses to drop the test database.
                from django.db import connections

                connections.close_all()
                chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def _reference_data_after_browser_tests(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Torn down after the last browser test's flush: put the reference data back for the tests after it."""
    yield
    from django.core.cache import cache

    with django_db_blocker.unblock():
        triggers_put_back()
        if not reference_data_present():
            reference_data_load()
    cache.clear()


@pytest.fixture(autouse=True)
def _browser_test_setup(request: pytest.FixtureRequest, django_db_blocker: Any) -> None:
    """For browser tests: the browser first (skip before any database work), then a transactional database
    with its triggers and reference data, and a clean cache (the answering links' rate limits). Login failures
    are rows of the database (django-axes), emptied by the flush after each test; every test comes from 127.0.0.1."""
    if request.node.get_closest_marker("browser") is None:
        return
    request.getfixturevalue("_reference_data_after_browser_tests")

    def before_flush() -> None:  # set up after pytest-django's database fixture, so torn down before its flush
        with django_db_blocker.unblock():
            triggers_set_aside()

    request.addfinalizer(before_flush)
    request.getfixturevalue("browser")
    request.getfixturevalue("transactional_db")
    from django.core.cache import cache

    triggers_put_back()
    if not reference_data_present():
        reference_data_load()
    cache.clear()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A page of a fresh browser context. Every browser test also checks the Content-Security-Policy: a test whose
    pages reported a violation (a blocked inline script or style, eval, a resource from elsewhere) fails."""
    from tests.browser.helpers import csp_violations_collect

    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url, locale="ja-JP")
    context.set_default_timeout(TIMEOUT_MS)
    violations = csp_violations_collect(context)
    page = context.new_page()
    try:
        yield page
        if not page.is_closed():
            page.evaluate("0")  # delivers the reports still on their way
    finally:
        context.close()
    assert violations == [], f"Content-Security-Policy violations: {violations}"


def screenshot_path(rootpath: Path, test_name: str) -> Path:
    return rootpath / SCREENSHOT_DIR / (re.sub(r"[^\w.-]+", "_", test_name).strip("_") + ".png")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report = yield
    if item.get_closest_marker("browser") is None:
        return report
    page = getattr(item, "funcargs", {}).get("page")
    if report.failed and report.when in {"setup", "call"} and page is not None and not page.is_closed():
        path = screenshot_path(item.config.rootpath, item.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(path), full_page=True)
        except Exception as exc:  # the page may have crashed; the failure itself matters more
            report.sections.append(("screenshot", f"could not save a screenshot: {exc}"))
        else:
            report.sections.append(("screenshot", f"saved {path} (page {page.url})"))
    return report


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count skipped browser tests (also on the controller of a pytest-xdist run, which gets every report)."""
    if report.skipped and "browser" in report.keywords:
        _skipped_browser_tests.append(report.nodeid)
        if isinstance(report.longrepr, tuple):
            _skip_reasons.add(str(report.longrepr[2]).removeprefix("Skipped: "))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under CI a skipped browser test, for whatever reason, fails the run."""
    if _skipped_browser_tests and running_under_ci(os.environ) and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _skipped_browser_tests:
        return
    write = terminalreporter.write_line
    terminalreporter.write_sep("#", "BROWSER TESTS SKIPPED", red=True, bold=True)
    write(f"{len(_skipped_browser_tests)} browser tests did not run.", red=True, bold=True)
    for reason in sorted(_skip_reasons):
        write(reason, red=True, bold=True)
    if running_under_ci(os.environ):
        write("CI: browser tests must run, so this run FAILS.", red=True, bold=True)
    else:
        write("Under CI (CI=true) this fails the run instead.", red=True)
    terminalreporter.write_sep("#", red=True, bold=True)


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script for the tests that run it; missing, a failure under CI and a skip elsewhere."""
    from tests.browser.axe import axe_missing_message, axe_script_path

    path = axe_script_path()
    if path is None:
        if running_under_ci(os.environ):
            pytest.fail(axe_missing_message(), pytrace=False)
        pytest.skip(axe_missing_message())
    return path.read_text(encoding="utf-8")
