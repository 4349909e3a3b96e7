"""Pages of inspections (staff UI), included from bureau/urls.py."""

from django.urls import path

from inspections import views

urlpatterns = [
    path("inspections/", views.overview, name="ui-inspections"),
    path("inspections/sw.js", views.service_worker, name="ui-inspections-sw"),
    path("inspections/visits/", views.visit_list, name="ui-visits"),
    path("inspections/visits/new/", views.visit_new, name="ui-visit-new"),
    path("inspections/visits/<int:pk>/", views.visit_detail, name="ui-visit"),
    path("inspections/campaigns/", views.campaign_list, name="ui-campaigns"),
    path("inspections/campaigns/new/", views.campaign_new, name="ui-campaign-new"),
    path("inspections/campaigns/<int:pk>/", views.campaign_detail, name="ui-campaign"),
    path("inspections/orders/", views.order_list, name="ui-orders"),
    path("inspections/orders/<int:pk>/", views.order_detail, name="ui-order"),
    path("inspections/reviews/", views.review_list, name="ui-reviews"),
    path("inspections/reviews/new/", views.review_new, name="ui-review-new"),
    path("inspections/reviews/missing/", views.reviews_missing, name="ui-reviews-missing"),
    path("inspections/reviews/<int:pk>/", views.review_detail, name="ui-review"),
    path("inspections/targets/", views.targets, name="ui-targets"),
]
