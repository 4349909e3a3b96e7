"""Celery tasks of the core. Idempotent."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="bureau.recompute_deadlines")
def recompute_deadlines(years: list[int]) -> int:
    """Recompute stored deadlines that fall in `years` after their calendar changed.
    Returns the number of recomputers run."""
    from bureau.workdays import run_recomputers

    return run_recomputers(list(years))


@shared_task(name="bureau.ping")
def ping(value: str) -> str:
    """Round trip through the broker; used by health checks and the worker test."""
    return f"pong:{value}"


@shared_task(name="bureau.calendar_status")
def calendar_status(years: list[int]) -> list[int]:
    """Which of `years` have an official calendar (package or loaded). Read-only; used by the
    worker test to prove the worker sees the same database."""
    from bureau.workdays import WorkdayCalendar

    calendar = WorkdayCalendar()
    return [year for year in sorted(set(years)) if calendar.year_is_official(int(year))]


@shared_task(name="bureau.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Delete expired sessions (scheduled nightly). django-axes cleans its expired login
    failures itself at each login."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.filter(expire_date__lt=timezone.now()).delete()


@shared_task(name="bureau.check_calendar")
def check_calendar() -> list[str]:
    """Log a warning while a year deadlines fall into has no official calendar (scheduled
    daily; administrators also see it on their pages and in /api/v1/me/)."""
    import logging

    from bureau.workdays import calendar_warnings

    messages = [str(w.message) for w in calendar_warnings()]
    for message in messages:
        logging.getLogger("bureau.calendar").warning(message)
    return messages
