"""The wage-case API: thin views over wagecases.services (writes) and wagecases.selectors
(reads), scoped by the base viewset (`WageCase.objects.visible_to`: the region subtree, and
nothing for roles without `wagecases.view`).

Every write checks the `wagecases.edit` capability first (403 for window staff, whatever the
body), turns ids into objects among those the user may see, calls one service and answers
with the refreshed case page. An act the case's status does not allow is 409 with the acts
that are (`invalid_transition`, as for complaints). Reads of a case page, of the worker view
and exports are recorded as reads of personal data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from bureau import roles
from bureau.api.base import ScopedGenericViewSet, acting_user
from bureau.api.filters import WorkerFilter
from bureau.audit import client_ip, masked_query, record_access
from bureau.models import AccessAction, User, Worker
from bureau.scoping import ScopedQuerySet
from complaints.api.serializers import ConflictSerializer, ErrorSerializer
from complaints.api.views import XlsxRenderer
from wagecases import selectors, services, workflow
from wagecases.api import exports, inputs
from wagecases.api import serializers as s
from wagecases.api.filters import WageCaseFilter, WageCaseOrdering
from wagecases.models import (
    Allocation,
    AllocationKind,
    Claim,
    Event,
    Method,
    Payer,
    Payment,
    Source,
    Status,
    TransferTarget,
    WageCase,
)

CASE_MODEL = "wagecases.WageCase"
WORKER_MODEL = "bureau.Worker"

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=gettext_lazy("数据有误")),
    403: OpenApiResponse(ErrorSerializer, description=gettext_lazy("角色无权执行，或本案由其他监察员承办")),
    404: OpenApiResponse(ErrorSerializer, description=gettext_lazy("不存在或不在您的辖区内")),
    409: OpenApiResponse(
        ConflictSerializer, description=gettext_lazy("当前状态不允许此操作：allowed 为此状态下可做的操作")
    ),
}
WRITE_ERRORS = {code: ERRORS[code] for code in (400, 403, 404, 409)}


def conflict(code: str, message: str, **extra: Any) -> Response:
    """409 in the one error format, plus what the conflict needs (as complaints answer it)."""
    return Response({"code": code, "message": message, "errors": [], **extra}, status=status.HTTP_409_CONFLICT)


def allowed_acts(user: User, case: WageCase) -> list[str]:
    """The acts the user may do on the case now: allowed from its status (workflow), by a
    user who may handle it (`services.can_handle`); assigning follows `wagecase_assign`
    (heads, or anyone who may edit while nobody is assigned)."""
    if not roles.can(user, "wagecases.edit"):
        return []
    handles = services.can_handle(user, case)
    head = user.is_superuser or user.has_role(*roles.HEADS)
    names = []
    for act in workflow.allowed_from(case.status):
        if act.name == "assign":
            if head or not case.inspectors.all():  # the prefetched inspectors
                names.append(act.name)
        elif act.name == "order_contractor" and not _contractor_can_be_ordered(case):
            continue  # no project with a general contractor other than the employer
        elif handles:
            names.append(act.name)
    return names


def _contractor_can_be_ordered(case: WageCase) -> bool:
    project = case.project
    return project is not None and project.general_contractor_id not in (None, case.employer_id)


def case_rows() -> Any:
    """What a list row shows: the totals, the joined employer, county and project, the
    inspectors in one prefetch."""
    return selectors.cases_with_totals(
        WageCase.objects.select_related("employer", "county", "project").prefetch_related(
            Prefetch("inspectors", queryset=User.objects.only("id", "username", "name").order_by("name", "id"))
        )
    )


def case_details() -> ScopedQuerySet[WageCase]:
    """What a case page shows, in a fixed number of queries whatever the number of claims,
    payments and events (the totals are computed by the selectors beside it)."""
    queryset: ScopedQuerySet[WageCase] = WageCase.objects.select_related(
        "employer", "county", "project__general_contractor", "complaint", "created_by"
    ).prefetch_related(
        Prefetch("inspectors", queryset=User.objects.only("id", "username", "name").order_by("name", "id")),
        Prefetch("claims", queryset=Claim.objects.select_related("worker", "confirmed_by").order_by("id")),
        Prefetch(
            "payments",
            queryset=Payment.objects.select_related("payer_employer", "recorded_by", "reversed_by")
            .prefetch_related(
                Prefetch(
                    "allocations",
                    queryset=Allocation.objects.select_related("claim__worker", "receipt_confirmed_by").order_by("id"),
                )
            )
            .order_by("paid_on", "id"),
        ),
        Prefetch("events", queryset=Event.objects.select_related("by").order_by("at", "id")),
    )
    return queryset


def _choices(choices: Sequence[tuple[str, Any]]) -> list[dict[str, str]]:
    return [{"value": value, "label": str(label)} for value, label in choices]


class RecordingMixin:
    request: Any

    def _record(self, action: AccessAction, ids: Sequence[int], model: str) -> None:
        record_access(
            user=self.request.user,
            action=action,
            model=model,
            object_ids=ids,
            query=masked_query(self.request.META.get("QUERY_STRING", "")),
            remote_addr=client_ip(self.request),
        )


class WageCaseViewSet(RecordingMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Wage-arrears cases (欠薪案件) of the user's region subtree. Window staff read them;
    inspectors and heads open and handle them."""

    filterset_class = WageCaseFilter
    filter_backends = [DjangoFilterBackend, WageCaseOrdering]
    ordering_fields = ["opened_on", "number", "outstanding"]
    ordering = ["-opened_on"]
    lookup_value_regex = "[0-9]+"

    def base_queryset(self) -> ScopedQuerySet[Any]:
        if self.action in ("list", "export", "summary"):
            rows: ScopedQuerySet[Any] = case_rows()
            return rows
        if self.action == "retrieve":
            return case_details()
        return WageCase.objects.select_related("county")

    def get_serializer_class(self) -> Any:
        if self.action == "list":
            return s.WageCaseRowSerializer
        return s.WageCaseDetailSerializer

    def handle_exception(self, exc: Exception) -> Response:
        # Complaints catch their InvalidTransition around their one act endpoint; every write
        # here may raise it, so it is answered in one place, with the same body.
        if isinstance(exc, services.InvalidTransition):
            return conflict("invalid_transition", exc.message, allowed=exc.allowed)
        return super().handle_exception(exc)

    # --- helpers -------------------------------------------------------------------------

    def _detail(self, case: WageCase, status_code: int = status.HTTP_200_OK) -> Response:
        """The case page for the requesting user, recorded as a read of personal data."""
        context = {
            **self.get_serializer_context(),
            "claim_totals": {row.claim_id: row for row in selectors.claim_totals(case)},
            "totals": selectors.case_totals(case),
            "recovery": selectors.time_to_recovery(case),
            "allowed_acts": allowed_acts(acting_user(self.request), case),
        }
        data = s.WageCaseDetailSerializer(case, context=context).data
        self._record(AccessAction.VIEW, [case.pk], CASE_MODEL)
        return Response(data, status=status_code)

    def _reload(self, pk: int) -> WageCase:
        case: WageCase = case_details().visible_to(self.request.user).get(pk=pk)
        return case

    def _editor(self) -> User:
        user = acting_user(self.request)
        roles.require(user, "wagecases.edit")
        return user

    def _input(self, serializer_class: type[Serializer], case: WageCase | None = None) -> dict[str, Any]:
        context = {**self.get_serializer_context(), "case": case}
        serializer = serializer_class(data=self.request.data, context=context)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _done(self, case: WageCase, status_code: int = status.HTTP_200_OK) -> Response:
        return self._detail(self._reload(case.pk), status_code)

    # --- reads ---------------------------------------------------------------------------

    @extend_schema(
        description=gettext_lazy("列表，每件附合计（totals）。`?outstanding=true` 为尚未清偿的案件。"),
        responses={200: s.WageCaseRowSerializer(many=True), 400: ERRORS[400]},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: s.WageCaseDetailSerializer, 404: ERRORS[404]})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A case with its claims and what each worker received, its payments and their
        allocations, the totals, the time to recovery, the timeline and the acts the user may
        do now. Recorded as a read of personal data."""
        return self._detail(self.get_object())

    @extend_schema(
        filters=True,
        description=gettext_lazy(
            "筛选后全部案件的合计（与列表使用相同的筛选条件），例如某用人单位、某项目或某县的追发合计。"
        ),
        responses={200: s.WageSummarySerializer, 400: ERRORS[400]},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def summary(self, request: Request) -> Response:
        """The sums over every case of the filtered list (an employer's, a project's...), the
        same figures as the case pages add up to."""
        queryset = self.filter_queryset(self.get_queryset())
        totals = selectors.cases_totals(queryset)
        people, people_paid = selectors.cases_people(queryset)
        data = {**s.totals_data(totals), "cases": totals.cases, "people": people, "people_paid": people_paid}
        return Response(s.WageSummarySerializer(data).data)

    @extend_schema(responses={200: s.WageChoicesSerializer})
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def choices(self, request: Request) -> Response:
        """The values and labels of the case's choices (reference data, the same everywhere)."""
        data = {
            "statuses": _choices(Status.choices),
            "sources": _choices(Source.choices),
            "payers": _choices(Payer.choices),
            "methods": _choices(Method.choices),
            "allocation_kinds": _choices(AllocationKind.choices),
            "transfer_targets": _choices(TransferTarget.choices),
            "acts": [{"value": act.name, "label": str(act.label)} for act in workflow.ACTS.values()],
        }
        return Response(s.WageChoicesSerializer(data).data)

    # --- opening -------------------------------------------------------------------------

    @extend_schema(
        request=inputs.WageCaseOpenSerializer,
        responses={201: s.WageCaseDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def create(self, request: Request) -> Response:
        """Open a case directly or from an inspection finding, with each worker's claim.
        Numbered per county and year. Nothing is stored on any error."""
        user = self._editor()
        data = self._input(inputs.WageCaseOpenSerializer)
        claims = [
            (item["worker"], item["amount_claimed"], item.get("period_from"), item.get("period_to"))
            for item in data.pop("claims")
        ]
        case = services.wagecase_open(by=user, claims=claims, **data)
        return self._done(case, status.HTTP_201_CREATED)

    @extend_schema(
        request=inputs.WageCaseFromComplaintSerializer,
        responses={201: s.WageCaseDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    @action(detail=False, methods=["post"], url_path="from-complaint", filter_backends=[])
    def from_complaint(self, request: Request) -> Response:
        """Open the wage case of a complaint: its county, employer, inspectors and
        complainants with what each claimed. A complaint has at most one wage case."""
        user = self._editor()
        data = self._input(inputs.WageCaseFromComplaintSerializer)
        case = services.wagecase_open_from_complaint(by=user, **data)
        return self._done(case, status.HTTP_201_CREATED)

    # --- acts on a case ------------------------------------------------------------------

    @extend_schema(request=inputs.AssignSerializer, responses={200: s.WageCaseDetailSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], filter_backends=[])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """Assign (or, heads only, reassign) at least two inspectors."""
        case = self.get_object()
        user = self._editor()
        data = self._input(inputs.AssignSerializer, case)
        services.wagecase_assign(by=user, case=case, inspectors=data["inspectors"])
        return self._done(case)

    @extend_schema(request=inputs.ClaimAddSerializer, responses={201: s.WageCaseDetailSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="claims", filter_backends=[])
    def add_claim(self, request: Request, pk: str | None = None) -> Response:
        """Add a worker found owed after the case was opened."""
        case = self.get_object()
        user = self._editor()
        data = self._input(inputs.ClaimAddSerializer, case)
        services.claim_add(by=user, case=case, **data)
        return self._done(case, status.HTTP_201_CREATED)

    @extend_schema(
        request=inputs.ClaimConfirmSerializer,
        parameters=[OpenApiParameter("claim_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={200: s.WageCaseDetailSerializer, **WRITE_ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"claims/(?P<claim_id>[0-9]+)/confirm",
        url_name="claim-confirm",
        filter_backends=[],
    )
    def confirm_claim(self, request: Request, pk: str | None = None, claim_id: str | None = None) -> Response:
        """Confirm (or correct) what one worker is owed. A claim of another case is 404."""
        case = self.get_object()
        user = self._editor()
        claim = get_object_or_404(Claim.objects.select_related("case"), pk=claim_id, case=case)
        data = self._input(inputs.ClaimConfirmSerializer, case)
        services.claim_confirm(by=user, claim=claim, **data)
        return self._done(case)

    @extend_schema(request=inputs.PaymentRecordSerializer, responses={201: s.WageCaseDetailSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="payments", filter_backends=[])
    def record_payment(self, request: Request, pk: str | None = None) -> Response:
        """Record money recovered and its allocation to the workers' claims: the allocations
        add up to the amount exactly; wages to a worker never exceed what was confirmed."""
        case = self.get_object()
        user = self._editor()
        data = self._input(inputs.PaymentRecordSerializer, case)
        allocations = [(item["claim"], item["amount"], item["kind"]) for item in data.pop("allocations")]
        services.payment_record(by=user, case=case, allocations=allocations, **data)
        return self._done(case, status.HTTP_201_CREATED)

    @extend_schema(
        request=inputs.PaymentReverseSerializer,
        parameters=[OpenApiParameter("payment_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={200: s.WageCaseDetailSerializer, **WRITE_ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"payments/(?P<payment_id>[0-9]+)/reverse",
        url_name="payment-reverse",
        filter_backends=[],
    )
    def reverse_payment(self, request: Request, pk: str | None = None, payment_id: str | None = None) -> Response:
        """Reverse a payment entered in error (it is kept, marked, and stops counting). A
        payment of another case is 404."""
        case = self.get_object()
        user = self._editor()
        payment = get_object_or_404(Payment.objects.select_related("case"), pk=payment_id, case=case)
        data = self._input(inputs.PaymentReverseSerializer, case)
        services.payment_reverse(by=user, payment=payment, **data)
        return self._done(case)

    @extend_schema(
        request=inputs.NoInputSerializer,
        parameters=[OpenApiParameter("allocation_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={200: s.WageCaseDetailSerializer, **WRITE_ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"allocations/(?P<allocation_id>[0-9]+)/confirm-receipt",
        url_name="allocation-confirm-receipt",
        filter_backends=[],
    )
    def confirm_receipt(self, request: Request, pk: str | None = None, allocation_id: str | None = None) -> Response:
        """Record that the worker confirmed receiving his part of a payment (also after
        closure). An allocation of another case is 404."""
        case = self.get_object()
        user = self._editor()
        allocation = get_object_or_404(
            Allocation.objects.select_related("payment__case"), pk=allocation_id, payment__case=case
        )
        self._input(inputs.NoInputSerializer, case)
        services.receipt_confirm(by=user, allocation=allocation)
        return self._done(case)

    @extend_schema(request=inputs.LinkProjectSerializer, responses={200: s.WageCaseDetailSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="project", filter_backends=[])
    def link_project(self, request: Request, pk: str | None = None) -> Response:
        """Link the case to its construction project, or unlink it with `null`."""
        case = self.get_object()
        user = self._editor()
        data = self._input(inputs.LinkProjectSerializer, case)
        services.wagecase_link_project(by=user, case=case, project=data["project"])
        return self._done(case)

    @extend_schema(request=inputs.OrderPaymentSerializer, responses={200: s.WageCaseDetailSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="order-payment", filter_backends=[])
    def order_payment(self, request: Request, pk: str | None = None) -> Response:
        """Record the order to pay by a deadline (责令限期支付): `due_on`, or `working_days`
        counted on the official calendar from the day after the order."""
        case = self.get_object()
        user = self._editor()
        data = self._input(inputs.OrderPaymentSerializer, case)
        services.wagecase_order_payment(by=user, case=case, **data)
        return self._done(case)

    @extend_schema(
        request=inputs.OrderContractorSerializer, responses={200: s.WageCaseDetailSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"], url_path="order-contractor", filter_backends=[])
    def order_contractor(self, request: Request, pk: str | None = None) -> Response:
        """Order the project's general contractor to pay first (总包先行清偿)."""
        case = self.get_object()
        user = self._editor()
        data = self._input(inputs.OrderContractorSerializer, case)
        services.wagecase_order_contractor(by=user, case=case, **data)
        return self._done(case)

    @extend_schema(request=inputs.MarkIncidentSerializer, responses={200: s.WageCaseDetailSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="mark-incident", filter_backends=[])
    def mark_incident(self, request: Request, pk: str | None = None) -> Response:
        """Record that the arrears caused a mass or extreme incident (`note` required)."""
        case = self.get_object()
        user = self._editor()
        data = self._input(inputs.MarkIncidentSerializer, case)
        services.wagecase_mark_incident(by=user, case=case, **data)
        return self._done(case)

    @extend_schema(request=inputs.CloseSerializer, responses={200: s.WageCaseDetailSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request: Request, pk: str | None = None) -> Response:
        """Close the case: as paid (no `transferred_to`) when every claim is confirmed and
        nothing is outstanding, otherwise with the remainder transferred."""
        case = self.get_object()
        user = self._editor()
        data = self._input(inputs.CloseSerializer, case)
        services.wagecase_close(by=user, case=case, **data)
        return self._done(case)

    # --- export --------------------------------------------------------------------------

    @extend_schema(
        operation_id="v1_wage_cases_export_xlsx",
        filters=True,
        description=gettext_lazy("按与列表相同的筛选条件导出全部案件（不分页）及其合计为 Excel。导出会被记录。"),
        responses={(200, exports.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY, 400: ERRORS[400]},
    )
    def export(self, request: Request) -> FileResponse:
        """Every case of the filtered list, with its totals, as an .xlsx workbook."""
        queryset = self.filter_queryset(self.get_queryset())
        ids: list[int] = []

        def rows() -> Any:
            for case in queryset.iterator(chunk_size=exports.CHUNK):
                ids.append(case.pk)
                yield case

        workbook = exports.write_wagecases(rows())
        self._record(AccessAction.EXPORT, ids, CASE_MODEL)
        filename = f"{_('欠薪案件')}-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(workbook, as_attachment=True, filename=filename, content_type=exports.XLSX_CONTENT_TYPE)


class WageCaseExportViewSet(WageCaseViewSet):
    """The export at `wage-cases/export.xlsx` (mapped by hand: no trailing slash)."""

    renderer_classes = [JSONRenderer, XlsxRenderer]
    pagination_class = None


class WageWorkerViewSet(RecordingMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Workers as wage cases see them: the list holds the workers known to the user's region
    who have a claim on a wage case he may see; a worker's page gives every such claim and
    their sums. ID numbers masked; every read is recorded, as for the worker API."""

    serializer_class = s.WageWorkerRowSerializer
    filterset_class = WorkerFilter
    ordering_fields = ["name"]
    ordering = ["name", "id"]
    lookup_value_regex = "[0-9]+"

    def base_queryset(self) -> ScopedQuerySet[Any]:
        user = self.request.user
        if not roles.can(user, "wagecases.view"):
            return Worker.objects.none()
        if self.action == "retrieve":
            return Worker.objects.all()
        claims = Claim.objects.filter(worker=OuterRef("pk"), case__in=WageCase.objects.visible_to(user).values("pk"))
        cases = claims.order_by().values("worker").annotate(n=Count("case", distinct=True)).values("n")
        queryset: ScopedQuerySet[Any] = Worker.objects.filter(Exists(claims)).annotate(
            cases=Coalesce(Subquery(cases, output_field=IntegerField()), Value(0))
        )
        return queryset

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        results = response.data.get("results", []) if isinstance(response.data, dict) else response.data
        self._record(AccessAction.LIST, [row["id"] for row in results], WORKER_MODEL)
        return response

    @extend_schema(responses={200: s.WageWorkerSerializer, 404: ERRORS[404]})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Every claim of the worker on the wage cases the user may see (case number,
        employer, status, claimed, confirmed, paid, outstanding) and their sums. Recorded."""
        worker = self.get_object()
        figures = selectors.worker_totals(worker, request.user)
        cases = WageCase.objects.select_related("employer").in_bulk({row.case_id for row in figures.claims})
        data = s.worker_data(worker, figures, cases)
        self._record(AccessAction.VIEW, [worker.pk], WORKER_MODEL)
        return Response(data)
