"""Case numbers: unique per county and year, without gaps or duplicates, also when many clerks
register at the same moment (real threads, real PostgreSQL row locks)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from bureau import services as core
from bureau.models import CaseCounter, Employer, Worker
from complaints import services
from complaints.models import Category, Complaint
from tests.conftest import make_credit_code, make_id_number

THREADS = 8
EACH = 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_consecutive_numbers_without_duplicates(staff, tree):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what is tested")
    employer = core.employer_create(
        by=staff["window_a"],
        credit_code=make_credit_code("91339901MA0NUM001"),
        name="并发测试公司",
        region=tree.county_a,
    )
    worker, _ = core.worker_register(by=staff["window_a"], name="并发", id_number=make_id_number(seq="901"))
    category = Category.objects.get(code="unpaid_wages")
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def register_many() -> None:
        try:
            start.wait()
            for _ in range(EACH):
                services.complaint_register(
                    by=staff["window_a"],
                    employer=Employer.objects.get(pk=employer.pk),
                    categories=[category],
                    facts="并发登记",
                    complainants=[
                        services.ComplainantInput(worker=Worker.objects.get(pk=worker.pk), amount_claimed=Decimal("1"))
                    ],
                )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register_many) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    seqs = sorted(Complaint.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * EACH + 1))
    assert len(set(Complaint.objects.values_list("number", flat=True))) == THREADS * EACH


def test_a_failed_registration_gives_its_number_back(make_case, staff, employer_a, workers_a, wages):
    first = make_case()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.next_number(first.county, first.year)
        raise RuntimeError("the registration failed after taking a number")
    second = make_case()
    assert second.seq == first.seq + 1
    assert CaseCounter.objects.get(series="complaint", county=first.county, year=first.year).last == second.seq


def test_numbers_restart_each_year_and_differ_between_counties(make_case, staff, tree, employer_b, wages):
    import datetime as dt

    last_year = make_case(received_on=dt.date(2025, 12, 31))
    this_year = make_case(received_on=dt.date(2026, 1, 5))
    assert last_year.number.endswith("-2025-0001")
    assert this_year.number.endswith("-2026-0001")
    worker, _ = core.worker_register(
        by=staff["window_b"], name="西山工人", id_number=make_id_number("339902", seq="902")
    )
    other = services.complaint_register(
        by=staff["window_b"],
        employer=employer_b,
        categories=[wages],
        facts="西山",
        complainants=[services.ComplainantInput(worker=worker)],
        received_on=dt.date(2026, 1, 5),
    )
    assert other.number == "339902-2026-0001"
