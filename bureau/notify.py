"""Notifications to staff: `notify(...)` stores one in-app notification per recipient and then
hands each new one to the extra channels.

The in-app channel is the `Notification` table itself: the header badge and the page
/notifications/ read it through `/api/v1/notifications/`. It is always on.

Extension point: extra channels (SMS, e-mail, a messaging app) are functions registered once,
at start-up, from an `AppConfig.ready()` (so the web processes and the Celery worker know them):

    from bureau.notify import register_channel

    def send_sms(notification: Notification) -> None:
        if notification.user.phone:
            sms_task.delay(notification.pk)     # do slow I/O in a Celery task, not here

    register_channel("sms", send_sms)

A channel receives each *newly created* `Notification` (never a duplicate suppressed by its
`dedupe_key`) after the surrounding transaction commits, so nothing is sent for a rollback. It
decides for itself whom to reach (e.g. only some `kind`s, only users with a phone). A channel
that raises is logged and skipped: the other channels and the caller carry on. Callers never
change when a channel is added.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from bureau.models import Notification, User

logger = logging.getLogger(__name__)

Channel = Callable[[Notification], Any]

_channels: dict[str, Channel] = {}


def register_channel(name: str, func: Channel) -> Channel:
    """Register (or replace) the extra channel `name`; `func` receives each new notification."""
    _channels[name] = func
    return func


def unregister_channel(name: str) -> None:
    _channels.pop(name, None)


def channels() -> dict[str, Channel]:
    """The registered extra channels by name (a copy)."""
    return dict(_channels)


def notify(
    *,
    users: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str = "",
) -> list[Notification]:
    """Notify each of `users` (duplicates in the list count once) and return the notifications
    created. With a `dedupe_key`, a user who already has a notification with that key gets
    nothing new, so a job that runs twice notifies once."""
    seen: set[int] = set()
    items = []
    for user in users:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        items.append(Notification(user=user, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key))
    return notify_many(items)


def notify_many(items: Sequence[Notification]) -> list[Notification]:
    """Store many unsaved notifications at once (two queries), skipping those whose (user,
    dedupe_key) already exists, and hand the new ones to the extra channels. For jobs that notify
    about many cases in one run."""
    fresh = _without_existing(items)
    if not fresh:
        return []
    try:
        with transaction.atomic():
            created = Notification.objects.bulk_create(fresh)
    except IntegrityError:
        # Another process stored some of the same keys meanwhile: fall back to one at a time.
        created = []
        for item in fresh:
            try:
                with transaction.atomic():
                    item.save(force_insert=True)
            except IntegrityError:
                item.pk = None
                continue
            created.append(item)
    if created and _channels:
        transaction.on_commit(lambda: _dispatch(created))
    return created


def _without_existing(items: Sequence[Notification]) -> list[Notification]:
    keyed = [item for item in items if item.dedupe_key]
    existing: set[tuple[int, str]] = set()
    if keyed:
        existing = set(
            Notification.objects.filter(
                user_id__in={item.user_id for item in keyed}, dedupe_key__in={item.dedupe_key for item in keyed}
            ).values_list("user_id", "dedupe_key")
        )
    fresh, seen = [], set()
    for item in items:
        key = (item.user_id, item.dedupe_key)
        if item.dedupe_key and (key in existing or key in seen):
            continue
        seen.add(key)
        fresh.append(item)
    return fresh


def _dispatch(created: Sequence[Notification]) -> None:
    for name, func in list(_channels.items()):
        for notification in created:
            try:
                func(notification)
            except Exception:
                logger.exception("Notification channel %r failed for notification %s", name, notification.pk)


def unread_count(user: Any) -> int:
    """How many unread notifications `user` has (0 for anonymous users). For the header badge."""
    return Notification.objects.visible_to(user).unread().count()


def mark_read(*, notification: Notification) -> Notification:
    """Mark one notification read (the first reading time is kept)."""
    if notification.read_at is None:
        now = timezone.now()
        if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now):
            notification.read_at = now
        else:  # read meanwhile, e.g. in another tab
            notification.refresh_from_db(fields=["read_at"])
    return notification


def mark_all_read(*, user: Any) -> int:
    """Mark every unread notification of `user` read; returns how many were unread."""
    return Notification.objects.visible_to(user).unread().update(read_at=timezone.now())
