"""The deadline a case is working against now, and how it stands: one definition for the
lists, the pages, the API, the notifications and the reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from bureau.workdays import WorkdayCalendar
from complaints.models import Complaint, Status

SOON_WORKING_DAYS = 3  # "due within 3 working days" raises a warning


@dataclass(frozen=True)
class DeadlineState:
    kind: str  # "acceptance" or "investigation"
    due: dt.date
    provisional: bool
    days_left: int  # working days from today to the due date; negative once overdue
    state: str  # "ok", "soon", "due_today", "overdue"


def current_deadline(complaint: Complaint) -> tuple[str, dt.date, bool] | None:
    """The deadline the case is running against, or None once decided/closed."""
    if complaint.status in (Status.REGISTERED, Status.SUPPLEMENT_REQUESTED, Status.REFUSAL_REQUESTED):
        return "acceptance", complaint.acceptance_due, complaint.acceptance_due_provisional
    if complaint.status in (Status.ACCEPTED, Status.EXTENSION_REQUESTED, Status.CLOSURE_REQUESTED):
        if complaint.investigation_due is None:
            return None
        return "investigation", complaint.investigation_due, complaint.investigation_due_provisional
    return None


def deadline_state(
    complaint: Complaint, *, today: dt.date | None = None, calendar: WorkdayCalendar | None = None
) -> DeadlineState | None:
    current = current_deadline(complaint)
    if current is None:
        return None
    kind, due, provisional = current
    today = today or timezone.localdate()
    calendar = calendar or WorkdayCalendar()
    days_left, unsure = calendar.between(today, due)
    if days_left < 0 or (days_left == 0 and due < today):
        state = "overdue"
    elif due == today:
        state = "due_today"
    elif days_left <= SOON_WORKING_DAYS:
        state = "soon"
    else:
        state = "ok"
    return DeadlineState(kind, due, provisional or unsure, days_left, state)
