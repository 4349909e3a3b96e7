"""Pages of the complaint workflow (staff UI)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
