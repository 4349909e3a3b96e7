"""Recording a site visit (检查记录): two inspectors of the county, no date in the future beyond
the phone's clock skew, a campaign visit inside the campaign's period, townships and industries,
figures that hold together, a position that is one, and an offline re-send recognised by its
client UUID, even when two copies arrive at once. Every refusal stores nothing (`rows()`)."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from bureau.models import CaseCounter, Industry, Role
from inspections import services
from inspections.models import CampaignType, Visit, WagesOnTime
from tests.inspections.conftest import code_of, codes, now, rows, today


def refused(by, data, field=None):
    """The call is refused with one field error; returns its code. Nothing is stored."""
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.visit_record(by=by, data=data)
    assert rows() == before
    if field is not None:
        assert list(codes(info.value)) == [field], codes(info.value)
    return code_of(info.value)


# --- a visit as it should be ---------------------------------------------------------------


def test_a_patrol_is_numbered_in_the_j_series_of_the_county_and_year(staff, visit_inputs, inspector_a2, tree):
    first = services.visit_record(by=staff["inspector_a"], data=visit_inputs(site_address="  湖滨路 1 号  "))
    second = services.visit_record(by=staff["head_a"], data=visit_inputs())

    year = first.year
    assert first.number == f"339901-{year}-J0001"
    assert second.number == f"339901-{year}-J0002"
    assert first.county == tree.county_a
    assert first.is_patrol and first.campaign is None and first.template is None
    assert set(first.inspectors.all()) == {staff["inspector_a"], inspector_a2}
    assert first.site_address == "湖滨路 1 号"
    assert first.created_by == staff["inspector_a"]


def test_a_campaign_visit_takes_the_current_checklist_of_the_campaigns_type(staff, campaign_a, visit_inputs):
    visit = services.visit_record(
        by=staff["inspector_a"],
        data=visit_inputs(
            campaign=campaign_a,
            answers={"real_name": True, "special_account": False, "paid_by_bank": True, "payroll_months": "6"},
        ),
    )
    assert visit.campaign == campaign_a and not visit.is_patrol
    assert visit.template == campaign_a.campaign_type.current_template()
    assert visit.answers == {"real_name": True, "special_account": False, "paid_by_bank": True, "payroll_months": 6}


def test_a_head_may_be_one_of_the_two_and_may_type_the_visit(staff, visit_inputs):
    visit = services.visit_record(
        by=staff["head_a"], data=visit_inputs(inspectors=[staff["inspector_a"], staff["head_a"]])
    )
    assert visit.inspectors.count() == 2


def test_window_staff_may_not_record_a_visit(staff, visit_inputs):
    before = rows()
    with pytest.raises(PermissionDenied):
        services.visit_record(by=staff["window_a"], data=visit_inputs())
    assert rows() == before


# --- the two inspectors (条例 art. 16) --------------------------------------------------------


def test_one_inspector_is_not_enough_even_named_twice(staff, visit_inputs):
    one = staff["inspector_a"]
    assert refused(one, visit_inputs(inspectors=[one]), "inspectors") == "two_inspectors"
    assert refused(one, visit_inputs(inspectors=[one, one]), "inspectors") == "two_inspectors"


def test_an_inspector_of_another_county_is_not_one_of_ours(staff, visit_inputs):
    data = visit_inputs(inspectors=[staff["inspector_a"], staff["inspector_b"]])
    assert refused(staff["inspector_a"], data, "inspectors") == "not_inspector"


def test_a_window_clerk_is_not_an_inspector(staff, visit_inputs):
    data = visit_inputs(inspectors=[staff["inspector_a"], staff["window_a"]])
    assert refused(staff["inspector_a"], data, "inspectors") == "not_inspector"


def test_an_inspector_who_left_is_not_an_inspector(staff, visit_inputs, inspector_a2):
    inspector_a2.is_active = False
    inspector_a2.save()
    assert refused(staff["inspector_a"], visit_inputs(), "inspectors") == "not_inspector"


# --- when -------------------------------------------------------------------------------


def test_a_visit_in_the_future_beyond_the_clock_skew_is_refused(staff, visit_inputs):
    later = now() + services.CLOCK_SKEW + dt.timedelta(minutes=1)
    assert refused(staff["inspector_a"], visit_inputs(visited_at=later), "visited_at") == "date_in_future"


def test_a_phone_clock_a_few_minutes_ahead_is_accepted(staff, visit_inputs):
    ahead = now() + dt.timedelta(minutes=5)
    visit = services.visit_record(by=staff["inspector_a"], data=visit_inputs(visited_at=ahead))
    assert visit.visited_at == ahead


def test_a_naive_time_is_read_as_local_time(staff, visit_inputs):
    naive = dt.datetime.combine(today() - dt.timedelta(days=1), dt.time(9, 30))
    visit = services.visit_record(by=staff["inspector_a"], data=visit_inputs(visited_at=naive))
    visit.refresh_from_db()
    assert visit.visited_at.astimezone(dt.timezone(dt.timedelta(hours=8))).time() == dt.time(9, 30)


def test_a_visit_years_ago_is_refused(staff, visit_inputs):
    old = now().replace(year=now().year - 6)
    assert refused(staff["inspector_a"], visit_inputs(visited_at=old), "visited_at") == "too_old"


# --- where and whom ---------------------------------------------------------------------------


def test_an_employer_of_another_county_is_refused(staff, visit_inputs, employer_b):
    code = refused(staff["inspector_a"], visit_inputs(employer=employer_b), "employer")
    assert code == "does_not_exist"  # not even visible to county A


def test_an_employer_registered_with_the_county_may_be_visited(staff, visit_inputs, employer_b):
    from bureau import services as core

    core.employer_register(by=staff["window_a"], credit_code=employer_b.credit_code, name=employer_b.name)
    visit = services.visit_record(by=staff["inspector_a"], data=visit_inputs(employer=employer_b))
    assert visit.county.code == "339901"


# --- campaigns ---------------------------------------------------------------------------------


def campaign(staff, **fields):
    fields.setdefault("name", "建筑领域专项检查")
    fields.setdefault("campaign_type", CampaignType.objects.get(code="migrant_wages"))
    fields.setdefault("starts_on", today() - dt.timedelta(days=10))
    fields.setdefault("ends_on", today() + dt.timedelta(days=10))
    return services.campaign_create(by=staff["head_a"], data=services.CampaignInput(**fields))


def test_a_campaign_visit_outside_the_campaign_period_is_refused(staff, visit_inputs):
    short = campaign(staff, starts_on=today() - dt.timedelta(days=10), ends_on=today() - dt.timedelta(days=5))
    data = visit_inputs(campaign=short, visited_at=now() - dt.timedelta(hours=1))
    assert refused(staff["inspector_a"], data, "visited_at") == "outside_campaign"
    early = visit_inputs(campaign=short, visited_at=now() - dt.timedelta(days=12))
    assert refused(staff["inspector_a"], early, "visited_at") == "outside_campaign"
    inside = services.visit_record(
        by=staff["inspector_a"],
        data=visit_inputs(
            campaign=short,
            visited_at=now() - dt.timedelta(days=7),
            answers={"real_name": True, "special_account": True, "paid_by_bank": True},
        ),
    )
    assert inside.campaign == short


def test_a_campaign_visit_outside_its_townships_is_refused(staff, tree, make_employer, visit_inputs):
    in_town = make_employer("湖滨建筑公司", region=tree.village_a1)  # a village of town A1
    elsewhere = make_employer("东湖镇建材厂", region=tree.town_a2)
    at_county = make_employer("东湖区机关食堂", region=tree.county_a)  # no township known
    targeted = campaign(staff, regions=[tree.town_a1])
    answers = {"real_name": True, "special_account": True, "paid_by_bank": True}

    for employer in (elsewhere, at_county):
        data = visit_inputs(campaign=targeted, employer=employer, answers=answers)
        assert refused(staff["inspector_a"], data, "employer") == "region_mismatch"
    visit = services.visit_record(
        by=staff["inspector_a"], data=visit_inputs(campaign=targeted, employer=in_town, answers=answers)
    )
    assert visit.employer == in_town


def test_a_campaign_visit_outside_its_industries_is_refused(staff, make_employer, visit_inputs):
    builder = make_employer("东湖路桥公司", industry=Industry.E)
    restaurant = make_employer("东湖大酒店", industry=Industry.H)
    unknown = make_employer("东湖某某公司")  # no industry recorded: not excluded
    construction = campaign(staff, industries=[Industry.E])
    answers = {"real_name": True, "special_account": True, "paid_by_bank": True}

    data = visit_inputs(campaign=construction, employer=restaurant, answers=answers)
    assert refused(staff["inspector_a"], data, "employer") == "industry_mismatch"
    for employer in (builder, unknown):
        services.visit_record(
            by=staff["inspector_a"], data=visit_inputs(campaign=construction, employer=employer, answers=answers)
        )


def test_a_campaign_of_another_county_is_refused(staff, tree, visit_inputs):
    other = services.campaign_create(
        by=staff["head_b"],
        data=services.CampaignInput(
            name="西山县专项检查",
            campaign_type=CampaignType.objects.get(code="routine"),
            starts_on=today() - dt.timedelta(days=10),
            ends_on=today(),
        ),
    )
    data = visit_inputs(campaign=other)
    before = rows()
    with pytest.raises(ValidationError) as info:
        services.visit_record(by=staff["inspector_a"], data=data, county=tree.county_a)
    assert rows() == before
    assert code_of(info.value) == "does_not_exist"


def test_a_checklist_of_another_type_does_not_fit_a_campaign(staff, campaign_a, visit_inputs):
    other = CampaignType.objects.get(code="routine").current_template()
    data = visit_inputs(campaign=campaign_a, template=other, answers={})
    assert refused(staff["inspector_a"], data, "template") == "template_mismatch"


def test_a_patrol_may_use_any_checklist_or_none(staff, visit_inputs):
    routine = CampaignType.objects.get(code="routine").current_template()
    visit = services.visit_record(
        by=staff["inspector_a"], data=visit_inputs(template=routine, answers={"roster": True})
    )
    assert visit.is_patrol and visit.template == routine
    data = visit_inputs(answers={"roster": True})
    assert refused(staff["inspector_a"], data, "answers") == "no_template"


# --- the figures found -----------------------------------------------------------------------


def test_the_figures_found_are_stored(staff, visit_inputs):
    visit = services.visit_record(
        by=staff["inspector_a"],
        data=visit_inputs(
            workers_on_site=40,
            contracts_found=30,
            contracts_urged=10,
            wages_on_time=WagesOnTime.NO,
            workers_unpaid=12,
            amount_unpaid="86000.50",
            child_labour_found=1,
            minimum_wage_problem=True,
            findings="  部分工人未签合同。 ",
        ),
    )
    visit.refresh_from_db()
    assert (visit.workers_on_site, visit.contracts_found, visit.contracts_urged) == (40, 30, 10)
    assert (visit.wages_on_time, visit.workers_unpaid, visit.amount_unpaid) == ("no", 12, Decimal("86000.50"))
    assert (visit.child_labour_found, visit.minimum_wage_problem, visit.findings) == (1, True, "部分工人未签合同。")


def test_more_contracts_found_than_workers_is_refused(staff, visit_inputs):
    data = visit_inputs(workers_on_site=10, contracts_found=11)
    assert refused(staff["inspector_a"], data, "contracts_found") == "more_than_workers"


def test_more_urged_than_workers_without_a_contract_is_refused(staff, visit_inputs):
    data = visit_inputs(workers_on_site=10, contracts_found=6, contracts_urged=5)
    assert refused(staff["inspector_a"], data, "contracts_urged") == "too_many"
    services.visit_record(
        by=staff["inspector_a"], data=visit_inputs(workers_on_site=10, contracts_found=6, contracts_urged=4)
    )


@pytest.mark.parametrize("wages", [WagesOnTime.YES, WagesOnTime.NOT_CHECKED])
@pytest.mark.parametrize(("workers", "amount"), [(3, "0"), (0, "100.00")])
def test_unpaid_wages_need_wages_on_time_no(staff, visit_inputs, wages, workers, amount):
    data = visit_inputs(wages_on_time=wages, workers_unpaid=workers, amount_unpaid=amount)
    assert refused(staff["inspector_a"], data, "wages_on_time") == "inconsistent"


def test_wages_on_time_must_be_one_of_the_choices(staff, visit_inputs):
    assert refused(staff["inspector_a"], visit_inputs(wages_on_time="maybe"), "wages_on_time") == "invalid_choice"


@pytest.mark.parametrize(
    ("amount", "code"),
    [("-1", "min_value"), ("1.005", "max_decimal_places"), ("1e3", "invalid"), ("100000000000000", "max_value")],
)
def test_the_unpaid_amount_is_yuan_to_the_fen_within_range(staff, visit_inputs, amount, code):
    data = visit_inputs(wages_on_time=WagesOnTime.NO, workers_unpaid=1, amount_unpaid=amount)
    assert refused(staff["inspector_a"], data, "amount_unpaid") == code


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("workers_on_site", -1, "invalid"),
        ("workers_on_site", 2.5, "invalid"),
        ("workers_on_site", True, "invalid"),
        ("workers_on_site", 1_000_001, "max_value"),
        ("workers_unpaid", "3", "invalid"),
    ],
)
def test_counts_are_whole_numbers_within_range(staff, visit_inputs, field, value, code):
    assert refused(staff["inspector_a"], visit_inputs(**{field: value}), field) == code


def test_more_child_labour_than_workers_is_refused(staff, visit_inputs):
    data = visit_inputs(workers_on_site=2, child_labour_found=3)
    assert refused(staff["inspector_a"], data, "child_labour_found") == "more_than_workers"


def test_findings_have_a_length_limit(staff, visit_inputs):
    assert refused(staff["inspector_a"], visit_inputs(findings="查" * 5001), "findings") == "max_length"


# --- the phone's position --------------------------------------------------------------------


def test_a_position_is_kept_to_six_decimals_with_its_accuracy(staff, visit_inputs):
    visit = services.visit_record(
        by=staff["inspector_a"],
        data=visit_inputs(latitude=Decimal("30.27415123"), longitude=Decimal("120.15515"), accuracy_m=12),
    )
    visit.refresh_from_db()
    assert (visit.latitude, visit.longitude, visit.accuracy_m) == (Decimal("30.274151"), Decimal("120.155150"), 12)


def test_an_accuracy_without_a_position_is_dropped(staff, visit_inputs):
    visit = services.visit_record(by=staff["inspector_a"], data=visit_inputs(accuracy_m=30))
    assert (visit.latitude, visit.longitude, visit.accuracy_m) == (None, None, None)


@pytest.mark.parametrize(("latitude", "longitude"), [(Decimal("30.1"), None), (None, Decimal("120.1"))])
def test_half_a_position_is_refused(staff, visit_inputs, latitude, longitude):
    data = visit_inputs(latitude=latitude, longitude=longitude)
    assert refused(staff["inspector_a"], data, "latitude") == "incomplete_position"


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [
        (Decimal("90.000001"), Decimal("120")),
        (Decimal("-91"), Decimal("120")),
        (Decimal("30"), Decimal("180.5")),
        (Decimal("30"), Decimal("-181")),
        ("north", "east"),
        (Decimal("NaN"), Decimal("120")),
        (True, Decimal("120")),
    ],
)
def test_a_position_out_of_range_is_refused(staff, visit_inputs, latitude, longitude):
    data = visit_inputs(latitude=latitude, longitude=longitude)
    assert refused(staff["inspector_a"], data, "latitude") == "invalid_position"


@pytest.mark.parametrize("accuracy", [-5, 1.5, "near"])
def test_a_negative_or_odd_accuracy_is_refused(staff, visit_inputs, accuracy):
    data = visit_inputs(latitude=Decimal("30.2"), longitude=Decimal("120.1"), accuracy_m=accuracy)
    assert refused(staff["inspector_a"], data, "accuracy_m") == "invalid"


# --- offline: the same visit sent again ------------------------------------------------------


def test_a_resent_visit_returns_the_first_one_and_takes_no_number(staff, visit_inputs):
    key = uuid.uuid4()
    first = services.visit_record(by=staff["inspector_a"], data=visit_inputs(client_uuid=key, workers_on_site=5))
    before = rows()

    with pytest.raises(services.DuplicateVisit) as info:
        # even with different (or now invalid) content, the phone's copy is the same visit
        services.visit_record(by=staff["inspector_a"], data=visit_inputs(client_uuid=key, workers_on_site=-1))

    assert info.value.visit == first
    assert rows() == before
    assert CaseCounter.objects.get(series="inspection").last == 1


def test_the_same_uuid_from_another_user_is_another_visit(staff, visit_inputs):
    key = uuid.uuid4()
    first = services.visit_record(by=staff["inspector_a"], data=visit_inputs(client_uuid=key))
    second = services.visit_record(by=staff["head_a"], data=visit_inputs(client_uuid=key))
    assert first != second


def test_a_refused_visit_may_be_sent_again_once_corrected(staff, visit_inputs):
    key = uuid.uuid4()
    with pytest.raises(ValidationError):
        services.visit_record(by=staff["inspector_a"], data=visit_inputs(client_uuid=key, contracts_found=3))
    visit = services.visit_record(by=staff["inspector_a"], data=visit_inputs(client_uuid=key))
    assert visit.client_uuid == key and visit.seq == 1


@pytest.mark.django_db(transaction=True)
def test_two_copies_sent_at_once_make_one_visit(staff, employer_a, inspector_a2):
    if connection.vendor != "postgresql":
        pytest.skip("the race is decided by PostgreSQL's unique index and row locks")
    key = uuid.uuid4()
    threads_n = 6
    start = threading.Barrier(threads_n)
    stored: list[int] = []
    duplicates: list[int] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            start.wait()
            data = services.VisitInput(
                employer=employer_a,
                visited_at=now() - dt.timedelta(hours=1),
                inspectors=[staff["inspector_a"], inspector_a2],
                workers_on_site=8,
                client_uuid=key,
            )
            try:
                stored.append(services.visit_record(by=staff["inspector_a"], data=data).pk)
            except services.DuplicateVisit as exc:
                duplicates.append(exc.visit.pk)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(stored) == 1
    assert duplicates == stored * (threads_n - 1)
    assert Visit.objects.count() == 1
    visit = Visit.objects.get()
    assert visit.seq == 1 and CaseCounter.objects.get(series="inspection").last == 1  # no number lost
    assert visit.inspectors.count() == 2


def test_an_unrelated_visit_does_not_pass_for_a_duplicate(staff, visit_inputs, tree, make_user):
    """Two inspectors' own offline queues may hold the same UUID by chance: each gets his own."""
    other = make_user("inspector_a3", tree.county_a, Role.INSPECTOR)
    key = uuid.uuid4()
    services.visit_record(by=staff["inspector_a"], data=visit_inputs(client_uuid=key))
    mine = services.visit_record(by=other, data=visit_inputs(client_uuid=key))
    assert mine.created_by == other
