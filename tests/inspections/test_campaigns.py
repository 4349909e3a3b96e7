"""Campaigns (专项检查) are planned by heads: a type, a period of at most a year, townships and
industries of the county, a target; a campaign's type stays once visited and its period keeps
its visits. Patrol targets (主动巡查目标) are set per county and year."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bureau.models import Industry
from inspections import services
from inspections.models import Campaign, CampaignType, PatrolTarget
from tests.inspections.conftest import code_of, codes, now, rows, today


def inputs(**fields):
    fields.setdefault("name", "2026年人力资源市场专项检查")
    fields.setdefault("campaign_type", CampaignType.objects.get(code="hr_market"))
    fields.setdefault("starts_on", today() - dt.timedelta(days=10))
    fields.setdefault("ends_on", today() + dt.timedelta(days=50))
    return services.CampaignInput(**fields)


def refused(call, **kw):
    before = rows()
    with pytest.raises(ValidationError) as info:
        call(**kw)
    assert rows() == before
    [field] = codes(info.value)
    return field, code_of(info.value)


def test_a_head_plans_a_campaign_of_the_county(staff, tree):
    campaign = services.campaign_create(
        by=staff["head_a"],
        data=inputs(
            name="  2026年人力资源市场\u200b专项检查 ",
            regions=[tree.town_a1, tree.village_a1],
            industries=[Industry.L, Industry.L, Industry.O],
            target_employers=30,
            description="  重点检查职业中介机构。 ",
        ),
    )
    assert (campaign.county, campaign.name, campaign.target_employers) == (
        tree.county_a,
        "2026年人力资源市场专项检查",
        30,
    )
    assert set(campaign.regions.all()) == {tree.town_a1, tree.village_a1}
    assert campaign.industries == ["L", "O"]
    assert campaign.industry_labels() == ["租赁和商务服务业", "居民服务、修理和其他服务业"]
    assert campaign.description == "重点检查职业中介机构。"
    assert campaign.created_by == staff["head_a"]


def test_inspectors_and_clerks_do_not_plan_campaigns(staff):
    for name in ("inspector_a", "window_a"):
        with pytest.raises(PermissionDenied):
            services.campaign_create(by=staff[name], data=inputs())
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"name": " \u200b "}, "name", "required"),
        ({"name": "检" * 121}, "name", "max_length"),
        ({"ends_on": today() - dt.timedelta(days=11)}, "ends_on", "date_order"),
        ({"ends_on": today() + dt.timedelta(days=357)}, "ends_on", "too_long"),
        ({"industries": ["Z"]}, "industries", "invalid_choice"),
        ({"target_employers": -1}, "target_employers", "invalid"),
        ({"target_employers": 1_000_001}, "target_employers", "max_value"),
    ],
)
def test_a_campaign_must_be_one(staff, fields, field, code):
    assert refused(services.campaign_create, by=staff["head_a"], data=inputs(**fields)) == (field, code)


def test_a_campaign_targets_townships_of_its_own_county(staff, tree):
    for region in (tree.county_a, tree.town_b1, tree.city):
        data = inputs(regions=[region])
        assert refused(services.campaign_create, by=staff["head_a"], data=data) == ("regions", "region_mismatch")


def test_a_campaign_name_is_unique_in_the_county(staff):
    services.campaign_create(by=staff["head_a"], data=inputs())
    assert refused(services.campaign_create, by=staff["head_a"], data=inputs()) == ("name", "duplicate")
    assert services.campaign_create(by=staff["head_b"], data=inputs())  # another county may use it


def test_an_inactive_type_is_not_chosen(staff):
    campaign_type = CampaignType.objects.get(code="hr_market")
    campaign_type.active = False
    campaign_type.save()
    data = inputs(campaign_type=campaign_type)
    assert refused(services.campaign_create, by=staff["head_a"], data=data) == ("campaign_type", "invalid_choice")


def test_a_campaign_is_changed_by_a_head(staff, campaign_a, tree):
    changed = services.campaign_update(
        by=staff["head_a"],
        campaign=campaign_a,
        data=inputs(
            name="冬季专项（调整）", campaign_type=CampaignType.objects.get(code="routine"), regions=[tree.town_a2]
        ),
    )
    assert changed.name == "冬季专项（调整）" and changed.campaign_type.code == "routine"
    assert list(changed.regions.all()) == [tree.town_a2]
    with pytest.raises(PermissionDenied):
        services.campaign_update(by=staff["inspector_a"], campaign=campaign_a, data=inputs())
    with pytest.raises(Campaign.DoesNotExist):
        services.campaign_update(by=staff["head_b"], campaign=campaign_a, data=inputs())


def test_a_visited_campaign_keeps_its_type_and_its_visits_in_its_period(staff, campaign_a, make_visit):
    make_visit(
        campaign=campaign_a,
        visited_at=now() - dt.timedelta(days=5),
        answers={"real_name": True, "special_account": True, "paid_by_bank": True},
    )
    keep = {"name": campaign_a.name, "campaign_type": campaign_a.campaign_type}
    call = services.campaign_update
    other_type = inputs(**{**keep, "campaign_type": CampaignType.objects.get(code="routine")})
    assert refused(call, by=staff["head_a"], campaign=campaign_a, data=other_type) == ("campaign_type", "has_visits")
    later_start = inputs(**keep, starts_on=today() - dt.timedelta(days=2))
    assert refused(call, by=staff["head_a"], campaign=campaign_a, data=later_start) == (
        "starts_on",
        "visits_outside_period",
    )
    longer = services.campaign_update(
        by=staff["head_a"], campaign=campaign_a, data=inputs(**keep, starts_on=today() - dt.timedelta(days=6))
    )
    assert longer.starts_on == today() - dt.timedelta(days=6)


# --- patrol targets ----------------------------------------------------------------------------


def test_a_head_sets_the_patrol_target_of_the_year_and_changes_it(staff, tree):
    year = today().year
    target = services.patrol_target_set(by=staff["head_a"], year=year, patrols=50)
    again = services.patrol_target_set(by=staff["bureau_head_a"], year=year, patrols=60)
    assert again.pk == target.pk
    assert (again.county, again.patrols, again.set_by) == (tree.county_a, 60, staff["bureau_head_a"])
    assert services.patrol_target_set(by=staff["head_a"], year=year + 1, patrols=55).pk != target.pk
    assert PatrolTarget.objects.count() == 2


@pytest.mark.parametrize(
    ("year", "patrols", "field", "code"),
    [
        (1999, 50, "year", "invalid"),
        (today().year + 2, 50, "year", "invalid"),
        ("2026", 50, "year", "invalid"),
        (today().year, -1, "patrols", "invalid"),
        (today().year, 2_000_000, "patrols", "max_value"),
    ],
)
def test_a_patrol_target_is_a_count_for_a_year(staff, year, patrols, field, code):
    assert refused(services.patrol_target_set, by=staff["head_a"], year=year, patrols=patrols) == (field, code)


def test_only_heads_set_targets_and_only_for_their_county(staff, tree):
    with pytest.raises(PermissionDenied):
        services.patrol_target_set(by=staff["inspector_a"], year=today().year, patrols=50)
    call = services.patrol_target_set
    assert refused(call, by=staff["head_a"], year=today().year, patrols=50, county=tree.county_b) == (
        "county",
        "does_not_exist",
    )
    assert not PatrolTarget.objects.exists()


def test_a_city_head_names_the_county(staff, tree):
    call = services.patrol_target_set
    assert refused(call, by=staff["city_head"], year=today().year, patrols=50) == ("county", "required")
    target = services.patrol_target_set(by=staff["city_head"], year=today().year, patrols=40, county=tree.county_b)
    assert target.county == tree.county_b


def test_a_campaign_of_a_type_switched_off_later_can_still_be_changed(staff, campaign_a):
    """Switching a type off stops new campaigns of it, not the work on those under way."""
    CampaignType.objects.filter(pk=campaign_a.campaign_type_id).update(active=False)
    campaign_type = CampaignType.objects.get(pk=campaign_a.campaign_type_id)
    changed = services.campaign_update(
        by=staff["head_a"], campaign=campaign_a, data=inputs(name="延长后的冬季专项", campaign_type=campaign_type)
    )
    assert changed.name == "延长后的冬季专项"
    other = CampaignType.objects.get(code="hr_market")
    other.active = False
    other.save()
    assert refused(services.campaign_update, by=staff["head_a"], campaign=campaign_a, data=inputs()) == (
        "campaign_type",
        "invalid_choice",
    )
