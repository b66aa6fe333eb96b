"""Organisation pages: create, edit, delete and contacts, per role, with field errors shown next to the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from shokuba.core.models import AuditEntry
from shokuba.network.models import Contact, Member, Organisation


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "有限会社サンプル運輸",
        "corporate_number": "2000012010019",
        "industry": "H",
        "size_band": "30-100",
        "location": "282090",
        "joined_on": "2026-04-01",
        "notes": "",
    }
    data.update(overrides)
    return data


def assert_field_error(response: Any, field: str, fragment: str) -> None:
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(fragment in e for e in errors[field]), errors[field]
    html = response.content.decode()
    # rendered next to the field and tied to its input
    assert f'id="id_{field}_error"' in html
    assert (
        f'aria-describedby="id_{field}_help id_{field}_error"' in html or f'aria-describedby="id_{field}_error"' in html
    )
    assert fragment in html


CREATE = "/members/282090/organisations/new/"


# --- create -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_coordinator_registers_an_organisation(coordinator: Any) -> None:
    client = logged_in(coordinator)
    page = client.get(CREATE)
    assert page.status_code == 200
    assert 'name="joined_on"' in page.content.decode()
    response = client.post(CREATE, form_data(corporate_number="２０００-０１２０-１００１９", location="２８２０９"))
    organisation = Organisation.objects.get(name="有限会社サンプル運輸")
    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{organisation.pk}/"
    assert organisation.member_id == "282090"
    assert organisation.corporate_number == "2000012010019"
    assert organisation.location_id == "282090"
    assert organisation.joined_on == dt.date(2026, 4, 1)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_username, entry.after["name"]) == ("create", "t-toyooka", "有限会社サンプル運輸")
    detail = client.get(response["Location"])
    assert "「有限会社サンプル運輸」を登録しました。" in detail.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"corporate_number": "1000012050002"}, "corporate_number", "検査数字（先頭の1桁）が正しくありません"),
        ({"corporate_number": "700001205000"}, "corporate_number", "13桁で入力してください（12桁です）"),
        ({"corporate_number": "７００００１２０５０００"}, "corporate_number", "12桁です"),
        ({"location": "282091"}, "location", "検査数字が正しくありません（末尾は 0 のはずです）"),
        ({"location": "99999"}, "location", "見つかりません"),
        ({"location": ""}, "location", "このフィールドは必須です"),
        (
            {"name": "株式会社テスト精工"},
            "name",
            "「株式会社テスト精工」はこの取組にすでに登録されています（登録済みの名称：「株式会社テスト精工」）。",
        ),
        (
            {"corporate_number": "7000012050002"},
            "corporate_number",
            "法人番号 7000012050002 の企業・団体はこの取組にすでに登録されています。",
        ),
        ({"corporate_number": "７０００-０１２０-５０００２"}, "corporate_number", "すでに登録されています"),
        ({"industry": "Z"}, "industry", "正しく選択してください"),
        ({"joined_on": "2026-02-30"}, "joined_on", "日付を正しく入力してください"),
    ],
)
def test_bad_input_is_answered_400_next_to_the_field_and_nothing_is_saved(
    coordinator: Any, organisation: Organisation, overrides: dict[str, str], field: str, fragment: str
) -> None:
    response = logged_in(coordinator).post(CREATE, form_data(**overrides))
    assert_field_error(response, field, fragment)
    assert Organisation.objects.count() == 1
    assert not AuditEntry.objects.exists()
    # what the user typed is kept in the form
    html = response.content.decode()
    assert 'value="有限会社サンプル運輸"' in html or 'value="株式会社テスト精工"' in html


@pytest.mark.django_db
def test_the_same_name_in_another_programme_is_allowed(organisation: Organisation, other_coordinator: Any) -> None:
    response = logged_in(other_coordinator).post(
        "/members/042056/organisations/new/",
        form_data(name=organisation.name, corporate_number=organisation.corporate_number or "", location="042056"),
    )
    assert response.status_code == 302
    assert set(Organisation.objects.filter(name=organisation.name).values_list("member_id", flat=True)) == {
        "282090",
        "042056",
    }


@pytest.mark.django_db
def test_another_programme_is_not_found_for_a_coordinator(coordinator: Any) -> None:
    client = logged_in(coordinator)
    assert client.get("/members/042056/organisations/new/").status_code == 404
    assert client.post("/members/042056/organisations/new/", form_data(location="042056")).status_code == 404
    assert not Organisation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["support", "prefecture_coordinator"])
def test_readers_may_not_register(request: pytest.FixtureRequest, role: str, kesennuma: Member) -> None:
    client = logged_in(request.getfixturevalue(role))
    assert client.get("/members/042056/organisations/new/").status_code == 403
    assert client.post("/members/042056/organisations/new/", form_data(location="042056")).status_code == 403
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_an_org_admin_cannot_open_a_programme(org_admin: Any) -> None:
    assert logged_in(org_admin).post(CREATE, form_data()).status_code == 404
    assert Organisation.objects.count() == 1


# --- detail and edit ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("secretariat", 200),
        ("support", 200),
        ("coordinator", 200),
        ("org_admin", 200),
        ("other_coordinator", 404),
        ("prefecture_coordinator", 404),  # a prefecture sees progress, never another programme's companies
    ],
)
def test_who_sees_an_organisation(
    request: pytest.FixtureRequest, role: str, status: int, organisation: Organisation
) -> None:
    response = logged_in(request.getfixturevalue(role)).get(f"/organisations/{organisation.pk}/")
    assert response.status_code == status
    if status == 200:
        assert "株式会社テスト精工" in response.content.decode()


@pytest.mark.django_db
def test_support_reads_but_gets_no_edit_controls(support: Any, organisation: Organisation) -> None:
    html = logged_in(support).get(f"/organisations/{organisation.pk}/").content.decode()
    assert f"/organisations/{organisation.pk}/edit/" not in html
    assert f"/organisations/{organisation.pk}/delete/" not in html
    assert f"/organisations/{organisation.pk}/contacts/" not in html


@pytest.mark.django_db
def test_support_is_refused_every_write(support: Any, organisation: Organisation, coordinator: Any) -> None:
    contact = Contact.objects.create(organisation=organisation, name="佐藤")
    client = logged_in(support)
    pk = organisation.pk
    assert client.get(f"/organisations/{pk}/edit/").status_code == 403
    assert client.post(f"/organisations/{pk}/edit/", form_data(name="支援チームの変更")).status_code == 403
    assert client.post(f"/organisations/{pk}/delete/").status_code == 403
    assert client.post(f"/organisations/{pk}/contacts/", {"name": "侵入者"}).status_code == 403
    assert client.post(f"/organisations/{pk}/contacts/{contact.pk}/delete/").status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "株式会社テスト精工"
    assert list(Contact.objects.values_list("name", flat=True)) == ["佐藤"]
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_another_programmes_ids_are_not_found(coordinator: Any, other_organisation: Organisation) -> None:
    contact = Contact.objects.create(organisation=other_organisation, name="よその人")
    client = logged_in(coordinator)
    pk = other_organisation.pk
    for url in (f"/organisations/{pk}/", f"/organisations/{pk}/edit/"):
        assert client.get(url).status_code == 404
    for url in (
        f"/organisations/{pk}/edit/",
        f"/organisations/{pk}/delete/",
        f"/organisations/{pk}/contacts/",
        f"/organisations/{pk}/contacts/{contact.pk}/delete/",
    ):
        assert client.post(url, form_data(name="乗っ取り", location="042056")).status_code == 404
    other_organisation.refresh_from_db()
    assert other_organisation.name == "株式会社よその水産"
    assert Contact.objects.filter(pk=contact.pk).exists()


@pytest.mark.django_db
def test_a_contact_id_from_another_organisation_is_not_found(
    coordinator: Any, organisation: Organisation, other_organisation: Organisation
) -> None:
    foreign = Contact.objects.create(organisation=other_organisation, name="よその人")
    response = logged_in(coordinator).post(f"/organisations/{organisation.pk}/contacts/{foreign.pk}/delete/")
    assert response.status_code == 404
    assert Contact.objects.filter(pk=foreign.pk).exists()


@pytest.mark.django_db
def test_a_coordinator_edits_programme_fields_with_an_audit_entry(coordinator: Any, organisation: Organisation) -> None:
    client = logged_in(coordinator)
    page = client.get(f"/organisations/{organisation.pk}/edit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'value="株式会社テスト精工"' in html and 'name="joined_on"' in html and 'name="notes"' in html
    response = client.post(
        f"/organisations/{organisation.pk}/edit/",
        form_data(
            name="株式会社テスト精工", corporate_number="7000012050002", joined_on="2026-01-15", notes="認定取得"
        ),
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.joined_on == dt.date(2026, 1, 15) and organisation.notes == "認定取得"
    entry = AuditEntry.objects.get()
    assert entry.before["joined_on"] == "2026-02-01" and entry.after["joined_on"] == "2026-01-15"
    assert entry.before["industry"] == "E" and entry.after["industry"] == "H"


@pytest.mark.django_db
def test_resubmitting_the_unchanged_form_writes_no_audit_entry(coordinator: Any, organisation: Organisation) -> None:
    data = form_data(
        name=organisation.name,
        corporate_number=organisation.corporate_number or "",
        industry=organisation.industry,
        size_band=organisation.size_band,
        location=organisation.location_id,
        joined_on=organisation.joined_on.isoformat(),
    )
    assert logged_in(coordinator).post(f"/organisations/{organisation.pk}/edit/", data).status_code == 302
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_an_org_admin_edits_only_their_self_fields(org_admin: Any, organisation: Organisation) -> None:
    client = logged_in(org_admin)
    page = client.get(f"/organisations/{organisation.pk}/edit/")
    assert page.status_code == 200
    form = page.context["form"]
    assert "joined_on" not in form.fields and "notes" not in form.fields
    html = page.content.decode()
    assert 'name="joined_on"' not in html and 'name="notes"' not in html
    # A hand-made request carrying programme fields changes only the self fields.
    response = client.post(
        f"/organisations/{organisation.pk}/edit/",
        form_data(
            name="株式会社テスト精工HD",
            corporate_number="7000012050002",
            industry="E",
            size_band="301-999",
            joined_on="2020-01-01",
            notes="自社で書き換え",
        ),
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "株式会社テスト精工HD" and organisation.size_band == "301-999"
    assert organisation.joined_on == dt.date(2026, 2, 1) and organisation.notes == ""
    entry = AuditEntry.objects.get()
    assert entry.actor_username == "t-orgadmin"
    assert entry.before["joined_on"] == entry.after["joined_on"] == "2026-02-01"


@pytest.mark.django_db
def test_an_org_admin_cannot_delete_or_reach_other_organisations(
    org_admin: Any, organisation: Organisation, other_organisation: Organisation
) -> None:
    client = logged_in(org_admin)
    html = client.get(f"/organisations/{organisation.pk}/").content.decode()
    assert f"/organisations/{organisation.pk}/delete/" not in html
    assert client.post(f"/organisations/{organisation.pk}/delete/").status_code == 403
    assert client.get(f"/organisations/{other_organisation.pk}/edit/").status_code == 404
    assert Organisation.objects.count() == 2


@pytest.mark.django_db
def test_an_edit_with_a_bad_code_is_refused_and_the_row_kept(coordinator: Any, organisation: Organisation) -> None:
    response = logged_in(coordinator).post(
        f"/organisations/{organisation.pk}/edit/",
        form_data(name="新しい名前", corporate_number="7000012050003", location="282090"),
    )
    assert_field_error(response, "corporate_number", "検査数字")
    organisation.refresh_from_db()
    assert organisation.name == "株式会社テスト精工"
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_an_edit_onto_a_sibling_name_is_refused_next_to_the_name(coordinator: Any, organisation: Organisation) -> None:
    sibling = Organisation.objects.create(
        member=organisation.member,
        name="丸山工業",
        industry="E",
        size_band="1-29",
        location_id="282090",
        joined_on=dt.date(2026, 2, 1),
    )
    response = logged_in(coordinator).post(
        f"/organisations/{sibling.pk}/edit/", form_data(name="株式会社テスト精工", corporate_number="")
    )
    assert_field_error(response, "name", "すでに登録されています")
    sibling.refresh_from_db()
    assert sibling.name == "丸山工業"


# --- delete -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_coordinator_deletes_an_organisation(coordinator: Any, organisation: Organisation) -> None:
    client = logged_in(coordinator)
    assert client.get(f"/organisations/{organisation.pk}/delete/").status_code == 405
    response = client.post(f"/organisations/{organisation.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/members/282090/"
    assert not Organisation.objects.exists()
    assert AuditEntry.objects.get().action == "delete"
    assert "「株式会社テスト精工」を削除しました。" in client.get("/members/282090/").content.decode()


@pytest.mark.django_db
def test_deleting_an_organisation_with_an_admin_account_explains_why(
    coordinator: Any, org_admin: Any, organisation: Organisation
) -> None:
    client = logged_in(coordinator)
    response = client.post(f"/organisations/{organisation.pk}/delete/", follow=True)
    assert response.redirect_chain[-1][0] == f"/organisations/{organisation.pk}/"
    assert "管理者アカウントがあるため削除できません" in response.content.decode()
    assert Organisation.objects.filter(pk=organisation.pk).exists()


# --- contacts -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "org_admin"])
def test_contacts_are_added_and_deleted(request: pytest.FixtureRequest, role: str, organisation: Organisation) -> None:
    client = logged_in(request.getfixturevalue(role))
    url = f"/organisations/{organisation.pk}/contacts/"
    response = client.post(
        url, {"name": "鈴木 次郎", "department": "人事部", "email": "jiro@example.jp", "phone": "0796-00-0000"}
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.name, contact.department, contact.organisation_id) == ("鈴木 次郎", "人事部", organisation.pk)
    assert "鈴木 次郎" in client.get(f"/organisations/{organisation.pk}/").content.decode()
    response = client.post(f"{url}{contact.pk}/delete/")
    assert response.status_code == 302
    assert not Contact.objects.exists()
    assert list(AuditEntry.objects.order_by("id").values_list("action", "target_type")) == [
        ("create", "network.contact"),
        ("delete", "network.contact"),
    ]


@pytest.mark.django_db
def test_a_bad_contact_is_shown_again_with_its_error(coordinator: Any, organisation: Organisation) -> None:
    response = logged_in(coordinator).post(
        f"/organisations/{organisation.pk}/contacts/", {"name": "", "email": "not-an-address"}
    )
    assert response.status_code == 400
    errors = response.context["contact_form"].errors
    assert "このフィールドは必須です" in errors["name"][0]
    assert "有効なメールアドレスを入力してください" in errors["email"][0]
    assert 'id="id_email_error"' in response.content.decode()
    assert not Contact.objects.exists()
