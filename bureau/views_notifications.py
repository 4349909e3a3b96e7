"""The notifications page: a shell whose data and writes go through /api/v1/notifications/."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    return render(request, "bureau/notifications.html")
