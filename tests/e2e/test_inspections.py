"""Inspections in the browser: a patrol recorded on a phone with its checklist and a photo
taken (made smaller in the browser); a visit typed with no network kept in the phone and sent
once the network is back, a re-send storing nothing more; the inspectors' field error beside
the field; a rectification order issued from a visit and followed up from a later one; a
campaign created by a head; window staff reading visits without the forms; a city head
planning a campaign of a county, changing it and setting the county's patrol target (the
county and township pickers send codes)."""

from __future__ import annotations

import datetime as dt
import re
import struct
import zlib
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from bureau.models import Employer, User
from inspections import reference
from inspections.models import Campaign, OrderStatus, PatrolTarget, RectificationOrder, Visit, VisitPhoto
from tests.inspections import conftest as inspection_fixtures

# The inspection fixtures (built through the services), for these journeys.
make_visit = inspection_fixtures.make_visit


@pytest.fixture(autouse=True)
def _campaign_types(transactional_db: Any) -> None:
    """The built-in campaign types and checklists come from a data migration, and a browser
    test empties every table when it ends: put them back (as tests/conftest.py does for the
    complaint categories)."""
    reference.load_builtin(django_apps, None)


PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


def png(width: int, height: int) -> bytes:
    """A plain PNG of one colour (no imaging library here): a camera photo stand-in."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + b"\x40\x80\xc0" * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height, 9))
        + chunk(b"IEND", b"")
    )


def jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a JPEG's frame header."""
    index = 2
    while index < len(data):
        marker, length = data[index + 1], struct.unpack(">H", data[index + 2 : index + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return width, height
        index += 2 + length
    raise AssertionError("not a JPEG")


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert width <= inner, f"the page scrolls sideways: {width}px > {inner}px"


def open_form(page: Page) -> None:
    """The new-visit form, with its lists loaded (the user is preselected as an inspector)."""
    page.goto("/inspections/visits/new/")
    expect(page.get_by_test_id("inspector-option").filter(has_text="inspector_a2")).to_be_visible()
    me = page.get_by_test_id("inspector-option").filter(has_text=re.compile(r"^\s*inspector_a\s*$"))
    expect(me.locator("input")).to_be_checked()


def pick_employer(page: Page, name: str) -> None:
    page.get_by_test_id("employer-search").fill(name[:2])
    page.get_by_role("option", name=re.compile(name)).dispatch_event("mousedown")
    expect(page.get_by_test_id("picked-employer")).to_contain_text(name)


def check_second_inspector(page: Page) -> None:
    page.get_by_test_id("inspector-option").filter(has_text="inspector_a2").locator("input").check()


@pytest.mark.browser_context_args(**PHONE)
def test_a_patrol_is_recorded_on_a_phone_with_its_checklist_and_a_photo(logged_in, employer_a: Employer, inspector_a2):
    page = logged_in("inspector_a")
    open_form(page)
    pick_employer(page, employer_a.name)
    page.get_by_test_id("patrol-type").select_option(label="日常巡查（综合）")
    check_second_inspector(page)
    items = page.get_by_test_id("check-item")
    expect(items).to_have_count(3)
    items.filter(has_text="是否建立职工名册").get_by_test_id("answer-yes").click()
    items.filter(has_text="工资是否按月足额支付").get_by_test_id("answer-no").click()
    expect(items.filter(has_text="是否建立职工名册").get_by_test_id("answer-yes")).to_have_attribute(
        "aria-pressed", "true"
    )
    # the checklist's photo item: taken with the camera, made smaller before it is sent
    page.get_by_test_id("item-photo-input").set_input_files(
        files=[{"name": "site.png", "mimeType": "image/png", "buffer": png(2400, 1200)}]
    )
    expect(page.get_by_test_id("check-photo-item").locator("img")).to_have_count(1)
    page.get_by_test_id("workers-on-site").fill("12")
    page.get_by_test_id("contracts-found").fill("10")
    page.get_by_test_id("contracts-urged").fill("2")
    page.get_by_test_id("findings").fill("两人未签劳动合同，已督促补签。")
    # large touch targets, one column, nothing sideways on a 375px phone
    box = page.get_by_test_id("answer-yes").first.bounding_box()
    assert box and box["height"] >= 44
    no_sideways_scroll(page)

    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/inspections/visits/\d+/\?sent=1$"))
    visit = Visit.objects.get()
    expect(page.get_by_test_id("visit-number")).to_have_text(visit.number)
    expect(page.get_by_test_id("visit-kind")).to_have_text("主动巡查")
    expect(page.get_by_test_id("visit-inspectors")).to_contain_text("inspector_a2")
    expect(page.get_by_test_id("answer-row").filter(has_text="是否建立职工名册").get_by_test_id("answer")).to_have_text(
        "是"
    )
    expect(
        page.get_by_test_id("answer-row").filter(has_text="工资是否按月足额支付").get_by_test_id("answer")
    ).to_have_text("否")
    expect(page.get_by_test_id("photo")).to_have_count(1)
    no_sideways_scroll(page)

    assert visit.campaign is None and visit.template is not None and visit.template.campaign_type.code == "routine"
    assert visit.answers == {"roster": True, "wages_on_time": False}
    assert sorted(u.username for u in visit.inspectors.all()) == ["inspector_a", "inspector_a2"]
    assert (visit.workers_on_site, visit.contracts_found, visit.contracts_urged) == (12, 10, 2)
    assert visit.client_uuid is not None
    photo = VisitPhoto.objects.get()
    assert photo.item_key == "site_photo" and photo.content_type == "image/jpeg"
    with photo.file.open("rb") as handle:
        assert jpeg_size(handle.read()) == (1600, 800)  # made smaller in the browser


def test_a_visit_typed_offline_waits_in_the_phone_and_is_sent_once(logged_in, employer_a: Employer, inspector_a2):
    page = logged_in("inspector_a")
    open_form(page)
    pick_employer(page, employer_a.name)
    check_second_inspector(page)
    page.get_by_test_id("findings").fill("离线登记")

    page.context.set_offline(True)
    expect(page.get_by_test_id("offline-banner")).to_be_visible()
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("pending-count")).to_have_text("1")
    expect(page.get_by_test_id("visit-notice")).to_contain_text("待发送")
    expect(page.get_by_test_id("pending-entry")).to_contain_text(employer_a.name)
    assert not Visit.objects.exists()
    queued: dict[str, Any] = page.evaluate("visitQueue.all().then((entries) => entries[0])")
    assert queued["body"]["client_uuid"] and queued["body"]["findings"] == "离线登记"
    # the form is blank again for the next visit, the team kept
    expect(page.get_by_test_id("employer-search")).to_be_visible()

    # the network is back: sent by itself
    page.context.set_offline(False)
    expect(page.get_by_test_id("sent-notice")).to_have_count(1)
    expect(page.get_by_test_id("pending")).to_be_hidden()
    visit = Visit.objects.get()
    assert str(visit.client_uuid) == queued["body"]["client_uuid"]
    expect(page.get_by_test_id("sent-notice")).to_contain_text(visit.number)

    # the same entry sent again (a phone that lost the answer): the server knows it, nothing new
    page.evaluate("(entry) => visitQueue.put(entry)", queued)
    page.reload()
    expect(page.get_by_test_id("sent-notice")).to_contain_text(visit.number)
    expect(page.get_by_test_id("pending")).to_be_hidden()
    assert page.evaluate("visitQueue.all().then((entries) => entries.length)") == 0
    assert Visit.objects.count() == 1


def test_one_inspector_is_refused_beside_the_field_and_nothing_is_stored(logged_in, employer_a: Employer, inspector_a2):
    page = logged_in("inspector_a")
    open_form(page)
    pick_employer(page, employer_a.name)
    page.get_by_test_id("submit").click()
    error = page.get_by_test_id("error-inspectors")
    expect(error).to_contain_text("两名")
    # beside the field: between the inspectors and the next field
    inspectors, visited_at = (
        page.get_by_test_id("inspectors").bounding_box(),
        page.get_by_test_id("visited-at").bounding_box(),
    )
    box = error.bounding_box()
    assert inspectors and visited_at and box and inspectors["y"] < box["y"] < visited_at["y"]
    expect(page.get_by_test_id("submit")).to_be_enabled()
    expect(page.get_by_test_id("pending")).to_be_hidden()
    assert page.evaluate("visitQueue.all().then((entries) => entries.length)") == 0
    assert not Visit.objects.exists()


def test_an_order_from_a_visit_is_followed_up_from_a_later_visit(logged_in, make_visit, staff: dict[str, User]):
    first = make_visit()
    page = logged_in("inspector_a")
    page.goto(f"/inspections/visits/{first.pk}/")
    page.locator("[data-act=issue_order]").click()
    page.get_by_test_id("order-items").fill("补签劳动合同\n建立职工名册\n")
    page.get_by_test_id("order-days").fill("10")
    page.get_by_test_id("order-submit").click()
    expect(page.get_by_test_id("order-issued")).to_contain_text("已下达责令改正指令书")
    order = RectificationOrder.objects.get()
    expect(page.get_by_test_id("order-issued")).to_contain_text(order.number)
    expect(page.get_by_test_id("order-issued")).to_contain_text(order.due_on.isoformat())
    expect(page.get_by_test_id("visit-order")).to_contain_text(order.number)
    assert [i.text for i in order.items.all()] == ["补签劳动合同", "建立职工名册"]
    assert order.served_on == timezone.localdate()

    later = make_visit(visited_at=timezone.now())
    page.get_by_test_id("order-issued").get_by_role("link").click()
    expect(page.get_by_test_id("order-status")).to_have_text("整改中")
    page.locator("[data-act=follow_up]").click()
    expect(page.get_by_test_id("followup-visit")).to_have_value(str(later.pk))
    expect(page.get_by_test_id("followup-visit").locator("option")).to_have_count(2)  # "—" and the later visit
    for item in page.get_by_test_id("followup-item").all():
        item.get_by_test_id("item-met").check()
    page.get_by_test_id("followup-submit").click()
    expect(page.get_by_test_id("order-status")).to_have_text("已整改")
    expect(page.get_by_test_id("order-notice")).to_contain_text("已整改")
    expect(page.get_by_test_id("item-state")).to_have_text(["已整改", "已整改"])
    order.refresh_from_db()
    assert order.status == OrderStatus.MET
    assert {i.followup_visit_id for i in order.items.all()} == {later.pk}


def test_a_head_plans_a_campaign_and_window_staff_read_visits_without_the_forms(
    logged_in, make_visit, tree: Any, staff: dict[str, User]
):
    page = logged_in("head_a")
    page.goto("/inspections/campaigns/new/")
    page.get_by_test_id("campaign-name").fill("2026年建筑领域专项检查")
    page.get_by_test_id("campaign-type").select_option(label="农民工工资支付")
    page.get_by_test_id("campaign-ends").fill((timezone.localdate() + dt.timedelta(days=60)).isoformat())
    page.get_by_test_id("campaign-regions").get_by_label(tree.town_a1.name).check()
    page.get_by_test_id("campaign-industries").get_by_label("建筑业").check()
    page.get_by_test_id("campaign-target").fill("30")
    page.get_by_test_id("campaign-submit").click()
    expect(page).to_have_url(re.compile(r"/inspections/campaigns/\d+/$"))
    expect(page.get_by_test_id("campaign-title")).to_have_text("2026年建筑领域专项检查")
    campaign = Campaign.objects.get()
    assert list(campaign.regions.all()) == [tree.town_a1] and campaign.industries == ["E"]
    assert campaign.target_employers == 30
    page.goto("/inspections/campaigns/")
    expect(page.get_by_test_id("campaign-row").filter(has_text="2026年建筑领域专项检查")).to_contain_text("0 / 30")

    visit = make_visit()
    page.context.clear_cookies()
    page = logged_in("window_a")
    page.get_by_test_id("nav-inspections").click()
    page.goto("/inspections/visits/")
    expect(page.get_by_test_id("visit-row")).to_have_count(1)
    expect(page.get_by_test_id("new-visit")).to_have_count(0)
    expect(page.get_by_test_id("nav-visit-new")).to_have_count(0)
    page.get_by_test_id("visit-row").get_by_role("link").click()
    expect(page.get_by_test_id("visit-number")).to_have_text(visit.number)
    expect(page.get_by_test_id("acts")).to_be_hidden()
    expect(page.get_by_test_id("add-photo")).to_have_count(0)


def test_a_city_head_plans_a_campaign_of_a_county_and_sets_its_target_by_the_counties_codes(
    logged_in, tree: Any, staff: dict[str, User]
):
    page = logged_in("city_head")
    page.goto("/inspections/campaigns/new/")
    page.get_by_test_id("campaign-name").fill("西山县劳动合同专项检查")
    page.get_by_test_id("campaign-county").select_option(label=tree.county_b.name)
    # the townships offered are those of the county chosen
    regions = page.get_by_test_id("campaign-regions")
    expect(regions.get_by_label(tree.town_b1.name)).to_be_visible()
    expect(regions.get_by_label(tree.town_a1.name)).to_have_count(0)
    page.get_by_test_id("campaign-type").select_option(label="农民工工资支付")
    page.get_by_test_id("campaign-ends").fill((timezone.localdate() + dt.timedelta(days=30)).isoformat())
    regions.get_by_label(tree.town_b1.name).check()
    page.get_by_test_id("campaign-submit").click()
    expect(page).to_have_url(re.compile(r"/inspections/campaigns/\d+/$"))
    campaign = Campaign.objects.get()
    assert campaign.county == tree.county_b and list(campaign.regions.all()) == [tree.town_b1]

    # the edit form shows the campaign's township checked, by its code, and saves a change
    page.get_by_test_id("campaign-edit").click()
    edit = page.get_by_test_id("campaign-form")
    expect(edit.get_by_test_id("campaign-regions").get_by_label(tree.town_b1.name)).to_be_checked()
    edit.get_by_test_id("campaign-regions").get_by_label(tree.town_b1.name).uncheck()
    edit.get_by_test_id("campaign-submit").click()
    expect(page.get_by_test_id("campaign-notice")).to_be_visible()
    assert list(campaign.regions.all()) == []

    page.goto("/inspections/targets/")
    expect(page.get_by_test_id("target-row")).to_have_count(2)
    form = page.get_by_test_id("target-form")
    form.get_by_label("县（区）").select_option(label=tree.county_b.name)
    page.get_by_test_id("target-patrols").fill("40")
    page.get_by_test_id("target-submit").click()
    expect(page.get_by_test_id("target-notice")).to_contain_text("40")
    target = PatrolTarget.objects.get()
    assert (target.county, target.patrols) == (tree.county_b, 40)
