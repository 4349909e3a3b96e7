"""The acts on an open wage case beyond money: assigning inspectors, adding a worker, linking
the construction project, ordering payment by a deadline (on the official calendar), ordering
the general contractor to pay first, recording a mass incident. Each act writes one timeline
event; a refused call changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bureau import services as core
from tests.conftest import make_id_number
from tests.wagecases.conftest import claims_of, code_of, codes, rows, today
from wagecases import projects, selectors, services
from wagecases.models import Claim, Event, Payment, Project, WageCase

D = Decimal

pytestmark = pytest.mark.django_db

SEPT_1 = dt.date(2026, 9, 1)


def state(case: WageCase) -> dict[str, Any]:
    """Everything an act on `case` may change: rows, events, the case's own fields."""
    return {
        **rows(),
        "events": list(Event.objects.order_by("id").values_list("id", "action")),
        "case": WageCase.objects.filter(pk=case.pk)
        .values(
            "project",
            "payment_ordered_on",
            "payment_due",
            "contractor_ordered_on",
            "mass_incident",
            "status",
            "updated_at",
        )
        .get(),
        "inspectors": sorted(WageCase.objects.get(pk=case.pk).inspectors.values_list("pk", flat=True)),
        "claim_rows": list(Claim.objects.order_by("id").values_list("id", "worker", "amount_claimed")),
    }


def events_since(before: dict[str, Any]) -> list[Event]:
    known = {pk for pk, _ in before["events"]}
    return [e for e in Event.objects.order_by("id") if e.pk not in known]


def refused(case: WageCase, call: Any) -> ValidationError:
    """Run a call that must be refused with a ValidationError and change nothing."""
    before = state(case)
    with pytest.raises(ValidationError) as info:
        call()
    assert state(case) == before
    return info.value


@pytest.fixture
def chain_project(project: Project, staff, employer_a) -> Project:
    """The project fixture with employer_a as a subcontractor under its general contractor."""
    projects.party_add(by=staff["inspector_a"], project=project, role="subcontractor", employer=employer_a)
    return project


# --- assigning inspectors ----------------------------------------------------------------


def test_a_case_is_assigned_to_two_inspectors_of_its_county(make_wagecase, staff, inspector_a2):
    case = make_wagecase()
    assert refused(
        case, lambda: services.wagecase_assign(by=staff["inspector_a"], case=case, inspectors=[staff["inspector_a"]])
    ).error_dict.keys() == {"inspectors"}
    for chosen, code in (
        ([staff["inspector_a"], staff["inspector_a"]], "two_inspectors"),  # the same man twice is one
        ([staff["inspector_a"], staff["inspector_b"]], "not_inspector"),  # of another county
        ([staff["inspector_a"], staff["window_a"]], "not_inspector"),  # not an inspector
    ):
        error = refused(case, lambda c=chosen: services.wagecase_assign(by=staff["head_a"], case=case, inspectors=c))
        assert codes(error) == {"inspectors": [code]}
    before = state(case)
    assigned = services.wagecase_assign(
        by=staff["inspector_a"], case=case, inspectors=[staff["inspector_a"], inspector_a2]
    )
    assert set(assigned.inspectors.all()) == {staff["inspector_a"], inspector_a2}
    [event] = events_since(before)
    assert (event.action, event.case_id, event.by) == ("assign", case.pk, staff["inspector_a"])
    assert event.data == {"inspectors": ["inspector_a", "inspector_a2"]}


def test_only_a_head_reassigns_a_case(make_wagecase, staff, inspector_a2):
    case = make_wagecase()
    services.wagecase_assign(by=staff["inspector_a"], case=case, inspectors=[staff["inspector_a"], inspector_a2])
    before = state(case)
    with pytest.raises(PermissionDenied):
        services.wagecase_assign(by=staff["inspector_a"], case=case, inspectors=[inspector_a2, staff["head_a"]])
    assert state(case) == before
    services.wagecase_assign(by=staff["head_a"], case=case, inspectors=[inspector_a2, staff["head_a"]])
    assert set(WageCase.objects.get(pk=case.pk).inspectors.all()) == {inspector_a2, staff["head_a"]}


def test_once_assigned_only_the_assigned_inspectors_and_heads_handle_the_case(make_wagecase, staff, inspector_a2, pay):
    case = make_wagecase(confirmed=["8000.00", "4000.50"])
    first = claims_of(case)[0]
    services.wagecase_assign(by=staff["head_a"], case=case, inspectors=[inspector_a2, staff["bureau_head_a"]])
    before = state(case)
    with pytest.raises(PermissionDenied):
        pay(case, (first, "100.00", "wages"), by="inspector_a")
    with pytest.raises(PermissionDenied):
        services.wagecase_mark_incident(by=staff["inspector_a"], case=case, note="工人聚集讨薪")
    assert state(case) == before
    # a head of the county, assigned or not, still handles it; so does an assigned inspector
    pay(case, (first, "100.00", "wages"), by="head_a")
    payment = services.payment_record(
        by=inspector_a2,
        case=case,
        paid_on=today(),
        amount="50.00",
        payer="employer",
        method="bank_transfer",
        evidence="回单",
        allocations=[(first, "50.00", "wages")],
    )
    assert payment.recorded_by == inspector_a2
    assert Payment.objects.filter(case=case).count() == 2


# --- adding a worker ---------------------------------------------------------------------


def test_a_worker_found_later_is_added_and_paid(make_wagecase, staff, workers_a, pay):
    case = make_wagecase(claimed=["8000.00"])
    assert codes(
        refused(
            case,
            lambda: services.claim_add(by=staff["inspector_a"], case=case, worker=workers_a[0], amount_claimed="1"),
        )
    ) == {"worker": ["duplicate"]}
    before = state(case)
    claim = services.claim_add(
        by=staff["inspector_a"],
        case=case,
        worker=workers_a[2],
        amount_claimed="2500.5",
        period_from=dt.date(2026, 6, 1),
        period_to=dt.date(2026, 8, 31),
    )
    assert (claim.case, claim.worker, claim.amount_claimed, claim.amount_confirmed, claim.period_to) == (
        case,
        workers_a[2],
        D("2500.50"),
        None,
        dt.date(2026, 8, 31),
    )
    [event] = events_since(before)
    assert (event.action, event.data) == (
        "add_claim",
        {"worker": workers_a[2].name, "claim": claim.pk, "amount": "2500.50"},
    )
    services.claim_confirm(by=staff["inspector_a"], claim=claim, amount_confirmed="2500.50")
    pay(case, (claim, "2500.50", "wages"))
    assert {t.worker_id: t.outstanding for t in selectors.claim_totals(case)}[workers_a[2].pk] == D("0.00")


def test_a_worker_of_another_county_or_a_bad_amount_is_not_added(make_wagecase, staff):
    case = make_wagecase()
    stranger, _ = core.worker_register(
        by=staff["window_b"], name="西山工人", id_number=make_id_number("339902", seq="911")
    )
    assert codes(
        refused(
            case, lambda: services.claim_add(by=staff["inspector_a"], case=case, worker=stranger, amount_claimed="1")
        )
    ) == {"worker": ["does_not_exist"]}
    newcomer, _ = core.worker_register(by=staff["window_a"], name="新工人", id_number=make_id_number(seq="912"))
    for kwargs, field, code in (
        ({"amount_claimed": "-1"}, "amount_claimed", "min_value"),
        ({"amount_claimed": "1", "period_to": today() + dt.timedelta(days=1)}, "period_to", "date_in_future"),
        (
            {"amount_claimed": "1", "period_from": dt.date(2026, 5, 1), "period_to": dt.date(2026, 4, 30)},
            "period_to",
            "period_order",
        ),
    ):
        error = refused(
            case,
            lambda k=kwargs: services.claim_add(by=staff["inspector_a"], case=case, worker=newcomer, **k),
        )
        assert codes(error) == {field: [code]}


# --- linking the project -----------------------------------------------------------------


def test_a_case_is_linked_to_a_project_whose_chain_holds_its_employer(make_wagecase, staff, project, employer_a):
    case = make_wagecase()
    assert codes(
        refused(case, lambda: services.wagecase_link_project(by=staff["inspector_a"], case=case, project=project))
    ) == {"project": ["not_in_project"]}
    projects.party_add(by=staff["inspector_a"], project=project, role="subcontractor", employer=employer_a)
    before = state(case)
    linked = services.wagecase_link_project(by=staff["inspector_a"], case=case, project=project)
    assert WageCase.objects.get(pk=case.pk).project == project == linked.project
    [event] = events_since(before)
    assert (event.action, event.data) == ("link_project", {"project": "东湖花园一期"})
    services.wagecase_link_project(by=staff["inspector_a"], case=case, project=None)
    assert WageCase.objects.get(pk=case.pk).project is None


def test_a_project_of_another_county_is_not_linked(make_wagecase, staff, employer_a, make_employer):
    case = make_wagecase()
    # county B's project, with employer_a (known to county B too) as its general contractor
    core.employer_register(by=staff["window_b"], credit_code=employer_a.credit_code, name=employer_a.name)
    foreign = projects.project_create(by=staff["inspector_b"], name="西山大桥", general_contractor=employer_a)
    for who in ("inspector_a", "city_head"):  # the city head sees both counties' projects
        error = refused(case, lambda u=staff[who]: services.wagecase_link_project(by=u, case=case, project=foreign))
        assert codes(error) == {"project": ["does_not_exist"]}


def test_a_case_whose_contractor_paid_first_keeps_its_project(make_wagecase, staff, chain_project, pay):
    case = make_wagecase(confirmed=["8000.00", "4000.50"], project=chain_project)
    pay(case, (claims_of(case)[0], "1000.00", "wages"), payer="general_contractor")
    error = refused(case, lambda: services.wagecase_link_project(by=staff["head_a"], case=case, project=None))
    assert codes(error) == {"project": ["contractor_paid"]}


def test_a_case_whose_contractor_paid_first_is_not_moved_to_another_contractors_project(
    make_wagecase, staff, chain_project, pay, make_employer, employer_a
):
    case = make_wagecase(confirmed=["8000.00", "4000.50"], project=chain_project)
    pay(case, (claims_of(case)[0], "1000.00", "wages"), payer="general_contractor")
    other = projects.project_create(
        by=staff["inspector_a"], name="东湖花园二期", general_contractor=make_employer("另一总包有限公司")
    )
    projects.party_add(by=staff["inspector_a"], project=other, role="subcontractor", employer=employer_a)
    error = refused(case, lambda: services.wagecase_link_project(by=staff["head_a"], case=case, project=other))
    assert codes(error) == {"project": ["contractor_paid"]}


# --- the order to pay --------------------------------------------------------------------


def test_the_deadline_of_an_order_to_pay_counts_official_working_days(make_wagecase, staff):
    case = make_wagecase(opened_on=SEPT_1)
    before = state(case)
    # 2026-09-28 + 5 working days: National Day holiday, then the make-up Saturday 10 October
    ordered = services.wagecase_order_payment(
        by=staff["inspector_a"], case=case, ordered_on=dt.date(2026, 9, 28), working_days=5, note="责令限期支付指令书"
    )
    assert (ordered.payment_ordered_on, ordered.payment_due) == (dt.date(2026, 9, 28), dt.date(2026, 10, 10))
    [event] = events_since(before)
    assert (event.action, event.on_date, event.note) == ("order_payment", dt.date(2026, 9, 28), "责令限期支付指令书")
    assert event.data == {"due_on": "2026-10-10", "provisional": False}


def test_an_order_to_pay_may_name_its_deadline(make_wagecase, staff):
    case = make_wagecase(opened_on=SEPT_1)
    ordered = services.wagecase_order_payment(
        by=staff["head_a"], case=case, ordered_on=dt.date(2026, 10, 12), due_on=dt.date(2026, 10, 12)
    )
    stored = WageCase.objects.get(pk=case.pk)
    assert (stored.payment_ordered_on, stored.payment_due) == (dt.date(2026, 10, 12), dt.date(2026, 10, 12))
    assert ordered.payment_due == stored.payment_due


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"ordered_on": dt.date(2026, 9, 28)}, "due_on", "required"),  # neither
        ({"due_on": dt.date(2026, 10, 30), "working_days": 5}, "due_on", "required"),  # both
        ({"ordered_on": dt.date(2026, 9, 28), "due_on": dt.date(2026, 9, 27)}, "due_on", "before_ordered"),
        ({"ordered_on": dt.date(2026, 8, 31), "working_days": 5}, "ordered_on", "before_opened"),
        ({"ordered_on": "tomorrow", "working_days": 5}, "ordered_on", "date_in_future"),
        ({"working_days": 0}, "working_days", "out_of_range"),
        ({"working_days": 91}, "working_days", "out_of_range"),
    ],
)
def test_a_bad_order_to_pay_is_refused(kwargs, field, code, make_wagecase, staff):
    case = make_wagecase(opened_on=SEPT_1)
    if kwargs.get("ordered_on") == "tomorrow":
        kwargs = {**kwargs, "ordered_on": today() + dt.timedelta(days=1)}
    error = refused(case, lambda: services.wagecase_order_payment(by=staff["inspector_a"], case=case, **kwargs))
    assert codes(error) == {field: [code]}


# --- the general contractor pays first ---------------------------------------------------


def test_the_general_contractor_is_ordered_to_pay_first(make_wagecase, staff, chain_project):
    case = make_wagecase(opened_on=SEPT_1)
    assert codes(refused(case, lambda: services.wagecase_order_contractor(by=staff["inspector_a"], case=case))) == {
        "project": ["no_general_contractor"]
    }
    services.wagecase_link_project(by=staff["inspector_a"], case=case, project=chain_project)
    before = state(case)
    ordered = services.wagecase_order_contractor(
        by=staff["inspector_a"], case=case, ordered_on=dt.date(2026, 10, 20), note="责令总包先行清偿"
    )
    assert (
        WageCase.objects.get(pk=case.pk).contractor_ordered_on == dt.date(2026, 10, 20) == ordered.contractor_ordered_on
    )
    [event] = events_since(before)
    assert (event.action, event.on_date, event.data) == (
        "order_contractor",
        dt.date(2026, 10, 20),
        {"contractor": "东湖总承包工程有限公司"},
    )


def test_a_general_contractor_who_is_the_employer_is_not_ordered_to_pay_first(
    staff, employer_a, workers_a, make_employer
):
    own = projects.project_create(by=staff["inspector_a"], name="东湖自建项目", general_contractor=employer_a)
    case = services.wagecase_open(
        by=staff["inspector_a"], employer=employer_a, claims=[(workers_a[0], "100", None, None)], project=own
    )
    error = refused(case, lambda: services.wagecase_order_contractor(by=staff["inspector_a"], case=case))
    assert codes(error) == {"project": ["contractor_is_employer"]}
    # and a project without a general contractor
    bare = projects.project_create(by=staff["inspector_a"], name="东湖无总包项目", developer=employer_a)
    services.wagecase_link_project(by=staff["inspector_a"], case=case, project=bare)
    error = refused(case, lambda: services.wagecase_order_contractor(by=staff["inspector_a"], case=case))
    assert codes(error) == {"project": ["no_general_contractor"]}


def test_a_payment_by_the_general_contractor_names_him(make_wagecase, staff, chain_project, pay, employer_a):
    case = make_wagecase(confirmed=["8000.00", "4000.50"], project=chain_project)
    first, second = claims_of(case)
    before = state(case)
    by_contractor = pay(case, (first, "8000.00", "wages"), payer="general_contractor", method="special_account")
    assert by_contractor.payer_employer == chain_project.general_contractor
    [event] = events_since(before)
    assert (event.action, event.data["payer"], event.data["amount"]) == (
        "record_payment",
        "general_contractor",
        "8000.00",
    )
    assert pay(case, (second, "4000.50", "wages")).payer_employer == employer_a
    assert pay(case, (second, "1.00", "interest"), payer="wage_deposit").payer_employer is None


def test_no_payment_by_a_general_contractor_the_case_does_not_know(make_wagecase, staff, pay):
    case = make_wagecase(confirmed=["8000.00", "4000.50"])
    error = refused(case, lambda: pay(case, (claims_of(case)[0], "100.00", "wages"), payer="general_contractor"))
    assert codes(error) == {"payer": ["no_general_contractor"]}


# --- a mass incident ---------------------------------------------------------------------


def test_a_mass_incident_is_recorded_with_what_happened(make_wagecase, staff):
    case = make_wagecase(opened_on=SEPT_1)
    for note in ("", "  \u200b "):
        error = refused(
            case, lambda n=note: services.wagecase_mark_incident(by=staff["inspector_a"], case=case, note=n)
        )
        assert codes(error) == {"note": ["required"]}
    error = refused(
        case,
        lambda: services.wagecase_mark_incident(
            by=staff["inspector_a"], case=case, on_date=dt.date(2026, 8, 31), note="聚集"
        ),
    )
    assert code_of(error) == "before_opened"
    before = state(case)
    marked = services.wagecase_mark_incident(
        by=staff["inspector_a"], case=case, on_date=dt.date(2026, 9, 15), note="三十余名工人在项目部聚集讨薪"
    )
    assert marked.mass_incident and WageCase.objects.get(pk=case.pk).mass_incident
    [event] = events_since(before)
    assert (event.action, event.on_date, event.note) == (
        "mark_incident",
        dt.date(2026, 9, 15),
        "三十余名工人在项目部聚集讨薪",
    )


# --- who may -----------------------------------------------------------------------------


def test_window_staff_and_other_counties_do_none_of_these_acts(make_wagecase, staff, workers_a, chain_project):
    case = make_wagecase(opened_on=SEPT_1)

    def attempts(user):
        return [
            lambda: services.wagecase_assign(by=user, case=case, inspectors=[staff["inspector_a"], staff["head_a"]]),
            lambda: services.claim_add(by=user, case=case, worker=workers_a[2], amount_claimed="1"),
            lambda: services.wagecase_link_project(by=user, case=case, project=chain_project),
            lambda: services.wagecase_order_payment(by=user, case=case, working_days=5),
            lambda: services.wagecase_order_contractor(by=user, case=case),
            lambda: services.wagecase_mark_incident(by=user, case=case, note="聚集"),
        ]

    before = state(case)
    for attempt in attempts(staff["window_a"]):
        with pytest.raises(PermissionDenied):
            attempt()
    for attempt in attempts(staff["inspector_b"]):
        with pytest.raises(WageCase.DoesNotExist):
            attempt()
    assert state(case) == before
