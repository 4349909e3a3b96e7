"""The daily reminder of overdue rectification orders: the visit's inspectors (or the review's
reviewer) and the county's brigade heads are told once per order, whatever how often it runs;
orders not yet due, met, unmet or cancelled, and people who left, are left alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django_celery_beat.models import PeriodicTask

from bureau.models import Notification, Role
from bureau.schedules import DEFAULT_SCHEDULES
from inspections import services
from inspections.models import ReviewResult
from inspections.tasks import remind_overdue_orders
from tests.inspections.conftest import at, today

D = dt.date.fromisoformat


@pytest.fixture
def overdue(make_visit, staff):
    """Served 2026-09-28 with 5 working days: due Saturday 2026-10-10, overdue from the 11th."""
    visit = make_visit(visited_at=at("2026-09-28", 9))
    return services.order_issue_from_visit(
        by=staff["inspector_a"], visit=visit, items=["补签劳动合同"], served_on=D("2026-09-28"), deadline_days=5
    )


def notified(kind="order_overdue"):
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def test_the_visits_inspectors_and_the_brigade_heads_are_reminded_once(overdue, staff, inspector_a2):
    result = remind_overdue_orders.delay().get()

    assert result == {"overdue": 1, "notifications": 3}
    assert notified() == ["head_a", "inspector_a", "inspector_a2"]  # not the bureau head, not county B
    note = Notification.objects.filter(user=staff["inspector_a"]).get()
    assert overdue.number in note.title and "逾期" in note.title and "请复查" in note.title
    assert "2026-10-10" in note.body and overdue.employer.name in note.body
    assert note.url.endswith(f"/inspections/orders/{overdue.pk}/")

    again = remind_overdue_orders.delay().get()  # the next day's run, or a rerun
    assert again == {"overdue": 1, "notifications": 0}
    assert Notification.objects.count() == 3


def test_the_working_days_late_are_counted_on_the_calendar(overdue, staff):
    remind_overdue_orders(today="2026-10-12")  # Sunday the 11th off: 1 working day late
    assert "已逾期1个工作日" in Notification.objects.filter(user=staff["head_a"]).get().title


def test_an_order_due_on_a_day_off_that_just_passed_has_run_out(overdue, staff):
    result = remind_overdue_orders(today=D("2026-10-11"))  # the Sunday after the due Saturday
    assert result["overdue"] == 1
    assert "已届满" in Notification.objects.filter(user=staff["head_a"]).get().title


def test_orders_not_overdue_are_not_reminded(overdue, make_order, make_visit, staff):
    assert remind_overdue_orders(today=D("2026-10-10")) == {"overdue": 0, "notifications": 0}  # due today
    make_order(deadline_days=30)  # served today
    closed = services.order_follow_up(
        by=staff["inspector_a"],
        order=overdue,
        visit=make_visit(visited_at=at("2026-10-12", 10)),
        results=[services.ItemResult(overdue.items.get(), False)],
    )
    assert closed.status == "unmet"
    assert remind_overdue_orders() == {"overdue": 0, "notifications": 0}
    assert not Notification.objects.exists()


def test_a_cancelled_order_is_not_reminded(overdue, staff):
    services.order_cancel(by=staff["head_a"], order=overdue, reason="误开")
    assert remind_overdue_orders() == {"overdue": 0, "notifications": 0}


def test_people_who_left_are_not_reminded(overdue, staff, inspector_a2):
    inspector_a2.is_active = False
    inspector_a2.save()
    remind_overdue_orders()
    assert notified() == ["head_a", "inspector_a"]


def test_an_order_of_a_review_reminds_its_reviewer(staff, employer_a, tree, make_user):
    second_head = make_user("head_a2", tree.county_a, Role.BRIGADE_HEAD)
    review = services.review_submit(
        by=staff["inspector_a"],
        data=services.ReviewInput(
            employer=employer_a,
            year=2025,
            submitted_on=D("2026-03-02"),
            workers=10,
            contracts_signed=8,
            insured_workers=8,
            wages_total="400000",
        ),
    )
    services.review_decide(
        by=staff["inspector_a"],
        review=review,
        result=ReviewResult.RECTIFY,
        opinion="2人未签合同",
        on_date=D("2026-03-10"),
        order_items=["补签劳动合同"],
        deadline_days=10,
    )
    remind_overdue_orders()
    assert notified() == ["head_a", "head_a2", "inspector_a"]
    assert second_head.notifications.get().dedupe_key == f"order_overdue:{review.orders.get().pk}:2026-03-24"


def test_a_moved_due_date_is_reminded_again(overdue):
    remind_overdue_orders()
    overdue.due_on = D("2026-10-12")
    overdue.save()
    result = remind_overdue_orders()
    assert result["notifications"] == 3
    assert Notification.objects.count() == 6


def test_the_reminder_is_on_the_default_schedule(db):
    [entry] = [e for e in DEFAULT_SCHEDULES if e["task"] == "inspections.remind_overdue_orders"]
    assert entry["crontab"] == {"minute": "5", "hour": "7"}
    assert PeriodicTask.objects.filter(task="inspections.remind_overdue_orders", enabled=True).exists()


def test_nothing_overdue_nothing_said(db):
    assert remind_overdue_orders(today=today()) == {"overdue": 0, "notifications": 0}
