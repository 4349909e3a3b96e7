"""The patrol targets API: heads set a county's yearly number of proactive patrols (201 new, 200
changed), and the progress counts the patrols of the year (visits without a campaign), per
county and per inspector, ignoring campaign visits and other years."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from inspections import services
from inspections.models import PatrolTarget
from tests.bureau.conftest import assert_error
from tests.inspections.conftest import now, rows, today

pytestmark = pytest.mark.django_db

URL = "/api/v1/patrol-targets/"
PROGRESS = f"{URL}progress/"
YEAR = today().year
ANSWERED = {"real_name": True, "special_account": True, "paid_by_bank": True}


@pytest.fixture
def client_of(staff: dict[str, Any], api: Callable[..., Any]) -> Callable[[str], Any]:
    return lambda who: api(staff[who])


def test_a_head_sets_and_changes_the_target_of_the_year(client_of: Any, tree: Any) -> None:
    client = client_of("head_a")
    response = client.post(URL, {"year": YEAR, "patrols": 50}, format="json")
    assert response.status_code == 201, response.content
    target = PatrolTarget.objects.get()
    assert response.json() == {
        "id": target.pk,
        "county": {"id": tree.county_a.pk, "code": "339901", "name": "东湖区"},
        "year": YEAR,
        "patrols": 50,
    }
    changed = client.post(URL, {"year": YEAR, "patrols": 60}, format="json")
    assert (changed.status_code, changed.json()["id"], changed.json()["patrols"]) == (200, target.pk, 60)
    assert PatrolTarget.objects.count() == 1
    # a city head sets a county's target by its code
    other = client_of("city_head").post(URL, {"year": YEAR, "patrols": 30, "county": "339902"}, format="json")
    assert (other.status_code, other.json()["county"]["code"]) == (201, "339902")
    listed = client_of("window_a").get(URL, {"year": YEAR}).json()["results"]
    assert [(row["county"]["code"], row["patrols"]) for row in listed] == [("339901", 60)]
    # the list's county filter takes a region code and keeps its subtree
    city = client_of("city_head")

    def codes(query: dict[str, str]) -> list[str]:
        return [row["county"]["code"] for row in city.get(URL, query).json()["results"]]

    assert codes({"county": "339900"}) == ["339901", "339902"]
    assert codes({"county": "339902"}) == ["339902"]
    assert codes({"county": "339901001"}) == []
    assert codes({"county": str(tree.county_b.pk)}) == []
    assert client_of("window_a").get(URL, {"county": "339902"}).json()["results"] == []


def test_refused_targets_store_nothing(client_of: Any, tree: Any) -> None:
    before = rows()
    assert_error(
        client_of("inspector_a").post(URL, {"year": YEAR, "patrols": 50}, format="json"), 403, "permission_denied"
    )
    assert_error(
        client_of("window_a").post(URL, {"year": YEAR, "patrols": 50}, format="json"), 403, "permission_denied"
    )
    client = client_of("head_a")
    cases = [
        ({"year": 1990, "patrols": 50}, ("year", "invalid")),
        ({"year": YEAR, "patrols": -1}, ("patrols", "invalid")),
        ({"year": YEAR, "patrols": 50, "county": "339902"}, ("county", "does_not_exist")),
        ({"year": YEAR, "patrols": 50, "county": "339901001"}, ("county", "does_not_exist")),  # a township
        ({"year": YEAR, "patrols": 50, "county": tree.county_a.pk}, ("county", "does_not_exist")),  # an id
        ({"year": YEAR, "patrols": 50, "note": "x"}, ("note", "unknown_field")),
    ]
    for payload, expected in cases:
        assert_error(client.post(URL, payload, format="json"), 400, "invalid", [expected])
    assert_error(
        client_of("city_head").post(URL, {"year": YEAR, "patrols": 5}, format="json"),
        400,
        "invalid",
        [("county", "required")],
    )
    assert rows() == before


def test_progress_counts_this_years_patrols_only(
    client_of: Any, make_visit: Any, campaign_a: Any, make_employer: Any, staff: Any, inspector_a2: Any, tree: Any
) -> None:
    services.patrol_target_set(by=staff["head_a"], year=YEAR, patrols=4)
    other = make_employer("湖滨餐饮有限公司", tree.town_a1)
    make_visit(workers_on_site=6, contracts_urged=2)
    make_visit(employer=other, inspectors=[staff["head_a"], inspector_a2])
    make_visit(employer=other)
    make_visit(campaign=campaign_a, answers=ANSWERED, workers_on_site=5, contracts_urged=5)  # a campaign visit
    make_visit(visited_at=now() - dt.timedelta(days=400))  # last year's patrol
    if today() > dt.date(YEAR, 1, 2):
        make_visit(visited_at=now() - dt.timedelta(days=1))
        expected_patrols = 4
    else:  # early January: yesterday is last year
        expected_patrols = 3

    response = client_of("window_a").get(PROGRESS, {"year": YEAR})
    assert response.status_code == 200, response.content
    [row] = response.json()
    assert set(row) == {
        "county",
        "year",
        "target",
        "patrols",
        "percent",
        "employers",
        "contracts_urged",
        "by_inspector",
    }
    assert row["county"] == {"id": tree.county_a.pk, "code": "339901", "name": "东湖区"}
    assert (row["year"], row["target"], row["patrols"]) == (YEAR, 4, expected_patrols)
    assert row["percent"] == f"{expected_patrols * 100 / 4:.1f}"
    assert (row["employers"], row["contracts_urged"]) == (2, 2)
    by_name = {p["name"]: p["patrols"] for p in row["by_inspector"]}
    assert by_name == {"inspector_a2": expected_patrols, "inspector_a": expected_patrols - 1, "head_a": 1}
    assert row["by_inspector"][0] == {"id": inspector_a2.pk, "name": "inspector_a2", "patrols": expected_patrols}

    last_year = client_of("window_a").get(PROGRESS, {"year": YEAR - 1}).json()[0]
    assert (last_year["target"], last_year["percent"]) == (None, None)
    assert last_year["patrols"] >= 1


def test_progress_shows_the_users_county_or_every_county_under_a_city(
    client_of: Any, make_visit: Any, tree: Any
) -> None:
    make_visit()
    assert [r["county"]["code"] for r in client_of("head_a").get(PROGRESS).json()] == ["339901"]
    assert [(r["county"]["code"], r["patrols"]) for r in client_of("head_b").get(PROGRESS).json()] == [("339902", 0)]
    city = client_of("city_head").get(PROGRESS).json()
    assert [(r["county"]["code"], r["patrols"]) for r in city] == [("339901", 1), ("339902", 0)]
    only_b = client_of("city_head").get(PROGRESS, {"county": "339902"}).json()
    assert [r["county"]["code"] for r in only_b] == ["339902"]
    # a city's code lists its counties
    by_city = client_of("city_head").get(PROGRESS, {"county": "339900"}).json()
    assert [r["county"]["code"] for r in by_city] == ["339901", "339902"]
    assert [r["county"]["code"] for r in client_of("head_a").get(PROGRESS, {"county": "339901"}).json()] == ["339901"]
    for outside in ("339902", "339900", "999999", str(tree.county_a.pk)):  # outside county A, unknown, an id
        response = client_of("head_a").get(PROGRESS, {"county": outside})
        assert_error(response, 400, "invalid", [("county", "does_not_exist")])
    response = client_of("city_head").get(PROGRESS, {"county": "339901001"})
    assert_error(response, 400, "invalid", [("county", "region_level")])
    assert client_of("admin_a").get(PROGRESS).json() == []
    assert client_of("nobody").get(PROGRESS).json() == []


def test_targets_of_another_county_are_not_seen(client_of: Any, staff: Any) -> None:
    target = services.patrol_target_set(by=staff["head_a"], year=YEAR, patrols=50)
    for who in ("head_b", "window_b", "admin_a", "nobody"):
        assert client_of(who).get(URL).json()["results"] == [], who
        assert_error(client_of(who).get(f"{URL}{target.pk}/"), 404, "not_found")
    assert client_of("window_a").get(f"{URL}{target.pk}/").json()["patrols"] == 50
