from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bureau import roles, services, workdays
from bureau.api.base import ScopedGenericViewSet, ScopedReadOnlyViewSet, acting_user
from bureau.api.filters import EmployerFilter, RegionFilter, WorkerFilter
from bureau.api.serializers import (
    EmployerInputSerializer,
    EmployerSerializer,
    MeSerializer,
    RegionSerializer,
    WorkdaysQuerySerializer,
    WorkdaysSerializer,
    WorkerIdentitySerializer,
    WorkerInputSerializer,
    WorkerSerializer,
    WorkerUpdateSerializer,
)
from bureau.audit import client_ip, masked_query, record_access
from bureau.models import AccessAction, Employer, Region, Worker
from bureau.scoping import ScopedQuerySet


class RegionViewSet(ScopedReadOnlyViewSet):
    """Administrative divisions in the user's region subtree."""

    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    lookup_field = "code"
    ordering_fields = ["code", "name", "level"]
    ordering = ["code"]

    def base_queryset(self) -> ScopedQuerySet[Any]:
        return Region.objects.select_related("parent")


class EmployerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    serializer_class = EmployerSerializer
    filterset_class = EmployerFilter
    ordering_fields = ["name", "credit_code", "created_at", "updated_at"]
    ordering = ["name", "id"]

    def base_queryset(self) -> ScopedQuerySet[Any]:
        return Employer.objects.select_related("region")

    @extend_schema(request=EmployerInputSerializer, responses={201: EmployerSerializer, 200: EmployerSerializer})
    def create(self, request: Request) -> Response:
        """Register an employer. If another region already registered this credit code, the
        one record becomes known to the user's region too (200 instead of 201)."""
        data = self._input(request, partial=False)
        employer, created = services.employer_register(by=acting_user(request), **data)
        return Response(
            EmployerSerializer(employer).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(request=EmployerInputSerializer, responses={200: EmployerSerializer})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        employer = self.get_object()
        data = self._input(request, partial=True)
        employer = services.employer_update(employer=employer, by=acting_user(request), **data)
        return Response(EmployerSerializer(employer).data)

    def _input(self, request: Request, *, partial: bool) -> dict[str, Any]:
        roles.require(request.user, "parties.edit")
        serializer = EmployerInputSerializer(data=request.data, partial=partial, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


class WorkerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Workers known to the user's region subtree. ID numbers and phones are masked; the
    `identity` action gives the full values to roles that need them. Every read is recorded."""

    serializer_class = WorkerSerializer
    filterset_class = WorkerFilter
    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ["name", "id"]

    def base_queryset(self) -> ScopedQuerySet[Any]:
        return Worker.objects.select_related("home_region")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        results = response.data.get("results", []) if isinstance(response.data, dict) else response.data
        self._record(AccessAction.LIST, [row["id"] for row in results])
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        self._record(AccessAction.VIEW, [response.data["id"]])
        return response

    @extend_schema(responses={200: WorkerIdentitySerializer})
    @action(detail=True, methods=["get"])
    def identity(self, request: Request, pk: str | None = None) -> Response:
        """The full ID number, birth date and phone. Recorded."""
        worker = self.get_object()
        if not roles.can(request.user, "parties.reveal_pii"):
            raise PermissionDenied(_("您的角色无权查看完整的身份证号码和电话。"))
        self._record(AccessAction.REVEAL, [worker.pk])
        return Response(WorkerIdentitySerializer(worker).data)

    @extend_schema(request=WorkerInputSerializer, responses={201: WorkerSerializer, 200: WorkerSerializer})
    def create(self, request: Request) -> Response:
        """Register a worker. If another region already registered this ID number, the one
        record becomes known to the user's region too (200 instead of 201)."""
        roles.require(request.user, "parties.edit")
        serializer = WorkerInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        worker, created = services.worker_register(by=acting_user(request), **serializer.validated_data)
        return Response(
            WorkerSerializer(worker).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(request=WorkerUpdateSerializer, responses={200: WorkerSerializer})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        worker = self.get_object()
        roles.require(request.user, "parties.edit")
        serializer = WorkerUpdateSerializer(data=request.data, partial=True, context={"request": request})
        serializer.is_valid(raise_exception=True)
        worker = services.worker_update(worker=worker, by=acting_user(request), **serializer.validated_data)
        return Response(WorkerSerializer(worker).data)

    def _record(self, action: AccessAction, ids: Sequence[int]) -> None:
        record_access(
            user=self.request.user,
            action=action,
            model="bureau.Worker",
            object_ids=ids,
            query=masked_query(self.request.META.get("QUERY_STRING", "")),
            remote_addr=client_ip(self.request),
        )


class WorkdaysView(APIView):
    """The working-day calendar: `?start=D&days=N` gives the date N working days after D (D not
    counted); `?start=D1&end=D2` gives how many working days lie after D1 up to D2.
    `provisional` is true when a year without an official schedule was counted on weekdays."""

    @extend_schema(parameters=[WorkdaysQuerySerializer], responses=WorkdaysSerializer)
    def get(self, request: Request) -> Response:
        query = WorkdaysQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        start = query.validated_data["start"]
        calendar = workdays.WorkdayCalendar()
        if "days" in query.validated_data:
            deadline = calendar.add(start, query.validated_data["days"])
            result = {
                "start": start,
                "days": query.validated_data["days"],
                "end": deadline.date,
                "provisional": deadline.provisional,
            }
        else:
            end = query.validated_data["end"]
            count = calendar.between(start, end)
            result = {"start": start, "days": count.days, "end": end, "provisional": count.provisional}
        return Response(WorkdaysSerializer(result).data)


class MeView(APIView):
    """The current user: region, roles, capabilities and warnings addressed to him."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(acting_user(request)).data)
