"""QR codes (SVG, PNG) and the A4 flyer (PDF with the Japanese font embedded)."""

from __future__ import annotations

import re
import struct
import zlib
from typing import Any
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from shokuba.surveys.distribution import FONT_FILE, Flyer, flyer_pdf, qr_png, qr_svg
from shokuba.surveys.models import WaveLink
from shokuba.surveys.tests.conftest import logged_in

URL = "https://shokuba.example.jp/s/AbCdEfGhIjKlMnOpQrStUvWxYz012345/"


def test_qr_svg_is_a_valid_svg() -> None:
    svg = qr_svg(URL)
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert int(root.attrib["width"]) == int(root.attrib["height"]) > 100
    assert root.find("{http://www.w3.org/2000/svg}path") is not None


def test_qr_png_is_a_valid_png() -> None:
    png = qr_png(URL)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    length, kind = struct.unpack(">I4s", png[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", png[16:24])
    assert width == height > 200
    assert zlib.crc32(png[12:29]) == struct.unpack(">I", png[29:33])[0]  # the header chunk's checksum holds
    assert png.endswith(b"IEND\xaeB`\x82")


def test_the_font_shipped_is_a_truetype_font_with_its_licence() -> None:
    assert FONT_FILE.exists() and FONT_FILE.read_bytes()[:4] == b"\x00\x01\x00\x00"
    assert (FONT_FILE.parent / "IPA_Font_License_Agreement_v1.0.txt").exists()


def test_the_flyer_is_an_a4_pdf_with_the_japanese_font_embedded() -> None:
    pdf = flyer_pdf(
        Flyer(
            title="働きやすさ・働きがい従業員アンケート",
            wave_name="2026年度 ベースライン調査",
            audience="株式会社テスト精工 の皆さまへ",
            period="回答期間：令和8年6月1日〜令和8年6月30日",
            url=URL,
            programme="兵庫県豊岡市",
            minutes=10,
        )
    )
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert re.search(rb"/MediaBox \[ ?0 0 595\.2\d* 841\.8\d* ?\]", pdf)  # A4 in points
    assert b"/FontFile2" in pdf  # an embedded TrueType program, not a reference to a system font
    assert re.search(rb"/BaseFont /[A-Z]{6}\+IPAexGothic", pdf)  # the subset of the shipped font


@pytest.mark.django_db
def test_link_downloads_for_staff(coordinator: Any, link: WaveLink) -> None:
    client = logged_in(coordinator)
    svg = client.get(reverse("surveys:link_qr_svg", args=[link.pk]))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    png = client.get(reverse("surveys:link_qr_png", args=[link.pk]))
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    flyer = client.get(reverse("surveys:link_flyer", args=[link.pk]))
    assert flyer.status_code == 200 and flyer["Content-Type"] == "application/pdf"
    assert flyer.content.startswith(b"%PDF-") and b"IPAexGothic" in flyer.content
    assert "filename*=UTF-8''" in flyer["Content-Disposition"]
