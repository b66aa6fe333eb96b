"""The API against its own schema: Schemathesis generates requests from /api/v1/openapi.json (valid ones and
invalid ones, every operation, as the secretariat, a coordinator and an organisation admin with bearer tokens)
and runs every check on each answer, in-process through the WSGI app, on the test database.

What must hold:
- no server error, ever (`not_a_server_error`), and every refusal in the documented JSON error shape;
- the answer matches the schema: status code documented, content type, body (`response_schema_conformance`);
- what the schema calls invalid is refused (`negative_data_rejection`);
- what the schema calls valid is accepted (`positive_data_acceptance`), or refused only by a rule no schema can
  state — a check digit, a name already taken, a state of the wave, … — each with its own error `type`
  (`RULE_TYPES` in shokuba/api/errors.py). A refusal of valid input with any other type (a pattern, an enum,
  a range, a null the schema allowed) is a schema mismatch and fails.

The run is bounded and deterministic (`derandomize`, a fixed seed): the same requests every time, on SQLite and
PostgreSQL. SCHEMATHESIS_MAX_EXAMPLES raises the number of generated requests per operation for a bigger run by
hand (the report says how many requests were made).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

from shokuba.api.api import api
from shokuba.api.errors import RULE_TYPES
from shokuba.api.services import api_token_issue
from shokuba.jobads.models import JobAdCheck
from shokuba.jobads.services import jobad_check_save
from shokuba.network.models import Member, Organisation, Role, User
from shokuba.plans.models import Kpi, ReportJob
from shokuba.plans.services import plan_save
from shokuba.results.tests.conftest import submit
from shokuba.surveys.library import library_template
from shokuba.surveys.models import Questionnaire, QuestionnaireVersion, VersionStatus, Wave, WaveLink, WaveStatus
from shokuba.workplace.services import indicator_year_save

# Fixed primary keys for the rows the run works on, so that generated requests can name them.
FUZZ_ID = 7_000_001
OTHER_ID = 7_000_002
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "6"))
REQUESTS: Counter[str] = Counter()

CONFIG: dict[str, Any] = {
    "seed": 20261201,
    "suppress-health-check": ["all"],
    "generation": {"mode": "all", "deterministic": True, "max-examples": MAX_EXAMPLES, "database": "none"},
    "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True}},
    "checks": {
        "enabled": True,
        # 422 for valid input is allowed only with a rule type the schema cannot state: see the check below.
        "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422"]},
    },
    # Half of the generated ids, codes and years name the rows made below, so the handlers behind the lookups run.
    "dictionaries": {
        "ids": {"values": [FUZZ_ID, OTHER_ID]},
        "codes": {"values": ["282090", "28209", "２８２０９", "042056", "040002"]},
        "fiscal_years": {"values": [2025, 2026]},
        "items": {"values": ["WS-A01", "WS-Z01", "WS-FREE"]},
    },
    "parameters": {
        **{f"path.{name}": {"dictionary": "ids", "probability": 0.5} for name in ("id", "pk", "wave_id")},
        "query.other": {"dictionary": "ids", "probability": 0.5},
        "path.code": {"dictionary": "codes", "probability": 0.5},
        "query.member": {"dictionary": "codes", "probability": 0.5},
        "path.fiscal_year": {"dictionary": "fiscal_years", "probability": 0.5},
        "query.item": {"dictionary": "items", "probability": 0.5},
        "body.member": {"dictionary": "codes", "probability": 0.5},
        "body.questionnaire": {"dictionary": "ids", "probability": 0.5},
    },
}

schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"))),
    config=schemathesis.Config.from_dict(CONFIG),
)
schema.app = get_wsgi_application()


@schemathesis.check
def refused_only_by_rules_the_schema_cannot_state(ctx: Any, response: Any, case: Any) -> bool | None:
    """A request the schema calls valid may be refused (422) only by a rule no schema can state."""
    if case.meta is None or not case.meta.generation.mode.is_positive or is_unexpected_http_status_case(case):
        return None
    if response.status_code not in (400, 422):
        return None
    body = json.loads(response.content)
    types = {item["type"] for item in body["detail"]}
    if not types <= RULE_TYPES:
        unstated = sorted(types - RULE_TYPES)
        raise AssertionError(
            f"A request the schema allows was refused by a rule it does not state ({unstated}): {body}"
        )
    return True


@schemathesis.check
def errors_in_the_documented_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx and 5xx answer is {"message", "detail": [{"loc", "msg", "type"}]} with Japanese text."""
    REQUESTS[case.operation.label] += 1
    if response.status_code < 400:
        return None
    content_type = {k.lower(): v for k, v in response.headers.items()}.get("content-type", [""])[0]
    assert content_type.startswith("application/json"), response.headers
    body = json.loads(response.content)
    assert set(body) == {"message", "detail"} and body["message"], body
    assert all(set(item) == {"loc", "msg", "type"} for item in body["detail"]), body
    return True


def _questionnaire(pk: int, member: Member, coordinator: User, *, published: bool) -> QuestionnaireVersion:
    template = library_template("workplace")
    assert template is not None
    questionnaire = Questionnaire.objects.create(
        pk=pk,
        member=member,
        title=f"ファズ用 {pk}",
        template_code=template.code,
        template_version=template.version,
        created_by=coordinator,
    )
    return QuestionnaireVersion.objects.create(
        pk=pk,
        questionnaire=questionnaire,
        number=1,
        definition=template.copy_data(),
        status=VersionStatus.PUBLISHED if published else VersionStatus.DRAFT,
        published_at=timezone.now() if published else None,
    )


@pytest.fixture
def fuzz_rows(toyooka: Member, kesennuma: Member) -> dict[str, User]:
    """Two organisations, a published questionnaire with an open wave of 12 responses, a draft questionnaire, a
    draft wave, a year of workplace figures; the three roles."""
    organisation = Organisation.objects.create(
        pk=FUZZ_ID,
        member=toyooka,
        name="株式会社ファズ精工",
        industry="E",
        size_band="101-300",
        location_id="282090",
        joined_on=dt.date(2025, 4, 1),
    )
    Organisation.objects.create(
        pk=OTHER_ID,
        member=kesennuma,
        name="気仙沼ファズ水産",
        industry="A",
        size_band="30-100",
        location_id="042056",
        joined_on=dt.date(2025, 4, 1),
    )
    coordinator = User.objects.create(username="fuzz-coordinator", role=Role.COORDINATOR, member=toyooka)
    users = {
        "secretariat": User.objects.create(username="fuzz-secretariat", role=Role.SECRETARIAT),
        "coordinator": coordinator,
        "org_admin": User.objects.create(
            username="fuzz-org-admin", role=Role.ORGANISATION_ADMIN, organisation=organisation
        ),
    }
    version = _questionnaire(FUZZ_ID, toyooka, coordinator, published=True)
    _questionnaire(OTHER_ID, toyooka, coordinator, published=False)
    today = timezone.localdate()
    wave = Wave.objects.create(
        pk=FUZZ_ID,
        member=toyooka,
        version=version,
        name="2026年度 ファズ調査",
        fiscal_year=2026,
        opens_on=today - dt.timedelta(days=3),
        closes_on=today + dt.timedelta(days=10),
        status=WaveStatus.OPEN,
    )
    link = WaveLink.objects.create(pk=FUZZ_ID, wave=wave, organisation=organisation, token="f" * 43)
    Wave.objects.create(
        pk=OTHER_ID,
        member=toyooka,
        version=version,
        name="2025年度 ファズ調査",
        fiscal_year=2025,
        opens_on=today - dt.timedelta(days=30),
        closes_on=today - dt.timedelta(days=20),
        status=WaveStatus.DRAFT,
    )
    rng = random.Random(7)
    for index in range(12):
        submit(link, rng, sex="F" if index % 2 else "M", age_band="30")
    indicator_year_save(
        actor=coordinator,
        organisation=organisation,
        fiscal_year=2025,
        raw={"workers_women": 40, "workers_men": 60, "managers": 10, "managers_women": 2},
    )
    # 豊岡市's action plan, with a KPI and a finished report under the fixed ids (the requests for 豊岡市's plan
    # reach the services: a second KPI, a report request, a change of the plan).
    plan = plan_save(
        actor=coordinator, member=toyooka, title="ファズの計画", vision="姿", goals="", start_year=2026, end_year=2028
    )
    Kpi.objects.create(
        pk=FUZZ_ID,
        plan=plan,
        name="ファズのKPI",
        source="survey_top",
        item_code="WS-Z01",
        baseline_year=2026,
        target_value=80,
        target_year=2028,
    )
    ReportJob.objects.create(
        pk=FUZZ_ID,
        member=toyooka,
        plan=plan,
        fiscal_year=2026,
        variant="public",
        status="failed",
        created_by=coordinator,
    )
    # A saved job-ad check of the organisation under the fixed id (its rewrite and read reach the services).
    check = jobad_check_save(
        actor=coordinator, organisation=organisation, title="ファズの求人", text="営業マン募集。35歳以下。"
    )
    JobAdCheck.objects.filter(pk=check.pk).update(id=FUZZ_ID)
    return users


@pytest.fixture(autouse=True)
def _one_connection_per_test() -> Any:
    """Schemathesis calls the WSGI app itself, so Django's request signals close the database connection after
    each request — in the middle of the test's transaction on PostgreSQL. Django's test client disconnects them
    in the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["secretariat", "coordinator", "org_admin"])
def token(request: pytest.FixtureRequest, fuzz_rows: dict[str, User]) -> str:
    _record, raw = api_token_issue(user=fuzz_rows[request.param], name="schemathesis")
    return raw


@schema.parametrize()
def test_api_answers_as_its_schema_says(case: Any, token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"})


def test_the_run_made_requests_to_every_operation() -> None:
    """Run after the generated tests (same module, collected after them): every operation was called, and the
    total is printed for the report (pytest -s)."""
    if not REQUESTS or os.environ.get("PYTEST_XDIST_WORKER"):  # under xdist another worker may have run some
        pytest.skip("run in one process together with the generated tests")
    operations = {operation.ok().label for operation in schema.get_all_operations()}
    assert operations <= set(REQUESTS), sorted(operations - set(REQUESTS))
    print(f"\nschemathesis: {sum(REQUESTS.values())} requests over {len(REQUESTS)} operations")
