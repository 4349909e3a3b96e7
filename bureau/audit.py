"""Audit trail.

Writes: django-auditlog records every create/update/delete of the registered models (who, when,
field-level changes as JSON). It was chosen over django-pghistory because it works on SQLite too
(the one-machine trial of `make run`), while pghistory's triggers are PostgreSQL-only.
Services set the actor explicitly with `acting_as(by)`, so a write is attributed the same way
whether it came from a page, the API with a token, a command or a Celery task.

Reads of personal data: `record_access` (see bureau.models.audit.PersonalDataAccess).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any

from auditlog.context import auditlog_value, set_actor
from auditlog.registry import auditlog

from bureau.models.audit import AccessAction, PersonalDataAccess

# Personal identifiers appear masked in the change log too.
MASKED_FIELDS = {"Worker": ["id_number", "phone"]}


def register_models() -> None:
    from django.apps import apps

    from bureau import models as m

    for model in (m.Region, m.Employer, m.Worker, m.WorkerRegistration, m.StaffRole, m.CalendarDay, m.CalendarYear):
        auditlog.register(model, mask_fields=MASKED_FIELDS.get(model.__name__, []))
    auditlog.register(m.User, exclude_fields=["password", "last_login"])
    for app_label in ("complaints", "wagecases", "inspections", "reemployment"):
        for model in apps.get_app_config(app_label).get_models():
            if not auditlog.contains(model):
                auditlog.register(model)


@contextlib.contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Attribute every audited write inside the block to `user`.

    Re-entrant: an inner block for the same actor leaves the outer context in place."""
    try:
        current = auditlog_value.get()
    except LookupError:
        current = None
    if current is not None and current.get("actor") == user:
        yield
        return
    with set_actor(user):
        yield


def record_access(
    *,
    user: Any,
    action: AccessAction | str,
    model: str,
    object_ids: Iterable[int],
    query: str = "",
    remote_addr: str | None = None,
) -> PersonalDataAccess | None:
    ids = list(object_ids)
    if not ids or not getattr(user, "is_authenticated", False):
        return None
    return PersonalDataAccess.objects.create(
        user=user, action=action, model=model, object_ids=ids, query=query[:500], remote_addr=remote_addr
    )
