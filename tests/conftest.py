"""Shared fixtures: a small region tree of two counties and staff of every role in each.

Names read like the people they are (Healthchecks style): `window_a` is the window clerk of
county A, `inspector_b` the inspector of county B, `nobody` a staff member with no region."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from bureau.identifiers import id_check_char, uscc_check_char
from bureau.models import Region, RegionLevel, Role, StaffRole, User


def make_id_number(area: str = "339901", birth: str = "19850315", seq: str = "123") -> str:
    first17 = area + birth + seq
    return first17 + id_check_char(first17)


def make_credit_code(body: str = "91339901MA2ABCDE1") -> str:
    return body[:17] + uscc_check_char(body[:17])


class Tree:
    province: Region
    city: Region
    county_a: Region
    county_b: Region
    town_a1: Region
    town_a2: Region
    town_b1: Region
    village_a1: Region


@pytest.fixture
def tree(db: Any) -> Tree:
    t = Tree()
    t.province = Region.objects.create(code="330000", name="浙江省", level=RegionLevel.PROVINCE)
    t.city = Region.objects.create(code="339900", name="示范市", level=RegionLevel.CITY, parent=t.province)
    t.county_a = Region.objects.create(code="339901", name="东湖区", level=RegionLevel.COUNTY, parent=t.city)
    t.county_b = Region.objects.create(code="339902", name="西山县", level=RegionLevel.COUNTY, parent=t.city)
    t.town_a1 = Region.objects.create(code="339901001", name="湖滨街道", level=RegionLevel.TOWNSHIP, parent=t.county_a)
    t.town_a2 = Region.objects.create(code="339901101", name="东湖镇", level=RegionLevel.TOWNSHIP, parent=t.county_a)
    t.town_b1 = Region.objects.create(code="339902101", name="西山镇", level=RegionLevel.TOWNSHIP, parent=t.county_b)
    t.village_a1 = Region.objects.create(
        code="339901001001", name="湖滨社区", level=RegionLevel.VILLAGE, parent=t.town_a1
    )
    return t


PASSWORD = "Correct-Horse-9"


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def make(username: str, region: Region | None, *roles: str, **extra: Any) -> User:
        user = User.objects.create_user(username=username, password=PASSWORD, region=region, name=username, **extra)
        for role in roles:
            StaffRole.objects.create(user=user, role=role)
        return user

    return make


@pytest.fixture
def staff(tree: Tree, make_user: Callable[..., User]) -> dict[str, User]:
    """One user per role in county A and county B, a city head, an assistant of one township,
    and `nobody`, who has roles but no region."""
    people = {}
    for suffix, county in (("a", tree.county_a), ("b", tree.county_b)):
        people[f"window_{suffix}"] = make_user(f"window_{suffix}", county, Role.WINDOW)
        people[f"inspector_{suffix}"] = make_user(f"inspector_{suffix}", county, Role.INSPECTOR)
        people[f"head_{suffix}"] = make_user(f"head_{suffix}", county, Role.BRIGADE_HEAD)
        people[f"admin_{suffix}"] = make_user(f"admin_{suffix}", county, Role.ADMIN)
    people["bureau_head_a"] = make_user("bureau_head_a", tree.county_a, Role.BUREAU_HEAD)
    people["assistant_a1"] = make_user("assistant_a1", tree.town_a1, Role.ASSISTANT)
    people["city_head"] = make_user("city_head", tree.city, Role.BUREAU_HEAD)
    people["nobody"] = make_user("nobody", None, Role.WINDOW, Role.INSPECTOR)
    return people


@pytest.fixture
def api() -> Callable[[User | None], APIClient]:
    def client_for(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return client_for


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Reference data that migrations create (complaint categories, campaign types and their
    first checklists): a transactional test (browser tests, thread tests) empties every table
    when it ends, so put it back for whichever test comes next."""
    names = set(request.fixturenames)
    if names & {"transactional_db", "live_server"}:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    else:
        return
    from django.apps import apps

    from complaints.categories import ensure_default_categories
    from inspections.models import CampaignType
    from inspections.reference import load_builtin

    ensure_default_categories()
    if not CampaignType.objects.exists():
        load_builtin(apps, None)
