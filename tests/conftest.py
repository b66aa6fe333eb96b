"""Live sites (tests/live_site.py): one scratch database per kind for the whole run, shared by the tests that need a
real server (each starts its own server process on it, with its own settings)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.live_site import LiveSite, live_site, postgres_available


@pytest.fixture(scope="session")
def live_sqlite_site() -> Iterator[LiveSite]:
    with live_site("sqlite") as site:
        yield site


@pytest.fixture(scope="session")
def live_postgresql_site() -> Iterator[LiveSite]:
    if not postgres_available():
        pytest.skip("DATABASE_URL does not point at PostgreSQL")
    with live_site("postgresql") as site:
        yield site
