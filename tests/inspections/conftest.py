"""Fixtures for inspections, built through the real services: the complaint fixtures (employer
and workers of county A, a second inspector), a campaign of county A, `make_visit` for a visit
in one line (two inspectors, an hour ago, patrol unless a campaign is given), `make_order`, and
`rows()` to show a refused call stored nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from bureau.models import CaseCounter, Employer, User
from inspections import services
from inspections.models import (
    AnnualReview,
    Campaign,
    CampaignType,
    OrderItem,
    RectificationOrder,
    Visit,
    VisitPhoto,
)
from tests.complaints import conftest as complaint_fixtures
from tests.wagecases.conftest import code_of, codes  # noqa: F401 (re-exported for tests)

employer_a = complaint_fixtures.employer_a
employer_b = complaint_fixtures.employer_b
workers_a = complaint_fixtures.workers_a
inspector_a2 = complaint_fixtures.inspector_a2
wages = complaint_fixtures.wages


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return timezone.localdate()


def rows() -> dict[str, Any]:
    return {
        "visits": list(Visit.objects.order_by("id").values_list("id", "complaint_id", "wage_case_id")),
        "photos": VisitPhoto.objects.count(),
        "orders": list(RectificationOrder.objects.order_by("id").values_list("id", "status")),
        "items": list(OrderItem.objects.order_by("id").values_list("id", "met")),
        "reviews": list(AnnualReview.objects.order_by("id").values_list("id", "result")),
        "campaigns": Campaign.objects.count(),
        "counters": list(CaseCounter.objects.order_by("id").values_list("series", "last")),
    }


@pytest.fixture
def campaign_a(staff: dict[str, User]) -> Campaign:
    return services.campaign_create(
        by=staff["head_a"],
        data=services.CampaignInput(
            name="2026年根治欠薪冬季专项行动",
            campaign_type=CampaignType.objects.get(code="migrant_wages"),
            starts_on=today() - dt.timedelta(days=30),
            ends_on=today() + dt.timedelta(days=30),
            target_employers=20,
        ),
    )


@pytest.fixture
def make_visit(staff: dict[str, User], employer_a: Employer, inspector_a2: User) -> Callable[..., Visit]:
    def make(by: str = "inspector_a", **fields: Any) -> Visit:
        fields.setdefault("employer", employer_a)
        fields.setdefault("visited_at", now() - dt.timedelta(hours=1))
        fields.setdefault("inspectors", [staff["inspector_a"], inspector_a2])
        return services.visit_record(by=staff[by], data=services.VisitInput(**fields))

    return make


@pytest.fixture
def make_order(staff: dict[str, User], make_visit: Callable[..., Visit]) -> Callable[..., RectificationOrder]:
    def make(
        items: tuple[str, ...] = ("补签劳动合同", "建立职工名册"), deadline_days: int = 10, **kw: Any
    ) -> RectificationOrder:
        visit = kw.pop("visit", None) or make_visit(
            visited_at=now() - dt.timedelta(days=kw.pop("days_ago", 0), hours=1)
        )
        return services.order_issue_from_visit(
            by=staff["inspector_a"],
            visit=visit,
            items=list(items),
            deadline_days=deadline_days,
            served_on=kw.pop("served_on", timezone.localdate(visit.visited_at)),
        )

    return make
