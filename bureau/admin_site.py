"""The admin site of bureau (installed as Django's default site by BureauAdminConfig)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class BureauAdminSite(admin.AdminSite):
    """Open to users holding the admin role (and superusers), not to Django's `is_staff` flag:
    roles are the one permission model of bureau."""

    site_header = _("劳动保障监察案件管理系统 · 管理后台")
    site_title = _("bureau 管理后台")
    index_title = _("系统管理")

    def has_permission(self, request: HttpRequest) -> bool:
        from bureau import roles

        return roles.can(request.user, "admin.manage")

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """One login page for everyone (with its lock-out): the staff login."""
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        if request.user.is_authenticated and not self.has_permission(request):
            return redirect("home")
        return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
