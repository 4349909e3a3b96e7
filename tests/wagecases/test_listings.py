"""The defaulter list (人社部令45) and the publication of major violations (部令29)
(wagecases/listings.py): who the daily check proposes, on which side of each threshold, the
procedure from notice to decision, the term, early and term-end removal, who sees what, and
the Celery task. Dates a service refuses in the future are reached by opening cases in the
past, or by moving a stored date back with a queryset update ("time passes")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bureau.models import Notification, User, Worker
from tests.wagecases.conftest import claims_of, codes, days_ago, today
from wagecases import listings, services
from wagecases.listings import InvalidListingAct
from wagecases.models import Event, Listing, ListingKind, ListingStatus, WageCase
from wagecases.tasks import review_listings

D = Decimal
DEFAULTER, MAJOR = ListingKind.DEFAULTER, ListingKind.MAJOR_VIOLATION

pytestmark = pytest.mark.django_db

THREE_MONTHS = (dt.date(2026, 3, 1), dt.date(2026, 5, 31))
JUST_SHORT = (dt.date(2026, 3, 1), dt.date(2026, 5, 30))  # 2 months and 30 days
NO_PERIOD: tuple[None, None] = (None, None)


def on(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def backdate(listing: Listing, day: dt.date) -> None:
    """The system proposed the listing on `day` (its notice may then be dated from that day)."""
    Listing.objects.filter(pk=listing.pk).update(proposed_at=on(day))


def found(county: Any, when: dt.date | None = None) -> dict[str, Any]:
    """{kind: candidate} of a county."""
    result = {c.kind: c for c in listings.candidates(county, when)}
    assert len(result) == len(listings.candidates(county, when))
    return result


def stored() -> dict[str, Any]:
    return {
        "listings": list(
            Listing.objects.order_by("id").values_list(
                "id",
                "status",
                "notified_on",
                "objection_received_on",
                "decided_on",
                "decision_due",
                "end_on",
                "removal_requested_on",
                "removed_on",
            )
        ),
        "events": Event.objects.filter(listing__isnull=False).count(),
    }


@pytest.fixture
def owed(staff: dict[str, User], employer_a: Any) -> Callable[..., WageCase]:
    """owed([(worker, amount, (from, to)), ...]): a case of employer_a, each claim confirmed at
    the amount claimed, with an order to pay whose deadline has passed (ordered 2026-09-28, due
    2026-10-10) unless `order` says "none" or "running" (due today)."""

    def make(
        claims: Sequence[tuple[Worker, str, tuple[dt.date | None, dt.date | None]]],
        *,
        order: str = "passed",
        opened_on: dt.date = dt.date(2026, 9, 1),
        ordered_on: dt.date = dt.date(2026, 9, 28),
        employer: Any = None,
    ) -> WageCase:
        by = staff["inspector_a"]
        case = services.wagecase_open(
            by=by,
            employer=employer or employer_a,
            claims=[(worker, D(amount), start, end) for worker, amount, (start, end) in claims],
            opened_on=opened_on,
        )
        for claim in claims_of(case):
            services.claim_confirm(by=by, claim=claim, amount_confirmed=claim.amount_claimed)
        if order == "passed":
            services.wagecase_order_payment(by=by, case=case, ordered_on=ordered_on, working_days=5)
        elif order == "running":
            services.wagecase_order_payment(by=by, case=case, ordered_on=today(), due_on=today())
        return WageCase.objects.get(pk=case.pk)

    return make


@pytest.fixture
def listed(staff: dict[str, User], tree: Any, owed: Callable[..., WageCase], workers_a: list[Worker]):
    """listed(kind, end_on=None): employer_a on the list, through the whole procedure: proposed
    on 2026-10-12, told the same day (objection due 2026-10-19), listed on 2026-10-20."""

    def make(kind: str = DEFAULTER, end_on: dt.date | None = None) -> Listing:
        owed([(workers_a[0], "6000.00", THREE_MONTHS)])
        listing = next(item for item in listings.propose_due(tree.county_a) if item.kind == kind)
        backdate(listing, dt.date(2026, 10, 12))
        listings.listing_notify(by=staff["inspector_a"], listing=listing, notified_on=dt.date(2026, 10, 12))
        return listings.listing_decide(
            by=staff["head_a"],
            listing=listing,
            listed=True,
            note="逾期未支付，列入",
            decided_on=dt.date(2026, 10, 20),
            end_on=end_on,
        )

    return make


# --- criteria ----------------------------------------------------------------------------


def test_one_worker_owed_the_threshold_for_three_months_after_an_unmet_order(tree, owed, workers_a):
    case = owed([(workers_a[0], "5000.00", THREE_MONTHS), (workers_a[1], "120.00", NO_PERIOD)])
    result = found(tree.county_a)
    defaulter, major = result[DEFAULTER], result[MAJOR]
    assert defaulter.criteria == ["order_unmet", "crime_threshold"]
    assert (defaulter.amount_owed, defaulter.workers_owed, defaulter.cases) == (D("5120.00"), 2, [case])
    assert major.criteria == ["crime_threshold"]
    assert (major.amount_owed, major.workers_owed) == (D("5120.00"), 2)


@pytest.mark.parametrize(
    ("amount", "period", "proposed"),
    [
        ("4999.99", THREE_MONTHS, False),
        ("5000.00", THREE_MONTHS, True),
        ("5000.00", JUST_SHORT, False),
        ("90000.00", NO_PERIOD, False),  # a period unknown cannot count three months
    ],
)
def test_the_single_worker_threshold_has_two_sides(amount, period, proposed, tree, owed, workers_a):
    owed([(workers_a[0], amount, period)])
    assert set(found(tree.county_a)) == ({DEFAULTER, MAJOR} if proposed else set())


@pytest.mark.parametrize(("amount", "proposed"), [("19999.99", False), ("20000.00", True)])
def test_the_province_sets_the_single_worker_amount(amount, proposed, settings, tree, owed, workers_a):
    settings.WAGE_CRIME_SINGLE_YUAN = 20000
    owed([(workers_a[0], amount, THREE_MONTHS)])
    assert set(found(tree.county_a)) == ({DEFAULTER, MAJOR} if proposed else set())


@pytest.mark.parametrize(
    ("amounts", "proposed"),
    [
        (["3000.00"] * 10, True),  # 10 workers, 30,000 in total
        (["3400.00"] * 9, False),  # 30,600 in total, but 9 workers
        (["3000.00"] * 9 + ["2999.99"], False),  # 10 workers, 29,999.99
    ],
)
def test_the_group_threshold_has_two_sides(amounts, proposed, tree, owed, make_workers):
    workers = make_workers(len(amounts))
    owed([(w, a, NO_PERIOD) for w, a in zip(workers, amounts, strict=True)])
    result = found(tree.county_a)
    assert set(result) == ({DEFAULTER, MAJOR} if proposed else set())
    if proposed:
        assert (result[DEFAULTER].amount_owed, result[DEFAULTER].workers_owed) == (D("30000.00"), 10)


def test_workers_are_counted_once_across_the_employers_cases(tree, owed, make_workers):
    # five workers, each owed 3,000 on two cases: 30,000 in total, but 5 workers, not 10
    workers = make_workers(5)
    owed([(w, "3000.00", NO_PERIOD) for w in workers])
    owed([(w, "3000.00", NO_PERIOD) for w in workers])
    assert found(tree.county_a) == {}


def test_the_group_threshold_adds_up_the_employers_cases(tree, owed, make_workers):
    workers = make_workers(10)
    first = owed([(w, "3000.00", NO_PERIOD) for w in workers[:5]])
    second = owed([(w, "3000.00", NO_PERIOD) for w in workers[5:]])
    defaulter = found(tree.county_a)[DEFAULTER]
    assert (defaulter.amount_owed, defaulter.workers_owed, defaulter.cases) == (D("30000.00"), 10, [first, second])


@pytest.mark.parametrize("order", ["none", "running"])
def test_no_defaulter_without_an_order_whose_deadline_passed(order, tree, owed, workers_a):
    owed([(workers_a[0], "8000.00", THREE_MONTHS)], order=order)
    result = found(tree.county_a)
    assert set(result) == {MAJOR}  # the amount alone is a major violation
    assert result[MAJOR].criteria == ["crime_threshold"]


def test_the_day_after_the_deadline_the_order_is_unmet(tree, owed, workers_a):
    owed([(workers_a[0], "8000.00", THREE_MONTHS)])  # due 2026-10-10
    assert set(found(tree.county_a, dt.date(2026, 10, 10))) == {MAJOR}
    assert set(found(tree.county_a, dt.date(2026, 10, 11))) == {DEFAULTER, MAJOR}


def test_a_mass_incident_counts_whatever_the_amount(staff, tree, owed, workers_a):
    case = owed([(workers_a[0], "100.00", NO_PERIOD)])
    assert found(tree.county_a) == {}
    services.wagecase_mark_incident(by=staff["inspector_a"], case=case, note="工人聚集堵路讨薪")
    result = found(tree.county_a)
    assert result[DEFAULTER].criteria == ["order_unmet", "mass_incident"]
    assert result[MAJOR].criteria == ["mass_incident"]
    assert result[DEFAULTER].amount_owed == D("100.00")


def test_a_mass_incident_without_an_unmet_order_is_a_major_violation_only(staff, tree, owed, workers_a):
    case = owed([(workers_a[0], "100.00", NO_PERIOD)], order="none")
    services.wagecase_mark_incident(by=staff["inspector_a"], case=case, note="工人聚集堵路讨薪")
    assert {kind: c.criteria for kind, c in found(tree.county_a).items()} == {MAJOR: ["mass_incident"]}


def test_nothing_once_the_employer_paid(staff, tree, owed, workers_a, pay):
    case = owed([(workers_a[0], "5000.00", THREE_MONTHS)])
    claim = claims_of(case)[0]
    pay(case, (claim, "0.01", "wages"))  # 4,999.99 still owed: below the threshold
    assert found(tree.county_a) == {}
    pay(case, (claim, "4999.99", "wages"))
    services.wagecase_close(by=staff["head_a"], case=case)
    assert found(tree.county_a) == {}
    assert listings.propose_due(tree.county_a) == []


def test_a_case_transferred_to_public_security_is_a_major_violation(staff, tree, owed, workers_a):
    police = owed([(workers_a[0], "300.00", NO_PERIOD)], order="none")
    services.wagecase_close(
        by=staff["head_a"], case=police, transferred_to="public_security", note="涉嫌拒不支付劳动报酬罪"
    )
    assert {kind: c.criteria for kind, c in found(tree.county_a).items()} == {MAJOR: ["transferred_public_security"]}


def test_a_case_transferred_to_court_is_not(staff, tree, owed, workers_a):
    court = owed([(workers_a[0], "300.00", NO_PERIOD)], order="none")
    services.wagecase_close(by=staff["head_a"], case=court, transferred_to="court")
    assert found(tree.county_a) == {}


def test_another_countys_cases_are_its_own(tree, owed, workers_a):
    owed([(workers_a[0], "6000.00", THREE_MONTHS)])
    assert found(tree.county_b) == {}


# --- the daily proposal ------------------------------------------------------------------


def test_the_daily_check_proposes_once_and_tells_the_countys_heads(staff, tree, owed, workers_a):
    case = owed([(workers_a[0], "6000.00", THREE_MONTHS)])
    created = listings.propose_due(tree.county_a)
    assert sorted(listing.kind for listing in created) == sorted([DEFAULTER, MAJOR])
    defaulter = Listing.objects.get(kind=DEFAULTER)
    assert (defaulter.status, defaulter.county, defaulter.employer.name, defaulter.proposed_by) == (
        ListingStatus.PROPOSED,
        tree.county_a,
        "东湖建设有限公司",
        None,
    )
    assert (defaulter.amount_owed, defaulter.workers_owed, defaulter.criteria) == (
        D("6000.00"),
        1,
        ["order_unmet", "crime_threshold"],
    )
    assert list(defaulter.wage_cases.all()) == [case]
    assert case.number in defaulter.facts and "6000.00" in defaulter.facts
    assert [(e.action, e.by) for e in defaulter.events.all()] == [("propose", None)]
    notified = sorted(Notification.objects.filter(kind="listing_proposed").values_list("user__username", flat=True))
    # the heads whose region covers county A, one notice per proposal; nobody else
    assert notified == sorted(["head_a", "head_a", "bureau_head_a", "bureau_head_a", "city_head", "city_head"])
    before = (stored(), Notification.objects.count())
    assert listings.propose_due(tree.county_a) == []
    assert listings.propose_due() == []  # every county
    assert (stored(), Notification.objects.count()) == before


def test_an_employer_already_proposed_by_hand_is_not_proposed_again(staff, tree, owed, workers_a, employer_a):
    case = owed([(workers_a[0], "6000.00", THREE_MONTHS)])
    by_hand = listings.listing_propose(
        by=staff["inspector_a"], employer=employer_a, kind=DEFAULTER, facts="逾期未支付工资", wage_cases=[case]
    )
    assert (by_hand.criteria, by_hand.proposed_by, by_hand.amount_owed) == (
        ["manual"],
        staff["inspector_a"],
        D("6000.00"),
    )
    assert [listing.kind for listing in listings.propose_due(tree.county_a)] == [MAJOR]
    assert Listing.objects.filter(kind=DEFAULTER).count() == 1


def test_a_proposal_a_head_refused_is_not_made_again_until_a_new_case(staff, tree, owed, workers_a):
    owed([(workers_a[0], "6000.00", THREE_MONTHS)])
    listing = next(item for item in listings.propose_due(tree.county_a) if item.kind == DEFAULTER)
    backdate(listing, dt.date(2026, 10, 12))
    listings.listing_notify(by=staff["inspector_a"], listing=listing, notified_on=dt.date(2026, 10, 12))
    listings.listing_decide(
        by=staff["head_a"], listing=listing, listed=False, note="已部分支付，暂不列入", decided_on=dt.date(2026, 10, 20)
    )
    assert Listing.objects.get(pk=listing.pk).status == ListingStatus.REJECTED
    assert listings.propose_due(tree.county_a) == []
    second = owed([(workers_a[1], "6000.00", THREE_MONTHS)])
    [again] = listings.propose_due(tree.county_a)
    assert again.kind == DEFAULTER
    assert set(again.wage_cases.all()) == {*listing.wage_cases.all(), second}
    assert again.amount_owed == D("12000.00")


# --- notice, objection, decision ---------------------------------------------------------


def test_the_notice_sets_the_objection_and_decision_deadlines_on_the_official_calendar(staff, tree, owed, workers_a):
    owed([(workers_a[0], "6000.00", THREE_MONTHS)])
    listing = Listing.objects.get(pk=listings.propose_due(tree.county_a)[0].pk)
    backdate(listing, dt.date(2026, 9, 28))
    before = stored()
    with pytest.raises(ValidationError) as info:
        listings.listing_notify(by=staff["inspector_a"], listing=listing, notified_on=dt.date(2026, 9, 27))
    assert codes(info.value) == {"notified_on": ["too_early"]}
    with pytest.raises(ValidationError) as info:
        listings.listing_notify(by=staff["inspector_a"], listing=listing, notified_on=today() + dt.timedelta(days=1))
    assert codes(info.value) == {"notified_on": ["date_in_future"]}
    assert stored() == before
    notified = listings.listing_notify(by=staff["inspector_a"], listing=listing, notified_on=dt.date(2026, 9, 28))
    # National Day: +5 working days ends on the make-up Saturday 10 October; +20 on 30 October
    assert (notified.status, notified.notified_on, notified.objection_due, notified.decision_due) == (
        ListingStatus.NOTIFIED,
        dt.date(2026, 9, 28),
        dt.date(2026, 10, 10),
        dt.date(2026, 10, 30),
    )
    assert notified.events.last().action == "notify"


@pytest.fixture
def notified(staff, tree, owed, workers_a) -> Callable[[str], Listing]:
    """notified(kind): employer_a proposed and told on 2026-10-12; objections due 2026-10-19."""

    def make(kind: str = DEFAULTER) -> Listing:
        owed([(workers_a[0], "6000.00", THREE_MONTHS)])
        listing = next(item for item in listings.propose_due(tree.county_a) if item.kind == kind)
        backdate(listing, dt.date(2026, 10, 12))
        notice = listings.listing_notify(by=staff["inspector_a"], listing=listing, notified_on=dt.date(2026, 10, 12))
        assert (notice.objection_due, notice.decision_due) == (dt.date(2026, 10, 19), dt.date(2026, 11, 9))
        return notice

    return make


def test_no_decision_while_the_employer_may_still_object(staff, notified):
    listing = notified()
    before = stored()
    with pytest.raises(ValidationError) as info:
        listings.listing_decide(
            by=staff["head_a"], listing=listing, listed=True, note="列入", decided_on=dt.date(2026, 10, 19)
        )
    assert codes(info.value) == {"decided_on": ["objection_period"]}
    assert stored() == before
    decided = listings.listing_decide(
        by=staff["head_a"], listing=listing, listed=True, note="期满无异议，列入", decided_on=dt.date(2026, 10, 20)
    )
    assert (decided.status, decided.decided_by, decided.decided_on) == (
        ListingStatus.LISTED,
        staff["head_a"],
        dt.date(2026, 10, 20),
    )
    event = decided.events.last()
    assert (event.action, event.data["listed"], event.data["late"]) == ("decide", True, False)


def test_an_objection_reviewed_allows_an_early_decision(staff, notified):
    listing = notified()
    listings.listing_record_objection(
        by=staff["inspector_a"],
        listing=listing,
        received_on=dt.date(2026, 10, 14),
        objection="已与工人达成还款计划",
        result="还款计划未履行，异议不成立",
    )
    decided = listings.listing_decide(
        by=staff["head_a"], listing=listing, listed=False, note="暂不列入", decided_on=dt.date(2026, 10, 15)
    )
    assert (decided.status, decided.objection_received_on, decided.start_on) == (
        ListingStatus.REJECTED,
        dt.date(2026, 10, 14),
        None,
    )


@pytest.mark.parametrize(
    ("received_on", "objection", "result", "field", "code"),
    [
        (dt.date(2026, 10, 20), "异议", "复核", "received_on", "objection_late"),
        (dt.date(2026, 10, 11), "异议", "复核", "received_on", "too_early"),
        (dt.date(2026, 10, 19), " ", "复核", "objection", "required"),
        (dt.date(2026, 10, 19), "异议", "", "result", "required"),
    ],
)
def test_a_late_or_empty_objection_is_refused(received_on, objection, result, field, code, staff, notified):
    listing = notified()
    before = stored()
    with pytest.raises(ValidationError) as info:
        listings.listing_record_objection(
            by=staff["inspector_a"], listing=listing, received_on=received_on, objection=objection, result=result
        )
    assert codes(info.value) == {field: [code]}
    assert stored() == before


def test_an_objection_on_the_last_day_is_in_time(staff, notified):
    listing = notified()
    recorded = listings.listing_record_objection(
        by=staff["inspector_a"], listing=listing, received_on=dt.date(2026, 10, 19), objection="异议", result="复核"
    )
    assert recorded.objection_received_on == dt.date(2026, 10, 19)


def test_a_listing_runs_three_years_less_a_day_from_the_decision(listed):
    listing = listed()
    assert (listing.status, listing.start_on, listing.end_on) == (
        ListingStatus.LISTED,
        dt.date(2026, 10, 20),
        dt.date(2029, 10, 19),
    )
    assert Listing.objects.in_force(dt.date(2029, 10, 19)).filter(pk=listing.pk).exists()
    assert not Listing.objects.in_force(dt.date(2029, 10, 20)).exists()


def test_a_defaulters_term_cannot_be_changed(staff, notified):
    listing = notified()
    before = stored()
    with pytest.raises(ValidationError) as info:
        listings.listing_decide(
            by=staff["head_a"],
            listing=listing,
            listed=True,
            note="列入",
            decided_on=dt.date(2026, 10, 20),
            end_on=dt.date(2027, 10, 19),
        )
    assert codes(info.value) == {"end_on": ["fixed_term"]}
    assert stored() == before
    same = listings.listing_decide(
        by=staff["head_a"],
        listing=listing,
        listed=True,
        note="列入",
        decided_on=dt.date(2026, 10, 20),
        end_on=dt.date(2029, 10, 19),
    )
    assert same.end_on == dt.date(2029, 10, 19)


def test_a_major_violations_publication_may_be_shortened_not_lengthened(staff, notified):
    listing = notified(MAJOR)
    for end_on in (dt.date(2029, 10, 20), dt.date(2026, 10, 19)):
        before = stored()
        with pytest.raises(ValidationError) as info:
            listings.listing_decide(
                by=staff["head_a"],
                listing=listing,
                listed=True,
                note="公布",
                decided_on=dt.date(2026, 10, 20),
                end_on=end_on,
            )
        assert codes(info.value) == {"end_on": ["out_of_range"]}
        assert stored() == before
    decided = listings.listing_decide(
        by=staff["head_a"],
        listing=listing,
        listed=True,
        note="公布一个季度",
        decided_on=dt.date(2026, 10, 20),
        end_on=dt.date(2027, 1, 19),
    )
    assert (decided.start_on, decided.end_on) == (dt.date(2026, 10, 20), dt.date(2027, 1, 19))


def test_the_decision_period_is_extended_once_by_a_head(staff, notified):
    listing = notified()
    before = stored()
    with pytest.raises(PermissionDenied):
        listings.listing_extend(by=staff["inspector_a"], listing=listing, note="案情复杂")
    with pytest.raises(ValidationError) as info:
        listings.listing_extend(by=staff["head_a"], listing=listing, note=" ")
    assert codes(info.value) == {"note": ["required"]}
    assert stored() == before
    extended = listings.listing_extend(by=staff["head_a"], listing=listing, note="案情复杂")
    assert (extended.decision_due, extended.decision_extended) == (dt.date(2026, 12, 7), True)
    before = stored()
    with pytest.raises(ValidationError) as info:
        listings.listing_extend(by=staff["bureau_head_a"], listing=listing, note="再延")
    assert codes(info.value) == {"listing": ["already_extended"]}
    assert stored() == before


def test_only_heads_decide(staff, notified):
    listing = notified()
    with pytest.raises(PermissionDenied):
        listings.listing_decide(
            by=staff["inspector_a"], listing=listing, listed=True, note="列入", decided_on=dt.date(2026, 10, 20)
        )
    assert Listing.objects.get(pk=listing.pk).status == ListingStatus.NOTIFIED


# --- removal -----------------------------------------------------------------------------


@pytest.fixture
def listed_last_winter(staff, tree, owed, workers_a) -> Listing:
    """A defaulter listed on 2026-01-05: case opened 2025-12-01 (6,000 owed for June to August
    2025), ordered to pay by 2025-12-12, proposed and told 2025-12-15."""
    owed(
        [(workers_a[0], "6000.00", (dt.date(2025, 6, 1), dt.date(2025, 8, 31)))],
        order="none",
        opened_on=dt.date(2025, 12, 1),
    )
    case = WageCase.objects.get()
    services.wagecase_order_payment(
        by=staff["inspector_a"], case=case, ordered_on=dt.date(2025, 12, 2), due_on=dt.date(2025, 12, 12)
    )
    listing = next(item for item in listings.propose_due(tree.county_a) if item.kind == DEFAULTER)
    backdate(listing, dt.date(2025, 12, 15))
    listings.listing_notify(by=staff["inspector_a"], listing=listing, notified_on=dt.date(2025, 12, 15))
    return listings.listing_decide(
        by=staff["head_a"], listing=listing, listed=True, note="列入", decided_on=dt.date(2026, 1, 5)
    )


def test_early_removal_is_asked_six_months_after_paying_with_a_pledge(staff, listed_last_winter, pay):
    listing = listed_last_winter
    assert listing.end_on == dt.date(2029, 1, 4)

    def ask(**kwargs: Any) -> Listing:
        fields = {"requested_on": dt.date(2026, 7, 10), "pledge": True, "note": "已全部清偿", **kwargs}
        return listings.listing_request_removal(by=staff["inspector_a"], listing=listing, **fields)

    before = stored()
    with pytest.raises(ValidationError) as info:
        ask()
    assert codes(info.value) == {"listing": ["not_paid"]}
    case = listing.wage_cases.get()
    pay(case, (claims_of(case)[0], "6000.00", "wages"), paid_on=dt.date(2026, 1, 10))
    for kwargs, field, code in (
        ({"pledge": False}, "pledge", "pledge_required"),
        ({"requested_on": dt.date(2026, 7, 9)}, "requested_on", "too_early"),
    ):
        with pytest.raises(ValidationError) as info:
            ask(**kwargs)
        assert codes(info.value) == {field: [code]}
    assert stored() == before
    asked = ask()
    assert (asked.removal_requested_on, asked.removal_pledge, asked.removal_due, asked.status) == (
        dt.date(2026, 7, 10),
        True,
        dt.date(2026, 7, 31),  # 15 working days
        ListingStatus.LISTED,
    )
    with pytest.raises(ValidationError) as info:
        ask(requested_on=dt.date(2026, 7, 11))
    assert codes(info.value) == {"listing": ["already_requested"]}
    with pytest.raises(PermissionDenied):  # heads decide
        listings.listing_remove(by=staff["inspector_a"], listing=listing, kind="early", note="信用修复")
    removed = listings.listing_remove(
        by=staff["head_a"], listing=listing, kind="early", note="信用修复", removed_on=dt.date(2026, 7, 20)
    )
    assert (removed.status, removed.removal_kind, removed.removed_on, removed.removed_by) == (
        ListingStatus.REMOVED,
        "early",
        dt.date(2026, 7, 20),
        staff["head_a"],
    )
    assert not Listing.objects.in_force(dt.date(2026, 7, 21)).exists()


def test_a_refused_request_may_be_made_again(staff, listed_last_winter, pay):
    listing = listed_last_winter
    case = listing.wage_cases.get()
    pay(case, (claims_of(case)[0], "6000.00", "wages"), paid_on=dt.date(2026, 1, 10))
    listings.listing_request_removal(
        by=staff["inspector_a"], listing=listing, requested_on=dt.date(2026, 7, 10), pledge=True
    )
    refused = listings.listing_refuse_removal(by=staff["head_a"], listing=listing, note="承诺材料不全")
    assert (refused.removal_requested_on, refused.removal_pledge, refused.status) == (None, False, ListingStatus.LISTED)
    again = listings.listing_request_removal(
        by=staff["inspector_a"], listing=listing, requested_on=dt.date(2026, 8, 3), pledge=True
    )
    assert again.removal_requested_on == dt.date(2026, 8, 3)


def test_no_early_removal_without_a_request(staff, listed):
    listing = listed()
    before = stored()
    with pytest.raises(ValidationError) as info:
        listings.listing_remove(by=staff["head_a"], listing=listing, kind="early", note="已清偿")
    assert codes(info.value) == {"kind": ["no_request"]}
    assert stored() == before


def test_a_major_violation_has_no_early_removal_request(staff, listed):
    listing = listed(MAJOR)
    with pytest.raises(ValidationError) as info:
        listings.listing_request_removal(by=staff["inspector_a"], listing=listing, requested_on=today(), pledge=True)
    assert codes(info.value) == {"listing": ["not_defaulter"]}


def test_a_listing_leaves_at_term_end_only_after_its_end(staff, listed):
    listing = listed()
    before = stored()
    with pytest.raises(ValidationError) as info:
        listings.listing_remove(by=staff["head_a"], listing=listing, kind="term_end", note="")
    assert codes(info.value) == {"kind": ["term_running"]}
    assert stored() == before
    Listing.objects.filter(pk=listing.pk).update(end_on=days_ago(1))  # time passes
    removed = listings.listing_remove(by=staff["head_a"], listing=listing, kind="term_end", note="")
    assert (removed.status, removed.removal_kind, removed.removed_on) == (ListingStatus.REMOVED, "term_end", today())


def test_a_wrong_listing_is_revoked_with_a_note(staff, listed):
    listing = listed()
    with pytest.raises(ValidationError) as info:
        listings.listing_remove(by=staff["head_a"], listing=listing, kind="revoked", note="")
    assert codes(info.value) == {"note": ["required"]}
    revoked = listings.listing_remove(by=staff["head_a"], listing=listing, kind="revoked", note="主体认定错误")
    assert (revoked.status, revoked.removal_kind) == (ListingStatus.REMOVED, "revoked")


def test_the_daily_task_removes_listings_whose_term_ended_once(staff, listed):
    listing = listed()
    assert listings.expire_due() == 0
    Listing.objects.filter(pk=listing.pk).update(end_on=days_ago(1))
    assert listings.expire_due() == 1
    listing.refresh_from_db()
    assert (listing.status, listing.removal_kind, listing.removed_on, listing.removed_by) == (
        ListingStatus.REMOVED,
        "term_end",
        today(),
        None,
    )
    assert [(e.action, e.by) for e in listing.events.order_by("id")][-1] == ("remove", None)
    before = stored()
    assert listings.expire_due() == 0
    assert stored() == before


def test_a_listing_ending_today_stays_until_tomorrow(listed):
    listing = listed()
    Listing.objects.filter(pk=listing.pk).update(end_on=today())
    assert listings.expire_due() == 0
    assert listings.expire_due(today() + dt.timedelta(days=1)) == 1


# --- the lifecycle table -----------------------------------------------------------------


def test_acts_from_the_wrong_status_are_refused(staff, tree, owed, workers_a, listed):
    listing = listed()  # listed
    proposed = Listing.objects.get(kind=MAJOR)  # proposed along with it, not yet told
    attempts = [
        (
            proposed,
            "decide",
            lambda: listings.listing_decide(by=staff["head_a"], listing=proposed, listed=True, note="x"),
        ),
        (proposed, "extend", lambda: listings.listing_extend(by=staff["head_a"], listing=proposed, note="x")),
        (
            proposed,
            "remove",
            lambda: listings.listing_remove(by=staff["head_a"], listing=proposed, kind="revoked", note="x"),
        ),
        (listing, "notify", lambda: listings.listing_notify(by=staff["inspector_a"], listing=listing)),
        (
            listing,
            "record_objection",
            lambda: listings.listing_record_objection(
                by=staff["inspector_a"], listing=listing, received_on=None, objection="x", result="y"
            ),
        ),
        (listing, "withdraw", lambda: listings.listing_withdraw(by=staff["head_a"], listing=listing, note="x")),
        (
            listing,
            "decide",
            lambda: listings.listing_decide(by=staff["head_a"], listing=listing, listed=False, note="x"),
        ),
    ]
    before = stored()
    for target, act, attempt in attempts:
        with pytest.raises(InvalidListingAct) as info:
            attempt()
        assert info.value.act == act
        assert info.value.allowed == listings.allowed_acts(target.status)
    assert stored() == before
    assert listings.allowed_acts(ListingStatus.LISTED) == ["request_removal", "refuse_removal", "remove"]
    # a removed listing takes no act at all
    listings.listing_remove(by=staff["head_a"], listing=listing, kind="revoked", note="错误")
    before = stored()
    with pytest.raises(InvalidListingAct) as info:
        listings.listing_request_removal(by=staff["inspector_a"], listing=listing, requested_on=None, pledge=True)
    assert info.value.allowed == []
    assert stored() == before


# --- who sees what -----------------------------------------------------------------------


def test_window_staff_see_listed_employers_only_and_other_counties_see_none(staff, listed):
    listing = listed()
    proposal = Listing.objects.get(kind=MAJOR)

    def seen(who: str) -> set[int]:
        return set(Listing.objects.visible_to(staff[who]).values_list("pk", flat=True))

    assert seen("window_a") == {listing.pk}
    assert seen("inspector_a") == seen("head_a") == seen("city_head") == {listing.pk, proposal.pk}
    for who in ("window_b", "inspector_b", "head_b", "admin_a", "nobody"):
        assert seen(who) == set()
    with pytest.raises(Listing.DoesNotExist):
        listings.listing_notify(by=staff["inspector_b"], listing=proposal)


# --- the Celery task ---------------------------------------------------------------------


def test_the_daily_task_reports_what_it_did(tree, owed, workers_a, staff):
    owed([(workers_a[0], "6000.00", THREE_MONTHS)])
    assert review_listings() == {"expired": 0, "proposed": 2}
    assert review_listings() == {"expired": 0, "proposed": 0}
    assert Listing.objects.filter(status=ListingStatus.PROPOSED).count() == 2
    assert "拟列入" in Notification.objects.filter(user=staff["head_a"]).first().title


def test_an_employer_whose_term_ended_is_not_proposed_again_on_the_same_cases(listed):
    listing = listed(MAJOR, end_on=dt.date(2027, 1, 19))
    Listing.objects.filter(pk=listing.pk).update(end_on=days_ago(1))  # the quarter is over
    # (the defaulter proposal of the same cases is still pending: live, so not proposed again)
    assert review_listings() == {"expired": 1, "proposed": 0}
    assert Listing.objects.filter(kind=MAJOR).count() == 1


def test_a_revoked_listing_is_not_proposed_again_on_the_same_cases(staff, listed, owed, workers_a):
    listing = listed()
    listings.listing_remove(by=staff["head_a"], listing=listing, kind="revoked", note="主体认定错误")
    assert listings.propose_due() == []
    owed([(workers_a[1], "6000.00", THREE_MONTHS)])  # new facts: a new case
    assert [item.kind for item in listings.propose_due()] == [DEFAULTER]
