"""Filters of the inspections lists (and of their Excel exports, which take the same query).
Regions are given by their code (`county`: the rows of that region's subtree, as in the other
lists), employers, campaigns and visits by id. The querysets are scoped before they are
filtered, and a code is looked up among the user's regions, so an id or a code outside the
user's region filters to nothing, like an unknown one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bureau.models import Region
from inspections.models import (
    AnnualReview,
    Campaign,
    OrderStatus,
    PatrolTarget,
    RectificationOrder,
    ReviewResult,
    Visit,
    WagesOnTime,
)

# Same rule as serializers.has_problems: unpaid wages, child labour, wages below the minimum,
# workers urged to sign a contract.
PROBLEMS = (
    Q(wages_on_time=WagesOnTime.NO)
    | Q(child_labour_found__gt=0)
    | Q(minimum_wage_problem=True)
    | Q(contracts_urged__gt=0)
)


class StatusInFilter(django_filters.BaseInFilter, django_filters.ChoiceFilter):
    pass


def _search_employer(queryset: QuerySet[Any], value: str, *, number: bool = True) -> QuerySet[Any]:
    value = value.strip()
    if not value:
        return queryset
    match = Q(employer__name__icontains=value) | Q(employer__credit_code=value.upper())
    if number:
        match |= Q(number__icontains=value)
    return queryset.filter(match)


class CountyFilterSet(django_filters.FilterSet):
    """`county=<code>`: the rows whose county lies in that region's subtree (a city's code keeps
    its counties' rows, a county's its own; a township's code keeps none, as a row belongs to a
    county). A code outside the user's subtree filters to nothing, like an unknown code."""

    county = django_filters.CharFilter(method="by_county", label=_("区划代码（含下级）"))

    def by_county(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        user = getattr(self.request, "user", None)
        region = Region.objects.visible_to(user).filter(code=value.strip()).first()
        if region is None:
            return queryset.none()
        return queryset.filter(county__path__startswith=region.path)


class CampaignFilter(CountyFilterSet):
    campaign_type = django_filters.NumberFilter(field_name="campaign_type_id", label=_("检查类型编号"))
    year = django_filters.NumberFilter(method="by_year", label=_("年度（检查期限与该年有交集）"))
    active = django_filters.BooleanFilter(method="by_active", label=_("进行中（今天在检查期限内）"))
    q = django_filters.CharFilter(method="search", label=_("名称"))

    class Meta:
        model = Campaign
        fields = ["county", "campaign_type", "year", "active", "q"]

    def by_year(self, queryset: QuerySet[Campaign], name: str, value: Any) -> QuerySet[Campaign]:
        year = int(value)
        if not 1 <= year <= 9999:
            return queryset.none()
        return queryset.filter(starts_on__lte=dt.date(year, 12, 31), ends_on__gte=dt.date(year, 1, 1))

    def by_active(self, queryset: QuerySet[Campaign], name: str, value: bool) -> QuerySet[Campaign]:
        today = timezone.localdate()
        running = Q(starts_on__lte=today, ends_on__gte=today)
        return queryset.filter(running) if value else queryset.exclude(running)

    def search(self, queryset: QuerySet[Campaign], name: str, value: str) -> QuerySet[Campaign]:
        value = value.strip()
        return queryset.filter(name__icontains=value) if value else queryset


class VisitFilter(CountyFilterSet):
    campaign = django_filters.NumberFilter(field_name="campaign_id", label=_("专项检查编号"))
    patrol = django_filters.BooleanFilter(
        field_name="campaign", lookup_expr="isnull", label=_("主动巡查（true）或专项检查（false）")
    )
    employer = django_filters.NumberFilter(field_name="employer_id", label=_("被检查单位编号"))
    inspector = django_filters.NumberFilter(method="by_inspector", label=_("检查人员编号"))
    date_from = django_filters.DateFilter(field_name="visited_at", lookup_expr="date__gte", label=_("检查日期起"))
    date_to = django_filters.DateFilter(field_name="visited_at", lookup_expr="date__lte", label=_("检查日期止"))
    year = django_filters.NumberFilter(field_name="year", label=_("年度"))
    wages_on_time = django_filters.ChoiceFilter(choices=WagesOnTime.choices, label=_("工资支付情况"))
    has_problems = django_filters.BooleanFilter(
        method="by_problems", label=_("发现问题（拖欠工资、童工、低于最低工资标准或督促签订劳动合同）")
    )
    q = django_filters.CharFilter(method="search", label=_("检查编号、单位名称或统一社会信用代码"))

    class Meta:
        model = Visit
        fields = [
            "county",
            "campaign",
            "patrol",
            "employer",
            "inspector",
            "date_from",
            "date_to",
            "year",
            "wages_on_time",
            "has_problems",
            "q",
        ]

    def by_inspector(self, queryset: QuerySet[Visit], name: str, value: Any) -> QuerySet[Visit]:
        joined = Visit.inspectors.through.objects.filter(visit=OuterRef("pk"), user_id=int(value))
        return queryset.filter(Exists(joined))

    def by_problems(self, queryset: QuerySet[Visit], name: str, value: bool) -> QuerySet[Visit]:
        return queryset.filter(PROBLEMS) if value else queryset.exclude(PROBLEMS)

    def search(self, queryset: QuerySet[Visit], name: str, value: str) -> QuerySet[Visit]:
        return _search_employer(queryset, value)


class RectificationOrderFilter(CountyFilterSet):
    employer = django_filters.NumberFilter(field_name="employer_id", label=_("用人单位编号"))
    status = StatusInFilter(choices=OrderStatus.choices, label=_("状态（可多个，逗号分隔）"))
    overdue = django_filters.BooleanFilter(method="by_overdue", label=_("逾期（整改中且已过截止日）"))
    visit = django_filters.NumberFilter(field_name="visit_id", label=_("检查记录编号（在该次检查下达的）"))
    due_before = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label=_("截止日不晚于"))
    q = django_filters.CharFilter(method="search", label=_("指令书编号或单位名称"))

    class Meta:
        model = RectificationOrder
        fields = ["county", "employer", "status", "overdue", "visit", "due_before", "q"]

    def by_overdue(
        self, queryset: QuerySet[RectificationOrder], name: str, value: bool
    ) -> QuerySet[RectificationOrder]:
        overdue = Q(status=OrderStatus.OPEN, due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def search(self, queryset: QuerySet[RectificationOrder], name: str, value: str) -> QuerySet[RectificationOrder]:
        return _search_employer(queryset, value)


class AnnualReviewFilter(CountyFilterSet):
    year = django_filters.NumberFilter(field_name="year", label=_("审查年度"))
    result = django_filters.ChoiceFilter(choices=ReviewResult.choices, label=_("审查结论"))
    employer = django_filters.NumberFilter(field_name="employer_id", label=_("用人单位编号"))
    q = django_filters.CharFilter(method="search", label=_("单位名称或统一社会信用代码"))

    class Meta:
        model = AnnualReview
        fields = ["county", "year", "result", "employer", "q"]

    def search(self, queryset: QuerySet[AnnualReview], name: str, value: str) -> QuerySet[AnnualReview]:
        return _search_employer(queryset, value, number=False)


class PatrolTargetFilter(CountyFilterSet):
    year = django_filters.NumberFilter(field_name="year", label=_("年度"))

    class Meta:
        model = PatrolTarget
        fields = ["year", "county"]
