"""Output serializers of the inspections API: campaign types and their checklists, campaigns,
visits (a list row and the visit page), rectification orders, annual written reviews and
patrol targets. Inputs are in inputs.py.

Nested shapes are the contract's: `region` = {id, code, name}, `person` = {id, name},
`employer_ref` = {id, name, credit_code} (the credit code as the employers API shows it, to
every role that sees the row), `ref` = {id, number}. Amounts are strings with two decimals,
percentages strings with one ("35.0"). Fields holding a choice are plain strings with a
`*_display` label beside them. What is computed beside a row (the acts the user may do, the
orders a visit followed up) comes through the serializer's context, set by the view."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bureau.models import Employer, Region
from complaints.api.serializers import EmployerRefSerializer, UserRefSerializer
from inspections import checklists, selectors
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

# --- references -------------------------------------------------------------------------------


class InspectionRegionSerializer(serializers.ModelSerializer[Region]):
    """A region with its code (what the API takes: counties and townships are given by code)
    and, for the contract's shape, its id."""

    class Meta:
        model = Region
        fields = ["id", "code", "name"]


class InspectionRefSerializer(serializers.Serializer):
    """A numbered record (a visit, an order, a case) by id and number."""

    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)


def ref(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "number": obj.number}


class CampaignTypeRefSerializer(serializers.ModelSerializer[CampaignType]):
    class Meta:
        model = CampaignType
        fields = ["id", "code", "name"]


def percent_field(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(read_only=True, max_digits=8, decimal_places=1, allow_null=True, **kwargs)


def money_field(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(read_only=True, max_digits=16, decimal_places=2, **kwargs)


# --- campaign types and checklists --------------------------------------------------------------


class ChecklistItemSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    kind = serializers.CharField(read_only=True, help_text=_("yes_no、number、amount、text、photo"))
    required = serializers.BooleanField(read_only=True)  # type: ignore[assignment]


class ChecklistTemplateSerializer(serializers.ModelSerializer[ChecklistTemplate]):
    """One version of a type's checklist."""

    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "version", "items", "note", "created_at"]


class ChecklistTemplateDetailSerializer(ChecklistTemplateSerializer):
    campaign_type = CampaignTypeRefSerializer(read_only=True)

    class Meta(ChecklistTemplateSerializer.Meta):
        fields = ["id", "campaign_type", "version", "items", "note", "created_at"]


def current_template(campaign_type: CampaignType) -> ChecklistTemplate | None:
    """The highest version, from the prefetched `templates` when they are (ordered by the
    model: newest version first)."""
    cache = getattr(campaign_type, "_prefetched_objects_cache", {})
    if "templates" in cache:
        versions = sorted(cache["templates"], key=lambda t: t.version, reverse=True)
        return versions[0] if versions else None
    return campaign_type.current_template()


class CampaignTypeSerializer(serializers.ModelSerializer[CampaignType]):
    template = serializers.SerializerMethodField(help_text=_("当前（最高）版本的检查表；尚无检查表为 null"))

    class Meta:
        model = CampaignType
        fields = ["id", "code", "name", "ordering", "active", "template"]

    @extend_schema_field(ChecklistTemplateSerializer(allow_null=True))
    def get_template(self, obj: CampaignType) -> dict[str, Any] | None:
        template = current_template(obj)
        return None if template is None else dict(ChecklistTemplateSerializer(template).data)


# --- campaigns ----------------------------------------------------------------------------------


class CampaignRowSerializer(serializers.ModelSerializer[Campaign]):
    """A campaign with its progress. Needs `selectors.with_progress()` and the county, type and
    regions joined."""

    county = InspectionRegionSerializer(read_only=True)
    campaign_type = CampaignTypeRefSerializer(read_only=True)
    regions = InspectionRegionSerializer(many=True, read_only=True, help_text=_("检查区域；空为全县（区）"))
    industries = serializers.ListField(child=serializers.CharField(), read_only=True, help_text=_("行业门类代码"))
    industries_display = serializers.SerializerMethodField()
    visits_count = serializers.IntegerField(read_only=True, help_text=_("检查次数"))
    employers_visited = serializers.IntegerField(read_only=True, help_text=_("已检查单位数（去重）"))
    percent = serializers.SerializerMethodField(help_text=_("已检查单位数占目标的百分比；无目标为 null"))
    contracts_urged_total = serializers.IntegerField(read_only=True, help_text=_("督促签订劳动合同人数合计"))
    active = serializers.SerializerMethodField(help_text=_("今天在检查期限内"))

    class Meta:
        model = Campaign
        fields = [
            "id",
            "county",
            "name",
            "campaign_type",
            "starts_on",
            "ends_on",
            "regions",
            "industries",
            "industries_display",
            "target_employers",
            "description",
            "visits_count",
            "employers_visited",
            "percent",
            "contracts_urged_total",
            "active",
            "created_at",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_industries_display(self, obj: Campaign) -> list[str]:
        return obj.industry_labels()

    @extend_schema_field(percent_field())
    def get_percent(self, obj: Campaign) -> str | None:
        value = selectors.percent(obj.employers_visited, obj.target_employers)  # type: ignore[attr-defined]
        return None if value is None else f"{value:.1f}"

    def get_active(self, obj: Campaign) -> bool:
        return obj.starts_on <= timezone.localdate() <= obj.ends_on


class CampaignDetailSerializer(CampaignRowSerializer):
    """A campaign page: the current checklist of its type and whether the user may edit it
    (context `can_edit`)."""

    template = serializers.SerializerMethodField(help_text=_("该类型当前的检查表"))
    can_edit = serializers.SerializerMethodField()

    class Meta(CampaignRowSerializer.Meta):
        fields = [*CampaignRowSerializer.Meta.fields, "template", "can_edit"]

    @extend_schema_field(ChecklistTemplateSerializer(allow_null=True))
    def get_template(self, obj: Campaign) -> dict[str, Any] | None:
        template = obj.campaign_type.current_template()
        return None if template is None else dict(ChecklistTemplateSerializer(template).data)

    def get_can_edit(self, obj: Campaign) -> bool:
        return bool(self.context.get("can_edit", False))


# --- visits -------------------------------------------------------------------------------------


class CampaignRefSerializer(serializers.ModelSerializer[Campaign]):
    class Meta:
        model = Campaign
        fields = ["id", "name"]


def has_problems(visit: Visit) -> bool:
    """What the visit found calls for action: unpaid wages, child labour, wages below the
    minimum, or workers without a contract (urged to sign). Same rule as the list filter."""
    return (
        visit.wages_on_time == WagesOnTime.NO
        or visit.child_labour_found > 0
        or visit.minimum_wage_problem
        or visit.contracts_urged > 0
    )


class VisitRowSerializer(serializers.ModelSerializer[Visit]):
    """A visit as lists show it. Needs the county, employer and campaign joined, the inspectors
    prefetched and `orders_count` annotated."""

    county = InspectionRegionSerializer(read_only=True)
    employer = EmployerRefSerializer(read_only=True)
    campaign = CampaignRefSerializer(read_only=True, allow_null=True, help_text=_("null：主动巡查"))
    is_patrol = serializers.BooleanField(read_only=True, help_text=_("主动巡查（无专项检查）"))
    inspectors = UserRefSerializer(many=True, read_only=True)
    wages_on_time = serializers.CharField(read_only=True, help_text=_("yes、no、not_checked"))
    wages_on_time_display = serializers.CharField(source="get_wages_on_time_display", read_only=True)
    amount_unpaid = money_field()
    has_problems = serializers.SerializerMethodField(
        help_text=_("发现问题：拖欠工资、童工、低于最低工资标准或督促签订劳动合同")
    )
    orders_count = serializers.IntegerField(read_only=True, help_text=_("本次检查下达的责令改正指令书数"))

    class Meta:
        model = Visit
        fields = [
            "id",
            "number",
            "county",
            "employer",
            "visited_at",
            "campaign",
            "is_patrol",
            "inspectors",
            "workers_on_site",
            "contracts_found",
            "contracts_urged",
            "wages_on_time",
            "wages_on_time_display",
            "workers_unpaid",
            "amount_unpaid",
            "child_labour_found",
            "minimum_wage_problem",
            "has_problems",
            "orders_count",
        ]

    def get_has_problems(self, obj: Visit) -> bool:
        return has_problems(obj)


class VisitTemplateRefSerializer(serializers.ModelSerializer[ChecklistTemplate]):
    campaign_type = CampaignTypeRefSerializer(read_only=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "version", "campaign_type"]


class ChecklistAnswerSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    kind = serializers.CharField(read_only=True)
    answer = serializers.JSONField(
        read_only=True, help_text=_("是/否为 true/false，数量为整数，金额为字符串；未答为 null")
    )


class VisitPhotoSerializer(serializers.ModelSerializer[VisitPhoto]):
    url = serializers.SerializerMethodField(help_text=_("照片地址（需登录且能查看本次检查）"))

    class Meta:
        model = VisitPhoto
        fields = ["id", "item_key", "name", "caption", "size", "content_type", "url", "uploaded_at"]

    def get_url(self, obj: VisitPhoto) -> str:
        return reverse("visit-photo", kwargs={"pk": obj.visit_id, "photo_id": obj.pk})


class OrderBriefSerializer(serializers.ModelSerializer[RectificationOrder]):
    status = serializers.CharField(read_only=True, help_text=_("open、met、unmet、escalated、cancelled"))
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = RectificationOrder
        fields = ["id", "number", "status", "status_display"]


class VisitOrderSerializer(OrderBriefSerializer):
    class Meta(OrderBriefSerializer.Meta):
        fields = [*OrderBriefSerializer.Meta.fields, "served_on", "due_on"]


VISIT_ACTS = ("add_photo", "issue_order", "open_wage_case", "open_complaint")


class VisitDetailSerializer(VisitRowSerializer):
    """The visit page. Context: `allowed_acts`, `followed_orders` (the orders this visit
    followed up)."""

    template = VisitTemplateRefSerializer(read_only=True, allow_null=True)
    checklist = serializers.SerializerMethodField(help_text=_("检查表各项目及答案（按检查时的版本）"))
    answers = serializers.JSONField(read_only=True)
    latitude = serializers.DecimalField(read_only=True, max_digits=9, decimal_places=6, allow_null=True)
    longitude = serializers.DecimalField(read_only=True, max_digits=9, decimal_places=6, allow_null=True)
    photos = VisitPhotoSerializer(many=True, read_only=True)
    orders = VisitOrderSerializer(many=True, read_only=True, help_text=_("本次检查下达的指令书"))
    followed_orders = serializers.SerializerMethodField(help_text=_("本次检查复查的指令书"))
    complaint = serializers.SerializerMethodField()
    wage_case = serializers.SerializerMethodField()
    created_by = UserRefSerializer(read_only=True)
    allowed_acts = serializers.SerializerMethodField(
        help_text=_("add_photo、issue_order、open_wage_case、open_complaint 中您现在可做的")
    )

    class Meta(VisitRowSerializer.Meta):
        fields = [
            *VisitRowSerializer.Meta.fields,
            "template",
            "checklist",
            "answers",
            "site_address",
            "findings",
            "latitude",
            "longitude",
            "accuracy_m",
            "photos",
            "orders",
            "followed_orders",
            "complaint",
            "wage_case",
            "created_by",
            "created_at",
            "allowed_acts",
        ]

    @extend_schema_field(ChecklistAnswerSerializer(many=True))
    def get_checklist(self, obj: Visit) -> list[dict[str, Any]]:
        return checklists.display_answers(obj.template, obj.answers or {})

    @extend_schema_field(OrderBriefSerializer(many=True))
    def get_followed_orders(self, obj: Visit) -> list[dict[str, Any]]:
        return list(OrderBriefSerializer(self.context.get("followed_orders", []), many=True).data)

    @extend_schema_field(InspectionRefSerializer(allow_null=True))
    def get_complaint(self, obj: Visit) -> dict[str, Any] | None:
        return ref(obj.complaint)

    @extend_schema_field(InspectionRefSerializer(allow_null=True))
    def get_wage_case(self, obj: Visit) -> dict[str, Any] | None:
        return ref(obj.wage_case)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_acts(self, obj: Visit) -> list[str]:
        return list(self.context.get("allowed_acts", []))


class VisitCreatedSerializer(VisitDetailSerializer):
    """The answer to a recorded visit: the visit page and whether it was a re-send."""

    duplicate = serializers.SerializerMethodField(
        help_text=_("true：同一客户端编号的检查已登记过，答 200 并给出已登记的检查记录")
    )

    class Meta(VisitDetailSerializer.Meta):
        fields = [*VisitDetailSerializer.Meta.fields, "duplicate"]

    def get_duplicate(self, obj: Visit) -> bool:
        return bool(self.context.get("duplicate", False))


class InspectorCandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()
    username = serializers.CharField(read_only=True)

    def get_name(self, obj: Any) -> str:
        return str(obj.name or obj.username)


class CaseOpenedSerializer(serializers.Serializer):
    """A case opened from a visit or an order."""

    kind = serializers.CharField(read_only=True, help_text=_("wage：欠薪案件；complaint：立案查处的案件"))
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True, help_text=_("新案件的页面"))


def case_opened(kind: str, case: Any) -> dict[str, Any]:
    page = "ui-wagecase" if kind == "wage" else "ui-complaint"
    return {"kind": kind, "id": case.pk, "number": case.number, "url": reverse(page, kwargs={"pk": case.pk})}


# --- rectification orders -----------------------------------------------------------------------


class ReviewRefSerializer(serializers.ModelSerializer[AnnualReview]):
    class Meta:
        model = AnnualReview
        fields = ["id", "year"]


class RectificationOrderRowSerializer(serializers.ModelSerializer[RectificationOrder]):
    """An order as lists show it. Needs the county, employer, visit, review and cases joined and
    `items_total`, `items_met` annotated; context `today`."""

    county = InspectionRegionSerializer(read_only=True)
    employer = EmployerRefSerializer(read_only=True)
    source = serializers.SerializerMethodField(help_text=_("visit：检查记录；review：书面审查"))  # type: ignore[assignment]
    visit = serializers.SerializerMethodField()
    review = ReviewRefSerializer(read_only=True, allow_null=True)
    status = serializers.CharField(read_only=True, help_text=_("open、met、unmet、escalated、cancelled"))
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    due_provisional = serializers.BooleanField(
        read_only=True, help_text=_("截止日计算用到了尚未载入官方节假日安排的年份，按周一至周五暂算")
    )
    overdue = serializers.SerializerMethodField(help_text=_("整改中且已过截止日"))
    items_total = serializers.IntegerField(read_only=True)
    items_met = serializers.IntegerField(read_only=True)
    complaint = serializers.SerializerMethodField()
    wage_case = serializers.SerializerMethodField()

    class Meta:
        model = RectificationOrder
        fields = [
            "id",
            "number",
            "county",
            "employer",
            "source",
            "visit",
            "review",
            "served_on",
            "deadline_days",
            "due_on",
            "due_provisional",
            "status",
            "status_display",
            "overdue",
            "items_total",
            "items_met",
            "concluded_on",
            "complaint",
            "wage_case",
        ]

    def get_source(self, obj: RectificationOrder) -> str:
        return "visit" if obj.visit_id else "review"

    @extend_schema_field(InspectionRefSerializer(allow_null=True))
    def get_visit(self, obj: RectificationOrder) -> dict[str, Any] | None:
        return ref(obj.visit)

    def get_overdue(self, obj: RectificationOrder) -> bool:
        today = self.context.get("today") or timezone.localdate()
        return obj.status == OrderStatus.OPEN and obj.due_on < today

    @extend_schema_field(InspectionRefSerializer(allow_null=True))
    def get_complaint(self, obj: RectificationOrder) -> dict[str, Any] | None:
        return ref(obj.complaint)

    @extend_schema_field(InspectionRefSerializer(allow_null=True))
    def get_wage_case(self, obj: RectificationOrder) -> dict[str, Any] | None:
        return ref(obj.wage_case)


class OrderItemSerializer(serializers.ModelSerializer[OrderItem]):
    met = serializers.BooleanField(read_only=True, allow_null=True, help_text=_("null：尚未复查"))
    followup_visit = serializers.SerializerMethodField()

    class Meta:
        model = OrderItem
        fields = ["id", "position", "text", "met", "checked_on", "followup_visit", "note"]

    @extend_schema_field(InspectionRefSerializer(allow_null=True))
    def get_followup_visit(self, obj: OrderItem) -> dict[str, Any] | None:
        return ref(obj.followup_visit)


class OrderEventSerializer(serializers.ModelSerializer[OrderEvent]):
    action = serializers.CharField(read_only=True, help_text=_("issue、follow_up、cancel、open_case"))
    by = UserRefSerializer(read_only=True, allow_null=True, help_text=_("null：系统"))
    data = serializers.JSONField(read_only=True)  # type: ignore[assignment]
    visit = serializers.SerializerMethodField()

    class Meta:
        model = OrderEvent
        fields = ["action", "by", "at", "on_date", "note", "data", "visit"]

    @extend_schema_field(InspectionRefSerializer(allow_null=True))
    def get_visit(self, obj: OrderEvent) -> dict[str, Any] | None:
        return ref(obj.visit)


class RectificationOrderDetailSerializer(RectificationOrderRowSerializer):
    """An order page: its items, its timeline and the acts the user may do (context
    `allowed_acts`)."""

    items = OrderItemSerializer(many=True, read_only=True)
    events = OrderEventSerializer(many=True, read_only=True)
    allowed_acts = serializers.SerializerMethodField(help_text=_("follow_up、open_case、cancel 中您现在可做的"))

    class Meta(RectificationOrderRowSerializer.Meta):
        fields = [*RectificationOrderRowSerializer.Meta.fields, "items", "events", "allowed_acts"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_acts(self, obj: RectificationOrder) -> list[str]:
        return list(self.context.get("allowed_acts", []))


# --- annual written reviews ---------------------------------------------------------------------


class AnnualReviewSerializer(serializers.ModelSerializer[AnnualReview]):
    """A review (row and page alike). Needs the county, employer and reviewer joined and the
    orders prefetched; context `can_record` (whether the user records reviews)."""

    county = InspectionRegionSerializer(read_only=True)
    employer = EmployerRefSerializer(read_only=True)
    wages_total = money_field()
    lowest_monthly_wage = money_field(allow_null=True)
    result = serializers.CharField(read_only=True, help_text=_("pending、passed、rectify、failed"))
    result_display = serializers.CharField(source="get_result_display", read_only=True)
    reviewed_by = UserRefSerializer(read_only=True, allow_null=True)
    orders = OrderBriefSerializer(many=True, read_only=True)
    allowed_acts = serializers.SerializerMethodField(help_text=_("decide：待审查或限期整改，且您可登记审查结论"))

    class Meta:
        model = AnnualReview
        fields = [
            "id",
            "county",
            "employer",
            "year",
            "submitted_on",
            "workers",
            "contracts_signed",
            "insured_workers",
            "wages_total",
            "wages_on_time",
            "lowest_monthly_wage",
            "note",
            "result",
            "result_display",
            "opinion",
            "reviewed_by",
            "reviewed_on",
            "orders",
            "allowed_acts",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_acts(self, obj: AnnualReview) -> list[str]:
        from inspections.models import ReviewResult

        if self.context.get("can_record") and obj.result in (ReviewResult.PENDING, ReviewResult.RECTIFY):
            return ["decide"]
        return []


class MissingEmployerSerializer(serializers.ModelSerializer[Employer]):
    region = InspectionRegionSerializer(read_only=True)

    class Meta:
        model = Employer
        fields = ["id", "name", "credit_code", "region"]


# --- patrol targets -----------------------------------------------------------------------------


class PatrolTargetSerializer(serializers.ModelSerializer[PatrolTarget]):
    county = InspectionRegionSerializer(read_only=True)

    class Meta:
        model = PatrolTarget
        fields = ["id", "county", "year", "patrols"]


class InspectorPatrolsSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    patrols = serializers.IntegerField(read_only=True)


class PatrolProgressSerializer(serializers.Serializer):
    """One county's proactive patrols of a year against its target (`selectors.PatrolProgress`)."""

    county = InspectionRegionSerializer(read_only=True)
    year = serializers.IntegerField(read_only=True)
    target = serializers.IntegerField(read_only=True, allow_null=True, help_text=_("未设目标为 null"))
    patrols = serializers.IntegerField(read_only=True, help_text=_("主动巡查次数"))
    percent = percent_field(help_text=_("完成目标的百分比；未设目标为 null"))
    employers = serializers.IntegerField(read_only=True, help_text=_("巡查单位数（去重）"))
    contracts_urged = serializers.IntegerField(read_only=True)
    by_inspector = InspectorPatrolsSerializer(many=True, read_only=True, help_text=_("每名监察员参加的巡查次数"))
