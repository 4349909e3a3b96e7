"""The API of construction projects (工程项目) and their contracting chain: thin views over
wagecases.projects (writes), scoped by the base viewset (the registering county's subtree).
A labour-team leader's phone is a person's data: shown in full only to roles that handle
wage cases, masked otherwise."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from bureau import roles
from bureau.api.base import ScopedGenericViewSet, ScopedRegionField, StrictInputSerializer, acting_user
from bureau.identifiers import format_phone, mask_phone
from bureau.scoping import ScopedQuerySet
from complaints.api.inputs import ScopedEmployerField
from wagecases import projects as services
from wagecases.models import DepositForm, PartyRole, Project, ProjectParty


class EmployerBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    credit_code = serializers.CharField()


class PartySerializer(serializers.ModelSerializer[ProjectParty]):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    employer = EmployerBriefSerializer(read_only=True, allow_null=True)
    leader_phone = serializers.SerializerMethodField()

    class Meta:
        model = ProjectParty
        fields = ["id", "role", "role_display", "employer", "leader_name", "leader_phone", "parent", "note"]

    def get_leader_phone(self, party: ProjectParty) -> str:
        if not party.leader_phone:
            return ""
        request = self.context.get("request")
        if request is not None and roles.can(request.user, "wagecases.edit"):
            return format_phone(party.leader_phone)
        return mask_phone(party.leader_phone)


class ProjectRowSerializer(serializers.ModelSerializer[Project]):
    county = serializers.CharField(source="county.code", read_only=True)
    site_region = serializers.CharField(source="site_region.code", read_only=True)
    site_region_name = serializers.CharField(source="site_region.name", read_only=True)
    developer = EmployerBriefSerializer(read_only=True, allow_null=True)
    general_contractor = EmployerBriefSerializer(read_only=True, allow_null=True)
    deposit_form_display = serializers.CharField(source="get_deposit_form_display", read_only=True)
    wage_cases_open = serializers.IntegerField(read_only=True)
    wage_cases_total = serializers.IntegerField(read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "county",
            "name",
            "site_region",
            "site_region_name",
            "address",
            "developer",
            "general_contractor",
            "special_account_bank",
            "special_account_number",
            "deposit_amount",
            "deposit_form",
            "deposit_form_display",
            "started_on",
            "completed_on",
            "wage_cases_open",
            "wage_cases_total",
        ]


class ChainRowSerializer(serializers.Serializer):
    role = serializers.CharField()
    role_display = serializers.CharField()
    depth = serializers.IntegerField()
    employer = EmployerBriefSerializer(allow_null=True)
    party = serializers.IntegerField(allow_null=True)
    leader_name = serializers.CharField()


CHAIN_ROLES = {
    "developer": Project._meta.get_field("developer").verbose_name,
    "general_contractor": Project._meta.get_field("general_contractor").verbose_name,
    **dict(PartyRole.choices),
}


class ProjectDetailSerializer(ProjectRowSerializer):
    parties = PartySerializer(many=True, read_only=True)
    chain = serializers.SerializerMethodField()
    wage_cases = serializers.SerializerMethodField()

    class Meta(ProjectRowSerializer.Meta):
        fields = [*ProjectRowSerializer.Meta.fields, "parties", "chain", "wage_cases"]

    def get_chain(self, project: Project) -> list[dict[str, Any]]:
        rows = [
            {
                "role": row["role"],
                "role_display": str(CHAIN_ROLES[row["role"]]),
                "depth": row["depth"],
                "employer": row["employer"],
                "party": row["party"].pk if row["party"] else None,
                "leader_name": row["party"].leader_name if row["party"] else "",
            }
            for row in services.chain(project)
        ]
        return ChainRowSerializer(rows, many=True).data  # type: ignore[return-value]

    def get_wage_cases(self, project: Project) -> list[dict[str, Any]]:
        return [
            {
                "id": c.pk,
                "number": c.number,
                "status": c.status,
                "status_display": c.get_status_display(),
                "employer": c.employer.name,
            }
            for c in project.wage_cases.select_related("employer").order_by("-opened_on", "-id")
        ]


class ProjectInputSerializer(StrictInputSerializer):
    county = ScopedRegionField(required=False)
    name = serializers.CharField(max_length=200)
    site_region = ScopedRegionField(required=False)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    developer = ScopedEmployerField(required=False, allow_null=True)
    general_contractor = ScopedEmployerField(required=False, allow_null=True)
    special_account_bank = serializers.CharField(max_length=100, required=False, allow_blank=True)
    special_account_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    # a string, checked to the fen by the service (no float on the way)
    deposit_amount = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    deposit_form = serializers.ChoiceField(choices=DepositForm.choices, required=False, allow_blank=True)
    started_on = serializers.DateField(required=False, allow_null=True)
    completed_on = serializers.DateField(required=False, allow_null=True)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("deposit_amount"), int | float):
            data = {**data, "deposit_amount": str(data["deposit_amount"])}
        return super().to_internal_value(data)


class PartyInputSerializer(StrictInputSerializer):
    role = serializers.ChoiceField(choices=PartyRole.choices)
    employer = ScopedEmployerField(required=False, allow_null=True)
    leader_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    leader_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    parent = serializers.IntegerField(required=False, allow_null=True)  # type: ignore[assignment]
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Construction projects of the user's region; `q` searches the name, `employer` finds the
    projects where an employer is developer, general contractor or a party."""

    lookup_value_regex = "[0-9]+"

    def base_queryset(self) -> ScopedQuerySet[Any]:
        queryset = Project.objects.select_related("county", "site_region", "developer", "general_contractor")
        queryset = queryset.annotate(
            wage_cases_total=Count("wage_cases", distinct=True),
            wage_cases_open=Count("wage_cases", filter=Q(wage_cases__status="open"), distinct=True),
        )
        if self.action != "list":
            queryset = queryset.prefetch_related("parties__employer")
        return queryset

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        params = self.request.query_params
        if q := params.get("q", "").strip():
            queryset = queryset.filter(name__icontains=q)
        if (employer := params.get("employer", "")).isdigit():
            queryset = queryset.filter(
                Q(developer_id=employer) | Q(general_contractor_id=employer) | Q(parties__employer_id=employer)
            ).distinct()
        return queryset.order_by("name", "id")

    def get_serializer_class(self) -> Any:
        return ProjectRowSerializer if self.action == "list" else ProjectDetailSerializer

    def _detail(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        project = self.get_queryset().get(pk=pk)
        return Response(ProjectDetailSerializer(project, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=ProjectInputSerializer, responses={201: ProjectDetailSerializer})
    def create(self, request: Request) -> Response:
        serializer = ProjectInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        project = services.project_create(by=acting_user(request), **serializer.validated_data)
        return self._detail(project.pk, status.HTTP_201_CREATED)

    @extend_schema(request=ProjectInputSerializer, responses={200: ProjectDetailSerializer})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        serializer = ProjectInputSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        if "county" in fields:
            fields.pop("county")
        services.project_update(by=acting_user(request), project=project, **fields)
        return self._detail(project.pk)

    @extend_schema(request=PartyInputSerializer, responses={201: ProjectDetailSerializer})
    @action(detail=True, methods=["post"], url_path="parties", filter_backends=[])
    def add_party(self, request: Request, pk: str | None = None) -> Response:
        project = self.get_object()
        serializer = PartyInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        parent_id = data.pop("parent", None)
        parent = None
        if parent_id is not None:
            parent = project.parties.filter(pk=parent_id).first()
            if parent is None:
                raise serializers.ValidationError(
                    {"parent": [serializers.ErrorDetail(_("发包方不在本项目中。"), code="not_on_project")]}
                )
        services.party_add(by=acting_user(request), project=project, parent=parent, **data)
        return self._detail(project.pk, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: ProjectDetailSerializer})
    @action(detail=True, methods=["delete"], url_path=r"parties/(?P<party_id>[0-9]+)", filter_backends=[])
    def remove_party(self, request: Request, pk: str | None = None, party_id: str = "") -> Response:
        project = self.get_object()
        party = ProjectParty.objects.get(pk=int(party_id), project=project)
        services.party_remove(by=acting_user(request), party=party)
        return self._detail(project.pk)
