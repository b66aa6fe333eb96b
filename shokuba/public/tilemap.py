"""The prefecture tile map of Japan: one square per prefecture on a grid that keeps neighbours roughly where they are,
drawn server-side as an inline SVG (no script, no style attribute, no external request; colours in public.css).

Tile maps trade shape for equal, readable areas: each prefecture is one tile whatever its size, so a tile can carry
a label and a link on a phone. The positions are the platform's own (column, row), not taken from any map source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# prefecture code -> (column, row)
TILES: dict[str, tuple[int, int]] = {
    "01": (12, 0),
    "02": (12, 2),
    "05": (11, 3),
    "03": (12, 3),
    "06": (11, 4),
    "04": (12, 4),
    "17": (8, 5),
    "16": (9, 5),
    "15": (10, 5),
    "07": (11, 5),
    "18": (7, 6),
    "21": (8, 6),
    "20": (9, 6),
    "10": (10, 6),
    "09": (11, 6),
    "08": (12, 6),
    "32": (3, 6),
    "31": (4, 6),
    "35": (2, 7),
    "34": (3, 7),
    "33": (4, 7),
    "28": (5, 7),
    "26": (6, 7),
    "25": (7, 7),
    "23": (8, 7),
    "19": (9, 7),
    "11": (10, 7),
    "13": (11, 7),
    "12": (12, 7),
    "27": (6, 8),
    "29": (7, 8),
    "24": (8, 8),
    "22": (9, 8),
    "14": (10, 8),
    "30": (6, 9),
    "41": (0, 8),
    "40": (1, 8),
    "44": (2, 8),
    "38": (3, 9),
    "37": (4, 9),
    "36": (5, 9),
    "39": (4, 10),
    "42": (0, 9),
    "43": (1, 9),
    "45": (2, 9),
    "46": (1, 10),
    "47": (0, 11),
}

SIZE = 44  # one tile, in SVG user units
GAP = 4
COLUMNS = 13
ROWS = 12


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    members: int
    x: int
    y: int
    href: str
    title: str

    @property
    def css_class(self) -> str:
        if self.members == 0:
            return "tile tile-none"
        return "tile tile-one" if self.members == 1 else "tile tile-many"

    @property
    def label_x(self) -> int:
        return self.x + SIZE // 2

    @property
    def label_y(self) -> int:
        return self.y + SIZE // 2 + 5


def tiles(
    names: Mapping[str, str], members: Mapping[str, int], href: Mapping[str, str], titles: Mapping[str, str]
) -> list[Tile]:
    out = []
    for code, (column, row) in sorted(TILES.items()):
        out.append(
            Tile(
                code,
                names.get(code, code),
                members.get(code, 0),
                column * (SIZE + GAP),
                row * (SIZE + GAP),
                href.get(code, ""),
                titles.get(code, ""),
            )
        )
    return out


def view_box() -> str:
    return f"0 0 {COLUMNS * (SIZE + GAP)} {ROWS * (SIZE + GAP)}"


def short_name(name: str) -> str:
    """北海道 stays; 東京都/大阪府/京都府/…県 lose the suffix for the tile's label."""
    if name == "北海道":
        return name
    return name[:-1] if name.endswith(("都", "府", "県")) else name
