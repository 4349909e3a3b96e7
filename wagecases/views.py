"""Pages of wage-arrears cases (欠薪案件), construction projects (工程项目) and the defaulter list
(失信名单). Shells over the REST API (static/js/wagecases.js): each view checks the login, the
capability (bureau.roles) and, for a detail page, that the id is visible to the user through
the same `visible_to` the API uses (another county's id is the 404 page), then renders."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from bureau import roles
from bureau.models import Region, Role, StaffRole, User, Worker
from bureau.numbering import county_of
from bureau.pages import capable, choice_labels
from wagecases.listings import CRITERIA
from wagecases.models import (
    AllocationKind,
    DepositForm,
    Listing,
    ListingKind,
    ListingStatus,
    Method,
    PartyRole,
    Payer,
    Project,
    RemovalKind,
    Source,
    Status,
    TransferTarget,
    WageCase,
)


def _capable(capability: str) -> Any:
    return capable(capability, "wagecases/forbidden.html")


def _flags(request: HttpRequest) -> dict[str, bool]:
    user = request.user
    return {
        "can_view_wagecases": roles.can(user, "wagecases.view"),
        "can_edit_wagecases": roles.can(user, "wagecases.edit"),
        "can_propose_listings": roles.can(user, "wagecases.listings.propose"),
        "can_decide_listings": roles.can(user, "wagecases.listings.decide"),
    }


_labels = choice_labels


def _case_codes() -> dict[str, dict[str, str]]:
    """Labels of the coded values a case's timeline holds (the events' `data`)."""
    return {
        "source": _labels(Source.choices),
        "payer": _labels(Payer.choices),
        "transferred_to": _labels(TransferTarget.choices),
    }


def _listing_codes() -> dict[str, dict[str, str]]:
    """Labels of the coded values a listing's timeline holds."""
    return {"criteria": {code: str(label) for code, label in CRITERIA.items()}, "kind": _labels(RemovalKind.choices)}


def _visible(queryset: Any, request: HttpRequest, pk: int) -> None:
    if not queryset.visible_to(request.user).filter(pk=pk).exists():
        raise Http404


def _inspector_candidates(county: Region | None) -> list[dict[str, Any]]:
    """Staff who may be assigned to a case of the county: active inspectors and heads whose
    region is the county or above it (what the service checks). The API has no such list."""
    if county is None:
        return []
    parts = [part for part in county.path.split("/") if part]
    covering = ["/".join(parts[: index + 1]) + "/" for index in range(len(parts))]
    has_role = StaffRole.objects.filter(
        user=OuterRef("pk"), role__in=[Role.INSPECTOR, Role.BRIGADE_HEAD, Role.BUREAU_HEAD]
    )
    users = (
        User.objects.filter(is_active=True)
        .filter(Q(region__path__in=covering))
        .filter(Exists(has_role))
        .order_by("name", "username", "id")
    )
    return [{"id": u.pk, "name": u.name or u.username} for u in users]


# --- wage cases --------------------------------------------------------------------------


@_capable("wagecases.view")
def wagecase_list(request: HttpRequest) -> HttpResponse:
    return render(request, "wagecases/list.html", {"statuses": Status.choices, **_flags(request)})


@_capable("wagecases.edit")
def wagecase_new(request: HttpRequest) -> HttpResponse:
    county = county_of(request.user.region)  # type: ignore[union-attr]
    return render(
        request,
        "wagecases/new.html",
        {
            "sources": [(v, label) for v, label in Source.choices if v != Source.COMPLAINT],
            "county_code": county.code if county else "",
            "candidates": _inspector_candidates(county),
            **_flags(request),
        },
    )


@_capable("wagecases.view")
def wagecase_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = WageCase.objects.visible_to(request.user).select_related("county").filter(pk=pk).first()
    if case is None:
        raise Http404
    return render(
        request,
        "wagecases/detail.html",
        {
            "case_id": case.pk,
            "number": case.number,
            "payers": Payer.choices,
            "methods": Method.choices,
            "transfer_targets": TransferTarget.choices,
            "kinds": _labels(AllocationKind.choices),
            "candidates": _inspector_candidates(case.county),
            "codes": _case_codes(),
            **_flags(request),
        },
    )


@_capable("wagecases.view")
def wagecase_worker(request: HttpRequest, worker_id: int) -> HttpResponse:
    _visible(Worker.objects, request, worker_id)
    return render(request, "wagecases/worker.html", {"worker_id": worker_id, **_flags(request)})


# --- projects ----------------------------------------------------------------------------


@_capable("wagecases.view")
def project_list(request: HttpRequest) -> HttpResponse:
    return render(request, "wagecases/project_list.html", _flags(request))


@_capable("wagecases.edit")
def project_new(request: HttpRequest) -> HttpResponse:
    return render(request, "wagecases/project_new.html", {"deposit_forms": DepositForm.choices, **_flags(request)})


@_capable("wagecases.view")
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _visible(Project.objects, request, pk)
    return render(
        request,
        "wagecases/project_detail.html",
        {"project_id": pk, "party_roles": PartyRole.choices, "deposit_forms": DepositForm.choices, **_flags(request)},
    )


# --- listings ----------------------------------------------------------------------------


@_capable("wagecases.view")
def listing_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "wagecases/listing_list.html",
        {"listing_kinds": ListingKind.choices, "listing_statuses": ListingStatus.choices, **_flags(request)},
    )


@_capable("wagecases.view")
def listing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _visible(Listing.objects, request, pk)
    return render(
        request,
        "wagecases/listing_detail.html",
        {"listing_id": pk, "removal_kinds": RemovalKind.choices, "codes": _listing_codes(), **_flags(request)},
    )
