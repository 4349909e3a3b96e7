"""The visits API: recording a campaign visit or a patrol from the phone (the page it answers
with, a re-send recognised by its client UUID), refused inputs with their codes and nothing
stored, photos (types told from the bytes, size limit, re-sent photos), the inspectors a visit
may have, opening a case from what a visit found, the list and its filters, and who sees and
does what: county B and roles without inspections see nothing, window staff read but do not
write."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from bureau.models import CaseCounter
from complaints.models import Complaint
from complaints.models import Kind as ComplaintKind
from complaints.models import Status as ComplaintStatus
from inspections.models import Campaign, CampaignType, Visit, VisitPhoto, WagesOnTime
from tests.bureau.conftest import assert_error, field_errors
from tests.inspections.conftest import JPEG_BYTES, PDF_BYTES, PNG_BYTES, now, photo, rows, today
from wagecases.models import Source, WageCase

pytestmark = pytest.mark.django_db

URL = "/api/v1/visits/"

ROW_KEYS = {
    "id",
    "number",
    "county",
    "employer",
    "visited_at",
    "campaign",
    "is_patrol",
    "inspectors",
    "workers_on_site",
    "contracts_found",
    "contracts_urged",
    "wages_on_time",
    "wages_on_time_display",
    "workers_unpaid",
    "amount_unpaid",
    "child_labour_found",
    "minimum_wage_problem",
    "has_problems",
    "orders_count",
}
DETAIL_KEYS = ROW_KEYS | {
    "template",
    "checklist",
    "answers",
    "site_address",
    "findings",
    "latitude",
    "longitude",
    "accuracy_m",
    "photos",
    "orders",
    "followed_orders",
    "complaint",
    "wage_case",
    "created_by",
    "created_at",
    "allowed_acts",
}
PHOTO_KEYS = {"id", "item_key", "name", "caption", "size", "content_type", "url", "uploaded_at"}
ANSWERED = {"real_name": True, "special_account": False, "paid_by_bank": True}


def detail_url(visit: Any) -> str:
    return f"{URL}{visit.pk if hasattr(visit, 'pk') else visit}/"


@pytest.fixture
def client_of(staff: dict[str, Any], api: Callable[..., Any]) -> Callable[[str], Any]:
    return lambda who: api(staff[who])


@pytest.fixture
def body(staff: dict[str, Any], employer_a: Any, inspector_a2: Any) -> Callable[..., dict[str, Any]]:
    """body(**changes): a valid patrol of employer A an hour ago by the two inspectors of A."""

    def make(**changes: Any) -> dict[str, Any]:
        data = {
            "employer": employer_a.pk,
            "visited_at": (now() - dt.timedelta(hours=1)).isoformat(),
            "inspectors": [staff["inspector_a"].pk, inspector_a2.pk],
        }
        data.update(changes)
        return data

    return make


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# --- recording ----------------------------------------------------------------------------------


def test_an_inspector_records_a_campaign_visit_and_gets_its_page(
    client_of: Any, body: Any, staff: Any, campaign_a: Campaign, employer_a: Any, tree: Any
) -> None:
    visited_at = now() - dt.timedelta(hours=2)
    response = client_of("inspector_a").post(
        URL,
        body(
            visited_at=visited_at.isoformat(),
            campaign=campaign_a.pk,
            answers={**ANSWERED, "payroll_months": 6},
            site_address="湖滨路1号工地",
            workers_on_site=10,
            contracts_found=6,
            contracts_urged=4,
            wages_on_time="no",
            workers_unpaid=2,
            amount_unpaid="5000.50",
            findings="工资拖欠两个月",
            latitude=30.274083,
            longitude="120.15507",
            accuracy_m=12,
            client_uuid=str(uuid.uuid4()),
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    page = response.json()
    assert set(page) == DETAIL_KEYS | {"duplicate"}
    visit = Visit.objects.get()
    assert page["duplicate"] is False
    assert (page["id"], page["number"]) == (visit.pk, f"339901-{today().year}-J0001")
    assert page["county"] == {"id": tree.county_a.pk, "code": "339901", "name": "东湖区"}
    assert page["employer"] == {"id": employer_a.pk, "name": employer_a.name, "credit_code": employer_a.credit_code}
    assert dt.datetime.fromisoformat(page["visited_at"]) == visited_at.replace(microsecond=visited_at.microsecond)
    assert page["visited_at"].endswith("+08:00")
    assert (page["campaign"], page["is_patrol"]) == ({"id": campaign_a.pk, "name": campaign_a.name}, False)
    assert sorted(p["name"] for p in page["inspectors"]) == ["inspector_a", "inspector_a2"]
    assert page["template"]["version"] == 1
    assert page["template"]["campaign_type"]["code"] == "migrant_wages"
    checklist = {item["key"]: item for item in page["checklist"]}
    assert checklist["real_name"] == {
        "key": "real_name",
        "label": "是否实行劳务用工实名制管理",
        "kind": "yes_no",
        "answer": True,
    }
    assert (checklist["special_account"]["answer"], checklist["payroll_months"]["answer"]) == (False, 6)
    assert checklist["deposit"]["answer"] is None
    assert page["answers"] == {**ANSWERED, "payroll_months": 6}
    assert (page["wages_on_time"], page["wages_on_time_display"]) == ("no", "存在拖欠或克扣")
    assert (page["workers_unpaid"], page["amount_unpaid"]) == (2, "5000.50")
    assert (page["latitude"], page["longitude"], page["accuracy_m"]) == ("30.274083", "120.155070", 12)
    assert (page["site_address"], page["findings"]) == ("湖滨路1号工地", "工资拖欠两个月")
    assert page["has_problems"] is True
    assert (page["orders_count"], page["orders"], page["followed_orders"], page["photos"]) == (0, [], [], [])
    assert (page["complaint"], page["wage_case"]) == (None, None)
    assert page["created_by"] == {"id": staff["inspector_a"].pk, "name": "inspector_a"}
    assert page["allowed_acts"] == ["add_photo", "issue_order", "open_wage_case", "open_complaint"]

    # and the same page again, without `duplicate`
    again = client_of("window_a").get(detail_url(visit))
    assert again.status_code == 200
    assert set(again.json()) == DETAIL_KEYS
    assert again.json()["allowed_acts"] == []  # window staff read only


def test_a_patrol_has_no_campaign_and_answers_the_checklist_it_chose(client_of: Any, body: Any) -> None:
    routine = CampaignType.objects.get(code="routine").current_template()
    response = client_of("inspector_a").post(
        URL, body(template=routine.pk, answers={"roster": True, "rest_days": False}), format="json"
    )
    assert response.status_code == 201, response.content
    page = response.json()
    assert (page["campaign"], page["is_patrol"], page["has_problems"]) == (None, True, False)
    assert page["template"] == {
        "id": routine.pk,
        "version": routine.version,
        "campaign_type": {"id": routine.campaign_type_id, "code": "routine", "name": "日常巡查（综合）"},
    }
    assert [(c["key"], c["answer"]) for c in page["checklist"]] == [
        ("roster", True),
        ("wages_on_time", None),
        ("rest_days", False),
        ("site_photo", None),
    ]
    assert (page["latitude"], page["longitude"], page["amount_unpaid"]) == (None, None, "0.00")
    # without unpaid wages no wage case can be opened from it
    assert page["allowed_acts"] == ["add_photo", "issue_order", "open_complaint"]


def test_a_visit_resent_from_the_phone_answers_200_with_the_stored_visit(client_of: Any, body: Any) -> None:
    client = client_of("inspector_a")
    payload = body(client_uuid=str(uuid.uuid4()), workers_on_site=3)
    first = client.post(URL, payload, format="json")
    assert first.status_code == 201, first.content
    second = client.post(URL, payload, format="json")
    assert second.status_code == 200, second.content
    assert second.json()["duplicate"] is True
    assert (second.json()["id"], second.json()["number"]) == (first.json()["id"], first.json()["number"])
    assert Visit.objects.count() == 1
    assert CaseCounter.objects.get(series="inspection").last == 1  # one number used
    # the phone re-sends what it kept, even if something changed since (here: a bad field)
    third = client.post(URL, {**payload, "inspectors": [payload["inspectors"][0]]}, format="json")
    assert (third.status_code, third.json()["id"], third.json()["duplicate"]) == (200, first.json()["id"], True)
    assert Visit.objects.count() == 1


def test_the_same_client_uuid_from_another_user_is_another_visit(client_of: Any, body: Any) -> None:
    key = str(uuid.uuid4())
    assert client_of("inspector_a").post(URL, body(client_uuid=key), format="json").status_code == 201
    other = client_of("head_a").post(URL, body(client_uuid=key), format="json")
    assert (other.status_code, other.json()["duplicate"]) == (201, False)
    assert Visit.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"inspectors": "one"}, ("inspectors", "two_inspectors")),
        ({"visited_at": "future"}, ("visited_at", "date_in_future")),
        ({"answers": {**ANSWERED, "real_name": "yes"}}, ("answers.real_name", "invalid")),
        ({"answers": {**ANSWERED, "payroll_months": 1.5}}, ("answers.payroll_months", "invalid")),
        ({"answers": {**ANSWERED, "payroll_months": -2}}, ("answers.payroll_months", "invalid")),
        ({"answers": {**ANSWERED, "helmets": True}}, ("answers.helmets", "unknown_item")),
        ({"answers": {"real_name": True, "paid_by_bank": True}}, ("answers.special_account", "required")),
        ({"answers": {**ANSWERED, "notice_photo": "x.jpg"}}, ("answers.notice_photo", "photo_item")),
        ({"workers_on_site": 3, "contracts_found": 5}, ("contracts_found", "more_than_workers")),
        ({"amount_unpaid": "100.00"}, ("wages_on_time", "inconsistent")),
        ({"wages_on_time": "no", "amount_unpaid": "1.005"}, ("amount_unpaid", "max_decimal_places")),
        ({"latitude": "30.1"}, ("latitude", "incomplete_position")),
        ({"latitude": 95, "longitude": 120}, ("latitude", "invalid_position")),
        ({"helmet_count": 3}, ("helmet_count", "unknown_field")),
        ({"client_uuid": "not-a-uuid"}, ("client_uuid", "invalid")),
    ],
)
def test_refused_visits_name_the_field_and_store_nothing(
    changes: dict[str, Any], expected: tuple[str, str], client_of: Any, body: Any, staff: Any, campaign_a: Any
) -> None:
    if changes.get("inspectors") == "one":
        changes["inspectors"] = [staff["inspector_a"].pk]
    if changes.get("visited_at") == "future":
        changes["visited_at"] = (now() + dt.timedelta(hours=2)).isoformat()
    before = rows()
    response = client_of("inspector_a").post(
        URL, body(campaign=campaign_a.pk, **{"answers": ANSWERED, **changes}), format="json"
    )
    assert_error(response, 400, "invalid", [expected])
    assert rows() == before


def test_ids_outside_the_users_county_are_does_not_exist(
    client_of: Any, body: Any, staff: Any, employer_b: Any, make_user: Any, tree: Any
) -> None:
    other_campaign = Campaign.objects.create(
        county=tree.county_b,
        name="西山专项",
        campaign_type=CampaignType.objects.get(code="routine"),
        starts_on=today() - dt.timedelta(days=5),
        ends_on=today() + dt.timedelta(days=5),
        created_by=staff["head_b"],
    )
    before = rows()
    client = client_of("inspector_a")
    assert_error(
        client.post(URL, body(employer=employer_b.pk), format="json"), 400, "invalid", [("employer", "does_not_exist")]
    )
    assert_error(
        client.post(URL, body(campaign=other_campaign.pk), format="json"),
        400,
        "invalid",
        [("campaign", "does_not_exist")],
    )
    assert_error(client.post(URL, body(county="339902"), format="json"), 400, "invalid", [("county", "does_not_exist")])
    # a county is given by its code, not by its id
    assert_error(
        client.post(URL, body(county=tree.county_a.pk), format="json"), 400, "invalid", [("county", "does_not_exist")]
    )
    # an inspector of county B is not an inspector of county A
    response = client.post(URL, body(inspectors=[staff["inspector_a"].pk, staff["inspector_b"].pk]), format="json")
    assert_error(response, 400, "invalid", [("inspectors", "not_inspector")])
    assert rows() == before


@pytest.mark.parametrize("who", ["window_a", "admin_a", "assistant_a1"])
def test_roles_that_do_not_record_visits_get_403_and_nothing_is_stored(who: str, client_of: Any, body: Any) -> None:
    before = rows()
    response = client_of(who).post(URL, body(client_uuid=str(uuid.uuid4())), format="json")
    assert_error(response, 403, "permission_denied")
    assert rows() == before


# --- reading and scoping -----------------------------------------------------------------------


def test_county_b_and_roles_without_inspections_see_no_visit_of_county_a(
    client_of: Any, make_visit: Any, make_order: Any, staff: Any
) -> None:
    visit = make_visit(wages_on_time=WagesOnTime.NO, workers_unpaid=1, amount_unpaid="100")
    order = make_order(visit=visit)
    for who in ("window_a", "inspector_a", "head_a", "bureau_head_a", "city_head"):
        assert ids(client_of(who).get(URL)) == [visit.pk], who
        assert client_of(who).get(detail_url(visit)).status_code == 200, who
    missing = client_of("inspector_b").get(f"{URL}999999/").json()
    for who in ("inspector_b", "head_b", "window_b", "admin_a", "assistant_a1", "nobody"):
        client = client_of(who)
        assert ids(client.get(URL)) == [], who
        response = client.get(detail_url(visit))
        assert_error(response, 404, "not_found")
        assert response.json() == missing
    # every act on another county's visit is 404, like a visit that does not exist
    before = rows()
    client = client_of("inspector_b")
    for path, payload in (
        ("photos/", {"file": photo()}),
        ("orders/", {"items": ["改正"], "deadline_days": 5}),
        ("open-case/", {"kind": "complaint", "categories": [1]}),
    ):
        fmt = "multipart" if path == "photos/" else "json"
        assert_error(client.post(f"{detail_url(visit)}{path}", payload, format=fmt), 404, "not_found")
    assert_error(client.get(f"{detail_url(visit)}photos/1/"), 404, "not_found")
    assert_error(client.get(f"/api/v1/rectification-orders/{order.pk}/"), 404, "not_found")
    assert rows() == before


def test_window_staff_read_visits_but_cannot_act_on_them(client_of: Any, make_visit: Any) -> None:
    visit = make_visit(wages_on_time=WagesOnTime.NO, workers_unpaid=1, amount_unpaid="100")
    client = client_of("window_a")
    before = rows()
    assert_error(
        client.post(f"{detail_url(visit)}photos/", {"file": photo()}, format="multipart"), 403, "permission_denied"
    )
    assert_error(
        client.post(f"{detail_url(visit)}orders/", {"items": ["改正"], "deadline_days": 5}, format="json"),
        403,
        "permission_denied",
    )
    assert_error(
        client.post(f"{detail_url(visit)}open-case/", {"kind": "complaint"}, format="json"), 403, "permission_denied"
    )
    assert rows() == before


def test_acts_on_a_visit_are_for_its_inspectors_whoever_typed_it_and_heads(
    client_of: Any, make_visit: Any, make_user: Any, tree: Any, api: Any
) -> None:
    from bureau.models import Role

    visit = make_visit(wages_on_time=WagesOnTime.NO, workers_unpaid=1, amount_unpaid="100")
    acts = ["add_photo", "issue_order", "open_wage_case", "open_complaint"]
    for who in ("inspector_a", "head_a"):
        assert client_of(who).get(detail_url(visit)).json()["allowed_acts"] == acts, who
    other = make_user("inspector_a3", tree.county_a, Role.INSPECTOR)
    client = api(other)
    assert client.get(detail_url(visit)).json()["allowed_acts"] == []
    response = client.post(f"{detail_url(visit)}photos/", {"file": photo()}, format="multipart")
    assert_error(response, 403, "permission_denied")
    assert not VisitPhoto.objects.exists()


def test_the_list_filters(
    client_of: Any, make_visit: Any, make_employer: Any, campaign_a: Any, staff: Any, inspector_a2: Any, tree: Any
) -> None:
    other = make_employer("湖滨餐饮有限公司", tree.town_a1)
    patrol = make_visit(visited_at=now() - dt.timedelta(days=3), workers_on_site=5, contracts_urged=2)
    unpaid = make_visit(
        visited_at=now() - dt.timedelta(days=2),
        wages_on_time=WagesOnTime.NO,
        workers_unpaid=2,
        amount_unpaid="300",
    )
    clean = make_visit(employer=other, visited_at=now() - dt.timedelta(days=1), wages_on_time=WagesOnTime.YES)
    in_campaign = make_visit(campaign=campaign_a, answers=ANSWERED, inspectors=[staff["head_a"], inspector_a2])
    last_year = make_visit(visited_at=now() - dt.timedelta(days=400))
    client = client_of("window_a")

    assert ids(client.get(URL)) == [in_campaign.pk, clean.pk, unpaid.pk, patrol.pk, last_year.pk]  # newest first
    assert ids(client.get(URL, {"patrol": "true"})) == [clean.pk, unpaid.pk, patrol.pk, last_year.pk]
    assert ids(client.get(URL, {"patrol": "false"})) == [in_campaign.pk]
    assert ids(client.get(URL, {"campaign": campaign_a.pk})) == [in_campaign.pk]
    assert ids(client.get(URL, {"employer": other.pk})) == [clean.pk]
    assert ids(client.get(URL, {"inspector": staff["head_a"].pk})) == [in_campaign.pk]
    assert len(ids(client.get(URL, {"inspector": inspector_a2.pk}))) == 5
    assert ids(client.get(URL, {"has_problems": "true"})) == [unpaid.pk, patrol.pk]
    assert ids(client.get(URL, {"wages_on_time": "yes"})) == [clean.pk]
    assert ids(client.get(URL, {"year": last_year.year})) == [last_year.pk]
    day = timezone.localdate(unpaid.visited_at)
    assert ids(client.get(URL, {"date_from": day.isoformat(), "date_to": day.isoformat()})) == [unpaid.pk]
    assert ids(client.get(URL, {"q": "餐饮"})) == [clean.pk]
    assert ids(client.get(URL, {"q": other.credit_code.lower()})) == [clean.pk]
    assert ids(client.get(URL, {"q": patrol.number})) == [patrol.pk]
    # county: a region code, its subtree; another county's code or an id filters to nothing
    assert len(ids(client.get(URL, {"county": "339901"}))) == 5
    assert ids(client.get(URL, {"county": "339902"})) == []
    assert ids(client.get(URL, {"county": str(tree.county_a.pk)})) == []
    assert ids(client.get(URL, {"county": "339901001"})) == []  # a visit belongs to a county, not a township
    city = client_of("city_head")
    assert len(ids(city.get(URL, {"county": "339900"}))) == 5  # the city's subtree holds county A
    assert ids(city.get(URL, {"county": "339902"})) == []
    assert ids(client.get(URL, {"county": "339900"})) == []  # the city is outside county A's subtree
    row = client.get(URL, {"employer": other.pk}).json()["results"][0]
    assert set(row) == ROW_KEYS
    assert (row["has_problems"], row["orders_count"], row["is_patrol"]) == (False, 0, True)


# --- inspectors ---------------------------------------------------------------------------------


def test_the_inspectors_a_visit_may_have_are_those_whose_region_covers_the_county(
    client_of: Any, inspector_a2: Any, staff: Any, tree: Any
) -> None:
    response = client_of("inspector_a").get(f"{URL}inspectors/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [u["username"] for u in body] == ["bureau_head_a", "city_head", "head_a", "inspector_a", "inspector_a2"]
    assert body[3] == {"id": staff["inspector_a"].pk, "name": "inspector_a", "username": "inspector_a"}
    inspector_a2.is_active = False
    inspector_a2.save()
    city = client_of("city_head").get(f"{URL}inspectors/", {"county": "339902"}).json()
    assert [u["username"] for u in city] == ["city_head", "head_b", "inspector_b"]
    assert "inspector_a2" not in [u["username"] for u in client_of("head_a").get(f"{URL}inspectors/").json()]
    response = client_of("inspector_a").get(f"{URL}inspectors/", {"county": "339902"})
    assert_error(response, 400, "invalid", [("county", "does_not_exist")])
    for unknown in ("999999", str(tree.county_b.pk), str(tree.county_a.pk)):  # ids are not codes
        response = client_of("city_head").get(f"{URL}inspectors/", {"county": unknown})
        assert_error(response, 400, "invalid", [("county", "does_not_exist")])
    # a user above county level says which county, by a county's code
    assert_error(client_of("city_head").get(f"{URL}inspectors/"), 400, "invalid", [("county", "required")])
    for not_a_county in ("339900", "339901001"):
        response = client_of("city_head").get(f"{URL}inspectors/", {"county": not_a_county})
        assert_error(response, 400, "invalid", [("county", "region_level")])
    assert client_of("admin_a").get(f"{URL}inspectors/").json() == []


# --- photos -------------------------------------------------------------------------------------


def test_a_photo_is_stored_and_served_inline_to_who_sees_the_visit(client_of: Any, make_visit: Any) -> None:
    visit = make_visit(campaign=None)
    response = client_of("inspector_a").post(
        f"{detail_url(visit)}photos/",
        {"file": photo(PNG_BYTES, "告示牌.png", "image/png"), "caption": "现场"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    shown = response.json()
    stored = VisitPhoto.objects.get()
    assert set(shown) == PHOTO_KEYS
    assert (shown["id"], shown["name"], shown["caption"], shown["size"], shown["content_type"], shown["item_key"]) == (
        stored.pk,
        "告示牌.png",
        "现场",
        len(PNG_BYTES),
        "image/png",
        "",
    )
    assert shown["url"] == f"{detail_url(visit)}photos/{stored.pk}/"
    image = client_of("window_a").get(shown["url"])
    assert image.status_code == 200
    assert b"".join(image.streaming_content) == PNG_BYTES
    assert image["Content-Type"] == "image/png"
    assert image["Content-Disposition"].startswith("inline")
    assert image["X-Content-Type-Options"] == "nosniff"
    assert client_of("head_b").get(shown["url"]).status_code == 404
    page = client_of("window_a").get(detail_url(visit)).json()
    assert page["photos"] == [shown]


def test_a_photo_of_another_visit_is_404_under_this_one(client_of: Any, make_visit: Any) -> None:
    first, second = make_visit(), make_visit()
    response = client_of("inspector_a").post(f"{detail_url(first)}photos/", {"file": photo()}, format="multipart")
    assert response.status_code == 201
    assert_error(client_of("inspector_a").get(f"{detail_url(second)}photos/{response.json()['id']}/"), 404, "not_found")


def test_a_photo_for_a_checklist_item_names_a_photo_item(client_of: Any, make_visit: Any, campaign_a: Any) -> None:
    visit = make_visit(campaign=campaign_a, answers=ANSWERED)
    client = client_of("inspector_a")
    ok = client.post(f"{detail_url(visit)}photos/", {"file": photo(), "item_key": "notice_photo"}, format="multipart")
    assert (ok.status_code, ok.json()["item_key"]) == (201, "notice_photo")
    before = rows()
    wrong = client.post(f"{detail_url(visit)}photos/", {"file": photo(), "item_key": "real_name"}, format="multipart")
    assert_error(wrong, 400, "invalid", [("item_key", "unknown_item")])
    assert rows() == before


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (lambda: photo(PDF_BYTES, "照片.jpg", "image/jpeg"), "attachment_type"),
        (lambda: photo(b"just some words, not an image", "说明.txt", "text/plain"), "attachment_type"),
        (lambda: photo(b"", "空.jpg", "image/jpeg"), "empty"),
    ],
)
def test_a_file_that_is_not_an_image_is_refused(upload: Any, code: str, client_of: Any, make_visit: Any) -> None:
    visit = make_visit()
    before = rows()
    response = client_of("inspector_a").post(f"{detail_url(visit)}photos/", {"file": upload()}, format="multipart")
    assert_error(response, 400, "invalid", [("file", code)])
    assert rows() == before


def test_a_photo_over_the_size_limit_is_refused(client_of: Any, make_visit: Any, settings: Any) -> None:
    settings.INSPECTION_PHOTO_MAX_BYTES = 50
    visit = make_visit()
    before = rows()
    response = client_of("inspector_a").post(f"{detail_url(visit)}photos/", {"file": photo()}, format="multipart")
    assert_error(response, 400, "invalid", [("file", "attachment_size")])
    assert rows() == before
    settings.INSPECTION_PHOTO_MAX_BYTES = len(JPEG_BYTES)
    assert (
        client_of("inspector_a").post(f"{detail_url(visit)}photos/", {"file": photo()}, format="multipart").status_code
        == 201
    )


def test_a_resent_photo_is_stored_once(client_of: Any, make_visit: Any) -> None:
    visit = make_visit()
    key = str(uuid.uuid4())
    client = client_of("inspector_a")
    first = client.post(f"{detail_url(visit)}photos/", {"file": photo(), "client_uuid": key}, format="multipart")
    second = client.post(f"{detail_url(visit)}photos/", {"file": photo(), "client_uuid": key}, format="multipart")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert VisitPhoto.objects.count() == 1
    assert len(client.get(detail_url(visit)).json()["photos"]) == 1


def test_a_photo_upload_refuses_unknown_fields(client_of: Any, make_visit: Any) -> None:
    visit = make_visit()
    response = client_of("inspector_a").post(
        f"{detail_url(visit)}photos/", {"file": photo(), "taken_at": "now"}, format="multipart"
    )
    assert_error(response, 400, "invalid", [("taken_at", "unknown_field")])
    assert not VisitPhoto.objects.exists()


# --- cases from a visit ---------------------------------------------------------------------------


def test_a_wage_case_opened_from_a_visit_carries_its_facts(client_of: Any, make_visit: Any, workers_a: Any) -> None:
    visit = make_visit(
        workers_on_site=8,
        contracts_found=8,
        wages_on_time=WagesOnTime.NO,
        workers_unpaid=2,
        amount_unpaid="9000.50",
        findings="10月工资未发",
    )
    response = client_of("inspector_a").post(
        f"{detail_url(visit)}open-case/",
        {
            "kind": "wage",
            "claims": [
                {"worker": workers_a[0].pk, "amount_claimed": "5000.50", "period_from": "2026-10-01"},
                {"worker": workers_a[1].pk, "amount_claimed": 4000},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    case = WageCase.objects.get()
    assert response.json() == {"kind": "wage", "id": case.pk, "number": case.number, "url": f"/wage-cases/{case.pk}/"}
    assert (case.source, case.employer_id, case.county_id) == (Source.INSPECTION, visit.employer_id, visit.county_id)
    assert sorted(c.amount_claimed for c in case.claims.all()) == [Decimal("4000.00"), Decimal("5000.50")]
    note = case.events.get(action="open").note
    assert visit.number in note and "9000.50" in note and "10月工资未发" in note
    assert sorted(u.username for u in case.inspectors.all()) == ["inspector_a", "inspector_a2"]
    page = client_of("inspector_a").get(detail_url(visit)).json()
    assert page["wage_case"] == {"id": case.pk, "number": case.number}
    assert "open_wage_case" not in page["allowed_acts"]
    # one wage case per visit
    before = rows()
    again = client_of("inspector_a").post(
        f"{detail_url(visit)}open-case/",
        {"kind": "wage", "claims": [{"worker": workers_a[2].pk, "amount_claimed": "1"}]},
        format="json",
    )
    assert_error(again, 409, "case_exists")
    assert rows() == before and WageCase.objects.count() == 1


def test_a_complaint_case_opened_from_a_visit_is_on_file_at_once(client_of: Any, make_visit: Any, wages: Any) -> None:
    visit = make_visit(child_labour_found=1, workers_on_site=3, site_address="东湖路2号")
    response = client_of("inspector_a").post(
        f"{detail_url(visit)}open-case/", {"kind": "complaint", "categories": [wages.pk]}, format="json"
    )
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get()
    assert response.json() == {
        "kind": "complaint",
        "id": complaint.pk,
        "number": complaint.number,
        "url": f"/complaints/{complaint.pk}/",
    }
    assert (complaint.kind, complaint.status) == (ComplaintKind.INSPECTION, ComplaintStatus.ACCEPTED)
    assert visit.number in complaint.facts and "童工" in complaint.facts
    assert client_of("window_a").get(detail_url(visit)).json()["complaint"] == {
        "id": complaint.pk,
        "number": complaint.number,
    }


def test_a_category_may_be_given_by_its_code(client_of: Any, make_visit: Any) -> None:
    visit = make_visit()
    response = client_of("inspector_a").post(
        f"{detail_url(visit)}open-case/", {"kind": "complaint", "categories": ["unpaid_wages"]}, format="json"
    )
    assert response.status_code == 201, response.content


def test_refused_cases_from_a_visit_store_nothing(client_of: Any, make_visit: Any, workers_a: Any) -> None:
    visit = make_visit()  # no unpaid wages found
    client = client_of("inspector_a")
    before = rows()
    cases = [
        ({"kind": "wage", "claims": [{"worker": workers_a[0].pk, "amount_claimed": "1"}]}, ("kind", "no_unpaid_wages")),
        ({"kind": "arrest"}, ("kind", "invalid_choice")),
        ({"kind": "complaint", "categories": ["no_such_category"]}, ("categories.0", "does_not_exist")),
        ({"kind": "complaint", "categories": [1], "urgent": True}, ("urgent", "unknown_field")),
    ]
    for payload, expected in cases:
        assert_error(client.post(f"{detail_url(visit)}open-case/", payload, format="json"), 400, "invalid", [expected])
    assert rows() == before
    assert not Complaint.objects.exists() and not WageCase.objects.exists()
    unpaid = make_visit(wages_on_time=WagesOnTime.NO, workers_unpaid=1, amount_unpaid="10")
    response = client.post(
        f"{detail_url(unpaid)}open-case/",
        {"kind": "wage", "claims": [{"worker": workers_a[0].pk, "amount_claimed": "1.001"}]},
        format="json",
    )
    assert "claims.0.amount_claimed" in field_errors(response)
    assert not WageCase.objects.exists()


def test_lists_and_pages_take_the_same_queries_whatever_the_number_of_rows(
    client_of: Any, make_visit: Any, make_order: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_of("window_a")
    urls = [URL, "/api/v1/rectification-orders/", "/api/v1/campaigns/"]

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    make_order(visit=make_visit(workers_on_site=2, contracts_urged=1))
    few = counts()
    for _ in range(4):
        make_order(visit=make_visit())
    assert counts() == few
    visit = make_visit()
    for _ in range(3):
        make_order(visit=visit)
    with CaptureQueriesContext(connection) as one:
        client.get(detail_url(visit))
    make_order(visit=visit)
    with CaptureQueriesContext(connection) as more:
        client.get(detail_url(visit))
    assert len(more) == len(one)
