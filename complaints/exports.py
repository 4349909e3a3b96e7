"""Excel export of a case list: every row of the filtered list (not one page), with the same
columns and the same deadline figures as the list. Written with openpyxl's write-only
workbook, row by row from a chunked query, into a temporary file that is then streamed."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bureau.workdays import WorkdayCalendar
from complaints.deadlines import deadline_state
from complaints.models import Complaint

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"
CHUNK = 500


def headers() -> list[tuple[str, float]]:
    """Column titles (Chinese by default, in the request's language) and widths."""
    return [
        (_("案件编号"), 18),
        (_("状态"), 14),
        (_("类型"), 8),
        (_("来源渠道"), 14),
        (_("收到日期"), 12),
        (_("被投诉单位"), 30),
        (_("统一社会信用代码"), 22),
        (_("发生地乡镇（街道）"), 16),
        (_("类别"), 24),
        (_("投诉人数"), 10),
        (_("诉求金额（元）"), 16),
        (_("当前期限"), 12),
        (_("剩余工作日"), 12),
        (_("期限为暂定"), 10),
        (_("承办监察员"), 20),
        (_("处理结果"), 16),
        (_("追发金额（元）"), 16),
    ]


def row_values(complaint: Any, *, calendar: WorkdayCalendar, today: dt.date) -> list[Any]:
    """One case as a row; `complaint` comes from `selectors.complaint_rows()`."""
    deadline = deadline_state(complaint, today=today, calendar=calendar)
    return [
        complaint.number,
        complaint.get_status_display(),
        complaint.get_kind_display(),
        complaint.get_channel_display(),
        complaint.received_on,
        complaint.employer.name,
        complaint.employer.credit_code,
        complaint.township.name if complaint.township else "",
        "、".join(category.name for category in complaint.categories.all()),
        complaint.complainant_count,
        complaint.amount_claimed_total,
        deadline.due if deadline else None,
        deadline.days_left if deadline else None,
        (_("是") if deadline.provisional else _("否")) if deadline else "",
        "、".join(user.name or user.username for user in complaint.inspectors.all()),
        complaint.get_outcome_display() if complaint.outcome else "",
        complaint.amount_recovered,
    ]


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        # Text typed by users (an employer's name...) is never a formula.
        cell.data_type = "s"
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Decimal):
        cell.number_format = MONEY_FORMAT
    return cell


def write_complaints(
    rows: Iterable[Complaint], *, today: dt.date, calendar: WorkdayCalendar | None = None
) -> IO[bytes]:
    """The workbook of `rows` in a temporary file, positioned at its start."""
    calendar = calendar or WorkdayCalendar()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("投诉举报案件"))
    columns = headers()
    for index, (_title, width) in enumerate(columns):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    title_cells = []
    for title, _width in columns:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        title_cells.append(cell)
    sheet.append(title_cells)
    for complaint in rows:
        sheet.append([_cell(sheet, value) for value in row_values(complaint, calendar=calendar, today=today)])
    target = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    workbook.save(target)
    target.seek(0)
    return target
