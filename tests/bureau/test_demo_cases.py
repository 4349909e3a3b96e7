"""The demo cases `seed_demo` loads after the demo city: a living year of complaints, wage
cases and inspections in both staffed counties, made through the real services, with figures
that hold together, created once, and the same for the same seed.

Seeding goes through hundreds of service calls, so the module seeds once (in a transaction
rolled back at the end; every test runs in a savepoint inside it), with a thinner year than
`make run` loads (`PER_COUNTY` complaints per county instead of about 120)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from bureau import demo
from bureau.models import CaseCounter, Employer, Region, User
from complaints import demo as complaints_demo
from complaints.models import Category, Complainant, Complaint, Kind
from complaints.models import Event as ComplaintEvent
from complaints.services import complaint_register
from inspections import selectors as inspection_selectors
from inspections.models import (
    AnnualReview,
    Campaign,
    OrderEvent,
    OrderItem,
    OrderStatus,
    PatrolTarget,
    RectificationOrder,
    ReviewResult,
    Visit,
    VisitPhoto,
)
from wagecases import selectors
from wagecases.models import (
    Allocation,
    AllocationKind,
    Claim,
    Event,
    Listing,
    ListingStatus,
    Payment,
    Project,
    ProjectParty,
    Status,
    WageCase,
)

SEED = 2026
PER_COUNTY = (50, 50)
# Enough people for a year of cases (smaller pools get none: see complaints.demo.MIN_WORKERS).
SIZES = ["--employers", "200", "--workers", "1500"]
STAFFED = ("339901", "339902")


def seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", "--seed", str(SEED), *SIZES, stdout=out)
    return out.getvalue()


def case_snapshot() -> dict[str, Any]:
    """The demo cases by natural keys (numbers, ID numbers, credit codes): no ids, no timestamps."""
    return {
        "complaints": sorted(
            Complaint.objects.values_list(
                "number",
                "status",
                "kind",
                "channel",
                "received_on",
                "employer__credit_code",
                "outcome",
                "amount_recovered",
                "workers_paid",
                "closed_on",
                "satisfied",
            )
        ),
        "complainants": sorted(
            Complainant.objects.values_list("complaint__number", "worker__id_number", "amount_claimed")
        ),
        "complaint_events": sorted(ComplaintEvent.objects.values_list("complaint__number", "action", "on_date")),
        "wage_cases": sorted(
            WageCase.objects.values_list(
                "number",
                "status",
                "complaint__number",
                "employer__credit_code",
                "project__name",
                "opened_on",
                "closed_on",
                "payment_due",
                "transferred_to",
            ),
            key=str,
        ),
        "claims": sorted(
            Claim.objects.values_list("case__number", "worker__id_number", "amount_claimed", "amount_confirmed"),
            key=str,
        ),
        "payments": sorted(
            Payment.objects.values_list(
                "case__number", "paid_on", "amount", "payer", "payer_employer__credit_code", "method", "reversal_reason"
            ),
            key=str,
        ),
        "allocations": sorted(
            Allocation.objects.values_list(
                "payment__case__number", "payment__paid_on", "claim__worker__id_number", "amount", "kind"
            )
        ),
        "projects": sorted(Project.objects.values_list("county__code", "name", "general_contractor__credit_code")),
        "listings": sorted(Listing.objects.values_list("employer__credit_code", "kind", "status", "amount_owed")),
        "campaigns": sorted(Campaign.objects.values_list("county__code", "name", "starts_on", "ends_on")),
        "visits": sorted(
            Visit.objects.values_list(
                "number",
                "employer__credit_code",
                "visited_at",
                "campaign__name",
                "template__version",
                "workers_on_site",
                "contracts_urged",
                "wages_on_time",
                "amount_unpaid",
                "latitude",
                "client_uuid",
                "wage_case__number",
            ),
            key=str,
        ),
        "orders": sorted(
            RectificationOrder.objects.values_list(
                "number",
                "visit__number",
                "review__employer__credit_code",
                "served_on",
                "due_on",
                "status",
                "wage_case__number",
            ),
            key=str,
        ),
        "order_items": sorted(
            OrderItem.objects.values_list("order__number", "position", "text", "met", "checked_on"), key=str
        ),
        "reviews": sorted(
            AnnualReview.objects.values_list("employer__credit_code", "year", "submitted_on", "result", "reviewed_on"),
            key=str,
        ),
    }


def delete_cases(county_code: str) -> None:
    """Every case row of a county, so that its demo cases can be made again."""
    OrderEvent.objects.filter(order__county__code=county_code).delete()
    OrderItem.objects.filter(order__county__code=county_code).delete()
    RectificationOrder.objects.filter(county__code=county_code).delete()
    VisitPhoto.objects.filter(visit__county__code=county_code).delete()
    Visit.objects.filter(county__code=county_code).delete()
    AnnualReview.objects.filter(county__code=county_code).delete()
    Campaign.objects.filter(county__code=county_code).delete()
    PatrolTarget.objects.filter(county__code=county_code).delete()
    Event.objects.filter(case__county__code=county_code).delete()
    Event.objects.filter(listing__county__code=county_code).delete()
    Listing.objects.filter(county__code=county_code).delete()
    Allocation.objects.filter(payment__case__county__code=county_code).delete()
    Payment.objects.filter(case__county__code=county_code).delete()
    Claim.objects.filter(case__county__code=county_code).delete()
    WageCase.objects.filter(county__code=county_code).delete()
    ProjectParty.objects.filter(project__county__code=county_code, parent__isnull=False).delete()
    ProjectParty.objects.filter(project__county__code=county_code).delete()
    Project.objects.filter(county__code=county_code).delete()
    Complaint.objects.filter(county__code=county_code).delete()
    CaseCounter.objects.filter(county__code=county_code).delete()


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock(), transaction.atomic(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(complaints_demo, "PER_COUNTY", PER_COUNTY)
        output = seed_demo()
        yield {"output": output, "snapshot": case_snapshot()}
        transaction.set_rollback(True)


@pytest.fixture
def city(seeded: dict[str, Any], db: Any) -> dict[str, Any]:
    return seeded


def test_each_staffed_county_has_a_year_of_complaints_at_every_stage(city):
    today = timezone.localdate()
    for code in STAFFED:
        complaints = Complaint.objects.filter(county__code=code)
        assert complaints.count() == PER_COUNTY[0]
        statuses = set(complaints.values_list("status", flat=True))
        assert {"accepted", "followed_up", "referred"} <= statuses, code
        assert statuses & {"not_accepted", "refusal_requested"} and statuses & {"registered", "supplement_requested"}
        assert len(statuses) >= 7, statuses
        assert complaints.filter(extended=True).exists()
        assert set(complaints.values_list("kind", flat=True)) == {"complaint", "report"}
        assert len(set(complaints.values_list("channel", flat=True))) >= 4
        assert complaints.filter(categories__code="unpaid_wages").count() > complaints.count() / 2
        assert complaints.filter(satisfied=True).count() > complaints.filter(satisfied=False).count()
        # received over the last twelve months, more before Spring Festival than in spring
        received = list(complaints.values_list("received_on", flat=True))
        assert all(0 < (today - day).days <= 365 for day in received)
        peak = sum(day.month in (12, 1) for day in received)
        spring = sum(day.month in (4, 5) for day in received)
        assert peak > spring
        # every act dated on a past day, by the county's own staff
        events = ComplaintEvent.objects.filter(complaint__county__code=code)
        assert not events.filter(on_date__gte=today).exists()
        assert set(events.values_list("by__region__code", flat=True)) == {code}
    assert not Complaint.objects.filter(county__code="339903").exists()  # 南溪县 has no demo staff


def test_each_staffed_county_has_wage_cases_projects_and_a_listing(city):
    for code in STAFFED:
        cases = WageCase.objects.filter(county__code=code)
        assert cases.count() >= 12
        assert {Status.OPEN, Status.CLOSED_PAID, Status.CLOSED_TRANSFERRED} <= set(
            cases.values_list("status", flat=True)
        )
        assert cases.filter(project__isnull=False).exists()
        assert cases.filter(complaint__isnull=True).exists()  # direct or from an inspection
        assert Project.objects.filter(county__code=code, parties__role="labour_team").exists()
        payments = Payment.objects.filter(case__county__code=code)
        assert payments.filter(reversed_at__isnull=False).count() == 1
        assert Allocation.objects.filter(claim__case__county__code=code, kind=AllocationKind.COMPENSATION).exists()
        listings = Listing.objects.filter(county__code=code)
        assert listings.filter(status=ListingStatus.LISTED).count() == 1
        assert listings.filter(status=ListingStatus.PROPOSED).exists()
    assert {"employer", "general_contractor"} <= set(Payment.objects.values_list("payer", flat=True))


def test_every_wage_case_adds_up(city):
    today = timezone.localdate()
    for payment in Payment.objects.select_related("case").annotate(allocated=Sum("allocations__amount")):
        assert payment.allocated == payment.amount, payment
        assert selectors.case_start(payment.case) <= payment.paid_on < today
    for claim in selectors.claims_with_totals(Claim.objects.all()):
        assert claim.amount_confirmed is None or claim.wages_paid <= claim.amount_confirmed, claim
        if claim.amount_confirmed is not None:
            assert claim.compensation_paid <= claim.amount_confirmed
    for case in selectors.cases_with_totals(WageCase.objects.all()):
        assert case.opened_on < today
        if case.status == Status.CLOSED_PAID:
            assert (case.unconfirmed, case.outstanding) == (0, Decimal("0.00")), case
        if case.status == Status.CLOSED_TRANSFERRED:
            assert case.outstanding > 0, case
        if case.closed_on is not None:
            assert case.opened_on <= case.closed_on < today
            last = case.payments.filter(reversed_at__isnull=True).order_by("-paid_on").first()
            assert last is None or last.paid_on <= case.closed_on
        if case.payment_due is not None:
            assert case.opened_on <= case.payment_ordered_on <= case.payment_due


def test_a_closed_complaint_carries_the_figures_of_its_wage_case(city):
    closed = Complaint.objects.filter(status__in=["closed", "followed_up"], wage_cases__isnull=False)
    assert closed.count() >= 15
    for complaint in closed:
        case = complaint.wage_cases.get()
        assert case.status != Status.OPEN
        totals = selectors.case_totals(case)
        assert (complaint.amount_recovered, complaint.workers_paid) == (totals.total_paid, totals.workers_paid)
        assert case.closed_on <= complaint.closed_on
    # complaints whose wage case is still open are still under investigation
    for case in WageCase.objects.filter(status=Status.OPEN, complaint__isnull=False).select_related("complaint"):
        assert case.complaint.status in ("accepted", "extension_requested"), case


def test_each_staffed_county_has_a_year_of_inspections(city):
    today = timezone.localdate()
    for code in STAFFED:
        county = Region.objects.get(code=code)
        visits = Visit.objects.filter(county=county)
        assert 60 <= visits.count() <= 95, code
        patrols = visits.filter(campaign__isnull=True)
        assert patrols.count() > visits.count() / 2
        assert visits.filter(campaign__isnull=False, template__isnull=False).exclude(answers={}).exists()
        assert visits.filter(wages_on_time="no").count() >= 2
        assert visits.filter(wage_case__isnull=False).count() == 1
        assert visits.values("inspectors").distinct().count() == 3  # two inspectors and the brigade head
        assert not visits.filter(visited_at__date__gte=today).exists()
        # numbered in date order
        by_number = list(visits.filter(year=today.year).order_by("seq").values_list("visited_at", flat=True))
        assert by_number == sorted(by_number)

        campaigns = inspection_selectors.with_progress(Campaign.objects.filter(county=county))
        assert campaigns.count() == 3
        assert len({c.campaign_type_id for c in campaigns}) == 3
        assert sum(c.starts_on <= today <= c.ends_on for c in campaigns) == 1
        assert all(c.employers_visited > 0 for c in campaigns)

        orders = RectificationOrder.objects.filter(county=county)
        assert 10 <= orders.count() <= 15
        statuses = set(orders.values_list("status", flat=True))
        assert {OrderStatus.OPEN, OrderStatus.MET, OrderStatus.UNMET, OrderStatus.ESCALATED} <= statuses
        assert inspection_selectors.overdue_orders(orders, today).exists()
        assert orders.filter(due_on__gte=today, status=OrderStatus.OPEN).exists()
        assert orders.filter(status=OrderStatus.ESCALATED, wage_case__isnull=False).count() == 1
        assert orders.filter(review__isnull=False).exists()
        assert not orders.filter(served_on__gte=today).exists()

        reviews = AnnualReview.objects.filter(county=county, year=today.year - 1)
        assert set(reviews.values_list("result", flat=True)) == set(ReviewResult.values)
        assert reviews.filter(orders__isnull=False, result=ReviewResult.PASSED).exists()  # rectified, then passed
        missing = inspection_selectors.employers_not_reviewed(county, today.year - 1).count()
        assert 0 < missing < reviews.count()

        [progress] = inspection_selectors.patrol_progress(Region.objects.filter(pk=county.pk), today.year)
        assert progress.target == 50 and progress.patrols > 0
    assert not Visit.objects.filter(county__code="339903").exists()


def test_seeding_again_creates_nothing(city):
    output = seed_demo()

    assert case_snapshot() == city["snapshot"]
    assert "投诉举报案件 Complaints: 0" in output and "欠薪案件 Wage cases: 0" in output
    assert "检查记录 Site visits: 0" in output and "责令改正 Rectification orders: 0" in output
    assert f"投诉举报案件 Complaints: {Complaint.objects.count()}" in city["output"]


def test_the_same_seed_gives_the_same_cases(city, monkeypatch):
    monkeypatch.setattr(complaints_demo, "PER_COUNTY", PER_COUNTY)
    delete_cases("339902")
    assert not Complaint.objects.filter(county__code="339902").exists()

    counts = demo.seed_cases(seed=SEED, today=timezone.localdate())

    assert counts["complaints"] == Complaint.objects.filter(county__code="339902").count()
    assert case_snapshot() == city["snapshot"]


def test_a_county_with_cases_of_its_own_gets_no_demo_cases(city):
    delete_cases("339901")
    window = User.objects.get(username="donghu_window")
    employer = Employer.objects.filter(region__path__startswith=window.region.path).order_by("credit_code").first()
    own = complaint_register(
        by=window,
        employer=employer,
        categories=[Category.objects.get(code="no_contract")],
        facts="未签订书面劳动合同。",
        kind=Kind.REPORT,
        anonymous=True,
    )

    counts = demo.seed_cases(seed=SEED, today=timezone.localdate())

    assert set(counts.values()) == {0}
    assert list(Complaint.objects.filter(county__code="339901")) == [own]
    assert not WageCase.objects.filter(county__code="339901").exists()
    assert not Visit.objects.filter(county__code="339901").exists()
    assert not Project.objects.filter(county__code="339901").exists()
