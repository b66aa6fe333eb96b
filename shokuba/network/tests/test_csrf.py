"""Every state-changing page refuses a POST without the CSRF token, and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shokuba.core.models import AuditEntry
from shokuba.network.models import Contact, Organisation


@pytest.fixture
def client(coordinator: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    return client


@pytest.mark.django_db
def test_every_write_needs_the_token(client: Client, organisation: Organisation) -> None:
    contact = Contact.objects.create(organisation=organisation, name="佐藤")
    pk = organisation.pk
    posts = {
        "/members/282090/organisations/new/": {
            "name": "有限会社サンプル運輸",
            "industry": "H",
            "size_band": "30-100",
            "location": "282090",
            "joined_on": "2026-04-01",
        },
        f"/organisations/{pk}/edit/": {
            "name": "書き換え",
            "industry": "E",
            "size_band": "1-29",
            "location": "282090",
            "joined_on": "2026-04-01",
        },
        f"/organisations/{pk}/contacts/": {"name": "侵入者"},
        f"/organisations/{pk}/contacts/{contact.pk}/delete/": {},
        f"/organisations/{pk}/delete/": {},
    }
    for url, data in posts.items():
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert "CSRF" in response.content.decode(), url
    assert list(Organisation.objects.values_list("name", flat=True)) == ["株式会社テスト精工"]
    assert list(Contact.objects.values_list("name", flat=True)) == ["佐藤"]
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_the_same_write_with_the_token_succeeds(client: Client, organisation: Organisation) -> None:
    page = client.get(f"/organisations/{organisation.pk}/")
    token = page.context["csrf_token"]
    response = client.post(
        f"/organisations/{organisation.pk}/contacts/", {"name": "鈴木", "csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 302
    assert Contact.objects.get().name == "鈴木"


@pytest.mark.django_db
def test_forms_carry_the_token(client: Client, organisation: Organisation) -> None:
    for url in (
        "/members/282090/organisations/new/",
        f"/organisations/{organisation.pk}/edit/",
        f"/organisations/{organisation.pk}/",
    ):
        assert 'name="csrfmiddlewaretoken"' in client.get(url).content.decode(), url
