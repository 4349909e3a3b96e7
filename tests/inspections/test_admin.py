"""The back office of inspections: administrators keep the campaign types and publish new
checklist versions (items typed as JSON, checked, published as the next version, never edited in
place, a used version never deleted); the records themselves are read-only there."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from bureau.models import Role
from inspections.models import CampaignType, ChecklistTemplate, Visit
from tests.inspections.conftest import rows

TYPES = "/admin/inspections/campaigntype/"
TEMPLATES = "/admin/inspections/checklisttemplate/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client_a(staff) -> Client:
    return client_for(staff["admin_a"])


@pytest.fixture
def routine() -> CampaignType:
    return CampaignType.objects.get(code="routine")


def publish(client: Client, campaign_type: CampaignType, items, note: str = ""):
    body = items if isinstance(items, str) else json.dumps(items, ensure_ascii=False)
    return client.post(TEMPLATES + "add/", {"campaign_type": campaign_type.pk, "items": body, "note": note})


# --- campaign types ---------------------------------------------------------------------------


def test_an_administrator_lists_and_adds_campaign_types(admin_client_a):
    page = admin_client_a.get(TYPES).content.decode()
    assert "农民工工资支付" in page and "日常巡查（综合）" in page and "v1" in page

    response = admin_client_a.post(
        TYPES + "add/",
        {
            "code": "heat_protection",
            "name": "高温津贴发放",
            "ordering": "200",
            "active": "on",
            "templates-TOTAL_FORMS": "0",
            "templates-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = CampaignType.objects.get(code="heat_protection")
    assert (created.name, created.ordering, created.active, created.current_template()) == (
        "高温津贴发放",
        200,
        True,
        None,
    )


def test_a_types_page_lists_its_versions_read_only_and_offers_a_new_one(admin_client_a, routine):
    page = admin_client_a.get(f"{TYPES}{routine.pk}/change/").content.decode()
    assert "初始版本" in page  # the note of version 1
    assert f"{TEMPLATES}add/?campaign_type={routine.pk}" in page
    assert 'name="code"' not in page  # the code is fixed once created


def test_a_type_is_not_deleted_but_taken_out_of_use(admin_client_a, routine):
    assert admin_client_a.get(f"{TYPES}{routine.pk}/delete/").status_code == 403
    response = admin_client_a.post(
        f"{TYPES}{routine.pk}/change/",
        {
            "name": routine.name,
            "ordering": routine.ordering,
            "templates-TOTAL_FORMS": "1",
            "templates-INITIAL_FORMS": "1",
            "templates-0-id": routine.current_template().pk,
            "templates-0-campaign_type": routine.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    routine.refresh_from_db()
    assert not routine.active
    assert routine.templates.count() == 1


# --- publishing checklists ----------------------------------------------------------------------


def test_the_new_version_form_starts_from_the_current_items(admin_client_a, routine):
    page = admin_client_a.get(f"{TEMPLATES}add/?campaign_type={routine.pk}").content.decode()
    assert "是否建立职工名册" in page  # the current items, as JSON
    assert "&quot;key&quot;: &quot;roster&quot;" in page


def test_an_administrator_publishes_a_new_version(admin_client_a, routine, staff):
    v1 = routine.current_template()
    items = [*v1.items, {"key": "heat", "label": "是否发放高温津贴", "kind": "yes_no", "required": True}]

    response = publish(admin_client_a, routine, items, note="增加高温津贴")

    v2 = routine.current_template()
    assert (v2.version, v2.note, v2.created_by, v2.items[-1]["key"]) == (2, "增加高温津贴", staff["admin_a"], "heat")
    assert response.status_code == 302 and response["Location"] == f"{TEMPLATES}{v2.pk}/change/"
    v1.refresh_from_db()
    assert len(v1.items) == 4  # untouched
    page = admin_client_a.get(response["Location"]).content.decode()
    assert "已发布" in page and "是否发放高温津贴" in page


def test_identical_items_publish_nothing(admin_client_a, routine):
    before = rows()
    response = publish(admin_client_a, routine, routine.current_template().items)
    assert rows() == before
    assert response.status_code == 302
    assert "未发布新版本" in admin_client_a.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ('[{"key": "roster",', "JSON"),
        (
            [{"key": "roster", "label": "一", "kind": "yes_no"}, {"key": "roster", "label": "二", "kind": "yes_no"}],
            "items.1.key: 代码重复。",
        ),
        ([{"key": "Roster", "label": "一", "kind": "yes_no"}], "items.0.key"),
        ([{"key": "roster", "label": "一", "kind": "date"}], "items.0.kind: 检查项目类型不正确。"),
        ([], "检查表至少应有一个检查项目。"),
    ],
)
def test_invalid_items_are_shown_on_the_form_and_nothing_is_published(admin_client_a, routine, items, message):
    before = rows()
    response = publish(admin_client_a, routine, items)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["items"]
    assert message in response.content.decode()
    assert rows() == before


def test_a_version_is_shown_read_only(admin_client_a, routine):
    template = routine.current_template()
    response = admin_client_a.get(f"{TEMPLATES}{template.pk}/change/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "是否建立职工名册" in page and "<code>roster</code>" in page
    assert 'name="_save"' not in page
    assert admin_client_a.post(f"{TEMPLATES}{template.pk}/change/", {"note": "改"}).status_code == 403
    template.refresh_from_db()
    assert template.note == "初始版本"


def test_a_version_used_by_a_visit_cannot_be_deleted(admin_client_a, routine, make_visit):
    used = routine.current_template()
    make_visit(template=used, answers={})
    assert admin_client_a.get(f"{TEMPLATES}{used.pk}/delete/").status_code == 403
    assert admin_client_a.post(f"{TEMPLATES}{used.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ChecklistTemplate.objects.filter(pk=used.pk).exists()

    spare = publish(admin_client_a, routine, [{"key": "only", "label": "唯一", "kind": "yes_no"}])
    spare_pk = int(spare["Location"].rstrip("/").split("/")[-2])
    assert admin_client_a.post(f"{TEMPLATES}{spare_pk}/delete/", {"post": "yes"}).status_code == 302
    assert routine.current_template() == used


def test_only_administrators_keep_checklists(staff, routine):
    for name in ("inspector_a", "head_a", "window_a"):
        client = client_for(staff[name])
        assert client.get(TEMPLATES).status_code == 302  # to the login / home page
        before = rows()
        publish(client, routine, [{"key": "x", "label": "x", "kind": "yes_no"}])
        assert rows() == before


# --- records ------------------------------------------------------------------------------------


def test_records_are_read_only_and_scoped(staff, make_visit, make_order, tree, make_user):
    order = make_order()
    visit = order.visit
    operator = make_user("operator", None, is_superuser=True)
    client = client_for(operator)
    for path in ("visit", "rectificationorder", "campaign", "annualreview", "patroltarget"):
        assert client.get(f"/admin/inspections/{path}/").status_code == 200, path
        assert client.get(f"/admin/inspections/{path}/add/").status_code == 403, path
    page = client.get(f"/admin/inspections/visit/{visit.pk}/change/").content.decode()
    assert visit.number in page and 'name="_save"' not in page
    assert client.post(f"/admin/inspections/visit/{visit.pk}/delete/", {"post": "yes"}).status_code == 403
    assert order.number in client.get(f"/admin/inspections/rectificationorder/{order.pk}/change/").content.decode()
    assert Visit.objects.filter(pk=visit.pk).exists()

    # an administrator of county B who also heads its brigade sees county B's records only
    admin_head_b = make_user("admin_head_b", tree.county_b, Role.ADMIN, Role.BRIGADE_HEAD)
    assert visit.number not in client_for(admin_head_b).get("/admin/inspections/visit/").content.decode()
    # a plain administrator keeps the reference data but does not read inspection records
    plain = client_for(staff["admin_a"])
    assert plain.get("/admin/inspections/visit/").status_code == 403
    index = plain.get("/admin/").content.decode()
    assert "/admin/inspections/campaigntype/" in index and "/admin/inspections/visit/" not in index
