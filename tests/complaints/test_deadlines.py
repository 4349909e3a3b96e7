"""Statutory deadlines on the working-day calendar: acceptance 5 working days after receipt,
investigation 60 after acceptance, +30 once extended; the day of receipt is not counted."""

from __future__ import annotations

import datetime as dt

from bureau.workdays import ParsedDay, add_workdays, load_year
from complaints import services
from complaints.deadlines import deadline_state
from complaints.models import Status


def test_acceptance_is_due_five_working_days_after_receipt_across_national_day(make_case):
    case = make_case(received_on=dt.date(2025, 9, 26))
    assert case.acceptance_due == dt.date(2025, 10, 10)
    assert not case.acceptance_due_provisional


def test_a_make_up_saturday_counts_as_a_working_day(make_case):
    case = make_case(received_on=dt.date(2026, 9, 28))
    assert case.acceptance_due == dt.date(2026, 10, 10)


def test_investigation_is_due_sixty_working_days_after_acceptance_and_ninety_when_extended(
    make_case, staff, inspector_a2
):
    case = make_case(received_on=dt.date(2026, 3, 2))
    services.complaint_act(
        complaint=case,
        by=staff["window_a"],
        act="accept",
        on_date=dt.date(2026, 3, 2),
        inspectors=[staff["inspector_a"], inspector_a2],
    )
    case.refresh_from_db()
    assert case.investigation_due == dt.date(2026, 5, 28)
    services.complaint_act(complaint=case, by=staff["inspector_a"], act="request_extension", reason="证据调取中")
    services.complaint_act(complaint=case, by=staff["head_a"], act="approve_extension")
    case.refresh_from_db()
    assert case.extended
    assert case.investigation_due == dt.date(2026, 7, 10)
    assert case.status == Status.ACCEPTED


def test_a_deadline_in_an_unloaded_year_is_provisional_until_the_year_is_loaded(
    make_case, staff, inspector_a2, django_capture_on_commit_callbacks
):
    case = make_case(received_on=dt.date(2026, 11, 20))
    assert not case.acceptance_due_provisional
    services.complaint_act(
        complaint=case,
        by=staff["window_a"],
        act="accept",
        on_date=dt.date(2026, 11, 20),
        inspectors=[staff["inspector_a"], inspector_a2],
    )
    case.refresh_from_db()
    assert case.investigation_due.year == 2027
    assert case.investigation_due_provisional
    before = case.investigation_due
    # an illustrative (not official) schedule: two January holidays move the deadline by two days
    days = [ParsedDay(dt.date(2027, 1, 4), "holiday", "测试"), ParsedDay(dt.date(2027, 1, 5), "holiday", "测试")]
    with django_capture_on_commit_callbacks(execute=True):
        load_year(year=2027, days=days, by=staff["admin_a"])
    case.refresh_from_db()
    assert not case.investigation_due_provisional
    expected = add_workdays(dt.date(2026, 11, 20), 60)
    assert case.investigation_due == expected.date
    assert not expected.provisional
    assert case.investigation_due > before


def test_days_left_and_colour_follow_the_working_days(make_case):
    case = make_case(received_on=dt.date(2026, 9, 28))  # due 2026-10-10 (a make-up Saturday)
    assert deadline_state(case, today=dt.date(2026, 9, 28)).state == "ok"
    soon = deadline_state(case, today=dt.date(2026, 10, 9))
    assert (soon.days_left, soon.state) == (1, "soon")
    assert deadline_state(case, today=dt.date(2026, 10, 10)).state == "due_today"
    late = deadline_state(case, today=dt.date(2026, 10, 13))
    assert late.state == "overdue"
    assert late.days_left < 0


def test_a_complaint_about_acts_over_two_years_old_is_flagged(make_case):
    old = make_case(received_on=dt.date(2026, 6, 1), period_from=dt.date(2023, 1, 1), period_to=dt.date(2024, 5, 31))
    assert old.beyond_limitation
    recent = make_case(received_on=dt.date(2026, 6, 1), period_from=dt.date(2023, 1, 1), period_to=dt.date(2024, 6, 2))
    assert not recent.beyond_limitation


def test_a_penalty_is_decided_only_after_the_employer_was_told_and_could_state_its_case(make_case, staff):
    import pytest
    from django.core.exceptions import ValidationError

    case = make_case(Status.ACCEPTED)
    with pytest.raises(ValidationError) as info:
        services.complaint_act(complaint=case, by=staff["head_a"], act="decide_penalty")
    assert info.value.error_dict["act"][0].code == "penalty_notice_first"
    services.complaint_act(complaint=case, by=staff["head_a"], act="notify_penalty", data={"legal_basis": "条例第26条"})
    event = services.complaint_act(
        complaint=case, by=staff["head_a"], act="decide_penalty", data={"legal_basis": "条例第26条"}
    )
    assert event.action == "decide_penalty"
