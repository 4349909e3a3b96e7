"""URLs of the complaint API, included under /api/v1/. The hand-written paths come before the
router's: `complaints/export.xlsx` has no trailing slash, and `complaints/roster/...` must not
be read as a case id (case ids are digits only anyway)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from complaints.api import views
from complaints.api.roster import RosterCheckView, RosterRegisterWorkersView, RosterTemplateView

router = SimpleRouter(trailing_slash=True)
router.register("complaint-categories", views.CategoryViewSet, basename="complaint-category")
router.register("complaints", views.ComplaintViewSet, basename="complaint")

urlpatterns = [
    path(
        "complaints/export.xlsx",
        views.ComplaintExportViewSet.as_view({"get": "export"}),
        name="complaint-export",
    ),
    path("complaints/roster/template/", RosterTemplateView.as_view(), name="complaint-roster-template"),
    path("complaints/roster/check/", RosterCheckView.as_view(), name="complaint-roster-check"),
    path(
        "complaints/roster/register-workers/",
        RosterRegisterWorkersView.as_view(),
        name="complaint-roster-register-workers",
    ),
    path("public/case-status/", views.PublicCaseStatusView.as_view(), name="public-case-status"),
    *router.urls,
]
