"""The daily deadline check (complaints.check_deadlines): who is told about which case, when,
and that a rerun the same day adds nothing. Dates are fixed through `today`:

- received Mon 2026-09-28 -> acceptance due Sat 2026-10-10 (a make-up working day after the
  National Day holiday): 3 working days left on 09-30, 1 on 10-09, due on 10-10, the Sunday after
  is "expired" with no working day lost, overdue by 2 on Tue 10-13;
- accepted Mon 2026-03-02 -> investigation due Thu 2026-05-28: 3 left on 05-25, overdue by 2
  on Mon 06-01.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import PeriodicTask

from bureau.models import Notification, Role
from complaints import services
from complaints.models import Complaint, Kind, Status
from complaints.tasks import check_deadlines, stage_statuses

RECEIVED = dt.date(2026, 9, 28)  # acceptance due 2026-10-10
ACCEPTED = dt.date(2026, 3, 2)  # investigation due 2026-05-28

A_STAFF = {"window_a", "inspector_a", "head_a", "admin_a", "bureau_head_a", "assistant_a1"}
B_STAFF = {"window_b", "inspector_b", "head_b", "admin_b"}
A_HEADS = {"head_a", "bureau_head_a", "city_head"}


def told(case: Complaint) -> set[str]:
    """Usernames notified about `case`."""
    return set(Notification.objects.filter(url=f"/complaints/{case.pk}/").values_list("user__username", flat=True))


def titles(case: Complaint) -> set[str]:
    return set(Notification.objects.filter(url=f"/complaints/{case.pk}/").values_list("title", flat=True))


@pytest.fixture
def investigated(make_case, staff, inspector_a2):
    """A case accepted on 2026-03-02 by the window with inspectors A and A2 assigned."""

    def make(**extra) -> Complaint:
        case = make_case(received_on=ACCEPTED, **extra)
        services.complaint_act(
            complaint=case,
            by=staff["window_a"],
            act="accept",
            on_date=ACCEPTED,
            inspectors=[staff["inspector_a"], inspector_a2],
        )
        case.refresh_from_db()
        assert case.investigation_due == dt.date(2026, 5, 28)
        return case

    return make


# Acceptance stage


@pytest.mark.parametrize(
    ("today", "state", "title"),
    [
        (dt.date(2026, 9, 30), "soon", "受理期限还剩3个工作日"),
        (dt.date(2026, 10, 9), "soon", "受理期限还剩1个工作日"),
        (dt.date(2026, 10, 10), "due_today", "受理期限今天到期"),
        (dt.date(2026, 10, 11), "overdue", "受理期限已届满"),
        (dt.date(2026, 10, 13), "overdue", "受理期限已超期2个工作日"),
    ],
)
def test_an_unassigned_case_near_its_acceptance_deadline_is_flagged_to_heads_and_window_clerks(
    make_case, staff, today, state, title
):
    case = make_case(received_on=RECEIVED)
    assert case.acceptance_due == dt.date(2026, 10, 10)
    result = check_deadlines(today=today)
    assert result["flagged"] == 1
    assert result[state] == 1
    assert told(case) == A_HEADS | {"window_a"}
    assert titles(case) == {f"案件 {case.number} {title}"}
    note = Notification.objects.filter(user=staff["head_a"]).get()
    assert note.kind == f"deadline_{state}"
    assert note.url == f"/complaints/{case.pk}/"
    assert "2026-10-10" in note.body
    assert "尚未指派监察员" in note.body
    assert note.dedupe_key == f"deadline:{case.pk}:acceptance:{state}:{today.isoformat()}"


def test_four_working_days_before_the_deadline_nobody_is_told(make_case):
    make_case(received_on=RECEIVED)
    assert check_deadlines(today=dt.date(2026, 9, 29))["flagged"] == 0
    assert not Notification.objects.exists()


def test_once_inspectors_are_assigned_they_and_the_heads_are_told_not_the_window(make_case, staff, inspector_a2):
    case = make_case(received_on=RECEIVED)
    services.complaint_act(
        complaint=case, by=staff["head_a"], act="assign", inspectors=[staff["inspector_a"], inspector_a2]
    )
    check_deadlines(today=dt.date(2026, 10, 9))
    assert told(case) == A_HEADS | {"inspector_a", "inspector_a2"}


@pytest.mark.parametrize("status", [Status.SUPPLEMENT_REQUESTED, Status.REFUSAL_REQUESTED])
def test_the_acceptance_deadline_runs_while_waiting_for_a_supplement_or_a_refusal_approval(make_case, status):
    case = make_case(status, received_on=RECEIVED)
    check_deadlines(today=dt.date(2026, 10, 12))
    assert titles(case) == {f"案件 {case.number} 受理期限已超期1个工作日"}


def test_window_clerks_of_a_township_are_told_only_about_cases_of_their_township(make_case, make_user, tree, staff):
    make_user("window_a1", tree.town_a1, Role.WINDOW)
    in_a1 = make_case(received_on=RECEIVED, township=tree.town_a1)
    in_a2 = make_case(received_on=RECEIVED, township=tree.town_a2)
    check_deadlines(today=dt.date(2026, 10, 9))
    assert told(in_a1) == A_HEADS | {"window_a", "window_a1"}
    assert told(in_a2) == A_HEADS | {"window_a"}


# Investigation stage


@pytest.mark.parametrize(
    ("today", "state", "title"),
    [
        (dt.date(2026, 5, 25), "soon", "调查期限还剩3个工作日"),
        (dt.date(2026, 5, 28), "due_today", "调查期限今天到期"),
        (dt.date(2026, 6, 1), "overdue", "调查期限已超期2个工作日"),
    ],
)
def test_a_case_near_its_investigation_deadline_is_flagged_to_its_inspectors_and_heads(
    investigated, today, state, title
):
    case = investigated()
    result = check_deadlines(today=today)
    assert result[state] == 1
    assert told(case) == A_HEADS | {"inspector_a", "inspector_a2"}
    assert titles(case) == {f"案件 {case.number} {title}"}
    assert Notification.objects.filter(dedupe_key__startswith=f"deadline:{case.pk}:investigation:{state}:").exists()


@pytest.mark.parametrize("act", ["request_extension", "request_closure"])
def test_the_investigation_deadline_runs_while_an_approval_is_pending(investigated, staff, act):
    case = investigated()
    kwargs = {"reason": "证据调取中"} if act == "request_extension" else {"outcome": "paid"}
    services.complaint_act(complaint=case, by=staff["inspector_a"], act=act, **kwargs)
    check_deadlines(today=dt.date(2026, 5, 28))
    assert titles(case) == {f"案件 {case.number} 调查期限今天到期"}


def test_an_inactive_inspector_or_head_is_not_told(investigated, staff):
    case = investigated()
    for name in ("inspector_a", "head_a"):
        staff[name].is_active = False
        staff[name].save()
    check_deadlines(today=dt.date(2026, 5, 28))
    assert told(case) == {"bureau_head_a", "city_head", "inspector_a2"}


def test_the_stages_follow_the_current_deadline_rule():
    assert stage_statuses() == {
        "acceptance": {Status.REGISTERED, Status.SUPPLEMENT_REQUESTED, Status.REFUSAL_REQUESTED},
        "investigation": {Status.ACCEPTED, Status.EXTENSION_REQUESTED, Status.CLOSURE_REQUESTED},
    }


# Closed cases, other counties


@pytest.mark.parametrize(
    "status", [Status.CLOSED, Status.FOLLOWED_UP, Status.NOT_ACCEPTED, Status.REFERRED, Status.WITHDRAWN]
)
def test_closed_and_decided_cases_are_not_flagged(make_case, status):
    make_case(status, received_on=RECEIVED)
    result = check_deadlines(today=dt.date(2026, 10, 13))
    assert result["flagged"] == 0
    assert not Notification.objects.exists()


def test_nobody_in_another_county_is_told(make_case, staff, wages, employer_b):
    case_a = make_case(received_on=RECEIVED)
    case_b = services.complaint_register(
        by=staff["window_b"],
        employer=employer_b,
        categories=[wages],
        facts="匿名举报拖欠工资",
        kind=Kind.REPORT,
        anonymous=True,
        received_on=RECEIVED,
    )
    result = check_deadlines(today=dt.date(2026, 10, 9))
    assert result["flagged"] == 2
    assert told(case_a) == A_HEADS | {"window_a"}
    assert told(case_b) == {"head_b", "window_b", "city_head"}
    assert not told(case_a) & B_STAFF
    assert not told(case_b) & A_STAFF
    assert not Notification.objects.filter(user=staff["nobody"]).exists()


# Idempotence


def test_a_second_run_the_same_day_adds_nothing_and_the_next_day_reminds_again(make_case, staff):
    case = make_case(received_on=RECEIVED)
    first = check_deadlines(today=dt.date(2026, 10, 8))
    assert first["notifications"] == 4
    again = check_deadlines(today=dt.date(2026, 10, 8))
    assert again["flagged"] == 1
    assert again["notifications"] == 0
    assert Notification.objects.count() == 4
    next_day = check_deadlines(today=dt.date(2026, 10, 9))
    assert next_day["notifications"] == 4
    assert Notification.objects.filter(user=staff["head_a"]).count() == 2
    assert titles(case) == {f"案件 {case.number} 受理期限还剩2个工作日", f"案件 {case.number} 受理期限还剩1个工作日"}


def test_the_task_runs_through_celery_with_an_iso_date(make_case):
    make_case(received_on=RECEIVED)
    result = check_deadlines.delay(today="2026-10-10").get()
    assert result == {
        "checked": 1,
        "flagged": 1,
        "soon": 0,
        "due_today": 1,
        "overdue": 0,
        "notifications": 4,
    }


def test_cases_far_from_their_deadline_are_not_read(make_case, investigated):
    make_case(received_on=RECEIVED)  # acceptance due 2026-10-10
    investigated()  # investigation due 2026-05-28, long past on 2026-10-09 ...
    result = check_deadlines(today=dt.date(2026, 10, 9))
    # ... so it is read and flagged as overdue; a case due in weeks is not even read.
    assert result["checked"] == 2
    assert check_deadlines(today=dt.date(2026, 9, 1))["checked"] == 1


def test_the_number_of_queries_does_not_grow_with_the_number_of_cases(make_case, investigated):
    make_case(received_on=RECEIVED)
    investigated()
    with CaptureQueriesContext(connection) as few:
        assert check_deadlines(today=dt.date(2026, 10, 9))["flagged"] == 2
    Notification.objects.all().delete()
    for _ in range(3):
        make_case(received_on=RECEIVED)
        investigated()
    with CaptureQueriesContext(connection) as many:
        assert check_deadlines(today=dt.date(2026, 10, 9))["flagged"] == 8
    assert len(many) == len(few)


def test_the_check_is_scheduled_daily_at_half_past_seven_shanghai_time(db):
    task = PeriodicTask.objects.get(task="complaints.check_deadlines")
    assert task.enabled
    assert (task.crontab.hour, task.crontab.minute) == ("7", "30")
    assert str(task.crontab.timezone) == "Asia/Shanghai"
