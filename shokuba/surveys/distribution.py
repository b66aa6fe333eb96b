"""What an organisation posts in the workplace: the answering link as a QR code (SVG, PNG) and an A4 flyer (PDF).

The flyer is drawn with ReportLab in IPAexGothic, the TrueType font shipped under static/fonts/ (a fresh machine
has no Japanese font; the PDF embeds the subset it uses). The QR code is drawn as vector squares, so it prints
sharp at any size.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import segno
from django.conf import settings
from reportlab.lib.colors import HexColor, black, white  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

FONT_NAME = "IPAexGothic"
FONT_FILE = Path(settings.PACKAGE_DIR) / "static" / "fonts" / "ipaexg.ttf"


def qr_code(url: str) -> segno.QRCode:
    # Level M survives a crease or a smudge on a printed flyer; a URL of ~80 characters stays a small version.
    return segno.make_qr(url, error="m")


def qr_svg(url: str) -> bytes:
    out = io.BytesIO()
    qr_code(url).save(out, kind="svg", scale=8, border=4, xmldecl=True, svgns=True, title="QR", nl=True)
    return out.getvalue()


def qr_png(url: str, *, scale: int = 10) -> bytes:
    out = io.BytesIO()
    qr_code(url).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def pdf_font() -> str:
    """The shipped IPAexGothic registered with ReportLab (once per process): every PDF the platform draws (the
    flyer, the effect-verification report) embeds the subset of it that it uses."""
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_FILE)))
    return FONT_NAME


@dataclass(frozen=True)
class Flyer:
    title: str  # the questionnaire's title
    wave_name: str
    audience: str  # e.g. 株式会社但馬精工 の従業員の皆さまへ
    period: str  # 回答期間 2026年6月1日（月）〜6月30日（火）
    url: str
    programme: str  # 兵庫県豊岡市 ワークイノベーション推進会議
    minutes: int  # how long answering takes, roughly


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break Japanese text (no spaces between words) into lines that fit `width`."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for char in paragraph:
            if pdfmetrics.stringWidth(line + char, font, size) > width and line:
                lines.append(line)
                line = char
            else:
                line += char
        lines.append(line)
    return lines


def _draw_qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    matrix = qr_code(url).matrix
    n = len(matrix)
    quiet = 4
    cell = size / (n + 2 * quiet)
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(black)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                canvas.rect(
                    x + (col_index + quiet) * cell,
                    y + size - (row_index + quiet + 1) * cell,
                    cell * 1.02,  # a hair of overlap so no white seams appear between squares
                    cell * 1.02,
                    stroke=0,
                    fill=1,
                )


def flyer_pdf(flyer: Flyer) -> bytes:
    """An A4 portrait flyer: title, who it is for, period, a large QR code, the link, and the privacy promise."""
    font = pdf_font()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1, initialFontName=font, initialFontSize=12)
    canvas.setTitle(f"{flyer.title}（{flyer.wave_name}）")
    canvas.setAuthor(flyer.programme)
    canvas.setSubject("アンケートのお願い")
    width, height = A4
    margin = 18 * mm
    blue = HexColor("#0031d8")

    canvas.setFillColor(blue)
    canvas.rect(0, height - 42 * mm, width, 42 * mm, stroke=0, fill=1)
    canvas.setFillColor(white)
    canvas.setFont(font, 13)
    canvas.drawString(margin, height - 14 * mm, "アンケートへのご協力のお願い")
    y = height - 26 * mm
    for line in _wrap(flyer.title, font, 22, width - 2 * margin)[:2]:
        canvas.setFont(font, 22)
        canvas.drawString(margin, y, line)
        y -= 9 * mm

    canvas.setFillColor(black)
    y = height - 56 * mm
    canvas.setFont(font, 15)
    for line in _wrap(flyer.audience, font, 15, width - 2 * margin):
        canvas.drawString(margin, y, line)
        y -= 7.5 * mm
    canvas.setFont(font, 12)
    y -= 2 * mm
    for line in (flyer.wave_name, flyer.period, f"所要時間：約{flyer.minutes}分"):
        canvas.drawString(margin, y, line)
        y -= 6.5 * mm

    qr_size = 88 * mm
    qr_y = y - qr_size - 4 * mm
    _draw_qr(canvas, flyer.url, (width - qr_size) / 2, qr_y, qr_size)
    canvas.setFont(font, 12)
    canvas.drawCentredString(width / 2, qr_y - 7 * mm, "スマートフォンのカメラで読み取ってください")
    canvas.setFont(font, 8.5)
    url_lines = _wrap(flyer.url, font, 8.5, width - 2 * margin)
    line_y = qr_y - 13 * mm
    for line in url_lines:
        canvas.drawCentredString(width / 2, line_y, line)
        line_y -= 4.5 * mm

    box_top = line_y - 4 * mm
    promises = (
        "回答は無記名です。お名前、メールアドレス、IPアドレス、回答した時刻は記録しません。",
        "記録するのは、回答の内容、性別・年齢などの区分、回答した日付だけです。",
        "結果は人数の少ない区分を伏せて集計し、個人や回答が特定されることはありません。",
        "回答するかどうかは自由です。回答しなくても不利益はありません。",
    )
    text_width = width - 2 * margin - 10 * mm
    lines: list[str] = []
    for promise in promises:
        wrapped = _wrap(promise, font, 10.5, text_width - 4 * mm)
        lines.append("・" + wrapped[0])
        lines.extend("　" + rest for rest in wrapped[1:])
    box_height = (len(lines) + 1) * 5.6 * mm + 6 * mm
    canvas.setStrokeColor(blue)
    canvas.setLineWidth(1.2)
    canvas.roundRect(margin, box_top - box_height, width - 2 * margin, box_height, 3 * mm, stroke=1, fill=0)
    canvas.setFont(font, 11.5)
    canvas.setFillColor(blue)
    canvas.drawString(margin + 5 * mm, box_top - 8 * mm, "匿名で回答できます")
    canvas.setFillColor(black)
    canvas.setFont(font, 10.5)
    text_y = box_top - 14.5 * mm
    for line in lines:
        canvas.drawString(margin + 5 * mm, text_y, line)
        text_y -= 5.6 * mm

    canvas.setFont(font, 9.5)
    canvas.drawString(margin, 14 * mm, f"実施：{flyer.programme}")
    canvas.drawRightString(width - margin, 14 * mm, "地域働き方・職場改革ネットワーク")
    canvas.showPage()
    canvas.save()
    return out.getvalue()
