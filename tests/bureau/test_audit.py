"""The write audit trail (django-auditlog): every create and update through the API names the
requesting user as actor, with session or token authentication, and never holds a worker's ID
number, phone or birth date in clear."""

from __future__ import annotations

import json
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.db.models.signals import pre_save

from bureau import services
from bureau.audit import acting_as, mask_personal_value
from bureau.models import Employer, Worker, WorkerRegistration
from tests.bureau.conftest import next_credit_code
from tests.conftest import Tree, make_id_number

pytestmark = pytest.mark.django_db

ID_NUMBER = make_id_number("339901", "19850315", "123")


def entries(model: type, **filters: Any) -> Any:
    return LogEntry.objects.get_for_model(model).filter(**filters).order_by("pk")


def test_an_employer_created_through_the_api_is_logged_with_the_user_as_actor(staff: Any, api: Any, tree: Tree) -> None:
    response = api(staff["window_a"]).post(
        "/api/v1/employers/",
        {"credit_code": next_credit_code(), "name": "东湖建筑公司", "region": "339901"},
        format="json",
    )
    entry = entries(Employer, object_id=response.json()["id"]).get()
    assert (entry.action, entry.actor) == (LogEntry.Action.CREATE, staff["window_a"])
    assert entry.changes["name"] == [None, "东湖建筑公司"]


def test_an_employer_updated_with_a_token_is_logged_with_the_token_user_as_actor(
    staff: Any, token_api: Any, make_employer: Any, tree: Tree
) -> None:
    employer = make_employer(tree.county_a, name="旧名称")
    response = token_api(staff["inspector_a"]).patch(
        f"/api/v1/employers/{employer.pk}/", {"name": "新名称"}, format="json", REMOTE_ADDR="10.9.8.7"
    )
    assert response.status_code == 200, response.content
    entry = entries(Employer, object_pk=str(employer.pk), action=LogEntry.Action.UPDATE).get()
    assert entry.actor == staff["inspector_a"]
    assert entry.changes["name"] == ["旧名称", "新名称"]
    assert entry.remote_addr == "10.9.8.7"


def test_a_worker_registered_with_a_token_is_logged_without_id_number_phone_or_birth_date(
    staff: Any, token_api: Any, tree: Tree
) -> None:
    response = token_api(staff["window_a"]).post(
        "/api/v1/workers/", {"name": "王小明", "id_number": ID_NUMBER, "phone": "13912345678"}, format="json"
    )
    assert response.status_code == 201, response.content
    worker_id = response.json()["id"]
    entry = entries(Worker, object_id=worker_id).get()
    assert (entry.action, entry.actor) == (LogEntry.Action.CREATE, staff["window_a"])
    assert entry.changes["name"] == [None, "王小明"]
    assert entry.changes["id_number"] == ["None", "339901********" + ID_NUMBER[-4:]]
    assert entry.changes["phone"] == ["None", "139****5678"]
    assert entry.changes["birth_date"] == ["None", "**********"]
    stored = json.dumps(entry.changes, ensure_ascii=False) + (entry.changes_text or "")
    for secret in (ID_NUMBER, "13912345678", "12345678", "19850315", "1985-03-15"):
        assert secret not in stored

    registration = entries(WorkerRegistration).get()
    assert registration.actor == staff["window_a"]


def test_a_worker_updated_with_a_token_is_logged_masked(
    staff: Any, token_api: Any, make_worker: Any, tree: Tree
) -> None:
    worker = make_worker(tree.county_a, id_number=ID_NUMBER, phone="13912345678")
    corrected = make_id_number("339901", "19860416", "222")
    response = token_api(staff["head_a"]).patch(
        f"/api/v1/workers/{worker.pk}/", {"id_number": corrected, "phone": "13800001111"}, format="json"
    )
    assert response.status_code == 200, response.content
    entry = entries(Worker, object_pk=str(worker.pk), action=LogEntry.Action.UPDATE).get()
    assert entry.actor == staff["head_a"]
    assert entry.changes["phone"] == ["139****5678", "138****1111"]
    stored = json.dumps(entry.changes, ensure_ascii=False)
    for secret in (ID_NUMBER, corrected, "13912345678", "13800001111", "1986-04-16"):
        assert secret not in stored


def test_a_worker_made_known_to_another_county_logs_the_new_registration_with_its_actor(
    staff: Any, token_api: Any, make_worker: Any, tree: Tree
) -> None:
    worker = make_worker(tree.county_b, id_number=ID_NUMBER)
    response = token_api(staff["window_a"]).post(
        "/api/v1/workers/", {"name": "王小明", "id_number": ID_NUMBER}, format="json"
    )
    assert response.status_code == 200, response.content
    registration = WorkerRegistration.objects.get(worker=worker, region=tree.county_a)
    entry = entries(WorkerRegistration, object_pk=str(registration.pk)).get()
    assert entry.actor == staff["window_a"]
    assert not entries(Worker, action=LogEntry.Action.UPDATE).exists()


def test_refused_writes_leave_no_log_entry(staff: Any, api: Any, tree: Tree) -> None:
    client = api(staff["window_a"])
    client.post("/api/v1/employers/", {"credit_code": "bad", "name": "x", "region": "339901"}, format="json")
    client.post("/api/v1/workers/", {"name": "王小明", "id_number": ID_NUMBER[:17] + "0"}, format="json")
    assert not LogEntry.objects.exclude(content_type__model__in=["user", "staffrole", "region"]).exists()


def test_consecutive_service_calls_by_the_same_user_are_each_attributed(
    staff: Any, tree: Tree, make_employer: Any
) -> None:
    # Outside a request (commands, tasks): no middleware context around the services.
    first = services.employer_create(
        by=staff["window_a"], credit_code=next_credit_code(), name="一", region=tree.county_a
    )
    second = services.employer_create(
        by=staff["window_a"], credit_code=next_credit_code(), name="二", region=tree.county_a
    )
    services.employer_update(by=staff["window_a"], employer=first, name="一改")
    actors = [e.actor for e in entries(Employer, object_pk__in=[str(first.pk), str(second.pk)])]
    assert actors == [staff["window_a"]] * 3


def test_nested_acting_as_blocks_attribute_each_write_to_the_innermost_user(staff: Any, tree: Tree) -> None:
    with acting_as(staff["window_a"]):
        first = Employer.objects.create(credit_code=next_credit_code(), name="外层", region=tree.county_a)
        with acting_as(staff["head_a"]):
            inner = Employer.objects.create(credit_code=next_credit_code(), name="内层", region=tree.county_a)
        after = Employer.objects.create(credit_code=next_credit_code(), name="外层后", region=tree.county_a)
    outside = Employer.objects.create(credit_code=next_credit_code(), name="之外", region=tree.county_a)
    actor_of = {e.object_pk: e.actor for e in entries(Employer)}
    assert actor_of[str(first.pk)] == staff["window_a"]
    assert actor_of[str(inner.pk)] == staff["head_a"]
    assert actor_of[str(after.pk)] == staff["window_a"]
    assert actor_of[str(outside.pk)] is None


def test_token_requests_leave_no_audit_signal_receivers_behind(
    staff: Any, token_api: Any, make_employer: Any, tree: Tree
) -> None:
    employer = make_employer(tree.county_a)
    client = token_api(staff["window_a"])
    client.patch(f"/api/v1/employers/{employer.pk}/", {"name": "预热"}, format="json")
    before = len(pre_save.receivers)
    for i in range(3):
        response = client.patch(f"/api/v1/employers/{employer.pk}/", {"name": f"第{i}次"}, format="json")
        assert response.status_code == 200
    assert len(pre_save.receivers) == before


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("339901198503151234", "339901********1234"),
        ("+8613912345678", "139****5678"),
        ("1985-03-15", "**********"),
        ("None", "None"),
        ("", ""),
    ],
)
def test_masked_fields_are_masked_like_the_api_does(value: str, masked: str) -> None:
    assert mask_personal_value(value) == masked
