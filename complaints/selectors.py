"""Reads of complaint cases: the annotated queryset behind the lists and the export (current
deadline as a database expression, so the queue can be ordered by it), what a case page shows
beside the case (the employer's and workers' other cases, the assignable inspectors), and the
public status lookup.

Scoping stays with `visible_to`: the API's scoped viewsets apply it to `complaint_rows()`;
functions here that read other cases take the user and apply it themselves."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from bureau.identifiers import normalize_phone
from bureau.models import Role, StaffRole, User
from complaints import workflow
from complaints.models import Attachment, Category, Complainant, Complaint, ComplaintQuerySet, Event, Status

# Which stored deadline a status runs against; the same split as deadlines.current_deadline
# (a test checks that both agree for every status).
ACCEPTANCE_STATUSES = (Status.REGISTERED, Status.SUPPLEMENT_REQUESTED, Status.REFUSAL_REQUESTED)
INVESTIGATION_STATUSES = (Status.ACCEPTED, Status.EXTENSION_REQUESTED, Status.CLOSURE_REQUESTED)
# Statuses in which a case waits for a head's decision.
PENDING_APPROVAL = (Status.REFUSAL_REQUESTED, Status.EXTENSION_REQUESTED, Status.CLOSURE_REQUESTED)

EMPLOYER_HISTORY_LIMIT = 10


def current_due() -> Case:
    """The due date of the deadline a case is running against now (NULL when none): the
    acceptance decision before acceptance, the investigation after it."""
    return Case(
        When(status__in=ACCEPTANCE_STATUSES, then=F("acceptance_due")),
        When(status__in=INVESTIGATION_STATUSES, then=F("investigation_due")),
        default=Value(None),
        output_field=DateField(),
    )


def complaint_rows() -> ComplaintQuerySet:
    """Cases with everything a list row shows, in a fixed number of queries whatever the page
    size: joins for the employer and regions, subqueries for the complainants' count and total
    (subqueries, so that filters joining other tables cannot multiply them), prefetches for the
    categories and inspectors. Not scoped: callers apply `visible_to`."""
    complainants = Complainant.objects.filter(complaint=OuterRef("pk")).order_by().values("complaint")
    count = complainants.annotate(n=Count("pk")).values("n")
    total = complainants.annotate(total=Sum("amount_claimed")).values("total")
    queryset: ComplaintQuerySet = (
        Complaint.objects.select_related("employer", "township", "county")
        .annotate(
            current_due=current_due(),
            complainant_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
            amount_claimed_total=Coalesce(
                Subquery(total, output_field=DecimalField(max_digits=16, decimal_places=2)),
                Value(Decimal("0.00")),
                output_field=DecimalField(max_digits=16, decimal_places=2),
            ),
        )
        .prefetch_related(
            Prefetch("categories", queryset=Category.objects.only("id", "code", "name", "ordering")),
            Prefetch("inspectors", queryset=User.objects.only("id", "username", "name").order_by("name", "id")),
        )
    )
    return queryset


def complaint_details() -> ComplaintQuerySet:
    """`complaint_rows()` plus what a case page shows: complainants with their workers, the
    timeline with its actors, the attachments."""
    queryset: ComplaintQuerySet = complaint_rows().prefetch_related(
        Prefetch("complainants", queryset=Complainant.objects.select_related("worker").order_by("id")),
        Prefetch("events", queryset=Event.objects.select_related("by").order_by("at", "id")),
        Prefetch(
            "attachments",
            queryset=Attachment.objects.select_related("uploaded_by", "event").order_by("uploaded_at", "id"),
        ),
    )
    return queryset


def overdue_q(today: dt.date | None = None) -> Q:
    """Cases whose current deadline has passed (the day after the due date and later)."""
    return Q(current_due__lt=today or timezone.localdate())


def with_inspector(queryset: QuerySet[Complaint], user_id: int) -> QuerySet[Complaint]:
    assigned = Complaint.inspectors.through.objects.filter(complaint=OuterRef("pk"), user_id=user_id)
    return queryset.filter(Exists(assigned))


def with_category(queryset: QuerySet[Complaint], code: str) -> QuerySet[Complaint]:
    tagged = Complaint.categories.through.objects.filter(complaint=OuterRef("pk"), category__code=code)
    return queryset.filter(Exists(tagged))


def can_see_penalty_drafts(user: Any) -> bool:
    """Penalty notices (行政处罚事先告知) are drafts of a decision: investigators and heads see
    them on the timeline, window staff do not."""
    if getattr(user, "is_superuser", False):
        return True
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*workflow.INVESTIGATORS))


HIDDEN_FROM_WINDOW = frozenset({"notify_penalty"})


def employer_history(*, user: Any, complaint: Complaint) -> dict[str, Any]:
    """The employer's record as the user may see it: all its cases (this one included), how
    many are open, and the other cases, newest first (at most ten). A repeat employer shows
    `complaints_total > 1`."""
    cases = Complaint.objects.visible_to(user).filter(employer_id=complaint.employer_id)
    totals = cases.aggregate(total=Count("pk"), open=Count("pk", filter=Q(status__in=workflow.OPEN)))
    others = cases.exclude(pk=complaint.pk).order_by("-received_on", "-id")[:EMPLOYER_HISTORY_LIMIT]
    return {
        "complaints_total": totals["total"],
        "open_cases": totals["open"],
        "earlier": list(others.only("id", "number", "status", "received_on")),
    }


def worker_other_cases(*, user: Any, complaint: Complaint) -> dict[int, int]:
    """For each complainant's worker: how many other cases visible to the user he is on."""
    rows = (
        Complainant.objects.filter(
            worker__in=Complainant.objects.filter(complaint=complaint).values("worker"),
            complaint__in=Complaint.objects.visible_to(user).exclude(pk=complaint.pk).values("pk"),
        )
        .values("worker")
        .annotate(n=Count("complaint", distinct=True))
        .values_list("worker", "n")
    )
    return dict(rows)


def inspector_candidates(*, complaint: Complaint) -> QuerySet[User]:
    """Active staff who may be assigned to the case: inspectors and heads whose region contains
    the case's county (city or province staff) or lies inside it. The service checks the same."""
    path = complaint.county.path
    parts = [part for part in path.split("/") if part]
    ancestors = ["/".join(parts[: index + 1]) + "/" for index in range(len(parts))]
    roles = Role.INSPECTOR, *workflow.HEADS
    has_role = StaffRole.objects.filter(user=OuterRef("pk"), role__in=roles)
    return (
        User.objects.filter(is_active=True)
        .filter(Q(region__path__startswith=path) | Q(region__path__in=ancestors))
        .filter(Exists(has_role))
        .prefetch_related("staff_roles")
        .order_by("name", "username", "id")
    )


def _same_phone(stored: str, wanted: str) -> bool:
    if not stored:
        return False
    normalized = stored
    with contextlib.suppress(ValidationError):
        normalized = normalize_phone(stored)
    return normalized == wanted


def public_case_lookup(*, number: str, phone: str) -> Complaint | None:
    """The case with this number if one of its complainants (or its reporter) has this phone
    (already normalised to E.164), else None: a wrong number and a wrong phone look the same.
    Deliberately not scoped: the visitor is not a user."""
    complaint = Complaint.objects.filter(number=number.strip()).first()
    if complaint is None or not phone:
        return None
    worker_phones = Complainant.objects.filter(complaint=complaint).values_list("worker__phone", flat=True)
    if any(_same_phone(stored, phone) for stored in worker_phones):
        return complaint
    if not complaint.anonymous and _same_phone(complaint.reporter_phone, phone):
        return complaint
    return None
