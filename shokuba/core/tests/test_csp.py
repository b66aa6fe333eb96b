"""The Content-Security-Policy: one strict policy on every page, kept strict by the templates and scripts.

Every page of the URL walk is checked in tests/test_permission_matrix.py (each HTML response carries the policy)
and in a real browser in tests/browser/test_content_security_policy.py (no violation, charts drawn).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from shokuba.core.csp import content_security_policy
from shokuba.guidebook.models import Step
from shokuba.guidebook.services import evidence_add

PACKAGE = Path(settings.PACKAGE_DIR)
TEMPLATES = sorted(p for p in PACKAGE.rglob("*.html") if "templates" in p.parts)
OWN_SCRIPTS = sorted(p for p in (PACKAGE).rglob("*.js") if "static" in p.parts and "vendor" not in p.parts)


def policy_of(response: Any) -> dict[str, list[str]]:
    """The response's Content-Security-Policy as directive → sources."""
    header = response.get("Content-Security-Policy", "")
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {parts[0]: parts[1:] for parts in directives}


def assert_strict_page_policy(response: Any) -> None:
    """An HTML page's policy: scripts and styles only from this origin, nothing inline, no eval, no plugins, no
    <base>, never framed by another site, forms only to this origin."""
    policy = policy_of(response)
    assert policy, f"{response.request['PATH_INFO']}: no Content-Security-Policy"
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] in (["'none'"], ["'self'"])
    assert set(policy["img-src"]) <= {"'self'", "data:"}


def test_the_site_policy_is_strict() -> None:
    header = content_security_policy(settings.CONTENT_SECURITY_POLICY)
    assert "unsafe" not in header and "*" not in header and "nonce" not in header
    assert header.startswith("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self';")


@pytest.mark.django_db
def test_pages_carry_the_policy_and_other_responses_do_not_need_it(client: Client, coordinator: Any) -> None:
    login_page = client.get("/login/")
    assert_strict_page_policy(login_page)
    assert policy_of(login_page)["frame-ancestors"] == ["'none'"]
    assert_strict_page_policy(client.get("/no-such-page/"))  # error pages too

    client.force_login(coordinator)
    assert_strict_page_policy(client.get("/members/282090/"))
    api = client.get("/api/v1/members/282090")
    assert api.status_code == 200 and api["Content-Type"] == "application/json; charset=utf-8"
    assert "Content-Security-Policy" not in api  # JSON runs nothing in the page's origin
    assert_strict_page_policy(client.get("/guidebook/members/282090/steps/1-a/"))


@pytest.mark.django_db
def test_evidence_downloads_keep_their_sandbox(
    client: Client, coordinator: Any, toyooka: Any, django_capture_on_commit_callbacks: Any
) -> None:
    pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    with django_capture_on_commit_callbacks(execute=True):
        evidence = evidence_add(
            actor=coordinator,
            member=toyooka,
            step=Step.objects.get(code="1-a"),
            stream=io.BytesIO(pdf),
            name="a.pdf",
            size=len(pdf),
        )
    client.force_login(coordinator)
    response = client.get(f"/guidebook/evidence/{evidence.pk}/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


@pytest.mark.django_db
def test_api_docs_allow_data_images_and_nothing_else_more(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert_strict_page_policy(response)
    assert policy_of(response)["img-src"] == ["'self'", "data:"]


# --- the templates and scripts that keep the policy possible ------------------------------------------------------

# Data blocks (`application/json`, and schema.org's `application/ld+json` on the public job pages) never execute:
# the policy's script-src does not apply to them (tests/browser/test_content_security_policy.py opens those pages).
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_URL = re.compile(r"javascript:|\bhx-on|\bjs:", re.IGNORECASE)


def test_templates_exist_to_be_checked() -> None:
    assert len(TEMPLATES) > 50 and len(OWN_SCRIPTS) >= 2


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_templates_hold_no_inline_script_or_style(path: Path) -> None:
    """Inline code would be blocked by the policy: scripts and styles belong in static files."""
    text = path.read_text(encoding="utf-8")
    problems = [
        f"{name}: {match.group(0)[:80]}"
        for name, pattern in (
            ("inline <script>", INLINE_SCRIPT),
            ("inline style", INLINE_STYLE),
            ("on… attribute", EVENT_HANDLER),
            ("script URL", SCRIPT_URL),
        )
        for match in pattern.finditer(text)
    ]
    assert problems == []


@pytest.mark.parametrize("path", OWN_SCRIPTS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_own_scripts_use_no_eval_and_no_style_attributes(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = re.findall(r"\beval\(|new Function\b|setAttribute\(\s*[\"']style|\.innerHTML\b", text)
    assert found == []


def test_the_checks_find_what_they_look_for() -> None:
    """The patterns above catch the kinds of markup they are meant to refuse (and leave the allowed ones alone)."""
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/a.js"></script>')
    assert not INLINE_SCRIPT.search('<script type="application/json" id="spec">{}</script>')
    assert not INLINE_SCRIPT.search('<script type="application/ld+json">{}</script>')
    assert INLINE_SCRIPT.search('<script type="application/javascript">go()</script>')
    assert INLINE_STYLE.search('<p style="margin:0">') and INLINE_STYLE.search("<style>p{}</style>")
    assert not INLINE_STYLE.search('<link rel="stylesheet" href="/static/app.css">')
    assert EVENT_HANDLER.search('<button onclick="go()">') and not EVENT_HANDLER.search("<p>onclick</p>")
    assert SCRIPT_URL.search('<a href="javascript:void(0)">') and SCRIPT_URL.search('<div hx-on:click="x">')
