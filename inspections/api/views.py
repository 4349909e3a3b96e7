"""The inspections API: thin views over inspections.services and inspections.checklists
(writes) and inspections.selectors (reads), scoped by the base viewset
(`Model.objects.visible_to`: the county subtree, and nothing for roles without
`inspections.view`).

Every write checks its capability first (403 for window staff, whatever the body), turns ids
and region codes into objects among those the user may see, calls one service and answers with
the refreshed record. An act the record's state does not allow is 409 with the service's code
(`InvalidState`, answered by bureau.api.errors). A visit re-sent from the phone (same
`client_uuid`) answers 200 with the visit stored the first time and `duplicate: true`.

Campaign types and their checklist versions are national reference data, not region-scoped:
staff who see inspections read them, administrators keep them. Exports are recorded as the
other exports are."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import ErrorDetail, Serializer

from bureau import roles
from bureau.api.base import ScopedGenericViewSet, acting_user
from bureau.audit import client_ip, masked_query, record_access
from bureau.models import AccessAction, Employer, Region, RegionLevel, Role, StaffRole, User
from bureau.numbering import county_of
from bureau.scoping import ScopedQuerySet
from complaints.api.serializers import ErrorSerializer
from complaints.api.views import XlsxRenderer
from inspections import checklists, selectors, services
from inspections.api import exports, inputs
from inspections.api import serializers as s
from inspections.api.filters import (
    AnnualReviewFilter,
    CampaignFilter,
    PatrolTargetFilter,
    RectificationOrderFilter,
    VisitFilter,
)
from inspections.models import (
    AnnualReview,
    Campaign,
    CampaignType,
    ChecklistTemplate,
    OrderEvent,
    OrderItem,
    OrderStatus,
    PatrolTarget,
    RectificationOrder,
    Visit,
    VisitPhoto,
    WagesOnTime,
)

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=gettext_lazy("数据有误")),
    403: OpenApiResponse(ErrorSerializer, description=gettext_lazy("角色无权执行")),
    404: OpenApiResponse(ErrorSerializer, description=gettext_lazy("不存在或不在您的辖区内")),
    409: OpenApiResponse(ErrorSerializer, description=gettext_lazy("当前状态不允许此操作（code 说明原因）")),
}
WRITE_ERRORS = {code: ERRORS[code] for code in (400, 403, 404, 409)}
XLSX_RESPONSES: dict[Any, Any] = {(200, exports.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY, 400: ERRORS[400]}
EXPORT_RENDERERS = [JSONRenderer, XlsxRenderer]

YEAR_PARAM = OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.QUERY)
COUNTY_PARAM = OpenApiParameter(
    "county",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    description=gettext_lazy("县（区）的区划代码；默认为您所属的县（区）"),
)


def query_error(field: str, message: str, code: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({field: [ErrorDetail(message, code=code)]})


def people() -> Prefetch:
    return Prefetch("inspectors", queryset=User.objects.only("id", "username", "name").order_by("name", "id"))


class InspectionsViewMixin:
    """What every viewset of the app does the same way: inputs checked by a strict serializer
    with the request (and the record) in its context, capabilities, recorded exports, the
    `county` and `year` of a query string."""

    request: Any
    get_serializer_context: Callable[[], dict[str, Any]]

    def _input(self, serializer_class: type[Serializer], *, partial: bool = False, **context: Any) -> dict[str, Any]:
        serializer = serializer_class(
            data=self.request.data, partial=partial, context={**self.get_serializer_context(), **context}
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _user(self, capability: str) -> User:
        user = acting_user(self.request)
        roles.require(user, capability)
        return user

    def _record_export(self, ids: Sequence[int], model: str) -> None:
        record_access(
            user=self.request.user,
            action=AccessAction.EXPORT,
            model=model,
            object_ids=ids,
            query=masked_query(self.request.META.get("QUERY_STRING", "")),
            remote_addr=client_ip(self.request),
        )

    def _export(self, queryset: Any, write: Any, model: str, title: str, *args: Any) -> FileResponse:
        ids: list[int] = []

        def rows() -> Any:
            for row in queryset.iterator(chunk_size=exports.CHUNK):
                ids.append(row.pk)
                yield row

        workbook = write(rows(), *args)
        self._record_export(ids, model)
        filename = f"{title}-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(workbook, as_attachment=True, filename=filename, content_type=exports.XLSX_CONTENT_TYPE)

    def _query_year(self, default: int) -> int:
        raw = (self.request.query_params.get("year") or "").strip()
        if not raw:
            return default
        if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
            raise query_error("year", _("年度不正确。"), "invalid")
        return int(raw)

    def _query_region(self) -> Region | None:
        """The region of `?county=<code>` among the user's (None when not given): a code
        unknown or outside the user's subtree is `does_not_exist`."""
        user = acting_user(self.request)
        code = (self.request.query_params.get("county") or "").strip()
        if not code:
            return None
        region = Region.objects.visible_to(user).filter(code=code).first()
        if region is None:
            raise query_error(
                "county", _("区划代码 %(code)s 不存在或不在您的辖区内。") % {"code": code}, "does_not_exist"
            )
        return region

    def _query_county(self) -> Region | None:
        """The county of `?county=<code>` among the user's, or the user's own county (None for
        staff above county level). A region of another level is `region_level`."""
        region = self._query_region()
        if region is None:
            return county_of(acting_user(self.request).region)
        if region.level != RegionLevel.COUNTY:
            raise query_error("county", _("请选择县（区）。"), "region_level")
        return region


def sees_reference_data(user: Any) -> bool:
    return roles.can(user, "inspections.view") or roles.can(user, "admin.manage")


# --- campaign types and checklists --------------------------------------------------------------


class CampaignTypeViewSet(InspectionsViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Campaign types (专项检查类型) with their current checklist: national reference data, the
    same for every region. Staff who see inspections read them; administrators add types and
    publish new checklist versions."""

    serializer_class = s.CampaignTypeSerializer
    pagination_class = None
    filter_backends: list[Any] = []
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> Any:
        if not sees_reference_data(self.request.user):
            return CampaignType.objects.none()
        return CampaignType.objects.prefetch_related("templates")

    @extend_schema(responses={200: s.CampaignTypeSerializer(many=True)})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Every type, active or not (`active`), each with its current checklist (`template`,
        the highest version; null when the type has none yet). Not paginated."""
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=inputs.CampaignTypeInputSerializer,
        responses={201: s.CampaignTypeSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def create(self, request: Request) -> Response:
        """Add a type (administrators). Its checklist is published with `checklist/`."""
        user = self._user("admin.manage")
        data = self._input(inputs.CampaignTypeInputSerializer)
        campaign_type = checklists.campaign_type_create(by=user, **data)
        return Response(s.CampaignTypeSerializer(campaign_type).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=inputs.ChecklistPublishSerializer,
        responses={
            201: s.ChecklistTemplateDetailSerializer,
            200: OpenApiResponse(
                s.ChecklistTemplateDetailSerializer, description=gettext_lazy("与当前版本相同：未发布")
            ),
            400: ERRORS[400],
            403: ERRORS[403],
            404: ERRORS[404],
        },
    )
    @action(detail=True, methods=["post"])
    def checklist(self, request: Request, pk: str | None = None) -> Response:
        """Publish a new version of the type's checklist (administrators): 201 with the new
        version; 200 with the current one when the items are the same. Versions already
        published never change, so visits keep the questions they were answered with."""
        campaign_type = self.get_object()
        user = self._user("admin.manage")
        data = self._input(inputs.ChecklistPublishSerializer)
        before = campaign_type.current_template()
        template = checklists.template_publish(
            by=user, campaign_type=campaign_type, items=data["items"], note=data.get("note", "")
        )
        created = before is None or template.pk != before.pk
        return Response(
            s.ChecklistTemplateDetailSerializer(template).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ChecklistTemplateViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Any version of a checklist (a visit shows the version it was answered with)."""

    serializer_class = s.ChecklistTemplateDetailSerializer
    filter_backends: list[Any] = []
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> Any:
        if not sees_reference_data(self.request.user):
            return ChecklistTemplate.objects.none()
        return ChecklistTemplate.objects.select_related("campaign_type")

    @extend_schema(responses={200: s.ChecklistTemplateDetailSerializer, 404: ERRORS[404]})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)


# --- campaigns ----------------------------------------------------------------------------------


class CampaignViewSet(InspectionsViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Campaigns (专项检查) of the user's county subtree, with their progress. Heads plan them."""

    filterset_class = CampaignFilter
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["starts_on", "ends_on", "name"]
    ordering = ["-starts_on", "-id"]
    lookup_value_regex = "[0-9]+"

    def base_queryset(self) -> ScopedQuerySet[Any]:
        queryset: ScopedQuerySet[Any] = selectors.with_progress(  # type: ignore[assignment]
            Campaign.objects.select_related("county", "campaign_type").prefetch_related(
                Prefetch("regions", queryset=Region.objects.order_by("code"))
            )
        )
        return queryset

    def get_serializer_class(self) -> Any:
        return s.CampaignRowSerializer if self.action == "list" else s.CampaignDetailSerializer

    def _detail(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        campaign = self.get_queryset().get(pk=pk)
        context = {**self.get_serializer_context(), "can_edit": roles.can(self.request.user, "inspections.plan")}
        return Response(s.CampaignDetailSerializer(campaign, context=context).data, status=status_code)

    @extend_schema(responses={200: s.CampaignRowSerializer(many=True), 400: ERRORS[400]})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Campaigns, newest first, each with `visits_count`, `employers_visited` (distinct),
        `percent` of the target and `contracts_urged_total`."""
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: s.CampaignDetailSerializer, 404: ERRORS[404]})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A campaign with the current checklist of its type and `can_edit`."""
        return self._detail(self.get_object().pk)

    @extend_schema(
        request=inputs.CampaignInputSerializer,
        responses={201: s.CampaignDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def create(self, request: Request) -> Response:
        """Plan a campaign (heads): its type, period (at most a year), townships (none: the
        whole county), industries and target number of employers."""
        user = self._user("inspections.plan")
        data = self._input(inputs.CampaignInputSerializer)
        county = data.pop("county", None)
        campaign = services.campaign_create(by=user, data=services.CampaignInput(**data), county=county)
        return self._detail(campaign.pk, status.HTTP_201_CREATED)

    @extend_schema(
        request=inputs.CampaignUpdateSerializer,
        responses={200: s.CampaignDetailSerializer, **WRITE_ERRORS},
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        """Change a campaign (heads): only the fields sent change. Its type stays once a visit
        was recorded, and its period must still hold its visits."""
        campaign = self.get_object()
        user = self._user("inspections.plan")
        data = self._input(inputs.CampaignUpdateSerializer, partial=True)
        current = {
            "name": campaign.name,
            "campaign_type": campaign.campaign_type,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "regions": list(campaign.regions.all()),
            "industries": list(campaign.industries),
            "target_employers": campaign.target_employers,
            "description": campaign.description,
        }
        services.campaign_update(by=user, campaign=campaign, data=services.CampaignInput(**{**current, **data}))
        return self._detail(campaign.pk)

    @extend_schema(
        filters=True,
        description=gettext_lazy("按与列表相同的筛选条件导出全部专项检查（不分页）及其进度为 Excel。导出会被记录。"),
        responses=XLSX_RESPONSES,
    )
    @action(detail=False, methods=["get"], pagination_class=None, renderer_classes=EXPORT_RENDERERS)
    def export(self, request: Request) -> FileResponse:
        queryset = self.filter_queryset(self.get_queryset())
        return self._export(queryset, exports.write_campaigns, "inspections.Campaign", _("专项检查"))


# --- visits -------------------------------------------------------------------------------------


def visit_rows() -> ScopedQuerySet[Any]:
    """What a list row shows: county, employer and campaign joined, the inspectors in one
    prefetch, the number of orders issued."""
    queryset: ScopedQuerySet[Any] = (
        Visit.objects.select_related("county", "employer", "campaign")
        .prefetch_related(people())
        .annotate(orders_count=Count("orders", distinct=True))
    )
    return queryset


def visit_details() -> ScopedQuerySet[Any]:
    queryset: ScopedQuerySet[Any] = (
        visit_rows()
        .select_related("template__campaign_type", "complaint", "wage_case", "created_by")
        .prefetch_related(
            Prefetch("photos", queryset=VisitPhoto.objects.order_by("uploaded_at", "id")),
            Prefetch("orders", queryset=RectificationOrder.objects.order_by("served_on", "id")),
        )
    )
    return queryset


def visit_acts(user: User, visit: Visit) -> list[str]:
    """The acts the user may do on the visit now: its inspectors, whoever typed it and heads
    (`services.can_edit_visit`); a wage case only when unpaid wages were found and none was
    opened yet, a complaint case only when none was opened yet."""
    if not services.can_edit_visit(user, visit):
        return []
    acts = ["add_photo", "issue_order"]
    if visit.wages_on_time == WagesOnTime.NO and visit.wage_case_id is None:
        acts.append("open_wage_case")
    if visit.complaint_id is None:
        acts.append("open_complaint")
    return acts


def inspector_candidates(county: Region) -> Any:
    """Who may be a visit's inspector: active inspectors and heads whose region covers the
    county (the county itself, its city or province), as `services.check_inspectors` checks."""
    codes = county.path.strip("/").split("/")
    covering = ["/".join(codes[: index + 1]) + "/" for index in range(len(codes))]
    has_role = StaffRole.objects.filter(role__in=[Role.INSPECTOR, *roles.HEADS]).values("user_id")
    return (
        User.objects.filter(is_active=True, region__path__in=covering, pk__in=has_role)
        .only("id", "username", "name")
        .order_by("name", "username", "id")
    )


def order_details() -> ScopedQuerySet[Any]:
    queryset: ScopedQuerySet[Any] = order_rows().prefetch_related(
        Prefetch("items", queryset=OrderItem.objects.select_related("followup_visit").order_by("position")),
        Prefetch("events", queryset=OrderEvent.objects.select_related("by", "visit").order_by("at", "id")),
    )
    return queryset


def order_rows() -> ScopedQuerySet[Any]:
    queryset: ScopedQuerySet[Any] = RectificationOrder.objects.select_related(
        "county", "employer", "visit", "review", "complaint", "wage_case"
    ).annotate(
        items_total=Count("items", distinct=True),
        items_met=Count("items", filter=Q(items__met=True), distinct=True),
    )
    return queryset


def order_acts(user: User, order: RectificationOrder) -> list[str]:
    acts = []
    if roles.can(user, "inspections.record"):
        if order.status == OrderStatus.OPEN:
            acts.append("follow_up")
        if order.status == OrderStatus.UNMET:
            acts.append("open_case")
    if order.status == OrderStatus.OPEN and roles.can(user, "inspections.plan"):
        acts.append("cancel")
    return acts


def order_response(request: Request, order_id: int, status_code: int = status.HTTP_200_OK) -> Response:
    user = acting_user(request)
    order = order_details().visible_to(user).get(pk=order_id)
    context = {"request": request, "today": timezone.localdate(), "allowed_acts": order_acts(user, order)}
    return Response(s.RectificationOrderDetailSerializer(order, context=context).data, status=status_code)


def case_claims(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (item["worker"], item["amount_claimed"], item.get("period_from"), item.get("period_to"))
        for item in data.get("claims", [])
    ]


class VisitViewSet(InspectionsViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Site visits and patrols (检查记录) of the user's county subtree. Window staff read them;
    inspectors and heads record them, add photos, issue orders and open cases from them."""

    filterset_class = VisitFilter
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["visited_at", "number"]
    ordering = ["-visited_at", "-id"]
    lookup_value_regex = "[0-9]+"

    def base_queryset(self) -> ScopedQuerySet[Any]:
        if self.action in ("list", "export"):
            return visit_rows()
        if self.action == "retrieve":
            return visit_details()
        queryset: ScopedQuerySet[Any] = Visit.objects.select_related("county", "template")
        return queryset

    def get_serializer_class(self) -> Any:
        return s.VisitRowSerializer if self.action == "list" else s.VisitDetailSerializer

    def _detail(self, pk: int, status_code: int = status.HTTP_200_OK, duplicate: bool | None = None) -> Response:
        user = acting_user(self.request)
        visit = visit_details().visible_to(user).get(pk=pk)
        followed = (
            RectificationOrder.objects.visible_to(user)
            .filter(items__followup_visit=visit)
            .distinct()
            .order_by("served_on", "id")
        )
        context = {
            **self.get_serializer_context(),
            "allowed_acts": visit_acts(user, visit),
            "followed_orders": list(followed),
        }
        if duplicate is None:
            return Response(s.VisitDetailSerializer(visit, context=context).data, status=status_code)
        context["duplicate"] = duplicate
        return Response(s.VisitCreatedSerializer(visit, context=context).data, status=status_code)

    @extend_schema(responses={200: s.VisitRowSerializer(many=True), 400: ERRORS[400]})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Visits, newest first. `has_problems`: unpaid wages, child labour, wages below the
        minimum or workers urged to sign a contract."""
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: s.VisitDetailSerializer, 404: ERRORS[404]})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A visit with its checklist answered (the questions of the version it was answered
        with), photos, the orders issued and followed up, the cases opened from it and the
        acts the user may do now."""
        return self._detail(self.get_object().pk)

    def _resent(self, user: User) -> Visit | None:
        """The visit this user already stored with the `client_uuid` of the request, if any: a
        phone re-sending a visit typed offline gets it back whatever changed since (an
        inspector who left, a campaign now closed)."""
        data = self.request.data
        raw = data.get("client_uuid") if hasattr(data, "get") else None
        if not isinstance(raw, str):
            return None
        try:
            key = uuid.UUID(raw)
        except ValueError:
            return None
        earlier: Visit | None = Visit.objects.filter(created_by=user, client_uuid=key).first()
        return earlier

    @extend_schema(
        request=inputs.VisitInputSerializer,
        responses={
            201: s.VisitCreatedSerializer,
            200: OpenApiResponse(
                s.VisitCreatedSerializer, description=gettext_lazy("重发（同一 client_uuid）：已登记的检查记录")
            ),
            400: ERRORS[400],
            403: ERRORS[403],
        },
    )
    def create(self, request: Request) -> Response:
        """Record a visit (a campaign visit, or without `campaign` a proactive patrol) by two
        inspectors or more. Numbered per county and year; nothing is stored on any error.
        A re-send of a visit typed offline (same `client_uuid` from the same user) stores
        nothing and answers 200 with the stored visit and `duplicate: true`."""
        user = self._user("inspections.record")
        earlier = self._resent(user)
        if earlier is not None:
            return self._detail(earlier.pk, status.HTTP_200_OK, duplicate=True)
        data = self._input(inputs.VisitInputSerializer)
        county = data.pop("county", None)
        try:
            visit = services.visit_record(by=user, data=services.VisitInput(**data), county=county)
        except services.DuplicateVisit as exc:
            return self._detail(exc.visit.pk, status.HTTP_200_OK, duplicate=True)
        return self._detail(visit.pk, status.HTTP_201_CREATED, duplicate=False)

    @extend_schema(
        parameters=[COUNTY_PARAM],
        responses={200: s.InspectorCandidateSerializer(many=True), 400: ERRORS[400]},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def inspectors(self, request: Request) -> Response:
        """Who may be a visit's inspector in the county (default: yours): active inspectors and
        heads whose region covers it."""
        if not roles.can(request.user, "inspections.view"):
            return Response([])
        county = self._query_county()
        if county is None:
            raise query_error("county", _("请选择县（区）。"), "required")
        users = inspector_candidates(county)
        return Response(s.InspectorCandidateSerializer(users, many=True).data)

    @extend_schema(
        request={"multipart/form-data": inputs.PhotoUploadSerializer},
        responses={
            201: s.VisitPhotoSerializer,
            200: OpenApiResponse(
                s.VisitPhotoSerializer, description=gettext_lazy("重发（同一 client_uuid）：已存的照片")
            ),
            **WRITE_ERRORS,
        },
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser], filter_backends=[])
    def photos(self, request: Request, pk: str | None = None) -> Response:
        """Add a photo (JPEG, PNG, WebP or GIF, told from its content; size limited by
        INSPECTION_PHOTO_MAX_BYTES, 8 MB by default), optionally for a photo item of the
        checklist. A re-sent photo (same `client_uuid`) is stored once: 200."""
        visit = self.get_object()
        user = self._user("inspections.record")
        data = self._input(inputs.PhotoUploadSerializer)
        photo, created = services.photo_add(
            by=user,
            visit=visit,
            file=data["file"],
            item_key=data.get("item_key", ""),
            caption=data.get("caption", ""),
            client_uuid=data.get("client_uuid"),
        )
        return Response(
            s.VisitPhotoSerializer(photo).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(
        parameters=[OpenApiParameter("photo_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={(200, "image/*"): OpenApiTypes.BINARY, 404: ERRORS[404]},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"photos/(?P<photo_id>[0-9]+)",
        url_name="photo",
        filter_backends=[],
    )
    def photo(self, request: Request, pk: str | None = None, photo_id: str | None = None) -> FileResponse:
        """The image of a photo, to users who can see the visit (shown inline)."""
        visit = self.get_object()
        found = visit.photos.filter(pk=photo_id).first()
        if found is None:
            raise exceptions.NotFound(_("未找到。"))
        response = FileResponse(
            found.file.open("rb"), as_attachment=False, filename=found.name, content_type=found.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        response["Cache-Control"] = "private, max-age=3600"
        return response

    @extend_schema(
        request=inputs.OrderIssueSerializer,
        responses={201: s.RectificationOrderDetailSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def orders(self, request: Request, pk: str | None = None) -> Response:
        """Order the employer to correct what the visit found (责令改正): the items, served
        today unless `served_on`, due `deadline_days` working days later."""
        visit = self.get_object()
        user = self._user("inspections.record")
        data = self._input(inputs.OrderIssueSerializer)
        order = services.order_issue_from_visit(
            by=user,
            visit=visit,
            items=data["items"],
            served_on=data.get("served_on"),
            deadline_days=data["deadline_days"],
        )
        return order_response(request, order.pk, status.HTTP_201_CREATED)

    @extend_schema(request=inputs.CaseOpenSerializer, responses={201: s.CaseOpenedSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="open-case", filter_backends=[])
    def open_case(self, request: Request, pk: str | None = None) -> Response:
        """Open a case from what the visit found: `wage` (unpaid wages were found) with each
        unpaid worker's claim, or `complaint` (a case to investigate, placed on file at once)
        with its categories. The visit's facts are carried over; one case of each kind."""
        visit = self.get_object()
        user = self._user("inspections.record")
        data = self._input(inputs.CaseOpenSerializer)
        case = services.visit_open_case(
            by=user, visit=visit, kind=data["kind"], claims=case_claims(data), categories=data.get("categories", [])
        )
        return Response(s.case_opened(data["kind"], case), status=status.HTTP_201_CREATED)

    @extend_schema(
        filters=True,
        description=gettext_lazy("按与列表相同的筛选条件导出全部检查记录（不分页）为 Excel。导出会被记录。"),
        responses=XLSX_RESPONSES,
    )
    @action(detail=False, methods=["get"], pagination_class=None, renderer_classes=EXPORT_RENDERERS)
    def export(self, request: Request) -> FileResponse:
        queryset = self.filter_queryset(self.get_queryset())
        return self._export(queryset, exports.write_visits, "inspections.Visit", _("检查记录"))


# --- rectification orders -----------------------------------------------------------------------


class RectificationOrderViewSet(
    InspectionsViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet
):
    """Rectification orders (责令改正指令书) of the user's county subtree, from visits and from
    annual reviews: followed up item by item, concluded met or unmet, escalated to a case."""

    filterset_class = RectificationOrderFilter
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["served_on", "due_on", "number"]
    ordering = ["-served_on", "-id"]
    lookup_value_regex = "[0-9]+"

    def base_queryset(self) -> ScopedQuerySet[Any]:
        if self.action in ("list", "export"):
            return order_rows()
        if self.action == "retrieve":
            return order_details()
        queryset: ScopedQuerySet[Any] = RectificationOrder.objects.all()
        return queryset

    def get_serializer_class(self) -> Any:
        return s.RectificationOrderRowSerializer if self.action == "list" else s.RectificationOrderDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(responses={200: s.RectificationOrderRowSerializer(many=True), 400: ERRORS[400]})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Orders, newest first. `overdue`: still open after the due date (a follow-up visit
        is due)."""
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: s.RectificationOrderDetailSerializer, 404: ERRORS[404]})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """An order with its items, its timeline and the acts the user may do now."""
        return order_response(request, self.get_object().pk)

    @extend_schema(
        request=inputs.OrderFollowUpSerializer, responses={200: s.RectificationOrderDetailSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"], url_path="follow-up", filter_backends=[])
    def follow_up(self, request: Request, pk: str | None = None) -> Response:
        """Record a later visit's findings item by item. Every item met: the order is met. An
        item not met at or after the deadline: unmet (a case may then be opened)."""
        order = self.get_object()
        user = self._user("inspections.record")
        data = self._input(inputs.OrderFollowUpSerializer, order=order)
        results = [services.ItemResult(r["item"], r["met"], r.get("note", "")) for r in data["results"]]
        services.order_follow_up(by=user, order=order, visit=data["visit"], results=results)
        return order_response(request, order.pk)

    @extend_schema(request=inputs.CaseOpenSerializer, responses={201: s.CaseOpenedSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="open-case", filter_backends=[])
    def open_case(self, request: Request, pk: str | None = None) -> Response:
        """Open a case from an order not met by its deadline (逾期未整改), with its unmet items
        and the visit's facts; the order is then escalated. Only an unmet order (409
        `order_not_unmet` otherwise)."""
        order = self.get_object()
        user = self._user("inspections.record")
        data = self._input(inputs.CaseOpenSerializer)
        case = services.order_open_case(
            by=user, order=order, kind=data["kind"], claims=case_claims(data), categories=data.get("categories", [])
        )
        return Response(s.case_opened(data["kind"], case), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=inputs.OrderCancelSerializer, responses={200: s.RectificationOrderDetailSerializer, **WRITE_ERRORS}
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Withdraw an order issued in error (heads), with the reason. It stays on file."""
        order = self.get_object()
        user = self._user("inspections.plan")
        data = self._input(inputs.OrderCancelSerializer)
        services.order_cancel(by=user, order=order, reason=data["reason"])
        return order_response(request, order.pk)

    @extend_schema(
        filters=True,
        description=gettext_lazy("按与列表相同的筛选条件导出全部指令书（不分页）为 Excel。导出会被记录。"),
        responses=XLSX_RESPONSES,
    )
    @action(detail=False, methods=["get"], pagination_class=None, renderer_classes=EXPORT_RENDERERS)
    def export(self, request: Request) -> FileResponse:
        queryset = self.filter_queryset(self.get_queryset())
        return self._export(queryset, exports.write_orders, "inspections.RectificationOrder", _("责令改正指令书"))


# --- annual written reviews ---------------------------------------------------------------------


MISSING_PARAMS = [
    OpenApiParameter(
        "year", OpenApiTypes.INT, OpenApiParameter.QUERY, description=gettext_lazy("审查年度；默认为上一年")
    ),
    COUNTY_PARAM,
]


class AnnualReviewViewSet(InspectionsViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Annual written reviews (书面审查 / 年检) of the user's county subtree: an employer's
    yearly submission and its review."""

    serializer_class = s.AnnualReviewSerializer
    filterset_class = AnnualReviewFilter
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["year", "submitted_on", "reviewed_on"]
    ordering = ["-year", "employer__name", "id"]
    lookup_value_regex = "[0-9]+"

    def base_queryset(self) -> ScopedQuerySet[Any]:
        queryset: ScopedQuerySet[Any] = AnnualReview.objects.select_related(
            "county", "employer", "reviewed_by"
        ).prefetch_related(Prefetch("orders", queryset=RectificationOrder.objects.order_by("served_on", "id")))
        return queryset

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "can_record": roles.can(self.request.user, "inspections.record")}

    def _detail(self, pk: int, status_code: int = status.HTTP_200_OK) -> Response:
        review = self.base_queryset().visible_to(self.request.user).get(pk=pk)
        return Response(
            s.AnnualReviewSerializer(review, context=self.get_serializer_context()).data, status=status_code
        )

    @extend_schema(responses={200: s.AnnualReviewSerializer(many=True), 400: ERRORS[400]})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: s.AnnualReviewSerializer, 404: ERRORS[404]})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=inputs.ReviewInputSerializer,
        responses={201: s.AnnualReviewSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def create(self, request: Request) -> Response:
        """Record an employer's written submission for a year (one per employer and year:
        `duplicate` on `year` otherwise)."""
        user = self._user("inspections.record")
        data = self._input(inputs.ReviewInputSerializer)
        county = data.pop("county", None)
        review = services.review_submit(by=user, data=services.ReviewInput(**data), county=county)
        return self._detail(review.pk, status.HTTP_201_CREATED)

    @extend_schema(request=inputs.ReviewDecideSerializer, responses={200: s.AnnualReviewSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], filter_backends=[])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        """Review the submission: passed, rectify (限期整改; with `order_items` and
        `deadline_days` a rectification order is issued) or failed. A review to rectify may be
        decided again; another decided review is 409 `review_decided`."""
        review = self.get_object()
        user = self._user("inspections.record")
        data = self._input(inputs.ReviewDecideSerializer)
        services.review_decide(
            by=user,
            review=review,
            result=data["result"],
            opinion=data.get("opinion", ""),
            on_date=data.get("on_date"),
            order_items=data.get("order_items", ()),
            deadline_days=data.get("deadline_days"),
        )
        return self._detail(review.pk)

    def _missing(self) -> tuple[Any, int]:
        user = acting_user(self.request)
        year = self._query_year(timezone.localdate().year - 1)
        if not roles.can(user, "inspections.view"):
            return Employer.objects.none(), year
        county = self._query_county()
        if county is None:
            raise query_error("county", _("请选择县（区）。"), "required")
        visible = Employer.objects.visible_to(user).values("pk")
        employers = selectors.employers_not_reviewed(county, year).filter(pk__in=visible).select_related("region")
        return employers, year

    @extend_schema(
        parameters=MISSING_PARAMS,
        responses={200: s.MissingEmployerSerializer(many=True), 400: ERRORS[400]},
    )
    @action(detail=False, methods=["get"], filter_backends=[])
    def missing(self, request: Request) -> Response:
        """The county's employers (located or registered there) with no written review recorded
        for the year, by name. Paginated."""
        employers, _year = self._missing()
        page = self.paginate_queryset(employers)
        data = s.MissingEmployerSerializer(page if page is not None else employers, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(
        parameters=MISSING_PARAMS,
        description=gettext_lazy("未报送书面审查的单位（不分页）导出为 Excel。导出会被记录。"),
        responses=XLSX_RESPONSES,
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="missing/export",
        url_name="missing-export",
        filter_backends=[],
        pagination_class=None,
        renderer_classes=EXPORT_RENDERERS,
    )
    def missing_export(self, request: Request) -> FileResponse:
        employers, year = self._missing()
        return self._export(employers, exports.write_missing, "bureau.Employer", _("未报送书面审查"), year)

    @extend_schema(
        filters=True,
        description=gettext_lazy("按与列表相同的筛选条件导出全部书面审查（不分页）为 Excel。导出会被记录。"),
        responses=XLSX_RESPONSES,
    )
    @action(detail=False, methods=["get"], pagination_class=None, renderer_classes=EXPORT_RENDERERS)
    def export(self, request: Request) -> FileResponse:
        queryset = self.filter_queryset(self.get_queryset())
        return self._export(queryset, exports.write_reviews, "inspections.AnnualReview", _("书面审查"))


# --- patrol targets -----------------------------------------------------------------------------


class PatrolTargetViewSet(InspectionsViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Each county's yearly number of proactive patrols (主动巡查), and the progress against it."""

    serializer_class = s.PatrolTargetSerializer
    filterset_class = PatrolTargetFilter
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["year"]
    ordering = ["-year", "county__code"]
    lookup_value_regex = "[0-9]+"

    def base_queryset(self) -> ScopedQuerySet[Any]:
        queryset: ScopedQuerySet[Any] = PatrolTarget.objects.select_related("county")
        return queryset

    @extend_schema(responses={200: s.PatrolTargetSerializer(many=True), 400: ERRORS[400]})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: s.PatrolTargetSerializer, 404: ERRORS[404]})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=inputs.PatrolTargetInputSerializer,
        responses={
            201: s.PatrolTargetSerializer,
            200: OpenApiResponse(s.PatrolTargetSerializer, description=gettext_lazy("已有该年度目标：已修改")),
            400: ERRORS[400],
            403: ERRORS[403],
        },
    )
    def create(self, request: Request) -> Response:
        """Set the county's target for a year (heads): 201 when new, 200 when it changed an
        existing one."""
        user = self._user("inspections.plan")
        data = self._input(inputs.PatrolTargetInputSerializer)
        before = set(PatrolTarget.objects.filter(year=data["year"]).values_list("pk", flat=True))
        target = services.patrol_target_set(by=user, **data)
        target = PatrolTarget.objects.select_related("county").get(pk=target.pk)
        created = target.pk not in before
        return Response(
            s.PatrolTargetSerializer(target).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.QUERY, description=gettext_lazy("默认为今年")),
            OpenApiParameter(
                "county",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                description=gettext_lazy(
                    "县（区）的区划代码，或市的区划代码（其下每个县（区））；默认为您能看到的每个县（区）"
                ),
            ),
        ],
        responses={200: s.PatrolProgressSerializer(many=True), 400: ERRORS[400]},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def progress(self, request: Request) -> Response:
        """Each county's proactive patrols of the year (visits without a campaign) against its
        target, with the patrols of each inspector: the user's county, or every county under
        a city or province user; `county` (a code) narrows to a county, or to a city's
        counties. Not paginated."""
        year = self._query_year(timezone.localdate().year)
        if not roles.can(request.user, "inspections.view"):
            return Response([])
        counties = Region.objects.visible_to(request.user).filter(level=RegionLevel.COUNTY)
        region = self._query_region()
        if region is not None:
            if region.level > RegionLevel.COUNTY:
                raise query_error("county", _("请选择县（区）或以上的区划。"), "region_level")
            counties = counties.filter(path__startswith=region.path)
        rows = selectors.patrol_progress(counties, year)
        return Response(s.PatrolProgressSerializer(rows, many=True).data)
