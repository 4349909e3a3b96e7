"""The complaint API: thin views over complaints.services (writes) and complaints.selectors
(reads), scoped by the base viewset. Every read of a case page is recorded (it carries
workers' personal data), and so is every disclosure of a reporter's identity and every export."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from bureau import roles
from bureau.api.base import ScopedGenericViewSet, acting_user
from bureau.audit import client_ip, masked_query, record_access
from bureau.models import AccessAction
from bureau.scoping import ScopedQuerySet
from bureau.workdays import WorkdayCalendar
from complaints import exports, selectors, services
from complaints.api import inputs
from complaints.api import serializers as s
from complaints.api.filters import ComplaintFilter, ComplaintOrdering
from complaints.models import Category, Complaint, Event
from complaints.selectors import HIDDEN_FROM_WINDOW
from complaints.services import attachment_add

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPORTER_MODEL = "complaints.Complaint.reporter"


class CategoryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Active case categories (reference data, the same for every region)."""

    serializer_class = s.CategorySerializer
    queryset = Category.objects.filter(active=True)
    filter_backends: list[Any] = []


def conflict(code: str, message: str, **extra: Any) -> Response:
    return Response({"code": code, "message": message, "errors": [], **extra}, status=status.HTTP_409_CONFLICT)


class XlsxRenderer(BaseRenderer):
    """Lets a client ask for the export with `Accept: <xlsx type>`; the view itself answers
    with a file. An error answered through it is JSON."""

    media_type = exports.XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return JSONRenderer().render(data)


ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description=gettext_lazy("数据有误")),
    403: OpenApiResponse(s.ErrorSerializer, description=gettext_lazy("角色无权执行")),
    404: OpenApiResponse(s.ErrorSerializer, description=gettext_lazy("不存在或不在您的辖区内")),
}


class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Complaint and report cases (举报投诉案件) of the user's region subtree. Assistants and
    administrators see none."""

    filterset_class = ComplaintFilter
    filter_backends = [DjangoFilterBackend, ComplaintOrdering]
    ordering_fields = ["deadline", "received_on", "number"]
    ordering = ["-received_on"]
    lookup_value_regex = "[0-9]+"

    def base_queryset(self) -> ScopedQuerySet[Any]:
        if self.action in ("list", "export"):
            return selectors.complaint_rows()
        return selectors.complaint_details()

    def get_serializer_class(self) -> Any:
        if self.action == "list":
            return s.ComplaintRowSerializer
        return s.ComplaintDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), **self._clock()}

    def _clock(self) -> dict[str, Any]:
        """One working-day calendar and one `today` for the whole request."""
        if not hasattr(self, "_clock_cache"):
            self._clock_cache = {"calendar": WorkdayCalendar(), "today": timezone.localdate()}
        return self._clock_cache

    def _record(self, action: AccessAction, ids: list[int], model: str = "complaints.Complaint") -> None:
        record_access(
            user=self.request.user,
            action=action,
            model=model,
            object_ids=ids,
            query=masked_query(self.request.META.get("QUERY_STRING", "")),
            remote_addr=client_ip(self.request),
        )

    def _detail(self, complaint: Complaint, status_code: int = status.HTTP_200_OK) -> Response:
        """The case page for the requesting user, recorded as a read of personal data (and of
        the reporter's identity when it is shown)."""
        user = acting_user(self.request)
        reporter_shown = services.can_see_reporter(user, complaint) and s.reporter_of(complaint) is not None
        context = {
            **self.get_serializer_context(),
            "allowed_acts": services.allowed_acts(user, complaint),
            "show_reporter": reporter_shown,
            "show_penalty_drafts": selectors.can_see_penalty_drafts(user),
            "employer_history": selectors.employer_history(user=user, complaint=complaint),
            "worker_cases": selectors.worker_other_cases(user=user, complaint=complaint),
        }
        data = s.ComplaintDetailSerializer(complaint, context=context).data
        self._record(AccessAction.VIEW, [complaint.pk])
        if reporter_shown:
            self._record(AccessAction.REVEAL, [complaint.pk], model=REPORTER_MODEL)
        return Response(data, status=status_code)

    def _reload(self, pk: int) -> Complaint:
        complaint: Complaint = selectors.complaint_details().visible_to(self.request.user).get(pk=pk)
        return complaint

    @extend_schema(
        description=gettext_lazy(
            "列表。`deadline` 为当前期限（受理决定或调查期限）及剩余工作日；`?ordering=deadline` 按期限最近排序。"
        ),
        responses={200: s.ComplaintRowSerializer(many=True), 400: ERRORS[400]},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: s.ComplaintDetailSerializer, 404: ERRORS[404]})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A case with its complainants, timeline, attachments, the acts the user may do now,
        the employer's other cases and, for the handling inspectors and heads, the reporter.
        Recorded as a read of personal data."""
        return self._detail(self.get_object())

    @extend_schema(
        request=inputs.ComplaintRegisterSerializer,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description=gettext_lazy("同一表单的唯一键（如UUID）；重复提交时答 409 并给出已登记的案件。"),
            )
        ],
        responses={
            201: s.ComplaintDetailSerializer,
            400: ERRORS[400],
            403: ERRORS[403],
            409: OpenApiResponse(s.ConflictSerializer, description=gettext_lazy("重复提交：id、number 为已登记的案件")),
        },
    )
    def create(self, request: Request) -> Response:
        """Register a complaint (投诉) or a report (举报): numbered per county and year, the
        acceptance decision due 5 working days after receipt. Nothing is stored on any error."""
        user = acting_user(request)
        roles.require(user, "complaints.register")
        serializer = inputs.ComplaintRegisterSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip() or data.pop("idempotency_key", "").strip()
        data.pop("idempotency_key", None)
        if len(key) > 64:
            return Response(
                {
                    "code": "invalid",
                    "message": _("提交的数据有误，请检查标出的字段。"),
                    "errors": [{"field": "idempotency_key", "code": "max_length", "message": _("不超过64个字符。")}],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        data["complainants"] = [services.ComplainantInput(**item) for item in data.get("complainants", [])]
        try:
            complaint = services.complaint_register(by=user, idempotency_key=key, **data)
        except services.DuplicateSubmission as exc:
            return self._duplicate(exc.complaint, exc.message)
        except IntegrityError:
            # Two submissions with the same key at the same moment: the unique constraint
            # stopped the second one, after the first committed.
            earlier = Complaint.objects.filter(created_by=user, idempotency_key=key).first() if key else None
            if earlier is None:
                raise
            return self._duplicate(earlier, services.DuplicateSubmission(earlier).message)
        return self._detail(self._reload(complaint.pk), status.HTTP_201_CREATED)

    def _duplicate(self, complaint: Complaint, message: str) -> Response:
        return conflict("duplicate_submission", message, id=complaint.pk, number=complaint.number)

    @extend_schema(
        request=inputs.ActInputSerializer,
        responses={
            200: s.ComplaintDetailSerializer,
            400: ERRORS[400],
            403: ERRORS[403],
            404: ERRORS[404],
            409: OpenApiResponse(
                s.ConflictSerializer, description=gettext_lazy("当前状态不允许此操作：allowed 为此状态下可做的操作")
            ),
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def acts(self, request: Request, pk: str | None = None) -> Response:
        """Perform one act of the lifecycle (accept, assign, record a step, request closure...).
        The acts the user may do now are the case's `allowed_acts`."""
        complaint = self.get_object()
        serializer = inputs.ActInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        try:
            services.complaint_act(complaint=complaint, by=acting_user(request), **serializer.validated_data)
        except services.InvalidTransition as exc:
            return conflict("invalid_transition", exc.message, allowed=exc.allowed)
        return self._detail(self._reload(complaint.pk))

    @extend_schema(responses={200: s.CandidateSerializer(many=True), 404: ERRORS[404]})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def candidates(self, request: Request, pk: str | None = None) -> Response:
        """Staff who may be assigned to the case: active inspectors and heads whose region
        contains the case's county or lies in it."""
        complaint = self.get_object()
        users = selectors.inspector_candidates(complaint=complaint)
        return Response(s.CandidateSerializer(users, many=True).data)

    @extend_schema(
        request={"multipart/form-data": inputs.AttachmentUploadSerializer},
        responses={201: s.AttachmentSerializer, 400: ERRORS[400], 404: ERRORS[404]},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="attachments",
        parser_classes=[MultiPartParser, FormParser],
        filter_backends=[],
    )
    def attachments(self, request: Request, pk: str | None = None) -> Response:
        """Attach a file (at most 10 MB; PDF, images, Word or Excel, told from the content,
        not the name) to the case, optionally to one event of its timeline."""
        complaint = self.get_object()
        serializer = inputs.AttachmentUploadSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        event = None
        event_id = serializer.validated_data.get("event")
        if event_id is not None:
            event = Event.objects.filter(pk=event_id, complaint=complaint).first()
            if event is None:
                return Response(
                    {
                        "code": "invalid",
                        "message": _("提交的数据有误，请检查标出的字段。"),
                        "errors": [{"field": "event", "code": "does_not_exist", "message": _("该进程不属于本案。")}],
                    },
                    status=status.HTTP_400_BAD_REQUEST,
                )
        attachment = attachment_add(
            complaint=complaint, by=acting_user(request), file=serializer.validated_data["file"], event=event
        )
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ERRORS[404]},
        parameters=[OpenApiParameter("att_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<att_id>[0-9]+)/download",
        url_name="attachment-download",
        filter_backends=[],
    )
    def download(self, request: Request, pk: str | None = None, att_id: str | None = None) -> FileResponse:
        """The file of an attachment, to users who can see the case. Recorded."""
        complaint = self.get_object()
        attachment = complaint.attachments.select_related("event").filter(pk=att_id).first()
        hidden = (
            attachment is not None and attachment.event is not None and attachment.event.action in HIDDEN_FROM_WINDOW
        )
        if attachment is None or (hidden and not selectors.can_see_penalty_drafts(acting_user(request))):
            raise NotFound(_("未找到。"))
        self._record(AccessAction.VIEW, [attachment.pk], model="complaints.Attachment")
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.content_type,
        )
        response["Content-Security-Policy"] = "sandbox"
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(
        operation_id="v1_complaints_export_xlsx",
        filters=True,
        description=gettext_lazy("按与列表相同的筛选条件导出全部案件（不分页）为 Excel。导出会被记录。"),
        responses={(200, exports.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY, 400: ERRORS[400]},
    )
    def export(self, request: Request) -> FileResponse:
        """Every case of the filtered list as an .xlsx workbook."""
        clock = self._clock()
        queryset = self.filter_queryset(self.get_queryset())
        ids: list[int] = []

        def rows() -> Any:
            for complaint in queryset.iterator(chunk_size=exports.CHUNK):
                ids.append(complaint.pk)
                yield complaint

        workbook = exports.write_complaints(rows(), today=clock["today"], calendar=clock["calendar"])
        self._record(AccessAction.EXPORT, ids)
        filename = f"{_('投诉举报案件')}-{clock['today']:%Y%m%d}.xlsx"
        return FileResponse(workbook, as_attachment=True, filename=filename, content_type=exports.XLSX_CONTENT_TYPE)


class ComplaintExportViewSet(ComplaintViewSet):
    """The export at `complaints/export.xlsx` (mapped by hand: no trailing slash)."""

    renderer_classes = [JSONRenderer, XlsxRenderer]
    pagination_class = None


class CaseStatusThrottle(AnonRateThrottle):
    """Per client address: `COMPLAINT_STATUS_LOOKUP_RATE` (default 10 a minute)."""

    scope = "complaint_status_lookup"

    def get_ident(self, request: Request) -> str:
        # The client's address as the login lock-out reads it (AXES_IP_HEADERS), not DRF's
        # default, which trusts any X-Forwarded-For a client sends.
        return client_ip(request) or str(request.META.get("REMOTE_ADDR", ""))

    def get_rate(self) -> str:
        from django.conf import settings

        return str(getattr(settings, "COMPLAINT_STATUS_LOOKUP_RATE", "10/min"))


class PublicCaseStatusView(APIView):
    """Status lookup for a visitor (no login): the case number and the phone of one of its
    complainants or of its reporter. Only the status and the dates are given; a wrong number
    and a wrong phone get the same 404. Limited to a few lookups a minute per address."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [CaseStatusThrottle]

    @extend_schema(
        auth=[],
        request=inputs.PublicCaseStatusQuerySerializer,
        responses={
            200: s.PublicCaseStatusSerializer,
            400: ERRORS[400],
            404: OpenApiResponse(s.ErrorSerializer, description=gettext_lazy("编号或电话不符")),
            429: OpenApiResponse(s.ErrorSerializer, description=gettext_lazy("查询过于频繁")),
        },
    )
    def post(self, request: Request) -> Response:
        query = inputs.PublicCaseStatusQuerySerializer(data=request.data)
        query.is_valid(raise_exception=True)
        complaint = selectors.public_case_lookup(
            number=query.validated_data["number"], phone=query.validated_data["phone"]
        )
        if complaint is None:
            raise NotFound(_("未找到与该案件编号和电话相符的案件，请核对。"))
        return Response(s.PublicCaseStatusSerializer(complaint).data)
