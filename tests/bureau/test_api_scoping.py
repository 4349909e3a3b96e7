"""Region scoping of the API: every role of county A against county B, the city head who sees
both, the township assistant who sees his township only, `nobody` who sees nothing; and one
generic contract run over every viewset of the router, so later endpoints are covered too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from bureau.api.base import ScopedGenericViewSet, ScopedReadOnlyViewSet, ScopedViewSetMixin
from bureau.api.urls import router
from bureau.models import Employer, Role, User, Worker
from bureau.notify import notify
from bureau.scoping import ScopedQuerySet
from complaints.api.urls import router as complaints_router
from inspections.api.urls import router as inspections_router
from tests.bureau.conftest import assert_error, next_credit_code, next_id_number
from tests.conftest import Tree
from wagecases.api.urls import router as wagecases_router

pytestmark = pytest.mark.django_db

COUNTY_A_STAFF = ["window_a", "inspector_a", "head_a", "admin_a", "bureau_head_a"]
COUNTY_B_STAFF = ["window_b", "inspector_b", "head_b", "admin_b"]


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- the role x region matrix -------------------------------------------------------------


@pytest.mark.parametrize("who", COUNTY_A_STAFF)
def test_county_a_staff_list_county_a_employers_only(who: str, staff: Any, parties: Any, api: Any) -> None:
    listed = ids(api(staff[who]).get("/api/v1/employers/"))
    assert listed == {parties.employer_a1.pk, parties.employer_a.pk}


@pytest.mark.parametrize("who", COUNTY_B_STAFF)
def test_county_b_staff_list_county_b_employers_only(who: str, staff: Any, parties: Any, api: Any) -> None:
    assert ids(api(staff[who]).get("/api/v1/employers/")) == {parties.employer_b.pk}


@pytest.mark.parametrize("who", COUNTY_A_STAFF)
def test_county_a_staff_list_workers_registered_in_county_a_only(who: str, staff: Any, parties: Any, api: Any) -> None:
    assert ids(api(staff[who]).get("/api/v1/workers/")) == {parties.worker_a1.pk, parties.worker_a.pk}


@pytest.mark.parametrize("who", COUNTY_B_STAFF)
def test_county_b_staff_list_workers_registered_in_county_b_only(who: str, staff: Any, parties: Any, api: Any) -> None:
    assert ids(api(staff[who]).get("/api/v1/workers/")) == {parties.worker_b.pk}


def test_city_head_sees_employers_and_workers_of_both_counties(staff: Any, parties: Any, api: Any) -> None:
    client = api(staff["city_head"])
    assert ids(client.get("/api/v1/employers/")) == {
        parties.employer_a1.pk,
        parties.employer_a.pk,
        parties.employer_b.pk,
    }
    assert ids(client.get("/api/v1/workers/")) == {parties.worker_a1.pk, parties.worker_a.pk, parties.worker_b.pk}
    assert client.get(f"/api/v1/employers/{parties.employer_b.pk}/").status_code == 200
    assert client.get(f"/api/v1/workers/{parties.worker_a.pk}/").status_code == 200


def test_township_assistant_sees_only_his_township(staff: Any, parties: Any, api: Any) -> None:
    client = api(staff["assistant_a1"])
    assert ids(client.get("/api/v1/employers/")) == {parties.employer_a1.pk}
    assert ids(client.get("/api/v1/workers/")) == {parties.worker_a1.pk}
    assert client.get(f"/api/v1/employers/{parties.employer_a.pk}/").status_code == 404
    assert client.get(f"/api/v1/workers/{parties.worker_a.pk}/").status_code == 404


def test_user_without_region_sees_nothing_although_he_has_roles(staff: Any, parties: Any, api: Any) -> None:
    client = api(staff["nobody"])
    assert ids(client.get("/api/v1/employers/")) == set()
    assert ids(client.get("/api/v1/workers/")) == set()
    assert client.get("/api/v1/regions/").json()["results"] == []
    assert client.get(f"/api/v1/employers/{parties.employer_a.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("who", "codes"),
    [
        ("window_a", {"339901", "339901001", "339901101", "339901001001"}),
        ("window_b", {"339902", "339902101"}),
        ("assistant_a1", {"339901001", "339901001001"}),
        (
            "city_head",
            {"339900", "339901", "339902", "339901001", "339901101", "339902101", "339901001001"},
        ),
    ],
)
def test_regions_list_is_the_users_subtree(who: str, codes: set[str], staff: Any, api: Any) -> None:
    response = api(staff[who]).get("/api/v1/regions/")
    assert {row["code"] for row in response.json()["results"]} == codes


# --- reads of out-of-scope rows are 404, like rows that do not exist ------------------------


def test_county_a_window_gets_404_for_county_b_employer(staff: Any, parties: Any, api: Any) -> None:
    client = api(staff["window_a"])
    out_of_scope = client.get(f"/api/v1/employers/{parties.employer_b.pk}/")
    missing = client.get("/api/v1/employers/999999999/")
    assert_error(out_of_scope, 404, "not_found")
    assert out_of_scope.json() == missing.json()


@pytest.mark.parametrize("who", COUNTY_A_STAFF)
def test_county_a_staff_get_404_for_county_b_worker_and_his_identity(
    who: str, staff: Any, parties: Any, api: Any
) -> None:
    client = api(staff[who])
    missing = client.get("/api/v1/workers/999999999/").json()
    for url in (f"/api/v1/workers/{parties.worker_b.pk}/", f"/api/v1/workers/{parties.worker_b.pk}/identity/"):
        response = client.get(url)
        assert_error(response, 404, "not_found")
        assert response.json() == missing


def test_county_b_region_by_code_is_404_for_county_a(staff: Any, api: Any) -> None:
    response = api(staff["window_a"]).get("/api/v1/regions/339902/")
    assert_error(response, 404, "not_found")


def test_region_filter_naming_another_county_returns_nothing(staff: Any, parties: Any, api: Any) -> None:
    client = api(staff["window_a"])
    assert ids(client.get("/api/v1/employers/", {"region": "339902"})) == set()
    assert ids(client.get("/api/v1/workers/", {"region": "339902"})) == set()


def test_region_filter_does_not_reveal_that_a_shared_worker_is_known_elsewhere(
    staff: Any, parties: Any, api: Any
) -> None:
    # worker_b becomes known to county A too; county A may not learn where else he is known.
    api(staff["window_a"]).post(
        "/api/v1/workers/", {"name": "赵六", "id_number": parties.worker_b.id_number}, format="json"
    )
    client = api(staff["window_a"])
    assert parties.worker_b.pk in ids(client.get("/api/v1/workers/", {"region": "339901"}))
    assert ids(client.get("/api/v1/workers/", {"region": "339902"})) == set()


# --- writes cannot reach out of scope -------------------------------------------------------


def test_employer_with_a_county_b_region_is_a_region_error_and_not_stored(staff: Any, api: Any, tree: Tree) -> None:
    code = next_credit_code()
    response = api(staff["window_a"]).post(
        "/api/v1/employers/", {"credit_code": code, "name": "越界公司", "region": "339902"}, format="json"
    )
    assert_error(response, 400, "invalid", [("region", "does_not_exist")])
    assert not Employer.objects.filter(credit_code=code).exists()


def test_worker_with_a_county_b_region_is_a_region_error_and_not_stored(staff: Any, api: Any, tree: Tree) -> None:
    id_number = next_id_number()
    response = api(staff["window_a"]).post(
        "/api/v1/workers/", {"name": "钱七", "id_number": id_number, "region": "339902101"}, format="json"
    )
    assert_error(response, 400, "invalid", [("region", "does_not_exist")])
    assert not Worker.objects.filter(id_number=id_number).exists()


def test_user_without_region_cannot_register_a_worker(staff: Any, api: Any, tree: Tree) -> None:
    id_number = next_id_number()
    response = api(staff["nobody"]).post("/api/v1/workers/", {"name": "钱七", "id_number": id_number}, format="json")
    assert_error(response, 400, "invalid", [("region", "required")])
    assert not Worker.objects.filter(id_number=id_number).exists()


def test_city_head_must_choose_a_county_or_lower_for_a_new_worker(staff: Any, api: Any, tree: Tree) -> None:
    id_number = next_id_number()
    response = api(staff["city_head"]).post("/api/v1/workers/", {"name": "钱七", "id_number": id_number}, format="json")
    assert_error(response, 400, "invalid", [("region", "region_level")])
    assert not Worker.objects.filter(id_number=id_number).exists()


def test_patch_of_county_b_employer_by_county_a_is_404_and_changes_nothing(staff: Any, parties: Any, api: Any) -> None:
    response = api(staff["head_a"]).patch(
        f"/api/v1/employers/{parties.employer_b.pk}/", {"name": "被改名"}, format="json"
    )
    assert_error(response, 404, "not_found")
    parties.employer_b.refresh_from_db()
    assert parties.employer_b.name == "西山纺织厂"


def test_patch_of_county_b_worker_by_county_a_is_404_and_changes_nothing(staff: Any, parties: Any, api: Any) -> None:
    response = api(staff["window_a"]).patch(
        f"/api/v1/workers/{parties.worker_b.pk}/", {"name": "被改名"}, format="json"
    )
    assert_error(response, 404, "not_found")
    parties.worker_b.refresh_from_db()
    assert parties.worker_b.name == "赵六"


def test_moving_an_employer_to_county_b_is_a_region_error(staff: Any, parties: Any, api: Any) -> None:
    response = api(staff["window_a"]).patch(
        f"/api/v1/employers/{parties.employer_a.pk}/", {"region": "339902"}, format="json"
    )
    assert_error(response, 400, "invalid", [("region", "does_not_exist")])
    parties.employer_a.refresh_from_db()
    assert parties.employer_a.region.code == "339901"


# --- one contract for every viewset of the router -------------------------------------------

# How to make, for each registered endpoint, a row that belongs to county A (township A1).
# A viewset registered without an entry here fails the contract: add one.
RowMaker = Callable[[Tree, dict[str, User], Any, Any], Any]
ROW_IN_COUNTY_A: dict[str, RowMaker] = {
    "region": lambda tree, staff, make_employer, make_worker: tree.town_a1,
    "employer": lambda tree, staff, make_employer, make_worker: make_employer(tree.town_a1),
    "worker": lambda tree, staff, make_employer, make_worker: make_worker(tree.town_a1),
    # a notification is scoped to its addressee, who is in county A
    "notification": lambda tree, staff, make_employer, make_worker: notify(
        users=[staff["window_a"]], kind="test", title="t"
    )[0],
}


def _complaint_in_county_a(tree: Tree, staff: dict[str, User], make_employer: Any, make_worker: Any) -> Any:
    from complaints.models import Category
    from complaints.services import ComplainantInput, complaint_register

    return complaint_register(
        by=staff["window_a"],
        employer=make_employer(tree.town_a1),
        categories=[Category.objects.get(code="unpaid_wages")],
        facts="拖欠工资",
        complainants=[ComplainantInput(worker=make_worker(tree.town_a1))],
    )


ROW_IN_COUNTY_A["complaint"] = _complaint_in_county_a


def _wagecase_in_county_a(tree: Tree, staff: dict[str, User], make_employer: Any, make_worker: Any) -> Any:
    from wagecases.services import wagecase_open

    return wagecase_open(
        by=staff["inspector_a"],
        employer=make_employer(tree.town_a1),
        claims=[(make_worker(tree.town_a1), "1000.00", None, None)],
    )


ROW_IN_COUNTY_A["wage-case"] = _wagecase_in_county_a
# a worker of township A1 owed on a wage case of county A
ROW_IN_COUNTY_A["wage-worker"] = lambda tree, staff, make_employer, make_worker: (
    _wagecase_in_county_a(tree, staff, make_employer, make_worker).claims.get().worker
)


def _project_in_county_a(tree: Tree, staff: dict[str, User], make_employer: Any, make_worker: Any) -> Any:
    from wagecases.projects import project_create

    return project_create(by=staff["inspector_a"], name="湖滨安置房项目", site_region=tree.town_a1)


def _listing_in_county_a(tree: Tree, staff: dict[str, User], make_employer: Any, make_worker: Any) -> Any:
    """Listed (window staff see listings in force only): proposed, notified, the objection
    reviewed, decided by a head."""
    from wagecases import listings

    listing = listings.listing_propose(
        by=staff["inspector_a"], employer=make_employer(tree.town_a1), kind="major_violation", facts="使用童工"
    )
    listing = listings.listing_notify(by=staff["inspector_a"], listing=listing)
    listing = listings.listing_record_objection(
        by=staff["inspector_a"], listing=listing, received_on=None, objection="无异议", result="事实清楚"
    )
    return listings.listing_decide(by=staff["head_a"], listing=listing, listed=True, note="公布")


ROW_IN_COUNTY_A["wage-project"] = _project_in_county_a
ROW_IN_COUNTY_A["listing"] = _listing_in_county_a


def _campaign_in_county_a(tree: Tree, staff: dict[str, User], make_employer: Any, make_worker: Any) -> Any:
    import datetime as dt

    from django.utils import timezone

    from inspections import services
    from inspections.models import CampaignType
    from inspections.reference import ensure_builtin

    ensure_builtin()  # migration data a transactional test elsewhere may have emptied
    today = timezone.localdate()
    return services.campaign_create(
        by=staff["head_a"],
        data=services.CampaignInput(
            name="湖滨街道日常巡查",
            campaign_type=CampaignType.objects.get(code="routine"),
            starts_on=today - dt.timedelta(days=10),
            ends_on=today + dt.timedelta(days=10),
            regions=[tree.town_a1],
        ),
    )


def _visit_in_county_a(tree: Tree, staff: dict[str, User], make_employer: Any, make_worker: Any) -> Any:
    """A patrol of an employer of township A1 by the inspector and the brigade head of county A."""
    import datetime as dt

    from django.utils import timezone

    from inspections import services

    return services.visit_record(
        by=staff["inspector_a"],
        data=services.VisitInput(
            employer=make_employer(tree.town_a1),
            visited_at=timezone.now() - dt.timedelta(hours=1),
            inspectors=[staff["inspector_a"], staff["head_a"]],
        ),
    )


def _order_in_county_a(tree: Tree, staff: dict[str, User], make_employer: Any, make_worker: Any) -> Any:
    from inspections import services

    visit = _visit_in_county_a(tree, staff, make_employer, make_worker)
    return services.order_issue_from_visit(
        by=staff["inspector_a"], visit=visit, items=["补签劳动合同"], deadline_days=10
    )


def _review_in_county_a(tree: Tree, staff: dict[str, User], make_employer: Any, make_worker: Any) -> Any:
    from django.utils import timezone

    from inspections import services

    today = timezone.localdate()
    return services.review_submit(
        by=staff["inspector_a"],
        data=services.ReviewInput(
            employer=make_employer(tree.town_a1),
            year=today.year - 1,
            submitted_on=today,
            workers=10,
            contracts_signed=10,
            insured_workers=8,
            wages_total="600000.00",
        ),
    )


def _patrol_target_in_county_a(tree: Tree, staff: dict[str, User], make_employer: Any, make_worker: Any) -> Any:
    from django.utils import timezone

    from inspections import services

    return services.patrol_target_set(by=staff["head_a"], year=timezone.localdate().year, patrols=50)


ROW_IN_COUNTY_A["campaign"] = _campaign_in_county_a
ROW_IN_COUNTY_A["visit"] = _visit_in_county_a
ROW_IN_COUNTY_A["rectification-order"] = _order_in_county_a
ROW_IN_COUNTY_A["annual-review"] = _review_in_county_a
ROW_IN_COUNTY_A["patrol-target"] = _patrol_target_in_county_a

# National reference data (the same for every region) is not region-scoped: complaint
# categories (read-only), campaign types and their checklist versions (kept by administrators).
REFERENCE_DATA = {"complaint-category", "campaign-type", "checklist-template"}

REGISTERED = [
    (prefix, viewset, basename)
    for prefix, viewset, basename in [
        *router.registry,
        *complaints_router.registry,
        *wagecases_router.registry,
        *inspections_router.registry,
    ]
    if basename not in REFERENCE_DATA
]


def _all_keys(client: APIClient, url: str, key: str) -> set[Any]:
    keys: set[Any] = set()
    next_url: str | None = url + "?page_size=200"
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200, response.content
        body = response.json()
        keys |= {row[key] for row in body["results"]}
        next_url = body["next"]
    return keys


@pytest.mark.parametrize(("prefix", "viewset", "basename"), REGISTERED, ids=[r[2] for r in REGISTERED])
def test_every_endpoint_is_scoped_to_the_users_region(
    prefix: str,
    viewset: type,
    basename: str,
    tree: Tree,
    staff: dict[str, User],
    make_employer: Any,
    make_worker: Any,
    api: Callable[[User | None], APIClient],
) -> None:
    assert issubclass(viewset, ScopedViewSetMixin), f"{viewset.__name__} does not use the scoped base viewset"
    assert basename in ROW_IN_COUNTY_A, f"add a row maker for {basename!r} to ROW_IN_COUNTY_A"
    row = ROW_IN_COUNTY_A[basename](tree, staff, make_employer, make_worker)
    lookup = getattr(viewset, "lookup_field", "pk")
    value = getattr(row, lookup)
    key = "id" if lookup == "pk" else lookup
    list_url, detail_url = f"/api/v1/{prefix}/", f"/api/v1/{prefix}/{value}/"

    # The owner's side: the row is there (so the assertions below can fail).
    owner = api(staff["window_a"])
    assert value in _all_keys(owner, list_url, key)
    assert owner.get(detail_url).status_code == 200

    # Another county, and a user without region: not listed, 404 like a missing row.
    for who in ("window_b", "head_b", "nobody"):
        client = api(staff[who])
        assert value not in _all_keys(client, list_url, key), who
        response = client.get(detail_url)
        assert_error(response, 404, "not_found")
    assert _all_keys(api(staff["nobody"]), list_url, key) == set()

    # Anonymous: refused in the error format.
    anonymous = api(None)
    for url in (list_url, detail_url):
        assert_error(anonymous.get(url), 401, "not_authenticated")


def test_reference_data_endpoints_are_read_only() -> None:
    for _prefix, viewset, basename in complaints_router.registry:
        if basename in REFERENCE_DATA:
            assert not hasattr(viewset, "create") and not hasattr(viewset, "update"), basename


def test_every_viewset_builds_its_queryset_from_a_scoped_queryset(rf: Any, staff: dict[str, User]) -> None:
    for _prefix, viewset, _basename in REGISTERED:
        view = viewset(action="list")
        view.request = rf.get("/")
        view.request.user = staff["window_a"]
        queryset = view.get_queryset()
        assert isinstance(queryset, ScopedQuerySet), viewset.__name__


def test_a_viewset_that_overrides_get_queryset_is_refused_when_defined() -> None:
    with pytest.raises(TypeError, match="base_queryset"):

        class LeakyViewSet(ScopedGenericViewSet):
            def get_queryset(self) -> Any:
                return Employer.objects.all()


def test_a_mixin_that_brings_its_own_get_queryset_is_refused_too() -> None:
    class UnscopedMixin:
        def get_queryset(self) -> Any:
            return Employer.objects.all()

    with pytest.raises(TypeError, match="UnscopedMixin"):

        class LeakyViewSet(UnscopedMixin, ScopedReadOnlyViewSet):
            pass


def test_a_base_queryset_that_is_not_scoped_is_refused(rf: Any, staff: dict[str, User]) -> None:
    class PlainViewSet(ScopedReadOnlyViewSet):
        def base_queryset(self) -> Any:
            return User.objects.all()

    view = PlainViewSet()
    view.request = rf.get("/")
    view.request.user = staff["window_a"]
    with pytest.raises(TypeError, match="ScopedQuerySet"):
        view.get_queryset()


# --- /api/v1/me/ ------------------------------------------------------------------------------


def test_me_gives_region_roles_and_capabilities_of_a_window_clerk(staff: Any, api: Any) -> None:
    body = api(staff["window_a"]).get("/api/v1/me/").json()
    assert body["username"] == "window_a"
    assert body["region"] == {"code": "339901", "name": "东湖区"}
    assert body["roles"] == [Role.WINDOW]
    assert body["capabilities"] == [
        "complaints.register",
        "complaints.view",
        "inspections.view",
        "parties.edit",
        "parties.reveal_pii",
        "wagecases.view",
    ]
    assert body["is_superuser"] is False


def test_me_of_an_assistant_has_no_capability_on_parties(staff: Any, api: Any) -> None:
    body = api(staff["assistant_a1"]).get("/api/v1/me/").json()
    assert body["region"]["code"] == "339901001"
    assert body["roles"] == [Role.ASSISTANT]
    assert "parties.edit" not in body["capabilities"]
    assert "parties.reveal_pii" not in body["capabilities"]


def test_me_of_an_administrator_can_manage_but_not_reveal(staff: Any, api: Any) -> None:
    body = api(staff["admin_a"]).get("/api/v1/me/").json()
    assert body["roles"] == [Role.ADMIN]
    assert body["capabilities"] == ["admin.manage", "parties.edit"]


def test_me_of_a_user_without_region_says_so(staff: Any, api: Any) -> None:
    body = api(staff["nobody"]).get("/api/v1/me/").json()
    assert body["region"] is None
    assert body["roles"] == [Role.INSPECTOR, Role.WINDOW]


def test_me_refuses_anonymous_in_the_error_format(db: Any, api: Any) -> None:
    assert_error(api(None).get("/api/v1/me/"), 401, "not_authenticated")


def test_region_detail_is_by_code(staff: Any, api: Any, tree: Tree) -> None:
    body = api(staff["window_a"]).get("/api/v1/regions/339901001/").json()
    assert body == {
        "code": "339901001",
        "name": "湖滨街道",
        "level": 4,
        "level_display": "乡镇/街道",
        "parent": "339901",
    }
