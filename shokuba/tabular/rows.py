"""Rows that are not data, recognised and skipped with a note the caller can show.

Government tables and spreadsheets put more than data under the header (DOMAIN.md §7–§8):
- blank rows (between blocks, and the trailing blank rows spreadsheets leave);
- totals rows: a cell reading 合計 / 総計 / 計 / 小計 (spaces ignored: 「合　計」) and no code — when the caller names
  its code columns, those must all be blank; otherwise the totals word must be the row's first filled cell;
- notes rows: at most two cells filled, the first starting with ※, ＊, 注 / (注) / 注1), 資料: or 出典: (備考: too),
  in whichever column (notes often sit in the code column).
`DataRows` filters a stream of rows, counting what it skipped by kind with the row numbers, and words the notes:
「合計の行を読み飛ばしました（15行目）。」
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from shokuba.analysis.i18n import _
from shokuba.tabular.reader import Row, is_blank

BLANK = "blank"
TOTALS = "totals"
NOTES = "notes"

TOTAL_WORDS = frozenset({"合計", "総計", "計", "小計", "総合計"})
_NOTE = re.compile(
    r"^(?:[※*]"  # ※ and ＊ (NFKC: *)
    r"|\(注\d*\)|注\s*\d*\s*(?:[):.、]|\s|$)"  # (注), 注1), 注: , 注 本表は…, but not 注文住宅
    r"|(?:資料|出典|備考)\s*(?:[:)]|$)|\((?:資料|出典|備考)\))"
)


def _normalised(value: Any) -> str:
    if not isinstance(value, str):
        return "" if value is None else str(value)
    text = value.strip()
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _folded(value: Any) -> str:
    return "".join(_normalised(value).split())


def row_kind(cells: Sequence[Any], *, code_columns: Sequence[int] = ()) -> str | None:
    """BLANK, TOTALS or NOTES for a row that is not data, else None."""
    filled = [i for i, v in enumerate(cells) if not is_blank(v)]
    if not filled:
        return BLANK
    if len(filled) <= 2 and _NOTE.match(_normalised(cells[filled[0]])):
        return NOTES  # (in whichever column: notes often sit in the code column A)
    if code_columns and any(i < len(cells) and not is_blank(cells[i]) for i in code_columns):
        return None
    if code_columns:
        if any(_folded(cells[i]) in TOTAL_WORDS for i in filled):
            return TOTALS
    elif _folded(cells[filled[0]]) in TOTAL_WORDS:
        return TOTALS
    return None


@dataclass
class DataRows:
    """Skips blank, totals and notes rows from a stream of rows and remembers them (row numbers by kind)."""

    code_columns: Sequence[int] = ()
    kinds: frozenset[str] = frozenset({BLANK, TOTALS, NOTES})  # what to skip; a survey sheet skips blank rows only
    skipped: dict[str, list[int]] = field(default_factory=dict)

    def __call__(self, rows: Iterable[Row]) -> Iterator[Row]:
        for row in rows:
            kind = row_kind(row.cells, code_columns=self.code_columns)
            if kind is None or kind not in self.kinds:
                yield row
            else:
                self.skipped.setdefault(kind, []).append(row.number)

    def notes(self) -> list[str]:
        """One sentence per kind of skipped row, with the rows (blank rows only counted when there are many)."""
        labels = {BLANK: _("空の行"), TOTALS: _("合計の行"), NOTES: _("注記の行（※・注・資料・出典）")}
        notes = []
        for kind in (TOTALS, NOTES, BLANK):
            numbers = self.skipped.get(kind)
            if numbers:
                notes.append(
                    _("%(what)sを読み飛ばしました（%(rows)s）。") % {"what": labels[kind], "rows": row_ranges(numbers)}
                )
        return notes


def row_ranges(numbers: Sequence[int], *, limit: int = 8) -> str:
    """「3行目」「3〜5行目、9行目」; after `limit` ranges, 「ほか N行」."""
    ranges: list[tuple[int, int]] = []
    for n in numbers:
        if ranges and n == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], n)
        else:
            ranges.append((n, n))
    parts = [
        _("%(row)d行目") % {"row": a} if a == b else _("%(first)d〜%(last)d行目") % {"first": a, "last": b}
        for a, b in ranges[:limit]
    ]
    rest = sum(b - a + 1 for a, b in ranges[limit:])
    if rest:
        parts.append(_("ほか%(count)s行") % {"count": f"{rest:,}"})
    return "、".join(parts)
