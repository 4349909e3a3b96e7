"""Filters and ordering of the wage-case list (and of its Excel export, which takes the same
query). The queryset is `selectors.cases_with_totals()`, scoped: the totals are annotated, so
`outstanding` filters and orders in the database."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request

from bureau.models import Region
from wagecases.models import Claim, Source, Status, WageCase


class StatusInFilter(django_filters.BaseInFilter, django_filters.ChoiceFilter):
    pass


class WageCaseFilter(django_filters.FilterSet):
    status = StatusInFilter(choices=Status.choices, label=_("状态（可多个，逗号分隔）"))
    employer = django_filters.NumberFilter(field_name="employer_id", label=_("欠薪单位编号"))
    worker = django_filters.NumberFilter(method="by_worker", label=_("劳动者编号（案件中有其欠薪请求）"))
    project = django_filters.NumberFilter(field_name="project_id", label=_("工程项目编号"))
    complaint = django_filters.NumberFilter(field_name="complaint_id", label=_("来源投诉案件编号"))
    source = django_filters.ChoiceFilter(choices=Source.choices, label=_("案件来源"))
    county = django_filters.CharFilter(method="by_county", label=_("区划代码（含下级）"))
    inspector = django_filters.NumberFilter(method="by_inspector", label=_("承办监察员编号"))
    mine = django_filters.BooleanFilter(method="by_mine", label=_("我承办的"))
    opened_from = django_filters.DateFilter(field_name="opened_on", lookup_expr="gte", label=_("立案日期起"))
    opened_to = django_filters.DateFilter(field_name="opened_on", lookup_expr="lte", label=_("立案日期止"))
    outstanding = django_filters.BooleanFilter(
        method="by_outstanding", label=_("尚未清偿（有未核定的劳动者或尚欠工资）")
    )
    q = django_filters.CharFilter(method="search", label=_("案件编号、单位名称或统一社会信用代码"))

    class Meta:
        model = WageCase
        fields = [
            "status",
            "employer",
            "worker",
            "project",
            "complaint",
            "source",
            "county",
            "inspector",
            "mine",
            "opened_from",
            "opened_to",
            "outstanding",
            "q",
        ]

    def by_worker(self, queryset: QuerySet[WageCase], name: str, value: Any) -> QuerySet[WageCase]:
        return queryset.filter(Exists(Claim.objects.filter(case=OuterRef("pk"), worker_id=int(value))))

    def by_county(self, queryset: QuerySet[WageCase], name: str, value: str) -> QuerySet[WageCase]:
        # A region outside the user's subtree filters to nothing, like an unknown code.
        user = getattr(self.request, "user", None)
        region = Region.objects.visible_to(user).filter(code=value.strip()).first()
        if region is None:
            return queryset.none()
        return queryset.filter(county__path__startswith=region.path)

    def by_inspector(self, queryset: QuerySet[WageCase], name: str, value: Any) -> QuerySet[WageCase]:
        return _with_inspector(queryset, int(value))

    def by_mine(self, queryset: QuerySet[WageCase], name: str, value: bool) -> QuerySet[WageCase]:
        user_id = getattr(getattr(self.request, "user", None), "pk", None)
        if user_id is None:
            return queryset.none() if value else queryset
        mine = _with_inspector(queryset, user_id)
        return mine if value else queryset.exclude(pk__in=mine.values("pk"))

    def by_outstanding(self, queryset: QuerySet[WageCase], name: str, value: bool) -> QuerySet[WageCase]:
        """Not fully paid: a claim still unconfirmed, or confirmed wages not all paid (the
        opposite of the totals' `fully_paid`)."""
        owed = Q(unconfirmed__gt=0) | Q(outstanding__gt=0)
        return queryset.filter(owed) if value else queryset.exclude(owed)

    def search(self, queryset: QuerySet[WageCase], name: str, value: str) -> QuerySet[WageCase]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value) | Q(employer__name__icontains=value) | Q(employer__credit_code=value.upper())
        )


def _with_inspector(queryset: QuerySet[WageCase], user_id: int) -> QuerySet[WageCase]:
    assigned = WageCase.inspectors.through.objects.filter(wagecase=OuterRef("pk"), user_id=user_id)
    return queryset.filter(Exists(assigned))


class WageCaseOrdering(OrderingFilter):
    """`opened_on`, `number`, `outstanding` (largest arrears with `-outstanding`), each with
    `-` to reverse; ties are broken by id, so pages do not overlap."""

    ordering_description = _(  # type: ignore[assignment]
        "排序：opened_on（立案日期）、number（案件编号）、outstanding（尚欠工资），前加 - 为倒序"
    )

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        return queryset.order_by(*ordering, "-id" if ordering[0].startswith("-") else "id")
