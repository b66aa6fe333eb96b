"""Every regional API operation × every role × session and token (the API's role matrix for this router).

Regional statistics are public official data: every authenticated role reads every area; nobody anonymous does.
"""

from __future__ import annotations

from typing import Any

import pytest

from shokuba.api.tests.helpers import ROLES, Api, assert_error_shape
from shokuba.regional.tests.samples import import_small

CASES: list[tuple[str, str, str, Any, dict[str, int]]] = [
    ("area indicators", "GET", "regional/areas/282090/indicators", None, dict.fromkeys(ROLES, 200)),
    ("net by age", "GET", "regional/areas/28209/net-by-age?year=2024", None, dict.fromkeys(ROLES, 200)),
    (
        "indicators for a year",
        "GET",
        "regional/indicators?year=2024&members_only=true",
        None,
        dict.fromkeys(ROLES, 200),
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("auth", ["session", "token"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "statuses"), CASES, ids=[case[0] for case in CASES])
def test_regional_api_matrix(
    name: str,
    method: str,
    path: str,
    body: Any,
    statuses: dict[str, int],
    role: str,
    auth: str,
    request: pytest.FixtureRequest,
) -> None:
    import_small(2024)
    user = request.getfixturevalue(role)
    response = Api(user, auth=auth).call(method, path, body)
    assert response.status_code == statuses[role], response.json_body
    if response.status_code >= 400:
        assert_error_shape(response, statuses[role])


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "path", "body", "statuses"), CASES, ids=[case[0] for case in CASES])
def test_anonymous_callers_are_refused(name: str, method: str, path: str, body: Any, statuses: dict[str, int]) -> None:
    assert_error_shape(Api().call(method, path, body), 401)
