"""Pages of wage cases, projects and the defaulter list (staff UI), included from bureau/urls.py."""

from django.urls import path

from wagecases import views

urlpatterns = [
    path("wage-cases/", views.wagecase_list, name="ui-wagecases"),
    path("wage-cases/new/", views.wagecase_new, name="ui-wagecase-new"),
    path("wage-cases/<int:pk>/", views.wagecase_detail, name="ui-wagecase"),
    path("wage-cases/workers/<int:worker_id>/", views.wagecase_worker, name="ui-wagecase-person"),
    path("wage-cases/projects/", views.project_list, name="ui-wage-projects"),
    path("wage-cases/projects/new/", views.project_new, name="ui-wage-project-new"),
    path("wage-cases/projects/<int:pk>/", views.project_detail, name="ui-wage-project"),
    path("wage-cases/listings/", views.listing_list, name="ui-listings"),
    path("wage-cases/listings/<int:pk>/", views.listing_detail, name="ui-listing"),
]
