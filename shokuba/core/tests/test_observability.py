"""core/observability.py in process: who may read /metrics, what a JSON log line holds."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from django.test import Client

from shokuba.core.observability import JsonFormatter, RequestIdFilter


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "headers", "status"),
    [
        ("127.0.0.1", {}, 200),
        ("::1", {}, 200),
        ("192.0.2.10", {}, 403),
        ("127.0.0.1", {"HTTP_X_FORWARDED_FOR": "198.51.100.7"}, 403),
    ],
)
def test_metrics_only_for_the_allowed_addresses_and_never_forwarded(address: str, headers: dict, status: int) -> None:
    answer = Client(REMOTE_ADDR=address).get("/metrics", **headers)
    assert answer.status_code == status
    if status == 200:
        assert b"shokuba_task_queue_ready" in answer.content


@pytest.mark.django_db
def test_the_allowed_addresses_come_from_the_settings(settings: pytest.FixtureRequest) -> None:
    settings.METRICS_ALLOWED_ADDRESSES = ["192.0.2.10"]  # type: ignore[attr-defined]
    assert Client(REMOTE_ADDR="192.0.2.10").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 403


def test_a_json_line_holds_only_its_fields_whatever_the_record_carries() -> None:
    class Request:
        path = "/organisations/"
        request_id = "abc12345"
        META = {"REMOTE_ADDR": "203.0.113.5", "HTTP_USER_AGENT": "Mozilla"}

    try:
        raise ValueError("boom")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s", ("/x/",), exc_info
    )
    record.request = Request()
    record.status_code = 500
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert set(line) == {"time", "level", "logger", "message", "request_id", "status", "exception"}
    assert line["request_id"] == "abc12345" and line["status"] == 500
    assert line["message"] == "Internal Server Error: /x/"
    assert "203.0.113.5" not in json.dumps(line) and "Mozilla" not in json.dumps(line)
    assert "ValueError: boom" in line["exception"]
