"""The group-complaint roster in the API: the template to download, checking a filled roster
(an uploaded .xlsx/.csv or rows typed in the form) without storing anything, and registering
or finding the workers of a checked roster for the intake form, which then sends them with the
complaint to POST /api/v1/complaints/.

Errors of single rows come back in the check's `rows[].errors`; a roster that cannot be read
at all (wrong type, too large, no header, too many rows) is a 4xx in the API error format with
a `roster_*` code."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bureau import roles
from bureau.api.base import ScopedRegionField, StrictInputSerializer, acting_user
from bureau.audit import client_ip, record_access
from bureau.models import AccessAction
from complaints import roster

ALLOWED_SUFFIXES = (".xlsx", ".csv")


class CanRegisterComplaints(BasePermission):
    message = gettext_lazy("您的角色无权执行此操作。")

    def has_permission(self, request: Request, view: Any) -> bool:
        return roles.can(request.user, "complaints.register")


class XlsxRenderer(BaseRenderer):
    """Lets a client ask for the template with `Accept: <xlsx>`; the view returns the bytes."""

    media_type = roster.XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data)  # an error body


# --- serializers (input, and the documented output) -------------------------------------------


class RosterRowInputSerializer(StrictInputSerializer):
    row = serializers.IntegerField(
        required=False, min_value=1, help_text="报告错误时使用的行号（默认为在列表中的位置）"
    )
    name = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    id_number = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    phone = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    amount_claimed = serializers.CharField(required=False, allow_blank=True, allow_null=True, help_text="元")
    period_from = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="2026-01-05、2026/1/5 或 2026年1月5日"
    )
    period_to = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class RosterRowsInputSerializer(StrictInputSerializer):
    rows = RosterRowInputSerializer(many=True)


class RosterRegisterInputSerializer(StrictInputSerializer):
    rows = RosterRowInputSerializer(many=True)
    region = ScopedRegionField(required=False, help_text="新登记劳动者的区划代码（默认为用户所在区划）")


class RosterUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=".xlsx 或 .csv（UTF-8/GBK），不超过 2 MB")


class RosterValuesSerializer(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.CharField()
    phone = serializers.CharField(help_text="E.164 when valid, else as given")
    amount_claimed = serializers.CharField(help_text="e.g. 12000.00 when valid, else as given")
    period_from = serializers.CharField(allow_null=True, help_text="ISO date when valid, else as given")
    period_to = serializers.CharField(allow_null=True)
    note = serializers.CharField()


class RowErrorSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    code = serializers.CharField()
    message = serializers.CharField()


class WorkerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RosterCheckRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Excel row number (header = 1), or the typed row's number")
    values = RosterValuesSerializer()
    # Declared fields named `errors` and `source` shadow Serializer.errors / Field.source for
    # the type checker only: DRF moves declared fields off the class.
    errors = RowErrorSerializer(many=True)  # type: ignore[assignment]
    worker = WorkerRefSerializer(allow_null=True, help_text="the worker already registered under this ID number")


class RosterCheckSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    source = serializers.ChoiceField(choices=["xlsx", "csv", "rows"])  # type: ignore[assignment]
    row_count = serializers.IntegerField()
    errors_count = serializers.IntegerField()
    bad_rows = serializers.ListField(child=serializers.IntegerField())
    ignored_columns = serializers.ListField(child=serializers.CharField())
    rows = RosterCheckRowSerializer(many=True)


class RosterWorkerSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    worker = WorkerRefSerializer()
    amount_claimed = serializers.DecimalField(max_digits=12, decimal_places=2)
    period_from = serializers.DateField(allow_null=True)
    period_to = serializers.DateField(allow_null=True)


# --- views ----------------------------------------------------------------------------------


def _refuse(http_status: int, code: str, message: str, field: str) -> Response:
    return Response(
        {"code": code, "message": message, "errors": [{"field": field, "code": code, "message": message}]},
        status=http_status,
    )


def _refuse_roster(error: roster.RosterError, field: str) -> Response:
    http_status = {
        "roster_too_large": status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        "roster_type": status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    }.get(error.code, status.HTTP_400_BAD_REQUEST)
    return _refuse(http_status, error.code, error.message, field)


def _typed_rows(request: Request, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    data["rows"] = [dict(row) for row in data["rows"]]
    return data


def content_disposition(filename: str, ascii_fallback: str) -> str:
    """`attachment` with an ASCII name for old clients and the real one RFC 5987-encoded."""
    return f"attachment; filename=\"{ascii_fallback}\"; filename*=UTF-8''{quote(filename)}"


class RosterTemplateView(APIView):
    """The Excel template of a group-complaint roster (集体投诉名单)."""

    permission_classes = [IsAuthenticated, CanRegisterComplaints]
    renderer_classes = [JSONRenderer, XlsxRenderer]

    @extend_schema(
        responses={
            (200, roster.XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="集体投诉名单模板.xlsx")
        }
    )
    def get(self, request: Request) -> HttpResponse:
        response = HttpResponse(roster.roster_template(), content_type=roster.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition(roster.TEMPLATE_FILENAME, roster.TEMPLATE_ASCII_FILENAME)
        response["Cache-Control"] = "private, max-age=3600"
        return response


class RosterCheckView(APIView):
    """Check a roster and report every row with its row number and errors. Stores nothing.

    Send the file as multipart `file` (.xlsx or .csv, at most 2 MB), or the rows typed in the
    form as JSON `{"rows": [...]}`. `worker` is the person already registered under the row's
    ID number when the user's region sees that record."""

    permission_classes = [IsAuthenticated, CanRegisterComplaints]
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": RosterUploadSerializer, "application/json": RosterRowsInputSerializer},
        responses={200: RosterCheckSerializer},
    )
    def post(self, request: Request) -> Response:
        user = acting_user(request)
        upload = request.FILES.get("file")
        if upload is not None:
            name = (upload.name or "").lower()
            if not name.endswith(ALLOWED_SUFFIXES):
                return _refuse(
                    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                    "roster_type",
                    _("只能上传Excel（.xlsx）或CSV文件。"),
                    "file",
                )
            if (upload.size or 0) > roster.MAX_UPLOAD_BYTES:
                return _refuse(
                    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                    "roster_too_large",
                    _("文件不能超过%(size)s MB。") % {"size": roster.MAX_UPLOAD_BYTES // (1024 * 1024)},
                    "file",
                )
            data: Any = upload.read()
            field = "file"
        elif "rows" in request.data:
            data = _typed_rows(request, RosterRowsInputSerializer)["rows"]
            field = "rows"
        else:
            return _refuse(status.HTTP_400_BAD_REQUEST, "required", _("请上传名单文件，或填写名单。"), "file")
        try:
            result = roster.parse_roster(data, today=timezone.localdate())
        except roster.RosterError as error:
            return _refuse_roster(error, field)
        roster.match_workers(user, result.rows)
        seen = [row.worker.pk for row in result.rows if row.worker is not None and row.worker_visible]
        record_access(
            user=user,
            action=AccessAction.LIST,
            model="bureau.Worker",
            object_ids=seen,
            query="roster-check",
            remote_addr=client_ip(request),
        )
        return Response(result.as_dict())


class RosterRegisterWorkersView(APIView):
    """Check the rows again, then register or find the worker of every row, all or nothing:
    a worker the region already sees is reused, one known only to another region is linked to
    this one, a new one is registered. Any row error is a 400 (fields `rows.<index>.<field>`,
    the index in the list sent; each message starts with the row number) and nothing is stored.
    The complaint itself is registered by POST /api/v1/complaints/."""

    permission_classes = [IsAuthenticated, CanRegisterComplaints]
    parser_classes = [JSONParser]

    @extend_schema(request=RosterRegisterInputSerializer, responses={200: RosterWorkerSerializer(many=True)})
    def post(self, request: Request) -> Response:
        user = acting_user(request)
        data = _typed_rows(request, RosterRegisterInputSerializer)
        try:
            result = roster.parse_roster(data["rows"], today=timezone.localdate())
        except roster.RosterError as error:
            return _refuse_roster(error, "rows")
        if not result.ok:
            raise roster.rows_error(result.rows)
        complainants = roster.roster_register(by=user, rows=result.rows, region=data.get("region"))
        return Response(
            [
                {
                    "row": row.row,
                    "worker": {"id": item.worker.pk, "name": item.worker.name},
                    "amount_claimed": str(item.amount_claimed),
                    "period_from": item.period_from.isoformat() if item.period_from else None,
                    "period_to": item.period_to.isoformat() if item.period_to else None,
                }
                for row, item in zip(result.rows, complainants, strict=True)
            ]
        )
