"""A case after registration: its acts done on the case page by the right people (window clerk,
inspectors, head), an act not allowed refused, the inspector's queue with its deadlines, the
Excel export, the visitor's status lookup, and the pages on a phone."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from bureau import services as core
from bureau.workdays import WorkdayCalendar
from complaints import services
from complaints.models import Complaint, Status
from tests.conftest import make_id_number


def switch_user(page: Page, logged_in, username: str) -> Page:
    page.context.clear_cookies()
    return logged_in(username)


def do_act(page: Page, act: str) -> None:
    """Open the form of an act from the 办理 buttons."""
    page.get_by_test_id("acts").locator(f"button[data-act={act}]").click()
    expect(page.get_by_test_id("act-form")).to_be_visible()


def working_days_ago(days: int) -> dt.date:
    calendar, day, counted = WorkdayCalendar(), timezone.localdate(), 0
    while counted < days:
        day -= dt.timedelta(days=1)
        counted += calendar.is_workday(day)
    return day


def test_a_case_goes_from_acceptance_to_follow_up_each_act_by_its_people(logged_in, make_case):
    complaint = make_case()
    url = f"/complaints/{complaint.pk}/"

    # The window clerk accepts it and chooses the two inspectors.
    page = logged_in("window_a")
    page.goto(url)
    status = page.get_by_test_id("case-status")
    expect(status).to_have_text("已登记")
    expect(page.get_by_test_id("deadline")).to_contain_text("受理")
    do_act(page, "accept")
    form = page.get_by_test_id("act-form")
    expect(form.get_by_role("heading")).to_have_text("受理立案")
    form.get_by_label("inspector_a", exact=True).check()
    form.get_by_label("inspector_a2", exact=True).check()
    page.get_by_test_id("act-submit").click()
    expect(status).to_have_text("已立案调查")
    expect(form).to_be_hidden()
    badge = page.get_by_test_id("deadline")
    expect(badge).to_be_visible()
    expect(badge).to_contain_text("调查")
    expect(badge).to_contain_text(re.compile(r"剩\d+个工作日"))
    expect(page.get_by_test_id("case-inspectors")).to_have_text(re.compile("^(inspector_a、inspector_a2)$"))
    complaint.refresh_from_db()
    assert complaint.status == Status.ACCEPTED
    assert complaint.investigation_due == WorkdayCalendar().add(timezone.localdate(), 60).date
    assert set(complaint.inspectors.values_list("username", flat=True)) == {"inspector_a", "inspector_a2"}

    # An assigned inspector records a visit, then asks for closure.
    page = switch_user(page, logged_in, "inspector_a")
    page.goto(url)
    do_act(page, "record_step")
    page.get_by_label("情况记录").fill("到工地现场检查，查阅考勤表和工资表。")
    page.get_by_test_id("act-submit").click()
    timeline = page.get_by_test_id("timeline")
    step = timeline.locator("li", has_text="记录调查")
    expect(step).to_contain_text("到工地现场检查，查阅考勤表和工资表。")
    expect(step).to_contain_text("inspector_a")
    do_act(page, "request_closure")
    page.get_by_label("处理结果").select_option(label="已追发工资")
    page.get_by_label("追发金额（元）").fill("12000")
    page.get_by_label("涉及人数").fill("2")
    page.get_by_test_id("act-reason").fill("单位已足额支付")
    page.get_by_test_id("act-submit").click()
    expect(status).to_have_text("结案待审批")
    expect(timeline.locator("li", has_text="提请结案")).to_contain_text("追发金额：12000.00")

    # The head approves the closure.
    page = switch_user(page, logged_in, "head_a")
    page.goto(url)
    do_act(page, "approve_closure")
    page.get_by_test_id("act-submit").click()
    expect(status).to_have_text("已结案")
    expect(page.get_by_test_id("deadline")).to_have_count(0)
    expect(page.locator("dd", has_text="已追发工资")).to_contain_text("12000.00")

    # The window clerk calls the complainant back: satisfied.
    page = switch_user(page, logged_in, "window_a")
    page.goto(url)
    do_act(page, "follow_up")
    page.get_by_label("是否满意").select_option(label="满意")
    page.get_by_label("回访记录").fill("工资已收到")
    page.get_by_test_id("act-submit").click()
    expect(status).to_have_text("已回访")
    expect(page.get_by_test_id("acts")).to_be_hidden()
    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome, complaint.amount_recovered, complaint.satisfied) == (
        Status.FOLLOWED_UP,
        "paid",
        Decimal("12000.00"),
        True,
    )
    actions = list(complaint.events.order_by("at", "id").values_list("action", "by__username"))
    assert actions == [
        ("register", "window_a"),
        ("accept", "window_a"),
        ("record_step", "inspector_a"),
        ("request_closure", "inspector_a"),
        ("approve_closure", "head_a"),
        ("follow_up", "window_a"),
    ]

    # Accepting a followed-up case is refused with what is allowed, and nothing changes.
    entries = timeline.locator("li")
    expect(entries).to_have_count(6)
    refused = page.request.post(
        f"/api/v1/complaints/{complaint.pk}/acts/",
        data={"act": "accept"},
        headers={"X-CSRFToken": page.locator("meta[name=csrf-token]").get_attribute("content")},
    )
    assert refused.status == 409
    assert refused.json()["code"] == "invalid_transition"
    assert "已回访" in refused.json()["message"]
    page.reload()
    expect(status).to_have_text("已回访")
    expect(entries).to_have_count(6)
    assert complaint.events.count() == 6
    assert Complaint.objects.get(pk=complaint.pk).status == Status.FOLLOWED_UP


def test_the_inspectors_queue_lists_his_cases_by_nearest_deadline_and_exports_them(
    logged_in, make_case, staff, inspector_a2
):
    def assign(complaint: Complaint) -> None:
        services.complaint_act(
            complaint=complaint, by=staff["head_a"], act="assign", inspectors=[staff["inspector_a"], inspector_a2]
        )

    accepted = make_case(Status.ACCEPTED)  # investigation due in 60 working days
    registered = make_case()  # acceptance due in 5 working days
    assign(registered)
    overdue = make_case(received_on=working_days_ago(8))  # acceptance was due some working days ago
    late = WorkdayCalendar().between(overdue.acceptance_due, timezone.localdate()).days
    assert late > 0
    assign(overdue)
    not_his = make_case()

    page = logged_in("inspector_a")
    page.goto("/complaints/?mine=true")
    expect(page.get_by_test_id("filter-mine")).to_be_checked()
    rows = page.get_by_test_id("results").locator("tr")
    expect(rows).to_have_count(3)
    numbers = [overdue.number, registered.number, accepted.number]
    for row, number in zip(rows.all(), numbers, strict=True):
        expect(row.get_by_role("link")).to_have_text(number)
        expect(row.get_by_test_id("deadline")).to_be_visible()
    expect(page.get_by_test_id("results")).not_to_contain_text(not_his.number)
    first = rows.nth(0).get_by_test_id("deadline")
    expect(first).to_contain_text(f"超期{late}个工作日")
    expect(first).to_have_class(re.compile(r"\bdeadline-overdue\b"))
    expect(rows.nth(2).get_by_test_id("deadline")).to_contain_text("调查")

    page.get_by_test_id("filter-overdue").check()
    expect(page).to_have_url(re.compile(r"overdue=true"))
    expect(rows).to_have_count(1)
    badge = rows.first.get_by_test_id("deadline")
    expect(rows.first.get_by_role("link")).to_have_text(overdue.number)
    expect(badge).to_have_css("color", "rgb(138, 28, 28)")  # red
    expect(badge).to_have_css("background-color", "rgb(253, 232, 232)")

    page.get_by_test_id("filter-overdue").uncheck()
    expect(rows).to_have_count(3)
    with page.expect_download() as download_info:
        page.get_by_test_id("export").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][0] == "案件编号"
    assert [row[0] for row in table[1:]] == numbers


def test_a_visitor_sees_the_status_and_dates_of_his_case_but_no_names(page: Page, employer_a, staff, wages):
    worker, _ = core.worker_register(
        by=staff["window_a"], name="王来访", id_number=make_id_number(seq="777"), phone="13812345678"
    )
    complaint = services.complaint_register(
        by=staff["window_a"],
        employer=employer_a,
        categories=[wages],
        facts="拖欠工资",
        complainants=[services.ComplainantInput(worker=worker, amount_claimed=Decimal("5000"))],
    )
    page.goto("/status/")
    page.get_by_label("案件编号").fill(complaint.number)
    page.get_by_label("手机号码").fill("138 1234 5678")
    page.get_by_test_id("lookup").click()
    result = page.get_by_test_id("lookup-result")
    expect(page.get_by_test_id("lookup-status")).to_have_text("已登记")
    expect(result).to_contain_text(complaint.number)
    expect(result).to_contain_text(complaint.received_on.isoformat())
    expect(result).to_contain_text(complaint.acceptance_due.isoformat())
    main = page.locator("main")
    for private in ("王来访", employer_a.name, "5000", "拖欠工资"):
        expect(main).not_to_contain_text(private)
    expect(page.get_by_test_id("lookup-error")).to_be_hidden()

    page.get_by_label("手机号码").fill("13900000000")
    page.get_by_test_id("lookup").click()
    expect(page.get_by_test_id("lookup-error")).to_have_text("没有找到：请核对案件编号和手机号码。")
    expect(result).to_have_count(0)


@pytest.mark.browser_context_args(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
def test_on_a_phone_the_case_page_and_the_queue_fit_the_screen(logged_in, make_case):
    complaint = make_case(Status.ACCEPTED)
    page = logged_in("inspector_a")
    page.goto(f"/complaints/{complaint.pk}/")
    expect(page.get_by_test_id("case-number")).to_have_text(complaint.number)
    expect(page.get_by_test_id("timeline").locator("li")).to_have_count(3)
    do_act(page, "request_closure")
    assert page.evaluate("window.innerWidth") == 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("document.body.scrollWidth") <= 390

    page.goto("/complaints/?mine=true")
    expect(page.get_by_test_id("results").locator("tr")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("document.body.scrollWidth") <= 390
