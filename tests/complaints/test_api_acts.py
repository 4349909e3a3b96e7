"""POST /api/v1/complaints/{id}/acts/: every act of the lifecycle through the API, the data each
act takes checked by its own small serializer, refusals in the API's format: 409 with the acts
allowed from the current status, 403 for a role or an inspector not assigned, 404 out of scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from bureau.models import Role
from complaints import services, workflow
from complaints.models import Event, Status
from tests.bureau.conftest import assert_error

pytestmark = pytest.mark.django_db


def url(case: Any) -> str:
    return f"/api/v1/complaints/{case.pk}/acts/"


def today() -> dt.date:
    return timezone.localdate()


def in_days(days: int) -> str:
    return (today() + dt.timedelta(days=days)).isoformat()


# act -> (status it starts from, who does it, body without "act")
ACTS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "request_supplement": (Status.REGISTERED, "window_a", {"reason": "缺少欠薪明细"}),
    "receive_supplement": (Status.SUPPLEMENT_REQUESTED, "window_a", {}),
    "accept": (Status.REGISTERED, "window_a", {"inspectors": ["inspector_a", "inspector_a2"]}),
    "request_refusal": (Status.REGISTERED, "window_a", {"reason": "超过两年"}),
    "approve_refusal": (Status.REFUSAL_REQUESTED, "head_a", {}),
    "reject_refusal": (Status.REFUSAL_REQUESTED, "head_a", {"reason": "时效未过"}),
    "refer": (Status.REGISTERED, "window_a", {"reason": "属劳动争议，告知申请仲裁"}),
    "assign": (Status.REGISTERED, "head_a", {"inspectors": ["inspector_a", "inspector_a2"]}),
    "record_step": (
        Status.ACCEPTED,
        "inspector_a",
        {"data": {"step_type": "visit", "description": "现场检查工资台账", "participants": ["inspector_a", "王经理"]}},
    ),
    "order_rectification": (
        Status.ACCEPTED,
        "inspector_a",
        {"data": {"items": "补发工资\n签订劳动合同", "deadline": in_days(15)}},
    ),
    "record_rectification": (Status.ACCEPTED, "inspector_a", {"data": {"result": "met", "note": "已补发"}}),
    "record_mediation": (
        Status.ACCEPTED,
        "inspector_a",
        {"data": {"agreement": "分两期支付", "amount": "12000.50"}},
    ),
    "notify_penalty": (
        Status.ACCEPTED,
        "inspector_a",
        {"data": {"facts": "拖欠工资", "legal_basis": "劳动保障监察条例第二十六条", "proposed_amount": "5000.00"}},
    ),
    "decide_penalty": (
        Status.ACCEPTED,
        "inspector_a",
        {
            "data": {
                "legal_basis": "劳动保障监察条例第二十六条",
                "amount": "5000.00",
                "decision_number": "东人社罚〔2026〕1号",
            }
        },
    ),
    "transfer": (
        Status.ACCEPTED,
        "inspector_a",
        {"reason": "涉嫌拒不支付劳动报酬罪", "data": {"body": "public_security", "receiver": "东湖区公安分局"}},
    ),
    "request_extension": (Status.ACCEPTED, "inspector_a", {"reason": "需调取银行流水"}),
    "approve_extension": (Status.EXTENSION_REQUESTED, "head_a", {}),
    "reject_extension": (Status.EXTENSION_REQUESTED, "head_a", {"reason": "无需延期"}),
    "request_closure": (
        Status.ACCEPTED,
        "inspector_a",
        {"outcome": "paid", "amount_recovered": "12000.50", "workers_paid": 2},
    ),
    "approve_closure": (Status.CLOSURE_REQUESTED, "head_a", {}),
    "reject_closure": (Status.CLOSURE_REQUESTED, "head_a", {"reason": "材料不全"}),
    "follow_up": (Status.CLOSED, "window_a", {"satisfied": True, "data": {"reached": True, "comment": "满意"}}),
    "withdraw": (Status.REGISTERED, "window_a", {"reason": "已自行协商解决"}),
}


def people(staff: dict[str, Any], inspector_a2: Any) -> dict[str, Any]:
    return {**staff, "inspector_a2": inspector_a2}


def resolve(body: dict[str, Any], everyone: dict[str, Any]) -> dict[str, Any]:
    body = dict(body)
    if "inspectors" in body:
        body["inspectors"] = [everyone[name].pk for name in body["inspectors"]]
    return body


def test_the_table_covers_every_act() -> None:
    assert set(ACTS) == set(workflow.ACTS)


@pytest.mark.parametrize("act", list(ACTS))
def test_each_act_through_the_api_moves_the_case_and_answers_with_the_case_page(
    act: str, make_case: Any, staff: Any, inspector_a2: Any, api: Any
) -> None:
    start, who, body = ACTS[act]
    everyone = people(staff, inspector_a2)
    case = make_case(start)
    if act == "decide_penalty":  # the employer is told and may state its case first
        notice = {"act": "notify_penalty", "data": {"legal_basis": "《劳动保障监察条例》第二十六条"}}
        assert api(everyone[who]).post(url(case), notice, format="json").status_code == 200

    response = api(everyone[who]).post(url(case), {"act": act, **resolve(body, everyone)}, format="json")

    assert response.status_code == 200, response.content
    page = response.json()
    expected = workflow.ACTS[act].to or start
    assert page["status"] == expected
    event = page["events"][-1]
    assert (event["action"], event["from_status"], event["to_status"]) == (act, start, expected)
    assert event["action_label"] == str(workflow.ACTS[act].label)
    assert event["by"]["id"] == everyone[who].pk
    stored = Event.objects.filter(complaint=case).latest("id")
    assert stored.action == act
    for key, value in body.get("data", {}).items():
        if key == "items":
            assert stored.data[key] == ["补发工资", "签订劳动合同"]
        else:
            assert stored.data[key] == value
    case.refresh_from_db()
    assert case.status == expected


def test_accepting_starts_the_investigation_clock_and_assigns(
    make_case: Any, staff: Any, inspector_a2: Any, api: Any
) -> None:
    case = make_case()
    body = {"act": "accept", "inspectors": [staff["inspector_a"].pk, inspector_a2.pk], "on_date": today().isoformat()}
    page = api(staff["window_a"]).post(url(case), body, format="json").json()
    assert page["accepted_on"] == today().isoformat()
    assert page["deadline"]["kind"] == "investigation"
    assert page["deadline"]["due"] == page["investigation_due"]
    assert {u["id"] for u in page["inspectors"]} == {staff["inspector_a"].pk, inspector_a2.pk}


def test_closure_carries_the_outcome_and_amounts_proposed(make_case: Any, staff: Any, api: Any) -> None:
    case = make_case(Status.ACCEPTED)
    body = {"act": "request_closure", "outcome": "paid", "amount_recovered": "12000.50", "workers_paid": 2}
    assert api(staff["inspector_a"]).post(url(case), body, format="json").status_code == 200
    page = api(staff["head_a"]).post(url(case), {"act": "approve_closure"}, format="json").json()
    assert (page["status"], page["outcome"], page["outcome_display"]) == ("closed", "paid", "已追发工资")
    assert (page["amount_recovered"], page["workers_paid"], page["closed_on"]) == ("12000.50", 2, today().isoformat())
    assert page["deadline"] is None


def test_a_group_case_may_recover_more_than_ten_million_in_total(make_case: Any, staff: Any, api: Any) -> None:
    case = make_case(Status.ACCEPTED)  # two complainants
    body = {"act": "request_closure", "outcome": "paid", "amount_recovered": "12000000.00", "workers_paid": 2}
    response = api(staff["inspector_a"]).post(url(case), body, format="json")
    assert response.status_code == 200, response.content
    case = make_case(Status.ACCEPTED)
    body = {"act": "request_closure", "outcome": "paid", "amount_recovered": "100.00", "workers_paid": 3}
    response = api(staff["inspector_a"]).post(url(case), body, format="json")
    assert_error(response, 400, "invalid", [("workers_paid", "too_many_workers")])
    body = {"act": "request_closure", "outcome": "paid", "amount_recovered": "12000000.00", "workers_paid": 1}
    case = make_case(Status.ACCEPTED)
    response = api(staff["inspector_a"]).post(url(case), body, format="json")
    assert_error(response, 400, "invalid", [("amount_recovered", "max_value")])


# --- refusals ---------------------------------------------------------------------------------


def test_an_act_not_allowed_from_the_status_is_409_with_what_is_allowed(make_case: Any, staff: Any, api: Any) -> None:
    case = make_case(Status.CLOSED)
    before = Event.objects.filter(complaint=case).count()
    response = api(staff["window_a"]).post(url(case), {"act": "accept"}, format="json")
    assert response.status_code == 409, response.content
    body = response.json()
    assert set(body) == {"code", "message", "errors", "allowed"}
    assert (body["code"], body["errors"], body["allowed"]) == ("invalid_transition", [], ["follow_up"])
    assert "已结案" in body["message"] and "回访" in body["message"]
    assert Event.objects.filter(complaint=case).count() == before


def test_an_extension_is_granted_once_only(make_case: Any, staff: Any, api: Any) -> None:
    case = make_case(Status.EXTENSION_REQUESTED)
    assert api(staff["head_a"]).post(url(case), {"act": "approve_extension"}, format="json").status_code == 200
    again = api(staff["inspector_a"]).post(url(case), {"act": "request_extension", "reason": "再延"}, format="json")
    assert_error(again, 400, "invalid", [("act", "already_extended")])


def test_an_inspector_not_assigned_to_the_case_is_refused_with_403(
    make_case: Any, staff: Any, api: Any, make_user: Any, tree: Any
) -> None:
    other = make_user("inspector_a3", tree.county_a, Role.INSPECTOR)
    case = make_case(Status.ACCEPTED)
    body = {"act": "record_step", "data": {"step_type": "visit", "description": "现场检查"}}
    response = api(other).post(url(case), body, format="json")
    assert_error(response, 403, "permission_denied")
    assert "记录调查" in response.json()["message"]
    assert not Event.objects.filter(complaint=case, action="record_step").exists()


def test_window_staff_may_not_approve_a_closure(make_case: Any, staff: Any, api: Any) -> None:
    case = make_case(Status.CLOSURE_REQUESTED)
    assert_error(
        api(staff["window_a"]).post(url(case), {"act": "approve_closure"}, format="json"), 403, "permission_denied"
    )
    case.refresh_from_db()
    assert case.status == Status.CLOSURE_REQUESTED


@pytest.mark.parametrize("who", ["window_b", "inspector_b", "head_b", "assistant_a1", "admin_a", "nobody"])
def test_staff_who_cannot_see_the_case_get_404_and_change_nothing(
    who: str, make_case: Any, staff: Any, api: Any
) -> None:
    case = make_case()
    response = api(staff[who]).post(url(case), {"act": "withdraw", "reason": "x"}, format="json")
    assert_error(response, 404, "not_found")
    case.refresh_from_db()
    assert case.status == Status.REGISTERED


def test_an_act_that_needs_a_reason_is_refused_without_one(make_case: Any, staff: Any, api: Any) -> None:
    case = make_case()
    response = api(staff["window_a"]).post(url(case), {"act": "request_supplement", "reason": "  "}, format="json")
    assert_error(response, 400, "invalid", [("reason", "required")])


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"act": "fly"}, "act", "invalid_choice"),
        ({"act": "withdraw", "reason": "x", "on_date": "2000-01-01"}, "on_date", "before_received"),
        ({"act": "withdraw", "reason": "x", "on_date": "2999-01-01"}, "on_date", "date_in_future"),
        ({"act": "withdraw", "reason": "x", "verdict": "guilty"}, "verdict", "unknown_field"),
        ({"act": "assign", "inspectors": ["inspector_a"]}, "inspectors", "two_inspectors"),
        ({"act": "assign", "inspectors": ["inspector_a", "window_a"]}, "inspectors", "not_inspector"),
        ({"act": "assign", "inspectors": ["inspector_a", "inspector_b"]}, "inspectors", "out_of_scope"),
        ({"act": "assign", "inspectors": [999999]}, "inspectors", "does_not_exist"),
    ],
)
def test_bad_act_input_is_a_field_error(
    body: dict[str, Any], field: str, code: str, make_case: Any, staff: Any, api: Any
) -> None:
    case = make_case()
    body = dict(body)
    if "inspectors" in body:
        body["inspectors"] = [staff[n].pk if isinstance(n, str) else n for n in body["inspectors"]]
    before = Event.objects.filter(complaint=case).count()
    assert_error(api(staff["head_a"]).post(url(case), body, format="json"), 400, "invalid", [(field, code)])
    assert Event.objects.filter(complaint=case).count() == before
    assert not case.inspectors.exists()


# --- the data of each act -----------------------------------------------------------------------

BAD_DATA = [
    ("record_step", {"step_type": "visit"}, "data.description", "required"),
    ("record_step", {"step_type": "party", "description": "x"}, "data.step_type", "invalid_choice"),
    ("record_step", {"step_type": "visit", "description": "x", "mood": "ok"}, "data.mood", "unknown_field"),
    ("record_step", {"step_type": "visit", "description": "x", "participants": 3}, "data.participants", "invalid"),
    ("order_rectification", {"deadline": "2030-01-01"}, "data.items", "required"),
    ("order_rectification", {"items": [], "deadline": "2030-01-01"}, "data.items", "empty"),
    ("order_rectification", {"items": ["补发工资"]}, "data.deadline", "required"),
    ("order_rectification", {"items": ["补发工资"], "deadline": "yesterday"}, "data.deadline", "invalid"),
    ("order_rectification", {"items": ["补发工资"], "deadline": "2001-01-01"}, "data.deadline", "before_on_date"),
    ("record_rectification", {}, "data.result", "required"),
    ("record_rectification", {"result": "maybe"}, "data.result", "invalid_choice"),
    ("record_mediation", {"amount": "100"}, "data.agreement", "required"),
    ("record_mediation", {"agreement": "x", "amount": "-1"}, "data.amount", "min_value"),
    ("notify_penalty", {"facts": "x"}, "data.legal_basis", "required"),
    ("decide_penalty", {"legal_basis": "x"}, "data.amount", "required"),
    ("decide_penalty", {"legal_basis": "x", "amount": "-0.01"}, "data.amount", "min_value"),
    ("transfer", {"receiver": "法院"}, "data.body", "required"),
    ("transfer", {"body": "police", "receiver": "x"}, "data.body", "invalid_choice"),
    ("transfer", {"body": "court"}, "data.receiver", "required"),
    (
        "transfer",
        {"body": "court", "receiver": "x", "transferred_on": "2999-01-01"},
        "data.transferred_on",
        "date_in_future",
    ),
    ("follow_up", {"comment": "x"}, "data.reached", "required"),
    ("follow_up", {"reached": "perhaps"}, "data.reached", "invalid"),
    ("request_extension", {"days": 30}, "data.days", "unknown_field"),
    ("accept", {"note": "x"}, "data.note", "unknown_field"),
]


@pytest.mark.parametrize(("act", "data", "field", "code"), BAD_DATA)
def test_the_data_of_each_act_is_checked(
    act: str, data: dict[str, Any], field: str, code: str, make_case: Any, staff: Any, inspector_a2: Any, api: Any
) -> None:
    start, who, body = ACTS[act]
    everyone = people(staff, inspector_a2)
    case = make_case(start)
    before = Event.objects.filter(complaint=case).count()
    body = {**resolve(body, everyone), "act": act, "data": data}
    response = api(everyone[who]).post(url(case), body, format="json")
    assert_error(response, 400, "invalid", [(field, code)])
    assert Event.objects.filter(complaint=case).count() == before


def test_a_rectification_deadline_may_not_precede_the_order_date_given(make_case: Any, staff: Any, api: Any) -> None:
    case = make_case(Status.ACCEPTED)
    body = {
        "act": "order_rectification",
        "on_date": today().isoformat(),
        "data": {"items": ["补发工资"], "deadline": (today() - dt.timedelta(days=1)).isoformat()},
    }
    assert_error(
        api(staff["inspector_a"]).post(url(case), body, format="json"),
        400,
        "invalid",
        [("data.deadline", "before_on_date")],
    )
    body["data"]["deadline"] = today().isoformat()
    assert api(staff["inspector_a"]).post(url(case), body, format="json").status_code == 200


def test_a_follow_up_without_reaching_anyone_needs_no_satisfaction(make_case: Any, staff: Any, api: Any) -> None:
    case = make_case(Status.CLOSED)
    body = {"act": "follow_up", "data": {"reached": False, "comment": "电话无人接听"}}
    page = api(staff["window_a"]).post(url(case), body, format="json").json()
    assert page["status"] == "followed_up"
    assert page["satisfied"] is None


# --- candidates for assignment ----------------------------------------------------------------


def test_candidates_are_the_inspectors_and_heads_over_or_in_the_county(
    make_case: Any, staff: Any, inspector_a2: Any, api: Any, make_user: Any, tree: Any
) -> None:
    gone = make_user("inspector_gone", tree.county_a, Role.INSPECTOR, is_active=False)
    town_inspector = make_user("inspector_town", tree.town_a1, Role.INSPECTOR)
    case = make_case()
    response = api(staff["window_a"]).get(f"/api/v1/complaints/{case.pk}/candidates/")
    assert response.status_code == 200, response.content
    rows = {row["username"]: row for row in response.json()}
    assert set(rows) == {
        "inspector_a",
        "inspector_a2",
        "inspector_town",
        "head_a",
        "bureau_head_a",
        "city_head",
    }
    assert rows["head_a"]["roles"] == ["brigade_head"]
    assert set(rows["inspector_a"]) == {"id", "name", "username", "roles"}
    assert gone.username not in rows and town_inspector.username in rows


def test_candidates_of_a_case_out_of_scope_are_404(make_case: Any, staff: Any, api: Any) -> None:
    case = make_case()
    assert_error(api(staff["head_b"]).get(f"/api/v1/complaints/{case.pk}/candidates/"), 404, "not_found")


def test_services_and_api_agree_on_allowed_acts(make_case: Any, staff: Any, api: Any) -> None:
    case = make_case(Status.ACCEPTED)
    for who in ("window_a", "inspector_a", "head_a"):
        page = api(staff[who]).get(f"/api/v1/complaints/{case.pk}/").json()
        assert [a["name"] for a in page["allowed_acts"]] == services.allowed_acts(staff[who], case)
    page = api(staff["inspector_a"]).get(f"/api/v1/complaints/{case.pk}/").json()
    acts = {a["name"]: a for a in page["allowed_acts"]}
    assert acts["transfer"] == {"name": "transfer", "label": "移送", "needs_reason": True}
