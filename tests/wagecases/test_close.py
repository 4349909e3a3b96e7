"""Closing a case: as paid when nothing is outstanding, otherwise with the remainder
transferred; afterwards money acts are refused (InvalidTransition), receipts still recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.wagecases.conftest import claims_of, codes, days_ago, rows, today
from wagecases import services, workflow
from wagecases.models import Status, TransferTarget

D = Decimal


def test_a_case_closes_as_paid_when_nothing_is_outstanding(make_wagecase, staff, pay):
    case = make_wagecase(confirmed=["1000.00", "0.00"])
    payment = pay(case, (claims_of(case)[0], "1000.00", "wages"))
    closed = services.wagecase_close(by=staff["head_a"], case=case)
    assert (closed.status, closed.closed_on, closed.transferred_to) == (Status.CLOSED_PAID, today(), "")
    # a worker may still confirm he received his money after closure
    services.receipt_confirm(by=staff["inspector_a"], allocation=payment.allocations.get())


def test_closing_as_paid_is_refused_while_anything_is_outstanding_or_unconfirmed(make_wagecase, staff, pay):
    case = make_wagecase(confirmed=["1000.00", None])
    first, second = claims_of(case)
    pay(case, (first, "999.99", "wages"))
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.wagecase_close(by=staff["head_a"], case=case)
    assert codes(info.value) == {"transferred_to": ["unconfirmed"]}
    services.claim_confirm(by=staff["inspector_a"], claim=second, amount_confirmed="0")
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.wagecase_close(by=staff["head_a"], case=case)
    assert codes(info.value) == {"transferred_to": ["outstanding"]}
    assert "0.01" in str(info.value)
    assert rows() == before
    case.refresh_from_db()
    assert case.status == Status.OPEN


def test_the_remainder_is_transferred(make_wagecase, staff, pay):
    case = make_wagecase(confirmed=["1000.00", "500.00"])
    pay(case, (claims_of(case)[0], "300.00", "wages"))
    closed = services.wagecase_close(
        by=staff["head_a"],
        case=case,
        transferred_to="public_security",
        note="涉嫌拒不支付劳动报酬罪",
        closed_on=days_ago(1),
    )
    assert (closed.status, closed.transferred_to, closed.transfer_note, closed.closed_on) == (
        Status.CLOSED_TRANSFERRED,
        TransferTarget.PUBLIC_SECURITY,
        "涉嫌拒不支付劳动报酬罪",
        days_ago(1),
    )


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"transferred_to": "police"}, "transferred_to", "invalid_choice"),
        ({"transferred_to": "other"}, "note", "required"),
        ({"transferred_to": "court", "closed_on": "future"}, "closed_on", "date_in_future"),
        ({"transferred_to": "court", "closed_on": "before"}, "closed_on", "before_opened"),
    ],
)
def test_bad_closures_are_refused(kwargs, field, code, make_wagecase, staff):
    case = make_wagecase(confirmed=["1000.00"])
    kwargs = dict(kwargs)
    kwargs["closed_on"] = {"future": today() + dt.timedelta(days=1), "before": days_ago(11)}.get(
        kwargs.get("closed_on", "")
    )
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.wagecase_close(by=staff["head_a"], case=case, **kwargs)
    assert codes(info.value) == {field: [code]}
    assert rows() == before


def test_a_fully_paid_case_is_not_transferred(make_wagecase, staff, pay):
    case = make_wagecase(confirmed=["100.00"], claimed=["100"])
    pay(case, (claims_of(case)[0], "100.00", "wages"))
    with pytest.raises(ValidationError) as info:
        services.wagecase_close(by=staff["head_a"], case=case, transferred_to="court")
    assert codes(info.value) == {"transferred_to": ["nothing_outstanding"]}


def test_a_closed_case_takes_no_more_money_acts(make_wagecase, staff, pay):
    case = make_wagecase(confirmed=["1000.00"])
    claim = claims_of(case)[0]
    payment = pay(case, (claim, "100.00", "wages"))
    services.wagecase_close(by=staff["head_a"], case=case, transferred_to="arbitration")
    before = rows()
    attempts = {
        "record_payment": lambda: pay(case, (claim, "1.00", "wages")),
        "confirm_claim": lambda: services.claim_confirm(by=staff["head_a"], claim=claim, amount_confirmed="900"),
        "reverse_payment": lambda: services.payment_reverse(by=staff["head_a"], payment=payment, reason="错"),
        "close": lambda: services.wagecase_close(by=staff["head_a"], case=case, transferred_to="court"),
        "assign": lambda: services.wagecase_assign(
            by=staff["head_a"], case=case, inspectors=[staff["inspector_a"], staff["head_a"]]
        ),
        "add_claim": lambda: services.claim_add(
            by=staff["head_a"], case=case, worker=claim.worker, amount_claimed="1.00"
        ),
        "link_project": lambda: services.wagecase_link_project(by=staff["head_a"], case=case, project=None),
        "order_payment": lambda: services.wagecase_order_payment(by=staff["head_a"], case=case, working_days=5),
        "order_contractor": lambda: services.wagecase_order_contractor(by=staff["head_a"], case=case),
        "mark_incident": lambda: services.wagecase_mark_incident(by=staff["head_a"], case=case, note="聚集"),
    }
    for act, attempt in attempts.items():
        with pytest.raises(services.InvalidTransition) as info:
            attempt()
        assert info.value.act == act
        assert info.value.allowed == ["confirm_receipt"]
        assert "移送结案" in info.value.message
    assert rows() == before
    # every act but the receipt (and opening, which has no source status) is refused
    assert set(workflow.ACTS) == {*attempts, "confirm_receipt", "open"}
