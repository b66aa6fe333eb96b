from __future__ import annotations

import json
import re
from typing import Any

from django.test import Client

EXPECTED_OPERATIONS = {
    ("/api/v1/local-governments", "get"),
    ("/api/v1/local-governments/{code}", "get"),
    ("/api/v1/members", "get"),
    ("/api/v1/members/{code}", "get"),
    ("/api/v1/members/{code}/progress", "get"),
    ("/api/v1/members/{code}/progress/{step_code}", "put"),
    ("/api/v1/notifications", "get"),
    ("/api/v1/notifications/{id}/read", "post"),
    ("/api/v1/organisations", "get"),
    ("/api/v1/organisations", "post"),
    ("/api/v1/organisations/{id}", "get"),
    ("/api/v1/organisations/{id}", "patch"),
    ("/api/v1/organisations/{id}", "delete"),
}


def schema() -> dict[str, Any]:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def test_schema_is_served_publicly_and_lists_every_operation(db: Any) -> None:
    spec = schema()
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "Shokuba API" and spec["info"]["version"] == "1"
    operations = {(path, method) for path, item in spec["paths"].items() for method in item}
    # Other domains add their own routers; the network, guidebook and notification operations are exactly these.
    other_domains = (
        "/api/v1/surveys/",
        "/api/v1/regional/",
        "/api/v1/results/",
        "/api/v1/workplace/",
        "/api/v1/plans/",
        "/api/v1/jobads/",
        "/api/v1/learning/",
        "/api/v1/forum/",
        "/api/v1/materials/",
        "/api/v1/events/",
        "/api/v1/support/",
    )
    core_operations = {op for op in operations if not op[0].startswith(other_domains)}
    assert core_operations == EXPECTED_OPERATIONS  # the docs assets are not part of the API


def test_every_operation_requires_token_or_session(db: Any) -> None:
    spec = schema()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"]["type"] == "apiKey" and schemes["SessionAuth"]["in"] == "cookie"
    for item in spec["paths"].values():
        for operation in item.values():
            assert {"TokenAuth": []} in operation["security"]
            assert {"SessionAuth": []} in operation["security"]
            assert "401" in operation["responses"] and "422" in operation["responses"]


def test_request_bodies_forbid_unknown_fields_and_errors_have_one_shape(db: Any) -> None:
    components = schema()["components"]["schemas"]
    for name in ("OrganisationCreateIn", "OrganisationUpdateIn", "StepProgressIn"):
        assert components[name]["additionalProperties"] is False, name
    assert set(components["ErrorOut"]["properties"]) == {"message", "detail"}
    assert set(components["ErrorItem"]["properties"]) == {"loc", "msg", "type"}
    assert set(components["Industry"]["enum"]) >= {"A", "E", "T"}


def test_docs_page_loads_nothing_from_the_internet(db: Any) -> None:
    client = Client()
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/api/v1/openapi.json" in html
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(url.startswith("/api/v1/docs/assets/") for url in urls), urls
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert b"".join(asset.streaming_content)


def test_docs_assets_serve_only_the_listed_files(db: Any) -> None:
    client = Client()
    assert client.get("/api/v1/docs/assets/swagger-ui.css.map").status_code == 404
    assert client.get("/api/v1/docs/assets/..%2F..%2F__init__.py").status_code == 404


def test_root_points_to_the_schema_and_docs(db: Any) -> None:
    response = Client().get("/api/v1/")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "title": "Shokuba API",
        "version": "1",
        "openapi": "/api/v1/openapi.json",
        "docs": "/api/v1/docs",
    }
