"""What the benchmark modules share: the running registry, the scratch PostgreSQL server, worker child processes.

`python -m bench` runs bench/__main__.py as `__main__`, so the modules take `benchmark`, `report` and `timed` from
the running module (importing `bench.__main__` would make a second, empty registry).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
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
