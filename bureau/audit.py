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
import contextvars
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode

from auditlog.context import auditlog_value, set_extra_data
from auditlog.registry import auditlog
from django.db.models import Model

from bureau.identifiers import mask_id_number, mask_phone
from bureau.models.audit import AccessAction, PersonalDataAccess

# Personal identifiers appear masked in the change log too (with the same masks as the API),
# and the birth date, which the masked ID number would otherwise give away, not at all.
MASKED_FIELDS = {
    "Worker": ["id_number", "phone", "birth_date"],
    # who reported a violation is confidential (条例 art. 9)
    "Complaint": ["reporter_name", "reporter_phone", "reporter_contact"],
    # a labour team leader is a person
    "ProjectParty": ["leader_phone"],
}
MASK_CALLABLE = "bureau.audit.mask_personal_value"


def mask_personal_value(value: str) -> str:
    """Mask one value of a masked field as it is written into a LogEntry's changes."""
    if value in ("", "None"):
        return value
    if value.startswith("+"):
        return mask_phone(value)
    if len(value) == 18:
        return mask_id_number(value)
    return "*" * len(value)


def register_models() -> None:
    from django.apps import apps

    from bureau import models as m

    core: tuple[type[Model], ...] = (
        m.Region,
        m.Employer,
        m.Worker,
        m.WorkerRegistration,
        m.EmployerRegistration,
        m.StaffRole,
        m.CalendarDay,
        m.CalendarYear,
    )
    for model in core:
        masked = MASKED_FIELDS.get(model.__name__, [])
        auditlog.register(model, mask_fields=masked, mask_callable=MASK_CALLABLE if masked else None)
    auditlog.register(m.User, exclude_fields=["password", "last_login"])
    for app_label in ("complaints", "wagecases", "inspections", "reemployment"):
        for app_model in apps.get_app_config(app_label).get_models():
            if not auditlog.contains(app_model):
                masked = MASKED_FIELDS.get(app_model.__name__, [])
                auditlog.register(app_model, mask_fields=masked, mask_callable=MASK_CALLABLE if masked else None)


# The actor of the innermost `acting_as` block that is still open (None outside any).
_acting_user: contextvars.ContextVar[Any] = contextvars.ContextVar("bureau_acting_user", default=None)


@contextlib.contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Attribute every audited write inside the block to `user`.

    auditlog's own context manager leaves its value behind when it exits (and a nested one
    makes the outer one leak its signal receiver), so a stale context cannot be told from a
    live one. This opens a fresh auditlog context for the block, keeps the request's remote
    address when the middleware set one, and restores whatever was there before on exit.
    Re-entrant: an inner block for the same actor leaves the outer block in place."""
    if _acting_user.get() is not None and _acting_user.get() == user:
        yield
        return
    try:
        current: dict[str, Any] | None = auditlog_value.get()
    except LookupError:
        current = None
    extra = {
        "actor": user,
        "remote_addr": (current or {}).get("remote_addr"),
        "remote_port": (current or {}).get("remote_port"),
    }
    restore_context = auditlog_value.set(current)
    restore_actor = _acting_user.set(user)
    try:
        with set_extra_data(context_data=extra):
            yield
    finally:
        _acting_user.reset(restore_actor)
        auditlog_value.reset(restore_context)


# Query parameters that may carry an ID number or a phone number.
PERSONAL_QUERY_PARAMS = frozenset({"q", "id_number", "phone"})


def masked_query(query_string: str) -> str:
    """The query string of a read, as the access log keeps it: digits of ID numbers and
    phones searched for are masked but the last four (the rows shown are in `object_ids`).
    Otherwise the log would show full ID numbers to whoever may read the log."""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    return urlencode(
        [(key, _mask_digits(value) if key in PERSONAL_QUERY_PARAMS else value) for key, value in pairs], safe="*"
    )


def _mask_digits(value: str, keep: int = 4) -> str:
    if sum(c.isdigit() for c in value) < 7:
        return value
    out, seen = [], 0
    for char in reversed(value):
        if char.isdigit() or char in "xX":
            out.append(char if seen < keep else "*")
            seen += 1
        else:
            out.append(char)
    return "".join(reversed(out))


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


def client_ip(request: Any) -> str | None:
    """The client's address, read the way the login lock-out reads it (AXES_IP_HEADERS), so
    that both records agree behind a proxy."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None
