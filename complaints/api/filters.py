"""Filters and ordering of the case lists (and of their Excel export, which takes the same
query). The queryset is `selectors.complaint_rows()`, scoped: `current_due` is annotated."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request

from bureau.models import Region
from complaints import selectors, workflow
from complaints.models import Channel, Complainant, Complaint, Kind, Status


class StatusInFilter(django_filters.BaseInFilter, django_filters.ChoiceFilter):
    pass


class ComplaintFilter(django_filters.FilterSet):
    status = StatusInFilter(choices=Status.choices, label=_("状态（可多个，逗号分隔）"))
    category = django_filters.CharFilter(method="by_category", label=_("类别代码"))
    township = django_filters.CharFilter(method="by_township", label=_("区划代码（含下级）"))
    employer = django_filters.NumberFilter(field_name="employer_id", label=_("用人单位编号"))
    inspector = django_filters.NumberFilter(method="by_inspector", label=_("承办监察员编号"))
    worker = django_filters.NumberFilter(method="by_worker", label=_("投诉人（劳动者编号）"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("来源渠道"))
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("类型"))
    received_after = django_filters.DateFilter(field_name="received_on", lookup_expr="gte", label=_("收到日期起"))
    received_before = django_filters.DateFilter(field_name="received_on", lookup_expr="lte", label=_("收到日期止"))
    overdue = django_filters.BooleanFilter(method="by_overdue", label=_("当前期限已过"))
    open = django_filters.BooleanFilter(method="by_open", label=_("未办结（非结案、非终止）"))
    mine = django_filters.BooleanFilter(method="by_mine", label=_("我承办的"))
    pending_approval = django_filters.BooleanFilter(
        method="by_pending_approval", label=_("待负责人审批（不予受理、延期、结案）")
    )
    q = django_filters.CharFilter(method="search", label=_("案件编号、单位名称或上游编号"))

    class Meta:
        model = Complaint
        fields = [
            "status",
            "category",
            "township",
            "employer",
            "inspector",
            "worker",
            "channel",
            "kind",
            "received_after",
            "received_before",
            "overdue",
            "open",
            "mine",
            "pending_approval",
            "q",
        ]

    def by_category(self, queryset: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        return selectors.with_category(queryset, value.strip())

    def by_township(self, queryset: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        # A region outside the user's subtree filters to nothing, like an unknown code.
        user = getattr(self.request, "user", None)
        region = Region.objects.visible_to(user).filter(code=value.strip()).first()
        if region is None:
            return queryset.none()
        return queryset.filter(Q(township__path__startswith=region.path) | Q(county__path__startswith=region.path))

    def by_inspector(self, queryset: QuerySet[Complaint], name: str, value: Any) -> QuerySet[Complaint]:
        return selectors.with_inspector(queryset, int(value))

    def by_worker(self, queryset: QuerySet[Complaint], name: str, value: Any) -> QuerySet[Complaint]:
        return queryset.filter(Exists(Complainant.objects.filter(complaint=OuterRef("pk"), worker_id=int(value))))

    def by_overdue(self, queryset: QuerySet[Complaint], name: str, value: bool) -> QuerySet[Complaint]:
        today = timezone.localdate()
        if value:
            return queryset.filter(selectors.overdue_q(today))
        return queryset.filter(Q(current_due__gte=today) | Q(current_due__isnull=True))

    def by_open(self, queryset: QuerySet[Complaint], name: str, value: bool) -> QuerySet[Complaint]:
        opened = Q(status__in=workflow.OPEN)
        return queryset.filter(opened) if value else queryset.exclude(opened)

    def by_mine(self, queryset: QuerySet[Complaint], name: str, value: bool) -> QuerySet[Complaint]:
        user = getattr(self.request, "user", None)
        user_id = getattr(user, "pk", None)
        if user_id is None:
            return queryset.none() if value else queryset
        mine = selectors.with_inspector(queryset, user_id)
        return mine if value else queryset.exclude(pk__in=mine.values("pk"))

    def by_pending_approval(self, queryset: QuerySet[Complaint], name: str, value: bool) -> QuerySet[Complaint]:
        pending = Q(status__in=selectors.PENDING_APPROVAL)
        return queryset.filter(pending) if value else queryset.exclude(pending)

    def search(self, queryset: QuerySet[Complaint], name: str, value: str) -> QuerySet[Complaint]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(employer__name__icontains=value)
            | Q(employer__credit_code=value.upper())
            | Q(upstream_ref__icontains=value)
        )


class ComplaintOrdering(OrderingFilter):
    """`?ordering=deadline`: nearest current deadline first (overdue ones before them), cases
    without a running deadline last; also `received_on`, `number`, each with `-` to reverse.
    Ties are broken by id, so pages do not overlap."""

    ordering_description = _(  # type: ignore[assignment]
        "排序：deadline（当前期限最近的在前，无期限的在后）、received_on、number，前加 - 为倒序"
    )

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        terms: list[Any] = []
        for term in ordering:
            descending = term.startswith("-")
            if term.lstrip("-") == "deadline":
                due = F("current_due")
                terms.append(due.desc(nulls_last=True) if descending else due.asc(nulls_last=True))
            else:
                terms.append(term)
        terms.append("-id" if ordering[0].startswith("-") else "id")
        return queryset.order_by(*terms)
