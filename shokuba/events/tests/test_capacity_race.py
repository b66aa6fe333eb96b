"""The capacity holds under a real race (PostgreSQL, committed rows, one thread per coordinator): the event row's
lock makes the registrations wait for each other, so the last place goes to exactly one of them.

Alone in its module: the flush after a transactional test empties every table (the reference data too) and needs
the audit log's append-only triggers set aside; both come back when this module ends (as after a browser test,
tests/browser/conftest.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from conftest import make_user
from shokuba.core.permissions import SYSTEM
from shokuba.events import services
from shokuba.events.models import Registration, RegistrationState
from shokuba.events.tests.fixtures import event_input
from shokuba.network.models import Member, Role, User
from tests.browser.conftest import reference_data_load, reference_data_present, triggers_put_back, triggers_set_aside


@pytest.fixture(scope="module")
def _reference_data_after_race(django_db_blocker: Any) -> Iterator[None]:
    """Torn down after the race's flush (module scope: after the function's database teardown): the audit log's
    triggers and the reference data back for whatever runs next."""
    yield
    with django_db_blocker.unblock():
        triggers_put_back()
        if not reference_data_present():
            reference_data_load()


@pytest.fixture
def committed_db(request: pytest.FixtureRequest, django_db_blocker: Any) -> None:
    """A transactional database (threads see committed rows) on PostgreSQL; the flush after it runs without the
    audit log's append-only triggers, as after a browser test (tests/browser/conftest.py)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    request.getfixturevalue("_reference_data_after_race")

    def before_flush() -> None:
        with django_db_blocker.unblock():
            triggers_set_aside()

    request.addfinalizer(before_flush)
    request.getfixturevalue("transactional_db")
    if not reference_data_present():
        reference_data_load()


@pytest.mark.django_db(transaction=True)
def test_last_place_under_concurrency(committed_db: None) -> None:
    """Three coordinators ask for the one place at once: exactly one gets it, the others are told it is full."""
    users = [
        make_user(f"race-{code}", Role.COORDINATOR, member=Member.objects.get(pk=code))
        for code in ("282090", "042056", "040002")
    ]
    event = services.event_save(actor=SYSTEM, data=event_input(capacity=1))
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []

    def register(user: User) -> None:
        try:
            barrier.wait()
            services.registration_create(actor=user, event=event)
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.message_dict.get("capacity", ["?"])[0])
        except Exception as error:  # anything else is the failure to show
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    full = "定員（1人）に達したため、申し込めません。"
    assert sorted(outcomes) == ["ok", full, full]
    assert Registration.objects.filter(state=RegistrationState.REGISTERED).count() == 1
