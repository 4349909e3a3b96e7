"""Reads of the inspections app that several places need: progress against targets, overdue
orders, employers not yet reviewed. Each is a few aggregate queries, whatever the row count."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from bureau.models import Employer, EmployerRegistration, Region
from inspections.models import AnnualReview, Campaign, OrderStatus, PatrolTarget, RectificationOrder, Visit


def percent(done: int, target: int) -> Decimal | None:
    """Progress as a percentage to one decimal (140.5), None without a target."""
    if not target:
        return None
    return (Decimal(done) * 100 / Decimal(target)).quantize(Decimal("0.1"))


def with_progress(campaigns: QuerySet[Campaign]) -> QuerySet[Campaign]:
    """Campaigns with `visits_count`, `employers_visited` (distinct) and `contracts_urged_total`."""
    return campaigns.annotate(
        visits_count=Count("visits", distinct=True),
        employers_visited=Count("visits__employer", distinct=True),
        contracts_urged_total=Coalesce(Sum("visits__contracts_urged"), 0),
    )


@dataclass
class PatrolProgress:
    county: Region
    year: int
    target: int | None
    patrols: int
    employers: int
    contracts_urged: int
    by_inspector: list[dict[str, Any]]

    @property
    def percent(self) -> Decimal | None:
        return percent(self.patrols, self.target or 0)


def patrol_progress(counties: QuerySet[Region], year: int) -> list[PatrolProgress]:
    """Each county's proactive patrols (visits without a campaign) of `year` against its target,
    with the count per inspector (a visit counts once for each of its inspectors)."""
    counties = counties.order_by("code")
    ids = [c.pk for c in counties]
    patrols = Visit.objects.filter(county_id__in=ids, year=year, campaign__isnull=True)
    totals = {
        row["county_id"]: row
        for row in patrols.values("county_id").annotate(
            n=Count("id"), employers=Count("employer", distinct=True), urged=Sum("contracts_urged")
        )
    }
    targets = dict(PatrolTarget.objects.filter(county_id__in=ids, year=year).values_list("county_id", "patrols"))
    people: dict[int, list[dict[str, Any]]] = {}
    for row in (
        patrols.values("county_id", "inspectors__id", "inspectors__name", "inspectors__username")
        .annotate(n=Count("id"))
        .order_by("county_id", "-n", "inspectors__username")
    ):
        people.setdefault(row["county_id"], []).append(
            {
                "id": row["inspectors__id"],
                "name": row["inspectors__name"] or row["inspectors__username"],
                "patrols": row["n"],
            }
        )
    result = []
    for county in counties:
        row = totals.get(county.pk, {})
        result.append(
            PatrolProgress(
                county=county,
                year=year,
                target=targets.get(county.pk),
                patrols=row.get("n", 0),
                employers=row.get("employers", 0),
                contracts_urged=row.get("urged") or 0,
                by_inspector=people.get(county.pk, []),
            )
        )
    return result


def overdue_orders(orders: QuerySet[RectificationOrder], today: dt.date | None = None) -> QuerySet[RectificationOrder]:
    """Orders still open after their deadline: a follow-up visit is due."""
    return orders.filter(status=OrderStatus.OPEN, due_on__lt=today or timezone.localdate())


def employers_of_county(county: Region) -> QuerySet[Employer]:
    """Employers located in the county or registered with it."""
    registered = EmployerRegistration.objects.filter(employer=OuterRef("pk"), region__path__startswith=county.path)
    return Employer.objects.filter(Q(region__path__startswith=county.path) | Exists(registered))


def employers_not_reviewed(county: Region, year: int) -> QuerySet[Employer]:
    """The county's employers with no written review recorded for `year`."""
    reviewed = AnnualReview.objects.filter(employer=OuterRef("pk"), year=year)
    return employers_of_county(county).exclude(Exists(reviewed)).order_by("name", "id")
