"""The organisation and contact services: permission, validation, uniqueness per programme, the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shokuba.core.models import AuditEntry
from shokuba.network import services
from shokuba.network.models import Contact, Member, Organisation


def new_organisation(actor: Any, member: Member, **overrides: Any) -> Organisation:
    data: dict[str, Any] = {
        "name": "有限会社サンプル運輸",
        "industry": "H",
        "size_band": "30-100",
        "location": "282090",
        "joined_on": dt.date(2026, 4, 1),
        "corporate_number": "2000012010019",
    }
    data.update(overrides)
    return services.organisation_create(actor=actor, member=member, **data)


def field_errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- create -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_coordinator_creates_in_their_own_programme_and_it_is_audited(coordinator: Any, toyooka: Member) -> None:
    organisation = new_organisation(
        coordinator, toyooka, corporate_number="２-０００-０１２０-１００１９", location="28209"
    )
    assert organisation.member_id == "282090"
    assert organisation.corporate_number == "2000012010019"  # full-width and hyphens normalised
    assert organisation.location_id == "282090"  # the 5-digit code got its check digit
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.target_type, entry.target_id) == (
        "create",
        "network.organisation",
        str(organisation.pk),
    )
    assert entry.actor == coordinator and entry.actor_username == "t-toyooka"
    assert entry.member_code == "282090"
    assert entry.before is None
    assert entry.after["name"] == "有限会社サンプル運輸"
    assert entry.after["corporate_number"] == "2000012010019"
    assert entry.after["joined_on"] == "2026-04-01"
    assert entry.after["location_id"] == "282090"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["other_coordinator", "prefecture_coordinator", "support", "org_admin"])
def test_only_the_programme_or_the_secretariat_may_add(
    request: pytest.FixtureRequest, role: str, toyooka: Member
) -> None:
    with pytest.raises(PermissionDenied):
        new_organisation(request.getfixturevalue(role), toyooka)
    assert not Organisation.objects.filter(name="有限会社サンプル運輸").exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_the_secretariat_may_add_to_any_programme(secretariat: Any, kesennuma: Member) -> None:
    organisation = new_organisation(secretariat, kesennuma, location="042056")
    assert organisation.member_id == "042056"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        (
            {"corporate_number": "1000012050002"},
            "corporate_number",
            "検査数字（先頭の1桁）が正しくありません（7 のはずです）",
        ),
        ({"corporate_number": "000012050002"}, "corporate_number", "13桁で入力してください（12桁です）"),
        ({"corporate_number": "700001205000X"}, "corporate_number", "数字以外"),
        ({"location": "282091"}, "location", "検査数字が正しくありません"),
        ({"location": "99999"}, "location", "見つかりません"),
        ({"location": "2820"}, "location", "5桁または6桁"),
        ({"name": "   "}, "name", "名称を入力してください"),
        ({"name": "株式会社テスト精工"}, "name", "すでに登録されています"),
        ({"corporate_number": "7000012050002"}, "corporate_number", "すでに登録されています"),
    ],
)
def test_bad_input_is_refused_with_a_japanese_message_and_nothing_is_written(
    coordinator: Any, organisation: Organisation, overrides: dict[str, str], field: str, fragment: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        new_organisation(coordinator, organisation.member, **overrides)
    assert any(fragment in message for message in field_errors(exc)[field])
    assert Organisation.objects.count() == 1
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_several_errors_are_reported_together(coordinator: Any, toyooka: Member) -> None:
    with pytest.raises(ValidationError) as exc:
        new_organisation(coordinator, toyooka, corporate_number="123", location="00000")
    assert set(field_errors(exc)) == {"corporate_number", "location"}


@pytest.mark.django_db
def test_the_same_name_and_number_are_allowed_in_another_programme(
    organisation: Organisation, other_coordinator: Any, kesennuma: Member
) -> None:
    twin = new_organisation(
        other_coordinator, kesennuma, name=organisation.name, corporate_number=organisation.corporate_number
    )
    assert twin.pk != organisation.pk
    assert Organisation.objects.filter(name=organisation.name).count() == 2


@pytest.mark.django_db
def test_bodies_without_a_number_do_not_collide(coordinator: Any, toyooka: Member) -> None:
    new_organisation(coordinator, toyooka, name="任意団体A", corporate_number="")
    new_organisation(coordinator, toyooka, name="任意団体B", corporate_number=None)
    assert Organisation.objects.filter(member=toyooka, corporate_number__isnull=True).count() == 2


# --- update -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_update_records_before_and_after(coordinator: Any, organisation: Organisation) -> None:
    services.organisation_update(
        actor=coordinator, organisation=organisation, size_band="301-999", notes="年度内に認定申請予定"
    )
    organisation.refresh_from_db()
    assert organisation.size_band == "301-999"
    entry = AuditEntry.objects.get()
    assert entry.action == "update"
    assert entry.before["size_band"] == "101-300" and entry.after["size_band"] == "301-999"
    assert entry.before["notes"] == "" and entry.after["notes"] == "年度内に認定申請予定"
    assert entry.before["name"] == entry.after["name"] == "株式会社テスト精工"


@pytest.mark.django_db
def test_saving_without_a_change_writes_no_audit_entry(coordinator: Any, organisation: Organisation) -> None:
    updated_at = organisation.updated_at
    services.organisation_update(
        actor=coordinator,
        organisation=organisation,
        name=organisation.name,
        corporate_number="７０００-０１２０-５０００２",  # the same number typed differently
        location="28209",
        joined_on=organisation.joined_on,
    )
    assert not AuditEntry.objects.exists()
    organisation.refresh_from_db()
    assert organisation.updated_at == updated_at


@pytest.mark.django_db
def test_renaming_to_its_own_name_is_not_a_duplicate(coordinator: Any, organisation: Organisation) -> None:
    services.organisation_update(actor=coordinator, organisation=organisation, name=" 株式会社テスト精工 ", notes="x")
    organisation.refresh_from_db()
    assert organisation.name == "株式会社テスト精工" and organisation.notes == "x"


@pytest.mark.django_db
def test_renaming_onto_another_organisation_is_refused(coordinator: Any, organisation: Organisation) -> None:
    other = new_organisation(coordinator, organisation.member)
    with pytest.raises(ValidationError) as exc:
        services.organisation_update(actor=coordinator, organisation=other, name="株式会社テスト精工")
    assert "すでに登録されています" in field_errors(exc)["name"][0]
    other.refresh_from_db()
    assert other.name == "有限会社サンプル運輸"


@pytest.mark.django_db
def test_an_org_admin_edits_their_own_self_fields(org_admin: Any, organisation: Organisation) -> None:
    services.organisation_update(
        actor=org_admin, organisation=organisation, name="株式会社テスト精工HD", size_band="1-29"
    )
    organisation.refresh_from_db()
    assert (organisation.name, organisation.size_band) == ("株式会社テスト精工HD", "1-29")
    assert AuditEntry.objects.get().actor_username == "t-orgadmin"


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["joined_on", "notes"])
def test_an_org_admin_cannot_change_programme_fields(org_admin: Any, organisation: Organisation, field: str) -> None:
    value: Any = dt.date(2020, 1, 1) if field == "joined_on" else "自社で書き換え"
    with pytest.raises(ValidationError) as exc:
        services.organisation_update(actor=org_admin, organisation=organisation, **{field: value})
    assert "自治体の担当者だけが変更できます" in field_errors(exc)[field][0]
    organisation.refresh_from_db()
    assert organisation.joined_on == dt.date(2026, 2, 1) and organisation.notes == ""
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_nobody_changes_the_programme_through_update(
    secretariat: Any, organisation: Organisation, kesennuma: Member
) -> None:
    with pytest.raises(ValidationError) as exc:
        services.organisation_update(actor=secretariat, organisation=organisation, member=kesennuma)
    assert "member" in field_errors(exc)
    organisation.refresh_from_db()
    assert organisation.member_id == "282090"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["support", "other_coordinator", "prefecture_coordinator"])
def test_others_cannot_update(request: pytest.FixtureRequest, role: str, organisation: Organisation) -> None:
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=request.getfixturevalue(role), organisation=organisation, name="乗っ取り")
    organisation.refresh_from_db()
    assert organisation.name == "株式会社テスト精工"


@pytest.mark.django_db
def test_an_org_admin_cannot_edit_another_organisation(org_admin: Any, other_organisation: Organisation) -> None:
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=org_admin, organisation=other_organisation, name="乗っ取り")


# --- delete -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_delete_records_the_removed_row_and_its_contacts(coordinator: Any, organisation: Organisation) -> None:
    contact = services.contact_create(actor=coordinator, organisation=organisation, name="佐藤 一郎")
    organisation_pk = organisation.pk
    services.organisation_delete(actor=coordinator, organisation=organisation)
    assert not Organisation.objects.filter(pk=organisation_pk).exists()
    assert not Contact.objects.filter(pk=contact.pk).exists()
    deleted = {(e.target_type, e.target_id): e for e in AuditEntry.objects.filter(action="delete")}
    assert set(deleted) == {("network.organisation", str(organisation_pk)), ("network.contact", str(contact.pk))}
    assert deleted["network.organisation", str(organisation_pk)].before["name"] == "株式会社テスト精工"
    assert deleted["network.organisation", str(organisation_pk)].after is None
    assert deleted["network.contact", str(contact.pk)].before["name"] == "佐藤 一郎"


@pytest.mark.django_db
def test_an_organisation_with_an_admin_account_is_not_deleted(
    coordinator: Any, org_admin: Any, organisation: Organisation
) -> None:
    with pytest.raises(ValidationError, match="管理者アカウント"):
        services.organisation_delete(actor=coordinator, organisation=organisation)
    assert Organisation.objects.filter(pk=organisation.pk).exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["support", "org_admin", "other_coordinator"])
def test_others_cannot_delete(request: pytest.FixtureRequest, role: str, organisation: Organisation) -> None:
    with pytest.raises(PermissionDenied):
        services.organisation_delete(actor=request.getfixturevalue(role), organisation=organisation)
    assert Organisation.objects.filter(pk=organisation.pk).exists()


# --- contacts -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "org_admin", "secretariat"])
def test_contacts_are_added_and_removed_with_an_audit_trail(
    request: pytest.FixtureRequest, role: str, organisation: Organisation
) -> None:
    actor = request.getfixturevalue(role)
    contact = services.contact_create(
        actor=actor, organisation=organisation, name=" 鈴木 次郎 ", department="人事部", email="jiro@example.jp"
    )
    assert contact.name == "鈴木 次郎"
    services.contact_delete(actor=actor, contact=contact)
    assert not Contact.objects.exists()
    created, deleted = AuditEntry.objects.order_by("id")
    assert (created.action, created.target_type, created.member_code) == ("create", "network.contact", "282090")
    assert created.after["email"] == "jiro@example.jp" and created.before is None
    assert (deleted.action, deleted.before["department"], deleted.after) == ("delete", "人事部", None)
    assert created.actor_username == deleted.actor_username == actor.username


@pytest.mark.django_db
def test_a_contact_with_a_bad_email_is_refused(coordinator: Any, organisation: Organisation) -> None:
    with pytest.raises(ValidationError) as exc:
        services.contact_create(actor=coordinator, organisation=organisation, name="鈴木", email="not-an-address")
    assert "email" in field_errors(exc)
    assert not Contact.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["support", "other_coordinator", "prefecture_coordinator"])
def test_others_cannot_touch_contacts(
    request: pytest.FixtureRequest, role: str, organisation: Organisation, coordinator: Any
) -> None:
    contact = services.contact_create(actor=coordinator, organisation=organisation, name="鈴木")
    actor = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.contact_create(actor=actor, organisation=organisation, name="侵入者")
    with pytest.raises(PermissionDenied):
        services.contact_delete(actor=actor, contact=contact)
    assert list(Contact.objects.values_list("name", flat=True)) == ["鈴木"]


@pytest.mark.django_db
def test_a_name_differing_only_in_full_width_spaces_or_letters_is_a_duplicate(coordinator: Any, toyooka: Any) -> None:
    from shokuba.network.services import organisation_create

    def create(name: str) -> Any:
        return organisation_create(
            actor=coordinator,
            member=toyooka,
            name=name,
            industry="E",
            size_band="30-100",
            location="282090",
            joined_on=dt.date(2026, 4, 1),
        )

    create("株式会社ＡＢＣ　精工")
    count = Organisation.objects.count()
    for twin in ("株式会社ABC精工", "株式会社 abc 精工", " 株式会社ＡＢＣ精工　"):
        with pytest.raises(ValidationError) as caught:
            create(twin)
        assert "すでに登録されています" in caught.value.message_dict["name"][0]
    assert Organisation.objects.count() == count
    assert Organisation.objects.filter(name="株式会社ＡＢＣ 精工").exists()  # spaces folded to one
