"""Checking uploaded files: size limit, an allow-list of types, and the content must match its extension.

A file is identified by its first bytes, never by its name or the browser's Content-Type: an .exe renamed
.pdf starts with "MZ", not "%PDF-", and is refused.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.utils.translation import gettext as _

from shokuba.core.text import strip_forbidden

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


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "cp932"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is still text.
            if exc.start >= len(head) - 3:
                return True
    return False


def _matches(extension: str, head: bytes, stream: IO[bytes]) -> bool:
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension in OFFICE_ZIP_MARKERS:
        if not head.startswith(b"PK\x03\x04"):
            return False
        stream.seek(0)
        try:
            with zipfile.ZipFile(stream) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return False
        return "[Content_Types].xml" in names and any(n.startswith(OFFICE_ZIP_MARKERS[extension]) for n in names)
    if extension in (".csv", ".txt"):
        return _looks_like_text(head)
    if extension == ".zip":
        return _is_zip(stream, head)
    return False


DATA_EXTENSIONS = {
    ".csv": "text/csv",
    ".xlsx": ALLOWED_EXTENSIONS[".xlsx"],
    ".zip": "application/zip",
}


def _is_zip(stream: IO[bytes], head: bytes) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            return bool(archive.infolist())  # the entries are listed, not expanded
    except (zipfile.BadZipFile, OSError, EOFError):
        return False


def check_upload(
    stream: IO[bytes], *, name: str, size: int, max_bytes: int, allowed: dict[str, str] | None = None
) -> CheckedUpload:
    """Check an uploaded file and return what is known about it, or raise UploadError. `allowed` narrows or
    changes the allow-list (e.g. DATA_EXTENSIONS for data imports, which also take a .zip; what is inside a
    ZIP is the importer's to check, with limits on the expanded size)."""
    # A file-derived name is single-line text: control characters and bidi overrides are dropped, not refused.
    display = strip_forbidden(PurePath(name).name).strip() or "（名前なし）"
    extension = PurePath(display).suffix.lower()
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
    head = stream.read(4096)
    if not _matches(extension, head, stream):
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
