"""bureau: the project package and the shared core (regions, staff, employers, workers,
working-day calendar, audit, and the API's common pieces)."""

from bureau.celery import app as celery_app

__all__ = ["celery_app"]
