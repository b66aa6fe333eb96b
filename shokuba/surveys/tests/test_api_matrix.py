"""Every surveys API operation × every role × session and token (the API's role matrix for this router).

404: not among the rows the caller may see; 403: visible, but not this action. A refused request changes
nothing (not even the audit log); an allowed change is recorded in the audit log.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from shokuba.api.tests.helpers import ROLES, Api, matrix_row_check, session_reads_check
from shokuba.core.models import AuditEntry
from shokuba.surveys import export_jobs, services
from shokuba.surveys.library import library_template
from shokuba.surveys.models import (
    ExportJob,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    ResponseImport,
    Wave,
    WaveLink,
)
from shokuba.surveys.tests.matrix import import_file

SEC, SUP, COORD, PREF, OTHER, ORG = ROLES


def expect(default: int, **by_role: int) -> dict[str, int]:
    names = {"sec": SEC, "sup": SUP, "coord": COORD, "pref": PREF, "other": OTHER, "org": ORG}
    statuses = dict.fromkeys(ROLES, default)
    statuses.update({names[key]: status for key, status in by_role.items()})
    return statuses


WORKPLACE = library_template("workplace")
assert WORKPLACE is not None
TODAY = "{today}"
UPLOAD = "<a filled import sheet, sent as multipart/form-data>"

# (name, method, path, body, statuses). Placeholders: {questionnaire} (published), {draft} (a draft),
# {wave} (open, links for {link} = the org admin's organisation and {spare_link}), {draft_wave} (not yet open).
CASES: list[tuple[str, str, str, Any, dict[str, int]]] = [
    ("templates", "GET", "surveys/templates", None, expect(200)),
    ("template", "GET", "surveys/templates/workplace", None, expect(200)),
    ("questionnaires", "GET", "surveys/questionnaires", None, expect(200)),
    (
        "create questionnaire",
        "POST",
        "surveys/questionnaires",
        {"member": "282090", "template_code": "resident"},
        expect(404, sec=201, sup=403, coord=201),
    ),
    ("questionnaire", "GET", "surveys/questionnaires/{questionnaire}", None, expect(404, sec=200, sup=200, coord=200)),
    (
        "version",
        "GET",
        "surveys/questionnaires/{questionnaire}/versions/1",
        None,
        expect(404, sec=200, sup=200, coord=200),
    ),
    (
        "start draft",
        "POST",
        "surveys/questionnaires/{questionnaire}/draft",
        None,
        expect(404, sec=200, sup=403, coord=200),
    ),
    (
        "save draft",
        "PUT",
        "surveys/questionnaires/{draft}/draft",
        {"definition": {**WORKPLACE.data, "title": "改題した調査票"}},
        expect(404, sec=200, sup=403, coord=200),
    ),
    ("publish", "POST", "surveys/questionnaires/{draft}/publish", None, expect(404, sec=200, sup=403, coord=200)),
    ("waves", "GET", "surveys/waves", None, expect(200)),
    (
        "create wave",
        "POST",
        "surveys/waves",
        {
            "questionnaire": "{questionnaire}",
            "version": 1,
            "name": "APIマトリクス調査",
            "fiscal_year": 2026,
            "opens_on": TODAY,
            "closes_on": TODAY,
            "public_link": True,
        },
        expect(404, sec=201, sup=403, coord=201),
    ),
    ("wave", "GET", "surveys/waves/{wave}", None, expect(404, sec=200, sup=200, coord=200, org=200)),
    ("open wave", "POST", "surveys/waves/{draft_wave}/open", None, expect(404, sec=200, sup=403, coord=200)),
    ("close wave", "POST", "surveys/waves/{wave}/close", None, expect(404, sec=200, sup=403, coord=200, org=403)),
    ("links", "GET", "surveys/waves/{wave}/links", None, expect(404, sec=200, sup=200, coord=200, org=200)),
    ("counts", "GET", "surveys/waves/{wave}/counts", None, expect(404, sec=200, sup=200, coord=200, org=200)),
    (
        "head-count",
        "PATCH",
        "surveys/links/{link}",
        {"expected_headcount": 10},
        expect(404, sec=200, sup=403, coord=200, org=200),
    ),
    # Paper/Excel imports (multipart): whoever manages the wave; the support team reads the history.
    ("imports", "GET", "surveys/waves/{wave}/imports", None, expect(404, sec=200, sup=200, coord=200, org=403)),
    ("import", "POST", "surveys/waves/{wave}/imports", UPLOAD, expect(404, sec=201, sup=403, coord=201, org=403)),
    (
        "import sheet",
        "GET",
        "surveys/waves/{wave}/import-sheet?format=csv",
        None,
        expect(404, sec=200, sup=403, coord=200, org=403),
    ),
    # Background exports of raw responses: the programme's coordinator and the secretariat only.
    (
        "request export",
        "POST",
        "surveys/waves/{wave}/exports",
        {"format": "csv"},
        expect(404, sec=202, sup=403, coord=202, org=403),
    ),
    ("export job", "GET", "surveys/exports/{export}", None, expect(404, sec=200, sup=403, coord=200, org=403)),
    (
        "export download",
        "GET",
        "surveys/exports/{export}/download",
        None,
        expect(404, sec=200, sup=403, coord=200, org=403),
    ),
    (
        "head-count other organisation",
        "PATCH",
        "surveys/links/{spare_link}",
        {"expected_headcount": 10},
        expect(404, sec=200, sup=403, coord=200),
    ),
]


@pytest.fixture
def places(coordinator: Any, published: QuestionnaireVersion, wave: Wave, link: WaveLink) -> dict[str, Any]:
    draft = services.questionnaire_create_from_template(
        actor=coordinator, member=coordinator.member, template_code="workplace"
    )
    today = timezone.localdate()
    draft_wave = services.wave_create(
        actor=coordinator,
        version=published,
        name="まだ始めない調査",
        fiscal_year=2026,
        opens_on=today,
        closes_on=today,
        public_link=True,
    )
    return {
        "questionnaire": published.questionnaire_id,
        "draft": draft.pk,
        "wave": wave.pk,
        "draft_wave": draft_wave.pk,
        "link": link.pk,
        "spare_link": wave.links.exclude(pk=link.pk).get().pk,
        "today": today.isoformat(),
        "export": export_jobs.export_job_request(actor=coordinator, wave=wave, file_format="csv").pk,
    }


def _fill(value: Any, places: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, places) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in places:
        return places[value[1:-1]]
    return value


def _upload(api: Api, path: str, places: dict[str, Any]) -> Any:
    wave = Wave.objects.get(pk=places["wave"])
    response = api.client.post(
        f"/api/v1/{path}", data={"file": import_file(wave), "channel": "paper"}, headers=api.headers
    )
    response.json_body = json.loads(response.content) if response.content else None
    return response


def _state() -> tuple[Any, ...]:
    return (
        AuditEntry.objects.count(),
        Response.objects.count(),
        ResponseImport.objects.count(),
        ExportJob.objects.count(),
        sorted(Questionnaire.objects.values_list("pk", "title")),
        sorted(QuestionnaireVersion.objects.values_list("pk", "status")),
        sorted(Wave.objects.values_list("pk", "status")),
        sorted(WaveLink.objects.values_list("pk", "expected_headcount")),
    )


# Sessions and tokens reach the same handlers (shokuba/api/auth.py, proven for both in the API's own matrix); here
# tokens for every row, and a session for the reads and writes of one role in test_session_reaches_the_same_answers.
@pytest.mark.django_db
@pytest.mark.parametrize("auth", ["token"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "path", "body", "statuses"), CASES, ids=[case[0] for case in CASES])
def test_surveys_api_matrix(
    request: pytest.FixtureRequest,
    places: dict[str, Any],
    auth: str,
    role: str,
    name: str,
    method: str,
    path: str,
    body: Any,
    statuses: dict[str, int],
) -> None:
    user = request.getfixturevalue(role)
    api = Api(user, auth=auth)

    def call() -> Any:
        if body == UPLOAD:
            return _upload(api, path.format(**places), places)
        return api.call(method, path.format(**places), _fill(json.loads(json.dumps(body)), places))

    before = matrix_row_check(call, method=method, expected=statuses[role], state=_state)
    if before is not None:  # a granted write: audited, as its caller
        assert AuditEntry.objects.count() > before[0]
        assert AuditEntry.objects.order_by("-id").first().actor_id == user.pk  # type: ignore[union-attr]


@pytest.mark.django_db
def test_session_reaches_the_same_answers(request: pytest.FixtureRequest, places: dict[str, Any]) -> None:
    session_reads_check(request, places, CASES, (COORD, ORG), fill=lambda body: _fill(body, places))
