"""core.uploads: real minimal files of every allowed type pass; disguised, oversized and unknown files do not."""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
import zlib

import pytest
from openpyxl import Workbook

from shokuba.core.uploads import ALLOWED_EXTENSIONS, CheckedUpload, UploadError, check_upload

LIMIT = 1024 * 1024


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


# The start of a JFIF file as cameras and encoders write it: SOI, APP0 "JFIF" segment, then a quantisation table.
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffdb004300") + b"\x08" * 64 + bytes.fromhex("ffd9")
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + b"\x00" * 46
    + b"\x80\x00\x00\x00"
    + b"\x00" * 64
    + b"PE\x00\x00"
)


def xlsx_bytes() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["団体コード", "団体名"])
    sheet.append(["282090", "兵庫県豊岡市"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def office_zip(part: str) -> bytes:
    """The smallest OOXML package shape: [Content_Types].xml plus the main part of its kind."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr(part, "<x/>")
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "これは Office 文書ではありません")
    return out.getvalue()


def check(content: bytes, name: str, max_bytes: int = LIMIT, size: int | None = None) -> CheckedUpload:
    return check_upload(
        io.BytesIO(content), name=name, size=len(content) if size is None else size, max_bytes=max_bytes
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("図.png", png_bytes(), "image/png"),
        ("写真.jpg", JPEG, "image/jpeg"),
        ("写真.JPEG", JPEG, "image/jpeg"),
        ("議事録.pdf", PDF, "application/pdf"),
        ("集計.xlsx", xlsx_bytes(), ALLOWED_EXTENSIONS[".xlsx"]),
        ("報告.docx", office_zip("word/document.xml"), ALLOWED_EXTENSIONS[".docx"]),
        ("説明.pptx", office_zip("ppt/presentation.xml"), ALLOWED_EXTENSIONS[".pptx"]),
        ("名簿.csv", "団体名,人数\r\n豊岡市,3\r\n".encode("cp932"), "text/csv"),
        ("名簿_utf8.csv", "団体名,人数\r\n豊岡市,3\r\n".encode("utf-8-sig"), "text/csv"),
        ("メモ.txt", "気仙沼市の取組メモ".encode("cp932"), "text/plain"),
    ],
)
def test_real_files_of_each_allowed_type_pass(name: str, content: bytes, content_type: str) -> None:
    checked = check(content, name)
    assert checked.content_type == content_type
    assert checked.name == name
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


def test_the_png_sample_is_a_real_png() -> None:
    data = png_bytes()
    # IHDR declares 1×1 RGB, and IDAT inflates to one filter byte plus three samples.
    assert struct.unpack(">II", data[16:24]) == (1, 1)
    idat_len = struct.unpack(">I", data[33:37])[0]
    assert data[37:41] == b"IDAT"
    assert zlib.decompress(data[41 : 41 + idat_len]) == b"\x00\xff\x00\x00"


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("報告書.pdf", EXE, "一致しません"),
        ("図.png", PDF, "一致しません"),
        ("写真.jpg", png_bytes(), "一致しません"),
        ("集計.xlsx", plain_zip(), "一致しません"),  # a zip that is not an Office document
        ("報告.docx", xlsx_bytes(), "一致しません"),  # a real workbook named as a Word file
        ("壊れた.xlsx", b"PK\x03\x04" + b"\x00" * 40, "壊れているか、途中で切れています"),
        ("メモ.txt", EXE, "一致しません"),  # binary with NUL bytes is not text
        ("setup.exe", EXE, "受け付けていません"),
        ("archive.zip", plain_zip(), "受け付けていません"),
        ("page.html", b"<html></html>", "受け付けていません"),
        ("README", b"text", "拡張子なし"),
    ],
)
def test_disguised_or_unknown_files_are_refused_in_japanese(name: str, content: bytes, fragment: str) -> None:
    with pytest.raises(UploadError) as caught:
        check(content, name)
    assert fragment in str(caught.value)
    assert name in str(caught.value)


def test_oversized_and_empty_files_are_refused() -> None:
    with pytest.raises(UploadError, match=re.escape("大きすぎます（2.0 MB）。1 MB 以下")):
        check(PDF, "大きい.pdf", max_bytes=LIMIT, size=2 * LIMIT)
    with pytest.raises(UploadError, match="空です"):
        check(b"", "空.pdf")


def test_exactly_the_limit_is_allowed() -> None:
    content = PDF.ljust(2048, b"0")
    assert check(content, "ぴったり.pdf", max_bytes=2048).size == 2048
    with pytest.raises(UploadError):
        check(content + b"0", "超過.pdf", max_bytes=2048)


def test_path_parts_of_the_name_are_dropped_and_extension_case_ignored() -> None:
    checked = check(PDF, "../../etc/議事録.PDF")
    assert checked.name == "議事録.PDF"
    assert checked.extension == ".pdf"


def test_stream_is_rewound_for_the_caller() -> None:
    stream = io.BytesIO(xlsx_bytes())
    check_upload(stream, name="a.xlsx", size=len(stream.getvalue()), max_bytes=LIMIT)
    assert stream.tell() == 0


def test_cp932_text_cut_in_the_middle_of_a_character_is_still_text() -> None:
    content = b"a" + ("豊岡市" * 2000).encode("cp932")
    # The check samples 4,096 bytes: one ASCII byte and 4,095 bytes of two-byte characters, so it ends mid-character.
    with pytest.raises(UnicodeDecodeError):
        content[:4096].decode("cp932")
    assert check(content, "長いメモ.txt").content_type == "text/plain"


# --- text evidence over 4 KB (issue 11 §7) --------------------------------------------------------------------


def japanese_text(size: int, *, bom: bool, pad: int) -> bytes:
    """Valid UTF-8 Japanese text of exactly `size` bytes; `pad` ASCII bytes first set where byte 4,096 falls."""
    prefix = (b"\xef\xbb\xbf" if bom else b"") + b"#" * pad
    body = ("職場の取り組みの記録。男性の育児休業を進めました。\n" * 800).encode()
    text = prefix + body[: size - len(prefix) - 3]
    text = text.decode("utf-8-sig", "ignore").encode("utf-8-sig" if bom else "utf-8")
    return text + b"." * (size - len(text))


@pytest.mark.parametrize("size", [17_404, 17_405])
@pytest.mark.parametrize("bom", [False, True], ids=["utf8", "utf8-bom"])
@pytest.mark.parametrize("pad", [0, 1, 2])
def test_japanese_text_evidence_over_4_kb_is_accepted_wherever_byte_4096_falls(size: int, bom: bool, pad: int) -> None:
    # 17,404- and 17,405-byte Japanese .txt evidence was refused as 「中身が拡張子と一致しません」 2 times in 3:
    # the head cut a character at byte 4,096 and, after a BOM, the cut was not recognised as one.
    data = japanese_text(size, bom=bom, pad=pad)
    assert len(data) == size and data.decode("utf-8-sig")
    assert check(data, "記録.txt").content_type == "text/plain"
    assert check(data, "記録.csv").content_type == "text/csv"


def test_text_in_an_encoding_not_read_is_refused_saying_which() -> None:
    with pytest.raises(UploadError, match="UTF-16"):
        check("記録".encode("utf-16"), "記録.txt")
    with pytest.raises(UploadError, match="EUC-JP"):
        check("株式会社但馬精工の記録です。".encode("euc_jp"), "記録.txt")


def test_a_password_protected_workbook_is_refused_saying_so() -> None:
    protected = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(100)
    with pytest.raises(UploadError, match="パスワードで保護"):
        check(protected, "表.xlsx")
