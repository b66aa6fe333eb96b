"""Text files: which encoding, decided from the bytes, and the text read as a stream of lines.

Japanese CSV comes in three encodings (DOMAIN.md §7): UTF-8 with a BOM (Excel's 「CSV UTF-8」, e-Stat, the
女性活躍DB), UTF-8 without one, and CP932 (Excel's default 「CSV」). The rule:

- a UTF-8 BOM means UTF-8;
- a UTF-16 BOM, or NUL bytes (UTF-16 without a BOM, or not text at all), are refused by name;
- otherwise the first stretch of non-ASCII bytes decides: strict UTF-8 if it decodes as UTF-8, else CP932 if it
  decodes as CP932 and does not look like EUC-JP (which CP932 reads as half-width katakana); else the file is
  refused, naming the line. A file of ASCII only is UTF-8.
- The rest of the file is then decoded strictly as it streams: an undecodable byte later on (a file whose
  encoding changes half-way, or a CP932 user-defined character) refuses the file at that row, and a multi-byte
  character cut at the very end means the file is incomplete.

Nothing here builds the whole text: `detect_encoding` reads at most up to the first non-ASCII byte plus 64 KB,
`text_lines` decodes 1 MB at a time. (The reader streams UTF-8 through io.TextIOWrapper, which is C code and just as
strict, and reads again through `text_lines` only to find the row of a problem; CP932 always goes through it.)
`looks_like_text` judges a sniffed head (the upload check), where a character cut at the end of the head is not
an error.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from typing import IO

from shokuba.analysis.i18n import _
from shokuba.tabular.errors import TableRefused

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
CP932 = "cp932"
ENCODINGS = (UTF8_BOM, UTF8, CP932)

BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
CHUNK = 1 << 20
DECIDING_WINDOW = 64 * 1024

_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_HALF_WIDTH_KANA = re.compile("[\uff61-\uff9f]")
_NON_ASCII = re.compile(rb"[\x80-\xff]")


def encoding_label(encoding: str) -> str:
    """How an encoding is named to a user."""
    return {UTF8_BOM: "UTF-8（BOM付き）", UTF8: "UTF-8", CP932: "Shift_JIS（CP932）"}.get(encoding, encoding)


def _undecodable(name: str, line: int) -> TableRefused:
    return TableRefused.one(
        _(
            "ファイル「%(name)s」の文字コードを判別できません（UTF-8 でも Shift_JIS（CP932）でも"
            "読めない文字があります）。Excel で「CSV UTF-8（コンマ区切り）」として保存し直してください。"
        )
        % {"name": name},
        row=line,
    )


def _utf16(name: str) -> TableRefused:
    return TableRefused.one(
        _(
            "ファイル「%(name)s」は文字コードが UTF-16（Unicode テキスト）のため読めません。"
            "Excel で「CSV UTF-8（コンマ区切り）」として保存し直してください。"
        )
        % {"name": name}
    )


def binary_refusal(name: str, line: int | None = None) -> TableRefused:
    return TableRefused.one(
        _("ファイル「%(name)s」は CSV（文字のファイル）ではありません（文字でないデータがあります）。")
        % {"name": name},
        row=line,
    )


def truncated_refusal(name: str, line: int | None = None) -> TableRefused:
    return TableRefused.one(
        _(
            "ファイル「%(name)s」は途中で切れています（最後の文字が欠けています）。ダウンロードか保存をし直してください。"
        )
        % {"name": name},
        row=line,
    )


def private_use_refusal(line: int | None = None) -> TableRefused:
    return TableRefused.one(
        _(
            "Shift_JIS（CP932）の外字（利用者が定義した文字）は読めません。"
            "ふつうの文字に置き換えるか、「CSV UTF-8（コンマ区切り）」で保存し直してください。"
        ),
        row=line,
    )


def _euc_jp(name: str) -> TableRefused:
    return TableRefused.one(
        _("ファイル「%(name)s」は文字コードが EUC-JP のようです。UTF-8 か Shift_JIS（CP932）で保存し直してください。")
        % {"name": name}
    )


def _decodes(data: bytes, encoding: str, *, final: bool) -> tuple[str | None, int]:
    """(text, -1) when `data` decodes (a character cut at the end allowed unless `final`), else (None, offset)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        return decoder.decode(data, final=final), -1
    except UnicodeDecodeError:
        pass
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        return None, exc.start
    return None, len(data)  # pragma: no cover - the one-shot decode fails wherever the incremental one did


def _euc_jp_text(window: bytes) -> str | None:
    return _decodes(window, "euc_jp", final=False)[0]


def decide_encoding(head: bytes, *, name: str, complete: bool, lines_before: int = 0) -> str:
    """The encoding of a text whose first bytes (all of them when `complete`) are `head`. `head` starts at or
    before the first non-ASCII byte; `lines_before` counts the lines before it (for the row in a message)."""
    if head.startswith(BOM):
        return UTF8_BOM
    if head.startswith(UTF16_BOMS):
        raise _utf16(name)
    found = _NON_ASCII.search(head)
    nul = head.find(b"\x00")
    if nul >= 0 and (found is None or nul < found.start() + DECIDING_WINDOW):
        raise binary_refusal(name, lines_before + head[:nul].count(b"\n") + 1)
    if found is None:
        return UTF8
    start = head.rfind(b"\n", 0, found.start()) + 1  # decide from the start of that line
    window = head[start : found.start() + DECIDING_WINDOW]
    final = complete and start + len(window) >= len(head)

    def line_at(offset: int) -> int:
        return lines_before + head[: start + offset].count(b"\n") + 1

    text, utf8_failure = _decodes(window, UTF8, final=False)
    if text is not None:
        if final and _decodes(window, UTF8, final=True)[0] is None:
            raise truncated_refusal(name, line_at(len(window)))
        return UTF8
    text, cp932_failure = _decodes(window, CP932, final=final)
    euc = _euc_jp_text(window)
    if text is None:
        if euc is not None and not _HALF_WIDTH_KANA.search(euc):
            raise _euc_jp(name)
        raise _undecodable(name, line_at(max(utf8_failure, cp932_failure)))
    if _HALF_WIDTH_KANA.search(text) and euc is not None and not _HALF_WIDTH_KANA.search(euc):
        raise _euc_jp(name)  # CP932 decodes almost any bytes: EUC-JP's Japanese comes out as half-width kana
    if odd := _PRIVATE_USE.search(text):
        raise private_use_refusal(line_at(len(text[: odd.start()].encode(CP932))))
    return CP932


def detect_encoding(stream: IO[bytes], *, name: str) -> str:
    """The encoding of a whole text stream, read from the start up to its first non-ASCII byte plus 64 KB (the
    rest is checked by `text_lines` as it is read). The stream is left at its start."""
    stream.seek(0)
    head = stream.read(CHUNK)
    lines = 0
    while head and head.isascii() and b"\x00" not in head:
        lines += head.count(b"\n")
        head = stream.read(CHUNK)
    if head.startswith(BOM) or head.startswith(UTF16_BOMS) or b"\x00" in head or not head:
        stream.seek(0)
        return decide_encoding(head, name=name, complete=not head, lines_before=lines)
    found = _NON_ASCII.search(head)
    assert found is not None
    line_start = head.rfind(b"\n", 0, found.start()) + 1
    lines += head[:line_start].count(b"\n")
    head = head[line_start:]
    if len(head) < found.start() - line_start + DECIDING_WINDOW:
        head += stream.read(DECIDING_WINDOW)
    complete = not stream.read(1)
    stream.seek(0)
    return decide_encoding(head, name=name, complete=complete, lines_before=lines)


def looks_like_text(head: bytes, *, complete: bool) -> bool:
    """Whether the sniffed first bytes of a file are text in an encoding the platform reads (UTF-8 with or without
    a BOM, CP932). A character cut at the end of `head` is fine unless `complete` (the head is the whole file)."""
    try:
        decide_encoding(head, name="", complete=complete)
    except TableRefused:
        return False
    if head.startswith(BOM):
        return _decodes(head[len(BOM) :], UTF8, final=complete)[0] is not None
    return True


class BadText(Exception):
    """An undecodable byte, a user-defined (private-use) character or a NUL in the middle of a text; raised where
    the line holding it would be read, after every line before it."""

    def __init__(self, reason: str) -> None:
        self.reason = reason  # "undecodable", "private_use", "binary", "truncated"
        super().__init__(reason)


def _split_lines(text: str) -> tuple[list[str], str]:
    """Complete lines (with their terminators: \\n, \\r\\n or \\r) and the unfinished rest. A text ending in \\r
    keeps that line back: a \\n may follow in the next chunk."""
    lines = io.StringIO(text, newline="").readlines()
    if lines and (not lines[-1].endswith(("\n", "\r")) or lines[-1].endswith("\r")):
        return lines[:-1], lines[-1]
    return lines, ""


def text_lines(stream: IO[bytes], encoding: str) -> Iterator[str]:
    """The lines of a text stream (terminators kept, as `csv` wants them), decoded strictly in `encoding` 1 MB at a
    time. Raises BadText where a line cannot be decoded, after yielding every line before it."""
    stream.seek(0)
    if encoding == UTF8_BOM:
        stream.read(len(BOM))  # decided from these very bytes
        encoding = UTF8
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    rest = ""
    while chunk := stream.read(CHUNK):
        stop = ""
        nul = chunk.find(b"\x00")
        if nul >= 0:
            chunk, stop = chunk[:nul], "binary"
        pending = decoder.getstate()[0]
        try:
            text = decoder.decode(chunk, final=False)
        except UnicodeDecodeError:
            data = pending + chunk
            try:
                data.decode(encoding)
            except UnicodeDecodeError as exc:  # the first bad byte: every character before it is whole
                lines, _rest = _split_lines(rest + data[: exc.start].decode(encoding))
                yield from lines
            raise BadText("undecodable") from None
        if encoding == CP932 and (odd := _PRIVATE_USE.search(text)):
            lines, _rest = _split_lines(rest + text[: odd.start()])
            yield from lines
            raise BadText("private_use")
        lines, rest = _split_lines(rest + text)
        yield from lines
        if stop:
            raise BadText(stop)
    try:
        rest += decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise BadText("truncated") from None  # the unfinished last line is the one cut
    if rest:
        yield rest
