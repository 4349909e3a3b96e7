"""Construction projects and their contracting chain (wagecases/projects.py): registering a
project in the county, adding and removing subcontractors and labour teams, the chain as it is
displayed, and who may do what. A refused call stores nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.wagecases.conftest import claims_of, code_of, codes, days_ago
from wagecases import projects, services
from wagecases.models import PartyRole, Project, ProjectParty

D = Decimal

pytestmark = pytest.mark.django_db


def stored() -> dict[str, Any]:
    return {
        "projects": list(
            Project.objects.order_by("id").values_list("id", "name", "general_contractor", "developer", "address")
        ),
        "parties": list(ProjectParty.objects.order_by("id").values_list("id", "employer", "leader_name", "parent")),
    }


# --- registering a project ---------------------------------------------------------------


def test_an_inspector_registers_a_project_of_his_county(staff, tree, make_employer):
    developer = make_employer("东湖置业有限公司")
    contractor = make_employer("东湖总承包工程有限公司")
    project = projects.project_create(
        by=staff["inspector_a"],
        name="  东湖花园\u200b二期 ",
        site_region=tree.village_a1,
        address="湖滨路1号",
        developer=developer,
        general_contractor=contractor,
        special_account_number="6222 0212 3456 7890",
        deposit_amount="150000.00",
        deposit_form="bank_guarantee",
        started_on=days_ago(100),
    )
    project.refresh_from_db()
    assert project.county == tree.county_a  # the county of the user, by default
    assert project.name == "东湖花园二期"
    assert (project.site_region, project.developer, project.general_contractor) == (
        tree.village_a1,
        developer,
        contractor,
    )
    assert project.special_account_number == "6222021234567890"
    assert project.deposit_amount == D("150000.00")
    assert project.created_by == staff["inspector_a"]


def test_the_site_defaults_to_the_county_and_must_lie_inside_it(staff, tree):
    assert projects.project_create(by=staff["head_a"], name="无地址项目").site_region == tree.county_a
    before = stored()
    for site in (tree.town_b1, tree.city, tree.county_b):
        with pytest.raises(ValidationError) as info:
            projects.project_create(by=staff["inspector_a"], name="越界项目", site_region=site)
        assert codes(info.value) == {"site_region": ["outside_county"]}
    assert stored() == before


def test_a_project_name_is_unique_in_a_county_but_not_across_counties(staff, project):
    before = stored()
    with pytest.raises(ValidationError) as info:
        projects.project_create(by=staff["head_a"], name=" 东湖花园一期")
    assert codes(info.value) == {"name": ["duplicate"]}
    assert stored() == before
    other = projects.project_create(by=staff["inspector_b"], name="东湖花园一期")
    assert other.county != project.county
    assert Project.objects.filter(name="东湖花园一期").count() == 2


def test_a_project_is_registered_only_in_a_county_the_user_covers(staff, tree):
    with pytest.raises(ValidationError) as info:
        projects.project_create(by=staff["inspector_a"], county=tree.county_b, name="西山项目")
    assert codes(info.value) == {"county": ["does_not_exist"]}
    # a city head names the county; without one there is none to register in
    assert projects.project_create(by=staff["city_head"], county=tree.county_b, name="西山项目").county == tree.county_b
    with pytest.raises(ValidationError) as info:
        projects.project_create(by=staff["city_head"], name="无县项目")
    assert codes(info.value) == {"county": ["does_not_exist"]}
    assert Project.objects.count() == 1


@pytest.mark.parametrize("field", ["developer", "general_contractor"])
def test_developer_and_general_contractor_are_employers_the_user_can_see(field, staff, make_employer):
    unseen = make_employer("西山建工有限公司", county="b")  # registered in county B only
    with pytest.raises(ValidationError) as info:
        projects.project_create(by=staff["inspector_a"], name="东湖花园三期", **{field: unseen})
    assert codes(info.value) == {field: ["does_not_exist"]}
    assert not Project.objects.exists()


# --- the contracting chain ---------------------------------------------------------------


def test_subcontractors_and_labour_teams_hang_under_the_general_contractor(staff, project, employer_a):
    sub = projects.party_add(by=staff["inspector_a"], project=project, role="subcontractor", employer=employer_a)
    team = projects.party_add(
        by=staff["inspector_a"],
        project=project,
        role="labour_team",
        leader_name=" 张 三 ",
        leader_phone="138 0013 8000",
        parent=sub,
        note="钢筋班组",
    )
    assert (sub.role, sub.employer, sub.parent) == (PartyRole.SUBCONTRACTOR, employer_a, None)
    team.refresh_from_db()
    assert (team.employer, team.leader_name, team.leader_phone, team.parent) == (None, "张 三", "+8613800138000", sub)
    assert team.note == "钢筋班组"


def test_a_labour_team_cannot_subcontract_further(staff, project, make_employer):
    team = projects.party_add(by=staff["inspector_a"], project=project, role="labour_team", leader_name="李四")
    before = stored()
    with pytest.raises(ValidationError) as info:
        projects.party_add(
            by=staff["inspector_a"], project=project, role="labour_team", leader_name="王五", parent=team
        )
    assert codes(info.value) == {"parent": ["team_cannot_subcontract"]}
    with pytest.raises(ValidationError) as info:
        projects.party_add(
            by=staff["inspector_a"],
            project=project,
            role="labour_subcontractor",
            employer=make_employer("东湖劳务有限公司"),
            parent=team,
        )
    assert codes(info.value) == {"parent": ["team_cannot_subcontract"]}
    assert stored() == before


def test_a_parent_from_another_project_is_refused(staff, project, employer_a):
    other = projects.project_create(by=staff["inspector_a"], name="东湖花园二期")
    foreign = projects.party_add(by=staff["inspector_a"], project=other, role="subcontractor", employer=employer_a)
    before = stored()
    with pytest.raises(ValidationError) as info:
        projects.party_add(
            by=staff["inspector_a"], project=project, role="labour_team", leader_name="赵六", parent=foreign
        )
    assert codes(info.value) == {"parent": ["not_on_project"]}
    assert stored() == before


def test_the_same_employer_appears_once_in_a_project(staff, project, employer_a):
    first = projects.party_add(by=staff["inspector_a"], project=project, role="subcontractor", employer=employer_a)
    before = stored()
    with pytest.raises(ValidationError) as info:
        projects.party_add(
            by=staff["inspector_a"],
            project=project,
            role="labour_subcontractor",
            employer=employer_a,
            parent=first,
        )
    assert codes(info.value) == {"employer": ["duplicate"]}
    for top in (project.general_contractor, project.developer):
        with pytest.raises(ValidationError) as info:
            projects.party_add(by=staff["inspector_a"], project=project, role="subcontractor", employer=top)
        assert codes(info.value) == {"employer": ["already_party"]}
    assert stored() == before


def test_the_general_contractor_cannot_also_be_a_party(staff, project, employer_a):
    projects.party_add(by=staff["inspector_a"], project=project, role="subcontractor", employer=employer_a)
    before = stored()
    with pytest.raises(ValidationError) as info:
        projects.project_update(by=staff["inspector_a"], project=project, general_contractor=employer_a)
    assert codes(info.value) == {"general_contractor": ["already_party"]}
    assert stored() == before


def test_the_developer_cannot_also_be_a_party(staff, project, employer_a):
    projects.party_add(by=staff["inspector_a"], project=project, role="subcontractor", employer=employer_a)
    before = stored()
    with pytest.raises(ValidationError) as info:
        projects.project_update(by=staff["inspector_a"], project=project, developer=employer_a)
    assert codes(info.value) == {"developer": ["already_party"]}
    assert stored() == before


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"role": "subcontractor", "leader_name": "张三"}, "employer", "required"),  # a subcontractor is an employer
        ({"role": "labour_team", "leader_name": " \u200b "}, "employer", "required"),  # nobody named
        ({"role": "foreman", "leader_name": "张三"}, "role", "invalid_choice"),
        ({"role": "labour_team", "leader_name": "张三", "leader_phone": "12345"}, "leader_phone", "phone_invalid"),
    ],
)
def test_a_bad_party_is_refused(kwargs, field, code, staff, project):
    before = stored()
    with pytest.raises(ValidationError) as info:
        projects.party_add(by=staff["inspector_a"], project=project, **kwargs)
    assert codes(info.value) == {field: [code]}
    assert stored() == before


def test_the_chain_reads_top_down_depth_first(staff, project, make_employer):
    def add(role: str, parent: ProjectParty | None = None, name: str = "", **extra: Any) -> ProjectParty:
        employer = make_employer(name) if name else None
        return projects.party_add(
            by=staff["inspector_a"], project=project, role=role, employer=employer, parent=parent, **extra
        )

    steel = add("subcontractor", name="东湖钢构有限公司")
    curtain = add("subcontractor", name="东湖幕墙有限公司")
    labour = add("labour_subcontractor", steel, name="东湖劳务有限公司")
    welders = add("labour_team", labour, leader_name="焊工班长")
    glaziers = add("labour_team", curtain, leader_name="玻璃班长")
    chain = projects.chain(Project.objects.get(pk=project.pk))
    assert [(row["role"], row["employer"], row["party"], row["depth"]) for row in chain] == [
        ("developer", project.developer, None, 0),
        ("general_contractor", project.general_contractor, None, 0),
        ("subcontractor", steel.employer, steel, 1),
        ("labour_subcontractor", labour.employer, labour, 2),
        ("labour_team", None, welders, 3),
        ("subcontractor", curtain.employer, curtain, 1),
        ("labour_team", None, glaziers, 2),
    ]


def test_a_party_is_removed_only_when_nothing_hangs_on_it(staff, project, employer_a, workers_a, make_employer):
    sub = projects.party_add(by=staff["inspector_a"], project=project, role="subcontractor", employer=employer_a)
    team = projects.party_add(
        by=staff["inspector_a"], project=project, role="labour_team", leader_name="张三", parent=sub
    )
    services.wagecase_open(
        by=staff["inspector_a"], employer=employer_a, claims=[(workers_a[0], "100", None, None)], project=project
    )
    before = stored()
    with pytest.raises(ValidationError) as info:
        projects.party_remove(by=staff["inspector_a"], party=sub)
    assert codes(info.value) == {"party": ["has_children"]}
    projects.party_remove(by=staff["inspector_a"], party=team)  # a leaf goes
    assert not ProjectParty.objects.filter(pk=team.pk).exists()
    before = stored()
    with pytest.raises(ValidationError) as info:
        projects.party_remove(by=staff["inspector_a"], party=sub)  # a wage case is against it
    assert codes(info.value) == {"party": ["has_cases"]}
    assert stored() == before
    # another party of the same project, with no case, goes
    other = projects.party_add(
        by=staff["inspector_a"], project=project, role="subcontractor", employer=make_employer("东湖幕墙有限公司")
    )
    projects.party_remove(by=staff["head_a"], party=other)
    assert list(project.parties.values_list("pk", flat=True)) == [sub.pk]


# --- updating a project ------------------------------------------------------------------


def test_the_general_contractor_is_not_replaced_after_he_paid_first(staff, project, employer_a, workers_a):
    projects.party_add(by=staff["inspector_a"], project=project, role="subcontractor", employer=employer_a)
    case = services.wagecase_open(
        by=staff["inspector_a"],
        employer=employer_a,
        claims=[(workers_a[0], "3000", None, None)],
        project=project,
        opened_on=days_ago(5),
    )
    claim = claims_of(case)[0]
    services.claim_confirm(by=staff["inspector_a"], claim=claim, amount_confirmed="3000")
    payment = services.payment_record(
        by=staff["inspector_a"],
        case=case,
        paid_on=days_ago(1),
        amount="3000.00",
        payer="general_contractor",
        method="special_account",
        evidence="专户代发流水",
        allocations=[(claim, "3000.00", "wages")],
    )
    replacement = project.developer  # any other visible employer
    before = stored()
    with pytest.raises(ValidationError) as info:
        projects.project_update(by=staff["head_a"], project=project, general_contractor=replacement)
    assert code_of(info.value) == "contractor_paid"
    with pytest.raises(ValidationError) as info:
        projects.project_update(by=staff["head_a"], project=project, general_contractor=None)
    assert code_of(info.value) == "contractor_paid"
    assert stored() == before
    # other fields still change; naming the same contractor again is no change
    updated = projects.project_update(
        by=staff["inspector_a"], project=project, address="湖滨路2号", general_contractor=project.general_contractor
    )
    assert updated.address == "湖滨路2号"
    # once the payment is reversed (entered in error), the contractor may be corrected
    services.payment_reverse(by=staff["head_a"], payment=payment, reason="付款方录错")
    updated = projects.project_update(by=staff["head_a"], project=project, general_contractor=replacement)
    assert Project.objects.get(pk=project.pk).general_contractor == replacement


def test_a_duplicate_name_is_refused_on_update(staff, project):
    other = projects.project_create(by=staff["inspector_a"], name="东湖花园二期")
    with pytest.raises(ValidationError) as info:
        projects.project_update(by=staff["inspector_a"], project=other, name="东湖花园一期")
    assert codes(info.value) == {"name": ["duplicate"]}
    assert Project.objects.get(pk=other.pk).name == "东湖花园二期"
    assert projects.project_update(by=staff["inspector_a"], project=other, name="东湖花园二期").name == "东湖花园二期"


# --- who may -----------------------------------------------------------------------------


def test_window_staff_see_projects_but_do_not_edit_them(staff, project, employer_a):
    party = projects.party_add(by=staff["inspector_a"], project=project, role="subcontractor", employer=employer_a)
    before = stored()
    window = staff["window_a"]
    assert Project.objects.visible_to(window).filter(pk=project.pk).exists()
    attempts = [
        lambda: projects.project_create(by=window, name="窗口项目"),
        lambda: projects.project_update(by=window, project=project, address="改"),
        lambda: projects.party_add(by=window, project=project, role="labour_team", leader_name="张三"),
        lambda: projects.party_remove(by=window, party=party),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert stored() == before


def test_another_countys_project_does_not_exist_for_its_staff(staff, project, employer_a):
    party = projects.party_add(by=staff["inspector_a"], project=project, role="subcontractor", employer=employer_a)
    before = stored()
    assert not Project.objects.visible_to(staff["inspector_b"]).exists()
    for who in ("inspector_b", "head_b"):
        attempts = [
            lambda u=staff[who]: projects.project_update(by=u, project=project, address="改"),
            lambda u=staff[who]: projects.party_add(by=u, project=project, role="labour_team", leader_name="张三"),
            lambda u=staff[who]: projects.party_remove(by=u, party=party),
        ]
        for attempt in attempts:
            with pytest.raises(Project.DoesNotExist):
                attempt()
    assert stored() == before
