"""The one Content-Disposition builder: every download (tables, charts, QR codes, flyers, evidence, exports,
the audit log) names its file through `attach`, never by hand.

RFC 6266 with RFC 5987's `filename*`: an ASCII fallback in `filename="…"` for old clients (no quotes,
backslashes, control characters or non-ASCII in it) and the full name in UTF-8, percent-encoded. The name
itself is cleaned first (core.text's single-line rule, no path separators), so a wave or organisation name with
a line break or a bidi override can never break the header or disguise the file's extension.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponseBase
from django.utils.translation import gettext as _

from shokuba.core.text import strip_forbidden

_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._() -]")
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,8}")
_PATH_SEPARATORS = str.maketrans({"/": "_", "\\": "_"})
MAX_NAME = 150  # characters of the UTF-8 name; the header stays well under any server's limit

R = TypeVar("R", bound=HttpResponseBase)


def download_name(name: str, *, fallback: str = "download") -> str:
    """The file name as it is offered: one line, no path separators, no leading dots, at most MAX_NAME
    characters (the extension kept)."""
    # A line break or a bidi override becomes a space (it separated words), then runs of spaces fold into one.
    text = " ".join(strip_forbidden(name, replacement=" ").translate(_PATH_SEPARATORS).split()).lstrip(".")
    if len(text) > MAX_NAME:
        stem, dot, extension = text.rpartition(".")
        if dot and 0 < len(extension) <= 8:
            text = stem[: MAX_NAME - len(extension) - 1] + "." + extension
        else:
            text = text[:MAX_NAME]
    return text or fallback


def ascii_fallback(name: str, *, fallback: str = "download") -> str:
    """The ASCII part of the name for `filename=` (what old clients read), or a neutral name with the same
    extension."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not _EXTENSION.fullmatch(extension):
        stem, extension = name, ""
    safe_stem = _ASCII_SAFE.sub("", stem.encode("ascii", "ignore").decode()).strip(" _-.")
    return f"{safe_stem or fallback}.{extension}" if extension else (safe_stem or fallback)


def content_disposition(name: str, *, inline: bool = False, fallback: str = "download") -> str:
    """`attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded>` (or `inline; …`)."""
    full = download_name(name, fallback=fallback)
    disposition = "inline" if inline else "attachment"
    ascii_name = ascii_fallback(full, fallback=fallback)
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(full, safe='')}"


def attach(response: R, name: str, *, inline: bool = False, fallback: str = "download") -> R:
    """Name the file a response carries (a download by default, `inline` to show it in the browser)."""
    response["Content-Disposition"] = content_disposition(name, inline=inline, fallback=fallback)
    return response


def uploaded_file_response(path: Path, *, content_type: str, name: str) -> FileResponse:
    """A file someone uploaded (evidence, attachments, materials) as a download: named through `attach`, never
    sniffed or rendered in this origin (a sandbox policy), never cached by a shared cache. 404 when it is gone."""
    try:
        handle = path.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("ファイルが見つかりません。")) from exc
    response = attach(FileResponse(handle, content_type=content_type), name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
