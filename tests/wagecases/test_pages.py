"""The staff pages of wage cases, projects and the defaulter list (wagecases/views.py): each
opens for the roles that may see it, is refused (403 page) to the others and asks anonymous
visitors to log in; another county's case, project, listing or worker is the 404 page. The
data on the pages comes from the API (test_api*.py); journeys are in tests/e2e/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bureau.models import Employer, User, Worker
from tests.wagecases.conftest import days_ago
from wagecases import listings, projects
from wagecases.models import Listing, ListingKind, Project, WageCase

pytestmark = pytest.mark.django_db


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def case_a(make_wagecase: Callable[..., WageCase]) -> WageCase:
    return make_wagecase(confirmed=("8000.00", None))


@pytest.fixture
def case_b(staff: dict[str, User], employer_b: Employer, tree: Any) -> WageCase:
    from bureau import services as core
    from tests.conftest import make_id_number
    from wagecases import services

    worker, _ = core.worker_register(
        by=staff["window_b"], name="西山工人", id_number=make_id_number("339902", seq="901")
    )
    return services.wagecase_open(
        by=staff["inspector_b"], employer=employer_b, claims=[(worker, "3000.00", None, None)], opened_on=days_ago(3)
    )


@pytest.fixture
def project_b(staff: dict[str, User], tree: Any) -> Project:
    return projects.project_create(by=staff["inspector_b"], name="西山大桥", site_region=tree.town_b1)


def listing_of(by: User, employer: Employer) -> Listing:
    listing = listings.listing_propose(by=by, employer=employer, kind=ListingKind.DEFAULTER, facts="逾期未支付工资")
    proposed = timezone.make_aware(dt.datetime.combine(days_ago(30), dt.time(9, 0)))
    Listing.objects.filter(pk=listing.pk).update(proposed_at=proposed)
    return Listing.objects.get(pk=listing.pk)


@pytest.fixture
def pages(case_a: WageCase, project: Project, staff: dict[str, User], employer_a: Employer, workers_a: list[Worker]):
    """Every wage page of county A: (url name, args)."""
    listing = listing_of(staff["inspector_a"], employer_a)
    listings.listing_notify(by=staff["inspector_a"], listing=listing, notified_on=days_ago(20))
    listings.listing_decide(by=staff["head_a"], listing=listing, listed=True, note="列入")
    return [
        ("ui-wagecases", []),
        ("ui-wagecase-new", []),
        ("ui-wagecase", [case_a.pk]),
        ("ui-wagecase-person", [workers_a[0].pk]),
        ("ui-wage-projects", []),
        ("ui-wage-project-new", []),
        ("ui-wage-project", [project.pk]),
        ("ui-listings", []),
        ("ui-listing", [listing.pk]),
    ]


def test_every_page_opens_for_an_inspector_of_the_county(pages):
    client = client_of("inspector_a")
    for name, args in pages:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert "wagecases.js" in response.content.decode(), name


def test_anonymous_visitors_are_asked_to_log_in(pages):
    for name, args in pages:
        response = Client().get(reverse(name, args=args))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


@pytest.mark.parametrize("username", ["assistant_a1", "admin_a"])
def test_roles_without_wage_cases_get_the_403_page(pages, username):
    client = client_of(username)
    for name, args in pages:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 403, name
        assert "无权访问" in response.content.decode()


def test_window_staff_read_but_do_not_get_the_forms(pages):
    client = client_of("window_a")
    writes = {"ui-wagecase-new", "ui-wage-project-new"}
    for name, args in pages:
        response = client.get(reverse(name, args=args))
        assert response.status_code == (403 if name in writes else 200), name
    listing_page = client.get(reverse("ui-wagecases")).content.decode()
    assert reverse("ui-wagecase-new") not in listing_page
    assert 'data-testid="check"' not in client.get(reverse("ui-listings")).content.decode()


def test_heads_get_every_page(pages):
    client = client_of("head_a")
    for name, args in pages:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    assert 'data-testid="check"' in client.get(reverse("ui-listings")).content.decode()


def test_another_countys_case_project_listing_and_worker_are_not_found(
    case_b: WageCase, project_b: Project, staff: dict[str, User], employer_b: Employer
):
    listing = listing_of(staff["inspector_b"], employer_b)
    worker = case_b.claims.get().worker
    client = client_of("inspector_a")
    for name, pk in (
        ("ui-wagecase", case_b.pk),
        ("ui-wage-project", project_b.pk),
        ("ui-listing", listing.pk),
        ("ui-wagecase-person", worker.pk),
    ):
        response = client.get(reverse(name, args=[pk]))
        assert response.status_code == 404, name
        assert "未找到" in response.content.decode()
    # and ids that do not exist at all, the same
    assert client.get(reverse("ui-wagecase", args=[case_b.pk + 1000])).status_code == 404


def test_a_proposal_is_not_found_by_window_staff_who_see_only_listings_in_force(staff, employer_a):
    listing = listing_of(staff["inspector_a"], employer_a)
    assert client_of("window_a").get(reverse("ui-listing", args=[listing.pk])).status_code == 404
    assert client_of("inspector_a").get(reverse("ui-listing", args=[listing.pk])).status_code == 200


def test_the_case_page_offers_the_inspectors_of_the_county_for_assignment(case_a, staff, inspector_a2):
    page = client_of("head_a").get(reverse("ui-wagecase", args=[case_a.pk])).content.decode()
    assert "inspector_a2" in page  # in the candidates' JSON
    assert "inspector_b" not in page


def test_the_navigation_shows_the_wage_sections_to_roles_that_see_them(staff):
    for username, shown in (("window_a", True), ("inspector_a", True), ("head_a", True), ("assistant_a1", False)):
        page = client_of(username).get(reverse("home")).content.decode()
        assert (reverse("ui-wagecases") in page) is shown, username
        assert (reverse("ui-listings") in page) is shown, username


def test_the_worker_and_employer_pages_link_to_their_wage_cases(staff, employer_a, workers_a):
    client = client_of("inspector_a")
    worker_page = client.get(reverse("ui-worker", args=[workers_a[0].pk])).content.decode()
    assert reverse("ui-wagecase-person", args=[workers_a[0].pk]) in worker_page
    employer_page = client.get(reverse("ui-employer", args=[employer_a.pk])).content.decode()
    assert f"{reverse('ui-wagecases')}?employer={employer_a.pk}" in employer_page
    assert "employerListings" in employer_page
