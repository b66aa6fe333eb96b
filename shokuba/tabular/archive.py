"""ZIP containers (an .xlsx workbook, or a download holding one CSV), opened only after their declared sizes are
checked, and inflated only in bounded streams whose CRC must match.

- Before anything inflates: at most `max_entries` entries, at most `max_uncompressed_bytes` in all as declared,
  and no entry over `ratio_from_bytes` that inflates more than `max_ratio`-fold (sheet XML compresses 5–30-fold,
  CSV 5–15-fold; a ZIP bomb thousands-fold). A bomb is refused without inflating a byte of it.
- While inflating: zipfile stops at the declared size and checks the CRC at the end, so a central directory that
  lies about a size is caught too; the count of bytes read is checked against the declared total as well.
- Encrypted entries, legacy .xls and password-protected workbooks (both OLE2 containers) are refused by name.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import IO

from shokuba.analysis.i18n import _
from shokuba.tabular.errors import TableRefused

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted .xlsx, or a legacy .xls / .doc
ENCRYPTED_PACKAGE_MARKER = "EncryptedPackage".encode("utf-16-le")


@dataclass(frozen=True)
class Limits:
    """How much a file may hold. The defaults suit a file typed or exported by a person (the survey import)."""

    max_bytes: int = 20 * 1024 * 1024  # the file as uploaded
    max_uncompressed_bytes: int = 200 * 1024 * 1024  # a ZIP's entries, inflated, in all
    max_entries: int = 2000
    max_ratio: int = 200
    ratio_from_bytes: int = 1024 * 1024
    max_rows: int | None = None  # rows of one sheet (None: no limit; CSV rows are counted as they stream)
    max_columns: int | None = None


def ole2_refusal(head: bytes, name: str) -> TableRefused:
    """The message for an OLE2 container: a password-protected workbook, or the legacy .xls format."""
    if ENCRYPTED_PACKAGE_MARKER in head:
        return TableRefused.one(
            _(
                "ファイル「%(name)s」はパスワードで保護されているため読めません。"
                "パスワードを解除し、「Excel ブック（.xlsx）」として保存し直してください。"
            )
            % {"name": name}
        )
    return TableRefused.one(
        _(
            "ファイル「%(name)s」は古い形式（.xls）の Excel ファイルのため読めません。"
            "Excel で「Excel ブック（.xlsx）」か CSV として保存し直してください。"
        )
        % {"name": name}
    )


def broken_refusal(name: str, *, workbook: bool) -> TableRefused:
    if workbook:
        return TableRefused.one(
            _("ファイル「%(name)s」は Excel ファイルとして読めません（壊れているか、途中で切れています）。")
            % {"name": name}
        )
    return TableRefused.one(
        _("ZIP ファイル「%(name)s」は壊れているか、途中で切れているため読めません。") % {"name": name}
    )


def _too_big(name: str) -> TableRefused:
    return TableRefused.one(
        _(
            "ファイル「%(name)s」は展開すると大きすぎるため読みません（ZIP 爆弾の疑い）。"
            "値だけを入力したファイルか、分けたファイルにしてください。"
        )
        % {"name": name}
    )


def checked_archive(stream: IO[bytes], name: str, limits: Limits, *, workbook: bool) -> zipfile.ZipFile:
    """The archive, after its central directory passed the declared-size checks. Nothing is inflated yet."""
    stream.seek(0)
    try:
        archive = zipfile.ZipFile(stream)
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise broken_refusal(name, workbook=workbook) from exc
    if len(entries) > limits.max_entries:
        raise _too_big(name)
    total = 0
    for entry in entries:
        total += entry.file_size
        suspicious = entry.file_size > limits.ratio_from_bytes and entry.file_size > limits.max_ratio * max(
            entry.compress_size, 1
        )
        if total > limits.max_uncompressed_bytes or suspicious:
            raise _too_big(name)
        if entry.flag_bits & 0x1:
            raise TableRefused.one(
                _("ファイル「%(name)s」は暗号化されています。パスワードを外して保存し直してください。") % {"name": name}
            )
    return archive


def is_workbook(archive: zipfile.ZipFile) -> bool:
    names = archive.namelist()
    return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)


def is_opendocument(archive: zipfile.ZipFile) -> bool:
    return "content.xml" in archive.namelist() and "mimetype" in archive.namelist()


def inflate_all(archive: zipfile.ZipFile, name: str) -> None:
    """Inflate every entry in a bounded stream (the CRC of each must match), keeping nothing."""
    try:
        for entry in archive.infolist():
            with archive.open(entry) as member:
                while member.read(CHUNK):
                    pass
    except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError, ValueError) as exc:  # CRC, method, cut
        raise broken_refusal(name, workbook=True) from exc


CHUNK = 1 << 20


class MemberStream(io.RawIOBase):
    """One entry of a checked archive as a seekable-to-the-start binary stream: inflated in a bounded stream,
    CRC checked at the end; a broken or lying entry becomes a TableRefused."""

    def __init__(self, archive: zipfile.ZipFile, entry: zipfile.ZipInfo, name: str) -> None:
        self.archive = archive
        self.entry = entry
        self.name = name
        self._member: IO[bytes] | None = None
        self._read = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if offset != 0 or whence != io.SEEK_SET:  # only rewinding: the entry is inflated again from the start
            raise io.UnsupportedOperation("a ZIP entry can only be rewound")
        if self._member is not None:
            self._member.close()
        self._member = None
        self._read = 0
        return 0

    def tell(self) -> int:
        return self._read

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            if self._member is None:
                self._member = self.archive.open(self.entry)
            data = self._member.read(len(buffer))
        except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError, ValueError) as exc:
            raise broken_refusal(self.name, workbook=False) from exc
        self._read += len(data)
        if self._read > self.entry.file_size:  # pragma: no cover - zipfile stops at the declared size
            raise broken_refusal(self.name, workbook=False)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if self._member is not None:
            self._member.close()
            self._member = None
        super().close()
