"""Browser journeys: Playwright (sync API, pytest-playwright's `page`) driving Debian's Chromium
against pytest-django's `live_server`.

- Chromium is /usr/bin/chromium (no browser download here); without the background-networking
  flags its connections are refused on these machines.
- The live server runs in a thread of this process and reads the database through its own
  connection, so every test here uses `transactional_db`: the shared `tree`/`staff` fixtures
  (which ask for `db`) then write committed rows the server can see.
- Playwright's sync API runs an event loop in the test thread, which trips Django's
  async-safety check on ORM calls from the test: DJANGO_ALLOW_ASYNC_UNSAFE.
- The browser asks for Chinese (Accept-Language zh-CN) like the bureau's machines do, so the
  pages are Chinese whatever catalogs are compiled.
- A failing test leaves a screenshot in test-results/ (gitignored).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

# The complaint fixtures, for the complaint journeys (test_complaints_*.py).
from tests.complaints.conftest import employer_a, inspector_a2, make_case, wages, workers_a  # noqa: F401
from tests.conftest import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

TIMEOUT_MS = 10_000
E2E_DIR = os.path.dirname(os.path.abspath(__file__))


def pytest_configure(config: pytest.Config) -> None:
    # Screenshot of the page when a test fails (pytest-playwright's --screenshot option).
    if getattr(config.option, "screenshot", None) == "off":
        config.option.screenshot = "only-on-failure"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if str(item.path).startswith(E2E_DIR + os.sep):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def base_url(live_server: Any) -> str:
    """`page.goto("/employers/")` goes to the live server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture(autouse=True)
def _committed_data(transactional_db: Any, live_server: Any) -> None:
    """Asked for first (autouse), so `db` in the shared fixtures is the transactional one."""


@pytest.fixture
def page(page: Page) -> Iterator[Page]:
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    # A JavaScript error on any page of the journey is a failure even if the assertions held.
    assert not errors, f"JavaScript errors: {errors}"


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Log in through the real login form."""
    response = page.goto("/login/")
    assert response is not None and response.ok, f"login page: {response and response.status}"
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="登录").click()


@pytest.fixture
def logged_in(page: Page, live_server: Any, staff: dict[str, Any]) -> Callable[[str], Page]:
    """`logged_in("window_a")`: the page, logged in as that member of staff, on the home page."""

    def login_as(username: str) -> Page:
        log_in(page, username)
        expect(page).to_have_url(live_server.url + "/")
        expect(page.get_by_test_id("home-roles")).to_be_visible()
        return page

    return login_as
