"""URLs of the inspections API, included under /api/v1/. Record ids are digits only, so the
list-level paths (`visits/inspectors/`, `annual-reviews/missing/`, `.../export/`) never read as
an id."""

from rest_framework.routers import SimpleRouter

from inspections.api import views

router = SimpleRouter(trailing_slash=True)
router.register("campaign-types", views.CampaignTypeViewSet, basename="campaign-type")
router.register("checklist-templates", views.ChecklistTemplateViewSet, basename="checklist-template")
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("rectification-orders", views.RectificationOrderViewSet, basename="rectification-order")
router.register("annual-reviews", views.AnnualReviewViewSet, basename="annual-review")
router.register("patrol-targets", views.PatrolTargetViewSet, basename="patrol-target")

urlpatterns = [*router.urls]
