"""Fixtures for inspections, built through the real services: the complaint fixtures (employer
and workers of county A, a second inspector), a campaign of county A, `make_visit` for a visit
in one line (two inspectors, an hour ago, patrol unless a campaign is given), `make_order`,
`make_employer` (an employer of a township and industry), `photo()` for an upload, `at()` for a
local time, and `rows()` to show a refused call stored nothing."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bureau import services as core
from bureau.models import CaseCounter, Employer, Region, User
from inspections import services
from inspections.models import (
    AnnualReview,
    Campaign,
    CampaignType,
    ChecklistTemplate,
    OrderEvent,
    OrderItem,
    PatrolTarget,
    RectificationOrder,
    Visit,
    VisitPhoto,
)
from inspections.reference import ensure_builtin
from tests.complaints import conftest as complaint_fixtures
from tests.conftest import Tree, make_credit_code
from tests.wagecases.conftest import code_of, codes  # noqa: F401 (re-exported for tests)

employer_a = complaint_fixtures.employer_a
employer_b = complaint_fixtures.employer_b
workers_a = complaint_fixtures.workers_a
inspector_a2 = complaint_fixtures.inspector_a2
wages = complaint_fixtures.wages

# The smallest files each format is told by (their first bytes are what counts).
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF_BYTES = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return timezone.localdate()


def at(day: dt.date | str, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A local (Asia/Shanghai) time on `day`."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def photo(data: bytes = JPEG_BYTES, name: str = "现场.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def rows() -> dict[str, Any]:
    """Everything the inspection services store, and the case-number counters, so that a
    refused call can be shown to have changed nothing."""
    return {
        "visits": list(Visit.objects.order_by("id").values_list("id", "complaint_id", "wage_case_id")),
        "photos": list(VisitPhoto.objects.order_by("id").values_list("id", "file")),
        "orders": list(RectificationOrder.objects.order_by("id").values_list("id", "status", "due_on")),
        "items": list(OrderItem.objects.order_by("id").values_list("id", "met", "checked_on")),
        "events": OrderEvent.objects.count(),
        "reviews": list(
            AnnualReview.objects.order_by("id").values_list("id", "result", "opinion", "reviewed_on", "reviewed_by")
        ),
        "campaigns": list(Campaign.objects.order_by("id").values_list("id", "name", "starts_on", "ends_on")),
        "templates": list(ChecklistTemplate.objects.order_by("id").values_list("id", "version")),
        "targets": list(PatrolTarget.objects.order_by("id").values_list("id", "patrols")),
        "counters": list(CaseCounter.objects.order_by("id").values_list("series", "year", "last")),
    }


@pytest.fixture(autouse=True)
def _builtin_checklists(request: pytest.FixtureRequest) -> None:
    """The built-in campaign types are migration data: a transactional test elsewhere in the
    run empties the table, so put them back for a test that uses the database."""
    if set(request.fixturenames) & {"db", "transactional_db", "live_server"}:
        ensure_builtin()


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploaded photos go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


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
def make_employer(staff: dict[str, User], tree: Tree) -> Callable[..., Employer]:
    """make_employer(name, region=township, industry="E"): an employer of county A (or of
    county B when the region is there), each with its own credit code."""
    numbers = itertools.count(1)

    def make(name: str, region: Region | None = None, **fields: Any) -> Employer:
        region = region or tree.county_a
        clerk = staff["window_b"] if region.path.startswith(tree.county_b.path) else staff["window_a"]
        county_digit = 2 if clerk == staff["window_b"] else 1
        return core.employer_create(
            by=clerk,
            credit_code=make_credit_code(f"9133990{county_digit}MA0J{next(numbers):05d}"),
            name=name,
            region=region,
            **fields,
        )

    return make


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


@pytest.fixture
def visit_inputs(staff: dict[str, User], employer_a: Employer, inspector_a2: User) -> Iterator[Callable[..., Any]]:
    """visit_inputs(**changes): a valid VisitInput of a patrol by the two inspectors of county A."""

    def make(**fields: Any) -> services.VisitInput:
        fields.setdefault("employer", employer_a)
        fields.setdefault("visited_at", now() - dt.timedelta(hours=1))
        fields.setdefault("inspectors", [staff["inspector_a"], inspector_a2])
        return services.VisitInput(**fields)

    yield make
