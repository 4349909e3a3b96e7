"""Registering and finding workers in the browser: the ID-number check and hint, masked ID
numbers and the recorded reveal, the list on a phone, and the draft kept in the browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bureau import services
from bureau.models import PersonalDataAccess, Worker
from tests.conftest import make_id_number


def test_a_clerk_registers_a_worker_and_sees_the_full_id_number_only_on_request(logged_in, staff):
    id_number = make_id_number("339901", "19850315", "123")
    page = logged_in("window_a")
    page.goto("/workers/new/")
    id_input = page.locator("input[name=id_number]")
    id_input.fill(id_number)
    id_input.press("Tab")
    expect(page.get_by_test_id("derived")).to_have_text("出生日期 1985-03-15，男")
    page.locator("input[name=name]").fill("张建国")
    page.get_by_test_id("submit").click()

    expect(page).to_have_url(re.compile(r"/workers/\d+/$"))
    worker = Worker.objects.get(id_number=id_number)
    assert page.url.endswith(f"/workers/{worker.pk}/")
    expect(page.get_by_test_id("detail-name")).to_have_text("张建国")
    shown = page.get_by_test_id("detail-id-number")
    expect(shown).to_have_text("339901********" + id_number[-4:])
    expect(page.locator("main")).not_to_contain_text(id_number)
    assert not PersonalDataAccess.objects.filter(action="reveal").exists()

    page.get_by_test_id("reveal").click()
    expect(shown).to_have_text(id_number)
    expect(page.get_by_text("1985-03-15")).to_be_visible()
    expect(page.get_by_test_id("reveal")).to_be_hidden()
    reveal = PersonalDataAccess.objects.get(action="reveal")
    assert reveal.user == staff["window_a"]
    assert worker.pk in reveal.object_ids


@pytest.mark.browser_context_args(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
def test_on_a_phone_the_worker_list_fits_the_screen_and_the_search_works(logged_in, staff):
    for seq, name in (("111", "李秀英"), ("222", "王建军"), ("333", "陈国强")):
        services.worker_register(
            by=staff["window_a"],
            name=name,
            id_number=make_id_number("339901", "19900101", seq),
            phone="13812345" + seq[:3],
            address="东湖区湖滨街道幸福路100号3幢2单元501室",
        )
    page = logged_in("window_a")
    page.goto("/workers/")
    rows = page.get_by_test_id("results").locator("tr")
    expect(rows).to_have_count(3)
    assert page.evaluate("window.innerWidth") == 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("document.body.scrollWidth") <= 390

    page.get_by_test_id("search-input").fill("秀英")
    page.get_by_role("button", name="查找", exact=True).click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("李秀英")
    expect(rows.first).to_contain_text("339901********")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_half_typed_worker_form_survives_a_reload_and_clear_empties_it(logged_in, staff):
    page = logged_in("window_a")
    draft_key = f"draft:{staff['window_a'].pk}:worker-new"
    page.goto("/workers/new/")
    id_input = page.locator("input[name=id_number]")
    name_input = page.locator("input[name=name]")
    restored = page.get_by_text("已恢复上次未提交的内容。")
    expect(restored).to_be_hidden()
    id_input.fill("3399011985")
    name_input.fill("赵")
    page.wait_for_function(f"(localStorage.getItem('{draft_key}') || '').includes('赵')")

    page.reload()
    expect(id_input).to_have_value("3399011985")
    expect(name_input).to_have_value("赵")
    expect(restored).to_be_visible()

    page.get_by_role("button", name="清空").click()
    expect(id_input).to_have_value("")
    expect(name_input).to_have_value("")
    expect(restored).to_be_hidden()
    page.reload()
    expect(page.get_by_test_id("worker-form")).to_be_visible()
    expect(id_input).to_have_value("")
    expect(name_input).to_have_value("")
    expect(restored).to_be_hidden()
    draft = page.evaluate(f"JSON.parse(localStorage.getItem('{draft_key}') || '{{}}')")
    assert not draft.get("id_number")
    assert not draft.get("name")
    assert not Worker.objects.exists()


def test_a_draft_is_not_shown_to_the_next_user_of_the_browser(logged_in):
    page = logged_in("window_a")
    page.goto("/workers/new/")
    page.locator("input[name=name]").fill("窗口甲的来访者")
    page.locator("input[name=id_number]").fill("339901198503")
    page.wait_for_function("Object.keys(localStorage).some((k) => k.startsWith('draft:'))")
    page.locator("details.usermenu summary").click()
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile("/login/"))
    assert page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('draft:')).length") == 0
    page = logged_in("window_b")
    page.goto("/workers/new/")
    expect(page.locator("input[name=name]")).to_have_value("")
    expect(page.locator("input[name=id_number]")).to_have_value("")
