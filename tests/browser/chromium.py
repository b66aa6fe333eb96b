"""Where the browser tests find Chromium, and what happens when they cannot.

Playwright's own browser download cannot work on the project's machines, so the tests drive Debian's
`chromium` package (installed by `scripts/install_browser.sh` from `make test`). Without it the browser
tests are skipped loudly on a developer's machine, and fail under CI, where a skipped browser test would
hide a broken check.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

# Flags for a headless run in a container: no sandbox (root, no user namespaces), no GPU, /tmp instead of
# the small /dev/shm, and no network traffic of the browser's own (updates, sync, first-run pages).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# An explicit path wins (for a chromium outside PATH); then the Debian and Ubuntu command names.
OVERRIDE_VARIABLE = "SHOKUBA_CHROMIUM"
COMMAND_NAMES = ("chromium", "chromium-browser")
INSTALL_HINT = "install it with `make test` as a user who may install packages, or `apt-get install chromium`"

Which = Callable[[str], "str | None"]


def chromium_path(env: Mapping[str, str], which: Which = shutil.which) -> str | None:
    """The chromium executable to launch, or None when there is none."""
    override = env.get(OVERRIDE_VARIABLE, "").strip()
    if override:
        return which(override)
    for name in COMMAND_NAMES:
        found = which(name)
        if found:
            return found
    return None


def running_under_ci(env: Mapping[str, str]) -> bool:
    return env.get("CI", "").strip().lower() in {"true", "1", "yes"}


@dataclass(frozen=True)
class BrowserGate:
    action: Literal["run", "skip", "fail"]
    executable: str | None
    message: str


def browser_gate(
    env: Mapping[str, str] | None = None,
    which: Which = shutil.which,
    playwright_installed: bool | None = None,
) -> BrowserGate:
    """Run, skip (loudly) or fail the browser tests."""
    env = os.environ if env is None else env
    if playwright_installed is None:
        playwright_installed = importlib.util.find_spec("playwright") is not None
    executable = chromium_path(env, which)
    missing: list[str] = []
    if not playwright_installed:
        missing.append("the Python package playwright (pip install -r requirements-dev.txt)")
    if executable is None:
        override = env.get(OVERRIDE_VARIABLE, "").strip()
        where = f"{OVERRIDE_VARIABLE}={override}" if override else "PATH (" + ", ".join(COMMAND_NAMES) + ")"
        missing.append(f"Debian's chromium, looked for in {where}; {INSTALL_HINT}")
    if not missing:
        return BrowserGate("run", executable, f"browser tests drive {executable}")
    what = "; ".join(missing)
    if running_under_ci(env):
        return BrowserGate("fail", executable, f"CI: browser tests must run, but this machine lacks {what}")
    return BrowserGate("skip", executable, f"BROWSER TESTS SKIPPED: this machine lacks {what}")
