"""Import problems that name where they are: file, sheet, row and column, in Japanese."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from shokuba.tabular import column_letter

MAX_PROBLEMS_SHOWN = 20


@dataclass(frozen=True)
class Place:
    file: str
    sheet: str = ""
    row: int | None = None  # 1-based, as Excel and text editors count
    column: int | None = None  # 0-based index

    def __str__(self) -> str:
        parts = [_("ファイル「%(name)s」") % {"name": self.file}]
        if self.sheet:
            parts.append(_("シート「%(sheet)s」") % {"sheet": self.sheet})
        if self.row is not None:
            parts.append(_("%(row)d行目") % {"row": self.row})
        if self.column is not None:
            parts.append(_("%(column)s列") % {"column": column_letter(self.column)})
        return "・".join(parts)

    def at(self, *, row: int | None = None, column: int | None = None) -> Place:
        # Row 0 and column -1 stand for "no place in a grid" (e.g. figures that came from the API).
        return Place(self.file, self.sheet, row or self.row, column if column is not None and column >= 0 else None)


@dataclass(frozen=True)
class ImportProblem:
    place: Place
    message: str

    def __str__(self) -> str:
        return f"{self.place}：{self.message}"


class StatisticsImportError(Exception):
    """The import was refused; nothing was written. Carries every problem found, each with its place."""

    def __init__(self, problems: Iterable[ImportProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems[:MAX_PROBLEMS_SHOWN]))

    @classmethod
    def at(cls, place: Place, message: str) -> StatisticsImportError:
        return cls([ImportProblem(place, message)])

    @property
    def messages(self) -> list[str]:
        shown = [str(p) for p in self.problems[:MAX_PROBLEMS_SHOWN]]
        hidden = len(self.problems) - len(shown)
        if hidden > 0:
            shown.append(_("ほかに %(count)d 件の問題があります。") % {"count": hidden})
        return shown
