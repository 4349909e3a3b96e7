"""A complaint with a wage case: the money side is the wage case's. The complaint may ask for
closure only once its wage case is closed, and then carries the wage case's figures (wages,
compensation and interest recovered; workers who received wages), whatever was typed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from complaints import services
from complaints.models import Complaint, Event, Status
from tests.wagecases import conftest as wage_fixtures
from tests.wagecases.conftest import claims_of, codes
from wagecases import services as wage_services
from wagecases.models import WageCase

D = Decimal

pytestmark = pytest.mark.django_db

# pay(case, (claim, "100.00", "wages"), ...): the wage-case fixture, shared
pay = wage_fixtures.pay


def stored(complaint: Complaint) -> dict[str, Any]:
    row = Complaint.objects.filter(pk=complaint.pk).values(
        "status", "amount_recovered", "workers_paid", "closed_on", "outcome", "updated_at"
    )
    return {
        "complaint": row.get(),
        "events": list(Event.objects.filter(complaint=complaint).values_list("id", "action")),
    }


def request_closure(complaint: Complaint, staff: dict, **kwargs: Any) -> Event:
    return services.complaint_act(
        complaint=complaint, by=staff["inspector_a"], act="request_closure", outcome="paid", **kwargs
    )


@pytest.fixture
def linked(make_case, staff) -> tuple[Complaint, WageCase]:
    """A complaint under investigation (claims 8,000 and 4,000.50) and its wage case."""
    complaint = make_case(Status.ACCEPTED)
    case = wage_services.wagecase_open_from_complaint(by=staff["inspector_a"], complaint=complaint)
    return complaint, case


@pytest.fixture
def paid_and_closed(linked, staff, pay) -> tuple[Complaint, WageCase]:
    """The wage case settled: the first worker confirmed 8,000 and paid it, with 500 of
    compensation and 12.34 of interest; the second found owed nothing; a payment entered in
    error reversed. 8,512.34 recovered, one worker received wages."""
    complaint, case = linked
    first, second = claims_of(case)
    wage_services.claim_confirm(by=staff["inspector_a"], claim=first, amount_confirmed="8000.00")
    wage_services.claim_confirm(by=staff["inspector_a"], claim=second, amount_confirmed="0.00")
    wrong = pay(case, (first, "3000.00", "wages"))
    wage_services.payment_reverse(by=staff["inspector_a"], payment=wrong, reason="重复录入")
    pay(case, (first, "8000.00", "wages"), (first, "500.00", "compensation"), (first, "12.34", "interest"))
    wage_services.wagecase_close(by=staff["head_a"], case=case)
    return complaint, case


def test_closure_is_not_asked_while_the_wage_case_is_open(linked, staff):
    complaint, case = linked
    before = stored(complaint)
    with pytest.raises(ValidationError) as info:
        request_closure(complaint, staff, amount_recovered=D("12000.00"), workers_paid=2)
    assert codes(info.value) == {"act": ["wagecase_open"]}
    assert case.number in str(info.value)
    assert stored(complaint) == before


def test_the_complaint_takes_the_figures_of_its_closed_wage_case(paid_and_closed, staff):
    complaint, case = paid_and_closed
    event = request_closure(complaint, staff)
    assert event.data == {
        "outcome": "paid",
        "amount_recovered": "8512.34",  # 8,000 wages + 500 compensation + 12.34 interest
        "workers_paid": 1,
        "wage_case": case.number,
    }
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSURE_REQUESTED
    services.complaint_act(complaint=complaint, by=staff["head_a"], act="approve_closure")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome, complaint.amount_recovered, complaint.workers_paid) == (
        Status.CLOSED,
        "paid",
        D("8512.34"),
        1,
    )


@pytest.mark.parametrize(
    ("amount", "workers"),
    [(None, None), (D("0"), 0), ("", None), ("0.00", 0), (D("8512.34"), 1), ("8512.34", None), (None, 1)],
)
def test_blank_zero_or_matching_typed_figures_are_accepted(amount, workers, paid_and_closed, staff):
    complaint, _case = paid_and_closed
    event = request_closure(complaint, staff, amount_recovered=amount, workers_paid=workers)
    assert (event.data["amount_recovered"], event.data["workers_paid"]) == ("8512.34", 1)


@pytest.mark.parametrize(
    ("amount", "workers", "field"),
    [
        (D("12000.00"), None, "amount_recovered"),  # what the complainants claimed
        (D("8000.00"), 1, "amount_recovered"),  # the wages alone
        (D("8512.35"), 1, "amount_recovered"),
        (D("8512.34"), 2, "workers_paid"),  # the second worker received no wages
    ],
)
def test_typed_figures_that_differ_from_the_wage_case_are_refused(amount, workers, field, paid_and_closed, staff):
    complaint, _case = paid_and_closed
    before = stored(complaint)
    with pytest.raises(ValidationError) as info:
        request_closure(complaint, staff, amount_recovered=amount, workers_paid=workers)
    assert codes(info.value) == {field: ["wagecase_figures"]}
    # the message gives the wage case's figure
    assert ("8512.34" if field == "amount_recovered" else "1人") in info.value.message_dict[field][0]
    assert stored(complaint) == before


def test_a_wage_case_transferred_with_a_remainder_gives_what_was_recovered(linked, staff, pay):
    complaint, case = linked
    first, second = claims_of(case)
    wage_services.claim_confirm(by=staff["inspector_a"], claim=first, amount_confirmed="8000.00")
    wage_services.claim_confirm(by=staff["inspector_a"], claim=second, amount_confirmed="4000.50")
    pay(case, (first, "2000.00", "wages"), (second, "4000.50", "wages"))
    wage_services.wagecase_close(
        by=staff["head_a"], case=case, transferred_to="public_security", note="涉嫌拒不支付劳动报酬罪"
    )
    event = request_closure(complaint, staff)
    assert (event.data["amount_recovered"], event.data["workers_paid"]) == ("6000.50", 2)
    services.complaint_act(complaint=complaint, by=staff["head_a"], act="approve_closure")
    complaint.refresh_from_db()
    assert (complaint.amount_recovered, complaint.workers_paid) == (D("6000.50"), 2)


def test_a_complaint_without_a_wage_case_keeps_its_typed_figures(make_case, staff):
    complaint = make_case(Status.ACCEPTED)
    event = request_closure(complaint, staff, amount_recovered=D("12000.00"), workers_paid=2)
    assert (event.data["amount_recovered"], event.data["workers_paid"]) == ("12000.00", 2)
    assert "wage_case" not in event.data
    services.complaint_act(complaint=complaint, by=staff["head_a"], act="approve_closure")
    complaint.refresh_from_db()
    assert (complaint.amount_recovered, complaint.workers_paid) == (D("12000.00"), 2)
