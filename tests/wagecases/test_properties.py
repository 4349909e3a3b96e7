"""Property-based: whatever sequence of payments (with valid and invalid allocations),
reversals, confirmations and receipt confirmations is tried on a case, after every step

- each claim's outstanding is its confirmed amount minus the wages of its non-reversed
  allocations, and never negative; compensation never exceeds the confirmed wages;
- the case totals are the sums of the claim totals, and what was paid is the sum of the
  non-reversed payments;
- every payment's allocations add up to its amount (reversed ones included: rows are kept);
- a call is refused exactly when a reference model says it breaks a rule, with one of the
  codes the model expects, and a refused call stores nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from bureau import services as core
from tests.conftest import make_id_number
from tests.wagecases.conftest import claims_of, code_of, days_ago, rows, today
from wagecases import selectors, services
from wagecases.models import FEN, Allocation, Claim, Payment

KINDS = ("wages", "compensation", "interest")
ZERO = Decimal("0.00")
OPENED_DAYS_AGO = 10


def yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


@dataclass
class PaymentModel:
    pk: int
    allocations: list[tuple[int, Decimal, str, int]]  # claim index, amount, kind, allocation pk
    reversed: bool = False
    receipts: set[int] = field(default_factory=set)


@dataclass
class Model:
    confirmed: list[Decimal | None]
    payments: list[PaymentModel] = field(default_factory=list)

    def paid(self, index: int, kind: str) -> Decimal:
        return sum(
            (a for p in self.payments if not p.reversed for i, a, k, _ in p.allocations if i == index and k == kind),
            ZERO,
        )


class Rollback(Exception):
    """Ends an example: its savepoint is rolled back, the next one starts clean."""


@pytest.fixture
def foreign_claim(staff, employer_a) -> Claim:
    """A confirmed claim on another case, for allocations to a worker who is not on the case."""
    worker, _ = core.worker_register(by=staff["window_a"], name="他案工人", id_number=make_id_number(seq="450"))
    case = services.wagecase_open(
        by=staff["inspector_a"], employer=employer_a, claims=[(worker, "100", None, None)], opened_on=days_ago(30)
    )
    claim = claims_of(case)[0]
    return services.claim_confirm(by=staff["inspector_a"], claim=claim, amount_confirmed="100")


def attempt(name: str, call: Callable[[], Any], expected: set[str]) -> Any:
    """Run a service call: refused exactly when `expected` names a broken rule, with one of
    those codes, and then nothing stored."""
    before = rows()
    if expected:
        with pytest.raises(ValidationError) as info:
            call()
        code = code_of(info.value)
        event(f"{name} refused: {code}")
        assert code in expected
        assert rows() == before
        return None
    result = call()
    event(f"{name} accepted")
    return result


def check(case: Any, claims: list[Claim], model: Model, worker: Any, user: Any) -> None:
    totals = selectors.claim_totals(case)
    assert [t.claim_id for t in totals] == [c.pk for c in claims]
    live = list(Allocation.objects.filter(payment__case=case, payment__reversed_at__isnull=True))
    for index, (claim, t) in enumerate(zip(claims, totals, strict=True)):
        raw = {k: sum((a.amount for a in live if a.claim_id == claim.pk and a.kind == k), ZERO) for k in KINDS}
        assert (t.wages_paid, t.compensation_paid, t.interest_paid) == (
            raw["wages"],
            raw["compensation"],
            raw["interest"],
        )
        assert tuple(raw[k] for k in KINDS) == tuple(model.paid(index, k) for k in KINDS)
        assert t.confirmed == model.confirmed[index]
        if t.confirmed is None:
            assert t.outstanding is None
            assert t.total_paid == ZERO
        else:
            assert t.outstanding == t.confirmed - raw["wages"]
            assert t.outstanding >= 0
            assert t.compensation_paid <= t.confirmed
    confirmed = [t for t in totals if t.confirmed is not None]
    case_t = selectors.case_totals(case)
    assert case_t.claims == len(totals)
    assert case_t.unconfirmed == len(totals) - len(confirmed)
    assert case_t.claimed == sum((t.claimed for t in totals), ZERO)
    assert case_t.confirmed == sum((t.confirmed for t in confirmed if t.confirmed is not None), ZERO)
    assert case_t.wages_paid == sum((t.wages_paid for t in totals), ZERO)
    assert case_t.compensation_paid == sum((t.compensation_paid for t in totals), ZERO)
    assert case_t.interest_paid == sum((t.interest_paid for t in totals), ZERO)
    assert case_t.outstanding == sum((t.outstanding for t in confirmed if t.outstanding is not None), ZERO)
    assert case_t.outstanding >= 0
    payments = list(Payment.objects.filter(case=case).prefetch_related("allocations"))
    assert case_t.total_paid == sum((p.amount for p in payments if p.reversed_at is None), ZERO)
    for payment in payments:
        assert sum((a.amount for a in payment.allocations.all()), ZERO) == payment.amount
    assert {p.pk: p.reversed_at is not None for p in payments} == {p.pk: p.reversed for p in model.payments}
    # the worker's view (his only claim among the cases he is on) agrees with the case's
    mine = selectors.worker_totals(worker, user)
    assert mine.claims == [totals[0]]
    assert (mine.totals.confirmed, mine.totals.wages_paid, mine.totals.compensation_paid, mine.totals.outstanding) == (
        totals[0].confirmed or ZERO,
        totals[0].wages_paid,
        totals[0].compensation_paid,
        totals[0].outstanding or ZERO,
    )


# How a payment attempt is broken, if at all: about half are meant to be valid. The rare
# choices come last (Hypothesis favours the first elements of a sampled list).
BREAKAGES = [None] * 8 + [
    "foreign_claim",
    "bad_amount",
    "sum",
    "future",
    "before_opened",
    "duplicate",
    "over",
    "unconfirmed",
]


def room(model: Model, index: int, kind: str) -> Decimal | None:
    """What may still be allocated to a claim as wages or compensation (None: no limit)."""
    confirmed = model.confirmed[index]
    if confirmed is None or kind == "interest":
        return None
    return confirmed - model.paid(index, kind)


def step_pay(data, case, claims, foreign, model, by) -> None:
    breakage = data.draw(st.sampled_from(BREAKAGES))
    every = [(i, k) for i in range(3) for k in KINDS]
    fitting = [(i, k) for i, k in every if model.confirmed[i] is not None and (room(model, i, k) or 1) > 0]
    pairs: list[tuple[int | None, str]] = data.draw(
        st.lists(st.sampled_from(fitting or every), min_size=1, max_size=3, unique=True)
    )
    amounts: list[Decimal] = []
    for index, kind in pairs:
        limit = room(model, index, kind) if index is not None else None
        top = int(limit * 100) if limit is not None and limit > 0 else 300_000
        amounts.append(yuan(data.draw(st.integers(1, top))))
    paid_on = data.draw(st.sampled_from([today(), days_ago(1), days_ago(OPENED_DAYS_AGO)]))
    delta = ZERO
    if breakage == "foreign_claim":
        pairs.append((None, "wages"))
        amounts.append(Decimal("1.00"))
    elif breakage == "bad_amount":
        amounts[-1] = data.draw(st.sampled_from([ZERO, Decimal("-0.01"), Decimal("-100.00")]))
    elif breakage == "sum":
        delta = data.draw(st.sampled_from([FEN, -FEN, Decimal("100.00")]))
    elif breakage == "future":
        paid_on = days_ago(-1)
    elif breakage == "before_opened":
        paid_on = days_ago(OPENED_DAYS_AGO + 1)
    elif breakage == "duplicate":
        pairs.append(pairs[0])
        amounts.append(Decimal("0.01"))
    elif breakage == "over":
        capped = [(n, r) for n, (i, k) in enumerate(pairs) if i is not None and (r := room(model, i, k)) is not None]
        if capped:
            n, r = data.draw(st.sampled_from(capped))
            amounts[n] = max(r, ZERO) + FEN
    elif breakage == "unconfirmed":
        unconfirmed = [i for i in range(3) if model.confirmed[i] is None]
        if unconfirmed:
            pairs.append((unconfirmed[0], data.draw(st.sampled_from(KINDS))))
            amounts.append(Decimal("5.00"))
    targets = [index for index, _ in pairs]
    allocations = [
        (foreign if index is None else claims[index], value, kind)
        for (index, kind), value in zip(pairs, amounts, strict=True)
    ]
    allocated = sum(amounts, ZERO)
    amount = allocated + delta

    expected: set[str] = set()
    if amount <= 0 or any(a <= 0 for _, a, _ in allocations):
        expected.add("min_value")
    if None in targets:
        expected.add("not_on_case")
    if len(set(pairs)) != len(pairs):
        expected.add("duplicate")
    if allocated != amount:
        expected.add("allocation_sum")
    if paid_on > today():
        expected.add("date_in_future")
    if paid_on < days_ago(OPENED_DAYS_AGO):
        expected.add("before_opened")
    for index, (_, value, kind) in zip(targets, allocations, strict=True):
        if index is None or value <= 0:
            continue
        confirmed = model.confirmed[index]
        if confirmed is None:
            expected.add("unconfirmed")
        elif kind == "wages" and model.paid(index, kind) + value > confirmed:
            expected.add("over_confirmed")
        elif kind == "compensation" and model.paid(index, kind) + value > confirmed:
            expected.add("compensation_cap")

    payer = data.draw(st.sampled_from(["employer", "wage_deposit", "emergency_fund", "other"]))
    method = data.draw(st.sampled_from(["bank_transfer", "cash_signed", "special_account"]))
    payment = attempt(
        "payment",
        lambda: services.payment_record(
            by=by,
            case=case,
            paid_on=paid_on,
            amount=amount,
            payer=payer,
            method=method,
            evidence="回单",
            allocations=allocations,
        ),
        expected,
    )
    if payment is not None:
        stored = {(a.claim_id, a.kind): a.pk for a in payment.allocations.all()}
        model.payments.append(
            PaymentModel(
                payment.pk,
                [
                    (i, v, k, stored[(claims[i].pk, k)])
                    for i, (_, v, k) in zip(targets, allocations, strict=True)
                    if i is not None
                ],
            )
        )


def step_reverse(data, model, by) -> None:
    if not model.payments:
        return
    target = data.draw(st.sampled_from(model.payments))
    reason = data.draw(st.sampled_from(["录入错误"] * 4 + [" "]))
    expected = set()
    if not reason.strip():
        expected.add("required")
    if target.reversed:
        expected.add("already_reversed")
    if target.receipts:
        expected.add("receipt_confirmed")
    payment = Payment.objects.get(pk=target.pk)
    if (
        attempt("reversal", lambda: services.payment_reverse(by=by, payment=payment, reason=reason), expected)
        is not None
    ):
        target.reversed = True


def step_confirm(data, claims, model, by) -> None:
    index = data.draw(st.integers(0, 2))
    wages = model.paid(index, "wages")
    mode = data.draw(st.sampled_from(["random"] * 3 + ["wages", "bad"]))
    if mode == "wages":
        amount = wages  # lowered to exactly what was paid: allowed
    elif mode == "bad":
        amount = Decimal("-1.00")
    else:
        amount = yuan(data.draw(st.integers(0, 400_000)))
    expected = set()
    if amount < 0:
        expected.add("min_value")
    if amount < wages:
        expected.add("below_allocated")
    if model.paid(index, "compensation") > amount:
        expected.add("compensation_cap")
    if (
        attempt(
            "confirmation",
            lambda: services.claim_confirm(by=by, claim=claims[index], amount_confirmed=amount),
            expected,
        )
        is not None
    ):
        model.confirmed[index] = amount


def step_receipt(data, model, by) -> None:
    if not model.payments:
        return
    target = data.draw(st.sampled_from(model.payments))
    allocation_pk = data.draw(st.sampled_from([a[3] for a in target.allocations]))
    expected = set()
    if target.reversed:
        expected.add("reversed")
    if allocation_pk in target.receipts:
        expected.add("already_confirmed")
    allocation = Allocation.objects.get(pk=allocation_pk)
    if attempt("receipt", lambda: services.receipt_confirm(by=by, allocation=allocation), expected) is not None:
        target.receipts.add(allocation_pk)


def owed_strategy(choice: str) -> st.SearchStrategy[int | None]:
    if choice == "none":
        return st.none()
    return st.just(0) if choice == "zero" else st.integers(1, 300_000)


@settings(
    max_examples=60,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],  # "explain" takes minutes here
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_payments_reversals_and_confirmations_keep_every_total_equal_to_its_parts(
    data, staff, employer_a, workers_a, foreign_claim
):
    by = staff["inspector_a"]
    try:
        with transaction.atomic():  # a savepoint per example
            case = services.wagecase_open(
                by=by,
                employer=employer_a,
                claims=[(w, "3000", None, None) for w in workers_a],
                opened_on=days_ago(OPENED_DAYS_AGO),
            )
            # ordered to pay, so that compensation may be allocated
            opened = days_ago(OPENED_DAYS_AGO)
            case = services.wagecase_order_payment(by=by, case=case, ordered_on=opened, due_on=opened)
            claims = claims_of(case)
            model = Model(confirmed=[None, None, None])
            for index in range(3):
                fen = data.draw(st.sampled_from(["some"] * 4 + ["zero", "none"]).flatmap(owed_strategy))
                if fen is not None:
                    services.claim_confirm(by=by, claim=claims[index], amount_confirmed=yuan(fen))
                    model.confirmed[index] = yuan(fen)
            check(case, claims, model, workers_a[0], by)
            for _ in range(data.draw(st.integers(1, 12))):
                step = data.draw(st.sampled_from(["pay"] * 4 + ["reverse", "confirm", "receipt"]))
                if step == "pay":
                    step_pay(data, case, claims, foreign_claim, model, by)
                elif step == "reverse":
                    step_reverse(data, model, by)
                elif step == "confirm":
                    step_confirm(data, claims, model, by)
                else:
                    step_receipt(data, model, by)
                check(case, claims, model, workers_a[0], by)
            raise Rollback
    except Rollback:
        pass
