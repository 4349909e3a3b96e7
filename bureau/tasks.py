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
