"""Pages of the complaint workflow. Shells over the REST API (static/js/complaints.js), except
the printable receipt and the visitor's status page, which render on the server."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse

from bureau import roles
from bureau.numbering import county_of
from complaints.deadlines import deadline_state
from complaints.models import Channel, Complaint, Kind, Outcome, Status


def _require(request: HttpRequest, capability: str) -> None:
    if not roles.can(request.user, capability):
        raise Http404


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    _require(request, "complaints.view")
    return render(request, "complaints/list.html", {"statuses": Status.choices, "channels": Channel.choices})


@login_required
def complaint_new(request: HttpRequest) -> HttpResponse:
    _require(request, "complaints.register")
    county = county_of(request.user.region)  # type: ignore[union-attr]
    return render(
        request,
        "complaints/intake.html",
        {
            "channels": [c for c in Channel.choices if c[0] != Channel.INSPECTION],
            "kinds": [c for c in Kind.choices if c[0] != Kind.INSPECTION],
            "county_code": county.code if county else "",
            **_roster_urls(),
        },
    )


def _roster_urls() -> dict[str, str]:
    """The roster endpoints, when the roster import is installed."""
    try:
        return {
            "roster_template_url": reverse("complaint-roster-template"),
            "roster_check_url": reverse("complaint-roster-check"),
            "roster_register_url": reverse("complaint-roster-register-workers"),
        }
    except NoReverseMatch:
        return {}


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(Complaint.objects.visible_to(request.user), pk=pk)
    return render(
        request,
        "complaints/detail.html",
        {
            "complaint": complaint,
            "statuses": {value: str(label) for value, label in Status.choices},
            "outcomes": Outcome.choices,
        },
    )


@login_required
def complaint_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt (回执) given to the complainant: A4 by default, `?size=a5` for A5."""
    complaint = get_object_or_404(
        Complaint.objects.visible_to(request.user)
        .select_related("county", "employer", "township")
        .prefetch_related("categories", "complainants__worker"),
        pk=pk,
    )
    size = "A5" if request.GET.get("size", "").lower() == "a5" else "A4"
    return render(
        request,
        "complaints/receipt.html",
        {
            "complaint": complaint,
            "size": size,
            "deadline": deadline_state(complaint),
            # what the complainant brought: files not attached to a later act of the bureau
            "received_files": complaint.attachments.filter(event__isnull=True),
            "status_url": request.build_absolute_uri("/status/"),
        },
    )


def public_status(request: HttpRequest) -> HttpResponse:
    """The visitor's lookup: case number and phone; the answer comes from the public API."""
    return render(request, "complaints/public_status.html")
