"""GET /api/v1/complaints/ and its Excel export: the row of a case, region scoping (county B
sees nothing of county A, assistants and administrators see no case, a city head sees both
counties), every filter, the queue ordered by the nearest deadline (a database expression that
agrees with complaints.deadlines), a constant number of queries, and an export that holds every
row of the filtered list."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from bureau import services as core
from bureau.models import AccessAction, PersonalDataAccess
from complaints import services
from complaints.deadlines import current_deadline
from complaints.models import Category, Complaint, Status
from complaints.selectors import complaint_rows
from tests.bureau.conftest import assert_error
from tests.conftest import make_credit_code, make_id_number

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"
EXPORT = "/api/v1/complaints/export.xlsx"


def today() -> dt.date:
    return timezone.localdate()


def numbers(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


@pytest.fixture
def case_b(staff: Any, employer_b: Any, wages: Category) -> Complaint:
    worker, _ = core.worker_register(by=staff["window_b"], name="赵六", id_number=make_id_number("339902", seq="401"))
    return services.complaint_register(
        by=staff["window_b"],
        employer=employer_b,
        categories=[wages],
        facts="欠薪",
        complainants=[services.ComplainantInput(worker=worker, amount_claimed=Decimal("100"))],
    )


# --- the row ----------------------------------------------------------------------------------


def test_a_row_has_the_case_at_a_glance(make_case: Any, staff: Any, inspector_a2: Any, api: Any, tree: Any) -> None:
    case = make_case(Status.ACCEPTED, township=tree.town_a1)
    rows = api(staff["head_a"]).get(URL).json()["results"]
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == {
        "id",
        "number",
        "kind",
        "kind_display",
        "channel",
        "channel_display",
        "status",
        "status_display",
        "employer",
        "township",
        "county",
        "received_on",
        "categories",
        "complainant_count",
        "amount_claimed_total",
        "deadline",
        "inspectors",
        "beyond_limitation",
    }
    assert (row["id"], row["number"], row["status_display"]) == (case.pk, case.number, "已立案调查")
    assert (row["kind_display"], row["channel_display"]) == ("投诉", "窗口来访")
    assert row["township"] == {"code": "339901001", "name": "湖滨街道"}
    assert row["county"] == {"code": "339901", "name": "东湖区"}
    assert row["categories"] == [{"code": "unpaid_wages", "name": "拖欠工资"}]
    assert (row["complainant_count"], row["amount_claimed_total"]) == (2, "12000.50")
    assert set(row["deadline"]) == {"kind", "due", "provisional", "days_left", "state"}
    assert (row["deadline"]["kind"], row["deadline"]["due"]) == ("investigation", case.investigation_due.isoformat())
    assert row["deadline"]["state"] == "ok" and row["deadline"]["days_left"] > 30
    assert sorted(u["name"] for u in row["inspectors"]) == ["inspector_a", "inspector_a2"]
    assert row["beyond_limitation"] is False


def test_the_categories_are_listed_for_the_form(staff: Any, api: Any, tree: Any) -> None:
    Category.objects.filter(code="other").update(active=False)
    response = api(staff["window_a"]).get("/api/v1/complaint-categories/", {"page_size": 100})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows[0] == {"code": "unpaid_wages", "name": "拖欠工资"}
    assert "other" not in {row["code"] for row in rows}
    assert len(rows) == 8


# --- scoping ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["window_b", "inspector_b", "head_b"])
def test_county_b_neither_lists_nor_opens_county_as_cases(
    who: str, make_case: Any, case_b: Complaint, staff: Any, api: Any
) -> None:
    case = make_case()
    client = api(staff[who])
    assert numbers(client.get(URL)) == [case_b.number]
    assert_error(client.get(f"{URL}{case.pk}/"), 404, "not_found")


@pytest.mark.parametrize("who", ["assistant_a1", "admin_a", "nobody"])
def test_assistants_administrators_and_staff_without_region_see_no_case(
    who: str, make_case: Any, staff: Any, api: Any
) -> None:
    case = make_case()
    client = api(staff[who])
    assert numbers(client.get(URL)) == []
    assert_error(client.get(f"{URL}{case.pk}/"), 404, "not_found")


def test_a_city_head_sees_the_cases_of_both_counties(make_case: Any, case_b: Complaint, staff: Any, api: Any) -> None:
    case = make_case()
    client = api(staff["city_head"])
    assert set(numbers(client.get(URL))) == {case.number, case_b.number}
    assert client.get(f"{URL}{case_b.pk}/").status_code == 200


def test_an_anonymous_caller_is_refused(make_case: Any, api: Any) -> None:
    make_case()
    response = api(None).get(URL)
    assert response.status_code in (401, 403)


# --- filters ------------------------------------------------------------------------------------


def test_overdue_lists_the_cases_whose_current_deadline_has_passed(make_case: Any, staff: Any, api: Any) -> None:
    late = make_case(received_on=today() - dt.timedelta(days=30))
    fresh = make_case()
    make_case(Status.CLOSED, received_on=today() - dt.timedelta(days=30))  # no deadline any more
    client = api(staff["window_a"])
    assert numbers(client.get(URL, {"overdue": "true"})) == [late.number]
    overdue_row = client.get(URL, {"overdue": "true"}).json()["results"][0]
    assert overdue_row["deadline"]["state"] == "overdue" and overdue_row["deadline"]["days_left"] < 0
    assert fresh.number in numbers(client.get(URL, {"overdue": "false"}))
    assert late.number not in numbers(client.get(URL, {"overdue": "false"}))


def test_pending_approval_lists_what_waits_for_a_head(make_case: Any, staff: Any, api: Any) -> None:
    waiting = {
        make_case(Status.REFUSAL_REQUESTED).number,
        make_case(Status.EXTENSION_REQUESTED).number,
        make_case(Status.CLOSURE_REQUESTED).number,
    }
    make_case(Status.ACCEPTED)
    make_case()
    assert set(numbers(api(staff["head_a"]).get(URL, {"pending_approval": "true"}))) == waiting


def test_mine_lists_the_cases_assigned_to_me(make_case: Any, staff: Any, api: Any) -> None:
    assigned = make_case(Status.ACCEPTED)
    other = make_case()
    client = api(staff["inspector_a"])
    assert numbers(client.get(URL, {"mine": "true"})) == [assigned.number]
    assert numbers(client.get(URL, {"mine": "false"})) == [other.number]
    assert numbers(client.get(URL, {"inspector": staff["inspector_a"].pk})) == [assigned.number]


def test_township_filters_by_the_subtree_of_a_visible_region(make_case: Any, staff: Any, api: Any, tree: Any) -> None:
    in_town = make_case(township=tree.town_a1)
    in_village = make_case(township=tree.village_a1)
    elsewhere = make_case(township=tree.town_a2)
    unknown_place = make_case()
    client = api(staff["window_a"])
    assert set(numbers(client.get(URL, {"township": "339901001"}))) == {in_town.number, in_village.number}
    assert numbers(client.get(URL, {"township": "339901101"})) == [elsewhere.number]
    assert len(numbers(client.get(URL, {"township": "339901"}))) == 4
    assert numbers(client.get(URL, {"township": "339902101"})) == []  # county B: not yours
    assert unknown_place.township is None


def test_status_filter_takes_several_statuses(make_case: Any, staff: Any, api: Any) -> None:
    registered = make_case()
    closed = make_case(Status.CLOSED)
    make_case(Status.ACCEPTED)
    client = api(staff["window_a"])
    assert set(numbers(client.get(URL, {"status": "registered,closed"}))) == {registered.number, closed.number}
    assert_error(client.get(URL, {"status": "registered,lost"}), 400, "invalid", [("status", "invalid_choice")])


def test_open_excludes_closed_and_terminal_cases(make_case: Any, staff: Any, api: Any) -> None:
    open_case = make_case(Status.ACCEPTED)
    closed = make_case(Status.CLOSED)
    withdrawn = make_case(Status.WITHDRAWN)
    client = api(staff["window_a"])
    assert numbers(client.get(URL, {"open": "true"})) == [open_case.number]
    assert set(numbers(client.get(URL, {"open": "false"}))) == {closed.number, withdrawn.number}


def test_search_finds_a_case_by_number_employer_name_or_upstream_reference(
    make_case: Any, staff: Any, api: Any, make_user: Any, tree: Any
) -> None:
    first = make_case(upstream_ref="PT-2026-778")
    second = make_case()
    other_employer = core.employer_create(
        by=staff["window_a"],
        credit_code=make_credit_code("91339901MA0CXE009"),
        name="湖滨物业公司",
        region=tree.county_a,
    )
    third = services.complaint_register(
        by=staff["window_a"],
        employer=other_employer,
        categories=[Category.objects.get(code="no_contract")],
        facts="未签合同",
        kind="report",
        anonymous=True,
        channel="online",
        received_on=today() - dt.timedelta(days=3),
    )
    client = api(staff["window_a"])
    assert numbers(client.get(URL, {"q": second.number})) == [second.number]
    assert numbers(client.get(URL, {"q": "pt-2026-778"})) == [first.number]
    assert numbers(client.get(URL, {"q": "物业"})) == [third.number]
    assert numbers(client.get(URL, {"employer": other_employer.pk})) == [third.number]
    assert numbers(client.get(URL, {"category": "no_contract"})) == [third.number]
    assert numbers(client.get(URL, {"kind": "report"})) == [third.number]
    assert numbers(client.get(URL, {"channel": "online"})) == [third.number]
    before = (today() - dt.timedelta(days=1)).isoformat()
    assert numbers(client.get(URL, {"received_before": before})) == [third.number]
    assert set(numbers(client.get(URL, {"received_after": today().isoformat()}))) == {first.number, second.number}


# --- ordering -----------------------------------------------------------------------------------


def test_the_queue_is_ordered_by_the_nearest_deadline_with_undated_cases_last(
    make_case: Any, staff: Any, api: Any
) -> None:
    fresh = make_case()
    overdue = make_case(received_on=today() - dt.timedelta(days=20))
    investigating = make_case(Status.ACCEPTED, received_on=today() - dt.timedelta(days=25))
    closed = make_case(Status.CLOSED, received_on=today() - dt.timedelta(days=40))
    soon = make_case(received_on=today() - dt.timedelta(days=4))
    client = api(staff["head_a"])
    expected = [overdue.number, soon.number, fresh.number, investigating.number, closed.number]
    assert numbers(client.get(URL, {"ordering": "deadline"})) == expected
    reversed_ = numbers(client.get(URL, {"ordering": "-deadline"}))
    assert reversed_ == [investigating.number, fresh.number, soon.number, overdue.number, closed.number]
    assert numbers(client.get(URL)) == [fresh.number, soon.number, overdue.number, investigating.number, closed.number]
    assert numbers(client.get(URL, {"ordering": "received_on"}))[0] == closed.number
    by_number = numbers(client.get(URL, {"ordering": "number"}))
    assert by_number == sorted(by_number)


@pytest.mark.parametrize("status", Status.values)
def test_the_database_deadline_agrees_with_the_python_one(status: str, make_case: Any) -> None:
    case = make_case(status)
    annotated = complaint_rows().get(pk=case.pk)
    current = current_deadline(case)
    assert annotated.current_due == (current[1] if current else None)


# --- queries ------------------------------------------------------------------------------------


def test_the_list_takes_the_same_number_of_queries_for_3_and_15_cases(
    make_case: Any, staff: Any, api: Any, tree: Any
) -> None:
    client = api(staff["head_a"])

    def make(count: int) -> None:
        for index in range(count):
            make_case(Status.ACCEPTED if index % 2 else Status.REGISTERED, township=tree.town_a1)

    make(3)
    client.get(URL)  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(URL, {"ordering": "deadline"}).json()["results"]) == 3
    make(12)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(URL, {"ordering": "deadline"}).json()["results"]) == 15
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_case_page_takes_the_same_number_of_queries_for_2_and_12_complainants(
    staff: Any, api: Any, employer_a: Any, wages: Category
) -> None:
    def register(count: int, seq: int) -> Complaint:
        workers = [
            core.worker_register(by=staff["window_a"], name=f"工人{i}", id_number=make_id_number(seq=f"{seq + i}"))[0]
            for i in range(count)
        ]
        return services.complaint_register(
            by=staff["window_a"],
            employer=employer_a,
            categories=[wages],
            facts="欠薪",
            complainants=[services.ComplainantInput(worker=w, amount_claimed=Decimal("1")) for w in workers],
        )

    small, large = register(2, 500), register(12, 600)
    client = api(staff["head_a"])
    client.get(f"{URL}{small.pk}/")
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{URL}{small.pk}/").status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"{URL}{large.pk}/").status_code == 200
    assert len(many) == len(few)


# --- export -------------------------------------------------------------------------------------


def sheet_rows(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(workbook.active.iter_rows(values_only=True))


def as_text(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return value


def test_the_export_holds_every_row_of_the_filtered_list_with_the_same_figures(
    make_case: Any, staff: Any, api: Any, tree: Any
) -> None:
    make_case(Status.ACCEPTED, township=tree.town_a1)
    make_case(received_on=today() - dt.timedelta(days=20))
    make_case(Status.EXTENSION_REQUESTED)
    make_case(Status.CLOSED)
    make_case(Status.WITHDRAWN)
    client = api(staff["head_a"])
    query = {"ordering": "deadline", "open": "true"}
    listed = client.get(URL, {**query, "page_size": 200}).json()["results"]

    rows = sheet_rows(client.get(EXPORT, {**query, "page_size": 1, "page": 2}))

    assert rows[0][:5] == ("案件编号", "状态", "类型", "来源渠道", "收到日期")
    assert len(rows[0]) == 17
    assert len(rows) - 1 == len(listed) == 3
    for line, row in zip(rows[1:], listed, strict=True):
        deadline = row["deadline"]
        expected = (
            row["number"],
            row["status_display"],
            row["kind_display"],
            row["channel_display"],
            row["received_on"],
            row["employer"]["name"],
            row["employer"]["credit_code"],
            row["township"]["name"] if row["township"] else None,
            "、".join(c["name"] for c in row["categories"]),
            row["complainant_count"],
            float(row["amount_claimed_total"]),
            deadline["due"] if deadline else None,
            deadline["days_left"] if deadline else None,
            ("是" if deadline["provisional"] else "否") if deadline else None,
            "、".join(u["name"] for u in row["inspectors"]) or None,
            None,
            0,
        )
        assert tuple(as_text(v) for v in line) == expected


def test_the_export_is_scoped_and_recorded(make_case: Any, case_b: Complaint, staff: Any, api: Any) -> None:
    mine = make_case()
    rows = sheet_rows(api(staff["window_a"]).get(EXPORT))
    assert [row[0] for row in rows[1:]] == [mine.number]
    access = PersonalDataAccess.objects.get(action=AccessAction.EXPORT)
    assert (access.user, access.model, access.object_ids) == (staff["window_a"], "complaints.Complaint", [mine.pk])
    assert [row[0] for row in sheet_rows(api(staff["assistant_a1"]).get(EXPORT))[1:]] == []


def test_text_that_looks_like_a_formula_is_exported_as_text(
    make_case: Any, staff: Any, api: Any, employer_a: Any
) -> None:
    make_case()
    type(employer_a).objects.filter(pk=employer_a.pk).update(name='=HYPERLINK("http://evil","点我")')
    response = api(staff["window_a"]).get(EXPORT)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cell = workbook.active["F2"]
    assert cell.value == '=HYPERLINK("http://evil","点我")'
    assert cell.data_type == "s"


def test_a_bad_filter_of_the_export_is_a_json_error(staff: Any, api: Any, tree: Any) -> None:
    assert_error(api(staff["window_a"]).get(EXPORT, {"received_after": "soon"}), 400, "invalid")


def test_the_worker_filter_finds_the_cases_a_person_complained_in(make_case, staff, workers_a, api) -> None:
    first = make_case()
    make_case()
    client = api(staff["window_a"])
    rows = client.get("/api/v1/complaints/", {"worker": workers_a[0].pk}).json()["results"]
    assert sorted(r["id"] for r in rows) == sorted(c.pk for c in Complaint.objects.all())
    assert client.get("/api/v1/complaints/", {"worker": workers_a[2].pk}).json()["count"] == 0
    assert first.pk in [r["id"] for r in rows]
