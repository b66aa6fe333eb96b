"""The Citus plan against the real schema (core/distribution.py, `manage.py check_distribution`)."""

from __future__ import annotations

import dataclasses
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from shokuba.core.distribution import ForeignKey, Plan, Table, problems
from shokuba.core.management.commands.check_distribution import PLAN, read_schema, sql


@pytest.fixture
def plan() -> Plan:
    return Plan.load(PLAN)


@pytest.mark.django_db
def test_the_migrated_schema_can_be_distributed_as_planned(plan: Plan) -> None:
    """On the test database, SQLite or PostgreSQL as the run has it: the real tables, keys and foreign keys."""
    out = StringIO()
    call_command("check_distribution", stdout=out)
    assert "the schema can be distributed by member_id (2 distributed" in out.getvalue()
    schema = read_schema()
    response = schema["surveys_response"]
    assert ("primary", ("member_id", "submission_id")) in [(k, tuple(sorted(c))) for k, c in response.keys]
    assert ForeignKey(("wave_id",), "surveys_wave", "id") in response.foreign_keys


@pytest.mark.django_db
def test_the_check_finds_what_citus_would_refuse_in_the_real_schema(plan: Plan) -> None:
    schema = read_schema()
    # Distributing the waves too: their key is their id alone, and the responses and links point at that id.
    wrong = dataclasses.replace(plan, kinds={**plan.kinds, "surveys_wave": "distributed"})
    found = problems(wrong, schema)
    assert any(line.startswith("surveys_wave: primary key (id) lacks member_id") for line in found), found
    assert any("surveys_response(wave_id) → surveys_wave(id)" in line for line in found), found
    assert any(
        "surveys_wavelink(wave_id) → surveys_wave(id): a reference table cannot reference" in line for line in found
    ), found

    forgotten = dataclasses.replace(plan, kinds={k: v for k, v in plan.kinds.items() if k != "core_auditentry"})
    assert "core_auditentry: not in the plan — classify it as distributed, reference or local" in problems(
        forgotten, schema
    )

    smaller = dataclasses.replace(plan, kinds={**plan.kinds, "surveys_responseanswer": "reference"})
    assert "surveys_responseanswer: a high-volume table must be distributed by member_id" in problems(smaller, schema)


@pytest.mark.django_db
def test_the_command_fails_naming_each_problem(tmp_path: pytest.TempPathFactory) -> None:
    text = PLAN.read_text(encoding="utf-8").replace('core_auditentry = "local"\n', "")
    broken = tmp_path / "tables.toml"  # type: ignore[operator]
    broken.write_text(text, encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("check_distribution", "--plan", str(broken), stderr=err)
    assert "core_auditentry: not in the plan" in err.getvalue()


def test_each_rule_on_a_small_schema() -> None:
    plan = Plan("member_id", {"a": "distributed", "b": "distributed", "r": "reference", "l": "local"}, ("a",))
    schema = {
        "a": Table("a", {"member_id": True, "id": False}, [("primary", ("id",))], [ForeignKey(("l_id",), "l", "id")]),
        "b": Table("b", {"id": False}, [], [ForeignKey(("a_id",), "a", "id")]),
        "r": Table("r", {"id": False}, [], [ForeignKey(("a_id",), "a", "id")]),
        "l": Table("l", {"id": False}, [], [ForeignKey(("r_id",), "r", "id")]),
        "new": Table("new", {"id": False}),
    }
    assert problems(plan, schema) == [
        "new: not in the plan — classify it as distributed, reference or local",
        "a: member_id may be NULL; a distribution column must always hold a value",
        "a: primary key (id) lacks member_id",
        "a(l_id) → l(id): a distributed table cannot reference a local table",
        "b: distributed but has no member_id column",
        "b(a_id) → a(id): distributed tables may reference each other only through member_id",
        "r(a_id) → a(id): a reference table cannot reference a distributed table",
    ]


@pytest.mark.django_db
def test_the_sql_creates_reference_tables_before_the_co_located_distributed_ones(plan: Plan) -> None:
    text = sql(plan, read_schema())
    assert text.index("create_reference_table('surveys_wave')") < text.index(
        "create_distributed_table('surveys_response', 'member_id')"
    )
    assert (
        "create_distributed_table('surveys_responseanswer', 'member_id', colocate_with => 'surveys_response')" in text
    )
    assert "citus_add_local_table_to_metadata('core_auditentry')" in text
