"""A record several bureaus hold is changed only by the one that holds it as its own, and the
back office is no way around the services (found in the acceptance review)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from bureau import services
from bureau.identifiers import mask_phone
from bureau.models import Employer, Region, Worker
from tests.conftest import make_credit_code, make_id_number


def test_a_county_that_linked_an_employer_cannot_rename_or_move_it(api, staff, tree):
    employer = services.employer_create(
        by=staff["window_b"], credit_code=make_credit_code("91339902MA0XYW001"), name="西山建筑", region=tree.county_b
    )
    client = api(staff["window_a"])
    assert (
        client.post(
            "/api/v1/employers/", {"credit_code": employer.credit_code, "name": "x", "region": "339901"}, format="json"
        ).status_code
        == 200
    )
    response = client.patch(
        f"/api/v1/employers/{employer.pk}/", {"name": "被东湖改名", "region": "339901"}, format="json"
    )
    assert response.status_code == 403
    assert "西山县" in response.json()["message"]
    employer.refresh_from_db()
    assert (employer.name, employer.region) == ("西山建筑", tree.county_b)
    assert (
        api(staff["window_b"])
        .patch(f"/api/v1/employers/{employer.pk}/", {"name": "西山建筑公司"}, format="json")
        .status_code
        == 200
    )


def test_a_county_that_linked_a_person_cannot_change_his_record(api, staff, tree):
    worker, _ = services.worker_register(by=staff["window_b"], name="钱七", id_number=make_id_number(seq="611"))
    client = api(staff["window_a"])
    assert (
        client.post("/api/v1/workers/", {"name": "钱七", "id_number": worker.id_number}, format="json").status_code
        == 200
    )
    assert client.patch(f"/api/v1/workers/{worker.pk}/", {"name": "东湖改的名"}, format="json").status_code == 403
    worker.refresh_from_db()
    assert worker.name == "钱七"


def test_a_name_of_invisible_characters_is_no_name(api, staff, tree):
    response = api(staff["window_a"]).post(
        "/api/v1/employers/",
        {"credit_code": make_credit_code("91339901MA0XYW002"), "name": "\u200b\u200d", "region": "339901"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "name"
    assert not Employer.objects.exists()


def test_correcting_an_id_number_moves_the_home_region_with_it(staff, tree):
    worker, _ = services.worker_register(
        by=staff["window_a"], name="孙八", id_number=make_id_number("339901", seq="612")
    )
    assert worker.home_region == tree.county_a
    services.worker_update(worker=worker, by=staff["window_a"], id_number=make_id_number("339902", seq="612"))
    worker.refresh_from_db()
    assert worker.home_region == tree.county_b


def test_a_landline_is_masked_as_it_is_written():
    assert mask_phone("+8657982345678") == "057*****5678"
    assert mask_phone("not a number") == ""


def test_a_county_administrator_cannot_move_a_township_into_another_county_or_edit_his_own(staff, tree):
    client = Client()
    client.force_login(staff["admin_a"])
    response = client.post(
        f"/admin/bureau/region/{tree.town_a1.pk}/change/",
        {"code": tree.town_a1.code, "name": tree.town_a1.name, "level": 4, "parent": tree.county_b.pk},
    )
    assert response.status_code == 200  # redisplayed with an error
    assert Region.objects.get(pk=tree.town_a1.pk).parent == tree.county_a
    own = client.get(f"/admin/bureau/region/{tree.county_a.pk}/change/")
    assert own.status_code == 200
    assert b'name="code"' not in own.content  # shown, not editable


def test_a_region_must_fit_its_parent(tree):
    bad = Region(code="339902105", name="错挂", level=4, parent=tree.county_a)
    with pytest.raises(ValidationError) as info:
        bad.full_clean()
    assert "parent" in info.value.message_dict


def test_the_back_office_neither_edits_nor_deletes_nor_unmasks_people_and_employers(staff, tree):
    worker, _ = services.worker_register(
        by=staff["window_a"], name="周九", id_number=make_id_number(seq="613"), phone="13812345678"
    )
    client = Client()
    client.force_login(staff["admin_a"])
    page = client.get(f"/admin/bureau/worker/{worker.pk}/change/").content.decode()
    assert worker.id_number not in page
    assert "13812345678" not in page
    assert "138****5678" in page
    client.post(f"/admin/bureau/worker/{worker.pk}/delete/", {"post": "yes"})
    assert Worker.objects.filter(pk=worker.pk).exists()
    client.post(f"/admin/bureau/worker/{worker.pk}/change/", {"name": "改名"})
    worker.refresh_from_db()
    assert worker.name == "周九"
