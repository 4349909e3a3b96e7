"""Input serializers of the inspections API, one per write. All are strict (an unknown field is
an error, nested ones included). They turn region codes (counties, and the townships or
communities of a campaign) and ids (employers, campaigns, visits, workers) into objects among
those the user may see, or ids into objects among those of the record in the context (an
order's items), and leave every rule to inspections.services, which reports its errors under the
same field names.

Values the services check themselves (checklist answers, coordinates, amounts) are passed on
as they were sent, so that `"yes"` for a yes/no item or `1.5` for a number is refused by the
service with its code, never converted here."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bureau.api.base import ScopedRegionField, StrictInputSerializer
from bureau.models import Industry
from complaints.api.inputs import ScopedEmployerField, ScopedWorkerField, StaffField
from complaints.models import Category
from inspections.models import Campaign, CampaignType, ChecklistTemplate, OrderItem, ReviewResult, Visit, WagesOnTime
from wagecases.api.inputs import MoneyField


class CaseKind(models.TextChoices):
    WAGE = "wage", _("欠薪案件")
    COMPLAINT = "complaint", _("立案查处")


class _ScopedField(serializers.PrimaryKeyRelatedField[Any]):
    """An id among the rows of `model.objects.visible_to(user)`: another region's id is
    `does_not_exist`, as an id that does not exist."""

    model: Any = None

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", self.model.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return self.model.objects.visible_to(request.user if request else None)


class ScopedCampaignField(_ScopedField):
    model = Campaign
    default_error_messages = {
        "does_not_exist": _("专项检查不存在或不在您的辖区内。"),
        "incorrect_type": _("请给出专项检查的编号。"),
    }


class ScopedVisitField(_ScopedField):
    model = Visit
    default_error_messages = {
        "does_not_exist": _("检查记录不存在或不在您的辖区内。"),
        "incorrect_type": _("请给出检查记录的编号。"),
    }


class CampaignTypeField(serializers.PrimaryKeyRelatedField[CampaignType]):
    default_error_messages = {
        "does_not_exist": _("检查类型不存在。"),
        "incorrect_type": _("请给出检查类型的编号。"),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", CampaignType.objects.all())
        super().__init__(**kwargs)


class TemplateField(serializers.PrimaryKeyRelatedField[ChecklistTemplate]):
    default_error_messages = {
        "does_not_exist": _("检查表不存在。"),
        "incorrect_type": _("请给出检查表的编号。"),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", ChecklistTemplate.objects.select_related("campaign_type"))
        super().__init__(**kwargs)


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}], "example": 3})
class CategoryField(serializers.Field):
    """An active complaint category by id, or by code (the categories API lists codes)."""

    default_error_messages = {
        "does_not_exist": _("类别 {value} 不存在或已停用。"),
        "incorrect_type": _("请给出类别的编号或代码。"),
    }

    def to_internal_value(self, data: Any) -> Category:
        active = Category.objects.filter(active=True)
        if isinstance(data, bool) or not isinstance(data, int | str) or data == "":
            self.fail("incorrect_type")
        if isinstance(data, int) or data.isdigit():
            found = active.filter(pk=int(data)).first()
        else:
            found = active.filter(code=data.strip()).first()
        if found is None:
            self.fail("does_not_exist", value=data)
        return found

    def to_representation(self, value: Any) -> Any:
        return value.pk


class OrderItemField(serializers.PrimaryKeyRelatedField[OrderItem]):
    """An item of the order in the context (`order`); any other id is `does_not_exist`."""

    default_error_messages = {
        "does_not_exist": _("该事项不属于本指令。"),
        "incorrect_type": _("请给出整改事项的编号。"),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", OrderItem.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        order = self.context.get("order")
        return OrderItem.objects.filter(order=order) if order is not None else OrderItem.objects.none()


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "number"}], "example": "30.274083"})
class CoordinateField(serializers.Field):
    """A latitude or longitude as sent (a number or its text), checked by the service."""

    default_error_messages = {"invalid": _("位置不正确。")}

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            self.fail("invalid")
        return data

    def to_representation(self, value: Any) -> Any:
        return str(value)


def _county_field(label: Any) -> ScopedRegionField:
    return ScopedRegionField(
        label=label, required=False, help_text=_("县（区）的区划代码；默认为当前用户所属县（区）。")
    )


# --- campaign types and checklists ----------------------------------------------------------------


class CampaignTypeInputSerializer(StrictInputSerializer):
    code = serializers.SlugField(label=_("代码"), max_length=40)
    name = serializers.CharField(label=_("名称"), max_length=60)
    ordering = serializers.IntegerField(label=_("排序"), min_value=0, max_value=32767, required=False)


class ChecklistPublishSerializer(StrictInputSerializer):
    items = serializers.ListField(
        label=_("检查项目"),
        child=serializers.DictField(),
        allow_empty=True,
        help_text=_("[{key, label, kind: yes_no | number | amount | text | photo, required}]"),
    )
    note = serializers.CharField(label=_("修订说明"), max_length=200, required=False, allow_blank=True)


# --- campaigns ----------------------------------------------------------------------------------


class CampaignUpdateSerializer(StrictInputSerializer):
    """A change of a campaign (PATCH: only the fields sent change)."""

    name = serializers.CharField(label=_("名称"), max_length=200)
    campaign_type = CampaignTypeField(label=_("检查类型"))
    starts_on = serializers.DateField(label=_("开始日期"))
    ends_on = serializers.DateField(label=_("结束日期"))
    regions = ScopedRegionField(
        label=_("检查区域"),
        many=True,
        required=False,
        help_text=_("乡镇（街道）或社区（村）的区划代码；空为全县（区）"),
    )
    industries = serializers.ListField(
        label=_("行业门类"), child=serializers.ChoiceField(choices=Industry.choices), required=False
    )
    target_employers = serializers.IntegerField(label=_("目标检查单位数"), required=False)
    description = serializers.CharField(label=_("说明"), max_length=4000, required=False, allow_blank=True)


class CampaignInputSerializer(CampaignUpdateSerializer):
    county = _county_field(_("组织县（区）"))


# --- visits -------------------------------------------------------------------------------------


class VisitInputSerializer(StrictInputSerializer):
    employer = ScopedEmployerField(label=_("被检查单位"))
    visited_at = serializers.DateTimeField(label=_("检查时间"))
    inspectors = StaffField(label=_("检查人员"), many=True, help_text=_("至少两名监察员"))
    campaign = ScopedCampaignField(label=_("专项检查"), required=False, allow_null=True, help_text=_("null：主动巡查"))
    template = TemplateField(
        label=_("检查表"), required=False, allow_null=True, help_text=_("专项检查默认为其类型当前的检查表")
    )
    answers = serializers.DictField(
        label=_("检查表答案"), child=serializers.JSONField(), required=False, help_text=_("{项目代码: 答案}")
    )
    site_address = serializers.CharField(label=_("检查地点"), max_length=255, required=False, allow_blank=True)
    workers_on_site = serializers.IntegerField(label=_("在岗人数"), required=False)
    contracts_found = serializers.IntegerField(label=_("已签书面劳动合同人数"), required=False)
    contracts_urged = serializers.IntegerField(label=_("督促签订劳动合同人数"), required=False)
    wages_on_time = serializers.ChoiceField(label=_("工资支付情况"), choices=WagesOnTime.choices, required=False)
    workers_unpaid = serializers.IntegerField(label=_("被欠薪人数"), required=False)
    amount_unpaid = MoneyField(label=_("欠薪金额（元）"), required=False)
    child_labour_found = serializers.IntegerField(label=_("发现童工人数"), required=False)
    minimum_wage_problem = serializers.BooleanField(label=_("发现低于最低工资标准"), required=False)
    findings = serializers.CharField(label=_("检查情况与发现的问题"), required=False, allow_blank=True)
    latitude = CoordinateField(label=_("纬度"), required=False, allow_null=True)
    longitude = CoordinateField(label=_("经度"), required=False, allow_null=True)
    accuracy_m = serializers.IntegerField(label=_("定位精度（米）"), required=False, allow_null=True)
    client_uuid = serializers.UUIDField(
        label=_("客户端编号"), required=False, allow_null=True, help_text=_("离线登记的唯一编号：重发时答 200")
    )
    county = _county_field(_("检查县（区）"))


class PhotoUploadSerializer(StrictInputSerializer):
    file = serializers.FileField(label=_("照片"), max_length=200, allow_empty_file=False)
    item_key = serializers.CharField(
        label=_("检查项目"), max_length=40, required=False, allow_blank=True, help_text=_("照片类检查项目的代码")
    )
    caption = serializers.CharField(label=_("说明"), max_length=200, required=False, allow_blank=True)
    client_uuid = serializers.UUIDField(
        label=_("客户端编号"), required=False, allow_null=True, help_text=_("离线上传的唯一编号：重发时答 200")
    )


class OrderIssueSerializer(StrictInputSerializer):
    items = serializers.ListField(
        label=_("整改事项"), child=serializers.CharField(allow_blank=True, trim_whitespace=False), allow_empty=True
    )
    deadline_days = serializers.IntegerField(label=_("整改期限（工作日）"), help_text=_("1至250个工作日"))
    served_on = serializers.DateField(label=_("送达日期"), required=False, allow_null=True, help_text=_("默认为今天。"))


class InspectionClaimSerializer(StrictInputSerializer):
    """One unpaid worker's claim of a wage case opened from a finding."""

    worker = ScopedWorkerField(label=_("劳动者"))
    amount_claimed = MoneyField(label=_("诉求金额（元）"))
    period_from = serializers.DateField(label=_("欠薪起始日"), required=False, allow_null=True)
    period_to = serializers.DateField(label=_("欠薪截止日"), required=False, allow_null=True)


class CaseOpenSerializer(StrictInputSerializer):
    kind = serializers.ChoiceField(label=_("立案类型"), choices=CaseKind.choices)
    claims = serializers.ListField(
        label=_("欠薪请求"), child=InspectionClaimSerializer(), required=False, max_length=1000
    )
    categories = serializers.ListField(
        label=_("类别"), child=CategoryField(), required=False, max_length=20, help_text=_("案件类别的编号（或代码）")
    )


# --- rectification orders -----------------------------------------------------------------------


class ItemResultSerializer(StrictInputSerializer):
    item = OrderItemField(label=_("整改事项"))
    met = serializers.BooleanField(label=_("已整改"))
    note = serializers.CharField(label=_("复查说明"), max_length=500, required=False, allow_blank=True)


class OrderFollowUpSerializer(StrictInputSerializer):
    visit = ScopedVisitField(label=_("复查检查记录"))
    results = serializers.ListField(label=_("逐项复查结果"), child=ItemResultSerializer(), allow_empty=True)


class OrderCancelSerializer(StrictInputSerializer):
    reason = serializers.CharField(label=_("撤销理由"), max_length=4000, allow_blank=True)


# --- annual written reviews ---------------------------------------------------------------------


class ReviewInputSerializer(StrictInputSerializer):
    employer = ScopedEmployerField(label=_("用人单位"))
    year = serializers.IntegerField(label=_("审查年度"))
    submitted_on = serializers.DateField(label=_("报送日期"))
    workers = serializers.IntegerField(label=_("职工人数"))
    contracts_signed = serializers.IntegerField(label=_("签订劳动合同人数"))
    insured_workers = serializers.IntegerField(label=_("参加社会保险人数"))
    wages_total = MoneyField(label=_("全年工资总额（元）"))
    wages_on_time = serializers.BooleanField(label=_("工资按时足额支付"), required=False)
    lowest_monthly_wage = MoneyField(label=_("最低月工资（元）"), required=False, allow_null=True)
    note = serializers.CharField(label=_("报送说明"), max_length=4000, required=False, allow_blank=True)
    county = _county_field(_("审查县（区）"))


class ReviewDecideSerializer(StrictInputSerializer):
    result = serializers.ChoiceField(
        label=_("审查结论"),
        choices=[c for c in ReviewResult.choices if c[0] != ReviewResult.PENDING],
        help_text=_("passed：合格；rectify：限期整改；failed：不合格"),
    )
    opinion = serializers.CharField(label=_("审查意见"), max_length=4000, required=False, allow_blank=True)
    on_date = serializers.DateField(label=_("审查日期"), required=False, allow_null=True, help_text=_("默认为今天。"))
    order_items = serializers.ListField(
        label=_("整改事项"),
        child=serializers.CharField(allow_blank=True, trim_whitespace=False),
        required=False,
        help_text=_("限期整改时下达责令改正指令书的事项"),
    )
    deadline_days = serializers.IntegerField(
        label=_("整改期限（工作日）"), required=False, allow_null=True, help_text=_("下达指令书时必填，1至250")
    )


# --- patrol targets -----------------------------------------------------------------------------


class PatrolTargetInputSerializer(StrictInputSerializer):
    year = serializers.IntegerField(label=_("年度"))
    patrols = serializers.IntegerField(label=_("主动巡查目标（次）"))
    county = _county_field(_("县（区）"))
