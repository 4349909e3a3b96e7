from django.contrib.admin.apps import AdminConfig


class BureauAdminConfig(AdminConfig):
    """Django's admin with bureau's site: access by role, not by the `is_staff` flag."""

    default_site = "bureau.admin_site.BureauAdminSite"
