"""Rectification orders (责令改正): issued from a visit, numbered in the Z series, due a number of
working days after they are served on the official calendar (first day not counted, holidays
and make-up days as the State Council set them), followed up item by item by a later visit of
the same employer, met, unmet or still open, cancelled by a head. The National Day week of 2026
(1-7 October off, Saturday 10 October worked) is the test ground."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bureau.models import CalendarYear, Role
from bureau.workdays import ParsedDay, WorkdayCalendar, load_year
from inspections import selectors, services
from inspections.models import OrderEvent, OrderStatus, RectificationOrder
from tests.inspections.conftest import at, code_of, codes, rows, today

D = dt.date.fromisoformat


def refused(call, **kw):
    """(field, code) of the one error of a refused call; nothing stored."""
    before = rows()
    with pytest.raises(ValidationError) as info:
        call(**kw)
    assert rows() == before
    [field] = codes(info.value)
    return field, code_of(info.value)


@pytest.fixture
def national_day(make_visit, staff):
    """An order served on Monday 2026-09-28 from that day's visit, 5 working days: due Saturday
    2026-10-10 (a make-up working day), across the National Day week."""
    visit = make_visit(visited_at=at("2026-09-28", 9))
    order = services.order_issue_from_visit(
        by=staff["inspector_a"],
        visit=visit,
        items=["补签劳动合同", "建立职工名册", "补缴社会保险费"],
        served_on=D("2026-09-28"),
        deadline_days=5,
    )
    return order


def follow_up(staff, order, visit, *results, who="inspector_a"):
    items = list(order.items.order_by("position"))
    return services.order_follow_up(
        by=staff[who],
        order=order,
        visit=visit,
        results=[services.ItemResult(items[index], met, note) for index, met, note in results],
    )


# --- issuing ---------------------------------------------------------------------------------


def test_the_due_date_counts_working_days_across_the_national_day_holiday(national_day):
    order = national_day
    assert order.due_on == D("2026-10-10")  # rules.md: 2026-09-28 + 5 working days
    assert order.due_on == WorkdayCalendar().add(D("2026-09-28"), 5).date
    assert not order.due_provisional
    assert order.number == "339901-2026-Z0001"
    assert (order.year, order.status, order.deadline_days) == (2026, OrderStatus.OPEN, 5)
    assert [item.text for item in order.items.order_by("position")] == [
        "补签劳动合同",
        "建立职工名册",
        "补缴社会保险费",
    ]
    assert list(order.items.values_list("position", flat=True).order_by("position")) == [1, 2, 3]
    [event] = order.events.all()
    assert (event.action, event.on_date, event.data) == ("issue", D("2026-09-28"), {"items": 3, "due_on": "2026-10-10"})


@pytest.mark.parametrize(
    ("served", "days", "due"),
    [
        ("2026-09-30", 1, "2026-10-08"),  # the whole holiday skipped
        ("2026-09-30", 3, "2026-10-10"),  # ending on the make-up Saturday
        ("2026-09-30", 4, "2026-10-12"),  # Sunday 11 October is off again
        ("2026-09-24", 1, "2026-09-28"),  # Mid-Autumn Friday 25 September and the weekend off
    ],
)
def test_due_dates_around_the_holiday_follow_the_calendar(make_visit, staff, served, days, due):
    visit = make_visit(visited_at=at(served, 8))
    order = services.order_issue_from_visit(
        by=staff["inspector_a"], visit=visit, items=["整改"], served_on=D(served), deadline_days=days
    )
    assert order.due_on == D(due) == WorkdayCalendar().add(D(served), days).date


def test_orders_are_served_today_by_default(make_visit, staff):
    order = services.order_issue_from_visit(
        by=staff["inspector_a"], visit=make_visit(), items=["整改"], deadline_days=3
    )
    assert order.served_on == today()


def test_an_order_may_not_be_served_before_the_visit_or_in_the_future(make_visit, staff):
    visit = make_visit(visited_at=at(today() - dt.timedelta(days=3)))
    kw = {"by": staff["inspector_a"], "visit": visit, "items": ["整改"], "deadline_days": 5}
    issue = services.order_issue_from_visit
    assert refused(issue, **kw, served_on=today() - dt.timedelta(days=4)) == ("served_on", "date_order")
    assert refused(issue, **kw, served_on=today() + dt.timedelta(days=1)) == ("served_on", "date_in_future")


@pytest.mark.parametrize("days", [0, 251, -1, True, "5", None])
def test_the_deadline_is_1_to_250_working_days(make_visit, staff, days):
    kw = {"by": staff["inspector_a"], "visit": make_visit(), "items": ["整改"], "deadline_days": days}
    assert refused(services.order_issue_from_visit, **kw) == ("deadline_days", "invalid")


@pytest.mark.parametrize(
    ("items", "field", "code"),
    [
        ([], "items", "required"),
        (["  ", "\u200b"], "items", "required"),
        (["整改"] * 31, "items", "max_length"),
        (["整改", "改" * 501], "items.1", "max_length"),
        ("补签劳动合同", "items", "invalid"),
        (["整改", 3], "items.1", "invalid"),
    ],
)
def test_the_items_are_a_list_of_texts(make_visit, staff, items, field, code):
    kw = {"by": staff["inspector_a"], "visit": make_visit(), "items": items, "deadline_days": 5}
    assert refused(services.order_issue_from_visit, **kw) == (field, code)


def test_only_the_visits_people_and_heads_issue_orders_from_it(make_visit, staff, tree, make_user):
    visit = make_visit()
    colleague = make_user("inspector_a3", tree.county_a, Role.INSPECTOR)
    before = rows()
    for user in (colleague, staff["window_a"]):
        with pytest.raises(PermissionDenied):
            services.order_issue_from_visit(by=user, visit=visit, items=["整改"], deadline_days=5)
    assert rows() == before
    assert services.order_issue_from_visit(by=staff["head_a"], visit=visit, items=["整改"], deadline_days=5)


# --- follow-ups ----------------------------------------------------------------------------


def test_a_partial_follow_up_before_the_deadline_keeps_the_order_open(national_day, make_visit, staff):
    later = make_visit(visited_at=at("2026-10-09", 15))
    order = follow_up(staff, national_day, later, (0, True, "已补签"), (1, False, "未建立"))

    assert (order.status, order.concluded_on) == (OrderStatus.OPEN, None)
    first, second, third = order.items.order_by("position")
    assert (first.met, first.checked_on, first.followup_visit, first.note) == (True, D("2026-10-09"), later, "已补签")
    assert (second.met, third.met) == (False, None)
    event = order.events.get(action="follow_up")
    assert (event.visit, event.on_date, event.data) == (
        later,
        D("2026-10-09"),
        {"met": 1, "items": 3, "status": "open"},
    )


@pytest.mark.parametrize("day", ["2026-10-10", "2026-10-12"])
def test_a_partial_follow_up_at_or_after_the_deadline_is_unmet(national_day, make_visit, staff, day):
    visit = make_visit(visited_at=at(day, 10))
    order = follow_up(staff, national_day, visit, (0, True, ""), (1, True, ""), (2, False, "仍未缴纳"))
    assert (order.status, order.concluded_on) == (OrderStatus.UNMET, D(day))


def test_every_item_met_makes_the_order_met_even_late(national_day, make_visit, staff):
    early = make_visit(visited_at=at("2026-10-08", 10))
    follow_up(staff, national_day, early, (0, True, ""))
    late = make_visit(visited_at=at("2026-10-14", 10))
    order = follow_up(staff, national_day, late, (1, True, ""), (2, True, ""))
    assert (order.status, order.concluded_on) == (OrderStatus.MET, D("2026-10-14"))
    assert list(order.items.values_list("met", flat=True)) == [True, True, True]


def test_an_item_found_unmet_may_be_checked_again(national_day, make_visit, staff):
    follow_up(staff, national_day, make_visit(visited_at=at("2026-10-08", 10)), (0, False, ""))
    order = follow_up(staff, national_day, make_visit(visited_at=at("2026-10-09", 10)), (0, True, ""))
    assert order.items.get(position=1).met is True


def test_a_follow_up_by_a_visit_of_another_employer_is_refused(national_day, make_visit, make_employer, staff):
    other = make_visit(employer=make_employer("东湖另一家公司"), visited_at=at("2026-10-09", 10))
    item = national_day.items.first()
    kw = {
        "by": staff["inspector_a"],
        "order": national_day,
        "visit": other,
        "results": [services.ItemResult(item, True)],
    }
    assert refused(services.order_follow_up, **kw) == ("visit", "employer_mismatch")


def test_a_follow_up_must_come_after_the_order_was_served(national_day, make_visit, staff):
    before_served = make_visit(visited_at=at("2026-09-27", 10))
    item = national_day.items.first()
    kw = {"by": staff["inspector_a"], "order": national_day, "results": [services.ItemResult(item, True)]}
    assert refused(services.order_follow_up, **kw, visit=before_served) == ("visit", "date_order")
    assert refused(services.order_follow_up, **kw, visit=national_day.visit) == ("visit", "same_visit")


def test_a_follow_up_lists_items_of_this_order_once_and_not_yet_met(national_day, make_visit, make_order, staff):
    visit = make_visit(visited_at=at("2026-10-08", 10))
    follow_up(staff, national_day, visit, (0, True, ""))
    first, second, _third = national_day.items.order_by("position")
    foreign = make_order(visit=make_visit(visited_at=at("2026-10-01", 10)), served_on=D("2026-10-01")).items.first()
    later = make_visit(visited_at=at("2026-10-09", 10))
    kw = {"by": staff["inspector_a"], "order": national_day, "visit": later}
    call = services.order_follow_up
    assert refused(call, **kw, results=[services.ItemResult(foreign, True)]) == ("results.0.item", "does_not_exist")
    twice = [services.ItemResult(second, True), services.ItemResult(second, False)]
    assert refused(call, **kw, results=twice) == ("results.1.item", "duplicate")
    assert refused(call, **kw, results=[services.ItemResult(first, True)]) == ("results.0.item", "already_met")
    assert refused(call, **kw, results=[services.ItemResult(second, "yes")]) == ("results.0.met", "invalid")
    assert refused(call, **kw, results=[]) == ("results", "required")


def test_a_closed_order_is_not_followed_up_again(national_day, make_visit, staff):
    order = follow_up(staff, national_day, make_visit(visited_at=at("2026-10-12", 10)), (0, False, ""))
    assert order.status == OrderStatus.UNMET
    before = rows()
    with pytest.raises(services.InvalidState) as info:
        follow_up(staff, order, make_visit(visited_at=at("2026-10-13", 10)), (1, True, ""))
    assert info.value.code == "order_closed"
    # the visit of the attempt was stored by its own call; the order is as it was
    after = rows()
    assert (after["orders"], after["items"], after["events"]) == (before["orders"], before["items"], before["events"])


def test_window_staff_do_not_follow_up(national_day, make_visit, staff):
    visit = make_visit(visited_at=at("2026-10-09", 10))
    before = rows()
    with pytest.raises(PermissionDenied):
        follow_up(staff, national_day, visit, (0, True, ""), who="window_a")
    assert rows() == before


# --- cancelling ----------------------------------------------------------------------------


def test_a_head_cancels_an_open_order_with_a_reason(make_order, staff):
    order = make_order()
    kw = {"by": staff["head_a"], "order": order}
    assert refused(services.order_cancel, **kw, reason="  ") == ("reason", "required")
    before = rows()
    with pytest.raises(PermissionDenied):
        services.order_cancel(by=staff["inspector_a"], order=order, reason="误开")
    assert rows() == before

    order = services.order_cancel(by=staff["head_a"], order=order, reason="单位名称错误，重新下达")
    assert (order.status, order.concluded_on) == (OrderStatus.CANCELLED, today())
    assert order.events.get(action="cancel").note == "单位名称错误，重新下达"
    with pytest.raises(services.InvalidState):
        services.order_cancel(by=staff["head_a"], order=order, reason="再撤销")


# --- overdue and the calendar ------------------------------------------------------------------


def test_overdue_orders_are_open_orders_past_their_due_date(national_day, make_order, make_visit, staff):
    fresh = make_order(deadline_days=30)
    met = make_order(items=("整改",), visit=make_visit(visited_at=at("2026-09-29", 10)), served_on=D("2026-09-29"))
    follow_up(staff, met, make_visit(visited_at=at("2026-10-09", 10)), (0, True, ""))
    overdue = selectors.overdue_orders(RectificationOrder.objects.all())
    assert list(overdue) == [national_day]
    assert fresh not in overdue
    # the day after the due date, not on it
    assert not selectors.overdue_orders(RectificationOrder.objects.all(), today=D("2026-10-10")).exists()
    assert selectors.overdue_orders(RectificationOrder.objects.all(), today=D("2026-10-11")).exists()


def test_a_provisional_due_date_is_recomputed_when_the_year_is_loaded(
    make_visit, staff, django_capture_on_commit_callbacks
):
    order = services.order_issue_from_visit(
        by=staff["inspector_a"], visit=make_visit(), items=["整改"], served_on=today(), deadline_days=250
    )
    assert order.due_provisional  # runs into a year the package does not know
    calendar = WorkdayCalendar()
    years = [y for y in range(today().year, order.due_on.year + 2) if not calendar.year_is_official(y)]
    for year in years:
        # made up for the test: a holiday on the first Monday of the year
        monday = next(D(f"{year}-01-0{d}") for d in range(1, 8) if D(f"{year}-01-0{d}").weekday() == 0)
        with django_capture_on_commit_callbacks(execute=True):
            load_year(year=year, days=[ParsedDay(monday, "holiday", "示例假日")], source="测试")
    assert CalendarYear.objects.count() == len(years)

    order.refresh_from_db()
    expected = WorkdayCalendar().add(order.served_on, 250)
    assert (order.due_on, order.due_provisional) == (expected.date, False)


def test_recomputing_leaves_closed_orders_and_exact_dates_alone(national_day, make_visit, staff):
    order = follow_up(staff, national_day, make_visit(visited_at=at("2026-10-12", 10)), (0, False, ""))
    RectificationOrder.objects.filter(pk=order.pk).update(due_provisional=True)
    assert services.recompute_due_dates([2026]) == 0
    assert OrderEvent.objects.filter(order=order).count() == 2
