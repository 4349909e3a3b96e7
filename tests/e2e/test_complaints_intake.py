"""Registering a complaint at the window: the keyboard-first intake form with its suggestions and
quick registration of new workers and employers, the errors shown next to the fields, the draft
kept in the browser, one case for a form submitted twice, the repeat employer, the receipt."""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import Page, Request, expect

from bureau.models import Employer, Worker
from bureau.workdays import add_workdays
from complaints.models import Complaint
from tests.conftest import make_credit_code, make_id_number


def suggestions(page: Page, box_testid: str):
    """The suggestion list under a search box of the intake."""
    return page.locator(".suggest", has=page.get_by_test_id(box_testid)).get_by_role("option")


def pick_employer(page: Page, typed: str, name: str) -> None:
    """Type part of the name, wait for the suggestion, ↓ and Enter."""
    box = page.get_by_test_id("employer-search")
    box.press_sequentially(typed)
    expect(suggestions(page, "employer-search").first).to_contain_text(name)
    box.press("ArrowDown")
    box.press("Enter")
    expect(page.get_by_test_id("picked-employer")).to_contain_text(name)


def add_worker(page: Page, typed: str, name: str) -> None:
    """Type a name, wait for the one suggestion, ↓ and Enter: the worker joins the table and the
    cursor moves to his amount."""
    box = page.get_by_test_id("worker-search")
    box.press_sequentially(typed)
    hits = suggestions(page, "worker-search")
    expect(hits).to_have_count(1)
    expect(hits.first).to_contain_text(name)
    box.press("ArrowDown")
    box.press("Enter")
    row = page.locator("[data-testid=intake-form] tbody tr", has_text=name)
    expect(row).to_be_visible()
    expect(row.get_by_test_id("amount")).to_be_focused()


def test_a_clerk_registers_a_complaint_with_the_keyboard_and_prints_its_receipt(logged_in, employer_a, workers_a):
    new_id = make_id_number("339901", "19920704", "551")
    page = logged_in("window_a")
    page.goto("/complaints/new/")
    expect(page.get_by_test_id("employer-search")).to_be_focused()
    pick_employer(page, "东湖建设", "东湖建设有限公司")

    # A new person: his full ID number and Enter open the quick registration, the number filled in.
    worker_box = page.get_by_test_id("worker-search")
    worker_box.fill(new_id)
    worker_box.press("Enter")
    expect(page.get_by_test_id("new-worker")).to_be_visible()
    expect(page.get_by_test_id("new-worker-id")).to_have_value(new_id)
    expect(page.get_by_test_id("new-worker-name")).to_be_focused()
    page.keyboard.type("李新民")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("new-worker-phone")).to_be_focused()
    page.keyboard.type("13712345678")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("new-worker")).to_be_hidden()
    rows = page.locator("[data-testid=intake-form] tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("李新民")
    amounts = page.get_by_test_id("amount")
    expect(amounts.first).to_be_focused()
    page.keyboard.type("8000")

    add_worker(page, "工人1", "工人1")
    expect(rows).to_have_count(2)
    expect(amounts.nth(1)).to_be_focused()
    page.keyboard.type("4000.50")
    expect(page.get_by_test_id("complainant-total")).to_contain_text("12000.50")

    page.get_by_test_id("categories").get_by_label("拖欠工资").check()
    facts = page.get_by_test_id("facts")
    facts.fill("2026年3月起拖欠两人工资共12000.50元，要求支付。")
    facts.press("Control+Enter")

    expect(page).to_have_url(re.compile(r"/complaints/\d+/\?registered=1$"))
    year = timezone.localdate().year
    expect(page.get_by_test_id("case-number")).to_have_text(f"339901-{year}-0001")
    expect(page.get_by_test_id("case-status")).to_have_text("已登记")
    expect(page.get_by_test_id("case-notice")).to_contain_text(f"339901-{year}-0001")
    complaint = Complaint.objects.get()
    assert page.url.endswith(f"/complaints/{complaint.pk}/?registered=1")
    assert (complaint.number, complaint.status, complaint.employer) == (f"339901-{year}-0001", "registered", employer_a)
    new_worker = Worker.objects.get(id_number=new_id)
    assert (new_worker.name, new_worker.phone) == ("李新民", "+8613712345678")
    claims = {c.worker_id: str(c.amount_claimed) for c in complaint.complainants.all()}
    assert claims == {new_worker.pk: "8000.00", workers_a[1].pk: "4000.50"}
    assert [c.code for c in complaint.categories.all()] == ["unpaid_wages"]

    # The receipt (回执): its number and the date by which the acceptance decision is due.
    due = add_workdays(timezone.localdate(), 5).date
    with page.expect_popup() as popup:
        page.get_by_test_id("receipt-link").click()
    receipt = popup.value
    expect(receipt).to_have_url(re.compile(rf"/complaints/{complaint.pk}/receipt/$"))
    expect(receipt.get_by_test_id("receipt-number")).to_have_text(f"339901-{year}-0001")
    expect(receipt.get_by_test_id("receipt-due")).to_contain_text(f"{due.year}年{due.month}月{due.day}日")
    expect(receipt.locator("body")).to_contain_text("李新民、工人1")
    assert "size: A4" in receipt.locator("style").text_content()
    receipt.get_by_role("link", name="改为A5").click()
    expect(receipt).to_have_url(re.compile(r"/receipt/\?size=a5$"))
    expect(receipt.get_by_test_id("receipt-number")).to_have_text(f"339901-{year}-0001")
    assert "size: A5" in receipt.locator("style").text_content()


def test_a_new_employer_is_registered_from_the_intake_and_a_wrong_credit_code_stores_nothing(logged_in, tree):
    wrong = make_credit_code("91339901MA0NEW001")[:17] + "0"
    assert wrong != make_credit_code("91339901MA0NEW001")
    page = logged_in("window_a")
    page.goto("/complaints/new/")
    box = page.get_by_test_id("employer-search")
    box.fill(wrong)
    box.press("Enter")
    quick = page.get_by_test_id("new-employer")
    expect(quick).to_be_visible()
    code = page.get_by_test_id("new-employer-code")
    expect(code).to_have_value(wrong)
    name = page.get_by_test_id("new-employer-name")
    name.fill("湖滨劳务有限公司")
    name.press("Enter")
    expect(quick.locator(".field-error").first).to_contain_text("统一社会信用代码校验位错误")
    expect(code).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("picked-employer")).to_have_count(0)
    assert not Employer.objects.exists()

    code.fill(make_credit_code("91339901MA0NEW001"))
    name.press("Enter")
    picked = page.get_by_test_id("picked-employer")
    expect(picked).to_contain_text("湖滨劳务有限公司")
    expect(picked).to_contain_text(make_credit_code("91339901MA0NEW001"))
    expect(quick).to_have_count(0)
    employer = Employer.objects.get()
    assert (employer.name, employer.credit_code, employer.region) == (
        "湖滨劳务有限公司",
        make_credit_code("91339901MA0NEW001"),
        tree.county_a,
    )


def test_errors_are_shown_next_to_their_fields_and_nothing_is_stored(logged_in, employer_a, workers_a):
    page = logged_in("window_a")
    page.goto("/complaints/new/")
    add_worker(page, "工人0", "工人0")
    page.keyboard.type("-100")
    page.get_by_test_id("facts").fill("拖欠工资")
    page.get_by_test_id("submit").click()

    expect(page.get_by_test_id("form-message")).to_have_text("提交的数据有误，请检查标出的字段。")
    employer_error = page.locator(".suggest", has=page.get_by_test_id("employer-search")).locator(".field-error")
    expect(employer_error).to_have_text("请选择或登记被投诉单位。")
    expect(page.get_by_test_id("employer-search")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-testid=categories] + .field-error")).to_have_text("请至少选择一个类别。")
    row = page.locator("[data-testid=intake-form] tbody tr").first
    expect(row.locator(".field-error")).to_have_text("金额不能为负数。")
    expect(page.get_by_test_id("amount")).to_have_attribute("aria-invalid", "true")
    assert not Complaint.objects.exists()

    # Corrected, but the period owed starts before the worker (born 1985-03-15) turned 16.
    pick_employer(page, "东湖建设", "东湖建设有限公司")
    page.get_by_test_id("amount").fill("100")
    page.get_by_test_id("categories").get_by_label("拖欠工资").check()
    row.get_by_label("欠薪起始日").fill("2001-03-14")
    page.get_by_test_id("submit").click()
    expect(row.locator(".field-error")).to_have_text("起始日早于该劳动者年满16周岁的日期，请核对。")
    expect(page.locator("[data-testid=categories] + .field-error")).to_be_hidden()
    assert not Complaint.objects.exists()

    row.get_by_label("欠薪起始日").fill("2001-03-15")
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/complaints/\d+/\?registered=1$"))
    assert Complaint.objects.get().complainants.get().period_from.isoformat() == "2001-03-15"


def test_a_half_typed_complaint_survives_a_reload_until_the_draft_is_discarded(logged_in, staff, employer_a, workers_a):
    draft_key = f"draft:{staff['window_a'].pk}:complaint-new"
    page = logged_in("window_a")
    page.goto("/complaints/new/")
    restored = page.get_by_text("已恢复上次未提交的内容。")
    expect(restored).to_be_hidden()
    pick_employer(page, "东湖建设", "东湖建设有限公司")
    add_worker(page, "工人2", "工人2")
    page.keyboard.type("3000")
    page.wait_for_function(f"(localStorage.getItem('{draft_key}') || '').includes('3000')")

    page.reload()
    expect(restored).to_be_visible()
    expect(page.get_by_test_id("picked-employer")).to_contain_text("东湖建设有限公司")
    rows = page.locator("[data-testid=intake-form] tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("工人2")
    expect(page.get_by_test_id("amount")).to_have_value("3000")

    page.get_by_role("button", name="放弃草稿").click()
    expect(restored).to_be_hidden()
    expect(page.get_by_test_id("employer-search")).to_be_visible()
    expect(page.get_by_test_id("picked-employer")).to_have_count(0)
    expect(rows).to_have_count(0)
    assert page.evaluate(f"localStorage.getItem('{draft_key}')") is None
    assert not Complaint.objects.exists()


def test_a_form_submitted_twice_registers_one_case(logged_in, employer_a, workers_a):
    page = logged_in("window_a")
    page.goto("/complaints/new/")
    pick_employer(page, "东湖建设", "东湖建设有限公司")
    add_worker(page, "工人0", "工人0")
    page.keyboard.type("5000")
    page.get_by_test_id("categories").get_by_label("拖欠工资").check()
    facts = page.get_by_test_id("facts")
    facts.fill("拖欠工资5000元")

    def registration(request: Request) -> bool:
        return request.method == "POST" and request.url.endswith("/api/v1/complaints/")

    answers: list[int] = []
    page.on("response", lambda response: answers.append(response.status) if registration(response.request) else None)
    # Ctrl+Enter pressed twice: the second goes out while the first is on its way, same form key.
    with page.expect_request(registration) as posted:
        facts.press("Control+Enter")
        facts.press("Control+Enter")
    expect(page).to_have_url(re.compile(r"/complaints/\d+/\?registered=1$"))
    complaint = Complaint.objects.get()
    expect(page.get_by_test_id("case-number")).to_have_text(complaint.number)
    assert answers and set(answers) <= {201, 409}, answers

    # The same form posted again (a retry, a second tab): answered with the case already registered.
    request = posted.value
    again = page.request.post(
        "/api/v1/complaints/",
        data=request.post_data,
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": page.locator("meta[name=csrf-token]").get_attribute("content"),
            "Idempotency-Key": request.headers["idempotency-key"],
        },
    )
    assert again.status == 409
    assert (again.json()["id"], again.json()["number"]) == (complaint.pk, complaint.number)
    assert "未重复登记" in again.json()["message"]
    assert Complaint.objects.count() == 1
    assert complaint.complainants.count() == 1


def test_an_employer_with_earlier_complaints_stands_out_when_picked(logged_in, make_case):
    earlier = make_case()
    page = logged_in("window_a")
    page.goto("/complaints/new/")
    pick_employer(page, "东湖建设", "东湖建设有限公司")
    history = page.get_by_test_id("employer-history")
    expect(history).to_be_visible()
    expect(history).to_contain_text("该单位已有 1 件投诉举报记录")
    expect(history.get_by_role("link")).to_have_text(f"{earlier.number}（已登记）")
    expect(history).to_have_css("background-color", "rgb(255, 244, 214)")  # yellow


def test_a_worker_who_complained_before_is_marked_when_added(logged_in, make_case, workers_a):
    earlier = make_case()  # workers_a[0] and [1] complained in it
    page = logged_in("window_a")
    page.goto("/complaints/new/")
    add_worker(page, workers_a[0].name, workers_a[0].name)
    tag = page.get_by_test_id("worker-history")
    expect(tag).to_have_text("已有1件")
    assert earlier.number in (tag.get_attribute("title") or "")
    add_worker(page, workers_a[2].name, workers_a[2].name)  # never complained
    expect(page.get_by_test_id("worker-history")).to_have_count(1)
