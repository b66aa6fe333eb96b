"""The materials services: versions kept and downloads counted, bad input refused naming the field with nothing
stored, the 4(5) cautions read from the guidebook's data, participants as counts, introductions routed and told."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from shokuba.core.models import Notification
from shokuba.core.permissions import SYSTEM
from shokuba.guidebook.guidance import guidance_data
from shokuba.materials import selectors, services
from shokuba.materials.models import IntroductionStatus, Material, MaterialVersion, WorkshopRecord
from shokuba.materials.tests.fixtures import expert, introduction, kit, material, material_input, pdf, workshop_input
from shokuba.network.models import Member, User
from shokuba.search.selectors import SearchFilters, search

pytestmark = pytest.mark.django_db


def _state() -> tuple[int, int, int]:
    return Material.objects.count(), MaterialVersion.objects.count(), WorkshopRecord.objects.count()


def test_versions_newest_first_and_downloads_count(coordinator: User, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        found = material()
        services.material_version_add(actor=SYSTEM, material=found, file=pdf("v2.pdf"), note="改訂")
    versions = list(selectors.versions_of(found))
    assert [v.number for v in versions] == [2, 1] and versions[0].original_name == "v2.pdf"
    client = Client()
    client.force_login(coordinator)
    for version in versions:
        response = client.get(f"/materials/versions/{version.pk}/download/")
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
        assert "filename*=UTF-8''" in response["Content-Disposition"]
    client.get(f"/materials/versions/{versions[0].pk}/download/")
    assert selectors.download_count(found) == 3


def test_bad_input_names_the_field_and_stores_nothing(secretariat: User) -> None:
    before = _state()
    exe = pdf("slides.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    with pytest.raises(ValidationError) as caught:
        services.material_create(
            actor=secretariat, data=material_input(title="", licence="", audiences=["x"], steps=["9-z"]), file=exe
        )
    errors = caught.value.message_dict
    assert set(errors) == {"title", "licence", "audiences", "steps", "file"}
    assert "素材の名前" in errors["title"][0] and "slides.pdf" in errors["file"][0]
    assert _state() == before


def test_only_the_secretariat_uploads(coordinator: User) -> None:
    with pytest.raises(PermissionDenied):
        services.material_create(actor=coordinator, data=material_input(), file=pdf())


def test_search_finds_materials_by_title_and_description(coordinator: User, org_admin: User) -> None:
    material(title="育休の説明会の資料", description="男性の育児休業を後押しする")
    assert search(coordinator, "育児休業", filters=SearchFilters(kinds=("material",))).total == 1
    assert search(coordinator, "説明会", filters=SearchFilters(kinds=("material",))).total == 1
    assert search(org_admin, "説明会", filters=SearchFilters(kinds=("material",))).total == 0


def test_the_checklist_is_the_guidebooks_4_5_cautions(toyooka: Member, coordinator: User) -> None:
    cautions = [c["text"] for c in guidance_data()["steps"]["4-5"]["cautions"]]
    assert services.workshop_cautions() == cautions and cautions
    record = services.workshop_record(
        actor=coordinator, member=toyooka, data=workshop_input(kit=kit(material()).pk, cautions=[2, 1])
    )
    assert record.cautions_checked == cautions[:2] and record.participants == 12


def test_workshop_bad_input(toyooka: Member, coordinator: User, kesennuma: Member) -> None:
    before = _state()
    with pytest.raises(ValidationError) as caught:
        services.workshop_record(
            actor=coordinator,
            member=toyooka,
            data=workshop_input(
                title="",
                held_on=dt.date.today() + dt.timedelta(days=30),
                participants_employees=-1,
                cautions=[99],
                kit=999999,
            ),
        )
    assert set(caught.value.message_dict) == {"title", "held_on", "participants_employees", "cautions", "kit"}
    assert "参加者：従業員" in caught.value.message_dict["participants_employees"][0]
    assert _state() == before
    with pytest.raises(PermissionDenied):
        services.workshop_record(actor=coordinator, member=kesennuma, data=workshop_input())


def test_introduction_routed_and_the_member_told(
    toyooka: Member, coordinator: User, secretariat: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        found = introduction(toyooka, coordinator, expert())
    assert Notification.objects.filter(recipient=secretariat, kind="materials.introduction_requested").exists()
    with pytest.raises(ValidationError) as caught:
        services.introduction_route(actor=secretariat, request=found, status="declined", note="")
    assert "事務局の記録" in caught.value.message_dict["note"][0]
    with pytest.raises(PermissionDenied):
        services.introduction_route(actor=coordinator, request=found, status="introduced")
    with django_capture_on_commit_callbacks(execute=True):
        services.introduction_route(actor=secretariat, request=found, status="introduced", note="連絡先を送付")
    found.refresh_from_db()
    assert found.status == IntroductionStatus.INTRODUCED
    assert Notification.objects.filter(recipient=coordinator, kind="materials.introduction_routed").exists()
    with pytest.raises(ValidationError):
        services.introduction_route(actor=secretariat, request=found, status="declined", note="やはり")


def test_pages_refuse_bad_input_with_400(secretariat: User) -> None:
    client = Client()
    client.force_login(secretariat)
    before = _state()
    response = client.post("/materials/new/", {"title": "", "kind": "file", "language": "ja"})
    assert response.status_code == 400
    assert "素材の名前を入力してください。" in response.content.decode()
    assert _state() == before


def test_demo_content_is_marked(toyooka: Member, coordinator: User, django_capture_on_commit_callbacks: Any) -> None:
    from shokuba.materials.demo import demo_materials

    coordinator.username = "toyooka"
    coordinator.save()
    with django_capture_on_commit_callbacks(execute=True):
        made = demo_materials()
    assert all(m.demo and "デモ" in m.title for m in made)
    record = WorkshopRecord.objects.get(member=toyooka)
    assert record.demo and "デモ" in record.title and record.participants == 39
