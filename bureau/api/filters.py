"""Search and filters of the core lists. `q` is the one box of the UI: it recognises a credit
code, an ID number or a phone number and otherwise matches names (partial, Chinese)."""

from __future__ import annotations

import contextlib
import re
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from bureau.identifiers import normalize_credit_code, normalize_id_number, normalize_phone
from bureau.models import Employer, EmployerType, Industry, Region, Worker, WorkerRegistration

ID_LIKE = re.compile(r"^\d{17}[\dX]$")
CREDIT_CODE_LIKE = re.compile(r"^[0-9A-Z]{18}$")
DIGITS = re.compile(r"^[\d\s\-+()]{4,20}$")


def _visible_region(request: Any, code: str) -> Region | None:
    """The region a `region` filter names, if the user may see it. A region outside the
    user's subtree filters to nothing, like an unknown code: a filter narrows, never widens
    or probes other areas."""
    user = getattr(request, "user", None)
    return Region.objects.visible_to(user).filter(code=code.strip()).first()


def _phone_q(value: str) -> Q:
    """A whole number in any format (stored as E.164), or its trailing digits."""
    digits = re.sub(r"\D", "", value)
    query = Q(phone__endswith=digits) if len(digits) >= 4 else Q(pk__in=[])
    with contextlib.suppress(ValidationError):  # not a whole number: trailing digits only
        query |= Q(phone=normalize_phone(value))
    return query


class EmployerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("名称或统一社会信用代码"))
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("名称包含"))
    credit_code = django_filters.CharFilter(method="by_credit_code", label=_("统一社会信用代码"))
    region = django_filters.CharFilter(method="by_region", label=_("区划代码（含下级）"))
    type = django_filters.ChoiceFilter(choices=EmployerType.choices)
    industry = django_filters.ChoiceFilter(choices=Industry.choices)

    class Meta:
        model = Employer
        fields = ["q", "name", "credit_code", "region", "type", "industry"]

    def search(self, queryset: QuerySet[Employer], name: str, value: str) -> QuerySet[Employer]:
        value = value.strip()
        code = normalize_credit_code(value)
        if CREDIT_CODE_LIKE.match(code):
            return queryset.filter(credit_code=code)
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__startswith=code))

    def by_credit_code(self, queryset: QuerySet[Employer], name: str, value: str) -> QuerySet[Employer]:
        return queryset.filter(credit_code=normalize_credit_code(value))

    def by_region(self, queryset: QuerySet[Employer], name: str, value: str) -> QuerySet[Employer]:
        region = _visible_region(self.request, value)
        if region is None:
            return queryset.none()
        return queryset.filter(region__path__startswith=region.path)


class WorkerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("姓名、身份证号码或电话"))
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("姓名包含"))
    id_number = django_filters.CharFilter(method="by_id_number", label=_("身份证号码"))
    phone = django_filters.CharFilter(method="by_phone", label=_("电话（完整号码或尾号）"))
    region = django_filters.CharFilter(method="by_region", label=_("登记区划代码（含下级）"))
    migrant = django_filters.BooleanFilter()

    class Meta:
        model = Worker
        fields = ["q", "name", "id_number", "phone", "region", "migrant"]

    def search(self, queryset: QuerySet[Worker], name: str, value: str) -> QuerySet[Worker]:
        value = value.strip()
        id_number = normalize_id_number(value)
        if ID_LIKE.match(id_number):
            return queryset.filter(id_number=id_number)
        if DIGITS.match(value):
            return queryset.filter(_phone_q(value))
        return queryset.filter(name__icontains=value)

    def by_id_number(self, queryset: QuerySet[Worker], name: str, value: str) -> QuerySet[Worker]:
        return queryset.filter(id_number=normalize_id_number(value))

    def by_phone(self, queryset: QuerySet[Worker], name: str, value: str) -> QuerySet[Worker]:
        return queryset.filter(_phone_q(value))

    def by_region(self, queryset: QuerySet[Worker], name: str, value: str) -> QuerySet[Worker]:
        region = _visible_region(self.request, value)
        if region is None:
            return queryset.none()
        registered = WorkerRegistration.objects.filter(worker=OuterRef("pk"), region__path__startswith=region.path)
        return queryset.filter(Exists(registered))


class RegionFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(field_name="parent__code", label=_("上级区划代码"))
    q = django_filters.CharFilter(method="search", label=_("名称或代码"))

    class Meta:
        model = Region
        fields = ["level", "parent", "q"]

    def search(self, queryset: QuerySet[Region], name: str, value: str) -> QuerySet[Region]:
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))
