"""Whether the browser tests run, skip or fail — decided without starting a browser."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.browser.chromium import browser_gate, chromium_path, running_under_ci


def which_from(installed: dict[str, str]) -> Callable[[str], str | None]:
    return installed.get


DEBIAN = which_from({"chromium": "/usr/bin/chromium"})
NOTHING = which_from({})


def test_debian_chromium_is_found_on_the_path() -> None:
    assert chromium_path({}, DEBIAN) == "/usr/bin/chromium"


def test_ubuntu_command_name_is_found_too() -> None:
    assert chromium_path({}, which_from({"chromium-browser": "/usr/bin/chromium-browser"})) == (
        "/usr/bin/chromium-browser"
    )


def test_an_explicit_path_wins_and_must_exist() -> None:
    which = which_from({"chromium": "/usr/bin/chromium", "/opt/chromium/chrome": "/opt/chromium/chrome"})
    assert chromium_path({"SHOKUBA_CHROMIUM": "/opt/chromium/chrome"}, which) == "/opt/chromium/chrome"
    assert chromium_path({"SHOKUBA_CHROMIUM": "/nowhere/chrome"}, which) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("1", True), ("TRUE", True), ("yes", True), ("", False), ("false", False), ("0", False)],
)
def test_ci_flag(value: str, expected: bool) -> None:
    assert running_under_ci({"CI": value}) is expected


def test_runs_when_chromium_and_playwright_are_there() -> None:
    for env in ({}, {"CI": "true"}):
        gate = browser_gate(env, DEBIAN, playwright_installed=True)
        assert (gate.action, gate.executable) == ("run", "/usr/bin/chromium")


def test_missing_chromium_is_a_loud_skip_on_a_developer_machine() -> None:
    gate = browser_gate({}, NOTHING, playwright_installed=True)
    assert gate.action == "skip"
    assert gate.message.startswith("BROWSER TESTS SKIPPED")
    assert "apt-get install chromium" in gate.message


@pytest.mark.parametrize("ci", ["true", "1"])
def test_missing_chromium_fails_under_ci(ci: str) -> None:
    gate = browser_gate({"CI": ci}, NOTHING, playwright_installed=True)
    assert gate.action == "fail"
    assert "must run" in gate.message
    assert "chromium" in gate.message


def test_missing_playwright_is_named() -> None:
    assert browser_gate({}, DEBIAN, playwright_installed=False).action == "skip"
    gate = browser_gate({"CI": "true"}, DEBIAN, playwright_installed=False)
    assert gate.action == "fail"
    assert "playwright" in gate.message
