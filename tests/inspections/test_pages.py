"""The staff pages of inspections (inspections/views.py): each opens for the roles that may see
it, is refused (403 page) to the others and asks anonymous visitors to log in; another
county's visit, campaign, order or review is the 404 page. The forms are for the roles that
may write: window staff read visits, orders and reviews but get no form. The data on the
pages comes from the API; browser journeys are in tests/e2e/test_inspections.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from bureau.models import Employer, Role, User
from inspections import services
from inspections.models import AnnualReview, Campaign, CampaignType, RectificationOrder, Visit
from tests.inspections.conftest import now, today

pytestmark = pytest.mark.django_db

WRITES = {"ui-visit-new", "ui-review-new"}
PLANS = {"ui-campaign-new"}


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def review_of(by: User, employer: Employer) -> AnnualReview:
    return services.review_submit(
        by=by,
        data=services.ReviewInput(
            employer=employer,
            year=today().year - 1,
            submitted_on=today(),
            workers=10,
            contracts_signed=10,
            insured_workers=9,
            wages_total="600000.00",
        ),
    )


@pytest.fixture
def records_a(
    staff: dict[str, User], campaign_a: Campaign, make_order: Callable[..., RectificationOrder], employer_a: Employer
) -> dict[str, Any]:
    order = make_order()
    assert order.visit is not None
    return {
        "campaign": campaign_a,
        "visit": order.visit,
        "order": order,
        "review": review_of(staff["inspector_a"], employer_a),
    }


@pytest.fixture
def records_b(
    staff: dict[str, User], employer_b: Employer, make_user: Callable[..., User], tree: Any
) -> dict[str, Any]:
    """The same records in county B."""
    second = make_user("inspector_b2", tree.county_b, Role.INSPECTOR)
    campaign = services.campaign_create(
        by=staff["head_b"],
        data=services.CampaignInput(
            name="西山专项",
            campaign_type=CampaignType.objects.get(code="routine"),
            starts_on=today() - dt.timedelta(days=5),
            ends_on=today() + dt.timedelta(days=5),
        ),
    )
    visit = services.visit_record(
        by=staff["inspector_b"],
        data=services.VisitInput(
            employer=employer_b, visited_at=now() - dt.timedelta(hours=1), inspectors=[staff["inspector_b"], second]
        ),
    )
    order = services.order_issue_from_visit(
        by=staff["inspector_b"], visit=visit, items=["补签劳动合同"], deadline_days=10
    )
    return {"campaign": campaign, "visit": visit, "order": order, "review": review_of(staff["inspector_b"], employer_b)}


@pytest.fixture
def pages(records_a: dict[str, Any]) -> list[tuple[str, list[int]]]:
    """Every inspections page of county A: (url name, args)."""
    return [
        ("ui-inspections", []),
        ("ui-visits", []),
        ("ui-visit-new", []),
        ("ui-visit", [records_a["visit"].pk]),
        ("ui-campaigns", []),
        ("ui-campaign-new", []),
        ("ui-campaign", [records_a["campaign"].pk]),
        ("ui-orders", []),
        ("ui-order", [records_a["order"].pk]),
        ("ui-reviews", []),
        ("ui-review-new", []),
        ("ui-review", [records_a["review"].pk]),
        ("ui-reviews-missing", []),
        ("ui-targets", []),
    ]


@pytest.mark.parametrize("username", ["head_a", "bureau_head_a"])
def test_heads_get_every_page(pages, username):
    client = client_of(username)
    for name, args in pages:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert "inspections.js" in response.content.decode(), name


def test_inspectors_get_every_page_but_planning(pages):
    client = client_of("inspector_a")
    for name, args in pages:
        response = client.get(reverse(name, args=args))
        assert response.status_code == (403 if name in PLANS else 200), name
    overview = client.get(reverse("ui-inspections")).content.decode()
    assert reverse("ui-visit-new") in overview
    assert 'data-testid="new-campaign"' not in client.get(reverse("ui-campaigns")).content.decode()


def test_window_staff_read_but_do_not_get_the_forms(pages):
    client = client_of("window_a")
    for name, args in pages:
        response = client.get(reverse(name, args=args))
        assert response.status_code == (403 if name in WRITES | PLANS else 200), name
    for name in ("ui-inspections", "ui-visits"):
        assert reverse("ui-visit-new") not in client.get(reverse(name)).content.decode(), name
    assert 'data-testid="new-review"' not in client.get(reverse("ui-reviews")).content.decode()


@pytest.mark.parametrize("username", ["assistant_a1", "admin_a"])
def test_roles_without_inspections_get_the_403_page(pages, username):
    client = client_of(username)
    for name, args in pages:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 403, name
        assert "无权访问" in response.content.decode()


def test_anonymous_visitors_are_asked_to_log_in(pages):
    for name, args in pages:
        response = Client().get(reverse(name, args=args))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


def test_another_countys_records_are_the_404_page(records_a, records_b):
    client = client_of("head_a")
    for name, key in (
        ("ui-visit", "visit"),
        ("ui-campaign", "campaign"),
        ("ui-order", "order"),
        ("ui-review", "review"),
    ):
        assert client.get(reverse(name, args=[records_b[key].pk])).status_code == 404, name
        assert client.get(reverse(name, args=[records_a[key].pk])).status_code == 200, name
    # the city's head sees both counties
    city = client_of("city_head")
    for name, key in (("ui-visit", "visit"), ("ui-order", "order")):
        assert city.get(reverse(name, args=[records_b[key].pk])).status_code == 200, name
    assert client.get(reverse("ui-visit", args=[Visit.objects.order_by("-pk").first().pk + 100])).status_code == 404


def test_the_nav_shows_inspections_to_those_who_see_them(staff):
    assert 'data-testid="nav-inspections"' in client_of("window_a").get(reverse("home")).content.decode()
    assert 'data-testid="nav-inspections"' not in client_of("admin_a").get(reverse("home")).content.decode()


def test_the_campaign_form_offers_the_townships_of_the_county_by_their_codes(staff, tree):
    page = client_of("head_a").get(reverse("ui-campaign-new")).content.decode()
    assert '{"code": "339901001", "name": "\\u6e56\\u6ee8\\u8857\\u9053", "county": "339901"}' in page
    assert f'"id": {tree.town_a1.pk}' not in page  # the API takes codes: no ids
    assert tree.town_b1.name not in page and "339902101" not in page
    # a city head picks the county among both, by code
    city = client_of("city_head").get(reverse("ui-campaign-new")).content.decode()
    assert '"code": "339901"' in city and '"code": "339902"' in city and '"county": "339902"' in city


@pytest.mark.parametrize("name", ["ui-review-new", "ui-reviews-missing", "ui-targets"])
def test_the_county_pickers_list_the_counties_by_their_codes(name, staff, tree):
    page = client_of("city_head").get(reverse(name)).content.decode()
    assert '{"code": "339901", "name": "\\u4e1c\\u6e56\\u533a"}' in page
    assert '"code": "339902"' in page
    assert f'"id": {tree.county_a.pk}' not in page


def test_the_service_worker_keeps_the_form_and_its_files(staff):
    response = Client().get(reverse("ui-inspections-sw"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert f'FORM_URL = "{reverse("ui-visit-new")}"' in body
    for path in (
        "/static/js/inspections.js",
        "/static/js/app.js",
        "/static/css/app.css",
        reverse("javascript-catalog"),
    ):
        assert f'"{path}"' in body, path
    # the form page registers it, within the /inspections/ scope
    page = client_of("inspector_a").get(reverse("ui-visit-new")).content.decode()
    assert reverse("ui-inspections-sw") in page


def test_the_employer_page_lists_its_inspection_records_to_those_who_see_them(records_a, employer_a):
    url = reverse("ui-employer", args=[employer_a.pk])
    page = client_of("window_a").get(url).content.decode()
    for testid in (
        "employer-visits",
        "employer-orders",
        "employer-reviews",
        "employer-complaints",
        "employer-wagecases-list",
    ):
        assert f'data-testid="{testid}"' in page, testid
    assert "inspections.js" in page
    page = client_of("assistant_a1").get(url).content.decode()
    assert 'data-testid="employer-records"' not in page
