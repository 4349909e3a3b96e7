"""GET /api/v1/complaints/{id}/: the case page. Reading it is recorded (it carries workers'
personal data); the reporter's identity goes only to the handling inspectors and the heads, and
each time it does a record is written; penalty notices stay off the window's timeline; the
employer's other cases show a repeat offender at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from bureau.models import AccessAction, PersonalDataAccess
from complaints import services
from complaints.models import Category, Complaint, Status
from tests.bureau.conftest import assert_error

pytestmark = pytest.mark.django_db

REPORTER = "complaints.Complaint.reporter"


def url(case: Any) -> str:
    return f"/api/v1/complaints/{case.pk}/"


def reporter_reads() -> list[tuple[Any, str]]:
    return list(PersonalDataAccess.objects.filter(model=REPORTER).values_list("user__username", "action"))


@pytest.fixture
def report(staff: Any, employer_a: Any, wages: Category, inspector_a2: Any) -> Complaint:
    """A named report (举报), accepted, with inspector_a and inspector_a2 handling it."""
    case = services.complaint_register(
        by=staff["window_a"],
        employer=employer_a,
        categories=[wages],
        facts="工地长期拖欠工资",
        kind="report",
        reporter_name="刘举报",
        reporter_phone="+8613912345678",
        reporter_contact="微信 liu123",
    )
    services.complaint_act(complaint=case, by=staff["window_a"], act="accept")
    services.complaint_act(
        complaint=case, by=staff["head_a"], act="assign", inspectors=[staff["inspector_a"], inspector_a2]
    )
    return case


def test_the_case_page_has_everything_the_contract_names(make_case: Any, staff: Any, api: Any) -> None:
    case = make_case(Status.ACCEPTED, project_name="东湖花园", site_address="建设路1号", upstream_ref="12333-1")
    body = api(staff["head_a"]).get(url(case)).json()
    assert {
        "facts",
        "project_name",
        "site_address",
        "upstream_ref",
        "period_from",
        "period_to",
        "accepted_on",
        "acceptance_due",
        "acceptance_due_provisional",
        "investigation_due",
        "investigation_due_provisional",
        "extended",
        "closed_on",
        "outcome",
        "outcome_display",
        "amount_recovered",
        "workers_paid",
        "satisfied",
        "anonymous",
        "complainants",
        "events",
        "attachments",
        "allowed_acts",
        "reporter",
        "employer_history",
        "deadline",
        "inspectors",
        "complainant_count",
    } <= set(body)
    assert (body["project_name"], body["site_address"], body["upstream_ref"]) == ("东湖花园", "建设路1号", "12333-1")
    complainant = body["complainants"][0]
    assert set(complainant) >= {"id", "worker", "amount_claimed", "period_from", "period_to", "is_contact"}
    assert set(complainant["worker"]) == {"id", "name", "id_number"}
    assert "*" in complainant["worker"]["id_number"]
    assert complainant["amount_claimed"] == "8000.00"
    event = body["events"][-1]
    assert set(event) == {
        "id",
        "action",
        "action_label",
        "from_status",
        "to_status",
        "by",
        "at",
        "on_date",
        "reason",
        "data",
    }
    assert (event["action"], event["action_label"], event["by"]["name"]) == ("assign", "指派监察员", "head_a")
    assert event["data"] == {"inspectors": ["inspector_a", "inspector_a2"]}
    assert all(set(a) == {"name", "label", "needs_reason"} for a in body["allowed_acts"])


def test_reading_a_case_is_recorded_as_a_read_of_personal_data(make_case: Any, staff: Any, api: Any) -> None:
    case = make_case()
    api(staff["window_a"]).get(url(case))
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.action, access.model, access.object_ids) == (
        staff["window_a"],
        AccessAction.VIEW,
        "complaints.Complaint",
        [case.pk],
    )


def test_a_list_is_not_a_read_of_personal_data(make_case: Any, staff: Any, api: Any) -> None:
    make_case()
    api(staff["window_a"]).get("/api/v1/complaints/")
    assert not PersonalDataAccess.objects.exists()


# --- the reporter -------------------------------------------------------------------------------


def test_window_staff_do_not_see_who_reported(report: Complaint, staff: Any, api: Any) -> None:
    body = api(staff["window_a"]).get(url(report)).json()
    assert body["reporter"] is None
    assert "刘举报" not in str(body)
    assert reporter_reads() == []


def test_an_assigned_inspector_sees_the_reporter_and_the_read_is_recorded(
    report: Complaint, staff: Any, api: Any
) -> None:
    body = api(staff["inspector_a"]).get(url(report)).json()
    assert body["reporter"] == {"name": "刘举报", "phone": "139 1234 5678", "contact": "微信 liu123"}
    assert reporter_reads() == [("inspector_a", AccessAction.REVEAL)]
    api(staff["inspector_a"]).get(url(report))
    assert len(reporter_reads()) == 2


def test_an_inspector_not_handling_the_report_does_not_see_the_reporter(
    report: Complaint, staff: Any, api: Any, make_user: Any, tree: Any
) -> None:
    from bureau.models import Role

    other = make_user("inspector_a3", tree.county_a, Role.INSPECTOR)
    assert api(other).get(url(report)).json()["reporter"] is None
    assert reporter_reads() == []


def test_a_head_sees_the_reporter(report: Complaint, staff: Any, api: Any) -> None:
    assert api(staff["head_a"]).get(url(report)).json()["reporter"]["name"] == "刘举报"
    assert reporter_reads() == [("head_a", AccessAction.REVEAL)]


def test_the_answer_to_an_act_follows_the_same_rule(report: Complaint, staff: Any, api: Any) -> None:
    body = {"act": "record_step", "data": {"step_type": "interview", "description": "询问举报人"}}
    page = api(staff["inspector_a"]).post(f"{url(report)}acts/", body, format="json").json()
    assert page["reporter"]["name"] == "刘举报"
    assert reporter_reads() == [("inspector_a", AccessAction.REVEAL)]


def test_an_anonymous_report_has_no_reporter_for_anyone(staff: Any, api: Any, employer_a: Any, wages: Any) -> None:
    case = services.complaint_register(
        by=staff["window_a"], employer=employer_a, categories=[wages], facts="匿名举报", kind="report", anonymous=True
    )
    assert api(staff["head_a"]).get(url(case)).json()["reporter"] is None
    assert reporter_reads() == []


# --- penalty drafts -------------------------------------------------------------------------------


def test_penalty_notices_are_hidden_from_window_staff(make_case: Any, staff: Any, api: Any) -> None:
    case = make_case(Status.ACCEPTED)
    services.complaint_act(
        complaint=case,
        by=staff["inspector_a"],
        act="notify_penalty",
        data={"legal_basis": "劳动保障监察条例第二十六条", "proposed_amount": "5000.00"},
    )
    services.complaint_act(
        complaint=case, by=staff["inspector_a"], act="record_step", data={"step_type": "visit", "description": "x"}
    )

    def actions(who: str) -> list[str]:
        return [e["action"] for e in api(staff[who]).get(url(case)).json()["events"]]

    assert "notify_penalty" not in actions("window_a")
    assert "record_step" in actions("window_a")
    assert "legal_basis" not in str(api(staff["window_a"]).get(url(case)).json())
    assert "notify_penalty" in actions("inspector_a")
    assert "notify_penalty" in actions("head_a")


# --- history ------------------------------------------------------------------------------------


def test_the_employers_other_cases_show_a_repeat_offender(
    make_case: Any, staff: Any, api: Any, employer_a: Any, employer_b: Any, wages: Any
) -> None:
    oldest = make_case(Status.CLOSED, received_on=timezone.localdate() - dt.timedelta(days=90))
    older = make_case(received_on=timezone.localdate() - dt.timedelta(days=30))
    case = make_case()
    body = api(staff["window_a"]).get(url(case)).json()
    history = body["employer_history"]
    assert (history["complaints_total"], history["open_cases"]) == (3, 2)
    assert [e["number"] for e in history["earlier"]] == [older.number, oldest.number]
    assert set(history["earlier"][0]) == {"id", "number", "status", "status_display", "received_on"}
    assert history["earlier"][1]["status_display"] == "已结案"
    # each complainant was on the two other cases too
    assert [c["other_cases"] for c in body["complainants"]] == [2, 2]


def test_history_counts_only_cases_the_user_may_see(
    make_case: Any, staff: Any, api: Any, employer_a: Any, workers_a: Any, wages: Any
) -> None:
    case = make_case()
    # county B registers a case against the same employer (it became known to county B too)
    services.complaint_register(
        by=staff["city_head"],
        county=case.county.parent.children.get(code="339902"),
        employer=employer_a,
        categories=[wages],
        facts="欠薪",
        complainants=[services.ComplainantInput(worker=workers_a[0], amount_claimed=Decimal("1"))],
    )
    assert api(staff["window_a"]).get(url(case)).json()["employer_history"]["complaints_total"] == 1
    assert api(staff["city_head"]).get(url(case)).json()["employer_history"]["complaints_total"] == 2


def test_a_missing_case_and_a_case_out_of_scope_look_the_same(make_case: Any, staff: Any, api: Any) -> None:
    case = make_case()
    client = api(staff["window_b"])
    missing = client.get("/api/v1/complaints/999999/")
    hidden = client.get(url(case))
    assert_error(missing, 404, "not_found")
    assert missing.json() == hidden.json()
