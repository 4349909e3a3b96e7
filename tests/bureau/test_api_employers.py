"""/api/v1/employers/: registration with a checked credit code, one record per code, search,
filters, ordering, pagination, updates, and lists without N+1 queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from bureau.models import Employer
from tests.bureau.conftest import assert_error, field_errors, next_credit_code
from tests.conftest import Tree, make_credit_code

pytestmark = pytest.mark.django_db

URL = "/api/v1/employers/"


def post(client: Any, **data: Any) -> Any:
    return client.post(URL, data, format="json")


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


# --- registration ----------------------------------------------------------------------------


def test_window_registers_an_employer_with_a_normalised_credit_code(staff: Any, api: Any, tree: Tree) -> None:
    code = next_credit_code()
    response = post(
        api(staff["window_a"]),
        credit_code=f" {code[:9].lower()} {code[9:]} ",
        name="东湖建筑工程有限公司",
        region="339901001",
        type="contractor",
        industry="E",
        employee_count=120,
        phone="0571-87654321",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["credit_code"] == code
    assert body["region"] == {"code": "339901001", "name": "湖滨街道"}
    assert body["type_display"] == "建筑施工企业"
    assert body["phone"] == "0571 8765 4321"
    employer = Employer.objects.get(pk=body["id"])
    assert (employer.credit_code, employer.created_by, employer.phone) == (code, staff["window_a"], "+8657187654321")


@pytest.mark.parametrize(
    ("credit_code", "error_code"),
    [
        (make_credit_code("91339901MA2ABCDE1")[:17] + "0", "credit_code_check_char"),
        ("91339901MA2ABCDE", "credit_code_length"),
        ("91339901MA2ABCDEI1", "credit_code_format"),
        ("九一三三九九零一MA2ABCDE12", "credit_code_format"),
    ],
    ids=["check-char", "too-short", "letter-I", "chinese"],
)
def test_a_bad_credit_code_is_refused_and_nothing_stored(
    credit_code: str, error_code: str, staff: Any, api: Any, tree: Tree
) -> None:
    if error_code == "credit_code_check_char":
        assert credit_code != make_credit_code("91339901MA2ABCDE1")
    response = post(api(staff["window_a"]), credit_code=credit_code, name="某公司", region="339901")
    assert_error(response, 400, "invalid", [("credit_code", error_code)])
    assert Employer.objects.count() == 0


def test_a_credit_code_registered_in_the_same_county_is_a_duplicate(
    staff: Any, api: Any, make_employer: Any, tree: Tree
) -> None:
    existing = make_employer(tree.county_a)
    response = post(api(staff["window_a"]), credit_code=existing.credit_code.lower(), name="另一家", region="339901")
    assert_error(response, 400, "invalid", [("credit_code", "duplicate")])
    assert Employer.objects.filter(credit_code=existing.credit_code).count() == 1


def test_a_credit_code_registered_by_another_county_links_that_one_employer_to_this_county(
    staff: Any, api: Any, make_employer: Any, tree: Tree
) -> None:
    existing = make_employer(tree.county_b, name="西山建筑公司")
    client = api(staff["window_a"])
    assert client.get(f"/api/v1/employers/{existing.pk}/").status_code == 404
    response = post(client, credit_code=existing.credit_code.lower(), name="另一个名字", region="339901")
    assert response.status_code == 200
    assert response.json()["id"] == existing.pk
    assert response.json()["name"] == "西山建筑公司"  # the record is not rewritten by a second county
    assert Employer.objects.count() == 1
    assert client.get(f"/api/v1/employers/{existing.pk}/").status_code == 200
    assert existing.pk in [row["id"] for row in client.get("/api/v1/employers/").json()["results"]]
    # posting it again is now a plain duplicate: county A already knows it
    again = post(client, credit_code=existing.credit_code, name="另一家", region="339901")
    assert_error(again, 400, "invalid", [("credit_code", "duplicate")])
    # county B keeps seeing it, a third party does not
    assert api(staff["window_b"]).get(f"/api/v1/employers/{existing.pk}/").status_code == 200
    assert api(staff["nobody"]).get(f"/api/v1/employers/{existing.pk}/").status_code == 404


def test_the_database_refuses_a_second_row_with_the_same_credit_code(make_employer: Any, tree: Tree) -> None:
    existing = make_employer(tree.county_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Employer.objects.create(credit_code=existing.credit_code, name="绕过服务", region=tree.county_b)


def test_a_name_of_201_characters_is_too_long(staff: Any, api: Any, tree: Tree) -> None:
    response = post(api(staff["window_a"]), credit_code=next_credit_code(), name="厂" * 201, region="339901")
    assert_error(response, 400, "invalid", [("name", "max_length")])
    assert Employer.objects.count() == 0


def test_a_name_of_200_characters_is_accepted(staff: Any, api: Any, tree: Tree) -> None:
    response = post(api(staff["window_a"]), credit_code=next_credit_code(), name="厂" * 200, region="339901")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"employee_count": "abc"}, "employee_count", "invalid"),
        ({"employee_count": -1}, "employee_count", "min_value"),
        ({"type": "company"}, "type", "invalid_choice"),
        ({"industry": "Z"}, "industry", "invalid_choice"),
        ({"phone": "12345"}, "phone", "phone_invalid"),
        ({"name": ""}, "name", "blank"),
        ({"name": None}, "name", "null"),
        ({"region": "123"}, "region", "does_not_exist"),
        ({"region": "339900"}, "region", "region_level"),
        ({"region": None}, "region", "null"),
        ({"credit_code": ["91339901MA2ABCDE1X"]}, "credit_code", "invalid"),
        ({"name": True}, "name", "invalid"),
    ],
)
def test_invalid_values_are_field_errors(
    data: dict[str, Any], field: str, code: str, staff: Any, api: Any, tree: Tree
) -> None:
    payload = {"credit_code": next_credit_code(), "name": "某公司", "region": "339901", **data}
    response = post(api(staff["city_head"]), **payload)
    assert_error(response, 400, "invalid", [(field, code)])
    assert Employer.objects.count() == 0


def test_missing_required_fields_are_each_reported(staff: Any, api: Any, tree: Tree) -> None:
    response = post(api(staff["window_a"]))
    assert_error(response, 400, "invalid")
    assert field_errors(response) == {"credit_code": ["required"], "name": ["required"], "region": ["required"]}


@pytest.mark.parametrize("field", ["created_by", "id", "created_at", "region_id", "type_display"])
def test_unknown_and_read_only_fields_are_refused(field: str, staff: Any, api: Any, tree: Tree) -> None:
    payload = {"credit_code": next_credit_code(), "name": "某公司", "region": "339901", field: 1}
    response = post(api(staff["window_a"]), **payload)
    assert_error(response, 400, "invalid", [(field, "unknown_field")])
    assert Employer.objects.count() == 0


def test_an_assistant_may_not_register_employers(staff: Any, api: Any, tree: Tree) -> None:
    response = post(api(staff["assistant_a1"]), credit_code=next_credit_code(), name="某公司", region="339901001")
    assert_error(response, 403, "permission_denied")
    assert Employer.objects.count() == 0


# --- updates ---------------------------------------------------------------------------------


def test_patch_changes_only_the_given_fields(staff: Any, api: Any, make_employer: Any, tree: Tree) -> None:
    employer = make_employer(tree.county_a, name="旧名称", address="东湖路1号")
    response = api(staff["inspector_a"]).patch(
        f"{URL}{employer.pk}/", {"name": "新名称", "region": "339901101"}, format="json"
    )
    assert response.status_code == 200, response.content
    employer.refresh_from_db()
    assert (employer.name, employer.address, employer.region.code) == ("新名称", "东湖路1号", "339901101")


def test_patch_to_another_employers_credit_code_is_a_duplicate(
    staff: Any, api: Any, make_employer: Any, tree: Tree
) -> None:
    first, second = make_employer(tree.county_a), make_employer(tree.county_b)
    response = api(staff["window_a"]).patch(f"{URL}{first.pk}/", {"credit_code": second.credit_code}, format="json")
    assert_error(response, 400, "invalid", [("credit_code", "duplicate")])
    first.refresh_from_db()
    assert first.credit_code != second.credit_code


def test_patch_by_an_assistant_is_refused(staff: Any, api: Any, make_employer: Any, tree: Tree) -> None:
    employer = make_employer(tree.town_a1, name="原名")
    response = api(staff["assistant_a1"]).patch(f"{URL}{employer.pk}/", {"name": "改名"}, format="json")
    assert_error(response, 403, "permission_denied")
    employer.refresh_from_db()
    assert employer.name == "原名"


@pytest.mark.parametrize("method", ["put", "delete"])
def test_employers_cannot_be_replaced_or_deleted(
    method: str, staff: Any, api: Any, make_employer: Any, tree: Tree
) -> None:
    employer = make_employer(tree.county_a)
    response = getattr(api(staff["head_a"]), method)(f"{URL}{employer.pk}/", {"name": "x"}, format="json")
    assert_error(response, 405, "method_not_allowed")
    assert Employer.objects.filter(pk=employer.pk, name=employer.name).exists()


# --- search, filters, ordering, pagination --------------------------------------------------


@pytest.fixture
def three(make_employer: Any, tree: Tree) -> dict[str, Employer]:
    return {
        "east": make_employer(tree.town_a1, name="东湖电子科技有限公司", type="enterprise"),
        "build": make_employer(tree.town_a2, name="东湖建筑工程公司", type="contractor"),
        "west": make_employer(tree.county_b, name="西山纺织厂"),
    }


def test_q_matches_part_of_a_chinese_name(staff: Any, api: Any, three: Any) -> None:
    client = api(staff["city_head"])
    assert sorted(names(client.get(URL, {"q": "东湖"}))) == ["东湖建筑工程公司", "东湖电子科技有限公司"]
    assert names(client.get(URL, {"q": "纺织"})) == ["西山纺织厂"]


def test_q_finds_a_credit_code_in_any_case_and_with_spaces(staff: Any, api: Any, three: Any) -> None:
    code = three["build"].credit_code
    typed = f" {code[:6].lower()} {code[6:12]} {code[12:].lower()} "
    assert names(api(staff["window_a"]).get(URL, {"q": typed})) == ["东湖建筑工程公司"]


def test_q_of_eighteen_chinese_characters_searches_names(staff: Any, api: Any, make_employer: Any, tree: Tree) -> None:
    name = "东湖区湖滨街道第一建筑工程劳务有限公司"[:18]
    make_employer(tree.county_a, name=name + "分公司")
    assert names(api(staff["window_a"]).get(URL, {"q": name})) == [name + "分公司"]


def test_credit_code_filter_is_exact(staff: Any, api: Any, three: Any) -> None:
    client = api(staff["window_a"])
    code = three["east"].credit_code
    assert names(client.get(URL, {"credit_code": code.lower()})) == ["东湖电子科技有限公司"]
    assert names(client.get(URL, {"credit_code": code[:10]})) == []


def test_name_filter_matches_part_of_the_name(staff: Any, api: Any, three: Any) -> None:
    assert names(api(staff["window_a"]).get(URL, {"name": "建筑"})) == ["东湖建筑工程公司"]


def test_region_filter_takes_the_whole_subtree(staff: Any, api: Any, three: Any) -> None:
    client = api(staff["city_head"])
    assert sorted(names(client.get(URL, {"region": "339901"}))) == ["东湖建筑工程公司", "东湖电子科技有限公司"]
    assert names(client.get(URL, {"region": "339901001"})) == ["东湖电子科技有限公司"]
    assert names(client.get(URL, {"region": "999999"})) == []


def test_type_filter(staff: Any, api: Any, three: Any) -> None:
    assert names(api(staff["window_a"]).get(URL, {"type": "contractor"})) == ["东湖建筑工程公司"]


def test_an_invalid_choice_in_a_filter_is_a_field_error(staff: Any, api: Any, three: Any) -> None:
    assert_error(api(staff["window_a"]).get(URL, {"type": "bank"}), 400, "invalid", [("type", "invalid_choice")])


def test_ordering_by_newest_first(staff: Any, api: Any, three: Any) -> None:
    client = api(staff["city_head"])
    assert names(client.get(URL, {"ordering": "-created_at"})) == [
        "西山纺织厂",
        "东湖建筑工程公司",
        "东湖电子科技有限公司",
    ]
    assert names(client.get(URL, {"ordering": "created_at"})) == [
        "东湖电子科技有限公司",
        "东湖建筑工程公司",
        "西山纺织厂",
    ]


def test_ordering_by_an_unlisted_field_is_ignored(staff: Any, api: Any, three: Any) -> None:
    response = api(staff["city_head"]).get(URL, {"ordering": "phone"})
    assert len(names(response)) == 3


def test_pages_of_the_requested_size(staff: Any, api: Any, three: Any) -> None:
    client = api(staff["city_head"])
    first = client.get(URL, {"page_size": 2, "ordering": "created_at"}).json()
    assert first["count"] == 3
    assert [r["name"] for r in first["results"]] == ["东湖电子科技有限公司", "东湖建筑工程公司"]
    second = client.get(URL, {"page_size": 2, "page": 2, "ordering": "created_at"}).json()
    assert [r["name"] for r in second["results"]] == ["西山纺织厂"]
    assert second["next"] is None


def test_page_size_is_capped_at_200(staff: Any, api: Any, tree: Tree) -> None:
    # Rows written directly: this is about paging, and 205 service calls would only be slower.
    Employer.objects.bulk_create(
        Employer(credit_code=next_credit_code(), name=f"公司{i:03d}", region=tree.county_a) for i in range(205)
    )
    body = api(staff["window_a"]).get(URL, {"page_size": 1000}).json()
    assert body["count"] == 205
    assert len(body["results"]) == 200


def test_a_page_beyond_the_last_is_not_found(staff: Any, api: Any, three: Any) -> None:
    assert_error(api(staff["window_a"]).get(URL, {"page": 99}), 404, "not_found")


# --- no N+1 ----------------------------------------------------------------------------------


def _list_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"page_size": 100})
    assert response.status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_5_and_30_employers(
    staff: Any, api: Any, make_employer: Any, tree: Tree
) -> None:
    client = api(staff["window_a"])
    regions = [tree.county_a, tree.town_a1, tree.town_a2, tree.village_a1]
    for i in range(5):
        make_employer(regions[i % 4])
    five = _list_queries(client)
    for i in range(25):
        make_employer(regions[i % 4])
    assert len(client.get(URL, {"page_size": 100}).json()["results"]) == 30
    assert _list_queries(client) == five


def test_the_list_stays_within_a_small_query_budget(
    staff: Any, api: Any, make_employer: Any, tree: Tree, django_assert_max_num_queries: Any
) -> None:
    for _ in range(10):
        make_employer(tree.county_a)
    client = api(staff["window_a"])
    # session, user, user's region, count, page; the sliding session's save (3 with savepoints)
    with django_assert_max_num_queries(8):
        client.get(URL)
