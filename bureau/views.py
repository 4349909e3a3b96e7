"""Pages of the staff UI. Thin: each page is a shell whose data and writes go through the
REST API (static/js/app.js); only the scoping check for detail pages happens here, through
the same `visible_to` the API uses, so an out-of-scope id is a 404 page."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from bureau import roles
from bureau.api.errors import api_not_found
from bureau.models import Employer, EmployerSize, EmployerType, Industry, Role, Worker


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    role_names = [label for code, label in Role.choices if user.has_role(code)]  # type: ignore[union-attr]
    return render(
        request,
        "bureau/home.html",
        {"role_names": role_names, "roles": sorted(user.role_codes)},  # type: ignore[union-attr]
    )


@login_required
def employer_list(request: HttpRequest) -> HttpResponse:
    return render(request, "bureau/employer_list.html")


@login_required
def employer_new(request: HttpRequest) -> HttpResponse:
    return employer_edit(request, None)


@login_required
def employer_edit(request: HttpRequest, pk: int | None) -> HttpResponse:
    if not roles.can(request.user, "parties.edit"):
        raise Http404
    if pk is not None and not Employer.objects.visible_to(request.user).filter(pk=pk).exists():
        raise Http404
    return render(
        request,
        "bureau/employer_form.html",
        {"pk": pk, "types": EmployerType.choices, "industries": Industry.choices, "sizes": EmployerSize.choices},
    )


@login_required
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not Employer.objects.visible_to(request.user).filter(pk=pk).exists():
        raise Http404
    return render(request, "bureau/employer_detail.html", {"pk": pk})


@login_required
def worker_list(request: HttpRequest) -> HttpResponse:
    return render(request, "bureau/worker_list.html")


@login_required
def worker_new(request: HttpRequest) -> HttpResponse:
    return worker_edit(request, None)


@login_required
def worker_edit(request: HttpRequest, pk: int | None) -> HttpResponse:
    if not roles.can(request.user, "parties.edit"):
        raise Http404
    if pk is not None and not Worker.objects.visible_to(request.user).filter(pk=pk).exists():
        raise Http404
    return render(request, "bureau/worker_form.html", {"pk": pk})


@login_required
def worker_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not Worker.objects.visible_to(request.user).filter(pk=pk).exists():
        raise Http404
    return render(request, "bureau/worker_detail.html", {"pk": pk})


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_not_found(request)
    return render(request, "404.html", status=404)
