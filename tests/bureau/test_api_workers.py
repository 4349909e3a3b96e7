"""/api/v1/workers/: one record per person across counties, ID numbers checked and the birth
date and sex derived from them, masked lists and details, full identity for the roles that
need it, every read of personal data recorded, and lists without N+1 queries."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bureau.models import AccessAction, PersonalDataAccess, Worker, WorkerRegistration
from tests.bureau.conftest import assert_error, field_errors, next_id_number
from tests.conftest import Tree, make_id_number

pytestmark = pytest.mark.django_db

URL = "/api/v1/workers/"
MASKED_ID = re.compile(r"^\d{6}\*{8}[\dX]{4}$")
MASKED_MOBILE = re.compile(r"^\d{3}\*{4}\d{4}$")


def post(client: Any, **data: Any) -> Any:
    return client.post(URL, data, format="json")


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


# --- registration ----------------------------------------------------------------------------


def test_window_registers_a_worker_with_birth_date_and_sex_from_the_id_number(staff: Any, api: Any, tree: Tree) -> None:
    id_number = make_id_number("339901", "19850315", "123")  # 17th digit 3: odd, male
    response = post(
        api(staff["window_a"]), name="王小明", id_number=id_number.lower(), phone="139 1234 5678", migrant=True
    )
    assert response.status_code == 201, response.content
    worker = Worker.objects.get(pk=response.json()["id"])
    assert (worker.id_number, worker.birth_date, worker.sex) == (id_number, dt.date(1985, 3, 15), "M")
    assert (worker.phone, worker.migrant, worker.created_by) == ("+8613912345678", True, staff["window_a"])
    assert list(worker.registrations.values_list("region__code", flat=True)) == ["339901"]


def test_a_worker_is_registered_in_the_township_given(staff: Any, api: Any, tree: Tree) -> None:
    response = post(api(staff["window_a"]), name="王小明", id_number=next_id_number(), region="339901101")
    assert response.status_code == 201, response.content
    assert WorkerRegistration.objects.get(worker_id=response.json()["id"]).region == tree.town_a2


def test_a_female_worker_is_recognised_by_the_even_17th_digit(staff: Any, api: Any, tree: Tree) -> None:
    response = post(api(staff["window_a"]), name="李芳", id_number=make_id_number("339901", "19900101", "124"))
    assert response.json()["sex"] == "F"
    assert response.json()["sex_display"] == "女"


@pytest.mark.parametrize("field", ["birth_date", "sex", "age", "created_by"])
def test_derived_and_read_only_fields_are_not_accepted(field: str, staff: Any, api: Any, tree: Tree) -> None:
    response = post(api(staff["window_a"]), name="王小明", id_number=next_id_number(), **{field: "M"})
    assert_error(response, 400, "invalid", [(field, "unknown_field")])
    assert Worker.objects.count() == 0


@pytest.mark.parametrize(
    ("id_number", "error_code"),
    [
        (make_id_number()[:17] + ("0" if make_id_number()[17] != "0" else "1"), "id_number_check_digit"),
        ("33990119850315123", "id_number_length"),
        ("339901850315123", "id_number_legacy"),
        ("3399011985031512A4", "id_number_format"),
        (make_id_number("339901", "19850230", "123"), "id_number_birth_date"),
        (make_id_number("339901", "20991231", "123"), "id_number_birth_future"),
    ],
    ids=["check-digit", "17-chars", "15-digit-legacy", "letter-inside", "30-february", "born-in-2099"],
)
def test_a_bad_id_number_is_refused_and_nothing_stored(
    id_number: str, error_code: str, staff: Any, api: Any, tree: Tree
) -> None:
    response = post(api(staff["window_a"]), name="王小明", id_number=id_number)
    assert_error(response, 400, "invalid", [("id_number", error_code)])
    assert Worker.objects.count() == 0


def test_an_id_number_born_tomorrow_is_in_the_future(staff: Any, api: Any, tree: Tree) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = post(api(staff["window_a"]), name="王小明", id_number=make_id_number("339901", f"{tomorrow:%Y%m%d}"))
    assert_error(response, 400, "invalid", [("id_number", "id_number_birth_future")])


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"name": "王" * 51}, "name", "max_length"),
        ({"name": "   "}, "name", "blank"),
        ({"migrant": "maybe"}, "migrant", "invalid"),
        ({"phone": "138"}, "phone", "phone_invalid"),
        ({"home_region": "000000"}, "home_region", "does_not_exist"),
        ({"id_number": None}, "id_number", "null"),
    ],
)
def test_invalid_values_are_field_errors(
    data: dict[str, Any], field: str, code: str, staff: Any, api: Any, tree: Tree
) -> None:
    response = post(api(staff["window_a"]), **{"name": "王小明", "id_number": next_id_number(), **data})
    assert_error(response, 400, "invalid", [(field, code)])
    assert Worker.objects.count() == 0


def test_home_region_may_be_any_region_in_the_country(staff: Any, api: Any, tree: Tree) -> None:
    response = post(api(staff["window_a"]), name="王小明", id_number=next_id_number(), home_region="339902101")
    assert response.status_code == 201, response.content
    assert response.json()["home_region"] == {"code": "339902101", "name": "西山镇"}


def test_an_id_number_already_known_to_the_county_is_a_duplicate(
    staff: Any, api: Any, make_worker: Any, tree: Tree
) -> None:
    existing = make_worker(tree.town_a1, name="王小明")
    response = post(api(staff["window_a"]), name="王晓明", id_number=existing.id_number)
    assert_error(response, 400, "invalid", [("id_number", "duplicate")])
    assert Worker.objects.count() == 1
    assert WorkerRegistration.objects.count() == 1


def test_an_id_number_known_only_to_county_b_becomes_known_to_county_a(
    staff: Any, api: Any, make_worker: Any, tree: Tree
) -> None:
    existing = make_worker(tree.county_b, name="赵六", phone="13912345678", address="西山镇1号")
    client = api(staff["window_a"])
    assert names(client.get(URL)) == []

    response = post(client, name="赵陆", id_number=existing.id_number, phone="13800000000", address="别处")
    assert response.status_code == 200, response.content
    assert response.json()["id"] == existing.pk

    assert Worker.objects.count() == 1
    existing.refresh_from_db()
    assert (existing.name, existing.phone, existing.address) == ("赵六", "+8613912345678", "西山镇1号")
    assert set(existing.registrations.values_list("region__code", flat=True)) == {"339901", "339902"}
    assert names(client.get(URL)) == ["赵六"]
    assert names(api(staff["window_b"]).get(URL)) == ["赵六"]

    again = post(client, name="赵六", id_number=existing.id_number)
    assert_error(again, 400, "invalid", [("id_number", "duplicate")])
    assert WorkerRegistration.objects.count() == 2


def test_an_assistant_may_not_register_workers(staff: Any, api: Any, tree: Tree) -> None:
    response = post(api(staff["assistant_a1"]), name="王小明", id_number=next_id_number())
    assert_error(response, 403, "permission_denied")
    assert Worker.objects.count() == 0


def test_the_database_refuses_a_second_row_with_the_same_id_number(make_worker: Any, tree: Tree) -> None:
    existing = make_worker(tree.county_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Worker.objects.create(name="绕过服务", id_number=existing.id_number, birth_date=existing.birth_date, sex="M")


# --- updates ---------------------------------------------------------------------------------


def test_patch_of_the_id_number_derives_birth_date_and_sex_again(
    staff: Any, api: Any, make_worker: Any, tree: Tree
) -> None:
    worker = make_worker(tree.county_a, id_number=make_id_number("339901", "19850315", "123"))
    corrected = make_id_number("339901", "19860416", "222")
    response = api(staff["window_a"]).patch(f"{URL}{worker.pk}/", {"id_number": corrected}, format="json")
    assert response.status_code == 200, response.content
    worker.refresh_from_db()
    assert (worker.id_number, worker.birth_date, worker.sex) == (corrected, dt.date(1986, 4, 16), "F")


def test_patch_by_an_assistant_is_refused(staff: Any, api: Any, make_worker: Any, tree: Tree) -> None:
    worker = make_worker(tree.town_a1, name="原名")
    response = api(staff["assistant_a1"]).patch(f"{URL}{worker.pk}/", {"name": "改名"}, format="json")
    assert_error(response, 403, "permission_denied")
    worker.refresh_from_db()
    assert worker.name == "原名"


def test_patch_may_not_move_the_registration(staff: Any, api: Any, make_worker: Any, tree: Tree) -> None:
    worker = make_worker(tree.county_a)
    response = api(staff["window_a"]).patch(f"{URL}{worker.pk}/", {"region": "339901101"}, format="json")
    assert_error(response, 400, "invalid", [("region", "unknown_field")])


def test_patch_to_an_id_number_of_someone_else_is_a_duplicate(
    staff: Any, api: Any, make_worker: Any, tree: Tree
) -> None:
    first, second = make_worker(tree.county_a), make_worker(tree.county_b)
    response = api(staff["window_a"]).patch(f"{URL}{first.pk}/", {"id_number": second.id_number}, format="json")
    assert_error(response, 400, "invalid", [("id_number", "duplicate")])
    first.refresh_from_db()
    assert first.id_number != second.id_number


# --- masking ---------------------------------------------------------------------------------


@pytest.fixture
def worker(make_worker: Any, tree: Tree) -> Worker:
    return make_worker(
        tree.town_a1, name="王小明", id_number=make_id_number("339901", "19850315", "123"), phone="13912345678"
    )


def _assert_masked(row: dict[str, Any], worker: Worker) -> None:
    assert row["id_number"] == worker.id_number[:6] + "********" + worker.id_number[-4:]
    assert MASKED_ID.match(row["id_number"])
    assert row["phone"] == "139****5678"
    assert MASKED_MOBILE.match(row["phone"])
    assert "birth_date" not in row


def test_list_and_detail_show_masked_id_number_and_phone_and_no_birth_date(
    staff: Any, api: Any, worker: Worker
) -> None:
    client = api(staff["window_a"])
    listed = client.get(URL)
    detail = client.get(f"{URL}{worker.pk}/")
    _assert_masked(listed.json()["results"][0], worker)
    _assert_masked(detail.json(), worker)
    for response in (listed, detail):
        content = response.content.decode()
        assert worker.id_number not in content
        assert "1985" not in content
        assert "12345678" not in content


@pytest.mark.parametrize("who", ["window_a", "inspector_a", "head_a", "bureau_head_a", "city_head"])
def test_roles_that_need_it_get_the_full_identity_and_each_read_is_recorded(
    who: str, staff: Any, api: Any, worker: Worker
) -> None:
    response = api(staff[who]).get(f"{URL}{worker.pk}/identity/", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": worker.pk,
        "name": "王小明",
        "id_number": worker.id_number,
        "birth_date": "1985-03-15",
        "sex": "M",
        "phone": "139 1234 5678",
    }
    access = PersonalDataAccess.objects.get(action=AccessAction.REVEAL)
    assert (access.user, access.model, access.object_ids) == (staff[who], "bureau.Worker", [worker.pk])
    assert access.remote_addr == "10.1.2.3"


@pytest.mark.parametrize("who", ["assistant_a1", "admin_a"])
def test_assistant_and_administrator_may_not_see_the_full_identity(
    who: str, staff: Any, api: Any, worker: Worker
) -> None:
    response = api(staff[who]).get(f"{URL}{worker.pk}/identity/")
    assert_error(response, 403, "permission_denied")
    assert worker.id_number not in response.content.decode()
    assert not PersonalDataAccess.objects.filter(action=AccessAction.REVEAL).exists()


def test_a_list_read_is_recorded_with_the_ids_shown_and_the_query(
    staff: Any, api: Any, make_worker: Any, tree: Tree
) -> None:
    shown = [make_worker(tree.county_a, name="王小明"), make_worker(tree.county_a, name="王大明")]
    make_worker(tree.county_a, name="李四")
    make_worker(tree.county_b, name="王小二")
    response = api(staff["inspector_a"]).get(URL, {"q": "明"})
    assert sorted(names(response)) == ["王大明", "王小明"]
    access = PersonalDataAccess.objects.get()
    assert access.user == staff["inspector_a"]
    assert access.action == AccessAction.LIST
    assert sorted(access.object_ids) == sorted(w.pk for w in shown)
    assert access.query == "q=%E6%98%8E"


def test_the_access_log_keeps_searched_id_numbers_and_phones_masked(staff: Any, api: Any, worker: Worker) -> None:
    client = api(staff["window_a"])
    assert names(client.get(URL, {"id_number": worker.id_number})) == ["王小明"]
    assert names(client.get(URL, {"q": "139 1234 5678", "region": "339901001"})) == ["王小明"]
    first, second = PersonalDataAccess.objects.order_by("pk")
    assert first.query == "id_number=" + "*" * 14 + worker.id_number[-4:]
    assert second.query == "q=***+****+5678&region=339901001"
    assert first.object_ids == second.object_ids == [worker.pk]


def test_a_detail_read_is_recorded(staff: Any, api: Any, worker: Worker) -> None:
    api(staff["assistant_a1"]).get(f"{URL}{worker.pk}/")
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.action, access.object_ids) == (staff["assistant_a1"], AccessAction.VIEW, [worker.pk])


def test_a_refused_detail_read_records_nothing(staff: Any, api: Any, worker: Worker) -> None:
    assert api(staff["window_b"]).get(f"{URL}{worker.pk}/").status_code == 404
    assert api(staff["window_b"]).get(URL).json()["results"] == []
    assert not PersonalDataAccess.objects.exists()


# --- search and filters ----------------------------------------------------------------------


@pytest.fixture
def people(make_worker: Any, tree: Tree) -> dict[str, Worker]:
    return {
        "wang": make_worker(tree.town_a1, name="王小明", phone="13912345678"),
        "li": make_worker(tree.town_a2, name="李小红", phone="0571-87654321", migrant=True),
        "zhang": make_worker(tree.county_a, name="张大明", phone="13800001111"),
        "zhao": make_worker(tree.county_b, name="赵小明", phone="13912345678"),
    }


def test_q_matches_part_of_a_chinese_name(staff: Any, api: Any, people: Any) -> None:
    assert sorted(names(api(staff["window_a"]).get(URL, {"q": "小"}))) == ["李小红", "王小明"]
    assert sorted(names(api(staff["city_head"]).get(URL, {"q": "明"}))) == ["张大明", "王小明", "赵小明"]


def test_q_finds_an_exact_id_number_in_lower_case_or_with_spaces(staff: Any, api: Any, people: Any) -> None:
    id_number = people["li"].id_number
    typed = f"{id_number[:6]} {id_number[6:14]} {id_number[14:].lower()}"
    assert names(api(staff["window_a"]).get(URL, {"q": typed})) == ["李小红"]


def test_q_and_phone_find_a_full_number_in_any_format(staff: Any, api: Any, people: Any) -> None:
    client = api(staff["window_a"])
    for typed in ("13912345678", "139 1234 5678", "139-1234-5678", "+86 139 1234 5678"):
        assert names(client.get(URL, {"q": typed})) == ["王小明"], typed
        assert names(client.get(URL, {"phone": typed})) == ["王小明"], typed
    assert names(client.get(URL, {"phone": "0571 8765 4321"})) == ["李小红"]


def test_q_and_phone_find_the_trailing_digits(staff: Any, api: Any, people: Any) -> None:
    client = api(staff["window_a"])
    assert names(client.get(URL, {"q": "5678"})) == ["王小明"]
    assert names(client.get(URL, {"phone": "1111"})) == ["张大明"]
    assert names(client.get(URL, {"phone": "4321"})) == ["李小红"]


def test_id_number_filter_is_exact(staff: Any, api: Any, people: Any) -> None:
    client = api(staff["window_a"])
    id_number = people["zhang"].id_number
    assert names(client.get(URL, {"id_number": id_number})) == ["张大明"]
    assert names(client.get(URL, {"id_number": id_number[:17]})) == []
    assert names(client.get(URL, {"id_number": people["zhao"].id_number})) == []


def test_name_and_migrant_filters(staff: Any, api: Any, people: Any) -> None:
    client = api(staff["window_a"])
    assert names(client.get(URL, {"name": "大明"})) == ["张大明"]
    assert names(client.get(URL, {"migrant": "true"})) == ["李小红"]


def test_region_filter_takes_the_subtree_of_the_registration(staff: Any, api: Any, people: Any) -> None:
    client = api(staff["city_head"])
    assert sorted(names(client.get(URL, {"region": "339901"}))) == ["张大明", "李小红", "王小明"]
    assert names(client.get(URL, {"region": "339901001"})) == ["王小明"]
    assert names(client.get(URL, {"region": "339902"})) == ["赵小明"]


def test_a_worker_known_to_both_counties_is_listed_once_for_the_city(
    staff: Any, api: Any, people: Any, tree: Tree
) -> None:
    api(staff["window_b"]).post(URL, {"name": "王小明", "id_number": people["wang"].id_number}, format="json")
    client = api(staff["city_head"])
    assert client.get(URL).json()["count"] == 4
    assert names(client.get(URL, {"region": "339900"})).count("王小明") == 1
    assert names(client.get(URL, {"region": "339902"})) == ["王小明", "赵小明"]


def test_ordering_and_pagination(staff: Any, api: Any, people: Any) -> None:
    client = api(staff["window_a"])
    assert names(client.get(URL, {"ordering": "-created_at"})) == ["张大明", "李小红", "王小明"]
    page = client.get(URL, {"ordering": "created_at", "page_size": 2, "page": 2}).json()
    assert page["count"] == 3
    assert [r["name"] for r in page["results"]] == ["张大明"]


# --- no N+1 ----------------------------------------------------------------------------------


def _list_queries(client: Any, **params: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"page_size": 100, **params})
    assert response.status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_5_and_30_workers(
    staff: Any, api: Any, make_worker: Any, tree: Tree
) -> None:
    client = api(staff["window_a"])
    regions = [tree.county_a, tree.town_a1, tree.town_a2, tree.village_a1]
    homes = [tree.county_b, tree.town_a1, None]
    for i in range(5):
        make_worker(regions[i % 4], home_region=homes[i % 3], name=f"工人{i}")
    five = _list_queries(client), _list_queries(client, region="339901")
    for i in range(5, 30):
        make_worker(regions[i % 4], home_region=homes[i % 3], name=f"工人{i}")
    assert len(client.get(URL, {"page_size": 100}).json()["results"]) == 30
    assert (_list_queries(client), _list_queries(client, region="339901")) == five


def test_the_list_stays_within_a_small_query_budget(
    staff: Any, api: Any, make_worker: Any, tree: Tree, django_assert_max_num_queries: Any
) -> None:
    for _ in range(10):
        make_worker(tree.county_a, home_region=tree.town_b1)
    client = api(staff["window_a"])
    # session, user, user's region, count, page, access record; the session's save (3)
    with django_assert_max_num_queries(9):
        client.get(URL)


def test_missing_fields_are_each_reported(staff: Any, api: Any, tree: Tree) -> None:
    response = post(api(staff["window_a"]))
    assert field_errors(response) == {"name": ["required"], "id_number": ["required"]}


def test_the_home_region_is_taken_from_the_id_number_when_the_tree_knows_it(staff: Any, api: Any, tree: Tree) -> None:
    response = api(staff["window_a"]).post(
        "/api/v1/workers/", {"name": "本地人", "id_number": make_id_number(area="339902", seq="777")}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["home_region"] == {"code": "339902", "name": "西山县"}
    assert response.json()["warnings"] == []


def test_an_unknown_area_code_is_accepted_with_a_warning(staff: Any, api: Any, tree: Tree) -> None:
    response = api(staff["window_a"]).post(
        "/api/v1/workers/", {"name": "外地人", "id_number": make_id_number(area="990101", seq="778")}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["home_region"] is None
    assert [w["code"] for w in response.json()["warnings"]] == ["id_number_area_unknown"]
