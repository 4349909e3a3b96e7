"""Totals per claim, case and worker (database aggregates, a fixed number of queries), who
sees which cases, and the time from complaint to first and to full payment in working days."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bureau import services as core
from complaints import services as complaint_services
from complaints.models import Status as ComplaintStatus
from tests.conftest import make_id_number
from tests.wagecases.conftest import claims_of, days_ago
from wagecases import selectors, services
from wagecases.models import WageCase

D = Decimal


def test_claim_and_case_totals_add_up_in_a_fixed_number_of_queries(
    make_wagecase, staff, pay, django_assert_num_queries
):
    case = make_wagecase(claimed=["8000", "4000.50", "100"], confirmed=["7000.00", "4000.50", None])
    first, second, third = claims_of(case)
    pay(case, (first, "3000.00", "wages"), (second, "1000.25", "wages"))
    pay(case, (first, "500.00", "compensation"), (first, "12.30", "interest"), (second, "0.25", "wages"))
    wrong = pay(case, (first, "4000.00", "wages"))
    services.payment_reverse(by=staff["inspector_a"], payment=wrong, reason="录错")
    with django_assert_num_queries(1):
        rows = selectors.claim_totals(case)
    assert [
        (r.claim_id, r.confirmed, r.wages_paid, r.compensation_paid, r.interest_paid, r.outstanding) for r in rows
    ] == [
        (first.pk, D("7000.00"), D("3000.00"), D("500.00"), D("12.30"), D("4000.00")),
        (second.pk, D("4000.50"), D("1000.50"), D("0.00"), D("0.00"), D("3000.00")),
        (third.pk, None, D("0.00"), D("0.00"), D("0.00"), None),
    ]
    assert rows[0].total_paid == D("3512.30")
    with django_assert_num_queries(2):
        totals = selectors.case_totals(case)
    assert totals.claims == 3
    assert totals.unconfirmed == 1
    assert totals.claimed == D("12100.50")
    assert totals.confirmed == D("11000.50")
    assert (totals.wages_paid, totals.compensation_paid, totals.interest_paid) == (
        D("4000.50"),
        D("500.00"),
        D("12.30"),
    )
    assert totals.total_paid == D("4512.80")
    assert totals.outstanding == D("7000.00")
    assert totals.workers_paid == 2
    assert not totals.fully_paid


def test_a_workers_totals_cover_every_case_the_user_may_see(make_wagecase, staff, pay, employer_b, workers_a):
    one = make_wagecase(confirmed=["1000.00", "500.00"])
    two = make_wagecase(claimed=["300"], confirmed=["300.00"])
    pay(one, (claims_of(one)[0], "400.00", "wages"))
    pay(two, (claims_of(two)[0], "300.00", "wages"), (claims_of(two)[0], "150.00", "compensation"))
    # the same person also has a case in county B (he registered there too)
    core.worker_register(by=staff["window_b"], name=workers_a[0].name, id_number=workers_a[0].id_number)
    three = services.wagecase_open(
        by=staff["inspector_b"], employer=employer_b, claims=[(workers_a[0], "999", None, None)]
    )
    services.claim_confirm(by=staff["inspector_b"], claim=claims_of(three)[0], amount_confirmed="999")

    mine = selectors.worker_totals(workers_a[0], staff["window_a"])
    assert [c.case_id for c in mine.claims] == [one.pk, two.pk]
    t = mine.totals
    assert (t.cases, t.claims, t.confirmed, t.wages_paid, t.compensation_paid, t.outstanding) == (
        2,
        2,
        D("1300.00"),
        D("700.00"),
        D("150.00"),
        D("600.00"),
    )
    city = selectors.worker_totals(workers_a[0], staff["city_head"])
    assert (city.totals.cases, city.totals.confirmed, city.totals.outstanding) == (3, D("2299.00"), D("1599.00"))
    assert selectors.worker_totals(workers_a[0], staff["inspector_b"]).totals.cases == 1
    for nobody in ("admin_a", "assistant_a1", "nobody"):
        none = selectors.worker_totals(workers_a[0], staff[nobody])
        assert (none.claims, none.totals.claims, none.totals.total_paid) == ([], 0, D("0.00"))


@pytest.mark.parametrize(
    ("user", "sees"),
    [
        ("window_a", True),
        ("inspector_a", True),
        ("head_a", True),
        ("bureau_head_a", True),
        ("city_head", True),
        ("inspector_b", False),
        ("head_b", False),
        ("admin_a", False),
        ("assistant_a1", False),
        ("nobody", False),
    ],
)
def test_who_sees_a_countys_wage_cases(user, sees, make_wagecase, staff):
    case = make_wagecase()
    assert WageCase.objects.visible_to(staff[user]).filter(pk=case.pk).exists() is sees


def test_time_to_recovery_counts_working_days_from_the_complaint(staff, employer_a, workers_a, wages, pay):
    complaint = complaint_services.complaint_register(
        by=staff["window_a"],
        employer=employer_a,
        categories=[wages],
        facts="拖欠工资",
        complainants=[
            complaint_services.ComplainantInput(worker=workers_a[0], amount_claimed=D("1000")),
            complaint_services.ComplainantInput(worker=workers_a[1], amount_claimed=D("500")),
        ],
        received_on=dt.date(2026, 9, 28),
    )
    case = services.wagecase_open_from_complaint(
        by=staff["inspector_a"], complaint=complaint, opened_on=dt.date(2026, 9, 30)
    )
    first, second = claims_of(case)
    recovery = selectors.time_to_recovery(case)
    assert (recovery.started_on, recovery.days_to_first, recovery.days_to_full) == (dt.date(2026, 9, 28), None, None)
    services.claim_confirm(by=staff["inspector_a"], claim=first, amount_confirmed="1000")
    services.claim_confirm(by=staff["inspector_a"], claim=second, amount_confirmed="500")
    # the National Day holiday and the make-up Saturday of 10 October are on the calendar
    pay(case, (first, "1000.00", "wages"), paid_on=dt.date(2026, 10, 10))
    recovery = selectors.time_to_recovery(case)
    assert (recovery.first_paid_on, recovery.days_to_first, recovery.full_paid_on) == (dt.date(2026, 10, 10), 5, None)
    last = pay(case, (second, "500.00", "wages"), paid_on=dt.date(2026, 10, 13))
    pay(case, (second, "50.00", "compensation"), paid_on=dt.date(2026, 11, 2))  # after the wages: not counted
    recovery = selectors.time_to_recovery(case)
    assert (recovery.full_paid_on, recovery.days_to_full, recovery.provisional) == (dt.date(2026, 10, 13), 7, False)
    # reversing the last payment of wages: not fully paid any more
    services.payment_reverse(by=staff["inspector_a"], payment=last, reason="未到账")
    assert selectors.time_to_recovery(case).days_to_full is None


def test_time_to_recovery_of_a_direct_case_counts_from_its_opening(make_wagecase, pay):
    case = make_wagecase(claimed=["100"], confirmed=["100"], opened_on=dt.date(2026, 9, 28))
    pay(case, (claims_of(case)[0], "100.00", "wages"), paid_on=dt.date(2026, 9, 30))
    recovery = selectors.time_to_recovery(case)
    assert (recovery.started_on, recovery.days_to_first, recovery.days_to_full) == (dt.date(2026, 9, 28), 2, 2)


def test_a_complaint_case_in_another_status_still_counts_from_its_receipt(make_case, staff):
    complaint = make_case(ComplaintStatus.ACCEPTED, received_on=days_ago(20))
    case = services.wagecase_open_from_complaint(by=staff["inspector_a"], complaint=complaint)
    assert selectors.time_to_recovery(case).started_on == days_ago(20)


def test_another_worker_of_the_same_name_is_not_counted(make_wagecase, staff):
    case = make_wagecase(claimed=["100"], confirmed=["100"])
    other, _ = core.worker_register(by=staff["window_a"], name="工人0", id_number=make_id_number(seq="777"))
    assert selectors.worker_totals(other, staff["head_a"]).claims == []
    assert selectors.worker_totals(claims_of(case)[0].worker, staff["head_a"]).totals.claims == 1
