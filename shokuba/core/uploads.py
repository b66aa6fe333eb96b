"""Checking uploaded files: size limit, an allow-list of types, and the content must match its extension.

Every upload passes here once, in the service that receives it (evidence, survey responses, workplace indicator
files; the regional upload page calls it in its view until its service takes the file), so pages and the API check
alike. A file is identified by its first bytes, never by its name or the browser's Content-Type: an .exe renamed
.pdf starts with "MZ", not "%PDF-", and is refused. Text is judged by the tabular reader's decoder
(`shokuba.tabular.text`): UTF-8 with or without BOM or CP932, a character cut at the end of the sniffed head being
no error; data files are then read by the tabular reader itself, which checks every byte.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.utils.translation import gettext as _

from shokuba.core.text import strip_forbidden
from shokuba.tabular import TableRefused
from shokuba.tabular.archive import OLE2_MAGIC, ZIP_MAGIC, broken_refusal, ole2_refusal
from shokuba.tabular.text import decide_encoding

OFFICE_ZIP_MARKERS = {
    ".docx": "word/",
    ".xlsx": "xl/",
    ".pptx": "ppt/",
}
ALLOWED_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".csv": "text/csv",
    ".txt": "text/plain",
}


class UploadError(ValueError):
    """Refused upload; the message names the file and the reason, in Japanese."""


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    extension: str
    content_type: str
    size: int
    sha256: str


HEAD_BYTES = 4096


def _text_problem(head: bytes, *, name: str, complete: bool, extension: str) -> str | None:
    """Why the sniffed head is not text the platform reads, or None. A binary file named .txt is a disguise
    (the generic message); for a .csv, and for text in another encoding, the reader's decoder says why."""
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")) and extension != ".csv":
        return ""
    try:
        decide_encoding(head, name=name, complete=complete)
    except TableRefused as refusal:
        return str(refusal.errors[0])
    return None


def _zip_names(stream: IO[bytes]) -> list[str] | None:
    """The entries of a ZIP (listed, never inflated), or None when it cannot be opened (broken, cut)."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return None


def _content_problem(extension: str, head: bytes, stream: IO[bytes], *, name: str, size: int) -> str | None:
    """Why the content does not match the extension ("" for the generic message), or None when it does."""
    if extension == ".pdf":
        return None if head.startswith(b"%PDF-") else ""
    if extension == ".png":
        return None if head.startswith(b"\x89PNG\r\n\x1a\n") else ""
    if extension in (".jpg", ".jpeg"):
        return None if head.startswith(b"\xff\xd8\xff") else ""
    if extension in OFFICE_ZIP_MARKERS:
        if head.startswith(OLE2_MAGIC):  # a password-protected document, or the legacy binary format
            return ole2_refusal(head, name).errors[0].message
        if not head.startswith(ZIP_MAGIC):
            return ""
        names = _zip_names(stream)
        if names is None:
            return broken_refusal(name, workbook=extension == ".xlsx").errors[0].message
        marker = OFFICE_ZIP_MARKERS[extension]
        return None if "[Content_Types].xml" in names and any(n.startswith(marker) for n in names) else ""
    if extension in (".csv", ".txt"):
        return _text_problem(head, name=name, complete=size <= len(head), extension=extension)
    if extension == ".zip":
        if not head.startswith(ZIP_MAGIC):
            return ""
        names = _zip_names(stream)
        return broken_refusal(name, workbook=False).errors[0].message if not names else None
    return ""


DATA_EXTENSIONS = {
    ".csv": "text/csv",
    ".xlsx": ALLOWED_EXTENSIONS[".xlsx"],
    ".zip": "application/zip",
}


def check_upload(
    stream: IO[bytes], *, name: str, size: int, max_bytes: int, allowed: dict[str, str] | None = None
) -> CheckedUpload:
    """Check an uploaded file and return what is known about it, or raise UploadError. `allowed` narrows or
    changes the allow-list (e.g. DATA_EXTENSIONS for data imports, which also take a .zip; what is inside a
    ZIP is the importer's to check, with limits on the expanded size)."""
    # A file-derived name is single-line text: control characters and bidi overrides are dropped, not refused.
    display = strip_forbidden(PurePath(name).name).strip() or "（名前なし）"
    extension = PurePath(display).suffix.lower()
    if extension == ".xls":
        raise UploadError(
            _(
                "ファイル「%(name)s」は古い形式（.xls）の Excel ファイルのため受け付けていません。"
                "Excel で「Excel ブック（.xlsx）」として保存し直してください。"
            )
            % {"name": display}
        )
    if allowed is not None and extension not in allowed:
        raise UploadError(
            _("ファイル「%(name)s」の種類（%(ext)s）は受け付けていません。%(allowed)s のファイルを選んでください。")
            % {"name": display, "ext": extension or _("拡張子なし"), "allowed": "・".join(sorted(allowed))}
        )
    if size <= 0:
        raise UploadError(_("ファイル「%(name)s」は空です。") % {"name": display})
    if size > max_bytes:
        raise UploadError(
            _("ファイル「%(name)s」は大きすぎます（%(size).1f MB）。%(limit).0f MB 以下にしてください。")
            % {"name": display, "size": size / 1024 / 1024, "limit": max_bytes / 1024 / 1024}
        )
    if allowed is None and extension not in ALLOWED_EXTENSIONS:
        raise UploadError(
            _(
                "ファイル「%(name)s」の種類（%(ext)s）は受け付けていません。PDF、画像（PNG・JPEG）、Word、Excel、PowerPoint、CSV、テキストのみ登録できます。"
            )
            % {"name": display, "ext": extension or _("拡張子なし")}
        )
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    problem = _content_problem(extension, head, stream, name=display, size=size)
    if problem:
        raise UploadError(problem)
    if problem is not None:
        raise UploadError(
            _(
                "ファイル「%(name)s」の中身が拡張子（%(ext)s）と一致しません。別の種類のファイルの名前を変えたものは登録できません。"
            )
            % {"name": display, "ext": extension}
        )
    stream.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(65536), b""):
        digest.update(chunk)
    stream.seek(0)
    return CheckedUpload(
        name=display[:255],
        extension=extension,
        content_type=(allowed or ALLOWED_EXTENSIONS)[extension],
        size=size,
        sha256=digest.hexdigest(),
    )
