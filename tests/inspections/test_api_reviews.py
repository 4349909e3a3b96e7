"""The annual written reviews API (书面审查 / 年检): an employer's submission (one a year),
its review (passed, rectify with an order, failed; a rectify decided again), the employers of a
county that have not submitted, the list and its filters, and who sees and does what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from bureau.models import Employer
from bureau.workdays import WorkdayCalendar
from inspections import services
from inspections.models import AnnualReview, RectificationOrder
from tests.bureau.conftest import assert_error
from tests.inspections.conftest import rows, today

pytestmark = pytest.mark.django_db

URL = "/api/v1/annual-reviews/"
MISSING = f"{URL}missing/"
KEYS = {
    "id",
    "county",
    "employer",
    "year",
    "submitted_on",
    "workers",
    "contracts_signed",
    "insured_workers",
    "wages_total",
    "wages_on_time",
    "lowest_monthly_wage",
    "note",
    "result",
    "result_display",
    "opinion",
    "reviewed_by",
    "reviewed_on",
    "orders",
    "allowed_acts",
}
LAST_YEAR = today().year - 1


@pytest.fixture
def client_of(staff: dict[str, Any], api: Callable[..., Any]) -> Callable[[str], Any]:
    return lambda who: api(staff[who])


def submission(employer: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "employer": employer.pk,
        "year": LAST_YEAR,
        "submitted_on": (today() - dt.timedelta(days=3)).isoformat(),
        "workers": 40,
        "contracts_signed": 38,
        "insured_workers": 35,
        "wages_total": "2400000.50",
        "lowest_monthly_wage": 2490,
        "note": "年度用工情况",
    }
    data.update(changes)
    return data


@pytest.fixture
def make_review(staff: dict[str, Any]) -> Callable[..., AnnualReview]:
    def make(employer: Any, year: int = LAST_YEAR) -> AnnualReview:
        return services.review_submit(
            by=staff["inspector_a"],
            data=services.ReviewInput(
                employer=employer,
                year=year,
                submitted_on=today() - dt.timedelta(days=3),
                workers=10,
                contracts_signed=10,
                insured_workers=10,
                wages_total="500000",
            ),
        )

    return make


def ids(response: Any, key: str = "id") -> list[Any]:
    assert response.status_code == 200, response.content
    return [row[key] for row in response.json()["results"]]


def test_an_inspector_records_a_submission(client_of: Any, employer_a: Any, staff: Any, tree: Any) -> None:
    response = client_of("inspector_a").post(URL, submission(employer_a), format="json")
    assert response.status_code == 201, response.content
    page = response.json()
    review = AnnualReview.objects.get()
    assert set(page) == KEYS
    assert page["id"] == review.pk
    assert page["county"] == {"id": tree.county_a.pk, "code": "339901", "name": "东湖区"}
    assert page["employer"] == {"id": employer_a.pk, "name": employer_a.name, "credit_code": employer_a.credit_code}
    assert (page["year"], page["workers"], page["contracts_signed"], page["insured_workers"]) == (LAST_YEAR, 40, 38, 35)
    assert (page["wages_total"], page["lowest_monthly_wage"], page["wages_on_time"]) == ("2400000.50", "2490.00", True)
    assert (page["result"], page["result_display"], page["opinion"], page["reviewed_by"], page["reviewed_on"]) == (
        "pending",
        "待审查",
        "",
        None,
        None,
    )
    assert (page["orders"], page["allowed_acts"]) == ([], ["decide"])
    assert client_of("window_a").get(f"{URL}{review.pk}/").json()["allowed_acts"] == []


def test_a_second_submission_of_the_same_year_is_a_duplicate(client_of: Any, employer_a: Any) -> None:
    client = client_of("inspector_a")
    assert client.post(URL, submission(employer_a), format="json").status_code == 201
    before = rows()
    assert_error(client.post(URL, submission(employer_a), format="json"), 400, "invalid", [("year", "duplicate")])
    assert rows() == before
    # another year is another submission
    assert client.post(URL, submission(employer_a, year=LAST_YEAR - 1), format="json").status_code == 201


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"contracts_signed": 41}, ("contracts_signed", "more_than_workers")),
        ({"insured_workers": 41}, ("insured_workers", "more_than_workers")),
        ({"wages_total": "1.001"}, ("wages_total", "max_decimal_places")),
        ({"year": 1999}, ("year", "invalid")),
        ({"submitted_on": "2099-01-01"}, ("submitted_on", "date_in_future")),
        ({"workers": -1}, ("workers", "invalid")),
        ({"result": "passed"}, ("result", "unknown_field")),
    ],
)
def test_refused_submissions_store_nothing(
    changes: dict[str, Any], expected: tuple[str, str], client_of: Any, employer_a: Any
) -> None:
    before = rows()
    response = client_of("inspector_a").post(URL, submission(employer_a, **changes), format="json")
    assert_error(response, 400, "invalid", [expected])
    assert rows() == before


def test_a_submission_of_an_employer_of_another_county_is_does_not_exist(client_of: Any, employer_b: Any) -> None:
    before = rows()
    response = client_of("inspector_a").post(URL, submission(employer_b), format="json")
    assert_error(response, 400, "invalid", [("employer", "does_not_exist")])
    assert rows() == before


@pytest.mark.parametrize("who", ["window_a", "admin_a"])
def test_roles_that_do_not_record_get_403(who: str, client_of: Any, employer_a: Any) -> None:
    before = rows()
    assert_error(client_of(who).post(URL, submission(employer_a), format="json"), 403, "permission_denied")
    assert rows() == before


def test_rectify_with_items_issues_an_order_and_may_be_decided_again(
    client_of: Any, make_review: Any, employer_a: Any, staff: Any
) -> None:
    review = make_review(employer_a)
    client = client_of("inspector_a")
    on = today() - dt.timedelta(days=1)
    response = client.post(
        f"{URL}{review.pk}/decide/",
        {
            "result": "rectify",
            "opinion": "参保人数不足",
            "on_date": on.isoformat(),
            "order_items": ["为未参保职工补缴社会保险"],
            "deadline_days": 15,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    page = response.json()
    order = RectificationOrder.objects.get()
    assert (page["result"], page["result_display"], page["opinion"], page["reviewed_on"]) == (
        "rectify",
        "限期整改",
        "参保人数不足",
        on.isoformat(),
    )
    assert page["reviewed_by"] == {"id": staff["inspector_a"].pk, "name": "inspector_a"}
    assert page["orders"] == [{"id": order.pk, "number": order.number, "status": "open", "status_display": "整改中"}]
    assert page["allowed_acts"] == ["decide"]  # decided again once corrected
    shown = client.get(f"/api/v1/rectification-orders/{order.pk}/").json()
    assert (shown["source"], shown["visit"], shown["review"]) == ("review", None, {"id": review.pk, "year": LAST_YEAR})
    assert shown["due_on"] == WorkdayCalendar().add(on, 15).date.isoformat()

    response = client.post(f"{URL}{review.pk}/decide/", {"result": "passed"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["result"], response.json()["allowed_acts"]) == ("passed", [])
    before = rows()
    again = client.post(f"{URL}{review.pk}/decide/", {"result": "failed", "opinion": "x"}, format="json")
    assert_error(again, 409, "review_decided")
    assert rows() == before


def test_refused_decisions_store_nothing(client_of: Any, make_review: Any, employer_a: Any) -> None:
    review = make_review(employer_a)
    client = client_of("inspector_a")
    before = rows()
    cases = [
        ({"result": "failed"}, ("opinion", "required")),
        ({"result": "pending"}, ("result", "invalid_choice")),
        ({"result": "passed", "order_items": ["补缴"]}, ("order_items", "invalid")),
        ({"result": "rectify", "opinion": "x", "order_items": [" "], "deadline_days": 5}, ("order_items", "required")),
        (
            {"result": "rectify", "opinion": "x", "order_items": ["补缴", "x" * 501], "deadline_days": 5},
            ("order_items.1", "max_length"),
        ),
        (
            {"result": "rectify", "opinion": "x", "order_items": ["补缴"], "deadline_days": 0},
            ("deadline_days", "invalid"),
        ),
        ({"result": "passed", "on_date": "2099-01-01"}, ("on_date", "date_in_future")),
        ({"result": "passed", "reviewer": 1}, ("reviewer", "unknown_field")),
    ]
    for payload, expected in cases:
        assert_error(client.post(f"{URL}{review.pk}/decide/", payload, format="json"), 400, "invalid", [expected])
    assert rows() == before
    assert_error(
        client_of("window_a").post(f"{URL}{review.pk}/decide/", {"result": "passed"}, format="json"),
        403,
        "permission_denied",
    )
    assert_error(
        client_of("inspector_b").post(f"{URL}{review.pk}/decide/", {"result": "passed"}, format="json"),
        404,
        "not_found",
    )
    assert rows() == before


def test_missing_lists_the_unreviewed_employers_of_the_county_only(
    client_of: Any, make_review: Any, employer_a: Any, employer_b: Any, make_employer: Any, tree: Any
) -> None:
    township = make_employer("湖滨电子厂", tree.town_a1)
    other_year = make_employer("东湖酒店", tree.town_a2)
    make_review(employer_a)
    make_review(other_year, year=LAST_YEAR - 1)

    response = client_of("window_a").get(MISSING, {"year": LAST_YEAR})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    # by name; the reviewed employer and county B's are not there
    by_name = Employer.objects.filter(pk__in=[township.pk, other_year.pk]).order_by("name", "id")
    assert [row["id"] for row in body["results"]] == [e.pk for e in by_name]
    row = next(r for r in body["results"] if r["id"] == township.pk)
    assert row == {
        "id": township.pk,
        "name": "湖滨电子厂",
        "credit_code": township.credit_code,
        "region": {"id": tree.town_a1.pk, "code": "339901001", "name": "湖滨街道"},
    }
    assert set(ids(client_of("window_a").get(MISSING, {"year": LAST_YEAR - 1}))) == {employer_a.pk, township.pk}
    # the default year is last year
    assert set(ids(client_of("window_a").get(MISSING))) == {township.pk, other_year.pk}
    # county B: its own employers; another county's code (or an id) is a field error
    assert ids(client_of("window_b").get(MISSING, {"year": LAST_YEAR})) == [employer_b.pk]
    assert_error(
        client_of("window_a").get(MISSING, {"county": "339902"}), 400, "invalid", [("county", "does_not_exist")]
    )
    assert_error(
        client_of("window_a").get(MISSING, {"county": tree.county_a.pk}), 400, "invalid", [("county", "does_not_exist")]
    )
    assert set(ids(client_of("window_a").get(MISSING, {"county": "339901"}))) == {township.pk, other_year.pk}
    assert_error(client_of("window_a").get(MISSING, {"year": "last"}), 400, "invalid", [("year", "invalid")])
    # a city user names the county by its code; a city or a township is not a county
    assert_error(client_of("city_head").get(MISSING), 400, "invalid", [("county", "required")])
    assert ids(client_of("city_head").get(MISSING, {"county": "339902", "year": LAST_YEAR})) == [employer_b.pk]
    for not_a_county in ("339900", "339901001"):
        response = client_of("city_head").get(MISSING, {"county": not_a_county})
        assert_error(response, 400, "invalid", [("county", "region_level")])
    # roles without inspections see nothing
    assert ids(client_of("admin_a").get(MISSING)) == []


def test_the_list_filters_and_scoping(
    client_of: Any, make_review: Any, employer_a: Any, make_employer: Any, tree: Any, staff: Any
) -> None:
    other = make_employer("湖滨电子厂", tree.town_a1)
    pending = make_review(employer_a)
    older = make_review(other, year=LAST_YEAR - 1)
    services.review_decide(by=staff["inspector_a"], review=older, result="passed")
    client = client_of("window_a")
    assert set(ids(client.get(URL))) == {pending.pk, older.pk}
    assert ids(client.get(URL, {"year": LAST_YEAR})) == [pending.pk]
    assert ids(client.get(URL, {"result": "passed"})) == [older.pk]
    assert ids(client.get(URL, {"employer": other.pk})) == [older.pk]
    assert ids(client.get(URL, {"q": "电子"})) == [older.pk]
    assert ids(client.get(URL, {"q": employer_a.credit_code})) == [pending.pk]
    # county: a region code, its subtree; another county's code or an id filters to nothing
    assert set(ids(client.get(URL, {"county": "339901"}))) == {pending.pk, older.pk}
    assert ids(client.get(URL, {"county": "339902"})) == []
    assert ids(client.get(URL, {"county": str(tree.county_a.pk)})) == []
    assert set(ids(client_of("city_head").get(URL, {"county": "339900"}))) == {pending.pk, older.pk}
    assert ids(client_of("city_head").get(URL, {"county": "339902"})) == []
    for who in ("window_b", "inspector_b", "admin_a", "assistant_a1", "nobody"):
        assert ids(client_of(who).get(URL)) == [], who
        assert_error(client_of(who).get(f"{URL}{pending.pk}/"), 404, "not_found")
