"""The API of the defaulter list and the major-violation publication: thin views over
wagecases.listings. Staff who see wage cases see the listings in force (the window checks an
employer it is typing); inspectors and heads also see proposals and refusals and act on them.
An act not allowed in a listing's status answers 409 with the acts allowed."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from bureau import roles
from bureau.api.base import ScopedGenericViewSet, ScopedRegionField, StrictInputSerializer, acting_user
from bureau.numbering import county_of
from bureau.scoping import ScopedQuerySet
from complaints.api.inputs import ScopedEmployerField
from wagecases import listings as services
from wagecases.models import Event, Listing, ListingKind, ListingStatus, RemovalKind, WageCase


def conflict(exc: services.InvalidListingAct) -> Response:
    return Response(
        {"code": "invalid_transition", "message": exc.message, "errors": [], "allowed": exc.allowed},
        status=status.HTTP_409_CONFLICT,
    )


class ListingEventSerializer(serializers.ModelSerializer[Event]):
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    by = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["id", "action", "label", "by", "at", "on_date", "note", "data"]

    def get_label(self, event: Event) -> str:
        return str(services.ACT_LABELS.get(event.action, event.action))

    def get_by(self, event: Event) -> str:
        if event.by is None:
            return _("系统")
        return event.by.name or event.by.username


class ListingRowSerializer(serializers.ModelSerializer[Listing]):
    employer = serializers.SerializerMethodField()
    county = serializers.CharField(source="county.code", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    criteria_display = serializers.SerializerMethodField()
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = Listing
        fields = [
            "id",
            "county",
            "employer",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "criteria",
            "criteria_display",
            "amount_owed",
            "workers_owed",
            "proposed_at",
            "notified_on",
            "objection_due",
            "decision_due",
            "decided_on",
            "start_on",
            "end_on",
            "removed_on",
            "in_force",
        ]

    def get_employer(self, listing: Listing) -> dict[str, Any]:
        employer = listing.employer
        return {"id": employer.pk, "name": employer.name, "credit_code": employer.credit_code}

    def get_criteria_display(self, listing: Listing) -> list[str]:
        return [str(services.CRITERIA.get(code, code)) for code in listing.criteria]

    def get_in_force(self, listing: Listing) -> bool:
        today = timezone.localdate()
        return (
            listing.status == ListingStatus.LISTED
            and listing.start_on is not None
            and listing.end_on is not None
            and listing.start_on <= today <= listing.end_on
        )


class ListingDetailSerializer(ListingRowSerializer):
    wage_cases = serializers.SerializerMethodField()
    events = ListingEventSerializer(many=True, read_only=True)
    allowed_acts = serializers.SerializerMethodField()
    removal_kind_display = serializers.CharField(source="get_removal_kind_display", read_only=True)

    class Meta(ListingRowSerializer.Meta):
        fields = [
            *ListingRowSerializer.Meta.fields,
            "facts",
            "objection_received_on",
            "objection",
            "objection_result",
            "decision_extended",
            "decision_note",
            "removal_requested_on",
            "removal_due",
            "removal_pledge",
            "removal_request",
            "removal_kind",
            "removal_kind_display",
            "removal_note",
            "wage_cases",
            "events",
            "allowed_acts",
        ]

    def get_wage_cases(self, listing: Listing) -> list[dict[str, Any]]:
        request = self.context.get("request")
        visible = WageCase.objects.visible_to(request.user if request else None)
        return [
            {"id": c.pk, "number": c.number, "status": c.status, "status_display": c.get_status_display()}
            for c in visible.filter(listings=listing).order_by("id")
        ]

    def get_allowed_acts(self, listing: Listing) -> list[str]:
        request = self.context.get("request")
        user = request.user if request else None
        acts = []
        for act in services.allowed_acts(listing.status):
            if not services.act_applies(listing, act):
                continue
            capability = "wagecases.listings.decide" if act in services.HEAD_ACTS else "wagecases.listings.propose"
            if roles.can(user, capability):
                acts.append(act)
        return acts


class ProposeInput(StrictInputSerializer):
    employer = ScopedEmployerField()
    kind = serializers.ChoiceField(choices=ListingKind.choices)
    facts = serializers.CharField(max_length=4000)
    county = ScopedRegionField(required=False)
    wage_cases = serializers.ListField(child=serializers.IntegerField(), required=False)


class NotifyInput(StrictInputSerializer):
    notified_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ObjectionInput(StrictInputSerializer):
    received_on = serializers.DateField(required=False, allow_null=True, default=None)
    objection = serializers.CharField(max_length=4000, allow_blank=True)
    result = serializers.CharField(max_length=4000, allow_blank=True)


class NoteInput(StrictInputSerializer):
    note = serializers.CharField(max_length=4000, allow_blank=True)


class DecideInput(StrictInputSerializer):
    listed = serializers.BooleanField()
    note = serializers.CharField(max_length=4000, allow_blank=True)
    decided_on = serializers.DateField(required=False, allow_null=True)
    end_on = serializers.DateField(required=False, allow_null=True)


class RemovalRequestInput(StrictInputSerializer):
    requested_on = serializers.DateField(required=False, allow_null=True, default=None)
    pledge = serializers.BooleanField()
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class RemoveInput(StrictInputSerializer):
    kind = serializers.ChoiceField(choices=RemovalKind.choices)
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    removed_on = serializers.DateField(required=False, allow_null=True)


ACT_INPUTS: dict[str, tuple[type[StrictInputSerializer], Any]] = {
    "notify": (NotifyInput, services.listing_notify),
    "record_objection": (ObjectionInput, services.listing_record_objection),
    "extend": (NoteInput, services.listing_extend),
    "decide": (DecideInput, services.listing_decide),
    "request_removal": (RemovalRequestInput, services.listing_request_removal),
    "refuse_removal": (NoteInput, services.listing_refuse_removal),
    "remove": (RemoveInput, services.listing_remove),
    "withdraw": (NoteInput, services.listing_withdraw),
}


class ListingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Listings of the user's region. Filters: `employer` (id), `kind`, `status`,
    `in_force=true` (listed today), `q` (employer name or credit code)."""

    lookup_value_regex = "[0-9]+"

    def base_queryset(self) -> ScopedQuerySet[Any]:
        queryset = Listing.objects.select_related("employer", "county")
        if self.action != "list":
            queryset = queryset.prefetch_related("events__by")
        return queryset

    @extend_schema(
        parameters=[
            OpenApiParameter("employer", int),
            OpenApiParameter("kind", str, enum=ListingKind.values),
            OpenApiParameter("status", str, enum=ListingStatus.values),
            OpenApiParameter("in_force", bool),
            OpenApiParameter("q", str),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        params = self.request.query_params
        if (employer := params.get("employer", "")).isdigit():
            queryset = queryset.filter(employer_id=employer)
        if (kind := params.get("kind", "")) in ListingKind.values:
            queryset = queryset.filter(kind=kind)
        if (status_ := params.get("status", "")) in ListingStatus.values:
            queryset = queryset.filter(status=status_)
        if params.get("in_force", "").lower() in ("1", "true", "yes"):
            queryset = queryset.in_force(timezone.localdate())  # type: ignore[attr-defined]
        if q := params.get("q", "").strip():
            queryset = queryset.filter(Q(employer__name__icontains=q) | Q(employer__credit_code__iexact=q))
        return queryset.order_by("-proposed_at", "-id")

    def get_serializer_class(self) -> Any:
        return ListingRowSerializer if self.action == "list" else ListingDetailSerializer

    def _detail(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        listing = self.get_queryset().get(pk=pk)
        return Response(ListingDetailSerializer(listing, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=ProposeInput, responses={201: ListingDetailSerializer})
    def create(self, request: Request) -> Response:
        """Propose an employer by hand, with the facts."""
        serializer = ProposeInput(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        ids = data.pop("wage_cases", [])
        cases = list(WageCase.objects.visible_to(acting_user(request)).filter(pk__in=ids))
        if len(cases) != len(set(ids)):
            raise serializers.ValidationError(
                {"wage_cases": [serializers.ErrorDetail(_("案件不存在或不在您的辖区内。"), code="does_not_exist")]}
            )
        listing = services.listing_propose(by=acting_user(request), wage_cases=cases, **data)
        return self._detail(listing.pk, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ListingRowSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="check", filter_backends=[], pagination_class=None)
    def check(self, request: Request) -> Response:
        """Run the criteria now for the user's county (the daily task does it for all) and
        return the proposals it made."""
        user = acting_user(request)
        roles.require(user, "wagecases.listings.propose")
        county = county_of(user.region)
        if county is None:
            raise serializers.ValidationError(
                {
                    "county": [
                        serializers.ErrorDetail(
                            _("您的账号不属于某个县（区），请指定县（区）后提出。"), code="required"
                        )
                    ]
                }
            )
        created = services.propose_due(county)
        return Response(ListingRowSerializer(created, many=True, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={200: ListingDetailSerializer})
    @action(detail=True, methods=["post"], url_path=r"acts/(?P<act>[a-z_]+)", filter_backends=[])
    def act(self, request: Request, pk: str | None = None, act: str = "") -> Response:
        """One act of the procedure: notify, record_objection, extend, decide, request_removal,
        refuse_removal, remove, withdraw (see `allowed_acts`)."""
        listing = self.get_object()
        if act not in ACT_INPUTS:
            raise serializers.ValidationError(
                {"act": [serializers.ErrorDetail(_("未知的操作。"), code="invalid_choice")]}
            )
        input_class, service = ACT_INPUTS[act]
        serializer = input_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        try:
            service(by=acting_user(request), listing=listing, **serializer.validated_data)
        except services.InvalidListingAct as exc:
            return conflict(exc)
        return self._detail(listing.pk)
