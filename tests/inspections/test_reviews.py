"""Annual written reviews (书面审查 / 年检): one submission per employer and year, with figures
that hold together and no date in the future; then a decision: passed, failed, or to rectify
(限期整改, optionally with an order served the day of the decision), which is decided again once
the employer has corrected."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from inspections import services
from inspections.models import AnnualReview, OrderStatus, ReviewResult
from tests.inspections.conftest import code_of, codes, rows, today


def inputs(employer, **fields):
    fields.setdefault("year", today().year - 1)
    fields.setdefault("submitted_on", today() - dt.timedelta(days=20))
    fields.setdefault("workers", 50)
    fields.setdefault("contracts_signed", 48)
    fields.setdefault("insured_workers", 45)
    fields.setdefault("wages_total", "3600000.00")
    return services.ReviewInput(employer=employer, **fields)


def refused(call, **kw):
    before = rows()
    with pytest.raises(ValidationError) as info:
        call(**kw)
    assert rows() == before
    [field] = codes(info.value)
    return field, code_of(info.value)


@pytest.fixture
def review(staff, employer_a):
    return services.review_submit(
        by=staff["inspector_a"], data=inputs(employer_a, lowest_monthly_wage="2280", note=" 按时报送 ")
    )


# --- submissions -----------------------------------------------------------------------------


def test_a_submission_is_recorded_pending(review, staff, tree, employer_a):
    assert (review.county, review.employer, review.year) == (tree.county_a, employer_a, today().year - 1)
    assert (review.workers, review.contracts_signed, review.insured_workers) == (50, 48, 45)
    assert (review.wages_total, review.lowest_monthly_wage) == (Decimal("3600000.00"), Decimal("2280.00"))
    assert (review.result, review.reviewed_on, review.note) == (ReviewResult.PENDING, None, "按时报送")


def test_one_submission_per_employer_and_year(review, staff, employer_a):
    call = services.review_submit
    assert refused(call, by=staff["head_a"], data=inputs(employer_a)) == ("year", "duplicate")
    other_year = services.review_submit(by=staff["inspector_a"], data=inputs(employer_a, year=today().year - 2))
    assert other_year.pk != review.pk


def test_a_submission_recorded_meanwhile_is_a_duplicate_not_an_error(review, staff, employer_a, monkeypatch):
    """Two clerks saving the same submission at once: the second hits the unique index."""
    monkeypatch.setattr(AnnualReview.objects, "filter", lambda *a, **kw: AnnualReview.objects.none())
    assert refused(services.review_submit, by=staff["head_a"], data=inputs(employer_a)) == ("year", "duplicate")


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"contracts_signed": 51}, "contracts_signed", "more_than_workers"),
        ({"insured_workers": 51}, "insured_workers", "more_than_workers"),
        ({"workers": -1}, "workers", "invalid"),
        ({"workers": 1_000_001}, "workers", "max_value"),
        ({"submitted_on": today() + dt.timedelta(days=1)}, "submitted_on", "date_in_future"),
        ({"year": today().year + 1, "submitted_on": today()}, "year", "invalid"),
        ({"year": 1999}, "year", "invalid"),
        ({"year": "2025"}, "year", "invalid"),
        ({"year": today().year, "submitted_on": dt.date(today().year - 1, 12, 31)}, "submitted_on", "date_order"),
        ({"wages_total": "-1"}, "wages_total", "min_value"),
        ({"wages_total": "1.234"}, "wages_total", "max_decimal_places"),
        ({"wages_total": "100000000000000"}, "wages_total", "max_value"),
        ({"lowest_monthly_wage": "1e3"}, "lowest_monthly_wage", "invalid"),
    ],
)
def test_a_submission_must_hold_together(staff, employer_a, fields, field, code):
    data = inputs(employer_a, **fields)
    assert refused(services.review_submit, by=staff["inspector_a"], data=data) == (field, code)


def test_an_employer_of_another_county_is_not_reviewed_here(staff, employer_b):
    data = inputs(employer_b)
    assert refused(services.review_submit, by=staff["inspector_a"], data=data) == ("employer", "does_not_exist")


def test_window_staff_do_not_record_reviews(staff, employer_a):
    with pytest.raises(PermissionDenied):
        services.review_submit(by=staff["window_a"], data=inputs(employer_a))
    assert not AnnualReview.objects.exists()


# --- decisions ---------------------------------------------------------------------------------


def test_a_review_is_passed_without_an_opinion(review, staff):
    decided = services.review_decide(by=staff["inspector_a"], review=review, result=ReviewResult.PASSED)
    assert (decided.result, decided.reviewed_by, decided.reviewed_on, decided.opinion) == (
        ReviewResult.PASSED,
        staff["inspector_a"],
        today(),
        "",
    )
    with pytest.raises(services.InvalidState) as info:
        services.review_decide(by=staff["inspector_a"], review=review, result=ReviewResult.FAILED, opinion="改判")
    assert info.value.code == "review_decided"


@pytest.mark.parametrize("result", [ReviewResult.RECTIFY, ReviewResult.FAILED])
def test_rectify_and_failed_need_an_opinion(review, staff, result):
    kw = {"by": staff["inspector_a"], "review": review, "result": result}
    assert refused(services.review_decide, **kw, opinion="  ") == ("opinion", "required")


@pytest.mark.parametrize("result", ["pending", "excellent", ""])
def test_the_result_is_one_of_the_decisions(review, staff, result):
    kw = {"by": staff["inspector_a"], "review": review, "result": result, "opinion": "意见"}
    assert refused(services.review_decide, **kw) == ("result", "invalid_choice")


def test_a_decision_is_dated_between_the_submission_and_today(review, staff):
    kw = {"by": staff["inspector_a"], "review": review, "result": ReviewResult.PASSED}
    assert refused(services.review_decide, **kw, on_date=today() + dt.timedelta(days=1)) == (
        "on_date",
        "date_in_future",
    )
    assert refused(services.review_decide, **kw, on_date=review.submitted_on - dt.timedelta(days=1)) == (
        "on_date",
        "date_order",
    )


def test_order_items_come_only_with_rectify(review, staff):
    kw = {
        "by": staff["inspector_a"],
        "review": review,
        "opinion": "意见",
        "order_items": ["补缴社保"],
        "deadline_days": 10,
    }
    assert refused(services.review_decide, **kw, result=ReviewResult.PASSED) == ("order_items", "invalid")
    assert refused(services.review_decide, **kw, result=ReviewResult.FAILED) == ("order_items", "invalid")


def test_rectify_with_an_order_then_passed(review, staff):
    day = today() - dt.timedelta(days=10)
    decided = services.review_decide(
        by=staff["inspector_a"],
        review=review,
        result=ReviewResult.RECTIFY,
        opinion="部分职工未参加社会保险，限期补缴。",
        on_date=day,
        order_items=["为5名职工补缴社会保险费"],
        deadline_days=15,
    )
    assert (decided.result, decided.reviewed_on) == (ReviewResult.RECTIFY, day)
    order = decided.orders.get()
    assert (order.served_on, order.deadline_days, order.visit, order.status) == (day, 15, None, OrderStatus.OPEN)
    assert order.number.startswith(f"339901-{day.year}-Z")
    assert order.employer == review.employer

    # not again "rectify"; not dated before the first decision
    kw = {"by": staff["inspector_a"], "review": review, "opinion": "意见"}
    assert refused(services.review_decide, **kw, result=ReviewResult.RECTIFY) == ("result", "invalid_choice")
    assert refused(services.review_decide, **kw, result=ReviewResult.PASSED, on_date=day - dt.timedelta(days=1)) == (
        "on_date",
        "date_order",
    )

    passed = services.review_decide(by=staff["head_a"], review=review, result=ReviewResult.PASSED, opinion="已补缴。")
    assert (passed.result, passed.reviewed_by, passed.reviewed_on, passed.opinion) == (
        ReviewResult.PASSED,
        staff["head_a"],
        today(),
        "已补缴。",
    )


def test_rectify_without_an_order_then_failed(review, staff):
    services.review_decide(by=staff["inspector_a"], review=review, result=ReviewResult.RECTIFY, opinion="限期整改")
    assert not review.orders.exists()
    failed = services.review_decide(by=staff["inspector_a"], review=review, result=ReviewResult.FAILED, opinion="逾期")
    assert failed.result == ReviewResult.FAILED


def test_an_order_without_a_valid_deadline_stores_no_decision(review, staff):
    kw = {"by": staff["inspector_a"], "review": review, "result": ReviewResult.RECTIFY, "opinion": "限期整改"}
    assert refused(services.review_decide, **kw, order_items=["补缴社保"]) == ("deadline_days", "invalid")
    review.refresh_from_db()
    assert review.result == ReviewResult.PENDING


def test_window_staff_do_not_decide(review, staff):
    before = rows()
    with pytest.raises(PermissionDenied):
        services.review_decide(by=staff["window_a"], review=review, result=ReviewResult.PASSED)
    assert rows() == before


def test_another_county_does_not_find_the_review(review, staff):
    with pytest.raises(AnnualReview.DoesNotExist):
        services.review_decide(by=staff["inspector_b"], review=review, result=ReviewResult.PASSED)


def test_order_item_errors_name_the_field_of_the_decision(review, staff):
    """The decision's items are `order_items`: an error points at the line as typed there."""
    kw = {"by": staff["inspector_a"], "review": review, "result": ReviewResult.RECTIFY, "opinion": "限期整改"}
    assert refused(services.review_decide, **kw, order_items=["", "  "], deadline_days=10) == (
        "order_items",
        "required",
    )
    assert refused(services.review_decide, **kw, order_items=["补缴社保", "", "长" * 501], deadline_days=10) == (
        "order_items.2",
        "max_length",
    )
