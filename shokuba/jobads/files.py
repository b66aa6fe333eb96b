"""An uploaded ad's text (.txt, .docx, .pdf) and the rows of a file of many ads (.csv, .xlsx).

Every file first passes `core.uploads.check_upload` (size, allow-list, content sniffing). Text files are decoded
by the tabular reader's rule (BOM → UTF-8, strict UTF-8, CP932); a Word file's text is read from its
`word/document.xml` with the standard library (paragraphs and table cells, no python-docx dependency); a PDF's
text comes from poppler's `pdftotext` when the server has it (Debian's poppler-utils), otherwise the page asks
for the text to be pasted. A table of many ads is read by `shokuba.tabular` (headers found by name)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from shokuba.analysis.jobad import MAX_TEXT
from shokuba.core.uploads import ALLOWED_EXTENSIONS, DATA_EXTENSIONS, UploadError, check_upload
from shokuba.tabular import ColumnSpec, Limits, TableRefused, cell_text, locate_header, open_workbook
from shokuba.tabular.text import decide_encoding

MAX_AD_FILE_BYTES = 10 * 1024 * 1024
MAX_BATCH_BYTES = 10 * 1024 * 1024
MAX_BATCH_ROWS = 1000
AD_EXTENSIONS = {ext: ALLOWED_EXTENSIONS[ext] for ext in (".txt", ".docx", ".pdf")}
BATCH_EXTENSIONS = {ext: DATA_EXTENSIONS[ext] for ext in (".csv", ".xlsx")}
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _decoded(data: bytes, name: str) -> str:
    try:
        encoding = decide_encoding(data[:65536], name=name, complete=len(data) <= 65536)
        return data.decode(encoding)
    except (TableRefused, UnicodeDecodeError, LookupError) as error:
        raise UploadError(
            _("ファイル「%(name)s」の文字コードを読み取れません。UTF-8 か Shift_JIS で保存してください。")
            % {"name": name}
        ) from error


def _docx_text(stream: IO[bytes], name: str) -> str:
    try:
        with zipfile.ZipFile(stream) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > 50 * 1024 * 1024:
                raise UploadError(_("ファイル「%(name)s」の本文が大きすぎます。") % {"name": name})
            root = ElementTree.fromstring(archive.read(info))  # noqa: S314 - a size-checked document; no DTD is read
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError) as error:
        raise UploadError(_("ファイル「%(name)s」を Word 文書として読み取れません。") % {"name": name}) from error
    lines = []
    for paragraph in root.iter(f"{_W}p"):
        parts = []
        for node in paragraph.iter():
            if node.tag == f"{_W}t" and node.text:
                parts.append(node.text)
            elif node.tag in {f"{_W}tab"}:
                parts.append("\t")
            elif node.tag in {f"{_W}br", f"{_W}cr"}:
                parts.append("\n")
        lines.append("".join(parts))
    return "\n".join(lines)


def pdf_supported() -> bool:
    return shutil.which("pdftotext") is not None


def _pdf_text(stream: IO[bytes], name: str) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        raise UploadError(
            _("このサーバーでは PDF「%(name)s」から文字を取り出せません。本文をコピーして貼り付けてください。")
            % {"name": name}
        )
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        shutil.copyfileobj(stream, handle)
        handle.flush()
        done = subprocess.run(  # noqa: S603 - a fixed tool on a file we wrote
            [tool, "-layout", "-enc", "UTF-8", "-l", "20", handle.name, "-"],
            capture_output=True,
            timeout=30,
            check=False,
        )
    if done.returncode != 0:
        raise UploadError(_("PDF「%(name)s」から文字を取り出せませんでした。") % {"name": name})
    text = done.stdout.decode("utf-8", errors="replace").replace("\f", "\n")
    if not text.strip():
        raise UploadError(
            _("PDF「%(name)s」には文字がありません（画像だけの PDF かもしれません）。本文を貼り付けてください。")
            % {"name": name}
        )
    return text


def ad_text_from_upload(stream: IO[bytes], *, name: str, size: int) -> tuple[str, str]:
    """(the file's name as shown, its text), or UploadError naming the file."""
    checked = check_upload(stream, name=name, size=size, max_bytes=MAX_AD_FILE_BYTES, allowed=AD_EXTENSIONS)
    stream.seek(0)
    if checked.extension == ".docx":
        text = _docx_text(stream, checked.name)
    elif checked.extension == ".pdf":
        text = _pdf_text(stream, checked.name)
    else:
        text = _decoded(stream.read(), checked.name)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise UploadError(_("ファイル「%(name)s」に文字がありません。") % {"name": checked.name})
    return checked.name, text[:MAX_TEXT]


BATCH_COLUMNS = (
    ColumnSpec("organisation", ("企業・団体", "企業名", "団体名", "事業所名"), required=True),
    ColumnSpec("title", ("求人の名前", "職種", "件名", "タイトル"), required=True),
    ColumnSpec("text", ("本文", "求人の本文", "仕事内容"), required=True),
)


@dataclass(frozen=True)
class BatchRow:
    row: int
    organisation: str
    title: str
    text: str


def batch_rows(stream: IO[bytes], *, name: str, size: int) -> list[BatchRow]:
    """The ads of a CSV or Excel file (columns 企業・団体, 求人の名前, 本文), or UploadError / TableRefused."""
    checked = check_upload(stream, name=name, size=size, max_bytes=MAX_BATCH_BYTES, allowed=BATCH_EXTENSIONS)
    stream.seek(0)
    workbook = open_workbook(stream, checked.name, limits=Limits(max_bytes=MAX_BATCH_BYTES))
    sheet = workbook.sheet()
    header, rows = locate_header(sheet.rows(), BATCH_COLUMNS)
    problems = header.problems(sheet.name)
    if problems:
        raise UploadError(" ".join(str(p) for p in problems))
    found: list[BatchRow] = []
    for row in rows:
        cells = [cell_text(c) for c in row.cells]
        if not any(c.strip() for c in cells):
            continue
        values = {key: (cells[i] if i < len(cells) else "").strip() for key, i in header.columns.items()}
        found.append(BatchRow(row.number, values["organisation"], values["title"], values["text"]))
        if len(found) > MAX_BATCH_ROWS:
            raise UploadError(_("一度に読み込めるのは %(n)d 件までです。") % {"n": MAX_BATCH_ROWS})
    return found
