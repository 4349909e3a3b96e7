"""The API's common pieces: a scoped base viewset that subclasses cannot bypass, and input
serializers that reject fields they do not know."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers, viewsets
from rest_framework.request import Request

from bureau.models import Region, User
from bureau.scoping import ScopedQuerySet


class ScopedViewSetMixin:
    """Every row a subclass lists, reads or writes comes from `visible_to(request.user)`.

    Subclasses give `base_queryset()` (joins, ordering); they may not override
    `get_queryset`, so no view can build its own region filter or forget it. Out-of-scope ids
    are therefore 404, the same as ids that do not exist."""

    request: Any

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Any class that comes before this mixin in the MRO (the subclass itself, or a mixin
        # listed before the scoped base) would shadow the scoped get_queryset().
        for klass in cls.__mro__:
            if klass is ScopedViewSetMixin:
                break
            if "get_queryset" in klass.__dict__:
                raise TypeError(
                    f"{cls.__name__} must override base_queryset(), not get_queryset() (found in {klass.__name__})"
                )

    def base_queryset(self) -> ScopedQuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> ScopedQuerySet[Any]:
        queryset = self.base_queryset()
        if not isinstance(queryset, ScopedQuerySet):
            raise TypeError("base_queryset() must return a ScopedQuerySet")
        return queryset.visible_to(self.request.user)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedGenericViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    pass


class StrictInputSerializer(serializers.Serializer):
    """Input serializer: unknown (or read-only) fields are an error, not silently dropped."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise serializers.ValidationError(
                    {
                        name: [serializers.ErrorDetail(str(_("不允许的字段。")), code="unknown_field")]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)


class ScopedRegionField(serializers.SlugRelatedField):
    """A region given by its code, chosen among those visible to the requesting user."""

    default_error_messages = {
        "does_not_exist": _("区划代码 {value} 不存在或不在您的辖区内。"),
        "invalid": _("区划代码无效。"),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Region.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return Region.objects.visible_to(request.user if request else None)


class AnyRegionField(serializers.SlugRelatedField):
    """A region given by its code, anywhere in the country (e.g. a worker's home region)."""

    default_error_messages = {"does_not_exist": _("区划代码 {value} 不存在。"), "invalid": _("区划代码无效。")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Region.objects.all())
        super().__init__(**kwargs)


def acting_user(request: Request) -> User:
    """The authenticated staff member behind a request (the permission classes ensure one)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise exceptions.NotAuthenticated()
    return user


def model_label(model: type[Model]) -> str:
    return model._meta.label
