"""Every results API operation × every role (token; session for two roles): 404 for a wave the caller may not
see, 403 for free text without the right, 200 otherwise; reads change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from shokuba.api.tests.helpers import ROLES, Api, matrix_row_check, session_reads_check
from shokuba.core.models import AuditEntry
from shokuba.results.tests.conftest import fill
from shokuba.surveys.models import Response, Wave

SEC, SUP, COORD, PREF, OTHER, ORG = ROLES


def expect(default: int, **by_role: int) -> dict[str, int]:
    names = {"sec": SEC, "sup": SUP, "coord": COORD, "pref": PREF, "other": OTHER, "org": ORG}
    statuses = dict.fromkeys(ROLES, default)
    statuses.update({names[key]: status for key, status in by_role.items()})
    return statuses


READ = {"sec": 200, "sup": 200, "coord": 200, "org": 200}
CASES: list[tuple[str, str, str, Any, dict[str, int]]] = [
    ("overview", "GET", "results/waves/{wave}/overview?preset=managers", None, expect(404, **READ)),
    ("items", "GET", "results/waves/{wave}/items", None, expect(404, **READ)),
    ("crosstab", "GET", "results/waves/{wave}/crosstab?item=WS-Z01&by=sex&by2=age_band", None, expect(404, **READ)),
    ("change", "GET", "results/waves/{wave}/change?other={wave}", None, expect(404, **READ)),
    (
        "free text",
        "GET",
        "results/waves/{wave}/free-text?item=WS-FREE&keyword=会議",
        None,
        expect(404, sec=200, sup=200, coord=200, org=403),
    ),
]


@pytest.fixture
def places(wave: Wave) -> dict[str, Any]:
    fill(wave, seed=4, women=8, men=8, second=6)
    return {"wave": wave.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "statuses"), CASES, ids=[c[0] for c in CASES])
def test_results_api_matrix(
    request: pytest.FixtureRequest,
    places: dict[str, Any],
    role: str,
    name: str,
    method: str,
    path: str,
    body: Any,
    statuses: dict[str, int],
) -> None:
    api = Api(request.getfixturevalue(role), auth="token")
    matrix_row_check(
        lambda: api.call(method, path.format(**places)),
        method=method,
        expected=statuses[role],
        state=lambda: (AuditEntry.objects.count(), Response.objects.count()),
    )


@pytest.mark.django_db
def test_session_reaches_the_same_answers(request: pytest.FixtureRequest, places: dict[str, Any]) -> None:
    session_reads_check(request, places, CASES, (COORD, ORG), fill=lambda _body: None)
