"""GET /api/v1/wage-cases/ and the worker view: the row of a case with its totals (the same as
the case page's and the selectors'), every filter and ordering, region scoping, a constant
number of queries, and a worker's claims summed over the cases the user may see, recorded as
a read of personal data."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bureau import services as core
from bureau.identifiers import mask_id_number
from bureau.models import AccessAction, PersonalDataAccess
from complaints.models import Status as ComplaintStatus
from tests.bureau.conftest import assert_error
from tests.conftest import make_id_number
from tests.wagecases.conftest import claims_of, days_ago
from wagecases import selectors, services
from wagecases.api.serializers import WageTotalsSerializer, totals_data
from wagecases.models import WageCase

pytestmark = pytest.mark.django_db

D = Decimal
URL = "/api/v1/wage-cases/"
WORKERS = "/api/v1/wage-workers/"


def numbers(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


def serialized(totals: selectors.Totals) -> dict[str, Any]:
    return dict(WageTotalsSerializer(totals_data(totals)).data)


@pytest.fixture
def case_b(staff: Any, employer_b: Any) -> WageCase:
    worker, _ = core.worker_register(by=staff["window_b"], name="赵六", id_number=make_id_number("339902", seq="401"))
    return services.wagecase_open(by=staff["inspector_b"], employer=employer_b, claims=[(worker, "100", None, None)])


@pytest.fixture
def busy_case(make_wagecase: Any, pay: Any, staff: Any) -> WageCase:
    """Confirmed and unconfirmed claims; wages, compensation and interest; a reversed payment."""
    case = make_wagecase(claimed=["8000", "4000.50", "100"], confirmed=["7000.00", "4000.50", None])
    first, second, _third = claims_of(case)
    pay(case, (first, "3000.00", "wages"), (second, "1000.25", "wages"))
    pay(case, (first, "500.00", "compensation"), (first, "12.30", "interest"), (second, "0.25", "wages"))
    wrong = pay(case, (first, "4000.00", "wages"))
    services.payment_reverse(by=staff["inspector_a"], payment=wrong, reason="录错")
    return case


# --- the row and its totals -------------------------------------------------------------------


def test_a_row_has_the_case_at_a_glance_with_its_totals(busy_case: WageCase, client: Any, api: Any, staff: Any) -> None:
    rows = api(staff["window_a"]).get(URL).json()["results"]
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == {
        "id",
        "number",
        "status",
        "status_display",
        "source",
        "source_display",
        "county",
        "opened_on",
        "closed_on",
        "employer",
        "project",
        "inspectors",
        "payment_due",
        "mass_incident",
        "totals",
    }
    assert (row["number"], row["status"], row["source_display"]) == (busy_case.number, "open", "直接立案")
    assert row["totals"] == {
        "workers": 3,
        "unconfirmed": 1,
        "claimed": "12100.50",
        "confirmed": "11000.50",
        "wages_paid": "4000.50",
        "compensation_paid": "500.00",
        "interest_paid": "12.30",
        "total_paid": "4512.80",
        "outstanding": "7000.00",
        "workers_paid": 2,
        "fully_paid": False,
    }


def test_the_lists_totals_equal_the_case_pages_and_the_selectors(
    busy_case: WageCase, make_wagecase: Any, pay: Any, api: Any, staff: Any
) -> None:
    paid = make_wagecase(claimed=["50.00"], confirmed=["50.00"])
    pay(paid, (claims_of(paid)[0], "50.00", "wages"), (claims_of(paid)[0], "25.00", "compensation"))
    empty = make_wagecase()
    client = api(staff["head_a"])
    listed = {row["id"]: row["totals"] for row in client.get(URL).json()["results"]}
    assert set(listed) == {busy_case.pk, paid.pk, empty.pk}
    for case in (busy_case, paid, empty):
        page = client.get(f"{URL}{case.pk}/").json()
        assert listed[case.pk] == page["totals"] == serialized(selectors.case_totals(case)), case
        claim_rows = {row.claim_id: row for row in selectors.claim_totals(case)}
        for claim in page["claims"]:
            figures = claim_rows[claim["id"]]
            assert D(claim["wages_paid"]) == figures.wages_paid
            assert claim["outstanding"] == (None if figures.outstanding is None else f"{figures.outstanding:.2f}")
    assert listed[paid.pk]["fully_paid"] is True


def test_the_annotated_totals_are_those_of_the_selectors_for_every_case(busy_case: WageCase) -> None:
    annotated = selectors.cases_with_totals(WageCase.objects.filter(pk=busy_case.pk)).get()
    totals = selectors.case_totals(busy_case)
    assert (annotated.workers, annotated.unconfirmed, annotated.workers_paid) == (  # type: ignore[attr-defined]
        totals.claims,
        totals.unconfirmed,
        totals.workers_paid,
    )
    for name in (
        "claimed",
        "confirmed",
        "wages_paid",
        "compensation_paid",
        "interest_paid",
        "total_paid",
        "outstanding",
    ):
        assert getattr(annotated, name) == getattr(totals, name), name


# --- scoping ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["window_b", "inspector_b", "head_b"])
def test_county_b_neither_lists_nor_opens_county_as_cases(
    who: str, make_wagecase: Any, case_b: WageCase, api: Any, staff: Any
) -> None:
    case = make_wagecase()
    client = api(staff[who])
    assert numbers(client.get(URL)) == [case_b.number]
    assert_error(client.get(f"{URL}{case.pk}/"), 404, "not_found")


@pytest.mark.parametrize("who", ["assistant_a1", "admin_a", "nobody"])
def test_roles_without_wage_cases_see_none(who: str, make_wagecase: Any, api: Any, staff: Any) -> None:
    make_wagecase()
    assert numbers(api(staff[who]).get(URL)) == []


def test_a_city_head_lists_both_counties(make_wagecase: Any, case_b: WageCase, api: Any, staff: Any) -> None:
    case = make_wagecase()
    client = api(staff["city_head"])
    assert sorted(numbers(client.get(URL))) == sorted([case.number, case_b.number])
    assert numbers(client.get(URL, {"county": "339902"})) == [case_b.number]
    # a county filter naming a region the user cannot see narrows to nothing
    assert numbers(api(staff["head_a"]).get(URL, {"county": "339902"})) == []


# --- filters and ordering -----------------------------------------------------------------------


def test_the_filters_narrow_the_list(
    make_wagecase: Any,
    pay: Any,
    api: Any,
    staff: Any,
    workers_a: Any,
    inspector_a2: Any,
    make_case: Any,
    employer_a: Any,
) -> None:
    old = make_wagecase(opened_on=days_ago(40))
    assigned = make_wagecase(claimed=["10.00"], inspectors=[staff["inspector_a"], inspector_a2], source="inspection")
    paid = make_wagecase(claimed=["10.00"], confirmed=["10.00"], opened_on=days_ago(5))
    pay(paid, (claims_of(paid)[0], "10.00", "wages"))
    services.wagecase_close(by=staff["head_a"], case=paid)
    from_complaint = services.wagecase_open_from_complaint(
        by=staff["inspector_a"], complaint=make_case(ComplaintStatus.ACCEPTED)
    )
    client = api(staff["head_a"])

    def found(**query: Any) -> set[str]:
        response = client.get(URL, {**query, "page_size": 200})
        assert response.status_code == 200, response.content
        return {row["number"] for row in response.json()["results"]}

    everything = {old.number, assigned.number, paid.number, from_complaint.number}
    assert found() == everything
    assert found(status="closed_paid") == {paid.number}
    assert found(status="open,closed_paid") == everything
    assert found(source="inspection") == {assigned.number}
    assert found(source="complaint") == {from_complaint.number}
    assert found(worker=workers_a[1].pk) == {old.number, from_complaint.number}
    assert found(employer=employer_a.pk) == everything
    assert found(employer=0) == set()
    assert found(inspector=inspector_a2.pk) == {assigned.number, from_complaint.number}
    assert found(opened_to=days_ago(30).isoformat()) == {old.number}
    assert found(opened_from=days_ago(6).isoformat(), opened_to=days_ago(4).isoformat()) == {paid.number}
    assert found(outstanding="true") == everything - {paid.number}
    assert found(outstanding="false") == {paid.number}
    assert found(q=paid.number[-5:]) == {paid.number}
    assert found(q="东湖建设") == everything
    assert found(q=employer_a.credit_code.lower()) == everything
    assert found(q="不存在的单位") == set()
    assert found(project=0) == set()
    assert found(mine="true") == set()
    assert {row["number"] for row in api(staff["inspector_a"]).get(URL, {"mine": "true"}).json()["results"]} == {
        assigned.number,
        from_complaint.number,
    }
    assert len(found(mine="false")) == 4
    assert_error(client.get(URL, {"opened_from": "soon"}), 400, "invalid")
    assert_error(client.get(URL, {"status": "lost"}), 400, "invalid")


def test_the_list_is_ordered_newest_first_or_as_asked(make_wagecase: Any, api: Any, staff: Any) -> None:
    first = make_wagecase(claimed=["1.00"], confirmed=["1.00"], opened_on=days_ago(20))
    second = make_wagecase(claimed=["300.00"], confirmed=["300.00"], opened_on=days_ago(10))
    third = make_wagecase(claimed=["20.00"], confirmed=["20.00"], opened_on=days_ago(15))
    client = api(staff["window_a"])
    assert numbers(client.get(URL)) == [second.number, third.number, first.number]
    assert numbers(client.get(URL, {"ordering": "opened_on"})) == [first.number, third.number, second.number]
    assert numbers(client.get(URL, {"ordering": "-outstanding"})) == [second.number, third.number, first.number]
    assert numbers(client.get(URL, {"ordering": "number"})) == sorted([first.number, second.number, third.number])


def test_the_list_takes_the_same_number_of_queries_for_1_and_10_cases(
    make_wagecase: Any, pay: Any, api: Any, staff: Any, inspector_a2: Any
) -> None:
    def make(count: int) -> None:
        for _index in range(count):
            case = make_wagecase(confirmed=["100.00", None], inspectors=[staff["inspector_a"], inspector_a2])
            pay(case, (claims_of(case)[0], "60.00", "wages"), (claims_of(case)[0], "5.00", "interest"))

    client = api(staff["head_a"])
    make(1)
    client.get(URL)  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(URL, {"outstanding": "true", "ordering": "-outstanding"}).json()["results"]) == 1
    make(9)
    with CaptureQueriesContext(connection) as many:
        rows = client.get(URL, {"outstanding": "true", "ordering": "-outstanding"}).json()["results"]
    assert len(rows) == 10
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert all(row["totals"]["outstanding"] == "40.00" for row in rows)


def test_the_case_page_takes_the_same_number_of_queries_for_few_and_many_payments(
    make_wagecase: Any, pay: Any, api: Any, staff: Any
) -> None:
    small = make_wagecase(confirmed=["100.00", "100.00"])
    pay(small, (claims_of(small)[0], "1.00", "wages"))
    large = make_wagecase(confirmed=["100.00", "100.00"])
    for _index in range(6):
        pay(large, (claims_of(large)[0], "1.00", "wages"), (claims_of(large)[1], "2.00", "wages"))
    client = api(staff["head_a"])
    client.get(f"{URL}{small.pk}/")
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{URL}{small.pk}/").status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"{URL}{large.pk}/").status_code == 200
    assert len(many) == len(few)


# --- the worker view ----------------------------------------------------------------------------


def test_the_worker_view_sums_a_workers_claims_across_cases_and_is_recorded(
    make_wagecase: Any, pay: Any, api: Any, staff: Any, workers_a: Any, case_b: WageCase
) -> None:
    one = make_wagecase(confirmed=["1000.00", "500.00"])
    two = make_wagecase(claimed=["300.00"], confirmed=["300.00"])
    pay(one, (claims_of(one)[0], "400.00", "wages"), (claims_of(one)[0], "50.00", "interest"))
    pay(two, (claims_of(two)[0], "300.00", "wages"))
    worker = workers_a[0]
    PersonalDataAccess.objects.all().delete()

    response = api(staff["window_a"]).get(f"{WORKERS}{worker.pk}/", {"q": worker.id_number})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["worker"] == {"id": worker.pk, "name": worker.name, "id_number": mask_id_number(worker.id_number)}
    assert [
        (c["case"]["number"], c["claimed"], c["confirmed"], c["total_paid"], c["outstanding"]) for c in body["claims"]
    ] == [
        (one.number, "8000.00", "1000.00", "450.00", "600.00"),
        (two.number, "300.00", "300.00", "300.00", "0.00"),
    ]
    assert body["claims"][0]["case"]["employer"]["name"] == one.employer.name
    assert body["claims"][0]["case"]["status_display"] == "办理中"
    totals = body["totals"]
    assert (totals["cases"], totals["workers"], totals["claimed"], totals["confirmed"]) == (2, 2, "8300.00", "1300.00")
    assert (totals["wages_paid"], totals["interest_paid"], totals["outstanding"]) == ("700.00", "50.00", "600.00")
    expected = selectors.worker_totals(worker, staff["window_a"]).totals
    assert {k: v for k, v in totals.items() if k != "cases"} == serialized(expected)

    access = PersonalDataAccess.objects.get()
    assert (access.user, access.action, access.model, access.object_ids) == (
        staff["window_a"],
        AccessAction.VIEW,
        "bureau.Worker",
        [worker.pk],
    )
    assert worker.id_number not in access.query


def test_the_worker_view_is_scoped(make_wagecase: Any, api: Any, staff: Any, workers_a: Any, case_b: WageCase) -> None:
    make_wagecase()
    worker_b = case_b.claims.get().worker
    assert_error(api(staff["window_a"]).get(f"{WORKERS}{worker_b.pk}/"), 404, "not_found")
    assert_error(api(staff["head_b"]).get(f"{WORKERS}{workers_a[0].pk}/"), 404, "not_found")
    assert_error(api(staff["assistant_a1"]).get(f"{WORKERS}{workers_a[0].pk}/"), 404, "not_found")
    # a worker known to the region but owed nothing has an empty view
    body = api(staff["window_a"]).get(f"{WORKERS}{workers_a[2].pk}/").json()
    assert (body["claims"], body["totals"]["cases"], body["totals"]["claimed"]) == ([], 0, "0.00")


def test_the_worker_list_holds_the_workers_owed_on_visible_cases(
    make_wagecase: Any, api: Any, staff: Any, workers_a: Any, case_b: WageCase
) -> None:
    make_wagecase()
    make_wagecase(claimed=["1.00"])
    PersonalDataAccess.objects.all().delete()
    rows = api(staff["window_a"]).get(WORKERS).json()["results"]
    assert [(row["id"], row["cases"]) for row in rows] == [(workers_a[0].pk, 2), (workers_a[1].pk, 1)]
    assert rows[0]["id_number"] == mask_id_number(workers_a[0].id_number)
    access = PersonalDataAccess.objects.get()
    assert (access.action, access.model, access.object_ids) == (
        AccessAction.LIST,
        "bureau.Worker",
        [workers_a[0].pk, workers_a[1].pk],
    )
    assert [row["id"] for row in api(staff["window_a"]).get(WORKERS, {"q": workers_a[1].name}).json()["results"]] == [
        workers_a[1].pk
    ]
    assert api(staff["admin_a"]).get(WORKERS).json()["count"] == 0


def test_the_summary_of_an_employer_adds_up_its_cases_and_counts_a_worker_once(
    make_wagecase: Any, pay: Any, api: Any, staff: Any, employer_b: Any, case_b: WageCase
) -> None:
    first = make_wagecase(claimed=["8000.00", "4000.50"], confirmed=["8000.00", "4000.50"])
    second = make_wagecase(claimed=["1000.00"], confirmed=["1000.00"])  # the first worker again
    a1, a2 = claims_of(first)
    (b1,) = claims_of(second)
    pay(first, (a1, "5000.00", "wages"), (a2, "4000.50", "wages"), (a2, "100.00", "interest"))
    wrong = pay(second, (b1, "1000.00", "wages"))
    services.payment_reverse(by=staff["inspector_a"], payment=wrong, reason="录入错误")
    pay(second, (b1, "300.00", "wages"), (b1, "150.00", "compensation"))

    client = api(staff["head_a"])
    summary = client.get(f"/api/v1/wage-cases/summary/?employer={first.employer_id}").json()
    pages = [client.get(f"/api/v1/wage-cases/{c.pk}/").json()["totals"] for c in (first, second)]
    for key in (
        "claimed",
        "confirmed",
        "wages_paid",
        "compensation_paid",
        "interest_paid",
        "total_paid",
        "outstanding",
    ):
        assert Decimal(summary[key]) == sum((Decimal(p[key]) for p in pages), Decimal("0.00")), key
    assert summary["wages_paid"] == "9300.50" and summary["outstanding"] == "3700.00"
    assert summary["total_paid"] == "9550.50"
    assert (summary["cases"], summary["workers"], summary["people"]) == (2, 3, 2)
    assert (summary["workers_paid"], summary["people_paid"]) == (3, 2)
    # the worker's own page agrees with the employer's figures for him
    worker = client.get(f"/api/v1/wage-workers/{a1.worker_id}/").json()
    assert worker["totals"]["wages_paid"] == "5300.00"
    # another county's cases are not in the sum, whatever the filter says
    assert client.get(f"/api/v1/wage-cases/summary/?employer={employer_b.pk}").json()["cases"] == 0
    assert (
        api(staff["inspector_b"]).get(f"/api/v1/wage-cases/summary/?employer={first.employer_id}").json()["cases"] == 0
    )


def test_the_wage_case_of_a_complaint_is_found_by_the_complaint(make_case: Any, api: Any, staff: Any) -> None:
    complaint = make_case("accepted")
    other = make_case("accepted")
    case = services.wagecase_open_from_complaint(by=staff["inspector_a"], complaint=complaint)
    client = api(staff["window_a"])
    rows = client.get(f"/api/v1/wage-cases/?complaint={complaint.pk}").json()["results"]
    assert [r["id"] for r in rows] == [case.pk]
    assert client.get(f"/api/v1/wage-cases/?complaint={other.pk}").json()["results"] == []
