"""The reads the overview, the lists and the reports share: patrols against the yearly target
(only patrols, only of the year, per inspector), campaign progress (distinct employers), the
employers of a county not yet reviewed for a year, and who sees what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bureau import services as core
from bureau.models import Region, Role
from inspections import selectors, services
from inspections.models import Campaign, RectificationOrder, Visit
from tests.inspections.conftest import at, today

ANSWERS = {"real_name": True, "special_account": True, "paid_by_bank": True}


def test_percent_is_to_one_decimal_and_none_without_a_target():
    assert selectors.percent(1686, 1200) == Decimal("140.5")
    assert selectors.percent(1, 3) == Decimal("33.3")
    assert selectors.percent(5, 0) is None


def test_patrol_progress_counts_the_patrols_of_the_year_per_inspector(
    staff, tree, make_visit, make_employer, campaign_a, inspector_a2, make_user
):
    year = today().year
    third = make_user("inspector_a3", tree.county_a, Role.INSPECTOR)
    other = make_employer("东湖食品厂")
    make_visit(contracts_urged=0)
    make_visit(employer=other, workers_on_site=10, contracts_urged=3)
    make_visit(inspectors=[inspector_a2, third], workers_on_site=5, contracts_urged=2)
    make_visit(visited_at=at(f"{year}-01-01", 0, 30))  # just after midnight: this year, local time
    make_visit(campaign=campaign_a, answers=ANSWERS)  # a campaign visit: not a patrol
    make_visit(visited_at=at(f"{year - 1}-12-31", 23, 30))  # last year
    services.patrol_target_set(by=staff["head_a"], year=year, patrols=8)

    [row_a, row_b] = selectors.patrol_progress(Region.objects.filter(pk__in=[tree.county_a.pk, tree.county_b.pk]), year)

    assert (row_a.county, row_a.year, row_a.target, row_a.patrols) == (tree.county_a, year, 8, 4)
    assert (row_a.employers, row_a.contracts_urged, row_a.percent) == (2, 5, Decimal("50.0"))
    assert row_a.by_inspector == [
        {"id": inspector_a2.pk, "name": "inspector_a2", "patrols": 4},
        {"id": staff["inspector_a"].pk, "name": "inspector_a", "patrols": 3},
        {"id": third.pk, "name": "inspector_a3", "patrols": 1},
    ]
    assert (row_b.county, row_b.target, row_b.patrols, row_b.percent, row_b.by_inspector) == (
        tree.county_b,
        None,
        0,
        None,
        [],
    )
    [last_year] = selectors.patrol_progress(Region.objects.filter(pk=tree.county_a.pk), year - 1)
    assert (last_year.patrols, last_year.target) == (1, None)


def test_campaign_progress_counts_distinct_employers(staff, make_visit, make_employer, campaign_a):
    other = make_employer("东湖劳务公司")
    make_visit(campaign=campaign_a, answers=ANSWERS, workers_on_site=10, contracts_urged=4)
    make_visit(campaign=campaign_a, answers=ANSWERS, workers_on_site=10, contracts_urged=1)
    make_visit(campaign=campaign_a, answers=ANSWERS, employer=other)
    make_visit()  # a patrol of the same employer
    empty = services.campaign_create(
        by=staff["head_a"],
        data=services.CampaignInput(
            name="尚未开始的专项", campaign_type=campaign_a.campaign_type, starts_on=today(), ends_on=today()
        ),
    )

    rows = {c.pk: c for c in selectors.with_progress(Campaign.objects.all())}

    busy = rows[campaign_a.pk]
    assert (busy.visits_count, busy.employers_visited, busy.contracts_urged_total) == (3, 2, 5)
    idle = rows[empty.pk]
    assert (idle.visits_count, idle.employers_visited, idle.contracts_urged_total) == (0, 0, 0)


def test_employers_not_reviewed_are_the_countys_without_a_review_of_the_year(
    staff, tree, employer_a, employer_b, make_employer
):
    year = today().year - 1
    reviewed = make_employer("东湖已年检公司", region=tree.town_a1)
    in_town = make_employer("东湖未年检公司", region=tree.village_a1)
    registered = core.employer_register(by=staff["window_a"], credit_code=employer_b.credit_code, name="")[0]
    services.review_submit(
        by=staff["inspector_a"],
        data=services.ReviewInput(
            employer=reviewed,
            year=year,
            submitted_on=today() - dt.timedelta(days=30),
            workers=10,
            contracts_signed=10,
            insured_workers=10,
            wages_total="500000",
        ),
    )
    missing = list(selectors.employers_not_reviewed(tree.county_a, year))
    assert missing == sorted([employer_a, in_town, registered], key=lambda e: (e.name, e.pk))
    assert reviewed in selectors.employers_not_reviewed(tree.county_a, year - 1)
    assert list(selectors.employers_not_reviewed(tree.county_b, year)) == [employer_b]


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("window_a", True),
        ("inspector_a", True),
        ("head_a", True),
        ("city_head", True),
        ("inspector_b", False),
        ("admin_a", False),
        ("assistant_a1", False),
        ("nobody", False),
    ],
)
def test_who_sees_the_countys_inspections(staff, make_order, who, sees):
    order = make_order()
    user = staff[who]
    assert Visit.objects.visible_to(user).filter(pk=order.visit_id).exists() is sees
    assert RectificationOrder.objects.visible_to(user).filter(pk=order.pk).exists() is sees
