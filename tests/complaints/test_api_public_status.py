"""POST /api/v1/public/case-status/: a visitor looks up his case without logging in, with the
case number and the phone of a complainant (or of the reporter). He learns the status and the
dates, nothing else; a wrong number and a wrong phone look the same; lookups are rate-limited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from bureau import services as core
from complaints import services
from complaints.models import Complaint
from tests.bureau.conftest import assert_error
from tests.conftest import make_id_number

pytestmark = pytest.mark.django_db

URL = "/api/v1/public/case-status/"


@pytest.fixture(autouse=True)
def fresh_throttle() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def visitor() -> APIClient:
    return APIClient(enforce_csrf_checks=True)


@pytest.fixture
def case(staff: Any, employer_a: Any, wages: Any) -> Complaint:
    worker, _ = core.worker_register(
        by=staff["window_a"], name="王小明", id_number=make_id_number(seq="777"), phone="13912345678"
    )
    return services.complaint_register(
        by=staff["window_a"],
        employer=employer_a,
        categories=[wages],
        facts="欠薪8000元",
        complainants=[services.ComplainantInput(worker=worker, amount_claimed=Decimal("8000"))],
    )


def test_the_right_number_and_phone_give_the_status_and_dates_only(
    case: Complaint, visitor: APIClient, employer_a: Any
) -> None:
    response = visitor.post(URL, {"number": case.number, "phone": "139-1234-5678"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body == {
        "number": case.number,
        "status": "registered",
        "status_display": "已登记",
        "received_on": case.received_on.isoformat(),
        "acceptance_due": case.acceptance_due.isoformat(),
        "accepted_on": None,
        "investigation_due": None,
        "closed_on": None,
    }
    text = response.content.decode()
    for secret in ("王小明", "8000", employer_a.name, employer_a.credit_code, "13912345678"):
        assert secret not in text


def test_the_reporters_phone_works_too(staff: Any, employer_a: Any, wages: Any, visitor: APIClient) -> None:
    report = services.complaint_register(
        by=staff["window_a"],
        employer=employer_a,
        categories=[wages],
        facts="举报",
        kind="report",
        reporter_name="刘某",
        reporter_phone="0571-87654321",
    )
    response = visitor.post(URL, {"number": report.number, "phone": "057187654321"}, format="json")
    assert response.status_code == 200, response.content
    assert "刘某" not in response.content.decode()


def test_a_wrong_phone_and_a_wrong_number_get_the_same_404(case: Complaint, visitor: APIClient) -> None:
    wrong_phone = visitor.post(URL, {"number": case.number, "phone": "13800000000"}, format="json")
    wrong_number = visitor.post(URL, {"number": "339901-2026-9999", "phone": "13912345678"}, format="json")
    assert_error(wrong_phone, 404, "not_found")
    assert wrong_phone.json() == wrong_number.json()


def test_a_phone_that_is_not_a_phone_number_is_a_field_error(case: Complaint, visitor: APIClient) -> None:
    response = visitor.post(URL, {"number": case.number, "phone": "12"}, format="json")
    assert_error(response, 400, "invalid", [("phone", "phone_invalid")])
    assert_error(visitor.post(URL, {"number": case.number}, format="json"), 400, "invalid", [("phone", "required")])
    response = visitor.post(URL, {"number": case.number, "phone": "13912345678", "name": "x"}, format="json")
    assert_error(response, 400, "invalid", [("name", "unknown_field")])


def test_lookups_are_limited_to_ten_a_minute_per_address(case: Complaint, visitor: APIClient) -> None:
    for _ in range(10):
        assert visitor.post(URL, {"number": case.number, "phone": "13800000000"}, format="json").status_code == 404
    response = visitor.post(URL, {"number": case.number, "phone": "13912345678"}, format="json")
    assert_error(response, 429, "throttled")
    spoofed = visitor.post(
        URL, {"number": case.number, "phone": "13912345678"}, format="json", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    assert_error(spoofed, 429, "throttled")
    other_address = APIClient(REMOTE_ADDR="10.0.0.9")
    assert other_address.post(URL, {"number": case.number, "phone": "13912345678"}, format="json").status_code == 200


def test_the_lookup_needs_no_login_and_a_staff_session_changes_nothing(case: Complaint, staff: Any, api: Any) -> None:
    response = api(staff["window_b"]).post(URL, {"number": case.number, "phone": "13912345678"}, format="json")
    assert response.status_code == 200
    assert set(response.json()) == {
        "number",
        "status",
        "status_display",
        "received_on",
        "acceptance_due",
        "accepted_on",
        "investigation_due",
        "closed_on",
    }
