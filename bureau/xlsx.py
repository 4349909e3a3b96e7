"""Excel exports of lists: one write-only openpyxl workbook, written row by row (from a chunked
query) into a temporary file that the response then streams. Dates and money keep their types
(Excel sorts and sums them); text that users typed is never read as a formula."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"
CHUNK = 500  # rows read per query


def _cell(sheet: WriteOnlyWorksheet, value: Any, money_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        # Text typed by users (an employer's name...) is never a formula.
        cell.data_type = "s"
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Decimal):
        cell.number_format = money_format
    return cell


def write_rows(
    title: str,
    columns: Sequence[tuple[str, float]],
    rows: Iterable[Sequence[Any]],
    *,
    money_format: str = MONEY_FORMAT,
) -> IO[bytes]:
    """A one-sheet workbook: bold column titles (with their widths), frozen, then `rows`; in a
    temporary file positioned at its start."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title)
    for index, (_title, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    title_cells = []
    for name, _width in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        title_cells.append(cell)
    sheet.append(title_cells)
    for values in rows:
        sheet.append([_cell(sheet, value, money_format) for value in values])
    target = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    workbook.save(target)
    target.seek(0)
    return target
