"""Header rows found by what they say, and header names matched in the forms real files use.

`header_key` is the one comparison of header names: NFKC (full-width letters and digits, （）→ ()), every space and
line break removed, case folded, 【】［］〔〕 read as (), dash variants read as "-", and then
- a leading item number taken off: 「10.」「4.(1)」「14.」「(2)」 (the 女性活躍DB numbers items after the law);
- a trailing unit in brackets taken off: 「(%)」「(人)」「(年)」「(時間)」「(倍)」「(円)」…
So `10.管理職に占める女性労働者の割合-割合(%)` has the key `管理職に占める女性労働者の割合-割合`: a sub-item after 「-」
stays part of the name.

`match_header` maps a header row to a caller's `ColumnSpec`s (each with aliases), in three tiers, each tried for
every spec before the next, a column claimed by one spec never matched by another:
1. the whole key equals a name's key;
2. (loose) the key without leading 「…-」 segments does: 「企業認定等-くるみん認定」 answers to 「くるみん認定」;
3. (loose) the key without trailing 「-…」 segments does: 「…割合-割合(%)」 answers to 「…割合」, unless another
   column answers too (「…割合-人数(人)」), which makes the spec ambiguous rather than a guess.
The result says which specs were found, which are missing and which are ambiguous (with the columns).

`locate_header` finds the header row among the first rows by content (titles above it are fine): the row that
matches the most specs, or the first row a caller's predicate accepts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from shokuba.analysis.i18n import _
from shokuba.tabular.errors import CellError, TableRefused, column_letter, short
from shokuba.tabular.reader import Row, is_blank

_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")", "｛": "(", "｝": ")"})
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−﹣－"})
_SPACES = re.compile(r"\s+")
_ITEM_NUMBER = re.compile(r"^(?:(?:\d+\.)+(?:\(\d+\))?|\(\d+\))")
UNITS = (
    "%",
    "人",
    "名",
    "年",
    "歳",
    "か月",
    "ヶ月",
    "ヵ月",
    "カ月",
    "月",
    "日",
    "時間",
    "分",
    "倍",
    "円",
    "千円",
    "万円",
    "百万円",
    "件",
    "社",
    "回",
    "ポイント",
    "pt",
)
_UNIT = re.compile(r"\((?:" + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True)) + r")\)$")


def header_text(value: Any) -> str:
    """A header cell as written (numbers without '.0', spaces at the ends and a stray BOM taken off)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\ufeff", "").strip()


def header_key(text: Any) -> str:
    """The form in which header names are compared (see the module's docstring)."""
    value = unicodedata.normalize("NFKC", header_text(text))
    value = _SPACES.sub("", value).translate(_BRACKETS).translate(_DASHES)
    value = _ITEM_NUMBER.sub("", value, count=1)
    value = _UNIT.sub("", value, count=1)
    return value.casefold()


def _segments(key: str) -> list[str]:
    return [s for s in key.split("-") if s] if "-" in key else [key]


def _suffixes(key: str) -> set[str]:
    parts = _segments(key)
    return {"-".join(parts[i:]) for i in range(1, len(parts))}


def _prefixes(key: str) -> set[str]:
    parts = _segments(key)
    return {"-".join(parts[:i]) for i in range(1, len(parts))}


@dataclass(frozen=True)
class ColumnSpec:
    """A column a caller reads: its own `key`, the header `names` it accepts (the first is the one shown in
    messages; the rest are aliases, e.g. an older release's wording), and whether the file is refused without it."""

    key: str
    names: tuple[str, ...]
    required: bool = False

    @property
    def label(self) -> str:
        return self.names[0] if self.names else self.key


@dataclass
class HeaderMatch:
    """A header row mapped to specs. `row` is the header's row number; columns are 0-based."""

    row: int
    headers: list[str]  # every header cell as written
    specs: dict[str, ColumnSpec]
    columns: dict[str, int] = field(default_factory=dict)  # spec key → column
    missing: list[ColumnSpec] = field(default_factory=list)
    ambiguous: dict[str, list[int]] = field(default_factory=dict)  # spec key → the columns that answer to it
    above: list[Row] = field(default_factory=list)  # the rows above the header (titles, notes)

    def column(self, key: str) -> int | None:
        return self.columns.get(key)

    def header(self, key: str) -> str:
        """The header of a found column as the file writes it."""
        return self.headers[self.columns[key]]

    def letter(self, key: str) -> str:
        return column_letter(self.columns[key])

    @property
    def unclaimed(self) -> list[int]:
        """Columns with a header that no spec claimed (nor found ambiguous)."""
        taken = set(self.columns.values()) | {i for columns in self.ambiguous.values() for i in columns}
        return [i for i, h in enumerate(self.headers) if h and i not in taken]

    def problems(self, sheet: str = "", *, only_required: bool = True) -> list[CellError]:
        """Missing (required, unless `only_required` is False) and ambiguous columns, placed on the header row."""
        found: list[CellError] = []
        for spec in self.missing:
            if spec.required or not only_required:
                found.append(
                    CellError(
                        _("見出し「%(header)s」の列が見つかりません。") % {"header": short(spec.label, 40)},
                        sheet,
                        self.row,
                    )
                )
        for key, columns in self.ambiguous.items():
            found.append(
                CellError(
                    _("「%(header)s」に当たる列が複数あります（%(headers)s）。どの列を読むか決められません。")
                    % {
                        "header": short(self.specs[key].label, 40),
                        "headers": "、".join(f"{column_letter(i)}列「{short(self.headers[i], 40)}」" for i in columns),
                    },
                    sheet,
                    self.row,
                    "・".join(column_letter(i) for i in columns),
                )
            )
        return found


def match_header(cells: Sequence[Any], specs: Iterable[ColumnSpec], *, loose: bool = True, row: int = 1) -> HeaderMatch:
    """Map one header row to `specs` (see the module's docstring). With `loose=False` only whole names match
    (codes like 「UB-H01」 are not to be read as a name and a sub-item)."""
    specs = list(specs)
    headers = [header_text(c) for c in cells]
    keys = [header_key(h) if h else "" for h in headers]
    tiers: list[list[set[str]]] = [[{k} if k else set() for k in keys]]
    if loose:
        tiers.append([_suffixes(k) for k in keys])
        tiers.append([_prefixes(k) for k in keys])
    match = HeaderMatch(row, headers, {s.key: s for s in specs})
    claimed: set[int] = set()
    open_specs = list(specs)
    for tier in tiers:
        hits_by_spec: dict[str, list[int]] = {}
        for spec in open_specs:
            wanted = {header_key(n) for n in spec.names}
            # Every column that answers counts, claimed or not: one that another spec took is no licence to
            # take the next best (「…割合」 is not 「…割合-人数」 because 「…割合-割合」 went elsewhere).
            hits = [i for i, candidates in enumerate(tier) if candidates & wanted]
            if len(hits) > 1 or (hits and hits[0] not in claimed):
                hits_by_spec[spec.key] = hits
        for spec in open_specs:
            hits = hits_by_spec.get(spec.key, [])
            if len(hits) == 1:
                match.columns[spec.key] = hits[0]
            elif hits:
                match.ambiguous[spec.key] = hits
        claimed |= {i for hits in hits_by_spec.values() for i in hits}
        open_specs = [s for s in open_specs if s.key not in hits_by_spec]
    match.missing = open_specs
    return match


def locate_header(
    rows: Iterable[Row],
    specs: Iterable[ColumnSpec] = (),
    *,
    predicate: Callable[[list[Any]], bool] | None = None,
    scan_rows: int = 30,
    minimum: int = 1,
    loose: bool = True,
) -> tuple[HeaderMatch, Iterator[Row]]:
    """The header row among the first `scan_rows` non-blank rows, and the rows after it (the rest of `rows`,
    still streaming). Without a predicate, the row matching the most specs (at least `minimum`; the first such row
    on a tie; the search ends at a row matching every spec, or at the first row naming none after a match); with
    one, the first row it accepts. Raises TableRefused naming the headers looked for."""
    specs = list(specs)
    iterator = iter(rows)
    buffer: list[Row] = []
    best: tuple[int, int] | None = None  # (score, index in buffer)
    best_match: HeaderMatch | None = None
    seen = 0
    for row in iterator:
        buffer.append(row)
        if all(is_blank(v) for v in row.cells):
            continue
        seen += 1
        if predicate is not None:
            if predicate(row.cells):
                best_match = match_header(row.cells, specs, loose=loose, row=row.number)
                best = (0, len(buffer) - 1)
                break
        else:
            candidate = match_header(row.cells, specs, loose=loose, row=row.number)
            score = len(candidate.columns) + len(candidate.ambiguous)
            if score >= minimum and (best is None or score > best[0]):
                best, best_match = (score, len(buffer) - 1), candidate
                if not candidate.missing:
                    break
            elif best is not None and score == 0:
                break  # a row that names no column after the best one: the data has begun
        if seen >= scan_rows:
            break
    if best is None or best_match is None:
        looked_for = "」「".join(short(s.label, 20) for s in specs[:5])
        raise TableRefused.one(
            _("見出しの行が見つかりません（最初の%(rows)d行に「%(headers)s」などの見出しがありません）。")
            % {"rows": scan_rows, "headers": looked_for}
            if specs
            else _("見出しの行が見つかりません（最初の%(rows)d行を調べました）。") % {"rows": scan_rows}
        )
    index = best[1]
    best_match.above = buffer[:index]
    return best_match, chain(buffer[index + 1 :], iterator)
