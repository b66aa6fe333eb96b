"""Regression tests for the API findings of issue 11 (§7), each rerun as it was reported: a wave name with a line
break, NUL in an organisation's name and notes, `hires_women: 1e308`, deleting an organisation with survey
history, `?page=9223372036854775807`, a multipart upload without a boundary, and an unexpected exception — each
answered in the one error shape, naming the field, with the database and the audit log unchanged."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse

from shokuba.api.tests.helpers import assert_error_shape, locs, messages
from shokuba.core.models import AuditEntry
from shokuba.network.models import Organisation, User
from shokuba.surveys.models import QuestionnaireVersion, Wave
from shokuba.workplace.models import IndicatorYear

pytestmark = pytest.mark.django_db


def _snapshot() -> tuple[int, int, int, int]:
    return (
        Organisation.objects.count(),
        Wave.objects.count(),
        IndicatorYear.objects.count(),
        AuditEntry.objects.count(),
    )


def _wave_body(version: QuestionnaireVersion, name: str, organisation: Organisation) -> dict[str, Any]:
    return {
        "questionnaire": version.questionnaire_id,
        "version": version.number,
        "name": name,
        "fiscal_year": 2026,
        "opens_on": "2026-06-01",
        "closes_on": "2026-06-30",
        "organisations": [organisation.pk],
    }


@pytest.mark.parametrize("name", ["2026年度\nベースライン", "2026年度\r\nベースライン", "ベースライン\u202etxt.exe"])
def test_a_wave_name_with_a_line_break_or_a_bidi_override_is_refused_naming_the_field(
    as_user: Any, coordinator: User, published: QuestionnaireVersion, organisation: Organisation, name: str
) -> None:
    api = as_user(coordinator, auth="token")
    before = _snapshot()
    response = api.post("surveys/waves", _wave_body(published, name, organisation))
    assert_error_shape(response, 422)
    assert locs(response) == [["body", "name"]]
    assert "「名称」" in messages(response)
    assert _snapshot() == before


def test_a_wave_name_with_a_line_break_is_refused_by_the_page_too(
    coordinator: User, published: QuestionnaireVersion, organisation: Organisation
) -> None:
    client = Client()
    client.force_login(coordinator)
    before = _snapshot()
    response = client.post(
        reverse("surveys:wave_create", args=[coordinator.member_id]),
        {
            "version": published.pk,
            "name": "2026年度\nベースライン",
            "fiscal_year": 2026,
            "opens_on": "2026-06-01",
            "closes_on": "2026-06-30",
            "organisations": [organisation.pk],
        },
    )
    assert response.status_code in (200, 400)
    assert "「調査の名称」は1行で入力してください" in response.content.decode()
    assert _snapshot() == before


def test_downloads_of_a_wave_whose_name_holds_a_line_break_answer_with_a_safe_file_name(
    as_user: Any, coordinator: User, wave: Wave
) -> None:
    # A name stored before the rule (or by hand): the downloads still answer, the header stays one line.
    Wave.objects.filter(pk=wave.pk).update(name="2026年度\r\nベースライン\u202e調査")
    client = Client()
    client.force_login(coordinator)
    answers = [
        client.get(reverse("surveys:wave_export", args=[wave.pk, "csv"])),
        client.get(reverse("surveys:wave_import_sheet", args=[wave.pk, "csv"])),
        as_user(coordinator, auth="token").get(f"surveys/waves/{wave.pk}/import-sheet?format=csv"),
    ]
    for response in answers:
        assert response.status_code == 200, response.content[:300]
        disposition = response["Content-Disposition"]
        assert "\r" not in disposition and "\n" not in disposition and disposition.isascii()
        utf8_name = unquote(disposition.split("filename*=UTF-8''")[1])
        assert utf8_name.startswith("2026年度 ベースライン 調査_") and utf8_name.endswith(".csv")


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("name", "株式会社\x00テスト", "名称"),
        ("notes", "メモ\x00です", "備考・メモ"),
        ("name", "株式会社\nテスト", "名称"),
    ],
)
def test_nul_and_line_breaks_in_an_organisation_are_refused_by_the_api(
    as_user: Any, coordinator: User, organisation: Organisation, field: str, value: str, label: str
) -> None:
    body = {
        "member": "282090",
        "name": "株式会社ヌル検査",
        "industry": "E",
        "size_band": "30-100",
        "location": "282090",
        "joined_on": "2026-04-01",
        field: value,
    }
    api = as_user(coordinator, auth="token")
    before = _snapshot()
    created = api.post("organisations", body)
    changed = api.patch(f"organisations/{organisation.pk}", {field: value})
    for response in (created, changed):
        assert_error_shape(response, 422)
        assert locs(response) == [["body", field]]
        assert f"「{label}」" in messages(response)
        assert "U+0000" in messages(response) if "\x00" in value else "1行で" in messages(response)
    assert _snapshot() == before
    organisation.refresh_from_db()
    assert "\x00" not in organisation.name + organisation.notes


def test_the_organisation_form_refuses_nul_naming_the_field(coordinator: User, organisation: Organisation) -> None:
    client = Client()
    client.force_login(coordinator)
    response = client.post(
        reverse("network:organisation_edit", args=[organisation.pk]),
        {
            "name": "株式会社\x00テスト",
            "industry": "E",
            "size_band": "101-300",
            "location": "282090",
            "joined_on": "2026-02-01",
            "notes": "",
        },
    )
    assert "「名称」に使えない文字があります（5文字目の U+0000）" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.name == "株式会社テスト精工"


@pytest.mark.parametrize("value", [1e308, -1, 10_000_001, 3.5])
def test_hires_women_out_of_its_range_is_refused_naming_the_field(
    as_user: Any, coordinator: User, organisation: Organisation, value: float
) -> None:
    api = as_user(coordinator, auth="token")
    before = _snapshot()
    response = api.put(f"workplace/organisations/{organisation.pk}/indicators/2025", {"raw": {"hires_women": value}})
    assert_error_shape(response, 422)
    assert locs(response) == [["body", "raw", "hires_women"]]
    assert "「採用した女性労働者の数」" in messages(response)
    assert _snapshot() == before


def test_hires_women_1e308_is_refused_by_the_entry_form_too(coordinator: User, organisation: Organisation) -> None:
    client = Client()
    client.force_login(coordinator)
    response = client.post(
        reverse("workplace:year_edit", args=[organisation.pk, 2025]),
        {"hires_women": "1e308", "male_childcare_leave_formula": "leave"},
    )
    assert response.status_code == 400
    assert "「採用した女性労働者の数」は10,000,000人以下で入力してください" in response.content.decode()
    assert not IndicatorYear.objects.filter(organisation=organisation).exists()


def test_the_schema_states_the_range_of_every_figure() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    raw = schema["components"]["schemas"]["RawFiguresIn"]["properties"]
    hires = raw["hires_women"]["anyOf"][0]
    assert (hires["type"], hires["minimum"], hires["maximum"]) == ("integer", 0, 10_000_000)
    assert raw["max_monthly_overtime_fulltime"]["anyOf"][0]["maximum"] == 744
    assert raw["women_manager_ratio"]["anyOf"][0]["maximum"] == 100
    assert raw["tenure_gap_years"]["anyOf"][0]["minimum"] == -60


def test_deleting_an_organisation_with_survey_history_is_422_saying_why(
    as_user: Any, secretariat: User, wave: Wave, organisation: Organisation
) -> None:
    api = as_user(secretariat, auth="token")
    before = _snapshot()
    response = api.delete(f"organisations/{organisation.pk}")
    assert_error_shape(response, 422)
    assert response.json_body["detail"][0]["type"] == "protected"
    assert "調査に参加した記録" in messages(response)
    assert _snapshot() == before


def test_deleting_an_organisation_with_survey_history_from_the_page_says_why(
    secretariat: User, wave: Wave, organisation: Organisation
) -> None:
    client = Client()
    client.force_login(secretariat)
    before = _snapshot()
    response = client.post(reverse("network:organisation_delete", args=[organisation.pk]), follow=True)
    assert "調査に参加した記録" in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("path", ["organisations", "members", "local-governments"])
def test_a_huge_page_number_is_422_naming_the_parameter(as_user: Any, secretariat: User, path: str) -> None:
    response = as_user(secretariat).get(f"{path}?page=9223372036854775807")
    assert_error_shape(response, 422)
    assert locs(response) == [["query", "page"]]
    last = as_user(secretariat).get(f"{path}?page=100000")
    assert last.status_code == 200 and last.json_body["items"] == []


def test_a_multipart_upload_without_a_boundary_is_400_json(as_user: Any, coordinator: User, wave: Wave) -> None:
    api = as_user(coordinator, auth="token")
    response = api.client.post(
        f"/api/v1/surveys/waves/{wave.pk}/imports",
        data=b'--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc\r\n--x--\r\n',
        content_type="multipart/form-data",
        headers=api.headers,
    )
    response.json_body = json.loads(response.content)
    assert_error_shape(response, 400)
    assert response.json_body["detail"][0]["type"] == "multipart_invalid"


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_a_json_number_that_is_not_finite_is_400(
    as_user: Any, coordinator: User, organisation: Organisation, number: str
) -> None:
    api = as_user(coordinator, auth="token")
    response = api.put(
        f"workplace/organisations/{organisation.pk}/indicators/2025",
        raw=f'{{"raw": {{"hires_women": {number}}}}}'.encode(),
    )
    assert_error_shape(response, 400)
    assert number in messages(response)


def test_an_unexpected_exception_is_500_in_the_error_shape_and_logged(
    as_user: Any, secretariat: User, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A bug stands in for any unexpected failure: the caller gets the one shape, the log gets the traceback.
    from shokuba.network import selectors

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("a bug in a selector")

    monkeypatch.setattr(selectors, "member_list", broken)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = as_user(secretariat, auth="token").get("members")
    assert_error_shape(response, 500)
    assert response.json_body["detail"][0]["type"] == "server_error"
    assert "a bug in a selector" not in response.content.decode()
    record = next(r for r in caplog.records if r.name == "django.request" and r.levelno == logging.ERROR)
    assert record.exc_info is not None and "a bug in a selector" in str(record.exc_info[1])


def test_a_definition_with_nul_is_refused_not_stored(as_user: Any, coordinator: User, published: Any) -> None:
    api = as_user(coordinator, auth="token")
    draft = api.post(f"surveys/questionnaires/{published.questionnaire_id}/draft").json_body
    definition = dict(draft["definition"])
    definition["title"] = "調査\x00票"
    response = api.put(f"surveys/questionnaires/{published.questionnaire_id}/draft", {"definition": definition})
    assert_error_shape(response, 422)
    assert locs(response) == [["body", "definition"]]
    assert "U+0000" in messages(response)
    definition["questions"] = [1, 2]
    shape = api.put(f"surveys/questionnaires/{published.questionnaire_id}/draft", {"definition": definition})
    assert_error_shape(shape, 422)
    assert "questions" in messages(shape)


def test_a_definition_with_a_non_finite_number_inside_is_refused(
    as_user: Any, coordinator: User, published: Any
) -> None:
    api = as_user(coordinator, auth="token")
    draft = api.post(f"surveys/questionnaires/{published.questionnaire_id}/draft").json_body
    body = json.dumps({"definition": draft["definition"]}).replace('"title":', '"x": NaN, "title":', 1)
    response = api.put(f"surveys/questionnaires/{published.questionnaire_id}/draft", raw=body.encode())
    assert_error_shape(response, 400)


def test_a_wave_fiscal_year_outside_its_range_is_refused_naming_the_field(
    as_user: Any, coordinator: User, published: QuestionnaireVersion, organisation: Organisation
) -> None:
    body = _wave_body(published, "2000年度", organisation) | {"fiscal_year": 2000}
    response = as_user(coordinator, auth="token").post("surveys/waves", body)
    assert_error_shape(response, 422)
    assert locs(response) == [["body", "fiscal_year"]]
