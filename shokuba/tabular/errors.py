"""Where a problem is, in the words a spreadsheet user sees: sheet, row as the spreadsheet numbers it, column letter,
the column's header, and what was expected.

Messages are Japanese templates with named placeholders, formatted through the engine's translation hook
(`shokuba.analysis.i18n`): Japanese in the command line, the request's language behind the pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shokuba.analysis.i18n import _

MAX_LISTED_ERRORS = 200


def column_letter(index: int) -> str:
    """The column's name as a spreadsheet shows it, from a 0-based index: 0 → A, 25 → Z, 26 → AA."""
    if index < 0:
        raise ValueError(f"column index {index} is negative")
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_index(letters: str) -> int:
    """The 0-based index of a column name: A → 0, AA → 26 (the inverse of `column_letter`)."""
    if not letters or not letters.isascii() or not letters.isalpha():
        raise ValueError(f"not a column name: {letters!r}")
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


def cell_name(row: int, column: int) -> str:
    """A cell's name from its row as the spreadsheet numbers it (1-based) and its 0-based column: (3, 1) → B3."""
    return f"{column_letter(column)}{row}"


def short(text: str, limit: int = 30) -> str:
    """A value or header quoted in a message, cut to `limit` characters."""
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True)
class CellError:
    """One problem and its place: sheet ("" for CSV), row as the spreadsheet numbers it, column letter(s) ("E",
    or "E〜H" for the columns of one question) and the column's header."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    header: str = ""

    @property
    def place(self) -> str:
        parts = []
        if self.sheet:
            parts.append(_("シート「%(sheet)s」") % {"sheet": self.sheet})
        if self.row is not None:
            parts.append(_("%(row)d行目") % {"row": self.row})
        if self.column:
            parts.append(_("%(column)s列") % {"column": self.column})
        text = " ".join(parts)
        return f"{text}（{self.header}）" if self.header else text

    def __str__(self) -> str:
        return f"{self.place}：{self.message}" if self.place else self.message


class TableRefused(Exception):
    """The file cannot be read or imported; nothing was stored. `errors` lists at most MAX_LISTED_ERRORS problems,
    `total` counts them all."""

    def __init__(self, errors: Sequence[CellError], total: int | None = None) -> None:
        self.errors = list(errors[:MAX_LISTED_ERRORS])
        self.total = total if total is not None else len(errors)
        super().__init__(self.summary)

    @classmethod
    def one(cls, message: str, **where: object) -> TableRefused:
        """A refusal with one message (about the whole file, or one place: sheet=, row=, column=, header=)."""
        return cls([CellError(message, **where)])  # type: ignore[arg-type]

    @property
    def summary(self) -> str:
        if self.total == 1 and self.errors:
            return str(self.errors[0])
        if self.total > len(self.errors):
            return _(
                "取り込めませんでした。%(total)s件の誤りがあります（最初の%(shown)s件を表示しています）。"
                "1件も保存していません。"
            ) % {"total": f"{self.total:,}", "shown": f"{len(self.errors):,}"}
        return _("取り込めませんでした。%(total)s件の誤りがあります。1件も保存していません。") % {
            "total": f"{self.total:,}"
        }

    @property
    def messages(self) -> list[str]:
        """Every listed problem as one line (place and message), then how many more there are."""
        lines = [str(e) for e in self.errors]
        if self.total > len(self.errors):
            lines.append(_("ほかに %(count)s 件の問題があります。") % {"count": f"{self.total - len(self.errors):,}"})
        return lines


class Problems:
    """Collects cell errors for one sheet; keeps the first `limit` and counts the rest."""

    def __init__(self, sheet: str = "", *, limit: int = MAX_LISTED_ERRORS) -> None:
        self.sheet = sheet
        self.limit = limit
        self.listed: list[CellError] = []
        self.total = 0

    def add(self, message: str, *, row: int | None = None, column: str = "", header: str = "") -> None:
        self.total += 1
        if len(self.listed) < self.limit:
            self.listed.append(CellError(message, self.sheet, row, column, header))

    def extend(self, errors: Iterable[CellError]) -> None:
        for error in errors:
            self.total += 1
            if len(self.listed) < self.limit:
                self.listed.append(error)

    def __bool__(self) -> bool:
        return self.total > 0

    def refuse_if_any(self) -> None:
        if self.total:
            raise TableRefused(self.listed, self.total)
