"""The Excel exports of the inspections lists: each opens with openpyxl, holds every row of the
filtered list (not one page) with typed dates and amounts, is scoped like the list, and is
recorded as the other exports are."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from bureau.models import AccessAction, PersonalDataAccess
from inspections import services
from inspections.models import WagesOnTime
from tests.bureau.conftest import assert_error
from tests.inspections.conftest import now, today

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ANSWERED = {"real_name": True, "special_account": True, "paid_by_bank": True}


@pytest.fixture
def client_of(staff: dict[str, Any], api: Callable[..., Any]) -> Callable[[str], Any]:
    return lambda who: api(staff[who])


def sheet(response: Any) -> list[list[Any]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_the_visits_export_holds_the_filtered_rows(
    client_of: Any, make_visit: Any, campaign_a: Any, employer_a: Any, settings: Any
) -> None:
    patrols = [
        make_visit(
            visited_at=now() - dt.timedelta(days=n, hours=1),
            wages_on_time=WagesOnTime.NO,
            workers_unpaid=1,
            amount_unpaid="1234.50",
        )
        for n in range(3)
    ]
    in_campaign = make_visit(campaign=campaign_a, answers=ANSWERED)
    table = sheet(client_of("window_a").get("/api/v1/visits/export/", {"patrol": "true", "page_size": 1}))
    header, *rows = table
    assert header[:6] == ["检查编号", "检查日期", "时间", "检查县（区）", "被检查单位", "统一社会信用代码"]
    assert [row[0] for row in rows] == [v.number for v in patrols]  # every row, newest first
    first = rows[0]
    local = timezone.localtime(patrols[0].visited_at)
    assert (first[1].date(), first[2]) == (local.date(), local.strftime("%H:%M"))  # a date, and the time as text
    assert (first[4], first[5], first[6]) == (employer_a.name, employer_a.credit_code, "主动巡查")
    assert first[header.index("欠薪金额（元）")] == pytest.approx(float(Decimal("1234.50")))
    assert first[header.index("工资支付情况")] == "存在拖欠或克扣"
    assert in_campaign.number not in [row[0] for row in rows]
    record = PersonalDataAccess.objects.get(action=AccessAction.EXPORT, model="inspections.Visit")
    assert sorted(record.object_ids) == sorted(v.pk for v in patrols)
    # county B exports none of county A's visits
    assert sheet(client_of("window_b").get("/api/v1/visits/export/"))[1:] == []
    # the county filter takes a region code, as the list's: the city's code keeps county A's
    city = client_of("city_head")
    everything = sheet(city.get("/api/v1/visits/export/", {"county": "339900"}))[1:]
    assert sorted(row[0] for row in everything) == sorted(v.number for v in [*patrols, in_campaign])
    assert sheet(city.get("/api/v1/visits/export/", {"county": "339902"}))[1:] == []
    assert sheet(client_of("window_a").get("/api/v1/visits/export/", {"county": "339902"}))[1:] == []


def test_the_orders_export_follows_the_status_filter(client_of: Any, make_order: Any, staff: Any) -> None:
    open_order = make_order()
    cancelled = make_order()
    services.order_cancel(by=staff["head_a"], order=cancelled, reason="误发")
    header, *rows = sheet(client_of("inspector_a").get("/api/v1/rectification-orders/export/", {"status": "open"}))
    assert header[0] == "指令书编号"
    assert [row[0] for row in rows] == [open_order.number]
    row = rows[0]
    assert row[header.index("状态")] == "整改中"
    assert row[header.index("整改期限（工作日）")] == 10
    assert row[header.index("整改事项数")] == 2
    assert row[header.index("来源")] == f"检查记录 {open_order.visit.number}"
    assert row[header.index("整改截止日")].date() == open_order.due_on


def test_the_reviews_and_missing_exports(
    client_of: Any, staff: Any, employer_a: Any, make_employer: Any, tree: Any
) -> None:
    year = today().year - 1
    services.review_submit(
        by=staff["inspector_a"],
        data=services.ReviewInput(
            employer=employer_a,
            year=year,
            submitted_on=today(),
            workers=12,
            contracts_signed=12,
            insured_workers=11,
            wages_total="720000.00",
        ),
    )
    unreviewed = make_employer("湖滨电子厂", tree.town_a1)
    header, *rows = sheet(client_of("window_a").get("/api/v1/annual-reviews/export/", {"year": year}))
    assert [row[1] for row in rows] == [employer_a.name]
    assert rows[0][header.index("全年工资总额（元）")] == 720000
    assert rows[0][header.index("审查结论")] == "待审查"
    assert sheet(client_of("window_a").get("/api/v1/annual-reviews/export/", {"year": year - 1}))[1:] == []

    header, *rows = sheet(client_of("window_a").get("/api/v1/annual-reviews/missing/export/", {"year": year}))
    assert header[:2] == ["用人单位", "统一社会信用代码"]
    assert rows == [["湖滨电子厂", unreviewed.credit_code, "湖滨街道", None]]  # no address: an empty cell
    assert_error(
        client_of("window_a").get("/api/v1/annual-reviews/missing/export/", {"county": "339902"}),
        400,
        "invalid",
        [("county", "does_not_exist")],
    )


def test_the_campaigns_export_has_the_progress(client_of: Any, campaign_a: Any, make_visit: Any) -> None:
    make_visit(campaign=campaign_a, answers=ANSWERED, workers_on_site=4, contracts_urged=4)
    header, *rows = sheet(client_of("head_a").get("/api/v1/campaigns/export/", {"active": "true"}))
    assert [row[0] for row in rows] == [campaign_a.name]
    row = rows[0]
    assert (row[header.index("检查次数")], row[header.index("已检查单位数")]) == (1, 1)
    assert row[header.index("完成率（%）")] == 5.0
    assert row[header.index("督促签订劳动合同人数")] == 4
    assert row[header.index("检查区域")] == "全县（区）"
    assert sheet(client_of("head_a").get("/api/v1/campaigns/export/", {"active": "false"}))[1:] == []
