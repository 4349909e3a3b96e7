"""The campaigns API (专项检查): planning by heads, the progress of a campaign (visits, distinct
employers visited against the target, contracts urged), changes refused once visits exist,
the list and its filters, scoping; and the campaign types with their versioned checklists
(reference data kept by administrators)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from inspections.models import Campaign, CampaignType, ChecklistTemplate
from tests.bureau.conftest import assert_error
from tests.inspections.conftest import now, rows, today

pytestmark = pytest.mark.django_db

URL = "/api/v1/campaigns/"
ROW_KEYS = {
    "id",
    "county",
    "name",
    "campaign_type",
    "starts_on",
    "ends_on",
    "regions",
    "industries",
    "industries_display",
    "target_employers",
    "description",
    "visits_count",
    "employers_visited",
    "percent",
    "contracts_urged_total",
    "active",
    "created_at",
}
DETAIL_KEYS = ROW_KEYS | {"template", "can_edit"}
ANSWERED = {"real_name": True, "special_account": True, "paid_by_bank": True}


@pytest.fixture
def client_of(staff: dict[str, Any], api: Callable[..., Any]) -> Callable[[str], Any]:
    return lambda who: api(staff[who])


def plan(**changes: Any) -> dict[str, Any]:
    data = {
        "name": "2026年建筑领域专项检查",
        "campaign_type": CampaignType.objects.get(code="migrant_wages").pk,
        "starts_on": (today() - dt.timedelta(days=10)).isoformat(),
        "ends_on": (today() + dt.timedelta(days=50)).isoformat(),
        "industries": ["E", "F"],
        "target_employers": 40,
        "description": "在建工程项目全覆盖",
    }
    data.update(changes)
    return data


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- planning -----------------------------------------------------------------------------------


def test_a_head_plans_a_campaign(client_of: Any, tree: Any) -> None:
    # the townships (or communities) of the campaign are given by their codes
    response = client_of("head_a").post(URL, plan(regions=["339901001", "339901101"]), format="json")
    assert response.status_code == 201, response.content
    page = response.json()
    campaign = Campaign.objects.get()
    migrant = CampaignType.objects.get(code="migrant_wages")
    assert set(page) == DETAIL_KEYS
    assert page["id"] == campaign.pk
    assert page["county"] == {"id": tree.county_a.pk, "code": "339901", "name": "东湖区"}
    assert page["campaign_type"] == {"id": migrant.pk, "code": "migrant_wages", "name": "农民工工资支付"}
    assert [r["code"] for r in page["regions"]] == ["339901001", "339901101"]
    assert list(campaign.regions.order_by("code")) == [tree.town_a1, tree.town_a2]
    assert (page["industries"], page["industries_display"]) == (["E", "F"], ["建筑业", "批发和零售业"])
    assert (page["visits_count"], page["employers_visited"], page["contracts_urged_total"]) == (0, 0, 0)
    assert (page["percent"], page["active"], page["target_employers"]) == ("0.0", True, 40)
    assert page["template"]["version"] == 1
    assert [i["key"] for i in page["template"]["items"]][:2] == ["real_name", "special_account"]
    assert page["can_edit"] is True
    assert client_of("inspector_a").get(f"{URL}{campaign.pk}/").json()["can_edit"] is False


@pytest.mark.parametrize("who", ["inspector_a", "window_a", "admin_a"])
def test_only_heads_plan_campaigns(who: str, client_of: Any) -> None:
    before = rows()
    assert_error(client_of(who).post(URL, plan(), format="json"), 403, "permission_denied")
    assert rows() == before


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"ends_on": "past"}, ("ends_on", "date_order")),
        ({"ends_on": "far"}, ("ends_on", "too_long")),
        ({"regions": ["339902101"]}, ("regions", "does_not_exist")),  # a township of county B
        ({"regions": ["339901999"]}, ("regions", "does_not_exist")),  # no such township
        ({"regions": "town_a1_id"}, ("regions", "does_not_exist")),  # an id is not a code
        ({"regions": "339901001"}, ("regions", "not_a_list")),
        ({"regions": ["339901"]}, ("regions", "region_mismatch")),  # the county itself
        ({"county": "339902"}, ("county", "does_not_exist")),
        ({"county": "339901001"}, ("county", "does_not_exist")),  # a township is not a county
        ({"industries": ["Z"]}, ("industries.0", "invalid_choice")),
        ({"name": " "}, ("name", "blank")),
        ({"campaign_type": 99999}, ("campaign_type", "does_not_exist")),
        ({"target_employers": -1}, ("target_employers", "invalid")),
        ({"owner": "me"}, ("owner", "unknown_field")),
    ],
)
def test_refused_plans_store_nothing(
    changes: dict[str, Any], expected: tuple[str, str], client_of: Any, tree: Any
) -> None:
    if changes.get("ends_on") == "past":
        changes["ends_on"] = (today() - dt.timedelta(days=20)).isoformat()
    if changes.get("ends_on") == "far":
        changes["ends_on"] = (today() + dt.timedelta(days=400)).isoformat()
    if changes.get("regions") == "town_a1_id":
        changes["regions"] = [tree.town_a1.pk]
    before = rows()
    assert_error(client_of("head_a").post(URL, plan(**changes), format="json"), 400, "invalid", [expected])
    assert rows() == before


def test_a_campaign_name_is_unique_in_the_county(client_of: Any) -> None:
    client = client_of("head_a")
    assert client.post(URL, plan(), format="json").status_code == 201
    before = rows()
    assert_error(client.post(URL, plan(), format="json"), 400, "invalid", [("name", "duplicate")])
    assert rows() == before
    # the same name in county B is another campaign
    assert client_of("head_b").post(URL, plan(), format="json").status_code == 201


def test_progress_counts_visits_and_distinct_employers(
    client_of: Any, campaign_a: Any, make_visit: Any, make_employer: Any, tree: Any
) -> None:
    other = make_employer("湖滨建筑劳务有限公司", tree.town_a1)
    make_visit(campaign=campaign_a, answers=ANSWERED, workers_on_site=10, contracts_urged=3)
    make_visit(campaign=campaign_a, answers=ANSWERED, workers_on_site=10, contracts_urged=2)
    make_visit(campaign=campaign_a, answers=ANSWERED, employer=other)
    make_visit()  # a patrol does not count
    row = client_of("window_a").get(URL).json()["results"][0]
    assert set(row) == ROW_KEYS
    assert (row["visits_count"], row["employers_visited"], row["contracts_urged_total"]) == (3, 2, 5)
    assert row["percent"] == "10.0"  # 2 of 20


def test_a_head_changes_a_campaign_but_not_its_type_or_period_once_visited(
    client_of: Any, campaign_a: Any, make_visit: Any, tree: Any
) -> None:
    client = client_of("head_a")
    response = client.patch(
        f"{URL}{campaign_a.pk}/", {"name": "冬季专项行动（延长）", "regions": ["339901001"]}, format="json"
    )
    assert response.status_code == 200, response.content
    page = response.json()
    assert (page["name"], [r["code"] for r in page["regions"]], page["target_employers"]) == (
        "冬季专项行动（延长）",
        ["339901001"],
        20,  # unchanged: not sent
    )
    assert_error(
        client.patch(f"{URL}{campaign_a.pk}/", {"regions": ["339902101"]}, format="json"),
        400,
        "invalid",
        [("regions", "does_not_exist")],
    )
    assert list(campaign_a.regions.all()) == [tree.town_a1]
    response = client.patch(f"{URL}{campaign_a.pk}/", {"regions": [], "target_employers": 25}, format="json")
    assert (response.json()["regions"], response.json()["target_employers"]) == ([], 25)
    make_visit(campaign=campaign_a, answers=ANSWERED, visited_at=now() - dt.timedelta(days=2))
    before = rows()
    routine = CampaignType.objects.get(code="routine").pk
    assert_error(
        client.patch(f"{URL}{campaign_a.pk}/", {"campaign_type": routine}, format="json"),
        400,
        "invalid",
        [("campaign_type", "has_visits")],
    )
    assert_error(
        client.patch(f"{URL}{campaign_a.pk}/", {"starts_on": today().isoformat()}, format="json"),
        400,
        "invalid",
        [("starts_on", "visits_outside_period")],
    )
    assert_error(
        client.patch(f"{URL}{campaign_a.pk}/", {"county": "339901"}, format="json"),
        400,
        "invalid",
        [("county", "unknown_field")],
    )
    assert_error(
        client_of("inspector_a").patch(f"{URL}{campaign_a.pk}/", {"name": "x"}, format="json"), 403, "permission_denied"
    )
    assert_error(client_of("head_b").patch(f"{URL}{campaign_a.pk}/", {"name": "x"}, format="json"), 404, "not_found")
    assert rows() == before


def test_the_list_filters_and_scoping(client_of: Any, campaign_a: Any, staff: Any) -> None:
    from inspections import services

    old = services.campaign_create(
        by=staff["head_a"],
        data=services.CampaignInput(
            name="2024年劳动合同专项",
            campaign_type=CampaignType.objects.get(code="contract_law"),
            starts_on=dt.date(today().year - 2, 3, 1),
            ends_on=dt.date(today().year - 2, 5, 31),
        ),
    )
    client = client_of("window_a")
    assert ids(client.get(URL)) == [campaign_a.pk, old.pk]  # newest first
    assert ids(client.get(URL, {"active": "true"})) == [campaign_a.pk]
    assert ids(client.get(URL, {"active": "false"})) == [old.pk]
    assert ids(client.get(URL, {"year": today().year - 2})) == [old.pk]
    assert ids(client.get(URL, {"campaign_type": old.campaign_type_id})) == [old.pk]
    assert ids(client.get(URL, {"q": "劳动合同"})) == [old.pk]
    for who in ("window_b", "head_b", "admin_a", "assistant_a1", "nobody"):
        assert ids(client_of(who).get(URL)) == [], who
        assert_error(client_of(who).get(f"{URL}{campaign_a.pk}/"), 404, "not_found")


def test_a_city_head_plans_a_campaign_of_a_county_by_its_code(client_of: Any, tree: Any) -> None:
    client = client_of("city_head")
    assert_error(client.post(URL, plan(), format="json"), 400, "invalid", [("county", "required")])
    before = rows()
    # a township of county A in a campaign of county B
    assert_error(
        client.post(URL, plan(county="339902", regions=["339901001"]), format="json"),
        400,
        "invalid",
        [("regions", "region_mismatch")],
    )
    assert rows() == before
    response = client.post(URL, plan(county="339902", regions=["339902101"]), format="json")
    assert response.status_code == 201, response.content
    page = response.json()
    assert (page["county"]["code"], [r["code"] for r in page["regions"]]) == ("339902", ["339902101"])
    assert Campaign.objects.get().county == tree.county_b


def test_the_county_filter_takes_a_region_code_and_keeps_its_subtree(
    client_of: Any, campaign_a: Any, staff: Any, tree: Any
) -> None:
    campaign_b = client_of("head_b").post(URL, plan(), format="json").json()
    city = client_of("city_head")
    assert sorted(ids(city.get(URL))) == sorted([campaign_a.pk, campaign_b["id"]])
    assert sorted(ids(city.get(URL, {"county": "339900"}))) == sorted([campaign_a.pk, campaign_b["id"]])  # the city
    assert ids(city.get(URL, {"county": "339901"})) == [campaign_a.pk]
    assert ids(city.get(URL, {"county": " 339902 "})) == [campaign_b["id"]]
    # a campaign belongs to a county: a township's subtree holds none
    assert ids(city.get(URL, {"county": "339901001"})) == []
    # an unknown code, an id, a code outside the user's subtree: nothing, not an error
    assert ids(city.get(URL, {"county": "999999"})) == []
    assert ids(city.get(URL, {"county": str(tree.county_a.pk)})) == []
    window_a = client_of("window_a")
    assert ids(window_a.get(URL, {"county": "339901"})) == [campaign_a.pk]
    assert ids(window_a.get(URL, {"county": "339902"})) == []
    assert ids(window_a.get(URL, {"county": "339900"})) == []  # the city is above county A


# --- campaign types and checklists ---------------------------------------------------------------

TYPES = "/api/v1/campaign-types/"
ITEMS = [
    {"key": "real_name", "label": "是否实行劳务用工实名制管理", "kind": "yes_no", "required": True},
    {"key": "helmets", "label": "安全帽佩戴人数", "kind": "number", "required": False},
]


def test_staff_who_see_inspections_and_administrators_read_the_types(client_of: Any) -> None:
    response = client_of("window_a").get(TYPES)
    assert response.status_code == 200, response.content
    body = response.json()
    assert isinstance(body, list)  # reference data: not paginated
    assert body[0]["code"] == "migrant_wages"
    assert set(body[0]) == {"id", "code", "name", "ordering", "active", "template"}
    assert set(body[0]["template"]) == {"id", "version", "items", "note", "created_at"}
    assert body[0]["template"]["items"][0] == {
        "key": "real_name",
        "label": "是否实行劳务用工实名制管理",
        "kind": "yes_no",
        "required": True,
    }
    assert [t["code"] for t in client_of("admin_a").get(TYPES).json()] == [t["code"] for t in body]
    assert client_of("assistant_a1").get(TYPES).json() == []


def test_an_administrator_adds_a_type_and_publishes_versions_of_its_checklist(
    client_of: Any, make_visit: Any, campaign_a: Any
) -> None:
    admin = client_of("admin_a")
    response = admin.post(
        TYPES, {"code": "safety_helmets", "name": "安全生产与劳动保护", "ordering": 95}, format="json"
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["code"], created["ordering"], created["active"], created["template"]) == (
        "safety_helmets",
        95,
        True,
        None,
    )
    assert_error(
        admin.post(TYPES, {"code": "safety_helmets", "name": "另一个"}, format="json"),
        400,
        "invalid",
        [("code", "duplicate")],
    )
    assert_error(
        admin.post(TYPES, {"code": "Bad Code", "name": "x"}, format="json"), 400, "invalid", [("code", "invalid")]
    )
    assert_error(client_of("head_a").post(TYPES, {"code": "x", "name": "y"}, format="json"), 403, "permission_denied")

    # the checklist of migrant wages: a new version; visits answered with v1 keep v1
    visit = make_visit(campaign=campaign_a, answers=ANSWERED)
    migrant = CampaignType.objects.get(code="migrant_wages")
    response = admin.post(f"{TYPES}{migrant.pk}/checklist/", {"items": ITEMS, "note": "增加安全帽"}, format="json")
    assert response.status_code == 201, response.content
    v2 = response.json()
    assert set(v2) == {"id", "campaign_type", "version", "items", "note", "created_at"}
    assert (v2["version"], v2["note"], v2["items"]) == (2, "增加安全帽", ITEMS)
    assert v2["campaign_type"] == {"id": migrant.pk, "code": "migrant_wages", "name": "农民工工资支付"}
    same = admin.post(f"{TYPES}{migrant.pk}/checklist/", {"items": ITEMS}, format="json")
    assert (same.status_code, same.json()["id"]) == (200, v2["id"])
    assert ChecklistTemplate.objects.filter(campaign_type=migrant).count() == 2
    page = client_of("inspector_a").get(f"/api/v1/visits/{visit.pk}/").json()
    assert page["template"]["version"] == 1
    assert "helmets" not in [c["key"] for c in page["checklist"]]
    assert client_of("window_a").get(f"{URL}{campaign_a.pk}/").json()["template"]["version"] == 2
    v1 = visit.template
    shown = client_of("window_a").get(f"/api/v1/checklist-templates/{v1.pk}/").json()
    assert (shown["version"], len(shown["items"])) == (1, len(v1.items))


def test_refused_checklists_store_nothing(client_of: Any) -> None:
    migrant = CampaignType.objects.get(code="migrant_wages")
    url = f"{TYPES}{migrant.pk}/checklist/"
    before = rows()
    cases = [
        ({"items": []}, ("items", "required")),
        ({"items": [{**ITEMS[0], "kind": "photo_or_text"}]}, ("items.0.kind", "invalid_choice")),
        ({"items": [ITEMS[0], {**ITEMS[1], "key": "real_name"}]}, ("items.1.key", "duplicate")),
        ({"items": [{**ITEMS[0], "weight": 2}]}, ("items.0.weight", "unexpected_field")),
        ({"items": ITEMS, "publish": True}, ("publish", "unknown_field")),
    ]
    for payload, expected in cases:
        assert_error(client_of("admin_a").post(url, payload, format="json"), 400, "invalid", [expected])
    assert_error(client_of("head_a").post(url, {"items": ITEMS}, format="json"), 403, "permission_denied")
    assert rows() == before


def test_checklist_versions_are_hidden_from_roles_without_inspections(client_of: Any) -> None:
    template = ChecklistTemplate.objects.order_by("id").first()
    assert client_of("window_a").get(f"/api/v1/checklist-templates/{template.pk}/").status_code == 200
    assert_error(client_of("assistant_a1").get(f"/api/v1/checklist-templates/{template.pk}/"), 404, "not_found")
