"""Fixtures of the core API tests: employers and workers made through the real services, a
token client, and the check that an error body has the one API error format."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bureau import services
from bureau.models import Employer, Region, User, Worker
from tests.conftest import Tree, make_credit_code, make_id_number

_serial = itertools.count(1)


def next_credit_code() -> str:
    """A valid, unused unified social credit code (91 = enterprise, 339901 = county A)."""
    return make_credit_code(f"91339901MA{next(_serial):07d}")


def next_id_number(area: str = "339901") -> str:
    """A valid, unused resident ID number of someone born in the 1980s."""
    n = next(_serial)
    birth = dt.date(1980, 1, 1) + dt.timedelta(days=n % 3650)
    return make_id_number(area, birth.strftime("%Y%m%d"), f"{n % 1000:03d}")


def next_mobile() -> str:
    return f"1391234{next(_serial) % 10000:04d}"


@pytest.fixture
def make_employer(staff: dict[str, User]) -> Callable[..., Employer]:
    """An employer in `region`, registered through the service by `by` (default: the city
    head, who sees both counties)."""

    def make(region: Region, *, by: User | None = None, **fields: Any) -> Employer:
        fields.setdefault("credit_code", next_credit_code())
        fields.setdefault("name", f"测试建筑工程有限公司{next(_serial)}")
        return services.employer_create(by=by or staff["city_head"], region=region, **fields)

    return make


@pytest.fixture
def make_worker(staff: dict[str, User]) -> Callable[..., Worker]:
    """A worker registered in `region` through the service by `by` (default: the city head)."""

    def make(region: Region, *, by: User | None = None, **fields: Any) -> Worker:
        fields.setdefault("id_number", next_id_number())
        fields.setdefault("name", "张三")
        worker, created = services.worker_register(by=by or staff["city_head"], region=region, **fields)
        assert created
        return worker

    return make


@pytest.fixture
def token_api() -> Callable[[User], APIClient]:
    """A client that authenticates with `Authorization: Token ...` only (no session)."""

    def client_for(user: User) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


@pytest.fixture
def parties(tree: Tree, make_employer: Callable[..., Employer], make_worker: Callable[..., Worker]) -> Any:
    """One employer and one worker in township A1, in county A itself and in county B."""

    class Parties:
        employer_a1 = make_employer(tree.town_a1, name="湖滨电子厂")
        employer_a = make_employer(tree.county_a, name="东湖建筑公司")
        employer_b = make_employer(tree.county_b, name="西山纺织厂")
        worker_a1 = make_worker(tree.town_a1, name="王小明")
        worker_a = make_worker(tree.county_a, name="李四")
        worker_b = make_worker(tree.county_b, name="赵六")

    return Parties


def assert_error(response: Any, status: int, code: str, fields: Iterable[tuple[str | None, str]] = ()) -> None:
    """The response is `status` with the one API error format, top-level `code`, and (at
    least) the given (field, code) pairs among its errors."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "errors"}, body
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"], body
    assert isinstance(body["errors"], list)
    for error in body["errors"]:
        assert set(error) == {"field", "code", "message"}, error
        assert isinstance(error["code"], str) and error["code"], error
        assert isinstance(error["message"], str) and error["message"], error
    pairs = {(e["field"], e["code"]) for e in body["errors"]}
    missing = set(fields) - pairs
    assert not missing, f"missing {missing} in {body['errors']}"


def field_errors(response: Any) -> dict[str | None, list[str]]:
    """{field: [codes]} of an error response."""
    result: dict[str | None, list[str]] = {}
    for error in response.json()["errors"]:
        result.setdefault(error["field"], []).append(error["code"])
    return result
