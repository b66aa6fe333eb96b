"""Who may do what, on the pages and through the API: every role against the survey set-up, links and counts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shokuba.surveys.models import Questionnaire, Wave, WaveLink
from shokuba.surveys.tests.conftest import logged_in

pytestmark = pytest.mark.django_db

ROLES = ["secretariat", "support", "coordinator", "prefecture_coordinator", "other_coordinator", "org_admin"]


def client_for(request: pytest.FixtureRequest, role: str) -> Client:
    return logged_in(request.getfixturevalue(role))


@pytest.mark.parametrize(
    ("role", "programme", "questionnaire_page", "wave_page", "new_wave", "library"),
    [
        ("secretariat", 200, 200, 200, 200, 200),
        ("support", 200, 200, 200, 403, 200),
        ("coordinator", 200, 200, 200, 200, 200),
        ("prefecture_coordinator", 404, 404, 404, 404, 200),
        ("other_coordinator", 404, 404, 404, 404, 200),
        ("org_admin", 404, 404, 200, 404, 404),
    ],
)
def test_pages_per_role(
    request: pytest.FixtureRequest,
    role: str,
    wave: Wave,
    programme: int,
    questionnaire_page: int,
    wave_page: int,
    new_wave: int,
    library: int,
) -> None:
    client = client_for(request, role)
    assert client.get(reverse("surveys:member_surveys", args=["282090"])).status_code == programme
    q = wave.version.questionnaire
    assert client.get(reverse("surveys:questionnaire_detail", args=[q.pk])).status_code == questionnaire_page
    assert client.get(reverse("surveys:version_preview", args=[q.pk, 1])).status_code == questionnaire_page
    assert client.get(reverse("surveys:wave_detail", args=[wave.pk])).status_code == wave_page
    assert client.get(reverse("surveys:wave_create", args=["282090"])).status_code == new_wave
    assert client.get(reverse("surveys:library")).status_code == library


@pytest.mark.parametrize(
    ("role", "expected"),
    [("secretariat", 302), ("coordinator", 302), ("support", 403), ("other_coordinator", 404), ("org_admin", 404)],
)
def test_changes_per_role(
    request: pytest.FixtureRequest, role: str, expected: int, wave: Wave, questionnaire: Questionnaire
) -> None:
    client = client_for(request, role)
    assert client.post(reverse("surveys:wave_close", args=[wave.pk])).status_code == (
        expected if role != "org_admin" else 403
    )
    response = client.post(reverse("surveys:draft_start", args=[questionnaire.pk]))
    assert response.status_code == expected


def test_an_organisation_admin_sees_only_their_own_link(org_admin: Any, wave: Wave, second_organisation: Any) -> None:
    client = logged_in(org_admin)
    page = client.get(reverse("surveys:wave_detail", args=[wave.pk])).content.decode()
    own = wave.links.get(organisation_id=org_admin.organisation_id)
    other = wave.links.get(organisation=second_organisation)
    assert own.token in page and "株式会社テスト精工" in page
    assert other.token not in page and second_organisation.name not in page
    assert "回答の受付を終了する" not in page
    assert client.get(reverse("surveys:link_flyer", args=[own.pk])).status_code == 200
    for name in ("surveys:link_flyer", "surveys:link_qr_svg", "surveys:link_qr_png"):
        assert client.get(reverse(name, args=[other.pk])).status_code == 404
    assert client.get(reverse("surveys:index")).status_code == 200


def test_other_organisation_admins_see_nothing(other_organisation: Any, wave: Wave, link: WaveLink) -> None:
    from conftest import make_user

    stranger = make_user("t-stranger", "org_admin", organisation=other_organisation)
    client = logged_in(stranger)
    assert client.get(reverse("surveys:wave_detail", args=[wave.pk])).status_code == 404
    assert client.get(reverse("surveys:link_flyer", args=[link.pk])).status_code == 404


def test_anonymous_staff_pages_ask_for_login(wave: Wave, link: WaveLink) -> None:
    client = Client()
    for url in (
        reverse("surveys:member_surveys", args=["282090"]),
        reverse("surveys:wave_detail", args=[wave.pk]),
        reverse("surveys:link_flyer", args=[link.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


# --- API -----------------------------------------------------------------------------------------------------


def api(client: Client, method: str, path: str, body: Any = None) -> Any:
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    return getattr(client, method)(f"/api/v1/surveys/{path}", **kwargs)


@pytest.mark.parametrize(
    ("role", "waves", "counts", "links", "close"),
    [
        ("secretariat", 1, 200, 2, 200),
        ("support", 1, 200, 2, 403),
        ("coordinator", 1, 200, 2, 200),
        ("prefecture_coordinator", 0, 404, None, 404),
        ("other_coordinator", 0, 404, None, 404),
        ("org_admin", 1, 200, 1, 403),
    ],
)
def test_api_per_role(
    request: pytest.FixtureRequest, role: str, wave: Wave, waves: int, counts: int, links: int | None, close: int
) -> None:
    client = client_for(request, role)
    listed = api(client, "get", "waves")
    assert listed.status_code == 200 and len(listed.json()) == waves
    response = api(client, "get", f"waves/{wave.pk}/counts")
    assert response.status_code == counts
    if counts == 200:
        body = response.json()
        assert len(body["links"]) == links
        assert (body["total"] is None) == (role == "org_admin")
        assert len(api(client, "get", f"waves/{wave.pk}/links").json()) == links
    assert api(client, "post", f"waves/{wave.pk}/close").status_code == close


def test_api_refuses_unauthenticated_calls(wave: Wave) -> None:
    assert api(Client(), "get", "waves").status_code == 401
    assert api(Client(), "get", "templates").status_code == 401
