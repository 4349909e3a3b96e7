"""Logging in and out through the real forms, and the language switch in the header."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in


def test_a_clerk_logs_in_with_the_real_form_and_sees_his_role_on_the_home_page(page: Page, live_server, staff):
    log_in(page, "window_a")
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("您好，window_a")
    roles = page.get_by_test_id("home-roles")
    expect(roles).to_contain_text("窗口人员")
    expect(roles).to_contain_text("东湖区")
    expect(page.locator("a[href='/workers/new/']", has_text="登记劳动者")).to_be_visible()


def test_a_wrong_password_shows_the_error_and_stays_on_the_login_page(page: Page, staff):
    log_in(page, "window_a", "wrong-password")
    expect(page.get_by_test_id("login-error")).to_be_visible()
    expect(page.get_by_test_id("login-error")).not_to_be_empty()
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.locator("input[name=username]")).to_have_value("window_a")
    expect(page.get_by_test_id("home-roles")).to_have_count(0)


def test_logging_out_returns_to_the_login_page(logged_in, live_server):
    page = logged_in("window_a")
    page.locator("details.usermenu summary").click()
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.locator("input[name=password]")).to_be_visible()
    page.goto("/employers/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/employers/$"))


def switch_language(page: Page, code: str) -> None:
    with page.expect_navigation():
        page.get_by_test_id("language-select").select_option(code)


def test_the_language_select_switches_the_page_language_and_back(logged_in):
    page = logged_in("window_a")
    switch_language(page, "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("language-select")).to_have_value("en")
    expect(page.get_by_test_id("home-roles")).to_be_visible()  # still logged in, same page
    switch_language(page, "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_test_id("language-select")).to_have_value("zh-hans")
    expect(page.get_by_test_id("logout")).to_have_text("退出登录")
    expect(page.locator(".mainnav")).to_contain_text("用人单位")


def test_in_english_the_header_reads_log_out_and_employers(logged_in):
    page = logged_in("window_a")
    switch_language(page, "en")
    expect(page.get_by_test_id("logout")).to_have_text("Log out", timeout=2_000)
    expect(page.locator(".mainnav")).to_contain_text("Employers", timeout=2_000)
    switch_language(page, "zh-hans")
    expect(page.get_by_test_id("logout")).to_have_text("退出登录")
