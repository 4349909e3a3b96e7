"""Opening a wage case: directly (or from an inspection finding) with each worker's claim, or
in one step from a complaint, carrying over its county, employer, workers and claims."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bureau import services as core
from complaints import services as complaint_services
from complaints.models import Status as ComplaintStatus
from tests.conftest import make_id_number
from tests.wagecases.conftest import code_of, codes, days_ago, rows, today
from wagecases import services
from wagecases.models import Source, Status, WageCase

D = Decimal


def test_an_inspector_opens_a_case_with_the_claims_of_each_worker(staff, tree, employer_a, workers_a):
    case = services.wagecase_open(
        by=staff["inspector_a"],
        employer=employer_a,
        claims=[
            (workers_a[0], D("8000.00"), dt.date(2026, 5, 1), dt.date(2026, 8, 31)),
            (workers_a[1], "4000.5", None, None),
        ],
        opened_on=days_ago(3),
    )
    assert case.number == f"339901-{days_ago(3).year}-W0001"
    assert case.county == tree.county_a
    assert case.source == Source.DIRECT
    assert case.status == Status.OPEN
    assert case.complaint is None
    assert case.created_by == staff["inspector_a"]
    claims = list(case.claims.order_by("id").values_list("worker", "amount_claimed", "amount_confirmed", "period_to"))
    assert claims == [
        (workers_a[0].pk, D("8000.00"), None, dt.date(2026, 8, 31)),
        (workers_a[1].pk, D("4000.50"), None, None),
    ]


def test_numbers_follow_each_other_per_county_and_year_with_a_w(make_wagecase, staff, tree, employer_b):
    first = make_wagecase(opened_on=dt.date(2026, 1, 5))
    second = make_wagecase(opened_on=dt.date(2026, 3, 1))
    last_year = make_wagecase(opened_on=dt.date(2025, 12, 31))
    worker, _ = core.worker_register(
        by=staff["window_b"], name="西山工人", id_number=make_id_number("339902", seq="902")
    )
    other = services.wagecase_open(by=staff["inspector_b"], employer=employer_b, claims=[(worker, 100, None, None)])
    assert [first.number, second.number, last_year.number] == [
        "339901-2026-W0001",
        "339901-2026-W0002",
        "339901-2025-W0001",
    ]
    assert other.number == f"339902-{today().year}-W0001"


def test_a_case_from_an_inspection_finding_says_so(make_wagecase):
    assert make_wagecase(source="inspection").source == Source.INSPECTION


def test_window_staff_see_cases_but_do_not_open_them(staff, employer_a, workers_a):
    before = rows()
    with pytest.raises(PermissionDenied):
        services.wagecase_open(by=staff["window_a"], employer=employer_a, claims=[(workers_a[0], 1, None, None)])
    assert rows() == before


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"claims": []}, "claims", "required"),
        ({"claims": "duplicate"}, "claims.1.worker", "duplicate"),
        ({"claims": "other_county"}, "claims.0.worker", "does_not_exist"),
        ({"amount": "-1"}, "claims.0.amount_claimed", "min_value"),
        ({"amount": "10000000.01"}, "claims.0.amount_claimed", "max_value"),
        ({"amount": "100.001"}, "claims.0.amount_claimed", "max_decimal_places"),
        ({"amount": "1e30"}, "claims.0.amount_claimed", "invalid"),  # no exponents in money
        ({"amount": "-1e30"}, "claims.0.amount_claimed", "invalid"),
        ({"amount": "abc"}, "claims.0.amount_claimed", "invalid"),
        ({"amount": "NaN"}, "claims.0.amount_claimed", "invalid"),
        ({"period": (dt.date(2026, 5, 1), dt.date(2026, 4, 1))}, "claims.0.period_to", "period_order"),
        ({"period": (None, "future")}, "claims.0.period_to", "date_in_future"),
        ({"opened_on": "future"}, "opened_on", "date_in_future"),
        ({"source": "complaint"}, "source", "invalid_choice"),
        ({"county": "b"}, "county", "does_not_exist"),
        ({"county": "town"}, "county", "does_not_exist"),
        ({"employer": "b"}, "employer", "does_not_exist"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    change, field, code, staff, tree, employer_a, employer_b, workers_a
):
    worker_b, _ = core.worker_register(
        by=staff["window_b"], name="西山工人", id_number=make_id_number("339902", seq="903")
    )
    period = change.get("period", (None, None))
    if period[1] == "future":
        period = (None, today() + dt.timedelta(days=1))
    claims = [(workers_a[0], change.get("amount", "100"), *period), (workers_a[1], "50", None, None)]
    if change.get("claims") == "duplicate":
        claims = [(workers_a[0], "1", None, None), (workers_a[0], "2", None, None)]
    elif change.get("claims") == "other_county":
        claims = [(worker_b, "1", None, None)]
    elif "claims" in change:
        claims = change["claims"]
    kwargs = {
        "by": staff["inspector_a"],
        "employer": employer_b if change.get("employer") == "b" else employer_a,
        "claims": claims,
        "county": {"b": tree.county_b, "town": tree.town_a1}.get(change.get("county", "")),
        "opened_on": today() + dt.timedelta(days=1) if change.get("opened_on") == "future" else None,
        "source": change.get("source", "direct"),
    }
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.wagecase_open(**kwargs)
    assert codes(info.value) == {field: [code]}
    assert rows() == before


def test_a_failed_opening_gives_its_number_back(make_wagecase, staff, employer_a, workers_a):
    first = make_wagecase()
    with pytest.raises(ValidationError):
        services.wagecase_open(by=staff["inspector_a"], employer=employer_a, claims=[(workers_a[0], "-5", None, None)])
    second = make_wagecase()
    assert second.seq == first.seq + 1


def test_opening_from_a_complaint_carries_its_county_employer_workers_and_claims(
    staff, tree, employer_a, workers_a, wages
):
    complaint = complaint_services.complaint_register(
        by=staff["window_a"],
        employer=employer_a,
        categories=[wages],
        facts="拖欠三个月工资",
        complainants=[
            complaint_services.ComplainantInput(
                worker=workers_a[0],
                amount_claimed=D("8000"),
                period_from=dt.date(2026, 6, 1),
                period_to=dt.date(2026, 8, 31),
            ),
            complaint_services.ComplainantInput(worker=workers_a[2], amount_claimed=D("4000.50")),
        ],
        received_on=days_ago(7),
    )
    case = services.wagecase_open_from_complaint(by=staff["inspector_a"], complaint=complaint)
    assert case.source == Source.COMPLAINT
    assert case.complaint == complaint
    assert (case.county, case.employer, case.opened_on) == (tree.county_a, employer_a, today())
    assert list(
        case.claims.order_by("id").values_list(
            "worker", "amount_claimed", "period_from", "period_to", "amount_confirmed"
        )
    ) == [
        (workers_a[0].pk, D("8000.00"), dt.date(2026, 6, 1), dt.date(2026, 8, 31), None),
        (workers_a[2].pk, D("4000.50"), None, None, None),
    ]


def test_a_complaint_gets_one_wage_case_only(make_case, staff):
    complaint = make_case(ComplaintStatus.ACCEPTED)
    first = services.wagecase_open_from_complaint(by=staff["inspector_a"], complaint=complaint)
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.wagecase_open_from_complaint(by=staff["head_a"], complaint=complaint)
    assert code_of(info.value) == "already_opened"
    assert first.number in str(info.value)
    assert rows() == before


@pytest.mark.parametrize("status", [ComplaintStatus.WITHDRAWN, ComplaintStatus.NOT_ACCEPTED, ComplaintStatus.REFERRED])
def test_no_wage_case_from_a_complaint_that_is_not_pursued(status, make_case, staff):
    complaint = make_case(status)
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.wagecase_open_from_complaint(by=staff["inspector_a"], complaint=complaint)
    assert code_of(info.value) == "complaint_status"
    assert rows() == before


def test_a_wage_case_opens_on_or_after_the_complaints_receipt(make_case, staff):
    complaint = make_case(received_on=days_ago(5))
    for opened_on, code in ((days_ago(6), "before_received"), (today() + dt.timedelta(days=1), "date_in_future")):
        with pytest.raises(ValidationError) as info:
            services.wagecase_open_from_complaint(by=staff["inspector_a"], complaint=complaint, opened_on=opened_on)
        assert codes(info.value) == {"opened_on": [code]}
    case = services.wagecase_open_from_complaint(by=staff["inspector_a"], complaint=complaint, opened_on=days_ago(5))
    assert case.opened_on == days_ago(5)


def test_another_countys_inspector_cannot_open_from_a_complaint_he_cannot_see(make_case, staff):
    complaint = make_case()
    before = rows()
    with pytest.raises(complaint.DoesNotExist):
        services.wagecase_open_from_complaint(by=staff["inspector_b"], complaint=complaint)
    assert rows() == before
    assert not WageCase.objects.exists()
