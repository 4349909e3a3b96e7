from django.urls import include, path
from rest_framework.routers import DefaultRouter

from bureau.api import views
from bureau.api.notifications import NotificationViewSet

router = DefaultRouter(trailing_slash=True)
router.register("regions", views.RegionViewSet, basename="region")
router.register("employers", views.EmployerViewSet, basename="employer")
router.register("workers", views.WorkerViewSet, basename="worker")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("workdays/", views.WorkdaysView.as_view(), name="workdays"),
    *router.urls,
    path("", include("complaints.api.urls")),
    path("", include("wagecases.api.urls")),
    path("", include("inspections.api.urls")),
]
