"""URLs of the wage-case API, included under /api/v1/. The hand-written path comes before the
router's: `wage-cases/export.xlsx` has no trailing slash (case ids are digits only anyway)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from wagecases.api import views
from wagecases.api.listings import ListingViewSet
from wagecases.api.projects import ProjectViewSet

router = SimpleRouter(trailing_slash=True)
router.register("wage-cases", views.WageCaseViewSet, basename="wage-case")
router.register("wage-workers", views.WageWorkerViewSet, basename="wage-worker")
router.register("wage-projects", ProjectViewSet, basename="wage-project")
router.register("listings", ListingViewSet, basename="listing")

urlpatterns = [
    path(
        "wage-cases/export.xlsx",
        views.WageCaseExportViewSet.as_view({"get": "export"}),
        name="wage-case-export",
    ),
    *router.urls,
]
