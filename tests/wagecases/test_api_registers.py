"""The API of construction projects and of the defaulter list / major-violation publication:
creation with field errors, the contracting chain, scoping (another county 404), roles (the
window reads listings in force only; inspectors propose, heads decide), the procedure through
`acts/<act>/` with 409 for an act the status does not allow."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from bureau import services as core
from bureau.models import Employer
from tests.bureau.conftest import assert_error
from tests.conftest import make_credit_code
from tests.wagecases.conftest import claims_of, days_ago, today
from wagecases import listings, services
from wagecases.models import Listing, ListingKind, ListingStatus, Project

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def contractor(staff: Any, tree: Any) -> Employer:
    return core.employer_create(
        by=staff["window_a"],
        credit_code=make_credit_code("91339901MA0CXE009"),
        name="东湖建工集团有限公司",
        region=tree.county_a,
    )


def create_project(api: Any, user: Any, **extra: Any) -> Any:
    body = {"name": "东湖花园二期", **extra}
    return api(user).post("/api/v1/wage-projects/", body, format="json")


# --- projects ------------------------------------------------------------------------------


def test_an_inspector_registers_a_project_with_its_chain(api, staff, tree, employer_a, contractor):
    response = create_project(
        api,
        staff["inspector_a"],
        site_region=tree.town_a1.code,
        general_contractor=contractor.pk,
        special_account_number="6222 0212 3456 7890",
        deposit_amount="300000.50",
        deposit_form="bank_guarantee",
    )
    assert response.status_code == 201, response.content
    project = response.json()
    assert project["county"] == tree.county_a.code
    assert project["site_region"] == tree.town_a1.code
    assert project["deposit_amount"] == "300000.50"
    assert project["special_account_number"] == "6222021234567890"
    client = api(staff["inspector_a"])
    sub = client.post(
        f"/api/v1/wage-projects/{project['id']}/parties/",
        {"role": "labour_subcontractor", "employer": employer_a.pk},
        format="json",
    ).json()
    party_id = sub["parties"][0]["id"]
    team = client.post(
        f"/api/v1/wage-projects/{project['id']}/parties/",
        {"role": "labour_team", "leader_name": "张班长", "leader_phone": "13912345678", "parent": party_id},
        format="json",
    )
    assert team.status_code == 201, team.content
    chain = [(row["role"], row["depth"]) for row in team.json()["chain"]]
    assert chain == [("general_contractor", 0), ("labour_subcontractor", 1), ("labour_team", 2)]
    phones = {p["leader_name"]: p["leader_phone"] for p in team.json()["parties"]}
    assert phones["张班长"] == "139 1234 5678"
    # the window sees the project but not the team leader's full phone
    seen = api(staff["window_a"]).get(f"/api/v1/wage-projects/{project['id']}/").json()
    masked = {p["leader_name"]: p["leader_phone"] for p in seen["parties"]}["张班长"]
    assert "1234" not in masked and masked.endswith("5678")


def test_project_errors_are_field_level(api, staff, tree):
    assert_error(
        create_project(api, staff["inspector_a"], site_region=tree.town_b1.code),
        400,
        "invalid",
        [("site_region", "does_not_exist")],
    )
    assert create_project(api, staff["inspector_a"]).status_code == 201
    assert_error(create_project(api, staff["inspector_a"]), 400, "invalid", [("name", "duplicate")])
    assert_error(
        create_project(api, staff["inspector_a"], name="另一项目", deposit_amount="1.005"),
        400,
        "invalid",
        [("deposit_amount", "max_decimal_places")],
    )
    assert_error(
        create_project(api, staff["inspector_a"], name="x", colour="red"), 400, "invalid", [("colour", "unknown_field")]
    )
    assert Project.objects.count() == 1


def test_projects_are_scoped_and_written_by_case_handlers_only(api, staff):
    project = create_project(api, staff["inspector_a"]).json()
    assert api(staff["inspector_b"]).get(f"/api/v1/wage-projects/{project['id']}/").status_code == 404
    assert api(staff["inspector_b"]).get("/api/v1/wage-projects/").json()["results"] == []
    assert api(staff["city_head"]).get(f"/api/v1/wage-projects/{project['id']}/").status_code == 200
    assert create_project(api, staff["window_a"], name="窗口项目").status_code == 403
    assert api(staff["admin_a"]).get("/api/v1/wage-projects/").json()["results"] == []


def test_a_payment_by_the_general_contractor_goes_through_the_linked_project(
    api, staff, employer_a, contractor, make_wagecase
):
    client = api(staff["inspector_a"])
    project = create_project(api, staff["inspector_a"], general_contractor=contractor.pk).json()
    client.post(
        f"/api/v1/wage-projects/{project['id']}/parties/",
        {"role": "subcontractor", "employer": employer_a.pk},
        format="json",
    )
    case = make_wagecase(confirmed=["8000.00", "4000.50"])
    services.wagecase_link_project(by=staff["inspector_a"], case=case, project=Project.objects.get(pk=project["id"]))
    first, _second = claims_of(case)
    payment = services.payment_record(
        by=staff["inspector_a"],
        case=case,
        paid_on=today(),
        amount="8000.00",
        payer="general_contractor",
        method="special_account",
        evidence="专户代发回单",
        allocations=[(first, D("8000.00"), "wages")],
    )
    assert payment.payer_employer == contractor
    detail = client.get(f"/api/v1/wage-projects/{project['id']}/").json()
    assert [c["number"] for c in detail["wage_cases"]] == [case.number]
    # the general contractor has paid first: he cannot be swapped for another
    response = client.patch(
        f"/api/v1/wage-projects/{project['id']}/", {"general_contractor": employer_a.pk}, format="json"
    )
    assert response.status_code == 400


# --- listings ------------------------------------------------------------------------------


@pytest.fixture
def defaulting_case(make_wagecase, staff):
    """A case of county A whose order to pay ran out: one worker owed 6,000 yuan for 4 months."""
    case = make_wagecase(claimed=["6000.00"], confirmed=["6000.00"], opened_on=days_ago(60))
    claim = claims_of(case)[0]
    claim.period_from, claim.period_to = dt.date(2026, 3, 1), dt.date(2026, 6, 30)
    claim.save()
    services.wagecase_order_payment(by=staff["inspector_a"], case=case, ordered_on=days_ago(40), due_on=days_ago(20))
    return case


def test_the_system_proposes_and_a_head_lists_through_the_api(api, staff, defaulting_case):
    inspector, head = api(staff["inspector_a"]), api(staff["head_a"])
    proposed = inspector.post("/api/v1/listings/check/").json()
    kinds = {row["kind"] for row in proposed}
    assert kinds == {"defaulter", "major_violation"}
    defaulter = next(row for row in proposed if row["kind"] == "defaulter")
    assert defaulter["amount_owed"] == "6000.00" and defaulter["workers_owed"] == 1
    assert inspector.post("/api/v1/listings/check/").json() == []  # idempotent
    url = f"/api/v1/listings/{defaulter['id']}/"
    # deciding before the employer was told: 409 with what is allowed
    response = head.post(url + "acts/decide/", {"listed": True, "note": "符合条件"}, format="json")
    assert response.status_code == 409
    assert response.json()["allowed"] == ["notify", "withdraw"]
    # a notice cannot predate the proposal
    early = inspector.post(url + "acts/notify/", {"notified_on": days_ago(1).isoformat()}, format="json")
    assert_error(early, 400, "invalid", [("notified_on", "too_early")])
    notified = inspector.post(url + "acts/notify/", {}, format="json")
    assert notified.status_code == 200, notified.content
    assert notified.json()["status"] == "notified"
    # within the objection period a head cannot decide yet...
    too_soon = head.post(url + "acts/decide/", {"listed": True, "note": "符合条件"}, format="json")
    assert_error(too_soon, 400, "invalid", [("decided_on", "objection_period")])
    # ...unless the employer objected and the objection was reviewed
    objected = inspector.post(
        url + "acts/record_objection/",
        {"objection": "已筹措资金，请求暂缓", "result": "未提供支付凭证，异议不成立"},
        format="json",
    )
    assert objected.status_code == 200, objected.content
    # inspectors prepare, heads decide
    assert inspector.post(url + "acts/decide/", {"listed": True, "note": "x"}, format="json").status_code == 403
    decided = head.post(url + "acts/decide/", {"listed": True, "note": "经集体讨论决定列入"}, format="json")
    assert decided.status_code == 200, decided.content
    body = decided.json()
    assert body["status"] == "listed" and body["in_force"] is True
    assert body["start_on"] == today().isoformat()
    assert dt.date.fromisoformat(body["end_on"]) == listings.default_end(today())
    assert [e["action"] for e in body["events"]] == ["propose", "notify", "record_objection", "decide"]
    assert body["events"][0]["by"] == "系统"


def test_the_window_sees_only_listings_in_force_and_other_counties_none(api, staff, defaulting_case):
    created = listings.propose_due()
    defaulter = next(item for item in created if item.kind == ListingKind.DEFAULTER)
    window = api(staff["window_a"])
    employer_id = defaulting_case.employer_id
    assert window.get(f"/api/v1/listings/?employer={employer_id}&in_force=true").json()["results"] == []
    assert window.get(f"/api/v1/listings/{defaulter.pk}/").status_code == 404
    listings.listing_notify(by=staff["inspector_a"], listing=defaulter)
    # the objection period ran out (the notice is moved back in time)
    Listing.objects.filter(pk=defaulter.pk).update(notified_on=days_ago(30), objection_due=days_ago(23))
    listings.listing_decide(by=staff["head_a"], listing=Listing.objects.get(pk=defaulter.pk), listed=True, note="列入")
    rows = window.get(f"/api/v1/listings/?employer={employer_id}&in_force=true").json()["results"]
    assert [r["id"] for r in rows] == [defaulter.pk]
    assert rows[0]["kind_display"] == "拖欠农民工工资失信联合惩戒对象名单"
    assert api(staff["inspector_b"]).get(f"/api/v1/listings/{defaulter.pk}/").status_code == 404
    assert window.post(
        f"/api/v1/listings/{defaulter.pk}/acts/remove/", {"kind": "revoked", "note": "x"}, format="json"
    ).status_code in (403, 404)


def test_a_manual_proposal_needs_facts_and_refuses_a_second_live_one(api, staff, employer_a):
    client = api(staff["inspector_a"])
    assert_error(
        client.post(
            "/api/v1/listings/", {"employer": employer_a.pk, "kind": "major_violation", "facts": ""}, format="json"
        ),
        400,
        "invalid",
        [("facts", "blank")],
    )
    body = {"employer": employer_a.pk, "kind": "major_violation", "facts": "使用童工2名，经责令仍未改正"}
    first = client.post("/api/v1/listings/", body, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["criteria"] == ["manual"]
    assert_error(
        client.post("/api/v1/listings/", body, format="json"), 400, "invalid", [("employer", "already_listed")]
    )
    assert Listing.objects.filter(status=ListingStatus.PROPOSED).count() == 1
