"""Excel exports of the inspections lists: every row of the filtered list (not one page),
written by bureau.xlsx.write_rows from a chunked query. Dates and amounts keep their types;
a visit's time is given as its local date and, beside it, the time of day as text (Excel has
no time zones)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from bureau.xlsx import CHUNK, XLSX_CONTENT_TYPE, write_rows
from inspections import selectors
from inspections.models import AnnualReview, Campaign, OrderStatus, RectificationOrder, Visit

__all__ = [
    "CHUNK",
    "XLSX_CONTENT_TYPE",
    "write_campaigns",
    "write_missing",
    "write_orders",
    "write_reviews",
    "write_visits",
]


def _people(users: Iterable[Any]) -> str:
    return "、".join(user.name or user.username for user in users)


def _yes(value: bool) -> str:
    return _("是") if value else _("否")


# --- campaigns ----------------------------------------------------------------------------------


def campaign_headers() -> list[tuple[str, float]]:
    return [
        (_("名称"), 30),
        (_("组织县（区）"), 12),
        (_("检查类型"), 20),
        (_("开始日期"), 12),
        (_("结束日期"), 12),
        (_("检查区域"), 24),
        (_("行业门类"), 24),
        (_("目标检查单位数"), 12),
        (_("检查次数"), 10),
        (_("已检查单位数"), 12),
        (_("完成率（%）"), 10),
        (_("督促签订劳动合同人数"), 14),
        (_("进行中"), 8),
    ]


def campaign_values(campaign: Any, today: dt.date) -> list[Any]:
    """`campaign` comes from `selectors.with_progress()`."""
    progress = selectors.percent(campaign.employers_visited, campaign.target_employers)
    return [
        campaign.name,
        campaign.county.name,
        campaign.campaign_type.name,
        campaign.starts_on,
        campaign.ends_on,
        "、".join(region.name for region in campaign.regions.all()) or _("全县（区）"),
        "、".join(campaign.industry_labels()),
        campaign.target_employers,
        campaign.visits_count,
        campaign.employers_visited,
        float(progress) if progress is not None else None,
        campaign.contracts_urged_total,
        _yes(campaign.starts_on <= today <= campaign.ends_on),
    ]


def write_campaigns(rows: Iterable[Campaign]) -> IO[bytes]:
    today = timezone.localdate()
    return write_rows(_("专项检查"), campaign_headers(), (campaign_values(c, today) for c in rows))


# --- visits -------------------------------------------------------------------------------------


def visit_headers() -> list[tuple[str, float]]:
    return [
        (_("检查编号"), 20),
        (_("检查日期"), 12),
        (_("时间"), 8),
        (_("检查县（区）"), 12),
        (_("被检查单位"), 30),
        (_("统一社会信用代码"), 22),
        (_("专项检查"), 26),
        (_("检查人员"), 20),
        (_("在岗人数"), 10),
        (_("已签书面劳动合同人数"), 14),
        (_("督促签订劳动合同人数"), 14),
        (_("工资支付情况"), 16),
        (_("被欠薪人数"), 10),
        (_("欠薪金额（元）"), 16),
        (_("发现童工人数"), 10),
        (_("低于最低工资标准"), 10),
        (_("责令改正指令书数"), 10),
        (_("检查情况与发现的问题"), 40),
    ]


def visit_values(visit: Any) -> list[Any]:
    """`visit` with the county, employer and campaign joined, the inspectors prefetched and
    `orders_count` annotated (the list's queryset)."""
    local = timezone.localtime(visit.visited_at)
    return [
        visit.number,
        local.date(),
        local.strftime("%H:%M"),
        visit.county.name,
        visit.employer.name,
        visit.employer.credit_code,
        visit.campaign.name if visit.campaign else _("主动巡查"),
        _people(visit.inspectors.all()),
        visit.workers_on_site,
        visit.contracts_found,
        visit.contracts_urged,
        visit.get_wages_on_time_display(),
        visit.workers_unpaid,
        visit.amount_unpaid,
        visit.child_labour_found,
        _yes(visit.minimum_wage_problem),
        visit.orders_count,
        visit.findings,
    ]


def write_visits(rows: Iterable[Visit]) -> IO[bytes]:
    return write_rows(_("检查记录"), visit_headers(), (visit_values(v) for v in rows))


# --- rectification orders -----------------------------------------------------------------------


def order_headers() -> list[tuple[str, float]]:
    return [
        (_("指令书编号"), 20),
        (_("县（区）"), 12),
        (_("用人单位"), 30),
        (_("统一社会信用代码"), 22),
        (_("来源"), 24),
        (_("送达日期"), 12),
        (_("整改期限（工作日）"), 12),
        (_("整改截止日"), 12),
        (_("状态"), 12),
        (_("逾期"), 8),
        (_("整改事项数"), 10),
        (_("已整改事项数"), 10),
        (_("办结日期"), 12),
        (_("立案案件"), 20),
    ]


def order_values(order: Any, today: dt.date) -> list[Any]:
    if order.visit_id:
        source = _("检查记录 %(number)s") % {"number": order.visit.number}
    else:
        source = _("%(year)s年度书面审查") % {"year": order.review.year}
    cases = [case.number for case in (order.complaint, order.wage_case) if case is not None]
    return [
        order.number,
        order.county.name,
        order.employer.name,
        order.employer.credit_code,
        source,
        order.served_on,
        order.deadline_days,
        order.due_on,
        order.get_status_display(),
        _yes(order.status == OrderStatus.OPEN and order.due_on < today),
        order.items_total,
        order.items_met,
        order.concluded_on,
        "、".join(cases),
    ]


def write_orders(rows: Iterable[RectificationOrder]) -> IO[bytes]:
    today = timezone.localdate()
    return write_rows(_("责令改正指令书"), order_headers(), (order_values(o, today) for o in rows))


# --- annual written reviews ---------------------------------------------------------------------


def review_headers() -> list[tuple[str, float]]:
    return [
        (_("审查年度"), 8),
        (_("用人单位"), 30),
        (_("统一社会信用代码"), 22),
        (_("审查县（区）"), 12),
        (_("报送日期"), 12),
        (_("职工人数"), 10),
        (_("签订劳动合同人数"), 12),
        (_("参加社会保险人数"), 12),
        (_("全年工资总额（元）"), 18),
        (_("工资按时足额支付"), 10),
        (_("最低月工资（元）"), 14),
        (_("审查结论"), 10),
        (_("审查意见"), 40),
        (_("审查日期"), 12),
        (_("审查人"), 12),
    ]


def review_values(review: Any) -> list[Any]:
    reviewer = review.reviewed_by
    return [
        review.year,
        review.employer.name,
        review.employer.credit_code,
        review.county.name,
        review.submitted_on,
        review.workers,
        review.contracts_signed,
        review.insured_workers,
        review.wages_total,
        _yes(review.wages_on_time),
        review.lowest_monthly_wage,
        review.get_result_display(),
        review.opinion,
        review.reviewed_on,
        (reviewer.name or reviewer.username) if reviewer else "",
    ]


def write_reviews(rows: Iterable[AnnualReview]) -> IO[bytes]:
    return write_rows(_("书面审查"), review_headers(), (review_values(r) for r in rows))


def missing_headers() -> list[tuple[str, float]]:
    return [(_("用人单位"), 30), (_("统一社会信用代码"), 22), (_("所在区划"), 16), (_("地址"), 30)]


def write_missing(rows: Iterable[Any], year: int) -> IO[bytes]:
    title = _("%(year)s年度未报送书面审查") % {"year": year}
    values = ([e.name, e.credit_code, e.region.name, e.address] for e in rows)
    return write_rows(title[:31], missing_headers(), values)
