"""Under the production settings (shokuba.settings.prod, static files collected as a deployment does), a Host
header that is not in ALLOWED_HOSTS answers 400 — the page, or the API's JSON error shape under /api/ — never
500. Run in a child process: the settings module cannot change inside the test process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import json
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
answers = {}
for path in ("/login/", "/api/v1/members"):
    response = client.get(path, HTTP_HOST="evil.example", secure=True)
    answers[path] = [response.status_code, response["Content-Type"], response.content.decode()]
print(json.dumps(answers))
"""


def test_a_disallowed_host_is_400_under_production_settings(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shokuba.settings.prod",
        "SECRET_KEY": "test-only-" + "x" * 50,
        "SHOKUBA_VAR_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "shokuba.example.jp",
    }
    env.pop("DATABASE_URL", None)  # nothing here touches a database; never the test database
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    command = [sys.executable, "-c", PROBE]
    probe = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    answers = json.loads(probe.stdout.strip().splitlines()[-1])

    status, content_type, body = answers["/login/"]
    assert status == 400, body[:500]
    assert content_type.startswith("text/html")
    assert "入力内容に誤りがあります" in body

    status, content_type, body = answers["/api/v1/members"]
    assert status == 400, body[:500]
    assert content_type.startswith("application/json")
    error = json.loads(body)
    assert set(error) == {"message", "detail"} and error["detail"][0]["type"] == "bad_request"
