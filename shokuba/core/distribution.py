"""Whether the schema can be distributed with Citus by the tenant key (docs/citus.md).

The plan (deploy/citus/tables.toml) names each table's kind: distributed by the member's local government code,
reference (replicated), or local (on the coordinator). `problems()` reads the real schema — tables, their columns,
primary and unique keys and foreign keys, as Django's introspection gives them on SQLite or PostgreSQL — and lists
everything Citus would refuse or the plan forgets:

- a table that the plan does not classify (a new model must be given a kind), or a classified table that is gone;
- a high-volume table that is not distributed;
- a distributed table without the tenant column, or with it nullable;
- a primary or unique key of a distributed table that does not include the tenant column (Citus enforces
  uniqueness per shard only);
- a foreign key from a distributed table to a local table, or to another distributed table not through the tenant
  column (not co-located);
- a foreign key from a reference or a local table to a distributed one (Citus supports neither; keys between
  reference tables and Citus local tables are supported both ways once the coordinator is in the metadata).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("distributed", "reference", "local")


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    table: str
    target_column: str


@dataclass
class Table:
    name: str
    columns: dict[str, bool] = field(default_factory=dict)  # column → nullable
    keys: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # ("primary" | "unique", columns)
    foreign_keys: list[ForeignKey] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    column: str
    kinds: dict[str, str]
    high_volume: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path) -> Plan:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        kinds = {str(k): str(v) for k, v in data["tables"].items()}
        wrong = {k: v for k, v in kinds.items() if v not in KINDS}
        if wrong:
            raise ValueError(f"unknown kinds in {path}: {wrong}")
        optional = tuple(data.get("outside_migrations", {}).get("tables", ()))
        return cls(str(data["distribution"]["column"]), kinds, tuple(data["high_volume"]["tables"]), optional)


def problems(plan: Plan, schema: dict[str, Table]) -> list[str]:
    found: list[str] = []
    tenant = plan.column
    for name in sorted(set(schema) - set(plan.kinds)):
        found.append(f"{name}: not in the plan — classify it as distributed, reference or local")
    for name in sorted(set(plan.kinds) - set(schema) - set(plan.optional)):
        found.append(f"{name}: in the plan but not in the schema")
    for name in plan.high_volume:
        if plan.kinds.get(name) != "distributed":
            found.append(f"{name}: a high-volume table must be distributed by {tenant}")
    for name, table in sorted(schema.items()):
        kind = plan.kinds.get(name)
        if kind is None:
            continue
        if kind == "distributed":
            if tenant not in table.columns:
                found.append(f"{name}: distributed but has no {tenant} column")
            elif table.columns[tenant]:
                found.append(f"{name}: {tenant} may be NULL; a distribution column must always hold a value")
            for key_kind, columns in table.keys:
                if tenant not in columns:
                    found.append(f"{name}: {key_kind} key ({', '.join(columns)}) lacks {tenant}")
        for fk in table.foreign_keys:
            target = plan.kinds.get(fk.table)
            if target is None:
                continue  # reported above as unclassified
            where = f"{name}({', '.join(fk.columns)}) → {fk.table}({fk.target_column})"
            if kind == "distributed":
                if target == "local":
                    found.append(f"{where}: a distributed table cannot reference a local table")
                elif target == "distributed" and (fk.columns != (tenant,) or fk.target_column != tenant):
                    # Django's foreign keys are single-column: between distributed tables only the tenant key
                    # itself keeps the two rows on one shard.
                    found.append(f"{where}: distributed tables may reference each other only through {tenant}")
            elif target == "distributed":
                found.append(f"{where}: a {kind} table cannot reference a distributed table")
    return found
