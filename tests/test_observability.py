"""Operation (issue 17 §6), on a real server (gunicorn, 2 processes) with JSON logs: request ids, no personal data
in the logs, health and readiness, Prometheus metrics counting real submissions, readiness failing for real when
the database is gone."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from shokuba.surveys.tests.samples import workplace_form
from tests.live_site import LiveSite, free_port, post_form, request


@pytest.fixture
def site(live_sqlite_site: LiveSite) -> LiveSite:
    return live_sqlite_site


def _metric(text: str, name: str, labels: str = "") -> float:
    pattern = re.escape(name) + (r"\{" + re.escape(labels) + r"\}" if labels else "") + r" ([0-9.e+-]+)$"
    found = re.search(pattern, text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def test_request_ids_json_logs_health_readiness_and_metrics_on_a_real_server(site: LiveSite) -> None:
    path = site.answer_path()
    # As in production (docs/operations.md): the two workers' counters summed through prometheus_client's folder.
    metrics_folder = site.folder / f"prometheus-{uuid.uuid4().hex}"
    metrics_folder.mkdir()
    env = {"LOG_FORMAT": "json", "LOG_LEVEL": "INFO", "PROMETHEUS_MULTIPROC_DIR": str(metrics_folder)}
    with site.serve("gunicorn", env=env) as server:
        # Liveness and readiness answer without a login.
        health = request(server.port, "GET", "/healthz")
        ready = request(server.port, "GET", "/readyz")
        assert (health.status, json.loads(health.body)) == (200, {"status": "ok"})
        assert ready.status == 200
        assert json.loads(ready.body) == {
            "status": "ready",
            "checks": {"database": "ok", "migrations": "ok", "private_files": "ok"},
        }

        # Every answer carries a request id: the proxy's when it is a plain token, a fresh one otherwise.
        given = request(server.port, "GET", "/login/", headers={"X-Request-ID": "nginx-abc123def"})
        assert given.headers["x-request-id"] == "nginx-abc123def"
        made = request(server.port, "GET", "/login/", headers={"X-Request-ID": "<script>"})
        assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])

        before = request(server.port, "GET", "/metrics")
        assert before.status == 200, before.body[:500]
        stored_before = _metric(before.body, "shokuba_submissions_total", 'outcome="stored"')
        sid = str(uuid.uuid4())
        first = post_form(server.port, path, {"submission_id": sid, **workplace_form()})
        again = post_form(server.port, path, {"submission_id": sid, **workplace_form()})
        assert first.status == again.status == 303
        after = request(server.port, "GET", "/metrics")
        assert _metric(after.body, "shokuba_submissions_total", 'outcome="stored"') == stored_before + 1
        assert _metric(after.body, "shokuba_submissions_total", 'outcome="repeated"') >= 1
        assert "django_http_requests_total_by_method_total" in after.body
        assert "shokuba_task_queue_ready" in after.body and "shokuba_task_queue_oldest_seconds" in after.body

        # Through the proxy (a forwarded request) or from another address, the metrics are refused.
        forwarded = request(server.port, "GET", "/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
        assert forwarded.status == 403

        # An error logged inside a staff request carries its id, as JSON, with nothing about the client.
        missing = request(server.port, "GET", "/no-such-page/", headers={"X-Request-ID": "trace-404-check"})
        assert missing.status == 404
    lines = [json.loads(line) for line in server.log.read_text().splitlines() if line.startswith("{")]
    assert lines, server.output()
    not_found = [entry for entry in lines if entry.get("request_id") == "trace-404-check"]
    assert not_found and not_found[0]["level"] == "WARNING" and not_found[0]["status"] == 404
    assert set(not_found[0]) <= {"time", "level", "logger", "message", "request_id", "status", "exception"}
    log_text = server.log.read_text()
    assert "127.0.0.1" not in log_text.replace(f"127.0.0.1:{server.port}", "")  # no client address anywhere
    assert site.links[0][0][1] not in log_text  # nor the respondents' answering link


def test_readiness_fails_when_the_database_is_gone_and_liveness_does_not(site: LiveSite) -> None:
    nowhere = f"postgres://postgres@127.0.0.1:{free_port()}/shokuba"  # nothing listens there
    with site.serve("gunicorn", env={"DATABASE_URL": nowhere}, ready_status=503) as server:
        health = request(server.port, "GET", "/healthz")
        ready = request(server.port, "GET", "/readyz")
    assert health.status == 200
    assert ready.status == 503
    assert json.loads(ready.body) == {
        "status": "not ready",
        "checks": {"database": "failed", "migrations": "skipped", "private_files": "skipped"},
    }
