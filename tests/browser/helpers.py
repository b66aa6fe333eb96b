"""Steps a person takes in the browser, shared by the browser tests."""

from __future__ import annotations

from typing import Any

from conftest import PASSWORD


def login(page: Any, user: Any, password: str = PASSWORD) -> None:
    """Log in through the real login form, as a person would, and wait for the page that follows."""
    page.goto("/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="ログイン").click()


# Every browser test's pages report Content-Security-Policy violations to the test (conftest's `page` fixture
# fails a test whose pages had any). The listener is installed in every frame before the page's own scripts run.
_VIOLATION_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__shokubaCspViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
    page: document.location.href,
  });
});
"""


def csp_violations_collect(context: Any) -> list[dict[str, Any]]:
    """Start collecting the Content-Security-Policy violations of every page of a browser context; the list fills as
    they happen (read it after a Playwright call, which delivers the pending reports)."""
    found: list[dict[str, Any]] = []
    context.expose_binding("__shokubaCspViolation", lambda _source, violation: found.append(violation))
    context.add_init_script(_VIOLATION_LISTENER)
    return found
