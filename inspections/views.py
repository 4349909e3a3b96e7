"""Pages of inspections (劳动保障监察检查): the overview, site visits and patrols (the phone-first
new-visit form with its offline queue), campaigns, rectification orders, annual written
reviews and patrol targets. Shells over the REST API (static/js/inspections.js), as the wage
pages are: each view checks the login, the capability (bureau.roles) and, for a detail page,
that the id is visible to the user through the same `visible_to` the API uses (another
county's id is the 404 page), then renders.

`/inspections/sw.js` is the service worker of the new-visit form: served from here (not from
/static/) so that its scope may be /inspections/, it keeps the form's page and the static
files it uses, so the form opens without a signal once it was opened online."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from bureau import roles
from bureau.models import Industry, Region, RegionLevel
from bureau.pages import capable, choice_labels
from inspections.models import (
    AnnualReview,
    Campaign,
    ItemKind,
    OrderStatus,
    RectificationOrder,
    ReviewResult,
    Visit,
    WagesOnTime,
)

# The static files the new-visit form uses: the service worker keeps them for offline use.
FORM_ASSETS = (
    "vendor/pico/pico.min.css",
    "css/app.css",
    "js/app.js",
    "js/wagecases.js",
    "js/inspections.js",
    "vendor/alpinejs/alpine.min.js",
    "favicon.svg",
)


def _capable(capability: str) -> Any:
    return capable(capability, "inspections/forbidden.html")


def _flags(request: HttpRequest) -> dict[str, bool]:
    user = request.user
    return {
        "can_record": roles.can(user, "inspections.record"),
        "can_plan": roles.can(user, "inspections.plan"),
        "can_view_wagecases": roles.can(user, "wagecases.view"),
        "can_view_complaints": roles.can(user, "complaints.view"),
    }


_labels = choice_labels


def _visible(queryset: Any, request: HttpRequest, pk: int) -> None:
    if not queryset.visible_to(request.user).filter(pk=pk).exists():
        raise Http404


def _regions(request: HttpRequest) -> dict[str, Any]:
    """The counties the user sees and their townships, by code (what the API takes): the
    county and township pickers of the planning forms, in the page so that they need no
    request to the regions API."""
    visible = Region.objects.visible_to(request.user)
    counties = list(visible.filter(level=RegionLevel.COUNTY).order_by("code").values("code", "name"))
    townships = [
        {"code": r.code, "name": r.name, "county": r.parent.code if r.parent else ""}
        for r in visible.filter(level=RegionLevel.TOWNSHIP).select_related("parent").order_by("code")
    ]
    return {"counties": counties, "townships": townships}


# --- overview ----------------------------------------------------------------------------


@_capable("inspections.view")
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "inspections/overview.html", {"year": timezone.localdate().year, **_flags(request)})


# --- visits ------------------------------------------------------------------------------


@_capable("inspections.view")
def visit_list(request: HttpRequest) -> HttpResponse:
    return render(request, "inspections/visit_list.html", {"wages_choices": WagesOnTime.choices, **_flags(request)})


@_capable("inspections.record")
def visit_new(request: HttpRequest) -> HttpResponse:
    """The phone-first form. Everything it needs comes from the API and is kept in the browser
    (the page itself is kept by the service worker), so nothing here depends on the data."""
    return render(
        request,
        "inspections/visit_new.html",
        {"wages_choices": WagesOnTime.choices, "item_kinds": _labels(ItemKind.choices), **_flags(request)},
    )


@_capable("inspections.view")
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = Visit.objects.visible_to(request.user).filter(pk=pk).only("pk", "number").first()
    if visit is None:
        raise Http404
    return render(
        request,
        "inspections/visit_detail.html",
        {"visit_id": visit.pk, "number": visit.number, "today": timezone.localdate().isoformat(), **_flags(request)},
    )


def service_worker(request: HttpRequest) -> HttpResponse:
    """The new-visit form's service worker. Its cache is named after the content of the files
    it keeps, so a new release replaces it."""
    assets = [static(path) for path in FORM_ASSETS]
    digest = hashlib.sha256()
    for path in FORM_ASSETS:
        found = finders.find(path)
        if isinstance(found, str):
            with open(found, "rb") as handle:
                digest.update(handle.read())
    response = render(
        request,
        "inspections/sw.js",
        {
            "version": digest.hexdigest()[:12],
            "form_url": reverse("ui-visit-new"),
            "assets_json": json.dumps([*assets, reverse("javascript-catalog")]),
        },
        content_type="application/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


# --- campaigns ---------------------------------------------------------------------------


@_capable("inspections.view")
def campaign_list(request: HttpRequest) -> HttpResponse:
    return render(request, "inspections/campaign_list.html", {"year": timezone.localdate().year, **_flags(request)})


@_capable("inspections.plan")
def campaign_new(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "inspections/campaign_new.html",
        {"industries": Industry.choices, "regions_json": _regions(request), **_flags(request)},
    )


@_capable("inspections.view")
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = Campaign.objects.visible_to(request.user).filter(pk=pk).only("pk", "name").first()
    if campaign is None:
        raise Http404
    return render(
        request,
        "inspections/campaign_detail.html",
        {
            "campaign_id": campaign.pk,
            "name": campaign.name,
            "industries": Industry.choices,
            "regions_json": _regions(request),
            "item_kinds": _labels(ItemKind.choices),
            **_flags(request),
        },
    )


# --- rectification orders ----------------------------------------------------------------


@_capable("inspections.view")
def order_list(request: HttpRequest) -> HttpResponse:
    return render(request, "inspections/order_list.html", {"statuses": OrderStatus.choices, **_flags(request)})


@_capable("inspections.view")
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = RectificationOrder.objects.visible_to(request.user).filter(pk=pk).only("pk", "number").first()
    if order is None:
        raise Http404
    return render(
        request,
        "inspections/order_detail.html",
        {"order_id": order.pk, "number": order.number, **_flags(request)},
    )


# --- annual written reviews ----------------------------------------------------------------


@_capable("inspections.view")
def review_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "inspections/review_list.html",
        {"results": ReviewResult.choices, "year": timezone.localdate().year, **_flags(request)},
    )


@_capable("inspections.record")
def review_new(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "inspections/review_new.html",
        {
            "year": today.year - 1,
            "today": today.isoformat(),
            "counties": _regions(request)["counties"],
            **_flags(request),
        },
    )


@_capable("inspections.view")
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _visible(AnnualReview.objects, request, pk)
    return render(
        request,
        "inspections/review_detail.html",
        {"review_id": pk, "today": timezone.localdate().isoformat(), **_flags(request)},
    )


@_capable("inspections.view")
def reviews_missing(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "inspections/reviews_missing.html",
        {"year": timezone.localdate().year - 1, "counties": _regions(request)["counties"], **_flags(request)},
    )


# --- patrol targets ----------------------------------------------------------------------


@_capable("inspections.view")
def targets(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "inspections/targets.html",
        {"year": timezone.localdate().year, "counties": _regions(request)["counties"], **_flags(request)},
    )
