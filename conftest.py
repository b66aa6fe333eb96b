"""Shared fixtures: reference data loaded once per test database, and one user per role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from shokuba.network.models import Member, Organisation, Role, User

PASSWORD = "test-password-123"

# No timings in tests: hypothesis' default 200 ms deadline per example failed a statistics test on a loaded machine.
# Tests that set their own settings keep them; this only removes the deadline from the default profile.
hypothesis_settings.register_profile("shokuba", deadline=None)
hypothesis_settings.load_profile("shokuba")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from shokuba.guidebook.reference import guidebook_load
    from shokuba.network.reference import local_governments_load, members_load

    with django_db_blocker.unblock():
        local_governments_load()
        members_load()
        guidebook_load()


def make_user(username: str, role: str, **links: Any) -> User:
    user = User(username=username, role=role, **links)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def toyooka(db: Any) -> Member:
    return Member.objects.get(pk="282090")


@pytest.fixture
def miyagi(db: Any) -> Member:
    return Member.objects.get(pk="040002")


@pytest.fixture
def kesennuma(db: Any) -> Member:
    return Member.objects.get(pk="042056")


@pytest.fixture
def organisation(toyooka: Member) -> Organisation:
    return Organisation.objects.create(
        member=toyooka,
        name="株式会社テスト精工",
        corporate_number="7000012050002",
        industry="E",
        size_band="101-300",
        location_id="282090",
        joined_on=dt.date(2026, 2, 1),
    )


@pytest.fixture
def other_organisation(kesennuma: Member) -> Organisation:
    return Organisation.objects.create(
        member=kesennuma,
        name="株式会社よその水産",
        industry="E",
        size_band="30-100",
        location_id="042056",
        joined_on=dt.date(2026, 2, 1),
    )


@pytest.fixture
def secretariat(db: Any) -> User:
    return make_user("t-secretariat", Role.SECRETARIAT)


@pytest.fixture
def support(db: Any) -> User:
    return make_user("t-support", Role.SUPPORT)


@pytest.fixture
def coordinator(toyooka: Member) -> User:
    return make_user("t-toyooka", Role.COORDINATOR, member=toyooka)


@pytest.fixture
def prefecture_coordinator(miyagi: Member) -> User:
    return make_user("t-miyagi", Role.COORDINATOR, member=miyagi)


@pytest.fixture
def other_coordinator(kesennuma: Member) -> User:
    return make_user("t-kesennuma", Role.COORDINATOR, member=kesennuma)


@pytest.fixture
def org_admin(organisation: Organisation) -> User:
    return make_user("t-orgadmin", Role.ORGANISATION_ADMIN, organisation=organisation)
