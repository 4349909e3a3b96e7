"""The default beat schedule exists after migrate, is editable, and its tasks do their work."""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from bureau.schedules import DEFAULT_SCHEDULES, ensure_schedules
from bureau.tasks import check_calendar, clear_expired_sessions


def test_migrate_creates_the_default_schedule(db):
    names = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {entry["task"] for entry in DEFAULT_SCHEDULES} <= names


def test_an_administrators_change_to_the_schedule_is_kept(db):
    task = PeriodicTask.objects.get(task="bureau.check_calendar")
    task.enabled = False
    task.save()
    ensure_schedules()
    assert PeriodicTask.objects.filter(task="bureau.check_calendar").count() == 1
    assert not PeriodicTask.objects.get(task="bureau.check_calendar").enabled


def test_every_scheduled_task_is_registered_with_celery(db):
    from bureau.celery import app

    app.loader.import_default_modules()
    for entry in DEFAULT_SCHEDULES:
        assert entry["task"] in app.tasks


def test_expired_sessions_are_cleared_and_live_ones_kept(db):
    live = SessionStore()
    live.create()
    stale = SessionStore()
    stale.create()
    Session.objects.filter(session_key=stale.session_key).update(expire_date=timezone.now() - dt.timedelta(days=1))
    clear_expired_sessions.delay()
    keys = set(Session.objects.values_list("session_key", flat=True))
    assert live.session_key in keys
    assert stale.session_key not in keys


def test_the_calendar_check_reports_a_missing_year(db, settings):
    settings.CALENDAR_WARN_FROM_MONTH = 1
    messages = check_calendar.delay().get()
    next_year = timezone.localdate().year + 1
    assert any(str(next_year) in message for message in messages)
