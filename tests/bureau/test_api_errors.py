"""One error format for every 4xx of the API, with stable codes and Chinese messages by default:
bad bodies, unknown fields, wrong types, unauthenticated and refused requests, unknown URLs
and methods. Nothing is stored by a refused write."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from bureau.models import Employer, Worker
from tests.bureau.conftest import assert_error, field_errors, next_credit_code, next_id_number
from tests.conftest import Tree

pytestmark = pytest.mark.django_db

WRITES = [("post", "/api/v1/employers/"), ("post", "/api/v1/workers/")]


def stored() -> tuple[int, int]:
    return Employer.objects.count(), Worker.objects.count()


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# --- bodies ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "url"), WRITES)
@pytest.mark.parametrize("body", ["[1, 2]", '"a string"', "42", "null", "true"])
def test_a_json_body_that_is_not_an_object_is_refused(
    method: str, url: str, body: str, staff: Any, api: Any, tree: Tree
) -> None:
    response = getattr(api(staff["window_a"]), method)(url, body, content_type="application/json")
    assert_error(response, 400, "invalid")
    assert [e["field"] for e in response.json()["errors"]] == [None]
    assert stored() == (0, 0)


@pytest.mark.parametrize(("method", "url"), WRITES)
@pytest.mark.parametrize("body", ['{"name": "x",', "{'name': 'x'}", "\x00", "{} {}"])
def test_invalid_json_is_a_parse_error(method: str, url: str, body: str, staff: Any, api: Any, tree: Tree) -> None:
    response = getattr(api(staff["window_a"]), method)(url, body, content_type="application/json")
    assert_error(response, 400, "parse_error")
    assert stored() == (0, 0)


def test_an_empty_body_is_a_body_without_fields(staff: Any, api: Any, tree: Tree) -> None:
    response = api(staff["window_a"]).post("/api/v1/workers/", "", content_type="application/json")
    assert_error(response, 400, "invalid")
    assert field_errors(response) == {"name": ["required"], "id_number": ["required"]}


def test_invalid_json_in_a_patch_is_a_parse_error_and_changes_nothing(
    staff: Any, api: Any, make_employer: Any, tree: Tree
) -> None:
    employer = make_employer(tree.county_a, name="原名")
    response = api(staff["window_a"]).patch(
        f"/api/v1/employers/{employer.pk}/", '{"name": "新', content_type="application/json"
    )
    assert_error(response, 400, "parse_error")
    employer.refresh_from_db()
    assert employer.name == "原名"


def test_an_unsupported_media_type_is_refused(staff: Any, api: Any, tree: Tree) -> None:
    response = api(staff["window_a"]).post("/api/v1/employers/", "name=x", content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")


def test_unknown_fields_are_each_named(staff: Any, api: Any, tree: Tree) -> None:
    response = api(staff["window_a"]).post(
        "/api/v1/employers/",
        {"credit_code": next_credit_code(), "name": "某公司", "region": "339901", "colour": "red", "owner": 1},
        format="json",
    )
    assert_error(response, 400, "invalid", [("colour", "unknown_field"), ("owner", "unknown_field")])
    assert stored() == (0, 0)


def test_every_field_error_of_a_body_is_reported_at_once(staff: Any, api: Any, tree: Tree) -> None:
    response = api(staff["window_a"]).post(
        "/api/v1/employers/",
        {"credit_code": "X", "name": "厂" * 201, "region": "339901", "employee_count": "abc"},
        format="json",
    )
    assert_error(response, 400, "invalid")
    assert field_errors(response) == {
        "name": ["max_length"],
        "credit_code": ["credit_code_length"],
        "employee_count": ["invalid"],
    }


def test_wrong_types_are_field_errors(staff: Any, api: Any, tree: Tree) -> None:
    client = api(staff["window_a"])
    employer = client.post(
        "/api/v1/employers/",
        {"credit_code": next_credit_code(), "name": "某公司", "region": "339901", "employee_count": "abc"},
        format="json",
    )
    assert_error(employer, 400, "invalid", [("employee_count", "invalid")])
    worker = client.post(
        "/api/v1/workers/", {"name": "王小明", "id_number": next_id_number(), "migrant": "maybe"}, format="json"
    )
    assert_error(worker, 400, "invalid", [("migrant", "invalid")])
    assert stored() == (0, 0)


def test_form_encoded_bodies_are_held_to_the_same_rules(staff: Any, api: Any, tree: Tree) -> None:
    response = api(staff["window_a"]).post(
        "/api/v1/workers/", {"name": "王小明", "id_number": next_id_number(), "colour": "red"}, format="multipart"
    )
    assert_error(response, 400, "invalid", [("colour", "unknown_field")])
    assert stored() == (0, 0)


# --- who is asking ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/v1/employers/"),
        ("get", "/api/v1/employers/1/"),
        ("post", "/api/v1/employers/"),
        ("get", "/api/v1/workers/"),
        ("get", "/api/v1/workers/1/identity/"),
        ("patch", "/api/v1/workers/1/"),
        ("get", "/api/v1/regions/"),
        ("get", "/api/v1/me/"),
    ],
)
def test_anonymous_requests_are_refused_in_the_error_format(method: str, url: str, db: Any) -> None:
    # Token authentication comes first, so a request without credentials gets 401 with a
    # WWW-Authenticate challenge (session authentication alone would give 403).
    response = getattr(APIClient(), method)(url, {}, format="json")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"
    assert has_chinese(response.json()["message"])


def test_an_unknown_token_is_refused_in_the_error_format(db: Any) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert_error(client.get("/api/v1/employers/"), 401, "authentication_failed")


def test_a_token_of_a_deactivated_user_is_refused(staff: Any, token_api: Any) -> None:
    client = token_api(staff["window_a"])
    staff["window_a"].is_active = False
    staff["window_a"].save()
    assert_error(client.get("/api/v1/employers/"), 401, "authentication_failed")


def test_a_valid_token_works_without_a_session(staff: Any, token_api: Any, make_employer: Any, tree: Tree) -> None:
    make_employer(tree.county_a)
    response = token_api(staff["window_a"]).get("/api/v1/employers/")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_a_role_without_the_capability_gets_permission_denied_with_a_chinese_message(
    staff: Any, api: Any, tree: Tree
) -> None:
    response = api(staff["assistant_a1"]).post(
        "/api/v1/workers/", {"name": "王小明", "id_number": next_id_number()}, format="json"
    )
    assert_error(response, 403, "permission_denied")
    assert has_chinese(response.json()["message"])


# --- URLs and methods ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/api/v1/nothing-here/", "/api/v2/employers/", "/api/", "/api/v1/employers/1/nothing/"]
)
def test_unknown_urls_under_api_are_json_not_found(url: str, staff: Any, api: Any) -> None:
    response = api(staff["window_a"]).get(url)
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("lookup", ["abc", "0", "-1", "99999999999999999999"])
def test_ids_that_cannot_exist_are_not_found(lookup: str, staff: Any, api: Any) -> None:
    for prefix in ("employers", "workers"):
        assert_error(api(staff["window_a"]).get(f"/api/v1/{prefix}/{lookup}/"), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("delete", "/api/v1/employers/{employer}/"),
        ("put", "/api/v1/employers/{employer}/"),
        ("delete", "/api/v1/workers/{worker}/"),
        ("put", "/api/v1/workers/{worker}/"),
        ("post", "/api/v1/workers/{worker}/identity/"),
        ("post", "/api/v1/regions/"),
        ("patch", "/api/v1/regions/339901/"),
        ("post", "/api/v1/me/"),
    ],
)
def test_methods_an_endpoint_does_not_have_are_405(
    method: str, url: str, staff: Any, api: Any, make_employer: Any, make_worker: Any, tree: Tree
) -> None:
    employer, worker = make_employer(tree.county_a, name="原名"), make_worker(tree.county_a, name="原名")
    response = getattr(api(staff["head_a"]), method)(
        url.format(employer=employer.pk, worker=worker.pk), {"name": "x"}, format="json"
    )
    assert_error(response, 405, "method_not_allowed")
    assert Employer.objects.get().name == "原名"
    assert Worker.objects.get().name == "原名"


# --- language --------------------------------------------------------------------------------


def test_messages_are_chinese_by_default(staff: Any, api: Any, tree: Tree) -> None:
    response = api(staff["window_a"]).post(
        "/api/v1/employers/", {"credit_code": "X", "name": "某公司", "region": "339901"}, format="json"
    )
    body = response.json()
    assert has_chinese(body["message"])
    assert has_chinese(body["errors"][0]["message"])


def test_english_requests_get_the_same_structure_and_codes(staff: Any, api: Any, tree: Tree) -> None:
    payload = {"credit_code": "X", "name": "某公司", "region": "339901", "employee_count": "abc", "colour": 1}
    chinese = api(staff["window_a"]).post("/api/v1/employers/", payload, format="json")
    english = api(staff["window_a"]).post("/api/v1/employers/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert_error(english, 400, "invalid")
    assert field_errors(english) == field_errors(chinese)
    not_found = api(staff["window_a"]).get("/api/v1/employers/0/", HTTP_ACCEPT_LANGUAGE="en")
    assert_error(not_found, 404, "not_found")


def test_english_requests_get_english_messages_where_translations_exist(staff: Any, api: Any, tree: Tree) -> None:
    chinese = api(staff["window_a"]).post("/api/v1/workers/", {}, format="json")
    english = api(staff["window_a"]).post("/api/v1/workers/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert chinese.json()["errors"][0]["message"] == "该字段是必填项。"
    assert english.json()["errors"][0]["message"] == "This field is required."
    assert field_errors(english) == field_errors(chinese)
