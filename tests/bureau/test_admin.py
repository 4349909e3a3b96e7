"""The back office: opened by the admin role (not Django's is_staff flag), scoped to the
administrator's subtree, and unable to mint system operators."""

from __future__ import annotations

from django.test import Client

from bureau.audit import record_access
from bureau.models import Region, RegionLevel, Role, User
from tests.conftest import PASSWORD


def admin_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_county_administrator_opens_the_back_office_without_the_staff_flag(staff):
    assert not staff["admin_a"].is_staff
    response = admin_client(staff["admin_a"]).get("/admin/")
    assert response.status_code == 200
    assert "工作人员" in response.content.decode()


def test_other_roles_do_not_get_into_the_back_office(staff):
    for name in ("window_a", "inspector_a", "head_a", "assistant_a1"):
        client = admin_client(staff[name])
        response = client.get("/admin/", follow=True)
        assert response.redirect_chain[-1][0] == "/", name
        assert client.get("/admin/bureau/user/").status_code == 302


def test_a_county_administrator_sees_only_his_countys_staff(staff):
    page = admin_client(staff["admin_a"]).get("/admin/bureau/user/").content.decode()
    assert "window_a" in page
    assert "window_b" not in page
    assert "city_head" not in page
    other = admin_client(staff["admin_a"]).get(f"/admin/bureau/user/{staff['window_b'].pk}/change/")
    assert other.status_code == 302  # "does not exist" for him: redirected to the index with a message


def test_a_county_administrator_creates_a_clerk_in_his_county_with_a_role(staff, tree):
    client = admin_client(staff["admin_a"])
    response = client.post(
        "/admin/bureau/user/add/",
        {
            "username": "new_clerk",
            "name": "新窗口",
            "region": tree.county_a.pk,
            "password1": "Quite-Long-Pass-42",
            "password2": "Quite-Long-Pass-42",
            "usable_password": "true",
            "staff_roles-TOTAL_FORMS": "1",
            "staff_roles-INITIAL_FORMS": "0",
            "staff_roles-0-role": Role.WINDOW,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="new_clerk")
    assert user.has_role(Role.WINDOW)
    change = client.post(
        f"/admin/bureau/user/{user.pk}/change/",
        {
            "username": "new_clerk",
            "name": "新窗口",
            "region": tree.county_b.pk,  # not his to give
            "is_active": "on",
            "staff_roles-TOTAL_FORMS": "1",
            "staff_roles-INITIAL_FORMS": "1",
            "staff_roles-0-id": user.staff_roles.get().pk,
            "staff_roles-0-user": user.pk,
            "staff_roles-0-role": Role.WINDOW,
        },
    )
    assert change.status_code == 200  # form redisplayed with an error
    assert "region" in change.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.region == tree.county_a


def test_a_county_administrator_cannot_make_a_superuser(staff, tree):
    client = admin_client(staff["admin_a"])
    target = staff["window_a"]
    client.post(
        f"/admin/bureau/user/{target.pk}/change/",
        {
            "username": target.username,
            "name": target.name,
            "region": tree.county_a.pk,
            "is_active": "on",
            "is_superuser": "on",
            "is_staff": "on",
            "staff_roles-TOTAL_FORMS": "0",
            "staff_roles-INITIAL_FORMS": "0",
        },
    )
    target.refresh_from_db()
    assert not target.is_superuser
    assert not target.is_staff


def test_personal_data_access_records_are_scoped_to_the_administrators_staff(staff):
    record_access(user=staff["window_a"], action="view", model="bureau.Worker", object_ids=[1])
    record_access(user=staff["window_b"], action="view", model="bureau.Worker", object_ids=[2])
    page = admin_client(staff["admin_a"]).get("/admin/bureau/personaldataaccess/").content.decode()
    assert "window_a" in page
    assert "window_b" not in page


def test_moving_a_township_moves_its_villages_in_the_scope(tree, staff):
    tree.town_a1.parent = tree.county_b
    tree.town_a1.save()
    village = Region.objects.get(pk=tree.village_a1.pk)
    assert village.path.startswith(tree.county_b.path)
    assert Region.objects.visible_to(staff["window_b"]).filter(pk=village.pk).exists()
    assert not Region.objects.visible_to(staff["window_a"]).filter(pk=village.pk).exists()
    assert village.level == RegionLevel.VILLAGE


def test_the_back_office_uses_the_staff_login_and_returns_there(staff):
    client = Client()
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/?next=%2Fadmin%2F"
    response = client.post("/login/?next=/admin/", {"username": "admin_a", "password": PASSWORD, "next": "/admin/"})
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200
