"""Correcting a record: the edit form comes filled in, and only what changed is sent."""

from __future__ import annotations

from playwright.sync_api import expect

from bureau import services
from bureau.models import Employer, Worker
from tests.conftest import make_credit_code, make_id_number


def test_a_clerk_corrects_an_employers_name_and_address(logged_in, tree, staff):
    employer = services.employer_create(
        by=staff["window_a"],
        credit_code=make_credit_code("91339901MA0EDXT01"),
        name="东湖建笁公司",
        region=tree.town_a1,
        address="湖滨路1号",
    )
    page = logged_in("window_a")
    page.goto(f"/employers/{employer.pk}/")
    page.get_by_test_id("edit").click()
    name = page.locator("input[name=name]")
    expect(name).to_have_value("东湖建笁公司")
    expect(page.get_by_test_id("region-township")).to_have_value(tree.town_a1.code)
    name.fill("东湖建筑公司")
    page.locator("input[name=address]").fill("湖滨路2号")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("detail-name")).to_have_text("东湖建筑公司")
    employer.refresh_from_db()
    assert (employer.name, employer.address, employer.region_id) == ("东湖建筑公司", "湖滨路2号", tree.town_a1.pk)


def test_a_clerk_corrects_a_workers_phone_and_an_administrator_cannot_see_it(logged_in, tree, staff):
    worker, _ = services.worker_register(
        by=staff["window_a"], name="赵六", id_number=make_id_number(seq="456"), phone="13812345678"
    )
    page = logged_in("window_a")
    page.goto(f"/workers/{worker.pk}/edit/")
    phone = page.locator("input[name=phone]")
    expect(phone).to_have_value("138 1234 5678")
    phone.fill("13900001111")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("detail-name")).to_have_text("赵六")
    worker.refresh_from_db()
    assert worker.phone == "+8613900001111"

    page.context.clear_cookies()
    admin_page = logged_in("admin_a")
    admin_page.goto(f"/workers/{worker.pk}/edit/")
    expect(admin_page.locator("input[name=name]")).to_have_value("赵六")
    expect(admin_page.locator("input[name=id_number]")).to_have_value("")
    admin_page.locator("input[name=address]").fill("东湖路8号")
    admin_page.get_by_test_id("submit").click()
    expect(admin_page.get_by_test_id("detail-name")).to_have_text("赵六")
    worker.refresh_from_db()
    assert worker.address == "东湖路8号"
    assert worker.id_number == make_id_number(seq="456")
    assert worker.phone == "+8613900001111"
    assert Worker.objects.count() == 1 and Employer.objects.count() == 0
