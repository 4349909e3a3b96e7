"""Celery tasks of inspections. Idempotent.

`inspections.remind_overdue_orders` runs daily from beat (bureau/schedules.py): for every
rectification order still open after its due date (`selectors.overdue_orders`: a follow-up
visit is due), it tells the inspectors of the visit that issued it (or the reviewer of the
annual review it came from) and the brigade heads of the county, in-app through `bureau.notify`
(so extra channels such as SMS get it too). The dedupe key names the order and its due date: each
overdue order is reminded once, however often the task runs; a due date moved by the calendar
is reminded again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter

from celery import shared_task
from django.conf import settings
from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bureau import notify
from bureau.models import Notification, Region, Role, User
from bureau.workdays import WorkdayCalendar
from inspections import selectors
from inspections.models import RectificationOrder

logger = logging.getLogger(__name__)

BATCH = 1000  # notifications stored per query


def order_url(order: RectificationOrder) -> str:
    try:
        return reverse("ui-order", kwargs={"pk": order.pk})
    except NoReverseMatch:  # the staff pages are not installed (API-only deployment)
        return f"/inspections/orders/{order.pk}/"


class BrigadeHeads:
    """The active brigade heads of each county (region = the county or inside it), read once
    per county and run."""

    def __init__(self) -> None:
        self._heads: dict[int, list[User]] = {}

    def of(self, county: Region) -> list[User]:
        if county.pk not in self._heads:
            self._heads[county.pk] = list(
                User.objects.filter(
                    is_active=True, region__path__startswith=county.path, staff_roles__role=Role.BRIGADE_HEAD
                )
                .distinct()
                .order_by("pk")
            )
        return self._heads[county.pk]


def recipients(order: RectificationOrder, heads: BrigadeHeads) -> list[User]:
    """The visit's inspectors (or the review's reviewer) and the county's brigade heads, active
    ones only, each once."""
    people: list[User] = []
    if order.visit is not None:
        people += list(order.visit.inspectors.all())
    elif order.review is not None and order.review.reviewed_by is not None:
        people.append(order.review.reviewed_by)
    unique: dict[int, User] = {}
    for user in [*people, *heads.of(order.county)]:
        if user.is_active:
            unique.setdefault(user.pk, user)
    return list(unique.values())


def _as_date(value: dt.date | str | None) -> dt.date:
    if value is None:
        return timezone.localdate()
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


@shared_task(name="inspections.remind_overdue_orders")
def remind_overdue_orders(today: dt.date | str | None = None) -> dict[str, int]:
    """Remind of every open order past its due date (scheduled daily). `today` (a date or ISO
    string) is for tests and reruns. Returns the orders found overdue and the notifications
    created."""
    day = _as_date(today)
    orders = (
        selectors.overdue_orders(RectificationOrder.objects.all(), today=day)
        .select_related("county", "employer", "visit", "review__reviewed_by")
        .prefetch_related(Prefetch("visit__inspectors", queryset=User.objects.order_by("pk")))
        .order_by("due_on", "pk")
    )
    calendar = WorkdayCalendar()
    heads = BrigadeHeads()
    counts: Counter[str] = Counter()
    pending: list[Notification] = []
    with translation.override(settings.LANGUAGE_CODE):
        for order in orders.iterator(chunk_size=500):
            counts["overdue"] += 1
            late = calendar.between(order.due_on, day).days
            values = {"number": order.number, "employer": order.employer.name}
            title = (
                _("整改指令 %(number)s 已逾期%(days)s个工作日，请复查") % {**values, "days": late}
                if late > 0
                else _("整改指令 %(number)s 整改期限已届满，请复查") % values
            )
            body = _("%(employer)s：%(served)s 送达，限期至 %(due)s%(provisional)s，尚未复查完毕。") % {
                **values,
                "served": order.served_on.isoformat(),
                "due": order.due_on.isoformat(),
                "provisional": _("（暂定）") if order.due_provisional else "",
            }
            key = f"order_overdue:{order.pk}:{order.due_on.isoformat()}"
            for user in recipients(order, heads):
                pending.append(
                    Notification(
                        user=user, kind="order_overdue", title=title, body=body, url=order_url(order), dedupe_key=key
                    )
                )
            if len(pending) >= BATCH:
                counts["notifications"] += len(notify.notify_many(pending))
                pending = []
        counts["notifications"] += len(notify.notify_many(pending))
    result = {"overdue": counts["overdue"], "notifications": counts["notifications"]}
    logger.info("Overdue rectification orders on %s: %s", day, result)
    return result
