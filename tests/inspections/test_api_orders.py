"""The rectification-orders API: issuing an order from a visit (due date counted on working
days), following it up item by item with a later visit (met, still open, unmet after the
deadline), opening a case from an unmet order, cancelling, the 409 of an act the order's
status does not allow, the list and its filters, and who sees and does what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from bureau.workdays import WorkdayCalendar
from complaints.models import Complaint
from complaints.models import Kind as ComplaintKind
from complaints.models import Status as ComplaintStatus
from inspections.models import RectificationOrder
from tests.bureau.conftest import assert_error
from tests.inspections.conftest import now, rows, today
from wagecases.models import Source, WageCase

pytestmark = pytest.mark.django_db

URL = "/api/v1/rectification-orders/"
ROW_KEYS = {
    "id",
    "number",
    "county",
    "employer",
    "source",
    "visit",
    "review",
    "served_on",
    "deadline_days",
    "due_on",
    "due_provisional",
    "status",
    "status_display",
    "overdue",
    "items_total",
    "items_met",
    "concluded_on",
    "complaint",
    "wage_case",
}
DETAIL_KEYS = ROW_KEYS | {"items", "events", "allowed_acts"}


def order_url(order: Any, path: str = "") -> str:
    return f"{URL}{order.pk}/{path}"


@pytest.fixture
def client_of(staff: dict[str, Any], api: Callable[..., Any]) -> Callable[[str], Any]:
    return lambda who: api(staff[who])


def items_of(order: RectificationOrder) -> list[Any]:
    return list(order.items.order_by("position"))


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def overdue_order(make_order: Any) -> RectificationOrder:
    """An order served 30 days ago with 5 working days to correct: past its deadline."""
    order = make_order(days_ago=30, deadline_days=5)
    assert order.due_on < today()
    return order


# --- issuing ------------------------------------------------------------------------------------


def test_an_order_issued_from_a_visit_is_due_after_working_days(
    client_of: Any, make_visit: Any, employer_a: Any, tree: Any
) -> None:
    visit = make_visit(visited_at=now() - dt.timedelta(days=6))
    served = today() - dt.timedelta(days=5)
    response = client_of("inspector_a").post(
        f"/api/v1/visits/{visit.pk}/orders/",
        {"items": ["补签劳动合同", "  ", "建立职工名册"], "deadline_days": 10, "served_on": served.isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.content
    page = response.json()
    order = RectificationOrder.objects.get()
    assert set(page) == DETAIL_KEYS
    due = WorkdayCalendar().add(served, 10)
    assert (page["id"], page["number"]) == (order.pk, f"339901-{served.year}-Z0001")
    assert (page["served_on"], page["deadline_days"], page["due_on"]) == (served.isoformat(), 10, due.date.isoformat())
    assert page["due_provisional"] is due.provisional
    assert page["county"] == {"id": tree.county_a.pk, "code": "339901", "name": "东湖区"}
    assert page["employer"] == {"id": employer_a.pk, "name": employer_a.name, "credit_code": employer_a.credit_code}
    assert (page["source"], page["visit"], page["review"]) == ("visit", {"id": visit.pk, "number": visit.number}, None)
    assert (page["status"], page["status_display"], page["overdue"]) == ("open", "整改中", due.date < today())
    assert (page["items_total"], page["items_met"], page["concluded_on"]) == (2, 0, None)
    assert [(i["position"], i["text"], i["met"], i["followup_visit"]) for i in page["items"]] == [
        (1, "补签劳动合同", None, None),
        (2, "建立职工名册", None, None),
    ]
    assert [(e["action"], e["on_date"], e["visit"]) for e in page["events"]] == [
        ("issue", served.isoformat(), {"id": visit.pk, "number": visit.number})
    ]
    assert page["events"][0]["by"]["name"] == "inspector_a"
    assert page["allowed_acts"] == ["follow_up"]
    assert client_of("head_a").get(order_url(order)).json()["allowed_acts"] == ["follow_up", "cancel"]
    assert client_of("window_a").get(order_url(order)).json()["allowed_acts"] == []
    # the visit lists the order it issued
    visit_page = client_of("window_a").get(f"/api/v1/visits/{visit.pk}/").json()
    assert visit_page["orders"] == [
        {
            "id": order.pk,
            "number": order.number,
            "status": "open",
            "status_display": "整改中",
            "served_on": served.isoformat(),
            "due_on": due.date.isoformat(),
        }
    ]
    assert visit_page["orders_count"] == 1


def test_served_on_defaults_to_today(client_of: Any, make_visit: Any) -> None:
    visit = make_visit()
    response = client_of("inspector_a").post(
        f"/api/v1/visits/{visit.pk}/orders/", {"items": ["补签劳动合同"], "deadline_days": 1}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["served_on"] == today().isoformat()
    assert response.json()["due_on"] == WorkdayCalendar().add(today(), 1).date.isoformat()


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"items": [], "deadline_days": 5}, ("items", "required")),
        ({"items": ["  "], "deadline_days": 5}, ("items", "required")),
        ({"items": ["x" * 501], "deadline_days": 5}, ("items.0", "max_length")),
        ({"items": ["改正"], "deadline_days": 0}, ("deadline_days", "invalid")),
        ({"items": ["改正"], "deadline_days": 251}, ("deadline_days", "invalid")),
        ({"items": ["改正"], "deadline_days": 5, "served_on": "tomorrow"}, ("served_on", "date_in_future")),
        ({"items": ["改正"], "deadline_days": 5, "served_on": "before"}, ("served_on", "date_order")),
        ({"items": "改正", "deadline_days": 5}, ("items", "not_a_list")),
        ({"items": ["改正"], "deadline_days": 5, "priority": 1}, ("priority", "unknown_field")),
    ],
)
def test_refused_orders_store_nothing(
    payload: dict[str, Any], expected: tuple[str, str], client_of: Any, make_visit: Any
) -> None:
    visit = make_visit(visited_at=now() - dt.timedelta(days=3))
    if payload.get("served_on") == "tomorrow":
        payload["served_on"] = (today() + dt.timedelta(days=1)).isoformat()
    if payload.get("served_on") == "before":
        payload["served_on"] = (today() - dt.timedelta(days=10)).isoformat()
    before = rows()
    response = client_of("inspector_a").post(f"/api/v1/visits/{visit.pk}/orders/", payload, format="json")
    assert_error(response, 400, "invalid", [expected])
    assert rows() == before


# --- following up -------------------------------------------------------------------------------


def test_a_follow_up_with_every_item_met_concludes_the_order(client_of: Any, make_order: Any, make_visit: Any) -> None:
    order = make_order(days_ago=3)
    later = make_visit()
    first, second = items_of(order)
    response = client_of("inspector_a").post(
        order_url(order, "follow-up/"),
        {
            "visit": later.pk,
            "results": [{"item": first.pk, "met": True, "note": "已补签"}, {"item": second.pk, "met": True}],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    page = response.json()
    assert (page["status"], page["status_display"], page["concluded_on"]) == ("met", "已整改", today().isoformat())
    assert (page["items_total"], page["items_met"], page["allowed_acts"]) == (2, 2, [])
    assert [(i["met"], i["checked_on"], i["followup_visit"], i["note"]) for i in page["items"]] == [
        (True, today().isoformat(), {"id": later.pk, "number": later.number}, "已补签"),
        (True, today().isoformat(), {"id": later.pk, "number": later.number}, ""),
    ]
    event = page["events"][-1]
    assert (event["action"], event["visit"]["id"], event["data"]) == (
        "follow_up",
        later.pk,
        {"met": 2, "items": 2, "status": "met"},
    )
    # the later visit shows the order it followed up
    followed = client_of("window_a").get(f"/api/v1/visits/{later.pk}/").json()["followed_orders"]
    assert followed == [{"id": order.pk, "number": order.number, "status": "met", "status_display": "已整改"}]
    # a concluded order cannot be followed up again: 409 with the service's code
    before = rows()
    again = client_of("inspector_a").post(
        order_url(order, "follow-up/"), {"visit": later.pk, "results": [{"item": first.pk, "met": True}]}, format="json"
    )
    assert_error(again, 409, "order_closed")
    assert rows() == before


def test_partly_met_before_the_deadline_stays_open(client_of: Any, make_order: Any, make_visit: Any) -> None:
    order = make_order(deadline_days=30)
    later = make_visit()
    first, _second = items_of(order)
    response = client_of("inspector_a").post(
        order_url(order, "follow-up/"), {"visit": later.pk, "results": [{"item": first.pk, "met": True}]}, format="json"
    )
    assert response.status_code == 200, response.content
    page = response.json()
    assert (page["status"], page["items_met"], page["concluded_on"], page["allowed_acts"]) == (
        "open",
        1,
        None,
        ["follow_up"],
    )


def test_partly_met_after_the_deadline_is_unmet(client_of: Any, overdue_order: Any, make_visit: Any) -> None:
    later = make_visit()
    first, second = items_of(overdue_order)
    assert client_of("window_a").get(order_url(overdue_order)).json()["overdue"] is True
    response = client_of("inspector_a").post(
        order_url(overdue_order, "follow-up/"),
        {
            "visit": later.pk,
            "results": [{"item": first.pk, "met": True}, {"item": second.pk, "met": False, "note": "仍未建立"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    page = response.json()
    assert (page["status"], page["status_display"], page["overdue"]) == ("unmet", "逾期未整改", False)
    assert (page["items_met"], page["concluded_on"], page["allowed_acts"]) == (1, today().isoformat(), ["open_case"])


def test_a_follow_up_with_a_visit_of_another_employer_is_refused(
    client_of: Any, make_order: Any, make_visit: Any, make_employer: Any, tree: Any
) -> None:
    order = make_order(days_ago=2)
    elsewhere = make_visit(employer=make_employer("湖滨餐饮有限公司", tree.town_a1))
    first, _ = items_of(order)
    before = rows()
    response = client_of("inspector_a").post(
        order_url(order, "follow-up/"),
        {"visit": elsewhere.pk, "results": [{"item": first.pk, "met": True}]},
        format="json",
    )
    assert_error(response, 400, "invalid", [("visit", "employer_mismatch")])
    assert rows() == before


def test_refused_follow_ups_name_the_field(client_of: Any, make_order: Any, make_visit: Any) -> None:
    order = make_order(days_ago=2)
    other = make_order(days_ago=2)
    later = make_visit()
    first, _ = items_of(order)
    foreign = items_of(other)[0]
    client = client_of("inspector_a")
    before = rows()
    cases = [
        ({"visit": later.pk, "results": []}, ("results", "required")),
        ({"visit": later.pk, "results": [{"item": foreign.pk, "met": True}]}, ("results.0.item", "does_not_exist")),
        (
            {"visit": later.pk, "results": [{"item": first.pk, "met": True}, {"item": first.pk, "met": False}]},
            ("results.1.item", "duplicate"),
        ),
        ({"visit": later.pk, "results": [{"item": first.pk, "met": "maybe"}]}, ("results.0.met", "invalid")),
        ({"visit": order.visit_id, "results": [{"item": first.pk, "met": True}]}, ("visit", "same_visit")),
        ({"visit": 999999, "results": [{"item": first.pk, "met": True}]}, ("visit", "does_not_exist")),
        (
            {"visit": later.pk, "results": [{"item": first.pk, "met": True, "photo": 1}]},
            ("results.0.photo", "unknown_field"),
        ),
    ]
    for payload, expected in cases:
        assert_error(client.post(order_url(order, "follow-up/"), payload, format="json"), 400, "invalid", [expected])
    assert rows() == before


def test_a_follow_up_visit_of_another_county_is_does_not_exist(
    client_of: Any, make_order: Any, employer_b: Any, staff: Any, make_user: Any, tree: Any
) -> None:
    from bureau.models import Role
    from inspections import services

    order = make_order(days_ago=2)
    inspector_b2 = make_user("inspector_b2", tree.county_b, Role.INSPECTOR)
    visit_b = services.visit_record(
        by=staff["inspector_b"],
        data=services.VisitInput(
            employer=employer_b,
            visited_at=now() - dt.timedelta(hours=1),
            inspectors=[staff["inspector_b"], inspector_b2],
        ),
    )
    first, _ = items_of(order)
    response = client_of("inspector_a").post(
        order_url(order, "follow-up/"),
        {"visit": visit_b.pk, "results": [{"item": first.pk, "met": True}]},
        format="json",
    )
    assert_error(response, 400, "invalid", [("visit", "does_not_exist")])


# --- cases from an unmet order ------------------------------------------------------------------


def _unmet(client: Any, order: RectificationOrder, visit: Any) -> None:
    first, second = items_of(order)
    response = client.post(
        order_url(order, "follow-up/"),
        {"visit": visit.pk, "results": [{"item": first.pk, "met": True}, {"item": second.pk, "met": False}]},
        format="json",
    )
    assert response.json()["status"] == "unmet", response.content


def test_an_unmet_order_opens_a_wage_case_with_its_facts(
    client_of: Any, overdue_order: Any, make_visit: Any, workers_a: Any
) -> None:
    client = client_of("inspector_a")
    _unmet(client, overdue_order, make_visit())
    response = client.post(
        order_url(overdue_order, "open-case/"),
        {"kind": "wage", "claims": [{"worker": workers_a[0].pk, "amount_claimed": "3000.00"}]},
        format="json",
    )
    assert response.status_code == 201, response.content
    case = WageCase.objects.get()
    assert response.json() == {"kind": "wage", "id": case.pk, "number": case.number, "url": f"/wage-cases/{case.pk}/"}
    assert case.source == Source.INSPECTION
    assert case.claims.get().amount_claimed == Decimal("3000.00")
    note = case.events.get(action="open").note
    assert overdue_order.number in note and "建立职工名册" in note and "补签劳动合同" not in note  # the unmet item only
    assert overdue_order.visit.number in note  # and the facts of the visit
    page = client.get(order_url(overdue_order)).json()
    assert (page["status"], page["wage_case"], page["allowed_acts"]) == (
        "escalated",
        {"id": case.pk, "number": case.number},
        [],
    )
    assert page["events"][-1]["action"] == "open_case"
    # escalated: a second case is 409
    again = client.post(
        order_url(overdue_order, "open-case/"), {"kind": "complaint", "categories": ["unpaid_wages"]}, format="json"
    )
    assert_error(again, 409, "order_not_unmet")


def test_an_unmet_order_opens_a_complaint_case_on_file(
    client_of: Any, overdue_order: Any, make_visit: Any, wages: Any
) -> None:
    client = client_of("head_a")
    _unmet(client, overdue_order, make_visit())
    response = client.post(
        order_url(overdue_order, "open-case/"), {"kind": "complaint", "categories": [wages.pk]}, format="json"
    )
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get()
    assert response.json()["url"] == f"/complaints/{complaint.pk}/"
    assert (complaint.kind, complaint.status) == (ComplaintKind.INSPECTION, ComplaintStatus.ACCEPTED)
    assert overdue_order.number in complaint.facts
    assert client.get(order_url(overdue_order)).json()["complaint"] == {"id": complaint.pk, "number": complaint.number}


def test_opening_a_case_from_an_open_order_is_409_and_stores_nothing(
    client_of: Any, make_order: Any, workers_a: Any
) -> None:
    order = make_order()
    before = rows()
    response = client_of("inspector_a").post(
        order_url(order, "open-case/"),
        {"kind": "wage", "claims": [{"worker": workers_a[0].pk, "amount_claimed": "1.00"}]},
        format="json",
    )
    assert_error(response, 409, "order_not_unmet")
    assert rows() == before
    assert not WageCase.objects.exists()


# --- cancelling -------------------------------------------------------------------------------


def test_a_head_cancels_an_order_with_a_reason(client_of: Any, make_order: Any) -> None:
    order = make_order()
    before = rows()
    assert_error(
        client_of("inspector_a").post(order_url(order, "cancel/"), {"reason": "误发"}, format="json"),
        403,
        "permission_denied",
    )
    assert_error(
        client_of("head_a").post(order_url(order, "cancel/"), {"reason": " "}, format="json"),
        400,
        "invalid",
        [("reason", "required")],
    )
    assert rows() == before
    response = client_of("head_a").post(order_url(order, "cancel/"), {"reason": "单位名称错误，误发"}, format="json")
    assert response.status_code == 200, response.content
    page = response.json()
    assert (page["status"], page["status_display"], page["allowed_acts"]) == ("cancelled", "已撤销", [])
    assert (page["events"][-1]["action"], page["events"][-1]["note"]) == ("cancel", "单位名称错误，误发")
    assert_error(
        client_of("head_a").post(order_url(order, "cancel/"), {"reason": "再撤"}, format="json"), 409, "order_closed"
    )


# --- reading, filters, scoping ----------------------------------------------------------------


def test_the_list_filters(
    client_of: Any, make_order: Any, make_visit: Any, make_employer: Any, tree: Any, overdue_order: Any
) -> None:
    other = make_employer("湖滨餐饮有限公司", tree.town_a1)
    fresh = make_order(deadline_days=30)
    elsewhere = make_order(visit=make_visit(employer=other), deadline_days=20)
    met = make_order(days_ago=2)
    client = client_of("inspector_a")
    response = client.post(
        order_url(met, "follow-up/"),
        {"visit": make_visit().pk, "results": [{"item": i.pk, "met": True} for i in items_of(met)]},
        format="json",
    )
    assert response.json()["status"] == "met"

    listed = client_of("window_a").get(URL)
    assert set(listed.json()["results"][0]) == ROW_KEYS
    assert set(ids(listed)) == {overdue_order.pk, fresh.pk, elsewhere.pk, met.pk}
    assert set(ids(client.get(URL, {"status": "open"}))) == {overdue_order.pk, fresh.pk, elsewhere.pk}
    assert set(ids(client.get(URL, {"status": "met,unmet"}))) == {met.pk}
    assert_error(client.get(URL, {"status": "open,lost"}), 400, "invalid", [("status", "invalid_choice")])
    assert ids(client.get(URL, {"overdue": "true"})) == [overdue_order.pk]
    assert ids(client.get(URL, {"employer": other.pk})) == [elsewhere.pk]
    assert ids(client.get(URL, {"visit": fresh.visit_id})) == [fresh.pk]
    assert ids(client.get(URL, {"q": "餐饮"})) == [elsewhere.pk]
    assert ids(client.get(URL, {"q": fresh.number})) == [fresh.pk]
    assert set(ids(client.get(URL, {"due_before": fresh.due_on.isoformat()}))) >= {overdue_order.pk, fresh.pk}
    assert elsewhere.pk not in ids(
        client.get(URL, {"due_before": (elsewhere.due_on - dt.timedelta(days=1)).isoformat()})
    )
    # county: a region code, its subtree; another county's code or an id filters to nothing
    assert set(ids(client.get(URL, {"county": "339901"}))) == set(ids(client.get(URL)))
    assert ids(client.get(URL, {"county": "339902"})) == []
    assert ids(client.get(URL, {"county": str(tree.county_a.pk)})) == []
    assert set(ids(client_of("city_head").get(URL, {"county": "339900"}))) == set(ids(client.get(URL)))


def test_county_b_sees_no_order_of_county_a_and_cannot_act(client_of: Any, overdue_order: Any, workers_a: Any) -> None:
    before = rows()
    for who in ("inspector_b", "head_b", "window_b", "admin_a", "assistant_a1"):
        client = client_of(who)
        assert ids(client.get(URL)) == [], who
        assert_error(client.get(order_url(overdue_order)), 404, "not_found")
    client = client_of("head_b")
    assert_error(client.post(order_url(overdue_order, "cancel/"), {"reason": "x"}, format="json"), 404, "not_found")
    assert_error(
        client.post(order_url(overdue_order, "follow-up/"), {"visit": 1, "results": []}, format="json"),
        404,
        "not_found",
    )
    assert_error(
        client.post(order_url(overdue_order, "open-case/"), {"kind": "complaint"}, format="json"), 404, "not_found"
    )
    assert rows() == before


def test_window_staff_cannot_follow_up(client_of: Any, make_order: Any, make_visit: Any) -> None:
    order = make_order(days_ago=2)
    later = make_visit()
    before = rows()
    response = client_of("window_a").post(
        order_url(order, "follow-up/"),
        {"visit": later.pk, "results": [{"item": items_of(order)[0].pk, "met": True}]},
        format="json",
    )
    assert_error(response, 403, "permission_denied")
    assert rows() == before
