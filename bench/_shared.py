"""What the benchmark modules share: the running registry, the scratch PostgreSQL server, worker child processes.

`python -m bench` runs bench/__main__.py as `__main__`, so the modules take `benchmark`, `report` and `timed` from
the running module (importing `bench.__main__` would make a second, empty registry).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def runner() -> ModuleType:
    """The running bench registry."""
    main = sys.modules.get("__main__")
    if main is not None and hasattr(main, "benchmark"):
        return main
    from bench import __main__ as imported

    return imported


def postgres_url() -> str:
    """The PostgreSQL server for scratch databases: BENCH_POSTGRES_URL, else DATABASE_URL when it is PostgreSQL,
    else the local server."""
    for candidate in (os.environ.get("BENCH_POSTGRES_URL", ""), os.environ.get("DATABASE_URL", "")):
        if candidate.startswith(("postgres://", "postgresql://")):
            return candidate
    return "postgres://postgres@127.0.0.1:5432/postgres"


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def admin(url: str, sql: str) -> None:
    """Run one statement on the server's `postgres` database (CREATE/DROP DATABASE)."""
    import psycopg

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def worker(module: str, env: dict[str, str], *args: str, stderr: int | None = subprocess.PIPE) -> dict[str, Any]:
    """Run `python -m module args…` with `env` and return the JSON object on the last line of its output."""
    done = subprocess.run(  # noqa: S603 - our own worker modules
        [PYTHON, "-m", module, *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


class NoServer(RuntimeError):
    """No PostgreSQL server to make a scratch database on."""


@contextlib.contextmanager
def scratch_database(
    vendor: str, name: str, prefix: str, extra_env: dict[str, str] | None = None
) -> Iterator[tuple[dict[str, str], Path]]:
    """A scratch database (PostgreSQL database `name`, or an SQLite file in a temporary folder), migrated and with
    the reference data loaded. Yields the environment for child processes and the folder; drops and removes both
    afterwards. Raises NoServer on entry when there is no PostgreSQL server (say so on the figure's line)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    server = postgres_url()
    try:
        if vendor == "postgresql":
            try:
                admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                admin(server, f"CREATE DATABASE {name}")
            except Exception as exc:
                raise NoServer(f"no PostgreSQL at {server} ({exc.__class__.__name__})") from exc
            database_url = with_database(server, name)
        else:
            database_url = f"sqlite:///{folder}/bench.sqlite3"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "shokuba.settings.dev",
            "SHOKUBA_VAR_DIR": str(folder),
            "SHOKUBA_PRIVATE_FILES_DIR": str(folder / "private"),
            "LOG_LEVEL": "ERROR",
            "PYTHONPATH": str(ROOT),
            **(extra_env or {}),
        }
        manage = [PYTHON, str(ROOT / "manage.py")]
        for command in (["migrate", "--noinput", "-v", "0"], ["load_reference"]):
            subprocess.run([*manage, *command], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        yield env, folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if vendor == "postgresql":
            with contextlib.suppress(Exception):  # best effort clean-up of a scratch database
                admin(server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def coordinator_and_organisations(username: str, name_prefix: str, count: int) -> tuple[Any, Any, list[Any]]:
    """In a worker's scratch database (Django set up): Toyooka's member, a coordinator and `count` organisations."""
    import datetime as dt

    from shokuba.network.models import Member, Organisation, Role, User

    member = Member.objects.get(pk="282090")
    coordinator = User.objects.create(username=username, role=Role.COORDINATOR, member=member)
    organisations = [
        Organisation.objects.create(
            member=member,
            name=f"{name_prefix}{i:02d}",
            industry="E",
            size_band="30-100",
            location_id="282090",
            joined_on=dt.date(2026, 4, 1),
        )
        for i in range(count)
    ]
    return member, coordinator, organisations
