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
