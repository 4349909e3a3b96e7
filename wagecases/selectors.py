"""Reads of wage cases: what each worker is owed, was paid and still has outstanding, per
claim, per case and per worker, and how long recovery took.

Every total is a database aggregate over the allocations of non-reversed payments (one query
per kind of total, whatever the number of claims or payments); nothing here loops over rows
to add money up. Outstanding is confirmed minus wages paid: derived, never stored. Claims not
yet confirmed have no outstanding figure (None) and count in `unconfirmed`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from bureau.workdays import WorkdayCalendar
from wagecases.models import Allocation, AllocationKind, Claim, Payment, WageCase

ZERO = Decimal("0.00")
MONEY: DecimalField[Any, Any] = DecimalField(max_digits=16, decimal_places=2)
LIVE = Q(payment__reversed_at__isnull=True)  # allocations that count: of non-reversed payments


def _sum(expression: Any, **filters: Any) -> Coalesce:
    return Coalesce(Sum(expression, filter=Q(**filters) if filters else None), Value(ZERO), output_field=MONEY)


def _paid_subquery(kind: str) -> Coalesce:
    """What a claim (the outer row) received of one kind, from non-reversed payments. A
    subquery, so filters that join other tables cannot multiply it."""
    paid = (
        Allocation.objects.filter(LIVE, claim=OuterRef("pk"), kind=kind)
        .order_by()
        .values("claim")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(paid, output_field=MONEY), Value(ZERO), output_field=MONEY)


def claims_with_totals(queryset: QuerySet[Claim] | None = None) -> QuerySet[Claim]:
    """Claims annotated with `wages_paid`, `compensation_paid`, `interest_paid` and
    `outstanding` (confirmed - wages paid; NULL while unconfirmed). Not scoped: callers pass a
    queryset already restricted to what the user may see."""
    queryset = Claim.objects.all() if queryset is None else queryset
    return queryset.annotate(
        wages_paid=_paid_subquery(AllocationKind.WAGES),
        compensation_paid=_paid_subquery(AllocationKind.COMPENSATION),
        interest_paid=_paid_subquery(AllocationKind.INTEREST),
    ).annotate(outstanding=ExpressionWrapper(F("amount_confirmed") - F("wages_paid"), output_field=MONEY))


@dataclass(frozen=True)
class ClaimTotals:
    claim_id: int
    case_id: int
    worker_id: int
    claimed: Decimal
    confirmed: Decimal | None
    wages_paid: Decimal
    compensation_paid: Decimal
    interest_paid: Decimal
    outstanding: Decimal | None

    @property
    def total_paid(self) -> Decimal:
        return self.wages_paid + self.compensation_paid + self.interest_paid


CLAIM_COLUMNS = (
    "pk",
    "case_id",
    "worker_id",
    "amount_claimed",
    "amount_confirmed",
    "wages_paid",
    "compensation_paid",
    "interest_paid",
    "outstanding",
)


def _money_row(row: tuple[Any, ...]) -> list[Any]:
    """Sums read back from SQLite may carry more digits than the fen: as money again."""
    return [v.quantize(Decimal("0.01")) if isinstance(v, Decimal) else v for v in row]


def _claim_rows(queryset: QuerySet[Claim]) -> list[ClaimTotals]:
    return [
        ClaimTotals(*_money_row(row)) for row in claims_with_totals(queryset).order_by("id").values_list(*CLAIM_COLUMNS)
    ]


def claim_totals(case: WageCase) -> list[ClaimTotals]:
    """Per claim of the case, in one query."""
    return _claim_rows(Claim.objects.filter(case=case))


@dataclass(frozen=True)
class Totals:
    claims: int
    unconfirmed: int  # claims whose amount the inspector has not confirmed yet
    claimed: Decimal
    confirmed: Decimal  # of the confirmed claims
    wages_paid: Decimal
    compensation_paid: Decimal
    interest_paid: Decimal
    workers_paid: int  # claims that received wages
    cases: int = 1

    @property
    def total_paid(self) -> Decimal:
        return self.wages_paid + self.compensation_paid + self.interest_paid

    @property
    def outstanding(self) -> Decimal:
        """Of the confirmed claims (wages go only to confirmed claims)."""
        return self.confirmed - self.wages_paid

    @property
    def fully_paid(self) -> bool:
        return self.claims > 0 and self.unconfirmed == 0 and self.outstanding == ZERO


def _totals(claims: QuerySet[Claim]) -> Totals:
    """Two aggregate queries: one over the claims, one over the live allocations."""
    owed = claims.aggregate(
        claims=Count("pk"),
        unconfirmed=Count("pk", filter=Q(amount_confirmed__isnull=True)),
        claimed=_sum("amount_claimed"),
        confirmed=_sum("amount_confirmed"),
        cases=Count("case", distinct=True),
    )
    paid = Allocation.objects.filter(LIVE, claim__in=claims.values("pk")).aggregate(
        wages_paid=_sum("amount", kind=AllocationKind.WAGES),
        compensation_paid=_sum("amount", kind=AllocationKind.COMPENSATION),
        interest_paid=_sum("amount", kind=AllocationKind.INTEREST),
        workers_paid=Count("claim", distinct=True, filter=Q(kind=AllocationKind.WAGES)),
    )
    # Sums read back from SQLite may carry more digits than the fen: shown and compared as money.
    figures: dict[str, Any] = {
        k: (v.quantize(Decimal("0.01")) if isinstance(v, Decimal) else v) for k, v in {**owed, **paid}.items()
    }
    return Totals(**figures)


def case_totals(case: WageCase) -> Totals:
    """The sums over the case's claims."""
    return _totals(Claim.objects.filter(case=case))


def cases_totals(cases: QuerySet[WageCase]) -> Totals:
    """The sums over every claim of a set of cases (already scoped and filtered by the
    caller): an employer's, a project's, a county's."""
    return _totals(Claim.objects.filter(case__in=cases.order_by().values("pk")))


def cases_people(cases: QuerySet[WageCase]) -> tuple[int, int]:
    """Distinct workers over a set of cases, and those of them who received wages (a worker
    on two cases counts once; `Totals.claims` counts him twice)."""
    claims = Claim.objects.filter(case__in=cases.order_by().values("pk"))
    people = claims.aggregate(n=Count("worker", distinct=True))["n"]
    paid = Allocation.objects.filter(LIVE, kind=AllocationKind.WAGES, claim__in=claims.values("pk")).aggregate(
        n=Count("claim__worker", distinct=True)
    )["n"]
    return people, paid


@dataclass(frozen=True)
class WorkerTotals:
    claims: list[ClaimTotals]
    totals: Totals


def worker_totals(worker: Any, user: Any) -> WorkerTotals:
    """Every claim of one worker on the wage cases the user may see, and their sums."""
    claims = Claim.objects.filter(worker=worker, case__in=WageCase.objects.visible_to(user).values("pk"))
    return WorkerTotals(claims=_claim_rows(claims), totals=_totals(claims))


@dataclass(frozen=True)
class Recovery:
    """Working days from the start of a case (the complaint's receipt, else the opening) to
    its first payment and to the payment that cleared what was owed (None until then)."""

    started_on: dt.date
    first_paid_on: dt.date | None
    full_paid_on: dt.date | None
    days_to_first: int | None
    days_to_full: int | None
    provisional: bool  # counts days of a year whose official calendar is not loaded


def case_of_complaint(complaint: Any) -> WageCase | None:
    """The wage case opened from a complaint (at most one), if any."""
    return WageCase.objects.filter(complaint=complaint).first()


def case_start(case: WageCase) -> dt.date:
    if case.complaint_id is not None and case.complaint is not None:
        received: dt.date = case.complaint.received_on
        return received
    return case.opened_on


def time_to_recovery(case: WageCase) -> Recovery:
    started = case_start(case)
    dates = Payment.objects.filter(case=case, reversed_at__isnull=True).aggregate(
        first=Min("paid_on"),
        last_wages=Max("paid_on", filter=Q(allocations__kind=AllocationKind.WAGES)),
    )
    first: dt.date | None = dates["first"]
    totals = case_totals(case)
    # Wages are positive, so what was owed was cleared by the latest payment of wages.
    full: dt.date | None = dates["last_wages"] if totals.fully_paid else None
    calendar = WorkdayCalendar()
    days_to_first = days_to_full = None
    provisional = False
    if first is not None:
        days_to_first, unsure = calendar.between(started, first)
        provisional |= unsure
    if full is not None:
        days_to_full, unsure = calendar.between(started, full)
        provisional |= unsure
    return Recovery(started, first, full, days_to_first, days_to_full, provisional)


def cases_with_totals(queryset: QuerySet[WageCase] | None = None) -> QuerySet[WageCase]:
    """Cases annotated, row by row, with the figures `case_totals` gives for one case:
    `workers` (claims), `unconfirmed`, `claimed`, `confirmed` (of the confirmed claims),
    `wages_paid`, `compensation_paid`, `interest_paid` (non-reversed payments), `total_paid`,
    `outstanding` (confirmed - wages paid) and `workers_paid`. Each figure is a correlated
    subquery, so a list takes one query whatever its length, and filters that join other
    tables cannot multiply the sums. Not scoped: callers apply `visible_to`."""
    queryset = WageCase.objects.all() if queryset is None else queryset
    claims = Claim.objects.filter(case=OuterRef("pk")).order_by().values("case")
    live = Allocation.objects.filter(LIVE, claim__case=OuterRef("pk")).order_by().values("claim__case")

    def count(rows: QuerySet[Any], expression: Any) -> Coalesce:
        return Coalesce(Subquery(rows.annotate(n=expression).values("n"), output_field=IntegerField()), Value(0))

    def total(rows: QuerySet[Any], field: str) -> Coalesce:
        subquery = Subquery(rows.annotate(t=Sum(field)).values("t"), output_field=MONEY)
        return Coalesce(subquery, Value(ZERO), output_field=MONEY)

    return queryset.annotate(
        workers=count(claims, Count("pk")),
        unconfirmed=count(claims.filter(amount_confirmed__isnull=True), Count("pk")),
        claimed=total(claims, "amount_claimed"),
        confirmed=total(claims, "amount_confirmed"),
        wages_paid=total(live.filter(kind=AllocationKind.WAGES), "amount"),
        compensation_paid=total(live.filter(kind=AllocationKind.COMPENSATION), "amount"),
        interest_paid=total(live.filter(kind=AllocationKind.INTEREST), "amount"),
        workers_paid=count(live.filter(kind=AllocationKind.WAGES), Count("claim", distinct=True)),
    ).annotate(
        total_paid=ExpressionWrapper(F("wages_paid") + F("compensation_paid") + F("interest_paid"), output_field=MONEY),
        outstanding=ExpressionWrapper(F("confirmed") - F("wages_paid"), output_field=MONEY),
    )
