"""The one mechanism that restricts data to the user's region subtree.

Every scoped model's queryset has `visible_to(user)`. It fails closed: anonymous or inactive
users and staff without a region see nothing. Only superusers (system operators) see all.
The API's base viewset and the UI's views both go through it; nothing else filters by region.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db import models

if TYPE_CHECKING:
    from bureau.models import Region

_M = TypeVar("_M", bound=models.Model)


def user_region(user: Any) -> Region | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return getattr(user, "region", None)


def sees_everything(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


class ScopedQuerySet(models.QuerySet[_M], Generic[_M]):
    """Subclasses say how a row relates to a region subtree given its path prefix."""

    def scope_q(self, path: str) -> models.Q:
        raise NotImplementedError

    def visible_to(self, user: Any) -> ScopedQuerySet[_M]:
        if sees_everything(user):
            return self.all()
        region = user_region(user)
        if region is None:
            return self.none()
        return self.filter(self.scope_q(region.path))
