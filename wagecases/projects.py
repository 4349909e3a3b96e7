"""Construction projects (工程项目) and their contracting chain: every write a user can make.

A project belongs to the county that registered it; its site is a region inside that county.
The developer (建设单位) and the general contractor (施工总承包单位) are employers; below the
general contractor hang subcontractors and labour teams (`ProjectParty`), each under the party
it contracted from. A wage case on a project therefore knows who must pay first when a
subcontractor defaults (总包先行清偿, 保障农民工工资支付条例 art. 30).

Errors are field-keyed `ValidationError`s with stable codes; each call is one transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import roles
from bureau.audit import acting_as
from bureau.identifiers import normalize_phone
from bureau.models import Employer, Region, RegionLevel, User
from bureau.numbering import county_of
from bureau.services import clean_text, field_error
from wagecases.models import DepositForm, PartyRole, Payer, Payment, Project, ProjectParty, WageCase
from wagecases.services import PAYMENT_LIMIT, money

PROJECT_FIELDS = frozenset(
    {
        "name",
        "site_region",
        "address",
        "developer",
        "general_contractor",
        "special_account_bank",
        "special_account_number",
        "deposit_amount",
        "deposit_form",
        "started_on",
        "completed_on",
    }
)


def _visible_employer(by: User, employer: Employer | None, field: str) -> None:
    if employer is not None and not Employer.objects.visible_to(by).filter(pk=employer.pk).exists():
        raise field_error(field, _("用人单位不存在或不在您的辖区内。"), "does_not_exist")


def _clean_project(by: User, county: Region, fields: dict[str, Any], project: Project | None) -> dict[str, Any]:
    unknown = sorted(set(fields) - PROJECT_FIELDS)
    if unknown:
        raise ValidationError({f: [ValidationError(_("不允许的字段。"), code="unknown_field")] for f in unknown})
    cleaned = dict(fields)
    for name in ("name", "address", "special_account_bank"):
        if name in cleaned:
            cleaned[name] = clean_text(cleaned[name] or "")
    if "name" in cleaned and not cleaned["name"]:
        raise field_error("name", _("请填写项目名称。"), "required")
    if "special_account_number" in cleaned:
        number = "".join((cleaned["special_account_number"] or "").split())
        if number and (not number.isdigit() or not 8 <= len(number) <= 30):
            raise field_error("special_account_number", _("银行账号应为8至30位数字。"), "invalid")
        cleaned["special_account_number"] = number
    if "site_region" in cleaned:
        site = cleaned["site_region"]
        if site is None:
            raise field_error("site_region", _("请选择项目所在地。"), "required")
        inside = site.path.startswith(county.path) and site.level >= RegionLevel.COUNTY
        if not inside or not Region.objects.visible_to(by).filter(pk=site.pk).exists():
            raise field_error("site_region", _("项目所在地应在本县（区）范围内。"), "outside_county")
    for name in ("developer", "general_contractor"):
        if name in cleaned:
            _visible_employer(by, cleaned[name], name)
    # party_add refuses the developer and the general contractor as parties; the reverse too
    for name, message in (
        ("general_contractor", _("该单位已登记为本项目的分包单位，不能同时为总承包单位。")),
        ("developer", _("该单位已登记为本项目的分包单位，不能同时为建设单位。")),
    ):
        top = cleaned.get(name)
        if top is not None and project is not None and project.parties.filter(employer=top).exists():
            raise field_error(name, message, "already_party")
    if "deposit_amount" in cleaned and cleaned["deposit_amount"] not in (None, ""):
        cleaned["deposit_amount"] = money(cleaned["deposit_amount"], "deposit_amount", limit=PAYMENT_LIMIT)
    elif "deposit_amount" in cleaned:
        cleaned["deposit_amount"] = None
    if cleaned.get("deposit_form") and cleaned["deposit_form"] not in DepositForm.values:
        raise field_error("deposit_form", _("请选择保证金形式。"), "invalid_choice")
    started = cleaned.get("started_on", project.started_on if project else None)
    completed = cleaned.get("completed_on", project.completed_on if project else None)
    today = timezone.localdate()
    if completed and completed > today:
        raise field_error("completed_on", _("日期不能晚于今天。"), "date_in_future")
    if started and completed and completed < started:
        raise field_error("completed_on", _("竣工日期不能早于开工日期。"), "period_order")
    return cleaned


def _name_taken(county: Region, name: str, exclude: int | None = None) -> ValidationError | None:
    others = Project.objects.filter(county=county, name=name)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        return field_error("name", _("本县（区）已登记同名项目。"), "duplicate")
    return None


@transaction.atomic
def project_create(*, by: User, county: Region | None = None, **fields: Any) -> Project:
    roles.require(by, "wagecases.edit")
    county = county or county_of(by.region)
    if (
        county is None
        or county.level != RegionLevel.COUNTY
        or not Region.objects.visible_to(by).filter(pk=county.pk).exists()
    ):
        raise field_error("county", _("区划不存在或不在您的辖区内。"), "does_not_exist")
    fields.setdefault("site_region", fields.get("site_region") or county)
    cleaned = _clean_project(by, county, fields, None)
    if not cleaned.get("name"):
        raise field_error("name", _("请填写项目名称。"), "required")
    error = _name_taken(county, cleaned["name"])
    if error:
        raise error
    try:
        with transaction.atomic(), acting_as(by):
            return Project.objects.create(county=county, created_by=by, **cleaned)
    except IntegrityError:  # the same name registered a moment ago by someone else
        raise field_error("name", _("本县（区）已登记同名项目。"), "duplicate") from None


@transaction.atomic
def project_update(*, by: User, project: Project, **fields: Any) -> Project:
    roles.require(by, "wagecases.edit")
    project = Project.objects.visible_to(by).select_for_update().get(pk=project.pk)
    cleaned = _clean_project(by, project.county, fields, project)
    if "name" in cleaned:
        error = _name_taken(project.county, cleaned["name"], exclude=project.pk)
        if error:
            raise error
    contractor_paid = Payment.objects.filter(
        case__project=project, payer=Payer.GENERAL_CONTRACTOR, reversed_at__isnull=True
    )
    changed = "general_contractor" in cleaned and cleaned["general_contractor"] != project.general_contractor
    if changed and contractor_paid.exists():
        raise field_error("general_contractor", _("总承包单位已为本项目先行清偿，不能更换。"), "contractor_paid")
    for name, value in cleaned.items():
        setattr(project, name, value)
    with acting_as(by):
        project.save()
    return project


@transaction.atomic
def party_add(
    *,
    by: User,
    project: Project,
    role: str,
    employer: Employer | None = None,
    leader_name: str = "",
    leader_phone: str = "",
    parent: ProjectParty | None = None,
    note: str = "",
) -> ProjectParty:
    """Add a subcontractor or labour team under the general contractor (no parent) or under
    another party of the same project."""
    roles.require(by, "wagecases.edit")
    project = Project.objects.visible_to(by).select_for_update().get(pk=project.pk)
    if role not in PartyRole.values:
        raise field_error("role", _("请选择角色。"), "invalid_choice")
    leader_name = clean_text(leader_name)
    if employer is None and not leader_name:
        raise field_error("employer", _("请选择分包单位，或填写班组长姓名。"), "required")
    if employer is None and role != PartyRole.LABOUR_TEAM:
        raise field_error("employer", _("分包单位须为登记的用人单位。"), "required")
    _visible_employer(by, employer, "employer")
    if employer is not None:
        if employer.pk in (project.general_contractor_id, project.developer_id):
            raise field_error("employer", _("该单位已是本项目的建设或总承包单位。"), "already_party")
        if project.parties.filter(employer=employer).exists():
            raise field_error("employer", _("该单位已登记在本项目中。"), "duplicate")
    if parent is not None and not project.parties.filter(pk=parent.pk).exists():
        raise field_error("parent", _("发包方不在本项目中。"), "not_on_project")
    if parent is not None and parent.role == PartyRole.LABOUR_TEAM:
        raise field_error("parent", _("班组不能再向下分包。"), "team_cannot_subcontract")
    try:
        phone = normalize_phone(leader_phone or "")
    except ValidationError as exc:
        raise ValidationError({"leader_phone": [exc]}) from None
    with acting_as(by):
        return ProjectParty.objects.create(
            project=project,
            role=role,
            employer=employer,
            leader_name=leader_name,
            leader_phone=phone,
            parent=parent,
            note=clean_text(note),
        )


@transaction.atomic
def party_remove(*, by: User, party: ProjectParty) -> None:
    """Remove a party entered in error: not while parties hang below it, nor while a wage case
    on the project is against it."""
    roles.require(by, "wagecases.edit")
    project = Project.objects.visible_to(by).select_for_update().get(pk=party.project_id)
    current = ProjectParty.objects.get(pk=party.pk, project=project)
    if current.children.exists():
        raise field_error("party", _("其下还有分包单位或班组，请先移除。"), "has_children")
    if current.employer_id and WageCase.objects.filter(project=project, employer_id=current.employer_id).exists():
        raise field_error("party", _("本项目有针对该单位的欠薪案件，不能移除。"), "has_cases")
    with acting_as(by):
        current.delete()


def chain(project: Project) -> list[dict[str, Any]]:
    """The contracting chain, top down: developer, general contractor, then each party under
    its parent (depth first), with its depth, for display."""
    rows: list[dict[str, Any]] = []
    if project.developer is not None:
        rows.append({"role": "developer", "employer": project.developer, "party": None, "depth": 0})
    if project.general_contractor is not None:
        rows.append({"role": "general_contractor", "employer": project.general_contractor, "party": None, "depth": 0})
    parties = list(project.parties.select_related("employer").order_by("id"))
    below: dict[int | None, list[ProjectParty]] = {}
    for party in parties:
        below.setdefault(party.parent_id, []).append(party)

    def walk(parent: int | None, depth: int) -> None:
        for party in below.get(parent, []):
            rows.append({"role": party.role, "employer": party.employer, "party": party, "depth": depth})
            walk(party.pk, depth + 1)

    walk(None, 1)
    return rows
