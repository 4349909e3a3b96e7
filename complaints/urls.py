"""Pages of the complaint workflow (staff UI), and the visitor's status page."""

from django.urls import path

from complaints import views

urlpatterns = [
    path("complaints/", views.complaint_list, name="ui-complaints"),
    path("complaints/new/", views.complaint_new, name="ui-complaint-new"),
    path("complaints/<int:pk>/", views.complaint_detail, name="ui-complaint"),
    path("complaints/<int:pk>/receipt/", views.complaint_receipt, name="ui-complaint-receipt"),
    path("status/", views.public_status, name="public-status"),
]
