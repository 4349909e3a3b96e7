"""Input serializers of the wage-case API, one per write. All are strict (an unknown field is
an error, nested ones included). They turn ids into objects among those the user may see
(claims, payments and allocations among those of the case) and leave every rule to
wagecases.services, which reports its errors under the same field names.

Amounts are given as strings ("1234.50"); a JSON number is accepted too, and is passed on as
it was written, so that `services.money` refuses more than two decimals instead of rounding."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bureau.api.base import ScopedRegionField, StrictInputSerializer
from complaints.api.inputs import ScopedEmployerField, ScopedWorkerField, StaffField
from wagecases.models import Claim, Method, Payer, Project, Source, TransferTarget, WageCase


@extend_schema_field({"type": "string", "pattern": r"^\d+(\.\d{1,2})?$", "example": "1234.50"})
class MoneyField(serializers.Field):
    """An amount of yuan as written: a string, or a JSON number. Checked by `services.money`."""

    default_error_messages = {"invalid": _("金额格式不正确。")}

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, bool) or not isinstance(data, str | int | float):
            self.fail("invalid")
        text = str(data).strip()
        if not text or len(text) > 40:
            self.fail("invalid")
        return text

    def to_representation(self, value: Any) -> str:
        return str(value)


class ScopedProjectField(serializers.PrimaryKeyRelatedField[Project]):
    default_error_messages = {
        "does_not_exist": _("工程项目不存在或不在您的辖区内。"),
        "incorrect_type": _("请给出工程项目的编号。"),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Project.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return Project.objects.visible_to(request.user if request else None)


# The complaint model, through our foreign key: case apps do not import each other's models.
COMPLAINT_MODEL: Any = WageCase._meta.get_field("complaint").related_model


class ScopedComplaintField(serializers.PrimaryKeyRelatedField[Any]):
    default_error_messages = {
        "does_not_exist": _("投诉案件不存在或不在您的辖区内。"),
        "incorrect_type": _("请给出投诉案件的编号。"),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", COMPLAINT_MODEL.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return COMPLAINT_MODEL.objects.visible_to(request.user if request else None)


class ClaimOnCaseField(serializers.PrimaryKeyRelatedField[Claim]):
    """A claim of the case in the context (`case`): any other id, whether it belongs to another
    case or to none, is `not_on_case` (the services' code for the same mistake)."""

    default_error_messages = {
        "not_on_case": _("该劳动者不在本案中。"),
        "incorrect_type": _("请给出欠薪请求的编号。"),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Claim.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        case = self.context.get("case")
        return Claim.objects.filter(case=case) if case is not None else Claim.objects.none()

    def to_internal_value(self, data: Any) -> Claim:
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            claim: Claim = self.get_queryset().get(pk=int(data))
        except (TypeError, ValueError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        except Claim.DoesNotExist:
            self.fail("not_on_case")
        return claim


class ClaimInputSerializer(StrictInputSerializer):
    """One worker's claim when a case is opened."""

    worker = ScopedWorkerField(label=_("劳动者"))
    amount_claimed = MoneyField(label=_("诉求金额（元）"))
    period_from = serializers.DateField(label=_("欠薪起始日"), required=False, allow_null=True)
    period_to = serializers.DateField(label=_("欠薪截止日"), required=False, allow_null=True)


class WageCaseOpenSerializer(StrictInputSerializer):
    """Open a case directly or from an inspection finding (from a complaint: from-complaint)."""

    employer = ScopedEmployerField(label=_("欠薪单位"))
    claims = serializers.ListField(label=_("欠薪请求"), child=ClaimInputSerializer(), max_length=1000)
    county = ScopedRegionField(label=_("承办县（区）"), required=False, help_text=_("默认为当前用户所属县（区）。"))
    opened_on = serializers.DateField(label=_("立案日期"), required=False, help_text=_("默认为今天。"))
    source = serializers.ChoiceField(  # type: ignore[assignment]
        label=_("案件来源"), choices=Source.choices, default=Source.DIRECT
    )
    project = ScopedProjectField(label=_("工程项目"), required=False, allow_null=True)
    inspectors = StaffField(label=_("承办监察员"), many=True, required=False, help_text=_("至少两人"))


class WageCaseFromComplaintSerializer(StrictInputSerializer):
    complaint = ScopedComplaintField(label=_("投诉案件"))
    opened_on = serializers.DateField(label=_("立案日期"), required=False, help_text=_("默认为今天。"))
    project = ScopedProjectField(label=_("工程项目"), required=False, allow_null=True)


class AssignSerializer(StrictInputSerializer):
    inspectors = StaffField(label=_("承办监察员"), many=True, help_text=_("至少两人"))


class ClaimAddSerializer(StrictInputSerializer):
    worker = ScopedWorkerField(label=_("劳动者"))
    amount_claimed = MoneyField(label=_("诉求金额（元）"))
    period_from = serializers.DateField(label=_("欠薪起始日"), required=False, allow_null=True)
    period_to = serializers.DateField(label=_("欠薪截止日"), required=False, allow_null=True)


class ClaimConfirmSerializer(StrictInputSerializer):
    amount_confirmed = MoneyField(label=_("核定欠薪金额（元）"))


class AllocationInputSerializer(StrictInputSerializer):
    claim = ClaimOnCaseField(label=_("欠薪请求"))
    amount = MoneyField(label=_("金额（元）"))
    kind = serializers.CharField(
        label=_("款项性质"),
        max_length=20,
        default="wages",
        help_text=_("wages：工资（默认）；compensation：加付赔偿金；interest：利息"),
    )


class PaymentRecordSerializer(StrictInputSerializer):
    paid_on = serializers.DateField(label=_("支付日期"))
    amount = MoneyField(label=_("金额（元）"))
    payer = serializers.ChoiceField(label=_("支付方"), choices=Payer.choices)
    method = serializers.ChoiceField(label=_("支付方式"), choices=Method.choices)
    evidence = serializers.CharField(label=_("支付凭证"), max_length=2000)
    allocations = serializers.ListField(label=_("分配"), child=AllocationInputSerializer(), max_length=1000)


class PaymentReverseSerializer(StrictInputSerializer):
    reason = serializers.CharField(label=_("冲销原因"), max_length=2000)


class NoInputSerializer(StrictInputSerializer):
    """An act that takes no data: any key is an unknown field."""


class LinkProjectSerializer(StrictInputSerializer):
    project = ScopedProjectField(label=_("工程项目"), allow_null=True, help_text=_("null：取消关联"))


class OrderPaymentSerializer(StrictInputSerializer):
    ordered_on = serializers.DateField(
        label=_("责令日期"), required=False, allow_null=True, help_text=_("默认为今天。")
    )
    due_on = serializers.DateField(label=_("支付截止日期"), required=False, allow_null=True)
    working_days = serializers.IntegerField(
        label=_("期限（工作日）"), required=False, allow_null=True, help_text=_("与截止日期二选一")
    )
    note = serializers.CharField(label=_("说明"), max_length=4000, required=False, allow_blank=True)


class OrderContractorSerializer(StrictInputSerializer):
    ordered_on = serializers.DateField(
        label=_("责令日期"), required=False, allow_null=True, help_text=_("默认为今天。")
    )
    note = serializers.CharField(label=_("说明"), max_length=4000, required=False, allow_blank=True)


class MarkIncidentSerializer(StrictInputSerializer):
    on_date = serializers.DateField(label=_("事件日期"), required=False, allow_null=True, help_text=_("默认为今天。"))
    note = serializers.CharField(label=_("事件经过"), max_length=4000, required=False, allow_blank=True)


class CloseSerializer(StrictInputSerializer):
    transferred_to = serializers.ChoiceField(
        label=_("移送机关"),
        choices=TransferTarget.choices,
        required=False,
        allow_blank=True,
        help_text=_("空：按已清偿结案"),
    )
    note = serializers.CharField(label=_("说明"), max_length=2000, required=False, allow_blank=True)
    closed_on = serializers.DateField(label=_("结案日期"), required=False, allow_null=True, help_text=_("默认为今天。"))
