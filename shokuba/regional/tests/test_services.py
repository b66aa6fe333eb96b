"""Who may import and choose outcomes (core.permissions), and what the services record."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from shokuba.core.models import AuditEntry
from shokuba.core.permissions import SYSTEM, has_perm
from shokuba.regional.estat.errors import StatisticsImportError
from shokuba.regional.models import AgeSexFigures, OutcomeIndicator
from shokuba.regional.services import outcome_indicator_remove, outcome_indicator_select, statistics_import_file
from shokuba.regional.tests.samples import import_small, migration_csv

pytestmark = pytest.mark.django_db


def test_every_logged_in_role_reads_regional_statistics(
    secretariat: Any, support: Any, coordinator: Any, other_coordinator: Any, org_admin: Any
) -> None:
    for user in (secretariat, support, coordinator, other_coordinator, org_admin):
        assert has_perm(user, "regional.view")
    assert not has_perm(AnonymousUser(), "regional.view")
    assert has_perm(support, "regional.view_network") and not has_perm(coordinator, "regional.view_network")


@pytest.mark.parametrize("role", ["support", "org_admin"])
def test_only_the_secretariat_and_coordinators_import(role: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        statistics_import_file(actor=user, data=migration_csv(), file_name="b.csv", table="11-3", year=2024)
    assert not AgeSexFigures.objects.exists()


def test_a_coordinator_imports_only_their_own_area_from_a_national_file(coordinator: Any) -> None:
    [record] = statistics_import_file(actor=coordinator, data=migration_csv(), file_name="b.csv", year=2024)
    assert set(AgeSexFigures.objects.values_list("area_code", flat=True)) == {"282090"}
    assert record.imported_as == "member" and record.member_id == "282090" and record.area_count == 1
    assert any("担当する地域（兵庫県豊岡市）の外" in note for note in record.notes)


def test_a_coordinator_whose_areas_are_not_in_the_file_is_told_so(prefecture_coordinator: Any) -> None:
    with pytest.raises(StatisticsImportError) as caught:
        statistics_import_file(actor=prefecture_coordinator, data=migration_csv(), file_name="b.csv", year=2024)
    assert "宮城県とその市町村" in str(caught.value) and not AgeSexFigures.objects.exists()


def test_a_coordinator_selects_outcomes_for_its_own_member_only(
    coordinator: Any, other_coordinator: Any, prefecture_coordinator: Any, support: Any, secretariat: Any, toyooka: Any
) -> None:
    import_small(2024)
    outcome = outcome_indicator_select(
        actor=coordinator, member=toyooka, indicator="recovery_rate", sex="F", baseline_year=2024
    )
    entry = AuditEntry.objects.get(target_type="regional.outcomeindicator", target_id=str(outcome.pk))
    assert entry.member_code == "282090" and entry.action == "create" and entry.actor == coordinator
    for outsider in (other_coordinator, prefecture_coordinator, support):
        with pytest.raises(PermissionDenied):
            outcome_indicator_select(
                actor=outsider, member=toyooka, indicator="recovery_rate", sex="M", baseline_year=2024
            )
    # the secretariat may change it; the change is audited as an update
    outcome_indicator_select(
        actor=secretariat, member=toyooka, indicator="recovery_rate", sex="F", baseline_year=2024, window_years=3
    )
    assert AuditEntry.objects.filter(target_type="regional.outcomeindicator", action="update").count() == 1
    outcome_indicator_remove(actor=coordinator, outcome=OutcomeIndicator.objects.get())
    assert not OutcomeIndicator.objects.exists()
    assert AuditEntry.objects.filter(target_type="regional.outcomeindicator", action="delete").count() == 1


def test_the_audit_log_names_an_outcome_in_words_not_codes(coordinator: Any, toyooka: Any) -> None:
    """Issue 13.4: the log read 「282090 recovery_rate gap」 and listed recovery_rate / gap / F in its changes."""
    from shokuba.core.audit_views import entry_changes

    import_small(2024)
    outcome = outcome_indicator_select(
        actor=coordinator, member=toyooka, indicator="recovery_rate", sex="gap", baseline_year=2024
    )
    entry = AuditEntry.objects.get(target_type="regional.outcomeindicator", target_id=str(outcome.pk))
    assert entry.target_label == "若者回復率（男女差（女性－男性））"
    changes = {c.field: c.after for c in entry_changes(entry)}
    assert changes["指標"] == "若者回復率" and changes["対象"] == "男女差（女性－男性）"
    shown = (entry.target_label, *changes.values())
    assert not any(code in text for text in shown for code in ("recovery_rate", "gap"))


def test_outcome_choices_are_validated_in_japanese(coordinator: Any, toyooka: Any) -> None:
    import_small(2024)
    with pytest.raises(ValidationError) as caught:
        outcome_indicator_select(
            actor=coordinator, member=toyooka, indicator="tokyo_outflow", sex="Z", baseline_year=2019
        )
    errors = caught.value.message_dict
    assert "県の指標" in errors["indicator"][0]
    assert "sex" in errors
    assert "2019" in errors["baseline_year"][0] and "2024" in errors["baseline_year"][0]
    assert not OutcomeIndicator.objects.exists()


def test_the_system_imports_as_no_account_and_is_audited_as_system(secretariat: Any) -> None:
    """`manage.py import_estat` without --user and the demo import as the platform itself (core's SYSTEM actor)."""
    [system_record] = statistics_import_file(
        actor=SYSTEM, data=migration_csv(), file_name="b01103s_2024.csv", table="11-3", year=2024
    )
    assert system_record.imported_by is None
    entry = AuditEntry.objects.filter(target_type="regional.statisticsimport").latest("id")
    assert entry.actor is None and entry.actor_username == "system"
    [person_record] = statistics_import_file(
        actor=secretariat, data=migration_csv(), file_name="b01103s_2024.csv", table="11-3", year=2024
    )
    assert person_record.imported_by == secretariat
    entry = AuditEntry.objects.filter(target_type="regional.statisticsimport").latest("id")
    assert entry.actor == secretariat and entry.actor_username == secretariat.username
