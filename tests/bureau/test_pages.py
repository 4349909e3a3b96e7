"""The staff UI shell: login, lock-out, logout, password change, home per role, scoped pages,
language switch. Data on the pages comes from the API (tested in test_api_*.py); browser
journeys are in tests/e2e/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bureau import services
from bureau.models import Role
from tests.conftest import PASSWORD, make_credit_code


def login(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_pages_ask_anonymous_visitors_to_log_in(db):
    for name in ("home", "ui-employers", "ui-workers", "ui-employer-new", "ui-worker-new"):
        response = Client().get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_clerk_logs_in_and_lands_on_his_home_page(staff):
    client = Client()
    response = login(client, "window_a")
    assert response.status_code == 302
    assert response.url == reverse("home")
    page = client.get(reverse("home")).content.decode()
    assert "窗口人员" in page
    assert "东湖区" in page
    assert reverse("ui-worker-new") in page


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(staff):
    client = Client()
    response = login(client, "window_a", "wrong-password")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode() or "不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_even_for_the_right_password(staff):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "inspector_a", "wrong-password")
    response = login(client, "inspector_a")
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # another account on the same machine is not locked
    assert login(Client(), "window_a").status_code == 302


def test_logout_ends_the_session(staff):
    client = Client()
    login(client, "window_a")
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_an_idle_session_expires_and_an_active_one_is_extended(staff):
    client = Client()
    login(client, "window_a")
    session = Session.objects.get(session_key=client.session.session_key)
    # activity pushes the expiry forward (sliding idle timeout)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + dt.timedelta(minutes=5))
    assert client.get(reverse("home")).status_code == 200
    extended = Session.objects.get(pk=session.pk).expire_date
    assert extended > timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    # idle past the limit: back to the login page
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_session_cookie_ends_with_the_browser(staff):
    client = Client()
    response = login(client, "window_a")
    assert response.cookies[settings.SESSION_COOKIE_NAME]["expires"] == ""


def test_password_change_requires_the_old_password_and_a_strong_new_one(staff):
    client = Client()
    login(client, "window_a")
    weak = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "123456", "new_password2": "123456"},
    )
    assert weak.status_code == 200
    assert "密码" in weak.content.decode()
    done = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Another-Long-Pass-7", "new_password2": "Another-Long-Pass-7"},
    )
    assert done.status_code == 302
    client.post(reverse("logout"))
    assert login(Client(), "window_a", "Another-Long-Pass-7").status_code == 302


@pytest.mark.parametrize(
    ("username", "shown", "hidden"),
    [
        ("window_a", ["登记劳动者"], ["管理后台", "辖区概况"]),
        ("head_a", ["辖区概况"], ["管理后台", "登记劳动者"]),
        ("admin_a", ["管理后台", "年度节假日安排"], ["辖区概况"]),
        ("assistant_a1", ["社区劳动保障"], ["登记劳动者", "管理后台"]),
    ],
)
def test_home_page_shows_each_role_its_own_work(staff, username, shown, hidden):
    client = Client()
    client.force_login(staff[username])
    page = client.get(reverse("home")).content.decode()
    for text in shown:
        assert text in page
    for text in hidden:
        assert text not in page


def test_a_user_without_region_is_told_he_sees_nothing(staff):
    client = Client()
    client.force_login(staff["nobody"])
    assert "尚未设置所属区划" in client.get(reverse("home")).content.decode()


def test_another_countys_employer_page_is_not_found(tree, staff):
    employer = services.employer_create(
        by=staff["window_b"],
        credit_code=make_credit_code("91339902MA0000001"),
        name="西山建筑公司",
        region=tree.county_b,
    )
    client = Client()
    client.force_login(staff["window_a"])
    assert client.get(reverse("ui-employer", args=[employer.pk])).status_code == 404
    client.force_login(staff["window_b"])
    assert client.get(reverse("ui-employer", args=[employer.pk])).status_code == 200


def test_roles_that_cannot_register_do_not_get_the_forms(staff):
    client = Client()
    client.force_login(staff["assistant_a1"])
    assert client.get(reverse("ui-employer-new")).status_code == 404
    assert client.get(reverse("ui-worker-new")).status_code == 404


def test_the_language_switch_turns_the_pages_to_english_and_back(staff):
    client = Client()
    client.force_login(staff["window_a"])
    assert "退出登录" in client.get(reverse("home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert "Log out" in page
    assert 'lang="en"' in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "退出登录" in client.get(reverse("home")).content.decode()


def test_the_calendars_keeper_is_warned_when_next_years_calendar_is_missing(staff, settings, tree, make_user):
    settings.CALENDAR_WARN_FROM_MONTH = 1  # any month: the warning must show while 2027 is not loaded
    client = Client()
    client.force_login(make_user("admin_city", tree.city, Role.ADMIN))
    assert "calendar_year_missing" in client.get(reverse("home")).content.decode()
    for other in ("window_a", "admin_a"):  # a county administrator does not keep the national calendar
        client.force_login(staff[other])
        assert "calendar_year_missing" not in client.get(reverse("home")).content.decode()


def test_the_health_check_answers(db):
    assert Client().get("/healthz").json() == {"status": "ok"}


def test_edit_pages_are_not_found_out_of_scope_or_for_roles_that_cannot_edit(tree, staff):
    employer = services.employer_create(
        by=staff["window_b"], credit_code=make_credit_code("91339902MA0000002"), name="西山纺织厂", region=tree.county_b
    )
    client = Client()
    client.force_login(staff["window_a"])
    assert client.get(reverse("ui-employer-edit", args=[employer.pk])).status_code == 404
    client.force_login(staff["assistant_a1"])
    assert client.get(reverse("ui-employer-edit", args=[employer.pk])).status_code == 404
    client.force_login(staff["window_b"])
    page = client.get(reverse("ui-employer-edit", args=[employer.pk]))
    assert page.status_code == 200
    assert f"/api/v1/employers/{employer.pk}/" in page.content.decode()
