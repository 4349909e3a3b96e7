"""The wage-case API's writes and case page: opening (directly and from a complaint), every act
through its endpoint, refused inputs in the one error format with nothing stored, the 409 of an
act the status does not allow, region scoping (404 for every action on another county's case),
window staff who read but do not write, amounts as strings exact to the fen, and the language
of the messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from bureau.identifiers import mask_id_number
from bureau.models import AccessAction, PersonalDataAccess
from complaints.models import Status as ComplaintStatus
from tests.bureau.conftest import assert_error, field_errors
from tests.wagecases.conftest import claims_of, days_ago, rows, today
from wagecases import services, workflow
from wagecases.models import Allocation, Claim, Payment, WageCase

pytestmark = pytest.mark.django_db

D = Decimal
URL = "/api/v1/wage-cases/"


def detail_url(case: WageCase) -> str:
    return f"{URL}{case.pk}/"


def act_url(case: WageCase, path: str) -> str:
    return f"{URL}{case.pk}/{path}/"


def payment_body(*allocations: tuple[Claim, Any, str], amount: Any = None, **extra: Any) -> dict[str, Any]:
    """A payment paid today by the employer by bank transfer; its amount the sum of its
    allocations unless given."""
    total = amount if amount is not None else str(sum((D(str(a)) for _c, a, _k in allocations), D("0.00")))
    return {
        "paid_on": today().isoformat(),
        "amount": total,
        "payer": "employer",
        "method": "bank_transfer",
        "evidence": "工商银行回单 001",
        "allocations": [{"claim": c.pk, "amount": a, "kind": k} for c, a, k in allocations],
        **extra,
    }


@pytest.fixture
def client_of(staff: dict[str, Any], api: Callable[..., Any]) -> Callable[[str], Any]:
    return lambda who: api(staff[who])


# --- opening ----------------------------------------------------------------------------------


def test_an_inspector_opens_a_case_and_gets_its_page(
    client_of: Any, staff: Any, employer_a: Any, workers_a: Any, inspector_a2: Any, tree: Any
) -> None:
    response = client_of("inspector_a").post(
        URL,
        {
            "employer": employer_a.pk,
            "claims": [
                {"worker": workers_a[0].pk, "amount_claimed": "8000.00", "period_from": "2026-01-01"},
                {"worker": workers_a[1].pk, "amount_claimed": 4000.5},
            ],
            "opened_on": days_ago(2).isoformat(),
            "source": "inspection",
            "inspectors": [staff["inspector_a"].pk, inspector_a2.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    case = WageCase.objects.get()
    assert (body["id"], body["number"]) == (case.pk, case.number)
    assert (body["status"], body["status_display"], body["source"], body["source_display"]) == (
        "open",
        "办理中",
        "inspection",
        "检查发现",
    )
    assert body["county"] == {"code": "339901", "name": "东湖区"}
    assert body["employer"] == {"id": employer_a.pk, "name": employer_a.name, "credit_code": employer_a.credit_code}
    assert (body["project"], body["complaint"], body["opened_on"]) == (None, None, days_ago(2).isoformat())
    assert sorted(u["name"] for u in body["inspectors"]) == ["inspector_a", "inspector_a2"]
    first, second = body["claims"]
    assert first["worker"] == {
        "id": workers_a[0].pk,
        "name": workers_a[0].name,
        "id_number": mask_id_number(workers_a[0].id_number),
    }
    assert "*" in first["worker"]["id_number"]
    assert (first["amount_claimed"], first["amount_confirmed"], first["outstanding"]) == ("8000.00", None, None)
    assert (first["period_from"], second["amount_claimed"]) == ("2026-01-01", "4000.50")
    assert body["totals"]["claimed"] == "12000.50"
    assert (body["totals"]["workers"], body["totals"]["unconfirmed"]) == (2, 2)
    assert [(e["action"], e["action_label"]) for e in body["events"]] == [("open", "立案")]
    # reassigning is for heads
    # not the general contractor's duty to pay first: the case is on no project
    expected = {a.name for a in workflow.allowed_from("open")} - {"assign", "order_contractor"}
    assert {a["name"] for a in body["allowed_acts"]} == expected
    assert body["recovery"]["started_on"] == days_ago(2).isoformat()
    assert body["recovery"]["first_paid_on"] is None
    # the page is a read of workers' personal data
    assert PersonalDataAccess.objects.filter(
        action=AccessAction.VIEW, model="wagecases.WageCase", object_ids=[case.pk]
    ).exists()


def test_opening_from_a_complaint_carries_its_workers_amounts_and_inspectors(
    client_of: Any, make_case: Any, workers_a: Any
) -> None:
    complaint = make_case(ComplaintStatus.ACCEPTED)
    response = client_of("inspector_a").post(f"{URL}from-complaint/", {"complaint": complaint.pk}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["source"], body["complaint"]) == ("complaint", {"id": complaint.pk, "number": complaint.number})
    assert [(c["worker"]["id"], c["amount_claimed"]) for c in body["claims"]] == [
        (workers_a[0].pk, "8000.00"),
        (workers_a[1].pk, "4000.50"),
    ]
    assert sorted(u["name"] for u in body["inspectors"]) == ["inspector_a", "inspector_a2"]
    assert body["recovery"]["started_on"] == complaint.received_on.isoformat()

    again = client_of("inspector_a").post(f"{URL}from-complaint/", {"complaint": complaint.pk}, format="json")
    assert_error(again, 400, "invalid", [("complaint", "already_opened")])
    assert WageCase.objects.count() == 1


def test_a_complaint_of_another_county_is_a_field_error(client_of: Any, make_case: Any) -> None:
    complaint = make_case(ComplaintStatus.ACCEPTED)
    response = client_of("inspector_b").post(f"{URL}from-complaint/", {"complaint": complaint.pk}, format="json")
    assert_error(response, 400, "invalid", [("complaint", "does_not_exist")])
    assert not WageCase.objects.exists()


def test_refused_openings_name_the_field_and_store_nothing(
    client_of: Any, employer_a: Any, employer_b: Any, workers_a: Any
) -> None:
    client = client_of("inspector_a")
    before = rows()
    cases = [
        ({"employer": employer_a.pk, "claims": []}, ("claims", "required")),
        (
            {"employer": employer_b.pk, "claims": [{"worker": workers_a[0].pk, "amount_claimed": "1"}]},
            ("employer", "does_not_exist"),
        ),
        (
            {"employer": employer_a.pk, "claims": [{"worker": workers_a[0].pk, "amount_claimed": "1.001"}]},
            ("claims.0.amount_claimed", "max_decimal_places"),
        ),
        (
            {"employer": employer_a.pk, "claims": [{"worker": workers_a[0].pk, "amount_claimed": "1", "age": 3}]},
            ("claims.0.age", "unknown_field"),
        ),
        (
            {
                "employer": employer_a.pk,
                "claims": [{"worker": workers_a[0].pk, "amount_claimed": "1"}],
                "opened_on": (today() + dt.timedelta(days=1)).isoformat(),
            },
            ("opened_on", "date_in_future"),
        ),
        (
            {
                "employer": employer_a.pk,
                "claims": [{"worker": workers_a[0].pk, "amount_claimed": "1"}],
                "source": "complaint",
            },
            ("source", "invalid_choice"),
        ),
    ]
    for payload, expected in cases:
        assert_error(client.post(URL, payload, format="json"), 400, "invalid", [expected])
    assert rows() == before


# --- acts -------------------------------------------------------------------------------------


def test_a_case_is_handled_through_its_endpoints_from_opening_to_closure(
    client_of: Any, make_wagecase: Any, staff: Any, workers_a: Any, inspector_a2: Any
) -> None:
    case = make_wagecase()
    first, second = claims_of(case)
    client = client_of("inspector_a")

    body = client.post(act_url(case, "assign"), {"inspectors": [staff["inspector_a"].pk, inspector_a2.pk]}).json()
    assert sorted(u["name"] for u in body["inspectors"]) == ["inspector_a", "inspector_a2"]

    response = client.post(act_url(case, "claims"), {"worker": workers_a[2].pk, "amount_claimed": "300"})
    assert response.status_code == 201, response.content
    third = Claim.objects.get(case=case, worker=workers_a[2])
    assert len(response.json()["claims"]) == 3

    for claim, amount in ((first, "8000.00"), (second, "4000.50"), (third, "300.00")):
        response = client.post(act_url(case, f"claims/{claim.pk}/confirm"), {"amount_confirmed": amount})
        assert response.status_code == 200, response.content
    assert response.json()["totals"]["confirmed"] == "12300.50"

    body = client.post(
        act_url(case, "order-payment"), {"ordered_on": days_ago(1).isoformat(), "working_days": 5}
    ).json()
    assert body["payment_ordered_on"] == days_ago(1).isoformat() and body["payment_due"] > today().isoformat()

    response = client.post(
        act_url(case, "payments"),
        payment_body((first, "8000.00", "wages"), (second, "4000.50", "wages"), (first, "100.00", "interest")),
    )
    assert response.status_code == 201, response.content
    payment = response.json()["payments"][0]
    assert (payment["amount"], payment["payer_display"], payment["reversed"]) == ("12100.50", "用人单位", False)
    assert payment["payer_employer"] == {"id": case.employer_id, "name": case.employer.name}
    assert [(a["worker"]["name"], a["amount"], a["kind"], a["kind_display"]) for a in payment["allocations"]] == [
        (workers_a[0].name, "8000.00", "wages", "工资"),
        (workers_a[1].name, "4000.50", "wages", "工资"),
        (workers_a[0].name, "100.00", "interest", "利息"),
    ]
    wrong = client.post(act_url(case, "payments"), payment_body((third, "300.00", "wages"))).json()["payments"][1]

    body = client.post(act_url(case, f"payments/{wrong['id']}/reverse"), {"reason": "录入错误"}).json()
    assert body["payments"][1]["reversed"] is True
    assert body["payments"][1]["reversal_reason"] == "录入错误"
    assert body["totals"]["outstanding"] == "300.00"
    third_claim = next(c for c in body["claims"] if c["id"] == third.pk)
    assert (third_claim["wages_paid"], third_claim["outstanding"]) == ("0.00", "300.00")

    allocation = payment["allocations"][0]["id"]
    body = client.post(act_url(case, f"allocations/{allocation}/confirm-receipt"), {}).json()
    confirmed = body["payments"][0]["allocations"][0]
    assert confirmed["receipt_confirmed_at"] and confirmed["receipt_confirmed_by"]["name"] == "inspector_a"

    body = client.post(act_url(case, "mark-incident"), {"note": "工人聚集讨薪"}).json()
    assert body["mass_incident"] is True

    body = client.post(act_url(case, "close"), {"transferred_to": "arbitration", "note": "余款移送仲裁"}).json()
    assert (body["status"], body["transferred_to"], body["transferred_to_display"]) == (
        "closed_transferred",
        "arbitration",
        "劳动人事争议仲裁",
    )
    assert body["closed_on"] == today().isoformat()
    assert [a["name"] for a in body["allowed_acts"]] == ["confirm_receipt"]
    assert [e["action"] for e in body["events"]] == [
        "open",
        "assign",
        "add_claim",
        "confirm_claim",
        "confirm_claim",
        "confirm_claim",
        "order_payment",
        "record_payment",
        "record_payment",
        "reverse_payment",
        "confirm_receipt",
        "mark_incident",
        "close",
    ]
    assert body["events"][-1]["action_label"] == "结案"
    assert body["recovery"]["first_paid_on"] == today().isoformat()


def test_the_case_page_shows_the_time_to_recovery_when_everything_is_paid(
    client_of: Any, make_wagecase: Any, pay: Any
) -> None:
    case = make_wagecase(claimed=["100.00"], confirmed=["100.00"])
    pay(case, (claims_of(case)[0], "100.00", "wages"))
    body = client_of("window_a").get(detail_url(case)).json()
    recovery = body["recovery"]
    assert recovery["first_paid_on"] == recovery["full_paid_on"] == today().isoformat()
    assert recovery["days_to_full"] is not None and recovery["days_to_full"] >= 1
    assert body["totals"]["fully_paid"] is True


def test_linking_a_project_is_checked_by_the_service(client_of: Any, make_wagecase: Any) -> None:
    case = make_wagecase()
    response = client_of("inspector_a").post(act_url(case, "order-contractor"), {})
    assert_error(response, 400, "invalid", [("project", "no_general_contractor")])
    response = client_of("inspector_a").post(act_url(case, "project"), {"project": 999999})
    assert_error(response, 400, "invalid", [("project", "does_not_exist")])
    response = client_of("inspector_a").post(act_url(case, "project"), {"project": None})
    assert response.status_code == 200, response.content
    assert response.json()["project"] is None


def test_a_mass_incident_needs_a_description(client_of: Any, make_wagecase: Any) -> None:
    case = make_wagecase()
    assert_error(
        client_of("inspector_a").post(act_url(case, "mark-incident"), {}), 400, "invalid", [("note", "required")]
    )
    case.refresh_from_db()
    assert case.mass_incident is False


# --- refused payments and confirmations ---------------------------------------------------------


def test_a_payment_whose_allocations_do_not_add_up_is_refused_and_nothing_is_stored(
    client_of: Any, make_wagecase: Any
) -> None:
    case = make_wagecase(confirmed=["8000.00", "4000.50"])
    first, second = claims_of(case)
    before = rows()
    response = client_of("inspector_a").post(
        act_url(case, "payments"),
        payment_body((first, "1000.00", "wages"), (second, "500.00", "wages"), amount="1500.01"),
    )
    assert_error(response, 400, "invalid", [("allocations", "allocation_sum")])
    assert field_errors(response) == {"allocations": ["allocation_sum"]}
    assert rows() == before


def test_wages_beyond_what_was_confirmed_are_refused(client_of: Any, make_wagecase: Any, pay: Any) -> None:
    case = make_wagecase(confirmed=["1000.00", "500.00"])
    ordered = client_of("inspector_a").post(act_url(case, "order-payment"), {"working_days": 5}, format="json")
    assert ordered.status_code == 200, ordered.content
    first, _second = claims_of(case)
    pay(case, (first, "600.00", "wages"))
    before = rows()
    response = client_of("inspector_a").post(act_url(case, "payments"), payment_body((first, "400.01", "wages")))
    assert_error(response, 400, "invalid", [("allocations.0.amount", "over_confirmed")])
    assert rows() == before
    # the excess may be recorded as compensation
    response = client_of("inspector_a").post(
        act_url(case, "payments"), payment_body((first, "400.00", "wages"), (first, "0.01", "compensation"))
    )
    assert response.status_code == 201, response.content


def test_confirming_less_than_was_paid_is_refused(client_of: Any, make_wagecase: Any, pay: Any) -> None:
    case = make_wagecase(confirmed=["1000.00", None])
    first, _second = claims_of(case)
    pay(case, (first, "800.00", "wages"))
    response = client_of("inspector_a").post(
        act_url(case, f"claims/{first.pk}/confirm"), {"amount_confirmed": "799.99"}
    )
    assert_error(response, 400, "invalid", [("amount_confirmed", "below_allocated")])
    first.refresh_from_db()
    assert first.amount_confirmed == D("1000.00")


def test_an_allocation_to_a_claim_of_another_case_is_not_on_case(client_of: Any, make_wagecase: Any) -> None:
    case = make_wagecase(confirmed=["100.00", "100.00"])
    other = make_wagecase(confirmed=["100.00", "100.00"])
    before = rows()
    for claim_id in (claims_of(other)[0].pk, 987654321, "x"):
        response = client_of("inspector_a").post(
            act_url(case, "payments"),
            {**payment_body(amount="10.00"), "allocations": [{"claim": claim_id, "amount": "10.00"}]},
        )
        expected = "incorrect_type" if claim_id == "x" else "not_on_case"
        assert_error(response, 400, "invalid", [("allocations.0.claim", expected)])
    assert rows() == before


def test_claims_payments_and_allocations_of_another_case_are_404_in_the_path(
    client_of: Any, make_wagecase: Any, pay: Any
) -> None:
    case = make_wagecase(confirmed=["100.00", "100.00"])
    other = make_wagecase(confirmed=["100.00", "100.00"])
    payment = pay(other, (claims_of(other)[0], "10.00", "wages"))
    client = client_of("inspector_a")
    before = rows()
    for path, body in (
        (f"claims/{claims_of(other)[0].pk}/confirm", {"amount_confirmed": "50.00"}),
        (f"payments/{payment.pk}/reverse", {"reason": "错"}),
        (f"allocations/{payment.allocations.get().pk}/confirm-receipt", {}),
    ):
        assert_error(client.post(act_url(case, path), body), 404, "not_found")
    assert rows() == before


def test_unknown_fields_are_refused(client_of: Any, make_wagecase: Any) -> None:
    case = make_wagecase()
    response = client_of("inspector_a").post(act_url(case, "close"), {"status": "closed_paid"})
    assert_error(response, 400, "invalid", [("status", "unknown_field")])
    response = client_of("inspector_a").post(act_url(case, "claims"), {"worker": 1, "amount_claimed": "1", "x": 1})
    assert_error(response, 400, "invalid", [("x", "unknown_field")])


# --- 409: acts the status does not allow --------------------------------------------------------


def test_a_closed_case_refuses_a_payment_with_409_and_lists_the_allowed_acts(
    client_of: Any, make_wagecase: Any, pay: Any
) -> None:
    case = make_wagecase(confirmed=["100.00", "0.00"])
    first, _second = claims_of(case)
    pay(case, (first, "100.00", "wages"))
    closed = client_of("head_a").post(act_url(case, "close"), {})
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed_paid"
    before = rows()

    response = client_of("inspector_a").post(act_url(case, "payments"), payment_body((first, "1.00", "interest")))

    assert response.status_code == 409, response.content
    body = response.json()
    assert set(body) == {"code", "message", "errors", "allowed"}
    assert (body["code"], body["errors"], body["allowed"]) == ("invalid_transition", [], ["confirm_receipt"])
    assert "已清偿结案" in body["message"] and "登记追发款项" in body["message"]
    assert rows() == before


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("assign", "inspectors"),
        ("claims", {"worker": None, "amount_claimed": "1"}),
        ("project", {"project": None}),
        ("order-payment", {"working_days": 5}),
        ("mark-incident", {"note": "聚集"}),
        ("close", {}),
    ],
)
def test_every_act_on_a_closed_case_is_409(
    path: str, body: Any, client_of: Any, make_wagecase: Any, pay: Any, staff: Any, inspector_a2: Any, workers_a: Any
) -> None:
    case = make_wagecase(claimed=["100.00"], confirmed=["100.00"])
    pay(case, (claims_of(case)[0], "100.00", "wages"))
    services.wagecase_close(by=staff["head_a"], case=case)
    if body == "inspectors":
        body = {"inspectors": [staff["inspector_a"].pk, inspector_a2.pk]}
    elif "worker" in body:
        body = {**body, "worker": workers_a[2].pk}
    response = client_of("head_a").post(act_url(case, path), body, format="json")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "invalid_transition"


# --- scoping and roles --------------------------------------------------------------------------

ACTIONS = [
    ("assign", {"inspectors": []}),
    ("claims", {"worker": 1, "amount_claimed": "1"}),
    ("claims/{claim}/confirm", {"amount_confirmed": "1"}),
    ("payments", {}),
    ("payments/{payment}/reverse", {"reason": "x"}),
    ("allocations/{allocation}/confirm-receipt", {}),
    ("project", {"project": None}),
    ("order-payment", {"working_days": 5}),
    ("order-contractor", {}),
    ("mark-incident", {"note": "x"}),
    ("close", {}),
]


@pytest.fixture
def paid_case(make_wagecase: Any, pay: Any) -> tuple[WageCase, Payment]:
    case = make_wagecase(confirmed=["1000.00", "500.00"])
    return case, pay(case, (claims_of(case)[0], "100.00", "wages"))


def _path(template: str, case: WageCase, payment: Payment) -> str:
    return template.format(claim=claims_of(case)[0].pk, payment=payment.pk, allocation=payment.allocations.get().pk)


@pytest.mark.parametrize("who", ["window_b", "inspector_b", "head_b", "assistant_a1", "admin_a", "nobody"])
def test_another_countys_case_is_404_for_reading_and_for_every_action(who: str, client_of: Any, paid_case: Any) -> None:
    case, payment = paid_case
    client = client_of(who)
    missing = client.get(f"{URL}999999999/").json()
    before = rows()
    response = client.get(detail_url(case))
    assert_error(response, 404, "not_found")
    assert response.json() == missing
    for template, body in ACTIONS:
        response = client.post(act_url(case, _path(template, case, payment)), body, format="json")
        assert_error(response, 404, "not_found")
    assert rows() == before


def test_window_staff_read_cases_but_every_write_is_403(
    client_of: Any, paid_case: Any, make_case: Any, employer_a: Any, workers_a: Any
) -> None:
    case, payment = paid_case
    client = client_of("window_a")
    assert client.get(URL).json()["count"] == 1
    body = client.get(detail_url(case)).json()
    assert body["allowed_acts"] == []
    before = rows()
    for template, payload in ACTIONS:
        response = client.post(act_url(case, _path(template, case, payment)), payload, format="json")
        assert_error(response, 403, "permission_denied")
    opening = {"employer": employer_a.pk, "claims": [{"worker": workers_a[0].pk, "amount_claimed": "1"}]}
    assert_error(client.post(URL, opening, format="json"), 403, "permission_denied")
    complaint = make_case(ComplaintStatus.ACCEPTED)
    assert_error(client.post(f"{URL}from-complaint/", {"complaint": complaint.pk}), 403, "permission_denied")
    assert rows() == before


def test_an_inspector_not_assigned_to_the_case_may_read_it_but_not_act(
    client_of: Any, make_wagecase: Any, staff: Any, inspector_a2: Any, make_user: Any, tree: Any
) -> None:
    case = make_wagecase(inspectors=[staff["inspector_a"], inspector_a2])
    outsider = make_user("inspector_a3", tree.county_a, "inspector")
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(outsider)
    body = client.get(detail_url(case)).json()
    assert body["allowed_acts"] == []
    response = client.post(act_url(case, "mark-incident"), {"note": "聚集"})
    assert_error(response, 403, "permission_denied")
    # the assigned inspector may; reassigning is for heads
    names = {a["name"] for a in client_of("inspector_a").get(detail_url(case)).json()["allowed_acts"]}
    assert "mark_incident" in names and "assign" not in names
    assert "assign" in {a["name"] for a in client_of("head_a").get(detail_url(case)).json()["allowed_acts"]}


def test_a_city_head_sees_and_handles_a_countys_case(client_of: Any, make_wagecase: Any) -> None:
    case = make_wagecase()
    assert client_of("city_head").get(detail_url(case)).status_code == 200
    response = client_of("city_head").post(act_url(case, "mark-incident"), {"note": "聚集"})
    assert response.status_code == 200, response.content


def test_anonymous_callers_are_refused(api: Any, make_wagecase: Any) -> None:
    case = make_wagecase()
    assert_error(api(None).get(URL), 401, "not_authenticated")
    assert_error(api(None).post(act_url(case, "close"), {}), 401, "not_authenticated")


# --- amounts ------------------------------------------------------------------------------------


def test_amounts_round_trip_as_strings_exact_to_the_fen(client_of: Any, make_wagecase: Any) -> None:
    case = make_wagecase(claimed=["0.30", "1234.50"])
    ordered = client_of("inspector_a").post(act_url(case, "order-payment"), {"working_days": 5}, format="json")
    assert ordered.status_code == 200, ordered.content
    first, second = claims_of(case)
    client = client_of("inspector_a")
    client.post(act_url(case, f"claims/{first.pk}/confirm"), {"amount_confirmed": 0.3}, format="json")
    client.post(act_url(case, f"claims/{second.pk}/confirm"), {"amount_confirmed": "1234.5"}, format="json")
    # 0.1 + 0.2 is not 0.3 in binary floating point; as written, it is.
    response = client.post(
        act_url(case, "payments"),
        payment_body((first, 0.1, "wages"), (first, 0.2, "compensation"), (second, 1234.5, "wages"), amount=1234.8),
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [(c["amount_claimed"], c["amount_confirmed"], c["outstanding"]) for c in body["claims"]] == [
        ("0.30", "0.30", "0.20"),
        ("1234.50", "1234.50", "0.00"),
    ]
    assert body["payments"][0]["amount"] == "1234.80"
    assert [a["amount"] for a in body["payments"][0]["allocations"]] == ["0.10", "0.20", "1234.50"]
    assert body["totals"]["total_paid"] == "1234.80"
    assert Payment.objects.get().amount == D("1234.80")
    assert sorted(Allocation.objects.values_list("amount", flat=True)) == [D("0.10"), D("0.20"), D("1234.50")]


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("10.005", "max_decimal_places"),
        (10.005, "max_decimal_places"),
        ("1e-3", "invalid"),  # no exponents in money
        ("ten", "invalid"),
        (True, "invalid"),
        ([1], "invalid"),
        ("-1.00", "min_value"),
        ("0", "min_value"),
    ],
)
def test_amounts_with_more_than_two_decimals_or_not_amounts_are_refused(
    amount: Any, code: str, client_of: Any, make_wagecase: Any
) -> None:
    case = make_wagecase(confirmed=["100.00", "100.00"])
    before = rows()
    response = client_of("inspector_a").post(act_url(case, "payments"), payment_body(amount=amount), format="json")
    assert_error(response, 400, "invalid", [("amount", code)])
    assert rows() == before


# --- language -----------------------------------------------------------------------------------


def test_messages_are_chinese_by_default_and_english_on_request(client_of: Any, make_wagecase: Any, pay: Any) -> None:
    case = make_wagecase(confirmed=["100.00", "100.00"])
    first, _second = claims_of(case)
    body = payment_body((first, "10.00", "wages"), amount="11.00")
    client = client_of("inspector_a")

    chinese = client.post(act_url(case, "payments"), body).json()
    english = client.post(act_url(case, "payments"), body, HTTP_ACCEPT_LANGUAGE="en").json()

    assert chinese["message"] == "提交的数据有误，请检查标出的字段。"
    assert chinese["errors"][0]["message"].startswith("分配合计10.00元")
    assert english["message"].startswith("The submitted data contains errors")
    assert english["errors"][0]["message"].startswith("The allocations add up to 10.00")
    assert [(e["field"], e["code"]) for e in english["errors"]] == [(e["field"], e["code"]) for e in chinese["errors"]]

    pay(case, (first, "100.00", "wages"))
    services.wagecase_close(by=case.created_by, case=case, transferred_to="court")
    conflict = client.post(act_url(case, "mark-incident"), {"note": "x"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert conflict["code"] == "invalid_transition"
    assert conflict["message"].startswith("The wage-arrears case is “Closed by transfer”")


# --- choices ------------------------------------------------------------------------------------


def test_the_choices_give_the_labels_the_forms_need(client_of: Any, tree: Any) -> None:
    body = client_of("window_a").get(f"{URL}choices/").json()
    assert set(body) == {"statuses", "sources", "payers", "methods", "allocation_kinds", "transfer_targets", "acts"}
    assert {"value": "closed_paid", "label": "已清偿结案"} in body["statuses"]
    assert {"value": "general_contractor", "label": "施工总承包单位（先行清偿）"} in body["payers"]
    assert [c["value"] for c in body["allocation_kinds"]] == ["wages", "compensation", "interest"]
    assert {"value": "public_security", "label": "公安机关（涉嫌拒不支付劳动报酬罪）"} in body["transfer_targets"]
    assert {"value": "record_payment", "label": "登记追发款项"} in body["acts"]
    english = client_of("window_a").get(f"{URL}choices/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [c["value"] for c in english["methods"]] == [c["value"] for c in body["methods"]]
