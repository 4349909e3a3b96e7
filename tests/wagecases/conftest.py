"""Fixtures for wage cases, built through the real services: the complaint fixtures (employer
and workers of county A, `make_case`), a `make_wagecase` that opens a case directly (and
confirms its claims if asked), `pay` for a payment in one line, and `rows()` to count what is
stored before and after a refused call; `make_employer`, `make_workers` and `project` (a
construction project of county A with its developer and general contractor) for the acts on
projects and for the defaulter list."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bureau import services as core
from bureau.models import CaseCounter, Employer, User, Worker
from tests.complaints import conftest as complaint_fixtures
from tests.conftest import Tree, make_credit_code, make_id_number
from wagecases import projects, services
from wagecases.models import Allocation, Claim, Payment, Project, WageCase

D = Decimal

# The complaint fixtures, shared: employer and workers of county A, `make_case(status)`.
employer_a = complaint_fixtures.employer_a
employer_b = complaint_fixtures.employer_b
workers_a = complaint_fixtures.workers_a
inspector_a2 = complaint_fixtures.inspector_a2
wages = complaint_fixtures.wages
make_case = complaint_fixtures.make_case


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def codes(exc: ValidationError) -> dict[str, list[str]]:
    """{field: [codes]} of a raised ValidationError."""
    return {field: [e.code or "" for e in errors] for field, errors in exc.error_dict.items()}


def code_of(exc: ValidationError) -> str:
    """The one code of a ValidationError that names a single problem."""
    found = [code for field_codes in codes(exc).values() for code in field_codes]
    assert len(found) == 1, found
    return found[0]


def rows() -> dict[str, Any]:
    """What is stored: row counts, and each claim's confirmation and each payment's reversal,
    so a refused call can be shown to have changed nothing."""
    return {
        "cases": WageCase.objects.count(),
        "claims": list(Claim.objects.order_by("id").values_list("id", "amount_confirmed", "confirmed_at")),
        "payments": list(Payment.objects.order_by("id").values_list("id", "reversed_at")),
        "allocations": list(Allocation.objects.order_by("id").values_list("id", "receipt_confirmed_at")),
        "counters": list(CaseCounter.objects.filter(series="wagecase").order_by("id").values_list("id", "last")),
    }


@pytest.fixture
def make_wagecase(staff: dict[str, User], employer_a: Employer, workers_a: list[Worker]) -> Callable[..., WageCase]:
    def make(
        claimed: Sequence[str] = ("8000.00", "4000.50"),
        confirmed: Sequence[str | None] | None = None,
        opened_on: dt.date | None = None,
        by: str = "inspector_a",
        **extra: Any,
    ) -> WageCase:
        case = services.wagecase_open(
            by=staff[by],
            employer=employer_a,
            claims=[(workers_a[i], D(amount), None, None) for i, amount in enumerate(claimed)],
            opened_on=opened_on or days_ago(10),
            **extra,
        )
        for claim, amount in zip(case.claims.order_by("id"), confirmed or (), strict=False):
            if amount is not None:
                services.claim_confirm(by=staff[by], claim=claim, amount_confirmed=D(amount))
        return case

    return make


@pytest.fixture
def pay(staff: dict[str, User]) -> Callable[..., Payment]:
    """pay(case, (claim, "100.00", "wages"), ...): a payment whose amount is the sum of its
    allocations, paid today by the employer by bank transfer, unless told otherwise."""

    def record(case: WageCase, *allocations: tuple[Claim, str, str], by: str = "inspector_a", **extra: Any) -> Payment:
        fields: dict[str, Any] = {
            "paid_on": today(),
            "amount": sum((D(a) for _, a, _ in allocations), D("0.00")),
            "payer": "employer",
            "method": "bank_transfer",
            "evidence": "工商银行回单 20261120-001",
            **extra,
        }
        case.refresh_from_db()
        if any(kind == "compensation" for _c, _a, kind in allocations) and case.payment_ordered_on is None:
            order_payment(case, by)
        return services.payment_record(
            by=staff[by], case=case, allocations=[(c, D(a), k) for c, a, k in allocations], **fields
        )

    def order_payment(case: WageCase, by: str) -> None:
        """Compensation (加付赔偿金) follows an order to pay: one, due the day it was made."""
        start = case.opened_on
        services.wagecase_order_payment(by=staff[by], case=case, ordered_on=start, due_on=start)
        case.refresh_from_db()

    return record


def claims_of(case: WageCase) -> list[Claim]:
    return list(case.claims.order_by("id"))


@pytest.fixture
def make_employer(staff: dict[str, User], tree: Tree) -> Callable[..., Employer]:
    """make_employer(name): an employer of county A (of county B with county="b"), each with
    its own credit code."""
    numbers = itertools.count(1)

    def make(name: str, county: str = "a") -> Employer:
        region = tree.county_a if county == "a" else tree.county_b
        return core.employer_create(
            by=staff[f"window_{county}"],
            credit_code=make_credit_code(f"9133990{1 if county == 'a' else 2}MA0P{next(numbers):05d}"),
            name=name,
            region=region,
        )

    return make


@pytest.fixture
def make_workers(staff: dict[str, User]) -> Callable[[int], list[Worker]]:
    """make_workers(n): n more workers registered in county A."""
    numbers = itertools.count(500)

    def make(n: int) -> list[Worker]:
        result = []
        for _ in range(n):
            seq = next(numbers)
            worker, _created = core.worker_register(
                by=staff["window_a"], name=f"民工{seq}", id_number=make_id_number(seq=f"{seq:03d}")
            )
            result.append(worker)
        return result

    return make


@pytest.fixture
def project(staff: dict[str, User], tree: Tree, make_employer: Callable[..., Employer]) -> Project:
    """A project of county A with a developer and a general contractor, neither of them
    employer_a (who may be added to its chain as a subcontractor)."""
    return projects.project_create(
        by=staff["inspector_a"],
        name="东湖花园一期",
        site_region=tree.town_a1,
        developer=make_employer("东湖置业有限公司"),
        general_contractor=make_employer("东湖总承包工程有限公司"),
    )
