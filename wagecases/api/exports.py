"""Excel export of the wage-case list: every row of the filtered list (not one page), with the
list's per-case totals as numbers. Written with openpyxl's write-only workbook, row by row
from a chunked query, into a temporary file that is then streamed (as bureau/xlsx.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from django.utils.translation import gettext as _

from bureau.xlsx import CHUNK, XLSX_CONTENT_TYPE, write_rows
from wagecases.models import WageCase

__all__ = ["CHUNK", "XLSX_CONTENT_TYPE", "headers", "row_values", "write_wagecases"]

MONEY_FORMAT = "0.00"


def headers() -> list[tuple[str, float]]:
    """Column titles (Chinese by default, in the request's language) and widths."""
    return [
        (_("案件编号"), 20),
        (_("状态"), 12),
        (_("案件来源"), 10),
        (_("立案日期"), 12),
        (_("欠薪单位"), 30),
        (_("统一社会信用代码"), 22),
        (_("工程项目"), 24),
        (_("承办监察员"), 20),
        (_("人数"), 8),
        (_("未核定人数"), 10),
        (_("诉求金额（元）"), 16),
        (_("核定金额（元）"), 16),
        (_("已追发工资（元）"), 16),
        (_("加付赔偿金（元）"), 16),
        (_("利息（元）"), 14),
        (_("已付合计（元）"), 16),
        (_("已追发工资人数"), 12),
        (_("尚欠工资（元）"), 16),
        (_("结案日期"), 12),
        (_("移送机关"), 20),
    ]


def row_values(case: Any) -> list[Any]:
    """One case as a row; `case` comes from `selectors.cases_with_totals()`."""
    return [
        case.number,
        case.get_status_display(),
        case.get_source_display(),
        case.opened_on,
        case.employer.name,
        case.employer.credit_code,
        case.project.name if case.project else "",
        "、".join(user.name or user.username for user in case.inspectors.all()),
        case.workers,
        case.unconfirmed,
        case.claimed,
        case.confirmed,
        case.wages_paid,
        case.compensation_paid,
        case.interest_paid,
        case.total_paid,
        case.workers_paid,
        case.outstanding,
        case.closed_on,
        case.get_transferred_to_display() if case.transferred_to else "",
    ]


def write_wagecases(rows: Iterable[WageCase]) -> IO[bytes]:
    """The workbook of `rows` in a temporary file, positioned at its start."""
    return write_rows(_("欠薪案件"), headers(), (row_values(case) for case in rows), money_format=MONEY_FORMAT)
