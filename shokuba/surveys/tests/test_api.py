"""The surveys API: templates, questionnaires and versions, waves, links and counts; errors in the one shape."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from shokuba.surveys.models import QuestionnaireVersion, Wave, WaveLink
from shokuba.surveys.tests.conftest import logged_in

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, user: Any) -> None:
        self.client = logged_in(user)

    def __call__(self, method: str, path: str, body: Any = None) -> Any:
        kwargs: dict[str, Any] = {}
        if body is not None:
            kwargs = {"data": json.dumps(body), "content_type": "application/json"}
        return getattr(self.client, method)(f"/api/v1/surveys/{path}", **kwargs)


def test_templates_are_listed_and_read(coordinator: Any) -> None:
    api = Api(coordinator)
    listed = api("get", "templates").json()
    assert [t["code"] for t in listed] == ["unconscious_bias", "workplace", "selfcheck", "employer", "resident"]
    detail = api("get", "templates/resident").json()
    assert detail["definition"]["questions"][1]["max_choices"] == 5
    missing = api("get", "templates/nope")
    assert missing.status_code == 404 and missing.json()["detail"][0]["loc"] == ["path", "code"]


def test_authoring_through_the_api(coordinator: Any) -> None:
    api = Api(coordinator)
    created = api(
        "post", "questionnaires", {"member": "28209", "template_code": "selfcheck", "title": "セルフチェック2026"}
    )
    assert created.status_code == 201, created.json()
    qid = created.json()["id"]
    assert created.json()["versions"] == [{"number": 1, "status": "draft", "published_at": None}]
    definition = api("get", f"questionnaires/{qid}/versions/1").json()["definition"]
    assert definition["title"] == "セルフチェック2026"

    broken = copy.deepcopy(definition)
    broken["questions"][0]["type"] = "slider"
    refused = api("put", f"questionnaires/{qid}/draft", {"definition": broken})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "definition"]
    assert "質問の種類「slider」はありません" in refused.json()["detail"][0]["msg"]

    definition["questions"][0]["text"] = "先月の残業時間は？"
    assert api("put", f"questionnaires/{qid}/draft", {"definition": definition}).status_code == 200
    published = api("post", f"questionnaires/{qid}/publish")
    assert published.status_code == 200 and published.json()["status"] == "published"
    frozen = api("put", f"questionnaires/{qid}/draft", {"definition": definition})
    assert frozen.status_code == 409 and frozen.json()["detail"][0]["type"] == "no_draft"
    draft = api("post", f"questionnaires/{qid}/draft").json()
    assert (draft["number"], draft["status"]) == (2, "draft")


def test_waves_links_and_counts_through_the_api(
    coordinator: Any, published: QuestionnaireVersion, organisation: Any, other_organisation: Any
) -> None:
    api = Api(coordinator)
    today = timezone.localdate()
    body = {
        "questionnaire": published.questionnaire_id,
        "version": 1,
        "name": "API調査",
        "fiscal_year": 2026,
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=7)).isoformat(),
        "organisations": [organisation.pk],
    }
    foreign = api("post", "waves", {**body, "organisations": [other_organisation.pk]})
    assert foreign.status_code == 422 and foreign.json()["detail"][0]["loc"] == ["body", "organisations"]
    created = api("post", "waves", body)
    assert created.status_code == 201 and created.json()["accepting"] == "not_yet"
    wid = created.json()["id"]
    assert api("post", f"waves/{wid}/open").json()["accepting"] == "open"
    (link,) = api("get", f"waves/{wid}/links").json()
    assert link["url"].startswith("http://testserver/s/") and link["flyer_pdf"].endswith("/flyer.pdf")
    patched = api("patch", f"links/{link['id']}", {"expected_headcount": 30})
    assert patched.status_code == 200 and patched.json()["expected_headcount"] == 30
    assert api("patch", f"links/{link['id']}", {"expected_headcount": 0}).status_code == 422
    counts = api("get", f"waves/{wid}/counts").json()
    assert counts["total"] == 0 and counts["links"][0]["rate"] == 0.0
    assert api("post", f"waves/{wid}/close").json()["status"] == "closed"


def test_an_organisation_admin_may_set_their_own_head_count_only(
    org_admin: Any, wave: Wave, second_organisation: Any
) -> None:
    api = Api(org_admin)
    own = wave.links.get(organisation_id=org_admin.organisation_id)
    other = wave.links.get(organisation=second_organisation)
    assert api("patch", f"links/{own.pk}", {"expected_headcount": 12}).status_code == 200
    assert api("patch", f"links/{other.pk}", {"expected_headcount": 12}).status_code == 404
    assert api("get", "questionnaires").json() == []


def test_the_api_never_serves_raw_responses(coordinator: Any, link: WaveLink) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    survey_paths = [p for p in schema["paths"] if p.startswith("/api/v1/surveys/")]
    assert survey_paths and not any("response" in p and "count" not in p for p in survey_paths)
