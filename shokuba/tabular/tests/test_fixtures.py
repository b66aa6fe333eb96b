"""The reader on the built fixtures (README.md in fixtures/): a title above the header, a totals row and notes
at the bottom, in CP932, in UTF-8 with a BOM, and inside a ZIP."""

from __future__ import annotations

from pathlib import Path

import pytest

from shokuba.tabular import ColumnSpec, DataRows, identifier_of, locate_header, number_of, open_workbook
from shokuba.tabular.tests.fixtures import build

FIXTURES = Path(build.__file__).resolve().parent
SPECS = [
    ColumnSpec("code", ("団体コード", "全国地方公共団体コード"), required=True),
    ColumnSpec("name", ("市区町村", "市区町村名")),
    ColumnSpec("moved_in", ("転入者数",)),
    ColumnSpec("moved_out", ("転出者数",)),
]


def test_the_committed_fixtures_are_what_the_script_builds() -> None:
    for name, data in build.build().items():
        assert (FIXTURES / name).read_bytes() == data, f"rebuild {name}: python -m {build.__name__}"


@pytest.mark.parametrize(
    ("name", "encoding", "member"),
    [
        ("government_table.cp932.csv", "cp932", ""),
        ("government_table.utf8bom.csv", "utf-8-sig", ""),
        ("government_table.utf8bom.zip", "utf-8-sig", "28_20250101_utf8_bom.csv"),
    ],
)
def test_a_government_table_reads_below_its_title_without_totals_notes_or_blank_rows(
    name: str, encoding: str, member: str
) -> None:
    workbook = open_workbook((FIXTURES / name).read_bytes(), name)
    assert (workbook.encoding, workbook.member) == (encoding, member)
    header, rows = locate_header(workbook.sheet().rows(), SPECS)
    assert header.row == 3 and not header.missing and [r.number for r in header.above] == [1, 2]
    assert header.header("moved_in") == "転入者数（人）"  # the unit in brackets does not stop the match
    data = DataRows(code_columns=[header.columns["code"]])
    read = [
        (
            identifier_of(r.cells[header.columns["code"]]),
            r.cells[header.columns["name"]],
            number_of(r.cells[header.columns["moved_in"]]),
        )
        for r in data(rows)
    ]
    assert read == [(code, area, float(moved_in)) for code, area, moved_in, _out in build.AREAS]
    assert data.notes() == [
        "合計の行を読み飛ばしました（9行目）。",
        "注記の行（※・注・資料・出典）を読み飛ばしました（10〜11行目）。",
        "空の行を読み飛ばしました（12〜13行目）。",
    ]
