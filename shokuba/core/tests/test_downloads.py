"""core.downloads: the one Content-Disposition builder (RFC 6266 / RFC 5987), and that every download uses it."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.http import HttpResponse
from hypothesis import given, settings
from hypothesis import strategies as st

from shokuba.core.downloads import MAX_NAME, attach, content_disposition, download_name

HEADER = re.compile(
    r"""^(attachment|inline); filename="([A-Za-z0-9._() -]+)"; filename\*=UTF-8''([A-Za-z0-9%._~-]+)$"""
)


@pytest.mark.parametrize(
    ("name", "ascii_name", "utf8_name"),
    [
        ("2026年度 ベースライン調査_回答.csv", "2026.csv", "2026年度 ベースライン調査_回答.csv"),
        ("一覧.xlsx", "download.xlsx", "一覧.xlsx"),
        ('a"b\\c;d\r\ne.pdf', "ab_cd e.pdf", 'a"b_c;d e.pdf'),
        ("名前\u202etxt.exe", "txt.exe", "名前 txt.exe"),
        ("../../etc/passwd", "etc_passwd", "_.._etc_passwd"),
        ("", "download", "download"),
    ],
)
def test_the_header_is_one_line_with_an_ascii_fallback_and_the_utf8_name(
    name: str, ascii_name: str, utf8_name: str
) -> None:
    header = content_disposition(name)
    match = HEADER.fullmatch(header)
    assert match, header
    assert match.group(2) == ascii_name
    assert unquote(match.group(3)) == utf8_name


@settings(max_examples=300, derandomize=True)
@given(st.text(max_size=400), st.booleans())
def test_any_name_gives_a_valid_header(name: str, inline: bool) -> None:
    header = content_disposition(name, inline=inline)
    assert HEADER.fullmatch(header), header
    assert header.startswith("inline" if inline else "attachment")
    assert len(download_name(name)) <= MAX_NAME
    response = attach(HttpResponse(b""), name, inline=inline)  # Django refuses a header with a line break
    assert response["Content-Disposition"] == header


def test_a_long_name_keeps_its_extension() -> None:
    name = download_name("あ" * 500 + ".xlsx")
    assert len(name) == MAX_NAME and name.endswith(".xlsx")


def test_no_download_builds_its_own_header() -> None:
    """Every download goes through core.downloads.attach: no hand-built Content-Disposition, and no
    FileResponse(filename=…) (Django's own builder lets a line break through)."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "downloads.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"""\[["']Content-Disposition["']\]\s*=""", text) or "as_attachment=" in text:
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
