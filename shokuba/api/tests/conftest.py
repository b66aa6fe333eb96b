"""Fixtures for API tests."""

from __future__ import annotations

from typing import Any

import pytest

from shokuba.api.tests.helpers import Api
from shokuba.surveys.tests.conftest import (  # noqa: F401 - the survey fixtures, for the findings' tests
    _clean_rate_limits,
    published,
    questionnaire,
    second_organisation,
    wave,
)


@pytest.fixture
def as_user(db: Any) -> Any:
    def make(user: Any = None, *, auth: str = "session", enforce_csrf: bool = False) -> Api:
        return Api(user, auth=auth, enforce_csrf=enforce_csrf)

    return make
