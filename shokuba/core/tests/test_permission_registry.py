"""The registry behind core.permissions: apps register their rules at start-up; a name is decided by one rule of
one app, on one kind of object; the platform's own SYSTEM actor passes every registered permission and nothing
else sees it as an account."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from shokuba.core import permissions
from shokuba.core.permissions import SYSTEM, account_of, has_perm, register, registered, require
from shokuba.events.models import Event, Registration
from shokuba.forum.models import Post, Thread
from shokuba.learning.models import Case
from shokuba.materials.models import IntroductionRequest
from shokuba.network.models import Member, Organisation, User
from shokuba.network.permissions import visible_members, visible_organisations
from shokuba.regional.models import ImportJob
from shokuba.support.models import Consultation, ReferralRecord
from shokuba.surveys.models import Questionnaire, Wave, WaveLink


@pytest.fixture
def scratch_registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, permissions.Permission]:
    """A copy of the registry for one test, so a test registration never leaks into another test."""
    copy = dict(permissions._registry)
    monkeypatch.setattr(permissions, "_registry", copy)
    return copy


def test_every_app_registers_its_own_rules_at_start_up() -> None:
    by_app: dict[str, set[str]] = {}
    for name, permission in registered().items():
        by_app.setdefault(permission.app, set()).add(name)
    assert set(by_app) == {
        "network",
        "guidebook",
        "surveys",
        "results",
        "regional",
        "workplace",
        "plans",
        "support",
        "learning",
        "forum",
        "materials",
        "events",
        "jobads",
        "public",
    }
    assert all(apps.is_installed(f"shokuba.{app}") for app in by_app)
    assert "wave.view" in by_app["surveys"] and "results.view" in by_app["results"]
    assert "member.change_progress" in by_app["guidebook"] and "member.view" in by_app["network"]
    assert not any(p.app == "core" for p in registered().values())  # core decides nothing on its own


@pytest.mark.usefixtures("scratch_registry")
def test_registering_a_name_twice_raises_and_keeps_the_first_rule() -> None:
    first = registered()["network.view_audit"]
    with pytest.raises(ImproperlyConfigured, match=r"'network\.view_audit' is already registered by the app 'network'"):
        register("network.view_audit", lambda _user, _obj: True, on=None, app="surveys")
    assert registered()["network.view_audit"] is first
    assert not has_perm(AnonymousUser(), "network.view_audit")


def test_a_new_rule_decides_its_name(scratch_registry: dict[str, Any]) -> None:
    register("test.view_member", lambda user, member: member.pk == "282090", on=Member, app="test")
    assert has_perm(AnonymousUser(), "test.view_member", Member(pk="282090"))
    assert not has_perm(AnonymousUser(), "test.view_member", Member(pk="042056"))
    assert scratch_registry["test.view_member"].app == "test"


def test_the_registry_cannot_be_changed_from_outside() -> None:
    with pytest.raises(TypeError):
        registered()["network.view_audit"] = registered()["network.view_board"]  # type: ignore[index]


def test_an_unknown_name_raises_for_everyone_even_the_system() -> None:
    for actor in (AnonymousUser(), SYSTEM):
        with pytest.raises(KeyError, match=r"unknown permission 'wave\.veiw'"):
            has_perm(actor, "wave.veiw", Wave())


@pytest.mark.parametrize(
    ("perm", "obj", "message"),
    [
        ("wave.view", Member(pk="282090"), "'wave.view' decides on Wave, got Member"),
        ("member.view", Organisation(), "'member.view' decides on Member, got Organisation"),
        ("member.view", None, "'member.view' decides on Member, got NoneType"),
        ("network.view_board", Member(pk="282090"), "'network.view_board' takes no object, got Member"),
        ("workplace.import", Organisation(), "'workplace.import' decides on Member or None, got Organisation"),
    ],
)
def test_the_wrong_kind_of_object_is_an_error_not_an_answer(perm: str, obj: Any, message: str) -> None:
    for actor in (AnonymousUser(), SYSTEM):
        with pytest.raises(TypeError, match=re.escape(message)):
            has_perm(actor, perm, obj)


def test_an_optional_object_accepts_none() -> None:
    assert not has_perm(AnonymousUser(), "workplace.import", None)
    assert has_perm(SYSTEM, "workplace.import", None)


# --- the system actor ------------------------------------------------------------------------------------------


def test_the_system_passes_every_registered_permission() -> None:
    member = Member(pk="282090")
    wave = Wave(member=member)
    consultation = Consultation(member=member)
    thread = Thread(member=member)
    samples: dict[Any, Any] = {
        None: None,
        Member: member,
        Organisation: Organisation(member=member),
        Questionnaire: Questionnaire(member=member),
        Wave: wave,
        WaveLink: WaveLink(wave=wave),
        ImportJob: ImportJob(member=member),
        User: User(pk=1, username="someone"),
        Consultation: consultation,
        ReferralRecord: ReferralRecord(consultation=consultation),
        Case: Case(member=member),
        Thread: thread,
        Post: Post(thread=thread),
        IntroductionRequest: IntroductionRequest(member=member),
        Event: Event(),
        Registration: Registration(event=Event(), member=member),
    }
    for name, permission in registered().items():
        kind = permission.on[0] if isinstance(permission.on, tuple) else permission.on
        assert kind in samples, f"{name}: add a sample of {kind} to this test"
        assert has_perm(SYSTEM, name, samples[kind]), name
        assert not has_perm(AnonymousUser(), name, samples[kind]), name
    require(SYSTEM, "regional.import")  # no exception


@pytest.mark.django_db
def test_the_system_is_no_account(secretariat: Any) -> None:
    assert not SYSTEM.is_authenticated and not SYSTEM.is_active and SYSTEM.pk is None
    assert str(SYSTEM) == SYSTEM.username == "system"
    assert account_of(SYSTEM) is None and account_of(AnonymousUser()) is None
    assert account_of(secretariat) is secretariat
    # Queries for rows a person may see know no system: it reads nothing through them.
    assert not visible_members(SYSTEM).exists() and not visible_organisations(SYSTEM).exists()


def test_a_user_lookalike_is_not_the_system() -> None:
    class Impostor:
        pk = None
        username = "system"
        is_authenticated = True
        is_active = True
        role = None

    with pytest.raises(PermissionDenied):
        require(Impostor(), "regional.import")
