"""Registering and finding employers in the browser: the form (client-side check, server
errors, region picker loaded from the API), the search box, and another county's employer."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from bureau import services
from bureau.models import Employer
from tests.conftest import make_credit_code

CODE = make_credit_code("91339901MA2ABCDE1")
NAME = "东湖精密机械有限公司"
CHECK_CHAR_ERROR = "统一社会信用代码校验位错误，请核对。"


def wrong_check_char(code: str) -> str:
    return code[:17] + ("1" if code[17] != "1" else "2")


def choose_county(page: Page, code: str) -> None:
    """The county list comes from the API: wait for the option, then pick it."""
    county = page.get_by_test_id("region-county")
    expect(county.locator(f"option[value='{code}']")).to_be_attached()
    county.select_option(code)


def test_a_clerk_registers_an_employer_and_finds_it_by_name_and_by_code(logged_in, tree, staff):
    services.employer_create(
        by=staff["window_a"], credit_code=make_credit_code("91339901MA0000009"), name="东湖食品厂", region=tree.county_a
    )
    page = logged_in("window_a")
    page.goto("/employers/new/")
    page.locator("input[name=credit_code]").fill(CODE)
    page.locator("input[name=name]").fill(NAME)
    choose_county(page, tree.county_a.code)
    page.get_by_test_id("submit").click()

    expect(page).to_have_url(re.compile(r"/employers/\d+/$"))
    expect(page.get_by_test_id("detail-name")).to_have_text(NAME)
    expect(page.get_by_test_id("detail-credit-code")).to_have_text(CODE)
    employer = Employer.objects.get(credit_code=CODE)
    assert page.url.endswith(f"/employers/{employer.pk}/")
    assert (employer.name, employer.region, employer.created_by) == (NAME, tree.county_a, staff["window_a"])

    page.goto("/employers/")
    rows = page.get_by_test_id("results").locator("tr")
    expect(rows).to_have_count(2)
    page.get_by_test_id("search-input").fill("精密机械")
    page.get_by_test_id("search-input").press("Enter")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(NAME)
    expect(page).to_have_url(re.compile(r"\?q=%E7%B2%BE"))

    page.goto("/employers/")
    expect(rows).to_have_count(2)
    page.get_by_test_id("search-input").fill(CODE.lower())
    page.get_by_test_id("search-input").press("Enter")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(CODE)
    rows.first.get_by_role("link", name=NAME).click()
    expect(page).to_have_url(re.compile(rf"/employers/{employer.pk}/$"))


def test_a_wrong_check_character_is_shown_under_the_code_field_and_nothing_is_stored(logged_in, tree):
    bad = wrong_check_char(CODE)
    page = logged_in("window_a")
    page.goto("/employers/new/")
    code_input = page.locator("input[name=credit_code]")
    code_error = page.locator("small.field-error[data-field=credit_code]")

    # The server: the code typed last and Enter, so the field is never left (no client check).
    choose_county(page, tree.county_a.code)
    page.locator("input[name=name]").fill(NAME)
    code_input.fill(bad)
    expect(code_error).to_be_hidden()
    with page.expect_response(lambda r: r.url.endswith("/api/v1/employers/") and r.request.method == "POST") as info:
        code_input.press("Enter")
    response = info.value
    assert response.status == 400
    assert {"field": "credit_code", "message": CHECK_CHAR_ERROR}.items() <= response.json()["errors"][0].items()
    expect(code_error).to_have_text(CHECK_CHAR_ERROR)
    expect(code_input).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("form-message")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/employers/new/$"))

    # The browser: 清空, type it again, leave the field; no request is made.
    page.get_by_role("button", name="清空").click()
    expect(code_error).to_be_hidden()
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    code_input.fill(bad.lower())
    code_input.press("Tab")
    expect(code_error).to_have_text(CHECK_CHAR_ERROR)
    assert posts == []
    assert not Employer.objects.exists()


def test_another_countys_employer_page_is_the_not_found_page(logged_in, tree, staff):
    employer = services.employer_create(
        by=staff["window_b"],
        credit_code=make_credit_code("91339902MA0000001"),
        name="西山建筑公司",
        region=tree.county_b,
    )
    page = logged_in("window_a")
    response = page.goto(f"/employers/{employer.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("未找到")
    expect(page.locator("main")).to_contain_text("不在您的辖区内")
    expect(page.locator("body")).not_to_contain_text("西山建筑公司")
    assert page.request.get(f"/api/v1/employers/{employer.pk}/").status == 404


def test_an_untouched_employer_form_does_not_claim_a_restored_draft_on_the_next_visit(logged_in, tree):
    page = logged_in("window_a")
    page.goto("/employers/new/")
    expect(page.get_by_test_id("region-county")).to_have_value(tree.county_a.code)  # the only county: preselected
    page.goto("/employers/")
    page.goto("/employers/new/")
    expect(page.get_by_test_id("region-county")).to_have_value(tree.county_a.code)
    expect(page.get_by_text("已恢复上次未提交的内容。")).to_be_hidden(timeout=1_000)


def test_after_clearing_the_form_the_county_chosen_again_is_saved(logged_in, tree):
    page = logged_in("window_a")
    page.goto("/employers/new/")
    choose_county(page, tree.county_a.code)
    page.locator("input[name=name]").fill("写错了")
    page.get_by_role("button", name="清空").click()
    choose_county(page, tree.county_a.code)
    page.locator("input[name=name]").fill(NAME)
    page.locator("input[name=credit_code]").fill(CODE)
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(r"/employers/\d+/$"), timeout=1_500)
