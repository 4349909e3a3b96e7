"""Confirming what is owed, recording payments and their allocation to workers, reversing a
payment, confirming receipt: the happy paths and every refused input, with nothing
half-stored when a call is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.wagecases.conftest import claims_of, codes, days_ago, rows, today
from wagecases import selectors, services
from wagecases.models import Allocation, Payment, WageCase

D = Decimal


# --- confirming what is owed -------------------------------------------------------------


def test_the_inspector_confirms_what_each_worker_is_owed(make_wagecase, staff):
    case = make_wagecase()
    first, second = claims_of(case)
    confirmed = services.claim_confirm(by=staff["inspector_a"], claim=first, amount_confirmed="7500.00")
    assert confirmed.amount_confirmed == D("7500.00")
    assert confirmed.amount_claimed == D("8000.00")  # the claim is kept apart
    assert confirmed.confirmed_by == staff["inspector_a"]
    assert confirmed.confirmed_at is not None
    second.refresh_from_db()
    assert second.amount_confirmed is None
    # a correction is allowed while nothing contradicts it
    assert services.claim_confirm(by=staff["head_a"], claim=first, amount_confirmed=D("7600")).amount_confirmed == D(
        "7600.00"
    )


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("-0.01", "min_value"),
        ("10000000.01", "max_value"),
        ("1.234", "max_decimal_places"),
        ("", "invalid"),
        ("1_000", "invalid"),  # Python's digit grouping is not what a clerk typed
        ("1e3", "invalid"),  # nor is an exponent: never 1,000 yuan by accident
        ("1,000", "invalid"),
        ("+12", "invalid"),
        ("12元", "invalid"),
    ],
)
def test_a_bad_confirmed_amount_is_refused(amount, code, make_wagecase, staff):
    case = make_wagecase()
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.claim_confirm(by=staff["inspector_a"], claim=claims_of(case)[0], amount_confirmed=amount)
    assert codes(info.value) == {"amount_confirmed": [code]}
    assert rows() == before


def test_full_width_digits_of_a_chinese_input_method_are_read_as_digits(make_wagecase, staff):
    case = make_wagecase()
    confirmed = services.claim_confirm(
        by=staff["inspector_a"], claim=claims_of(case)[0], amount_confirmed="１２３．４５"
    )
    assert confirmed.amount_confirmed == D("123.45")


def test_minus_zero_is_stored_and_recorded_as_zero(make_wagecase, staff):
    case = make_wagecase()
    confirmed = services.claim_confirm(by=staff["inspector_a"], claim=claims_of(case)[0], amount_confirmed="-0")
    assert str(confirmed.amount_confirmed) == "0.00"
    assert case.events.get(action="confirm_claim").data["amount"] == "0.00"


def test_a_confirmation_never_goes_below_what_was_paid(make_wagecase, staff, pay):
    case = make_wagecase(confirmed=["1000.00", "1000.00"])
    claim = claims_of(case)[0]
    pay(case, (claim, "600.00", "wages"), (claim, "900.00", "compensation"))
    for amount, code in (("599.99", "below_allocated"), ("899.99", "compensation_cap")):
        before = rows()
        with pytest.raises(ValidationError) as info:
            services.claim_confirm(by=staff["inspector_a"], claim=claim, amount_confirmed=amount)
        assert codes(info.value) == {"amount_confirmed": [code]}
        assert rows() == before
    assert services.claim_confirm(by=staff["inspector_a"], claim=claim, amount_confirmed="900").amount_confirmed == D(
        "900.00"
    )


def test_window_staff_and_other_counties_cannot_confirm(make_wagecase, staff):
    claim = claims_of(make_wagecase())[0]
    with pytest.raises(PermissionDenied):
        services.claim_confirm(by=staff["window_a"], claim=claim, amount_confirmed="1")
    with pytest.raises(WageCase.DoesNotExist):
        services.claim_confirm(by=staff["inspector_b"], claim=claim, amount_confirmed="1")
    claim.refresh_from_db()
    assert claim.amount_confirmed is None


# --- recording payments ------------------------------------------------------------------


def test_a_payment_is_split_among_workers_and_counts_for_each(make_wagecase, staff, pay):
    case = make_wagecase(confirmed=["8000.00", "4000.50"])
    first, second = claims_of(case)
    payment = pay(
        case,
        (first, "5000.00", "wages"),
        (second, "4000.50", "wages"),
        (first, "100.01", "interest"),
        payer="wage_deposit",
        method="special_account",
        paid_on=days_ago(1),
    )
    assert payment.amount == D("9100.51")
    assert (payment.payer, payment.method, payment.paid_on) == ("wage_deposit", "special_account", days_ago(1))
    assert payment.recorded_by == staff["inspector_a"]
    assert sorted(payment.allocations.values_list("claim", "kind", "amount")) == sorted(
        [(first.pk, "wages", D("5000.00")), (second.pk, "wages", D("4000.50")), (first.pk, "interest", D("100.01"))]
    )
    totals = {t.claim_id: t for t in selectors.claim_totals(case)}
    assert (totals[first.pk].wages_paid, totals[first.pk].interest_paid, totals[first.pk].outstanding) == (
        D("5000.00"),
        D("100.01"),
        D("3000.00"),
    )
    assert totals[second.pk].outstanding == D("0.00")


def test_pay_beyond_the_confirmed_wages_only_as_compensation_or_interest(make_wagecase, pay):
    case = make_wagecase(confirmed=["1000.00"], claimed=["1000.00"])
    claim = claims_of(case)[0]
    pay(case, (claim, "1000.00", "wages"))
    before = rows()
    with pytest.raises(ValidationError) as info:
        pay(case, (claim, "0.01", "wages"))
    assert codes(info.value) == {"allocations.0.amount": ["over_confirmed"]}
    assert rows() == before
    # 加付赔偿金 up to 100% of the confirmed wages, then no more
    pay(case, (claim, "500.00", "compensation"))
    pay(case, (claim, "500.00", "compensation"), (claim, "12.34", "interest"))
    with pytest.raises(ValidationError) as info:
        pay(case, (claim, "0.01", "compensation"))
    assert codes(info.value) == {"allocations.0.amount": ["compensation_cap"]}
    totals = selectors.claim_totals(case)[0]
    assert (totals.wages_paid, totals.compensation_paid, totals.interest_paid, totals.outstanding) == (
        D("1000.00"),
        D("1000.00"),
        D("12.34"),
        D("0.00"),
    )


@pytest.mark.parametrize(
    ("make", "field", "code"),
    [
        # the allocations do not add up to the payment
        (
            lambda c, o: {"amount": D("100.01"), "allocations": [(c[0], D("100.00"), "wages")]},
            "allocations",
            "allocation_sum",
        ),
        (
            lambda c, o: {"amount": D("99.99"), "allocations": [(c[0], D("100.00"), "wages")]},
            "allocations",
            "allocation_sum",
        ),
        # a worker who is not on the case (his claim on another case)
        (
            lambda c, o: {"allocations": [(c[0], D("1"), "wages"), (o, D("1"), "wages")]},
            "allocations.1.claim",
            "not_on_case",
        ),
        # zero, negative, more than two decimals, not a number
        (lambda c, o: {"amount": D("0"), "allocations": [(c[0], D("0"), "wages")]}, "amount", "min_value"),
        (lambda c, o: {"amount": D("-5"), "allocations": [(c[0], D("-5"), "wages")]}, "amount", "min_value"),
        (
            lambda c, o: {"amount": D("5"), "allocations": [(c[0], D("6"), "wages"), (c[1], D("-1"), "wages")]},
            "allocations.1.amount",
            "min_value",
        ),
        (
            lambda c, o: {"amount": "1.005", "allocations": [(c[0], D("1.005"), "wages")]},
            "amount",
            "max_decimal_places",
        ),
        (lambda c, o: {"amount": "x", "allocations": [(c[0], D("1"), "wages")]}, "amount", "invalid"),
        (lambda c, o: {"amount": "10000000000000", "allocations": [(c[0], D("1"), "wages")]}, "amount", "max_value"),
        # dates
        (lambda c, o: {"paid_on": today() + dt.timedelta(days=1)}, "paid_on", "date_in_future"),
        (lambda c, o: {"paid_on": days_ago(11)}, "paid_on", "before_opened"),
        # choices and evidence
        (lambda c, o: {"payer": "boss"}, "payer", "invalid_choice"),
        (lambda c, o: {"method": "wechat"}, "method", "invalid_choice"),
        (lambda c, o: {"evidence": "  "}, "evidence", "required"),
        (lambda c, o: {"allocations": [(c[0], D("1"), "bonus")]}, "allocations.0.kind", "invalid_choice"),
        (lambda c, o: {"allocations": []}, "allocations", "required"),
        (
            lambda c, o: {"amount": D("2"), "allocations": [(c[0], D("1"), "wages"), (c[0], D("1"), "wages")]},
            "allocations.1.claim",
            "duplicate",
        ),
        # wages beyond the confirmed amount; to a worker not yet confirmed
        (
            lambda c, o: {"amount": D("1000.01"), "allocations": [(c[0], D("1000.01"), "wages")]},
            "allocations.0.amount",
            "over_confirmed",
        ),
        (lambda c, o: {"allocations": [(c[2], D("1"), "wages")]}, "allocations.0.amount", "unconfirmed"),
        (lambda c, o: {"allocations": [(c[2], D("1"), "compensation")]}, "allocations.0.amount", "unconfirmed"),
        (
            lambda c, o: {"amount": D("1000.01"), "allocations": [(c[0], D("1000.01"), "compensation")]},
            "allocations.0.amount",
            "compensation_cap",
        ),
    ],
)
def test_a_bad_payment_is_refused_and_nothing_is_stored(make, field, code, make_wagecase, staff):
    case = make_wagecase(claimed=["1000", "1000", "1000"], confirmed=["1000.00", "1000.00", None])
    # ordered to pay (compensation may follow an order only)
    services.wagecase_order_payment(by=staff["inspector_a"], case=case, ordered_on=case.opened_on, due_on=today())
    case.refresh_from_db()
    other = claims_of(make_wagecase(claimed=["1000"], confirmed=["1000.00"]))[0]
    claims = claims_of(case)
    fields = {
        "paid_on": today(),
        "amount": D("1"),
        "payer": "employer",
        "method": "cash_signed",
        "evidence": "签收表",
        "allocations": [(claims[0], D("1"), "wages")],
        **make(claims, other),
    }
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.payment_record(by=staff["inspector_a"], case=case, **fields)
    assert codes(info.value) == {field: [code]}
    assert rows() == before


def test_compensation_follows_an_order_to_pay(make_wagecase, staff):
    case = make_wagecase(confirmed=["1000.00"])
    claim = claims_of(case)[0]
    fields = {"paid_on": today(), "payer": "employer", "method": "bank_transfer", "evidence": "回单"}
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.payment_record(
            by=staff["inspector_a"],
            case=case,
            amount="1100.00",
            allocations=[(claim, D("1000.00"), "wages"), (claim, D("100.00"), "compensation")],
            **fields,
        )
    assert codes(info.value) == {"allocations.1.kind": ["no_payment_order"]}
    assert rows() == before
    services.wagecase_order_payment(by=staff["inspector_a"], case=case, ordered_on=case.opened_on, working_days=5)
    case.refresh_from_db()
    payment = services.payment_record(
        by=staff["inspector_a"],
        case=case,
        amount="1100.00",
        allocations=[(claim, D("1000.00"), "wages"), (claim, D("100.00"), "compensation")],
        **fields,
    )
    assert payment.amount == D("1100.00")


def test_a_payment_may_be_dated_from_the_complaints_receipt(make_case, staff, pay):
    complaint = make_case(received_on=days_ago(8))
    case = services.wagecase_open_from_complaint(by=staff["inspector_a"], complaint=complaint, opened_on=days_ago(2))
    claim = claims_of(case)[0]
    services.claim_confirm(by=staff["inspector_a"], claim=claim, amount_confirmed="100")
    assert pay(case, (claim, "100.00", "wages"), paid_on=days_ago(8)).paid_on == days_ago(8)
    with pytest.raises(ValidationError) as info:
        pay(case, (claim, "1.00", "interest"), paid_on=days_ago(9))
    assert codes(info.value) == {"paid_on": ["before_opened"]}


def test_only_inspectors_and_heads_of_the_county_record_payments(make_wagecase, pay):
    case = make_wagecase(confirmed=["100"])
    claim = claims_of(case)[0]
    for who in ("window_a", "admin_a", "assistant_a1"):
        with pytest.raises(PermissionDenied):
            pay(case, (claim, "1.00", "wages"), by=who)
    for who in ("inspector_b", "head_b", "nobody"):  # nobody: roles but no region
        with pytest.raises(WageCase.DoesNotExist):
            pay(case, (claim, "1.00", "wages"), by=who)
    assert not Payment.objects.exists()
    pay(case, (claim, "1.00", "wages"), by="head_a")
    pay(case, (claim, "1.00", "wages"), by="bureau_head_a")
    assert Payment.objects.count() == 2


# --- reversing a payment -----------------------------------------------------------------


def test_a_reversed_payment_stops_counting_but_stays(make_wagecase, staff, pay):
    case = make_wagecase(confirmed=["1000.00", "500.00"])
    first, second = claims_of(case)
    kept = pay(case, (first, "200.00", "wages"))
    wrong = pay(case, (first, "800.00", "wages"), (second, "500.00", "wages"), (first, "50.00", "compensation"))
    assert selectors.case_totals(case).outstanding == D("0.00")
    reversed_ = services.payment_reverse(by=staff["head_a"], payment=wrong, reason="金额录入错误")
    assert reversed_.reversed_by == staff["head_a"]
    assert reversed_.reversed_at is not None
    assert reversed_.reversal_reason == "金额录入错误"
    # the rows are all still there
    assert Payment.objects.filter(case=case).count() == 2
    assert Allocation.objects.filter(payment=wrong).count() == 3
    totals = selectors.case_totals(case)
    assert (totals.wages_paid, totals.compensation_paid, totals.outstanding) == (D("200.00"), D("0.00"), D("1300.00"))
    assert {t.claim_id: t.outstanding for t in selectors.claim_totals(case)} == {
        first.pk: D("800.00"),
        second.pk: D("500.00"),
    }
    # and the amounts can be paid again correctly
    pay(case, (first, "800.00", "wages"), (second, "500.00", "wages"))
    assert selectors.case_totals(case).outstanding == D("0.00")
    assert kept.reversed_at is None


def test_a_reversal_needs_a_reason_and_happens_once(make_wagecase, staff, pay):
    case = make_wagecase(confirmed=["1000.00"])
    payment = pay(case, (claims_of(case)[0], "100.00", "wages"))
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.payment_reverse(by=staff["inspector_a"], payment=payment, reason="  ")
    assert codes(info.value) == {"reason": ["required"]}
    assert rows() == before
    services.payment_reverse(by=staff["inspector_a"], payment=payment, reason="重复录入")
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.payment_reverse(by=staff["head_a"], payment=payment, reason="再次冲销")
    assert codes(info.value) == {"payment": ["already_reversed"]}
    assert rows() == before
    assert Payment.objects.get(pk=payment.pk).reversal_reason == "重复录入"


def test_a_payment_a_worker_confirmed_receiving_is_not_reversed(make_wagecase, staff, pay):
    case = make_wagecase(confirmed=["1000.00"])
    payment = pay(case, (claims_of(case)[0], "100.00", "wages"))
    services.receipt_confirm(by=staff["inspector_a"], allocation=payment.allocations.get())
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.payment_reverse(by=staff["head_a"], payment=payment, reason="录入错误")
    assert codes(info.value) == {"payment": ["receipt_confirmed"]}
    assert rows() == before


# --- confirming receipt ------------------------------------------------------------------


def test_a_worker_confirms_receipt_once(make_wagecase, staff, pay):
    case = make_wagecase(confirmed=["1000.00", "1000.00"])
    first, second = claims_of(case)
    payment = pay(case, (first, "100.00", "wages"), (second, "200.00", "wages"))
    allocation = payment.allocations.get(claim=first)
    confirmed = services.receipt_confirm(by=staff["inspector_a"], allocation=allocation)
    assert confirmed.receipt_confirmed_by == staff["inspector_a"]
    assert confirmed.receipt_confirmed_at is not None
    assert payment.allocations.get(claim=second).receipt_confirmed_at is None
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.receipt_confirm(by=staff["head_a"], allocation=allocation)
    assert codes(info.value) == {"allocation": ["already_confirmed"]}
    assert rows() == before


def test_no_receipt_for_a_reversed_payment(make_wagecase, staff, pay):
    case = make_wagecase(confirmed=["1000.00"])
    payment = pay(case, (claims_of(case)[0], "100.00", "wages"))
    services.payment_reverse(by=staff["inspector_a"], payment=payment, reason="录入错误")
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.receipt_confirm(by=staff["inspector_a"], allocation=payment.allocations.get())
    assert codes(info.value) == {"allocation": ["reversed"]}
    assert rows() == before
