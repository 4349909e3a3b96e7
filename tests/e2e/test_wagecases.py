"""Wage cases in the browser: a case opened from a registered complaint, its amounts confirmed,
a payment split among the workers through the allocation grid (a wrong sum stopped in the
browser, wages beyond the confirmed amount refused by the API next to the right cell), a
receipt confirmed, the case closed as paid; a project with its contracting chain; a listing
decided; the window warned at intake about a listed employer; the case page on a phone."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page, expect

from bureau.models import Employer, User
from complaints.models import Status as ComplaintStatus
from tests.wagecases import conftest as wage_fixtures
from wagecases import listings, services
from wagecases.models import Allocation, Listing, ListingKind, ListingStatus, Payment, Status, WageCase

D = Decimal

# The wage-case fixtures (built through the services), for these journeys.
make_wagecase = wage_fixtures.make_wagecase
make_employer = wage_fixtures.make_employer
pay = wage_fixtures.pay


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def alloc_row(page: Page, worker: str):
    return page.get_by_test_id("alloc-row").filter(has_text=worker)


def claim_row(page: Page, worker: str):
    return page.get_by_test_id("claim").filter(has_text=worker)


def listed(staff: dict[str, User], employer: Employer) -> Listing:
    """The employer on the defaulter list since today: proposed and told 20 days ago."""
    listing = listings.listing_propose(
        by=staff["inspector_a"], employer=employer, kind=ListingKind.DEFAULTER, facts="逾期未支付工资"
    )
    Listing.objects.filter(pk=listing.pk).update(
        proposed_at=timezone.make_aware(dt.datetime.combine(days_ago(30), dt.time(9, 0)))
    )
    listings.listing_notify(by=staff["inspector_a"], listing=listing, notified_on=days_ago(20))
    return listings.listing_decide(by=staff["head_a"], listing=listing, listed=True, note="逾期未支付，列入")


def test_a_complaint_becomes_a_wage_case_paid_through_the_allocation_grid_and_closed(logged_in, make_case):
    complaint = make_case(ComplaintStatus.ACCEPTED)
    page = logged_in("inspector_a")

    # From the complaint: one click opens its wage case with the complainants' claims.
    page.goto(f"/complaints/{complaint.pk}/")
    page.get_by_test_id("open-wagecase").click()
    expect(page).to_have_url(re.compile(r"/wage-cases/\d+/\?opened=1$"))
    case = WageCase.objects.get(complaint=complaint)
    expect(page.get_by_test_id("case-number")).to_have_text(case.number)
    expect(page.get_by_test_id("case-status")).to_have_text("办理中")
    expect(page.get_by_test_id("case-complaint")).to_have_text(complaint.number)
    expect(page.get_by_test_id("case-inspectors")).to_contain_text("inspector_a2")
    expect(page.get_by_test_id("claim")).to_have_count(2)

    # The complaint now links to its wage case instead of offering to open one.
    page.goto(f"/complaints/{complaint.pk}/")
    expect(page.get_by_test_id("wagecase-link")).to_contain_text(case.number)
    expect(page.get_by_test_id("open-wagecase")).to_be_hidden()
    page.get_by_test_id("wagecase-link").click()

    # Confirm what each worker is owed (the inputs start with the amount claimed).
    first, second = claim_row(page, "工人0"), claim_row(page, "工人1")
    expect(first.get_by_test_id("confirm-amount")).to_have_value("8000.00")
    first.get_by_test_id("confirm-claim").click()
    expect(first.get_by_test_id("claim-confirmed")).to_have_text("8000.00")
    second.get_by_test_id("confirm-amount").fill("4000.50")
    second.get_by_test_id("confirm-claim").click()
    expect(second.get_by_test_id("claim-confirmed")).to_have_text("4000.50")
    expect(page.get_by_test_id("total-outstanding")).to_have_text("12000.50")

    # The employer was ordered to pay (compensation may only follow such an order).
    services.wagecase_order_payment(by=User.objects.get(username="inspector_a"), case=case, working_days=5)
    page.reload()
    expect(page.get_by_test_id("total-outstanding")).to_have_text("12000.50")

    # A payment whose allocations do not add up is stopped in the browser.
    page.get_by_test_id("open-payment").click()
    page.get_by_test_id("pay-amount").fill("12001.00")
    page.get_by_test_id("pay-evidence").fill("工商银行回单 20261120-001")
    alloc_row(page, "工人0").get_by_test_id("fill-outstanding").click()
    expect(alloc_row(page, "工人0").get_by_test_id("alloc-wages")).to_have_value("8000.00")
    alloc_row(page, "工人1").get_by_test_id("alloc-wages").fill("4000")
    expect(page.get_by_test_id("allocated-sum")).to_have_text("已分配 12000.00 元，款项金额 12001.00 元")
    page.get_by_test_id("pay-submit").click()
    expect(page.get_by_test_id("payment-message")).to_have_text("分配合计12000.00元，与款项金额12001.00元不符。")
    assert not Payment.objects.exists()

    # Wages beyond the confirmed amount: the API's field error shows beside that worker's cell.
    alloc_row(page, "工人1").get_by_test_id("alloc-wages").fill("4001.00")
    expect(page.get_by_test_id("allocated-sum")).to_have_text("已分配 12001.00 元，款项金额 12001.00 元")
    page.get_by_test_id("pay-submit").click()
    error = alloc_row(page, "工人1").get_by_test_id("alloc-error-wages")
    expect(error).to_contain_text("工资分配超过核定金额")
    expect(alloc_row(page, "工人0").get_by_test_id("alloc-error-wages")).to_be_hidden()
    expect(alloc_row(page, "工人1").get_by_test_id("alloc-wages")).to_have_attribute("aria-invalid", "true")
    assert not Payment.objects.exists()

    # The excess is recorded as compensation (加付赔偿金): saved.
    alloc_row(page, "工人1").get_by_test_id("alloc-wages").fill("4000.50")
    alloc_row(page, "工人1").get_by_test_id("alloc-compensation").fill("0.50")
    page.get_by_test_id("pay-submit").click()
    expect(page.get_by_test_id("case-notice")).to_have_text("款项已登记。")
    expect(page.get_by_test_id("total-outstanding")).to_have_text("0.00")
    expect(page.get_by_test_id("payment")).to_have_count(1)
    payment = Payment.objects.get()
    assert payment.amount == D("12001.00")
    assert sorted(payment.allocations.values_list("claim__worker__name", "kind", "amount")) == [
        ("工人0", "wages", D("8000.00")),
        ("工人1", "compensation", D("0.50")),
        ("工人1", "wages", D("4000.50")),
    ]

    # A worker confirms he received his wages.
    received = page.get_by_test_id("allocation").filter(has_text="工人0")
    received.get_by_test_id("confirm-receipt").click()
    expect(received.get_by_test_id("receipt-confirmed")).to_be_visible()
    assert Allocation.objects.get(claim__worker__name="工人0").receipt_confirmed_at is not None

    # Nothing outstanding: closed as paid.
    page.get_by_test_id("acts").locator("button[data-act=close]").click()
    page.get_by_test_id("act-submit").click()
    expect(page.get_by_test_id("case-status")).to_have_text("已清偿结案")
    expect(page.get_by_test_id("acts")).to_be_hidden()
    expect(page.get_by_test_id("payment-section")).to_be_hidden()
    # open, 2 confirms, order to pay, payment, receipt, close
    expect(page.get_by_test_id("timeline").locator("li")).to_have_count(7)
    case.refresh_from_db()
    assert (case.status, case.closed_on) == (Status.CLOSED_PAID, timezone.localdate())

    # The worker's view sums his claims across the county's cases.
    page.goto(f"/wage-cases/workers/{case.claims.get(worker__name='工人1').worker_id}/")
    expect(page.get_by_test_id("worker-name")).to_have_text("工人1")
    expect(page.get_by_test_id("worker-outstanding")).to_contain_text("0.00")


def test_the_window_is_warned_at_intake_that_the_employer_is_on_the_defaulter_list(
    logged_in, staff: dict[str, Any], employer_a: Employer
):
    listing = listed(staff, employer_a)
    page = logged_in("window_a")
    page.goto("/complaints/new/")
    page.get_by_test_id("employer-search").fill("东湖建设")
    page.get_by_role("option", name=re.compile("东湖建设有限公司")).click()
    warning = page.get_by_test_id("employer-listed")
    expect(warning).to_have_attribute("role", "alert")
    expect(warning).to_have_text(
        f"该单位已列入拖欠农民工工资失信联合惩戒对象名单（{listing.start_on}至{listing.end_on}）"
    )
    assert listing.start_on == timezone.localdate()

    # The same on the employer's page.
    page.goto(f"/employers/{employer_a.pk}/")
    expect(page.get_by_test_id("employer-listed")).to_contain_text("该单位已列入拖欠农民工工资失信联合惩戒对象名单")


def test_the_case_page_fits_a_phone(logged_in, make_wagecase, pay):
    case = make_wagecase(confirmed=("8000.00", "4000.50"))
    first = case.claims.order_by("id").first()
    pay(case, (first, "3000.00", "wages"))
    page = logged_in("inspector_a")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/wage-cases/{case.pk}/")
    expect(page.get_by_test_id("payment")).to_have_count(1)
    page.get_by_test_id("open-payment").click()
    expect(page.get_by_test_id("alloc-row")).to_have_count(2)
    # one card per worker: the inputs stack in one column
    row = page.get_by_test_id("alloc-row").first
    wages, interest = (
        row.get_by_test_id("alloc-wages").bounding_box(),
        row.get_by_test_id("alloc-interest").bounding_box(),
    )
    assert wages and interest and interest["y"] > wages["y"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width}px"


def test_a_project_is_registered_with_its_chain_and_a_case_linked_to_it(
    logged_in, make_wagecase, make_employer, employer_a: Employer
):
    make_employer("东湖总承包工程有限公司")
    case = make_wagecase()
    page = logged_in("inspector_a")
    page.goto("/wage-cases/projects/new/")
    page.get_by_test_id("project-name").fill("东湖花园二期")
    page.get_by_test_id("contractor-search").fill("东湖总承包")
    page.get_by_role("option", name=re.compile("东湖总承包工程有限公司")).click()
    expect(page.get_by_test_id("picked-contractor")).to_contain_text("东湖总承包工程有限公司")
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/wage-cases/projects/\d+/$"))
    expect(page.get_by_test_id("project-title")).to_have_text("东湖花园二期")

    # employer_a as a labour subcontractor, a labour team under it: an indented tree
    page.get_by_test_id("party-details").locator("summary").click()
    page.get_by_test_id("party-role").select_option("labour_subcontractor")
    page.get_by_test_id("party-employer-search").fill("东湖建设")
    page.get_by_role("option", name=re.compile("东湖建设有限公司")).click()
    page.get_by_test_id("party-submit").click()
    chain = page.get_by_test_id("chain-row")
    expect(chain).to_have_count(2)
    page.get_by_test_id("party-role").select_option("labour_team")
    page.get_by_test_id("party-parent").select_option(label="东湖建设有限公司（劳务分包单位）")
    page.get_by_test_id("party-leader").fill("张班长")
    page.get_by_test_id("party-submit").click()
    expect(chain).to_have_count(3)
    expect(chain.nth(2)).to_have_attribute("data-depth", "2")
    expect(chain.nth(2)).to_contain_text("张班长")

    # the case is linked to the project, which lists it
    page.goto(f"/wage-cases/{case.pk}/")
    page.get_by_test_id("acts").locator("button[data-act=link_project]").click()
    page.get_by_test_id("act-project").select_option(label="东湖花园二期")
    page.get_by_test_id("act-submit").click()
    expect(page.get_by_test_id("case-project")).to_have_text("东湖花园二期")
    page.get_by_test_id("case-project").click()
    expect(page.get_by_test_id("project-cases")).to_contain_text(case.number)


def test_a_head_decides_a_proposal_and_the_employer_is_in_force(logged_in, staff, employer_a: Employer):
    listing = listings.listing_propose(
        by=staff["inspector_a"], employer=employer_a, kind=ListingKind.DEFAULTER, facts="拒不支付工资"
    )
    Listing.objects.filter(pk=listing.pk).update(
        proposed_at=timezone.make_aware(dt.datetime.combine(days_ago(30), dt.time(9, 0)))
    )
    page = logged_in("head_a")
    page.goto("/wage-cases/listings/?tab=pending")
    expect(page.get_by_test_id("results").locator("tr")).to_have_count(1)
    page.get_by_test_id("results").get_by_role("link", name="东湖建设有限公司").click()
    expect(page.get_by_test_id("listing-status")).to_have_text("拟列入（待告知）")

    acts = page.get_by_test_id("listing-acts")
    acts.locator("details[data-act=notify] summary").click()
    acts.locator("details[data-act=notify]").get_by_label("告知日期").fill(days_ago(20).isoformat())
    acts.locator("details[data-act=notify]").get_by_role("button", name="确认告知").click()
    expect(page.get_by_test_id("listing-status")).to_have_text("已告知（陈述申辩期）")
    expect(page.get_by_test_id("objection-due")).not_to_have_text("—")

    decide = acts.locator("details[data-act=decide]")
    decide.locator("summary").click()
    decide.get_by_role("button", name="确认决定").click()
    expect(decide.get_by_role("alert")).to_be_visible()  # the decision needs its note
    decide.get_by_label("决定说明").fill("逾期未支付，列入")
    decide.get_by_role("button", name="确认决定").click()
    expect(page.get_by_test_id("listing-status")).to_have_text("已列入")
    listing.refresh_from_db()
    assert listing.status == ListingStatus.LISTED
    expect(page.get_by_test_id("listing-term")).to_have_text(f"{listing.start_on} — {listing.end_on}")

    page.goto("/wage-cases/listings/")
    expect(page.get_by_test_id("results")).to_contain_text("东湖建设有限公司")


def test_opening_a_case_directly_and_checking_the_criteria(logged_in, staff, employer_a, workers_a):
    page = logged_in("inspector_a")
    page.goto("/wage-cases/new/")
    page.get_by_test_id("source").select_option("inspection")
    page.get_by_test_id("employer-search").fill("东湖建设")
    page.get_by_role("option", name=re.compile("东湖建设有限公司")).click()
    page.get_by_test_id("worker-search").fill("工人2")
    page.get_by_role("option", name=re.compile("工人2")).click()
    page.get_by_test_id("claim-amount").fill("3000.5")
    expect(page.get_by_test_id("claims-total")).to_have_text("1人，合计3000.50元")
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/wage-cases/\d+/\?opened=1$"))
    case = WageCase.objects.get()
    assert (case.source, case.claims.get().amount_claimed) == ("inspection", D("3000.50"))

    page.goto("/wage-cases/listings/")
    page.get_by_test_id("check").click()
    expect(page.get_by_test_id("check-result")).to_have_text("按条件检查完成：没有新的单位符合列入条件。")

    page.goto("/wage-cases/?status=open")
    expect(page.get_by_test_id("results").locator("tr")).to_have_count(1)
    expect(page.get_by_test_id("export")).to_have_attribute("href", re.compile(r"export\.xlsx\?status=open"))
