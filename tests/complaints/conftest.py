"""Fixtures for complaint cases: an employer and workers of county A registered through the
real services, and a `make_case` that registers one (and walks it to a status if asked)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from bureau import services as core
from bureau.models import Employer, Role, User, Worker
from complaints import services
from complaints.models import Category, Complaint, Status
from tests.conftest import Tree, make_credit_code, make_id_number


@pytest.fixture
def employer_a(tree: Tree, staff: dict[str, User]) -> Employer:
    return core.employer_create(
        by=staff["window_a"],
        credit_code=make_credit_code("91339901MA0CXE001"),
        name="东湖建设有限公司",
        region=tree.county_a,
    )


@pytest.fixture
def employer_b(tree: Tree, staff: dict[str, User]) -> Employer:
    return core.employer_create(
        by=staff["window_b"],
        credit_code=make_credit_code("91339902MA0CXE002"),
        name="西山建设有限公司",
        region=tree.county_b,
    )


@pytest.fixture
def workers_a(staff: dict[str, User]) -> list[Worker]:
    result = []
    for index in range(3):
        worker, _ = core.worker_register(
            by=staff["window_a"], name=f"工人{index}", id_number=make_id_number(seq=f"{index + 300}")
        )
        result.append(worker)
    return result


@pytest.fixture
def inspector_a2(make_user: Callable[..., User], tree: Tree) -> User:
    return make_user("inspector_a2", tree.county_a, Role.INSPECTOR)


@pytest.fixture
def wages() -> Category:
    return Category.objects.get(code="unpaid_wages")


PATHS: dict[str, list[tuple[str, str]]] = {
    # status -> the acts (and who does them) that lead there from registration
    Status.REGISTERED: [],
    Status.SUPPLEMENT_REQUESTED: [("request_supplement", "window_a")],
    Status.REFUSAL_REQUESTED: [("request_refusal", "window_a")],
    Status.NOT_ACCEPTED: [("request_refusal", "window_a"), ("approve_refusal", "head_a")],
    Status.REFERRED: [("refer", "window_a")],
    Status.ACCEPTED: [("accept", "window_a"), ("assign", "head_a")],
    Status.EXTENSION_REQUESTED: [("accept", "window_a"), ("assign", "head_a"), ("request_extension", "inspector_a")],
    Status.CLOSURE_REQUESTED: [("accept", "window_a"), ("assign", "head_a"), ("request_closure", "inspector_a")],
    Status.CLOSED: [
        ("accept", "window_a"),
        ("assign", "head_a"),
        ("request_closure", "inspector_a"),
        ("approve_closure", "head_a"),
    ],
    Status.FOLLOWED_UP: [
        ("accept", "window_a"),
        ("assign", "head_a"),
        ("request_closure", "inspector_a"),
        ("approve_closure", "head_a"),
        ("follow_up", "window_a"),
    ],
    Status.WITHDRAWN: [("withdraw", "window_a")],
}


def act_kwargs(act: str, staff: dict[str, User], inspector_a2: User) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"reason": "依法处理"}
    if act == "assign":
        kwargs["inspectors"] = [staff["inspector_a"], inspector_a2]
    if act == "request_closure":
        kwargs.update(outcome="paid", amount_recovered=Decimal("12000.00"), workers_paid=2)
    if act == "follow_up":
        kwargs["satisfied"] = True
    return kwargs


@pytest.fixture
def make_case(
    staff: dict[str, User], employer_a: Employer, workers_a: list[Worker], wages: Category, inspector_a2: User
) -> Callable[..., Complaint]:
    def make(status: str = Status.REGISTERED, received_on: dt.date | None = None, **extra: Any) -> Complaint:
        complaint = services.complaint_register(
            by=staff["window_a"],
            employer=employer_a,
            categories=[wages],
            facts="2026年以来拖欠工资",
            complainants=[
                services.ComplainantInput(worker=workers_a[0], amount_claimed=Decimal("8000")),
                services.ComplainantInput(worker=workers_a[1], amount_claimed=Decimal("4000.50")),
            ],
            received_on=received_on,
            **extra,
        )
        for act, who in PATHS[status]:
            services.complaint_act(complaint=complaint, by=staff[who], act=act, **act_kwargs(act, staff, inspector_a2))
        complaint.refresh_from_db()
        assert complaint.status == status
        return complaint

    return make
