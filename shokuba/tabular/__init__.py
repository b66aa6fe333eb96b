"""The one tabular reader: every uploaded or given table (survey paper/Excel imports, workplace template and
女性活躍DB, regional e-Stat files, the evidence check's text sniffing, the analysis CLI) is read here.

Pure Python without Django; wording through `shokuba.analysis.i18n` (Japanese templates translated late).
Layering: domain apps → core → {analysis, tabular}; nothing here imports the rest of shokuba.

    workbook = open_workbook(data, "回答.xlsx", limits=Limits(max_rows=11_000), extensions={".xlsx", ".csv"})
    sheet = workbook.sheet(prefer=["回答"])                     # CSV: the one sheet
    header, rows = locate_header(sheet.rows(), specs)         # titles above the header are fine
    problems = Problems(sheet.name)
    problems.extend(sheet.problems(merged_from_row=header.row))  # formulas and merged cells: one rule
    problems.extend(header.problems(sheet.name))              # missing / ambiguous columns
    data_rows = DataRows(code_columns=[header.column("code")])
    for row in data_rows(rows):                               # blank / totals / notes rows skipped
        try:
            code = codebook.match(row.cells[column])           # 4 → "04", 60 → "60+", 女性 → "F"
        except CellValueError as exc:
            problems.add(exc.message, row=row.number, column=column_letter(column), header=...)
    problems.refuse_if_any()                                  # TableRefused: every problem by cell
    notes = data_rows.notes()                                 # 「合計の行を読み飛ばしました（15行目）。」

Modules: `reader` (open_workbook, Workbook, Sheet, Row), `text` (encodings), `archive` (ZIP guard, Limits),
`headers` (header_key, ColumnSpec, match_header, locate_header), `rows` (DataRows), `cells` (Codebook,
number_of, date_of, identifier_of, plain_text, cell_text), `errors` (CellError, TableRefused, Problems,
column_letter).
"""

from shokuba.tabular.archive import Limits
from shokuba.tabular.cells import (
    UNDISCLOSED,
    CellValueError,
    Code,
    Codebook,
    cell_text,
    date_of,
    folded,
    identifier_of,
    number_of,
    plain_text,
    serial_date,
)
from shokuba.tabular.errors import (
    CellError,
    Problems,
    TableRefused,
    cell_name,
    column_index,
    column_letter,
)
from shokuba.tabular.headers import ColumnSpec, HeaderMatch, header_key, locate_header, match_header
from shokuba.tabular.reader import CSV, XLSX, CellRange, Row, Sheet, Workbook, blank_row, is_blank, open_workbook
from shokuba.tabular.rows import DataRows, row_kind
from shokuba.tabular.text import looks_like_text

__all__ = [
    "CSV",
    "UNDISCLOSED",
    "XLSX",
    "CellError",
    "CellRange",
    "CellValueError",
    "Code",
    "Codebook",
    "ColumnSpec",
    "DataRows",
    "HeaderMatch",
    "Limits",
    "Problems",
    "Row",
    "Sheet",
    "TableRefused",
    "Workbook",
    "blank_row",
    "cell_name",
    "cell_text",
    "column_index",
    "column_letter",
    "date_of",
    "folded",
    "header_key",
    "identifier_of",
    "is_blank",
    "locate_header",
    "looks_like_text",
    "match_header",
    "number_of",
    "open_workbook",
    "plain_text",
    "row_kind",
    "serial_date",
]
