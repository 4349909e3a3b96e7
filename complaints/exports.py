"""Excel export of a case list: every row of the filtered list (not one page), with the same
columns and the same deadline figures as the list. Written with openpyxl's write-only
workbook, row by row from a chunked query, into a temporary file that is then streamed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import IO, Any

from django.utils.translation import gettext as _

from bureau.workdays import WorkdayCalendar
from bureau.xlsx import CHUNK, XLSX_CONTENT_TYPE, write_rows
from complaints.deadlines import deadline_state
from complaints.models import Complaint

__all__ = ["CHUNK", "XLSX_CONTENT_TYPE", "headers", "row_values", "write_complaints"]


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


def write_complaints(
    rows: Iterable[Complaint], *, today: dt.date, calendar: WorkdayCalendar | None = None
) -> IO[bytes]:
    """The workbook of `rows` in a temporary file, positioned at its start."""
    calendar = calendar or WorkdayCalendar()
    values = (row_values(complaint, calendar=calendar, today=today) for complaint in rows)
    return write_rows(_("投诉举报案件"), headers(), values)
