"""Where a submission's CPU goes: the survey submission benchmark's child process (bench/surveys.py runs it with the
scratch database and the gunicorn settings, after the HTTP runs).

    python -m bench.surveys_cpu_worker COUNT TOKEN [TOKEN …]

In one process, through Django's handler (every middleware, as under gunicorn, without the HTTP server): COUNT posts
of the real answering form (URL-encoded bodies built before timing, a fresh submission id each, spread over the
links) and COUNT posts to the minimal reference view, after a warm-up of each. For each: this process's CPU per
request (time.process_time) and the PostgreSQL backend's (its /proc/<pid>/stat, the server being on this machine).
Prints JSON. It says how far the answering form could get toward the minimal view if its own Python cost nothing:
(reference python + reference database) / (reference python + our database).
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from typing import Any
from urllib.parse import urlencode

from bench import _shared  # noqa: F401 - keeps the worker beside its siblings

FORM = "application/x-www-form-urlencoded"


def _backend_seconds(connection: Any) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def measure(count: int, tokens: list[str]) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from bench.surveys import _form

    client = Client(HTTP_HOST="127.0.0.1")
    form = _form()

    def bodies(kind: str, n: int) -> list[tuple[str, str]]:
        if kind == "ours":
            return [
                (f"/s/{tokens[i % len(tokens)]}/", urlencode(dict(form, submission_id=str(uuid.uuid4()))))
                for i in range(n)
            ]
        return [("/bench/reference/", urlencode({"submission_id": str(uuid.uuid4())})) for _ in range(n)]

    def run(kind: str, n: int) -> dict[str, float]:
        posts = bodies(kind, n)
        python, database = time.process_time(), _backend_seconds(connection)
        for path, body in posts:
            response = client.post(path, body, content_type=FORM)
            if response.status_code != 303:
                raise RuntimeError(f"{kind}: {path} answered {response.status_code}")
        python, database = time.process_time() - python, _backend_seconds(connection) - database
        return {"python_ms": python / n * 1000, "database_ms": database / n * 1000}

    for kind in ("ours", "reference"):
        run(kind, max(50, count // 5))  # warm-up: imports, the parsed definition, prepared statements
    ours, reference = run("ours", count), run("reference", count)
    floor = (reference["python_ms"] + reference["database_ms"]) / (reference["python_ms"] + ours["database_ms"])
    return {"count": count, "ours": ours, "reference": reference, "best_possible_ratio": floor}


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]), sys.argv[2:])))
