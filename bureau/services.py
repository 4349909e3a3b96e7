"""Every write a user can make to the core data, as a plain function taking the acting user.

Each runs in a transaction, checks the role table and the region scope, validates, and is
attributed in the audit trail. Errors are Django `ValidationError`s keyed by field with stable
codes; the API and the pages show them as they are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bureau import roles
from bureau.audit import acting_as
from bureau.identifiers import normalize_phone, parse_id_number, validate_credit_code
from bureau.models import (
    Employer,
    EmployerRegistration,
    Region,
    RegionLevel,
    Role,
    User,
    Worker,
    WorkerRegistration,
)

EMPLOYER_FIELDS = frozenset(
    {
        "credit_code",
        "name",
        "legal_representative",
        "type",
        "industry",
        "size",
        "employee_count",
        "address",
        "region",
        "contact_person",
        "phone",
    }
)
WORKER_FIELDS = frozenset({"name", "id_number", "phone", "home_region", "address", "migrant"})


def field_error(field: str, message: str, code: str, **params: Any) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code, params=params or None)]})


def check_inspectors(county: Region, chosen: Sequence[User], too_few: str, field: str = "inspectors") -> None:
    """At least two inspectors (条例 art. 16: investigations and inspections), each an active
    inspector or head whose region covers the county. `too_few` is the message for fewer."""
    if len({u.pk for u in chosen}) < 2:
        raise field_error(field, too_few, "two_inspectors")
    for user in chosen:
        region = user.region
        covers = region is not None and county.path.startswith(region.path)
        if not user.is_active or not user.has_role(Role.INSPECTOR, *roles.HEADS) or not covers:
            raise field_error(field, _("%(name)s 不是本县（区）的监察员。") % {"name": user}, "not_inspector")


def _check_region(by: User, region: Region, *, field: str, min_level: int) -> None:
    if not Region.objects.visible_to(by).filter(pk=region.pk).exists():
        # Same answer as for a region that does not exist: no hint about other areas.
        raise field_error(field, _("区划不存在或不在您的辖区内。"), "does_not_exist")
    if region.level < min_level:
        raise field_error(field, _("请选择县（区）或以下的区划。"), "region_level")


TEXT_FIELDS = ("name", "legal_representative", "contact_person", "address")


_AMOUNT_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def amount_text(value: Any) -> str:
    """The text of an amount as a clerk writes it: digits with an optional decimal part and
    sign. Full-width digits (what a Chinese input method types) are read as digits; exponents
    (`1e3`), digit grouping (`1_000`, `1,000`), a `+` or units are not amounts. Raises
    ValueError."""
    if isinstance(value, bool):
        raise ValueError(value)
    text = format(value, "f") if isinstance(value, Decimal) else unicodedata.normalize("NFKC", str(value)).strip()
    if not _AMOUNT_TEXT.fullmatch(text):
        raise ValueError(value)
    return text


def clean_text(value: str) -> str:
    """Text as people mean it: NFC, no invisible format or control characters (a name of only
    a zero-width space is no name), single spaces."""
    value = unicodedata.normalize("NFC", value or "")
    value = "".join(ch for ch in value if unicodedata.category(ch) not in ("Cf", "Cc", "Co", "Cs"))
    return " ".join(value.split())


def _clean_texts(fields: dict[str, Any]) -> None:
    for name in TEXT_FIELDS:
        if isinstance(fields.get(name), str):
            fields[name] = clean_text(fields[name])


def _require_owner(by: User, region: Region | None, what: str) -> None:
    """A record held by several regions is edited only by the region that holds it as its own
    (where the employer is located; where the person was first registered)."""
    if by.is_superuser:
        return
    if region is None or by.region is None or not region.path.startswith(by.region.path):
        raise PermissionDenied(
            _("%(what)s由%(region)s登记管理，只能由该单位修改；如需更正请与其联系。")
            % {"what": what, "region": region.name if region else _("其他单位")}
        )


def _clean_phone(fields: dict[str, Any]) -> None:
    if "phone" in fields:
        try:
            fields["phone"] = normalize_phone(fields["phone"] or "")
        except ValidationError as exc:
            raise ValidationError({"phone": [exc]}) from None


def _reject_unknown(fields: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError({f: [ValidationError(_("不允许的字段。"), code="unknown_field")] for f in unknown})


def _save(instance: Employer | Worker, *, exclude_unique: bool = True) -> None:
    # Unique checks are done by the caller with their own codes, and by the database.
    instance.full_clean(validate_unique=not exclude_unique, validate_constraints=False)
    instance.save()


@transaction.atomic
def employer_create(*, by: User, **fields: Any) -> Employer:
    roles.require(by, "parties.edit")
    _reject_unknown(fields, EMPLOYER_FIELDS)
    _clean_texts(fields)
    for required in ("credit_code", "name", "region"):
        if not fields.get(required):
            raise field_error(required, _("此项为必填项。"), "required")
    fields["credit_code"] = _validated_credit_code(fields["credit_code"])
    _check_region(by, fields["region"], field="region", min_level=RegionLevel.COUNTY)
    _clean_phone(fields)
    if Employer.objects.filter(credit_code=fields["credit_code"]).exists():
        raise field_error("credit_code", _("该统一社会信用代码已登记。"), "duplicate")
    employer = Employer(created_by=by, **fields)
    with acting_as(by):
        try:
            with transaction.atomic():
                _save(employer)
        except IntegrityError:  # a concurrent insert of the same code won the race
            raise field_error("credit_code", _("该统一社会信用代码已登记。"), "duplicate") from None
    return employer


@transaction.atomic
def employer_register(*, by: User, **fields: Any) -> tuple[Employer, bool]:
    """Register an employer, or, if another region already registered this credit code, make
    that one record known to the user's region too (its data is left as it is).

    Returns (employer, created). An employer already visible to the user is a duplicate error."""
    roles.require(by, "parties.edit")
    if fields.get("credit_code"):
        code = _validated_credit_code(fields["credit_code"])
        existing = Employer.objects.select_for_update().filter(credit_code=code).first()
        if existing is not None and not Employer.objects.visible_to(by).filter(pk=existing.pk).exists():
            if by.region is None:
                raise field_error("region", _("此项为必填项。"), "required")
            with acting_as(by):
                EmployerRegistration.objects.get_or_create(
                    employer=existing, region=by.region, defaults={"created_by": by}
                )
            return existing, False
    return employer_create(by=by, **fields), True


@transaction.atomic
def employer_update(*, employer: Employer, by: User, **fields: Any) -> Employer:
    roles.require(by, "parties.edit")
    _reject_unknown(fields, EMPLOYER_FIELDS)
    employer = Employer.objects.visible_to(by).select_for_update(of=("self",)).get(pk=employer.pk)
    _require_owner(by, employer.region, _("该单位"))
    _clean_texts(fields)
    if "credit_code" in fields:
        fields["credit_code"] = _validated_credit_code(fields["credit_code"])
        if Employer.objects.filter(credit_code=fields["credit_code"]).exclude(pk=employer.pk).exists():
            raise field_error("credit_code", _("该统一社会信用代码已登记。"), "duplicate")
    if "region" in fields:
        _check_region(by, fields["region"], field="region", min_level=RegionLevel.COUNTY)
    _clean_phone(fields)
    for name, value in fields.items():
        setattr(employer, name, value)
    with acting_as(by):
        try:
            with transaction.atomic():
                _save(employer)
        except IntegrityError:  # a concurrent write took the code
            raise field_error("credit_code", _("该统一社会信用代码已登记。"), "duplicate") from None
    return employer


def _validated_credit_code(raw: str) -> str:
    try:
        return validate_credit_code(raw)
    except ValidationError as exc:
        raise ValidationError({"credit_code": [exc]}) from None


@transaction.atomic
def worker_register(*, by: User, region: Region | None = None, **fields: Any) -> tuple[Worker, bool]:
    """Register a person, or, if the bureau system already knows the ID number from another
    region, make that one record known to the user's region too.

    Returns (worker, created). A person already visible to the user is a duplicate error."""
    roles.require(by, "parties.edit")
    _reject_unknown(fields, WORKER_FIELDS)
    region = region or by.region
    if region is None:
        raise field_error("region", _("此项为必填项。"), "required")
    _check_region(by, region, field="region", min_level=RegionLevel.COUNTY)
    _clean_texts(fields)
    for required in ("name", "id_number"):
        if not fields.get(required):
            raise field_error(required, _("此项为必填项。"), "required")
    parsed = _parsed_id(fields["id_number"])
    existing = Worker.objects.select_for_update().filter(id_number=parsed.value).first()
    if existing is not None:
        if Worker.objects.visible_to(by).filter(pk=existing.pk).exists():
            raise field_error("id_number", _("该身份证号码已登记（%(name)s）。"), "duplicate", name=existing.name)
        with acting_as(by):
            WorkerRegistration.objects.get_or_create(worker=existing, region=region, defaults={"created_by": by})
        return existing, False
    _clean_phone(fields)
    if not fields.get("home_region"):
        # The household registration area the ID number names, when the division tree knows it.
        fields["home_region"] = Region.objects.filter(code=parsed.area_code).first()
    worker = Worker(created_by=by, **{**fields, "id_number": parsed.value})
    worker.birth_date, worker.sex = parsed.birth_date, parsed.sex
    with acting_as(by):
        try:
            with transaction.atomic():
                _save(worker)
        except IntegrityError:
            raise field_error("id_number", _("该身份证号码已登记。"), "duplicate") from None
        WorkerRegistration.objects.create(worker=worker, region=region, created_by=by)
    return worker, True


@transaction.atomic
def worker_update(*, worker: Worker, by: User, **fields: Any) -> Worker:
    roles.require(by, "parties.edit")
    _reject_unknown(fields, WORKER_FIELDS)
    worker = Worker.objects.visible_to(by).select_for_update(of=("self",)).get(pk=worker.pk)
    first = worker.registrations.select_related("region").order_by("created_at", "id").first()
    _require_owner(by, first.region if first else None, _("该劳动者信息"))
    _clean_texts(fields)
    if "id_number" in fields:
        parsed = _parsed_id(fields["id_number"])
        if Worker.objects.filter(id_number=parsed.value).exclude(pk=worker.pk).exists():
            raise field_error("id_number", _("该身份证号码已登记。"), "duplicate")
        if parsed.value != worker.id_number and "home_region" not in fields:
            # the household registration follows the corrected number, as at registration
            fields["home_region"] = Region.objects.filter(code=parsed.area_code).first()
        fields["id_number"] = parsed.value
        worker.birth_date, worker.sex = parsed.birth_date, parsed.sex
    _clean_phone(fields)
    for name, value in fields.items():
        setattr(worker, name, value)
    with acting_as(by):
        try:
            with transaction.atomic():
                _save(worker)
        except IntegrityError:  # a concurrent write took the ID number
            raise field_error("id_number", _("该身份证号码已登记。"), "duplicate") from None
    return worker


def _parsed_id(raw: str) -> Any:
    try:
        return parse_id_number(raw)
    except ValidationError as exc:
        raise ValidationError({"id_number": [exc]}) from None
