"""Celery tasks of the complaint workflow. Idempotent.

`complaints.check_deadlines` runs daily from beat (bureau/schedules.py): it tells the people
responsible for a case when its current deadline is near (within 3 working days), due today or
passed, as in-app notifications through `bureau.notify` (so extra channels such as SMS get them
too). Each notification carries a dedupe key with the day, so a second run the same day adds
nothing and the next day's run reminds again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bureau import notify
from bureau.models import Notification, Region, Role, User
from bureau.workdays import WorkdayCalendar
from complaints import workflow
from complaints.deadlines import SOON_WORKING_DAYS, DeadlineState, current_deadline, deadline_state
from complaints.models import Complaint

logger = logging.getLogger(__name__)

NOTIFY_STATES = ("soon", "due_today", "overdue")
DEADLINE_LABELS = {"acceptance": gettext_lazy("受理期限"), "investigation": gettext_lazy("调查期限")}
BATCH = 1000  # notifications stored per query


def stage_statuses() -> dict[str, frozenset[str]]:
    """The open statuses per deadline kind ("acceptance", "investigation"), read from
    `deadlines.current_deadline` so that the rule of which deadline applies stays in one place."""
    probe = dt.date(2000, 1, 1)
    stages: dict[str, set[str]] = {}
    for status in workflow.OPEN:
        current = current_deadline(Complaint(status=status, acceptance_due=probe, investigation_due=probe))
        if current is not None:
            stages.setdefault(current[0], set()).add(status)
    return {kind: frozenset(statuses) for kind, statuses in stages.items()}


class StaffDirectory:
    """The heads and window clerks around each county, read once per county and run."""

    def __init__(self) -> None:
        self._heads: dict[int, list[User]] = {}
        self._clerks: dict[int, list[User]] = {}

    def heads_over(self, county: Region) -> list[User]:
        """Active brigade heads and bureau heads whose region is the county or above it."""
        if county.pk not in self._heads:
            codes = county.path.strip("/").split("/")
            paths = ["/".join(codes[: i + 1]) + "/" for i in range(len(codes))]
            self._heads[county.pk] = list(
                User.objects.filter(
                    is_active=True, region__path__in=paths, staff_roles__role__in=workflow.HEADS
                ).distinct()
            )
        return self._heads[county.pk]

    def window_clerks_in(self, county: Region) -> list[User]:
        """Active window clerks whose region is the county or inside it."""
        if county.pk not in self._clerks:
            self._clerks[county.pk] = list(
                User.objects.filter(is_active=True, region__path__startswith=county.path, staff_roles__role=Role.WINDOW)
                .select_related("region")
                .distinct()
            )
        return self._clerks[county.pk]


def deadline_recipients(complaint: Complaint, kind: str, staff: StaffDirectory) -> list[User]:
    """Who is told that a case's deadline is near or passed:

    - the inspectors assigned to the case;
    - the heads (brigade_head, bureau_head) whose region contains the case's county: the
      county's own heads and those of the city and province above it;
    - for the acceptance deadline of a case with no (active) inspector assigned, also the
      window clerks of the county who can see the case (region = the county, or the township
      where it happened): they prepare the acceptance decision.

    Inactive accounts are never notified. A person who qualifies twice is listed once.
    """
    inspectors = [user for user in complaint.inspectors.all() if user.is_active]
    clerks: list[User] = []
    if kind == "acceptance" and not inspectors:
        place = complaint.township or complaint.county
        clerks = [
            user
            for user in staff.window_clerks_in(complaint.county)
            if user.region is not None and place.path.startswith(user.region.path)
        ]
    unique: dict[int, User] = {}
    for user in [*inspectors, *staff.heads_over(complaint.county), *clerks]:
        unique.setdefault(user.pk, user)
    return list(unique.values())


def deadline_title(complaint: Complaint, state: DeadlineState) -> str:
    values: dict[str, Any] = {"number": complaint.number, "label": DEADLINE_LABELS[state.kind]}
    if state.state == "soon":
        values["days"] = state.days_left
        return (
            ngettext(
                "案件 %(number)s %(label)s还剩%(days)d个工作日",
                "案件 %(number)s %(label)s还剩%(days)d个工作日",
                state.days_left,
            )
            % values
        )
    if state.state == "due_today":
        return _("案件 %(number)s %(label)s今天到期") % values
    late = -state.days_left
    if late <= 0:  # due on a day off that has just passed: no working day lost yet
        return _("案件 %(number)s %(label)s已届满") % values
    values["days"] = late
    return (
        ngettext(
            "案件 %(number)s %(label)s已超期%(days)d个工作日", "案件 %(number)s %(label)s已超期%(days)d个工作日", late
        )
        % values
    )


def deadline_body(complaint: Complaint, state: DeadlineState) -> str:
    body = _("%(label)s：%(due)s%(provisional)s。当前状态：%(status)s。被投诉单位：%(employer)s。") % {
        "label": DEADLINE_LABELS[state.kind],
        "due": state.due.isoformat(),
        "provisional": _("（暂定）") if state.provisional else "",
        "status": complaint.get_status_display(),
        "employer": complaint.employer.name,
    }
    if state.kind == "acceptance" and not complaint.inspectors.all():
        body += _("尚未指派监察员。")
    return body


def _as_date(value: dt.date | str | None) -> dt.date:
    if value is None:
        return timezone.localdate()
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


@shared_task(name="complaints.check_deadlines")
def check_deadlines(today: dt.date | str | None = None) -> dict[str, int]:
    """Notify about every open case whose current deadline is due within 3 working days, due
    today or overdue (scheduled daily). `today` (a date or ISO string) is for tests and reruns.
    Returns counts: cases checked and flagged, by state, and notifications created."""
    day = _as_date(today)
    calendar = WorkdayCalendar()
    # A deadline `SOON_WORKING_DAYS` working days away or nearer falls before the next working
    # day after those: only such cases (and overdue ones) are read, however long the holiday.
    horizon = calendar.add(day, SOON_WORKING_DAYS + 1).date
    stages = stage_statuses()
    near = Q(status__in=stages["acceptance"], acceptance_due__lt=horizon) | Q(
        status__in=stages["investigation"], investigation_due__lt=horizon
    )
    cases = (
        Complaint.objects.filter(near, status__in=workflow.OPEN)
        .select_related("county", "township", "employer")
        .prefetch_related(Prefetch("inspectors", queryset=User.objects.order_by("pk")))
        .order_by("pk")
    )
    staff = StaffDirectory()
    counts: Counter[str] = Counter()
    pending: list[Notification] = []
    with translation.override(settings.LANGUAGE_CODE):
        for complaint in cases.iterator(chunk_size=500):
            counts["checked"] += 1
            state = deadline_state(complaint, today=day, calendar=calendar)
            if state is None or state.state not in NOTIFY_STATES:
                continue
            counts["flagged"] += 1
            counts[state.state] += 1
            title, body = deadline_title(complaint, state), deadline_body(complaint, state)
            key = f"deadline:{complaint.pk}:{state.kind}:{state.state}:{day.isoformat()}"
            for user in deadline_recipients(complaint, state.kind, staff):
                pending.append(
                    Notification(
                        user=user,
                        kind=f"deadline_{state.state}",
                        title=title,
                        body=body,
                        url=reverse("ui-complaint", kwargs={"pk": complaint.pk}),
                        dedupe_key=key,
                    )
                )
            if len(pending) >= BATCH:
                counts["notifications"] += len(notify.notify_many(pending))
                pending = []
        counts["notifications"] += len(notify.notify_many(pending))
    result = {name: counts[name] for name in ("checked", "flagged", *NOTIFY_STATES, "notifications")}
    logger.info("Deadline check for %s: %s", day, result)
    return result
