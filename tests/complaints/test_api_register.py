"""POST /api/v1/complaints/: registration at the window through the API, every bad input of the
issue answered with a field error (nested paths for the complainants) and nothing stored, and
the idempotency key that turns a double submission into a 409 naming the case registered."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from bureau import services as core
from bureau.models import AccessAction, CaseCounter, PersonalDataAccess
from complaints.models import Complainant, Complaint, Event
from tests.bureau.conftest import assert_error, field_errors
from tests.conftest import make_id_number

pytestmark = pytest.mark.django_db

URL = "/api/v1/complaints/"


def today() -> dt.date:
    return timezone.localdate()


def form(employer: Any, workers: list[Any], **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "complaint",
        "channel": "hotline",
        "upstream_ref": "12333-2026-0099",
        "employer": employer.pk,
        "project_name": "东湖花园二期",
        "site_address": "东湖镇建设路1号",
        "township": "339901101",
        "categories": ["unpaid_wages", "no_contract"],
        "facts": "2026年1月至6月工资未发，共计12000.50元。",
        "period_from": "2026-01-01",
        "period_to": "2026-06-30",
        "complainants": [
            {"worker": workers[0].pk, "amount_claimed": "8000.00", "period_from": "2026-01-01"},
            {"worker": workers[1].pk, "amount_claimed": "4000.50", "period_to": "2026-06-30"},
        ],
    }
    body.update(changes)
    return body


def nothing_stored() -> None:
    assert Complaint.objects.count() == 0
    assert Complainant.objects.count() == 0
    assert Event.objects.count() == 0
    assert not CaseCounter.objects.filter(series="complaint", last__gt=0).exists()


def test_window_registers_a_complaint_and_gets_the_case_page_with_its_number(
    staff: Any, api: Any, employer_a: Any, workers_a: Any
) -> None:
    response = api(staff["window_a"]).post(URL, form(employer_a, workers_a), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == f"339901-{today().year}-0001"
    assert (body["status"], body["status_display"]) == ("registered", "已登记")
    assert (body["kind"], body["channel"], body["channel_display"]) == ("complaint", "hotline", "12333热线")
    assert body["employer"] == {"id": employer_a.pk, "name": "东湖建设有限公司", "credit_code": employer_a.credit_code}
    assert body["township"] == {"code": "339901101", "name": "东湖镇"}
    assert body["county"] == {"code": "339901", "name": "东湖区"}
    assert [c["code"] for c in body["categories"]] == ["unpaid_wages", "no_contract"]
    assert (body["complainant_count"], body["amount_claimed_total"]) == (2, "12000.50")
    assert body["received_on"] == today().isoformat()
    assert body["deadline"]["kind"] == "acceptance"
    assert body["deadline"]["due"] == body["acceptance_due"]
    assert body["upstream_ref"] == "12333-2026-0099"
    assert [e["action"] for e in body["events"]] == ["register"]
    assert body["events"][0]["action_label"] == "登记"
    assert {a["name"] for a in body["allowed_acts"]} >= {"accept", "request_supplement", "withdraw"}
    assert "assign" not in {a["name"] for a in body["allowed_acts"]}  # heads assign
    assert (
        body["complainants"][0]["worker"]["id_number"]
        == workers_a[0].id_number[:6] + "********" + (workers_a[0].id_number[-4:])
    )
    assert body["complainants"][0]["is_contact"] is True
    assert body["reporter"] is None

    complaint = Complaint.objects.get()
    assert complaint.created_by == staff["window_a"]
    assert complaint.complainants.get(worker=workers_a[1]).amount_claimed == Decimal("4000.50")
    access = PersonalDataAccess.objects.get(model="complaints.Complaint")
    assert (access.user, access.action, access.object_ids) == (staff["window_a"], AccessAction.VIEW, [complaint.pk])


def test_the_county_defaults_to_the_users_and_the_date_of_receipt_to_today(
    staff: Any, api: Any, employer_a: Any, workers_a: Any
) -> None:
    body = form(employer_a, workers_a)
    del body["township"]
    response = api(staff["inspector_a"]).post(URL, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["county"]["code"] == "339901"
    assert response.json()["township"] is None


def test_an_anonymous_report_needs_no_complainant_and_keeps_no_reporter(
    staff: Any, api: Any, employer_a: Any, workers_a: Any
) -> None:
    body = form(
        employer_a,
        workers_a,
        kind="report",
        anonymous=True,
        complainants=[],
        reporter_name="不应保存",
        reporter_phone="13912345678",
    )
    response = api(staff["window_a"]).post(URL, body, format="json")
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get()
    assert (complaint.kind, complaint.anonymous, complaint.reporter_name, complaint.reporter_phone) == (
        "report",
        True,
        "",
        "",
    )
    assert response.json()["complainant_count"] == 0
    assert response.json()["amount_claimed_total"] == "0.00"


def test_a_named_reporters_phone_is_stored_in_one_format(staff: Any, api: Any, employer_a: Any, workers_a: Any) -> None:
    body = form(
        employer_a, workers_a, kind="report", complainants=[], reporter_name="刘某", reporter_phone="139 1234 5678"
    )
    response = api(staff["window_a"]).post(URL, body, format="json")
    assert response.status_code == 201, response.content
    assert Complaint.objects.get().reporter_phone == "+8613912345678"


def test_an_act_older_than_two_years_is_flagged_at_intake(
    staff: Any, api: Any, employer_a: Any, workers_a: Any
) -> None:
    old = dt.date(today().year - 3, 1, 1)
    body = form(employer_a, workers_a, period_from=old.isoformat(), period_to=old.replace(month=6).isoformat())
    body["complainants"] = [{"worker": workers_a[0].pk, "amount_claimed": "100"}]
    response = api(staff["window_a"]).post(URL, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["beyond_limitation"] is True


# --- bad input: a field error each, nothing stored --------------------------------------------


def tomorrow() -> str:
    return (today() + dt.timedelta(days=1)).isoformat()


def with_complainant(index: int, **changes: Any) -> Any:
    def change(body: dict[str, Any]) -> None:
        body["complainants"][index].update(changes)

    return change


def setting(**changes: Any) -> Any:
    def change(body: dict[str, Any]) -> None:
        body.update(changes)

    return change


BAD_INPUT = [
    ("negative amount", with_complainant(0, amount_claimed="-1"), "complainants.0.amount_claimed", "min_value"),
    (
        "absurd amount",
        with_complainant(1, amount_claimed="10000000.01"),
        "complainants.1.amount_claimed",
        "max_value",
    ),
    ("amount not a number", with_complainant(0, amount_claimed="八千"), "complainants.0.amount_claimed", "invalid"),
    (
        "amount with fractions of a fen",
        with_complainant(0, amount_claimed="1.005"),
        "complainants.0.amount_claimed",
        "max_decimal_places",
    ),
    ("received tomorrow", lambda b: b.update(received_on=tomorrow()), "received_on", "date_in_future"),
    ("period ends tomorrow", lambda b: b.update(period_to=tomorrow()), "period_to", "date_in_future"),
    (
        "worker's period starts tomorrow",
        with_complainant(0, period_from=tomorrow()),
        "complainants.0.period_from",
        "date_in_future",
    ),
    (
        "period before the worker was 16",
        with_complainant(1, period_from="2001-03-14"),
        "complainants.1.period_from",
        "before_working_age",
    ),
    ("period reversed", setting(period_from="2026-06-30", period_to="2026-01-01"), "period_to", "period_order"),
    ("date not a date", setting(received_on="2026-13-01"), "received_on", "invalid"),
    ("unknown field", setting(status="closed"), "status", "unknown_field"),
    ("unknown nested field", with_complainant(0, name="王小明"), "complainants.0.name", "unknown_field"),
    ("employer not an id", setting(employer="东湖建设"), "employer", "incorrect_type"),
    ("employer missing", setting(employer=None), "employer", "null"),
    ("worker unknown", with_complainant(0, worker=999999), "complainants.0.worker", "does_not_exist"),
    ("anonymous not a boolean", setting(anonymous="maybe"), "anonymous", "invalid"),
    ("complainants not a list", setting(complainants="王小明"), "complainants", "not_a_list"),
    ("unknown category", setting(categories=["gambling"]), "categories", "does_not_exist"),
    ("no category", setting(categories=[]), "categories", "required"),
    ("unknown kind", setting(kind="petition"), "kind", "invalid_choice"),
    ("facts blank", setting(facts="  "), "facts", "blank"),
    ("township of county B", setting(township="339902101"), "township", "does_not_exist"),
    ("county B", setting(county="339902"), "county", "does_not_exist"),
    ("complaint without complainants", setting(complainants=[]), "complainants", "required"),
    ("bad reporter phone", setting(reporter_phone="138"), "reporter_phone", "phone_invalid"),
]


@pytest.mark.parametrize(("case", "change", "field", "code"), BAD_INPUT, ids=[row[0] for row in BAD_INPUT])
def test_bad_input_is_a_field_error_and_nothing_is_stored(
    case: str, change: Any, field: str, code: str, staff: Any, api: Any, employer_a: Any, workers_a: Any
) -> None:
    body = form(employer_a, workers_a)
    change(body)
    response = api(staff["window_a"]).post(URL, body, format="json")
    assert_error(response, 400, "invalid", [(field, code)])
    nothing_stored()


def test_a_duplicate_worker_in_the_complainants_is_refused_at_its_row(
    staff: Any, api: Any, employer_a: Any, workers_a: Any
) -> None:
    body = form(employer_a, workers_a)
    body["complainants"].append({"worker": workers_a[0].pk, "amount_claimed": "1"})
    response = api(staff["window_a"]).post(URL, body, format="json")
    assert_error(response, 400, "invalid", [("complainants.2.worker", "duplicate")])
    nothing_stored()


def test_every_bad_row_of_the_complainants_is_reported_at_once(
    staff: Any, api: Any, employer_a: Any, workers_a: Any
) -> None:
    body = form(employer_a, workers_a, received_on=tomorrow())
    body["complainants"][0]["amount_claimed"] = "-5"
    body["complainants"][1]["period_from"] = "1990-01-01"
    body["complainants"].append({"worker": workers_a[1].pk})
    response = api(staff["window_a"]).post(URL, body, format="json")
    assert response.status_code == 400
    errors = field_errors(response)
    assert errors["complainants.0.amount_claimed"] == ["min_value"]
    assert response.json()["errors"][0]["message"] == "金额不能为负数。"
    # the type errors come first (the rows are then checked once they are well-formed)
    body["complainants"][0]["amount_claimed"] = "5"
    errors = field_errors(api(staff["window_a"]).post(URL, body, format="json"))
    assert errors == {
        "received_on": ["date_in_future"],
        "complainants.1.period_from": ["before_working_age"],
        "complainants.2.worker": ["duplicate"],
    }
    nothing_stored()


def test_an_employer_of_another_county_is_refused_as_unknown(
    staff: Any, api: Any, employer_a: Any, employer_b: Any, workers_a: Any
) -> None:
    response = api(staff["window_a"]).post(URL, form(employer_b, workers_a), format="json")
    assert_error(response, 400, "invalid", [("employer", "does_not_exist")])
    nothing_stored()


def test_a_worker_of_another_county_is_refused_as_unknown(
    staff: Any, api: Any, employer_a: Any, workers_a: Any
) -> None:
    stranger, _ = core.worker_register(by=staff["window_b"], name="赵六", id_number=make_id_number("339902"))
    body = form(employer_a, workers_a)
    body["complainants"][1]["worker"] = stranger.pk
    response = api(staff["window_a"]).post(URL, body, format="json")
    assert_error(response, 400, "invalid", [("complainants.1.worker", "does_not_exist")])
    nothing_stored()


@pytest.mark.parametrize("who", ["assistant_a1", "admin_a"])
def test_assistants_and_administrators_may_not_register(
    who: str, staff: Any, api: Any, employer_a: Any, workers_a: Any
) -> None:
    response = api(staff[who]).post(URL, form(employer_a, workers_a), format="json")
    assert_error(response, 403, "permission_denied")
    nothing_stored()


def test_a_city_head_must_say_which_county_handles_the_case(
    staff: Any, api: Any, employer_a: Any, workers_a: Any
) -> None:
    client = api(staff["city_head"])
    assert_error(client.post(URL, form(employer_a, workers_a), format="json"), 400, "invalid", [("county", "required")])
    response = client.post(URL, form(employer_a, workers_a, county="339901"), format="json")
    assert response.status_code == 201, response.content


# --- double submission ----------------------------------------------------------------------------


def test_the_same_form_submitted_twice_is_registered_once_and_the_second_gets_409(
    staff: Any, api: Any, employer_a: Any, workers_a: Any
) -> None:
    client = api(staff["window_a"])
    first = client.post(URL, form(employer_a, workers_a), format="json", HTTP_IDEMPOTENCY_KEY="form-7f3a")
    assert first.status_code == 201, first.content

    second = client.post(URL, form(employer_a, workers_a), format="json", HTTP_IDEMPOTENCY_KEY="form-7f3a")
    assert second.status_code == 409, second.content
    body = second.json()
    assert body["code"] == "duplicate_submission"
    assert body["errors"] == []
    assert (body["id"], body["number"]) == (first.json()["id"], first.json()["number"])
    assert first.json()["number"] in body["message"]
    assert Complaint.objects.count() == 1
    assert CaseCounter.objects.get(series="complaint").last == 1


def test_the_idempotency_key_may_come_in_the_body(staff: Any, api: Any, employer_a: Any, workers_a: Any) -> None:
    client = api(staff["window_a"])
    body = form(employer_a, workers_a, idempotency_key="form-body-1")
    assert client.post(URL, body, format="json").status_code == 201
    assert client.post(URL, body, format="json").status_code == 409
    assert Complaint.objects.count() == 1


def test_without_a_key_or_with_another_key_each_submission_is_a_new_case(
    staff: Any, api: Any, employer_a: Any, workers_a: Any
) -> None:
    client = api(staff["window_a"])
    assert client.post(URL, form(employer_a, workers_a), format="json").status_code == 201
    assert client.post(URL, form(employer_a, workers_a), format="json").status_code == 201
    assert client.post(URL, form(employer_a, workers_a), format="json", HTTP_IDEMPOTENCY_KEY="a").status_code == 201
    assert client.post(URL, form(employer_a, workers_a), format="json", HTTP_IDEMPOTENCY_KEY="b").status_code == 201
    assert sorted(Complaint.objects.values_list("seq", flat=True)) == [1, 2, 3, 4]


def test_a_refused_form_does_not_use_up_its_idempotency_key(
    staff: Any, api: Any, employer_a: Any, workers_a: Any
) -> None:
    client = api(staff["window_a"])
    bad = form(employer_a, workers_a, facts="")
    assert client.post(URL, bad, format="json", HTTP_IDEMPOTENCY_KEY="k1").status_code == 400
    good = client.post(URL, form(employer_a, workers_a), format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert good.status_code == 201, good.content


def test_a_second_submission_racing_the_first_is_answered_409_too(
    staff: Any, api: Any, employer_a: Any, workers_a: Any, monkeypatch: Any
) -> None:
    """Two submissions at the same moment both pass the service's look-up; the unique
    constraint stops the second after the first commits. That is a 409 as well, not a 500."""
    from django.db import IntegrityError

    from complaints import services

    client = api(staff["window_a"])
    first = client.post(URL, form(employer_a, workers_a), format="json", HTTP_IDEMPOTENCY_KEY="race")

    def lost_the_race(**kwargs: Any) -> Any:
        raise IntegrityError('duplicate key value violates unique constraint "complaint_idempotency_unique"')

    monkeypatch.setattr(services, "complaint_register", lost_the_race)
    second = client.post(URL, form(employer_a, workers_a), format="json", HTTP_IDEMPOTENCY_KEY="race")
    assert second.status_code == 409, second.content
    assert second.json()["id"] == first.json()["id"]
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize("changes", [{"kind": "inspection"}, {"channel": "inspection"}])
def test_a_case_found_by_an_inspection_cannot_be_typed_at_the_window(
    staff: Any, api: Any, employer_a: Any, workers_a: Any, changes: dict[str, str]
) -> None:
    """Cases of the inspection kind come from a visit or an unmet order (inspections app),
    which carry its facts; the intake form does not offer them."""
    response = api(staff["window_a"]).post(URL, form(employer_a, workers_a, **changes), format="json")
    assert_error(response, 400, "invalid", [(next(iter(changes)), "invalid_choice")])
    nothing_stored()
