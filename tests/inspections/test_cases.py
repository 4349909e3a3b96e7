"""Opening a case from what an inspection found: a wage-arrears case from a visit that found
unpaid wages (the workers' claims, source "inspection", the visit's facts on the opening entry,
the visit linked), a case to investigate (立案, kind "inspection", accepted at once, handled by
the visit's inspectors), once each; and from an order not met by its deadline, which is then
escalated."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bureau.models import Role
from complaints.models import Category, Kind
from inspections import services
from inspections.models import OrderStatus, WagesOnTime
from tests.inspections.conftest import at, code_of, rows, today
from wagecases.models import Source

D = dt.date.fromisoformat


@pytest.fixture
def arrears_visit(make_visit):
    return make_visit(
        workers_on_site=20,
        contracts_found=12,
        contracts_urged=8,
        wages_on_time=WagesOnTime.NO,
        workers_unpaid=2,
        amount_unpaid="12000.50",
        findings="工资发放至今年8月，9月起未发。",
        site_address="湖滨路8号工地",
    )


def claims(workers, *amounts):
    return [(worker, Decimal(amount), None, None) for worker, amount in zip(workers, amounts, strict=False)]


# --- from a visit -----------------------------------------------------------------------------


def test_a_wage_case_from_a_visit_carries_the_claims_the_facts_and_the_inspectors(
    staff, arrears_visit, workers_a, inspector_a2
):
    case = services.visit_open_case(
        by=staff["inspector_a"], visit=arrears_visit, kind="wage", claims=claims(workers_a, "8000.50", "4000")
    )

    assert case.source == Source.INSPECTION
    assert (case.county, case.employer, case.opened_on) == (arrears_visit.county, arrears_visit.employer, today())
    assert list(case.claims.order_by("worker_id").values_list("worker_id", "amount_claimed")) == [
        (workers_a[0].pk, Decimal("8000.50")),
        (workers_a[1].pk, Decimal("4000.00")),
    ]
    assert set(case.inspectors.all()) == {staff["inspector_a"], inspector_a2}
    note = case.events.get(action="open").note
    assert arrears_visit.number in note
    assert "在岗20人" in note and "督促签订8人" in note
    assert "存在拖欠工资：2人，12000.50元" in note and "9月起未发" in note
    arrears_visit.refresh_from_db()
    assert arrears_visit.wage_case == case


def test_a_visit_opens_one_wage_case(staff, arrears_visit, workers_a):
    case = services.visit_open_case(
        by=staff["inspector_a"], visit=arrears_visit, kind="wage", claims=claims(workers_a, "100")
    )
    before = rows()
    with pytest.raises(services.InvalidState) as info:
        services.visit_open_case(
            by=staff["inspector_a"], visit=arrears_visit, kind="wage", claims=claims(workers_a, "100")
        )
    assert info.value.code == "case_exists" and case.number in info.value.message
    assert rows() == before


def test_no_wage_case_from_a_visit_without_unpaid_wages(staff, make_visit, workers_a):
    for wages in (WagesOnTime.YES, WagesOnTime.NOT_CHECKED):
        visit = make_visit(wages_on_time=wages)
        before = rows()
        with pytest.raises(ValidationError) as info:
            services.visit_open_case(by=staff["inspector_a"], visit=visit, kind="wage", claims=claims(workers_a, "100"))
        assert code_of(info.value) == "no_unpaid_wages"
        assert rows() == before


def test_a_wage_case_needs_a_claim_and_nothing_is_half_stored(staff, arrears_visit):
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.visit_open_case(by=staff["inspector_a"], visit=arrears_visit, kind="wage", claims=[])
    assert code_of(info.value) == "required"
    assert rows() == before


def test_the_case_kind_must_be_known(staff, arrears_visit):
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.visit_open_case(by=staff["inspector_a"], visit=arrears_visit, kind="penalty")
    assert code_of(info.value) == "invalid_choice"
    assert rows() == before


def test_a_case_to_investigate_from_a_visit_is_accepted_at_once(staff, arrears_visit, wages, inspector_a2):
    no_contract = Category.objects.get(code="no_contract")
    complaint = services.visit_open_case(
        by=staff["inspector_a"], visit=arrears_visit, kind="complaint", categories=[wages, no_contract]
    )

    assert (complaint.kind, complaint.channel, complaint.status) == (Kind.INSPECTION, "inspection", "accepted")
    assert complaint.accepted_on == today()
    assert set(complaint.categories.all()) == {wages, no_contract}
    assert set(complaint.inspectors.all()) == {staff["inspector_a"], inspector_a2}
    assert arrears_visit.number in complaint.facts and "9月起未发" in complaint.facts
    assert complaint.site_address == "湖滨路8号工地"
    assert not complaint.complainants.exists()
    arrears_visit.refresh_from_db()
    assert arrears_visit.complaint == complaint
    before = rows()
    with pytest.raises(services.InvalidState):
        services.visit_open_case(by=staff["inspector_a"], visit=arrears_visit, kind="complaint", categories=[wages])
    assert rows() == before


def test_a_visit_may_open_both_a_wage_case_and_a_case_to_investigate(staff, arrears_visit, workers_a, wages):
    services.visit_open_case(by=staff["inspector_a"], visit=arrears_visit, kind="wage", claims=claims(workers_a, "1"))
    services.visit_open_case(by=staff["inspector_a"], visit=arrears_visit, kind="complaint", categories=[wages])
    arrears_visit.refresh_from_db()
    assert arrears_visit.wage_case and arrears_visit.complaint


def test_a_case_from_a_visit_whose_inspector_left_is_left_for_the_head_to_assign(
    staff, arrears_visit, workers_a, wages, inspector_a2
):
    inspector_a2.is_active = False
    inspector_a2.save()
    case = services.visit_open_case(
        by=staff["inspector_a"], visit=arrears_visit, kind="wage", claims=claims(workers_a, "1")
    )
    complaint = services.visit_open_case(
        by=staff["inspector_a"], visit=arrears_visit, kind="complaint", categories=[wages]
    )
    assert not case.inspectors.exists()
    assert complaint.status == "accepted" and not complaint.inspectors.exists()


def test_a_complaint_needs_a_category_and_nothing_is_half_stored(staff, arrears_visit):
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.visit_open_case(by=staff["inspector_a"], visit=arrears_visit, kind="complaint", categories=[])
    assert code_of(info.value) == "required"
    assert rows() == before


def test_only_the_visits_people_and_heads_open_a_case_from_it(staff, arrears_visit, workers_a, tree, make_user):
    colleague = make_user("inspector_a3", tree.county_a, Role.INSPECTOR)
    before = rows()
    for user in (colleague, staff["window_a"]):
        with pytest.raises(PermissionDenied):
            services.visit_open_case(by=user, visit=arrears_visit, kind="wage", claims=claims(workers_a, "1"))
    assert rows() == before
    assert services.visit_open_case(by=staff["head_a"], visit=arrears_visit, kind="wage", claims=claims(workers_a, "1"))


# --- from an unmet order ------------------------------------------------------------------------


@pytest.fixture
def unmet_order(staff, make_visit):
    visit = make_visit(visited_at=at("2026-09-28", 9), wages_on_time=WagesOnTime.NO, workers_unpaid=3)
    order = services.order_issue_from_visit(
        by=staff["inspector_a"],
        visit=visit,
        items=["支付拖欠的工资", "补签劳动合同"],
        served_on=D("2026-09-28"),
        deadline_days=5,
    )
    later = make_visit(visited_at=at("2026-10-12", 10))
    first, second = order.items.order_by("position")
    return services.order_follow_up(
        by=staff["inspector_a"],
        order=order,
        visit=later,
        results=[services.ItemResult(first, False, "仍未支付"), services.ItemResult(second, True)],
    )


def test_an_unmet_order_opens_a_wage_case_and_is_escalated(staff, unmet_order, workers_a):
    assert unmet_order.status == OrderStatus.UNMET
    case = services.order_open_case(
        by=staff["inspector_a"], order=unmet_order, kind="wage", claims=claims(workers_a, "3000")
    )

    unmet_order.refresh_from_db()
    assert (unmet_order.status, unmet_order.wage_case) == (OrderStatus.ESCALATED, case)
    assert case.source == Source.INSPECTION
    note = case.events.get(action="open").note
    assert unmet_order.number in note and "支付拖欠的工资" in note and "补签劳动合同" not in note
    assert unmet_order.visit.number in note
    event = unmet_order.events.get(action="open_case")
    assert event.data == {"kind": "wage", "case": case.number}
    before = rows()
    with pytest.raises(services.InvalidState) as info:
        services.order_open_case(by=staff["inspector_a"], order=unmet_order, kind="complaint", categories=[])
    assert info.value.code == "order_not_unmet"
    assert rows() == before


def test_an_unmet_order_opens_a_case_to_investigate(staff, unmet_order, wages):
    complaint = services.order_open_case(
        by=staff["inspector_a"], order=unmet_order, kind="complaint", categories=[wages]
    )
    unmet_order.refresh_from_db()
    assert (unmet_order.status, unmet_order.complaint) == (OrderStatus.ESCALATED, complaint)
    assert complaint.kind == Kind.INSPECTION and complaint.status == "accepted"
    assert "逾期未整改事项：支付拖欠的工资" in complaint.facts


def test_an_open_order_does_not_open_a_case(staff, make_order, wages):
    order = make_order()
    before = rows()
    with pytest.raises(services.InvalidState):
        services.order_open_case(by=staff["inspector_a"], order=order, kind="complaint", categories=[wages])
    assert rows() == before


def test_a_refused_case_leaves_the_order_unmet(staff, unmet_order):
    before = rows()
    with pytest.raises(ValidationError):
        services.order_open_case(by=staff["inspector_a"], order=unmet_order, kind="wage", claims=[])
    with pytest.raises(ValidationError):
        services.order_open_case(by=staff["inspector_a"], order=unmet_order, kind="other")
    assert rows() == before
    unmet_order.refresh_from_db()
    assert unmet_order.status == OrderStatus.UNMET


# --- the day a case is opened ------------------------------------------------------------------


def test_a_case_may_be_dated_the_day_of_the_visit(staff, make_visit, workers_a, wages):
    visit = make_visit(visited_at=at("2026-10-09", 10), wages_on_time=WagesOnTime.NO, workers_unpaid=1)
    case = services.visit_open_case(
        by=staff["inspector_a"], visit=visit, kind="wage", claims=claims(workers_a, "500"), opened_on=D("2026-10-09")
    )
    complaint = services.visit_open_case(
        by=staff["inspector_a"], visit=visit, kind="complaint", categories=[wages], opened_on=D("2026-10-12")
    )
    assert case.opened_on == D("2026-10-09") and case.events.get(action="open").on_date == D("2026-10-09")
    assert (complaint.received_on, complaint.accepted_on) == (D("2026-10-12"), D("2026-10-12"))


@pytest.mark.parametrize(("opened_on", "code"), [("2026-10-08", "date_order"), (None, "date_in_future")])
def test_a_case_is_not_dated_before_the_visit_nor_in_the_future(staff, make_visit, workers_a, opened_on, code):
    visit = make_visit(visited_at=at("2026-10-09", 10), wages_on_time=WagesOnTime.NO, workers_unpaid=1)
    day = D(opened_on) if opened_on else today() + dt.timedelta(days=1)
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.visit_open_case(
            by=staff["inspector_a"], visit=visit, kind="wage", claims=claims(workers_a, "500"), opened_on=day
        )
    assert code_of(info.value) == code
    assert rows() == before


def test_a_case_from_an_order_is_dated_from_the_day_it_was_found_unmet(staff, unmet_order, workers_a):
    kw = {"by": staff["inspector_a"], "order": unmet_order, "kind": "wage", "claims": claims(workers_a, "100")}
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.order_open_case(**kw, opened_on=D("2026-10-09"))  # found unmet on the 12th
    assert code_of(info.value) == "date_order"
    assert rows() == before
    case = services.order_open_case(**kw, opened_on=D("2026-10-13"))
    assert case.opened_on == D("2026-10-13")
    assert unmet_order.events.get(action="open_case").on_date == D("2026-10-13")
