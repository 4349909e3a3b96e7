"""Concurrent payments on one case (real threads, real PostgreSQL row locks): each service
locks the case before it reads what was paid, so racing payments are serialized, those that
would overpay are refused, and the totals stay exact to the fen."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from bureau import services as core
from tests.conftest import make_credit_code, make_id_number
from tests.wagecases.conftest import claims_of, code_of, days_ago, today
from wagecases import selectors, services
from wagecases.models import Allocation, Payment

THREADS = 8
D = Decimal


@pytest.mark.django_db(transaction=True)
def test_racing_payments_never_overpay_and_totals_stay_exact(staff, tree):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what is tested")
    by = staff["inspector_a"]
    employer = core.employer_create(
        by=staff["window_a"],
        credit_code=make_credit_code("91339901MA0PAY001"),
        name="并发追薪公司",
        region=tree.county_a,
    )
    workers = [
        core.worker_register(by=staff["window_a"], name=f"并发工人{i}", id_number=make_id_number(seq=f"{910 + i}"))[0]
        for i in range(2)
    ]
    case = services.wagecase_open(
        by=by, employer=employer, claims=[(w, "2000", None, None) for w in workers], opened_on=days_ago(5)
    )
    case = services.wagecase_order_payment(by=by, case=case, ordered_on=days_ago(5), due_on=days_ago(5))
    first, second = claims_of(case)
    services.claim_confirm(by=by, claim=first, amount_confirmed="1000.02")  # = 3 x 333.34
    services.claim_confirm(by=by, claim=second, amount_confirmed="777.77")  # = 7 x 111.11

    # Each thread pays 333.34 wages to the first worker (only 3 of 8 fit) and, in one payment,
    # 111.11 wages plus 100.00 compensation to the second (only 7 of 8 fit), in either order.
    attempts = [
        [(first, D("333.34"), "wages")],
        [(second, D("111.11"), "wages"), (second, D("100.00"), "compensation")],
    ]
    accepted: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def pay(number: int) -> None:
        try:
            start.wait()
            for allocations in attempts if number % 2 else reversed(attempts):
                try:
                    payment = services.payment_record(
                        by=by,
                        case=case,
                        paid_on=today(),
                        amount=sum((a for _, a, _ in allocations), D("0.00")),
                        payer="employer",
                        method="bank_transfer",
                        evidence=f"回单 {number}",
                        allocations=allocations,
                    )
                    accepted.append(payment.pk)
                except ValidationError as exc:
                    refused.append(code_of(exc))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(accepted) == 3 + 7
    assert refused == ["over_confirmed"] * (5 + 1)

    totals = {t.claim_id: t for t in selectors.claim_totals(case)}
    assert (totals[first.pk].wages_paid, totals[first.pk].outstanding) == (D("1000.02"), D("0.00"))
    assert (totals[second.pk].wages_paid, totals[second.pk].compensation_paid, totals[second.pk].outstanding) == (
        D("777.77"),
        D("700.00"),
        D("0.00"),
    )
    case_totals = selectors.case_totals(case)
    assert case_totals.total_paid == D("2477.79")
    assert case_totals.outstanding == D("0.00")
    assert sum(Payment.objects.filter(case=case).values_list("amount", flat=True), D("0.00")) == D("2477.79")
    assert Allocation.objects.filter(payment__case=case).count() == 3 + 7 * 2
    assert case_totals.fully_paid
