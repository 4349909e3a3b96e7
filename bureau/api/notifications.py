"""The requesting user's notifications: list (newest first, `?unread=true`), the unread count
for the header badge, and marking one or all read. Another user's notification is 404, like one
that does not exist (the queryset is the user's own, through `visible_to`)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from bureau import notify
from bureau.api.base import ScopedGenericViewSet, acting_user
from bureau.models import Notification
from bureau.scoping import ScopedQuerySet


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    read = serializers.BooleanField(source="is_read", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "read"]
        read_only_fields = fields


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(help_text=_("未读通知数"))


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("本次标为已读的通知数"))
    unread = serializers.IntegerField(help_text=_("剩余未读通知数"))


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(method="by_unread", label=_("true：仅未读；false：仅已读"))
    kind = django_filters.CharFilter(label=_("通知类型，如 deadline_overdue"))

    class Meta:
        model = Notification
        fields = ["unread", "kind"]

    def by_unread(self, queryset: QuerySet[Notification], name: str, value: bool) -> QuerySet[Notification]:
        return queryset.filter(read_at__isnull=value)


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """The requesting user's own notifications, newest first."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]
    lookup_value_regex = r"\d+"

    def base_queryset(self) -> ScopedQuerySet[Any]:
        return Notification.objects.all()

    @extend_schema(request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        """Mark one notification read (reading it again keeps the first time)."""
        notification = notify.mark_read(notification=self.get_object())
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses={200: ReadAllSerializer})
    @action(detail=False, methods=["post"], url_path="read-all", filter_backends=[], pagination_class=None)
    def read_all(self, request: Request) -> Response:
        """Mark all of the user's notifications read."""
        user = acting_user(request)
        marked = notify.mark_all_read(user=user)
        return Response(ReadAllSerializer({"marked": marked, "unread": notify.unread_count(user)}).data)

    @extend_schema(responses={200: UnreadCountSerializer})
    @action(detail=False, methods=["get"], url_path="unread-count", filter_backends=[], pagination_class=None)
    def unread_count(self, request: Request) -> Response:
        """How many unread notifications the user has (for the header badge)."""
        return Response(UnreadCountSerializer({"unread": notify.unread_count(acting_user(request))}).data)
