"""Build shokuba/static/fonts/ShokubaSansJP-Regular.otf: a Japanese subset of Noto Sans CJK JP (SIL OFL 1.1).

PNG/SVG charts are drawn by vl-convert, which sees only the fonts registered with it; a fresh machine has no
Japanese font, so the project ships this subset. It covers every character of Shift_JIS (CP932: JIS X 0208
kanji levels 1 and 2, kana, NEC/IBM extensions such as ①), ASCII and Latin-1, plus every character used in
the reference data and in the project's own text. The family is renamed "Shokuba Sans JP" as the OFL asks of
a modified version, so it is never mistaken for the full font.

One-off tool, not needed at run time:
    python3 -m venv /tmp/fv && /tmp/fv/bin/pip install fonttools
    /tmp/fv/bin/python scripts/regional_font_subset.py /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
(Debian's fonts-noto-cjk package provides the .ttc; index 0 is the JP face.)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "shokuba" / "static" / "fonts" / "ShokubaSansJP-Regular.otf"
FAMILY = "Shokuba Sans JP"


def cp932_characters() -> set[str]:
    chars: set[str] = set()
    for lead in [*range(0x81, 0xA0), *range(0xE0, 0xFD)]:
        for trail in [*range(0x40, 0x7F), *range(0x80, 0xFD)]:
            try:
                chars.add(bytes([lead, trail]).decode("cp932"))
            except UnicodeDecodeError:
                continue
    return chars


def project_characters() -> set[str]:
    chars: set[str] = set()
    for pattern in ("shokuba/**/*.py", "shokuba/**/*.html", "shokuba/**/*.po", "shokuba/**/*.csv", "shokuba/**/*.json"):
        for path in ROOT.glob(pattern):
            if ".venv" in path.parts or "vendor" in path.parts:
                continue
            chars.update(path.read_text(encoding="utf-8", errors="ignore"))
    return chars


def main(source: str) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    font = TTCollection(source).fonts[0]
    wanted = {chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0xA0, 0x100)}
    wanted |= cp932_characters() | project_characters()
    wanted |= {chr(c) for c in range(0x3000, 0x3100)} | {chr(c) for c in range(0xFF00, 0xFFF0)}
    wanted |= set("−–—‐―…‥・〜～→←↑↓△▲▽▼○●◎□■◇◆※")
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in wanted if c.isprintable() or c == " "])
    subsetter.subset(font)
    names = font["name"]
    for record in names.names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID == 4:
            record.string = f"{FAMILY} Regular"
        elif record.nameID == 6:
            record.string = "ShokubaSansJP-Regular"
        elif record.nameID == 3:
            record.string = "ShokubaSansJP-Regular;subset of Noto Sans CJK JP"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(OUT))
    print(f"{OUT} {OUT.stat().st_size / 1024 / 1024:.1f} MB, {len(wanted)} characters requested")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
