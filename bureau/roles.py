"""Who may do what: one small table of roles per capability (no permission explosion).
Region scoping is separate and applies on top of this (bureau.scoping)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from bureau.models import RegionLevel, Role

HEADS = frozenset({Role.BRIGADE_HEAD, Role.BUREAU_HEAD})

CAPABILITIES: dict[str, frozenset[str]] = {
    # register and edit employers and workers
    "parties.edit": frozenset({Role.WINDOW, Role.INSPECTOR, *HEADS, Role.ADMIN}),
    # see a worker's full ID number and phone (each reveal is recorded)
    "parties.reveal_pii": frozenset({Role.WINDOW, Role.INSPECTOR, *HEADS}),
    # see the bureau's staff and reference data
    "admin.manage": frozenset({Role.ADMIN}),
    # complaint cases: see them (assistants and administrators do not), register them
    "complaints.view": frozenset({Role.WINDOW, Role.INSPECTOR, *HEADS}),
    "complaints.register": frozenset({Role.WINDOW, Role.INSPECTOR, *HEADS}),
    # see who reported a violation (举报人): heads; assigned inspectors are checked per case
    "complaints.reporter": frozenset(HEADS),
    # wage-arrears cases: window staff see them (to answer visitors); inspectors and heads
    # open them, confirm what is owed, record and reverse payments, close them
    "wagecases.view": frozenset({Role.WINDOW, Role.INSPECTOR, *HEADS}),
    "wagecases.edit": frozenset({Role.INSPECTOR, *HEADS}),
    # Defaulter list and major-violation publication: inspectors prepare, heads decide.
    "wagecases.listings.propose": frozenset({Role.INSPECTOR, *HEADS}),
    "wagecases.listings.decide": frozenset(HEADS),
    # Inspections: window staff see visits, orders and reviews (an employer's record at the
    # window); inspectors and heads record them; heads plan campaigns and set patrol targets.
    # Checklist templates are reference data kept by administrators ("admin.manage").
    "inspections.view": frozenset({Role.WINDOW, Role.INSPECTOR, *HEADS}),
    "inspections.record": frozenset({Role.INSPECTOR, *HEADS}),
    "inspections.plan": frozenset(HEADS),
}


def can(user: Any, capability: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(user.role_codes & CAPABILITIES[capability])


def require(user: Any, capability: str) -> None:
    if not can(user, capability):
        raise PermissionDenied(_("您的角色无权执行此操作。"))


def can_manage_calendar(user: Any) -> bool:
    """The working-day calendar is national: system operators, and administrators of a city or
    a province, keep it."""
    if not can(user, "admin.manage"):
        return False
    if user.is_superuser:
        return True
    region = getattr(user, "region", None)
    return region is not None and region.level <= RegionLevel.CITY
