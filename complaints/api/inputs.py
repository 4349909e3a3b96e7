"""Input serializers of the complaint API, one per write: registration (with its
complainants), an act of the lifecycle (with the `data` each act takes, checked by a small
serializer of its own), an upload, the visitor's status lookup. All are strict: an unknown
field is an error, nested ones included."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bureau.api.base import ScopedRegionField, StrictInputSerializer
from bureau.identifiers import normalize_phone
from bureau.models import Employer, User, Worker
from complaints import services, workflow
from complaints.models import MAX_CLAIM, Category, Channel, Kind, Outcome

MONEY_ERRORS: dict[str, Any] = {"min_value": _("金额不能为负数。"), "max_value": _("金额超过每人1000万元，请核对。")}


class ScopedEmployerField(serializers.PrimaryKeyRelatedField[Employer]):
    default_error_messages = {
        "does_not_exist": _("用人单位不存在或不在您的辖区内。"),
        "incorrect_type": _("请给出用人单位的编号。"),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Employer.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return Employer.objects.visible_to(request.user if request else None)


class ScopedWorkerField(serializers.PrimaryKeyRelatedField[Worker]):
    default_error_messages = {
        "does_not_exist": _("劳动者不存在或不在您的辖区内。"),
        "incorrect_type": _("请给出劳动者的编号。"),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Worker.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return Worker.objects.visible_to(request.user if request else None)


class StaffField(serializers.PrimaryKeyRelatedField[User]):
    default_error_messages = {"does_not_exist": _("工作人员不存在或已停用。")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", User.objects.filter(is_active=True))
        super().__init__(**kwargs)


def _collect(errors: dict[str, list[Any]], exc: DjangoValidationError) -> None:
    for field, details in serializers.as_serializer_error(exc).items():
        errors.setdefault(field, []).extend(details)


class ComplainantInputSerializer(StrictInputSerializer):
    """One complainant of a registration: a worker the user can see and what he claims."""

    worker = ScopedWorkerField(label=_("劳动者"))
    amount_claimed = serializers.DecimalField(
        label=_("诉求金额（元）"),
        max_digits=20,
        decimal_places=2,
        min_value=0,
        max_value=MAX_CLAIM,
        required=False,
        error_messages=MONEY_ERRORS,
    )
    period_from = serializers.DateField(label=_("欠薪起始日"), required=False, allow_null=True)
    period_to = serializers.DateField(label=_("欠薪截止日"), required=False, allow_null=True)
    is_contact = serializers.BooleanField(label=_("联系人"), required=False)


class ComplaintRegisterSerializer(StrictInputSerializer):
    """Registration of a complaint (投诉) or a report (举报). Unknown fields are refused."""

    # cases found by an inspection are opened from the visit or the order (inspections app)
    kind = serializers.ChoiceField(
        label=_("类型"), choices=[c for c in Kind.choices if c[0] != Kind.INSPECTION], default=Kind.COMPLAINT
    )
    channel = serializers.ChoiceField(
        label=_("来源渠道"), choices=[c for c in Channel.choices if c[0] != Channel.INSPECTION], default=Channel.WINDOW
    )
    upstream_ref = serializers.CharField(label=_("上游编号"), max_length=60, required=False, allow_blank=True)
    employer = ScopedEmployerField(
        label=_("被投诉单位"),
        error_messages={"required": _("请选择或登记被投诉单位。"), "null": _("请选择或登记被投诉单位。")},
    )
    project_name = serializers.CharField(label=_("工程项目"), max_length=200, required=False, allow_blank=True)
    site_address = serializers.CharField(label=_("发生地点"), max_length=255, required=False, allow_blank=True)
    township = ScopedRegionField(label=_("发生地乡镇（街道）"), required=False, allow_null=True)
    county = ScopedRegionField(label=_("受理县（区）"), required=False, help_text=_("默认为当前用户所属县（区）。"))
    categories = serializers.SlugRelatedField[Category](
        label=_("类别"),
        slug_field="code",
        queryset=Category.objects.filter(active=True),
        many=True,
        error_messages={"does_not_exist": _("类别 {value} 不存在或已停用。")},
    )
    facts = serializers.CharField(label=_("事实与请求"), max_length=5000)
    period_from = serializers.DateField(label=_("欠薪/违法起始日"), required=False, allow_null=True)
    period_to = serializers.DateField(label=_("欠薪/违法截止日"), required=False, allow_null=True)
    received_on = serializers.DateField(label=_("收到日期"), required=False, help_text=_("默认为今天。"))
    anonymous = serializers.BooleanField(label=_("匿名"), required=False)
    reporter_name = serializers.CharField(label=_("举报人姓名"), max_length=50, required=False, allow_blank=True)
    reporter_phone = serializers.CharField(label=_("举报人电话"), max_length=30, required=False, allow_blank=True)
    reporter_contact = serializers.CharField(
        label=_("举报人其他联系方式"), max_length=200, required=False, allow_blank=True
    )
    complainants = serializers.ListField(
        label=_("投诉人"), child=ComplainantInputSerializer(), required=False, max_length=1000
    )
    idempotency_key = serializers.CharField(
        label=_("幂等键"),
        max_length=64,
        required=False,
        allow_blank=True,
        help_text=_("也可用请求头 Idempotency-Key 给出；同一用户以同一键重复提交时不会重复登记（409）。"),
    )

    def validate_reporter_phone(self, value: str) -> str:
        return normalize_phone(value)

    def validate_categories(self, value: list[Category]) -> list[Category]:
        if not value:
            raise serializers.ValidationError(_("请至少选择一个类别。"), code="required")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The services' own date and roster checks, run over the whole form so that every
        error is reported at once (the service runs them again when saving)."""
        today = timezone.localdate()
        errors: dict[str, list[Any]] = {}
        received_on = attrs.get("received_on")
        if received_on and received_on > today:
            errors["received_on"] = [serializers.ErrorDetail(str(_("收到日期不能晚于今天。")), code="date_in_future")]
        try:
            services._check_period("", attrs.get("period_from"), attrs.get("period_to"), today)
        except DjangoValidationError as exc:
            _collect(errors, exc)
        seen: set[int] = set()
        for index, item in enumerate(attrs.get("complainants", [])):
            prefix = f"complainants.{index}."
            worker = item["worker"]
            if worker.pk in seen:
                errors[prefix + "worker"] = [serializers.ErrorDetail(str(_("同一劳动者重复出现。")), code="duplicate")]
            seen.add(worker.pk)
            try:
                services._check_period(prefix, item.get("period_from"), item.get("period_to"), today, worker)
            except DjangoValidationError as exc:
                _collect(errors, exc)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


# Acts: the optional `data` of each act, validated by a small serializer of its own.


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]})
class TextListField(serializers.Field):
    """A list of short texts, given as a list of strings or as one text, one item per line."""

    default_error_messages = {
        "invalid": _("请给出文字列表（或每行一项的文字）。"),
        "empty": _("请至少填写一项。"),
        "max_items": _("最多 {max_items} 项。"),
        "item_too_long": _("每项不超过 {max_length} 个字。"),
    }

    def __init__(self, *, allow_empty: bool = True, max_items: int = 100, max_length: int = 500, **kwargs: Any):
        self.allow_empty, self.max_items, self.max_length = allow_empty, max_items, max_length
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        if isinstance(data, str):
            items = data.splitlines()
        elif isinstance(data, list) and all(isinstance(item, str) for item in data):
            items = data
        else:
            self.fail("invalid")
        items = [item.strip() for item in items if item.strip()]
        if not items and not self.allow_empty:
            self.fail("empty")
        if len(items) > self.max_items:
            self.fail("max_items", max_items=self.max_items)
        if any(len(item) > self.max_length for item in items):
            self.fail("item_too_long", max_length=self.max_length)
        return items

    def to_representation(self, value: Any) -> list[str]:
        return list(value)


class NoData(StrictInputSerializer):
    """Acts that take no data: any key is an unknown field."""


class RecordStepData(StrictInputSerializer):
    step_type = serializers.ChoiceField(
        label=_("调查方式"),
        choices=[
            ("visit", _("现场检查")),
            ("interview", _("询问调查")),
            ("document_request", _("调取资料")),
            ("notice", _("送达通知")),
            ("other", _("其他")),
        ],
    )
    description = serializers.CharField(label=_("情况记录"), max_length=5000)
    participants = TextListField(label=_("参加人员"), required=False, help_text=_("列表，或每行一人的文字"))


class OrderRectificationData(StrictInputSerializer):
    items = TextListField(label=_("责令改正事项"), allow_empty=False, help_text=_("列表，或每行一项的文字"))
    deadline = serializers.DateField(label=_("改正期限"))

    def validate_deadline(self, value: dt.date) -> dt.date:
        on_date = self.context.get("on_date") or timezone.localdate()
        if value < on_date:
            raise serializers.ValidationError(_("改正期限不能早于责令改正的日期。"), code="before_on_date")
        return value


class RecordRectificationData(StrictInputSerializer):
    result = serializers.ChoiceField(
        label=_("整改结果"), choices=[("met", _("已按期改正")), ("unmet", _("逾期未改正"))]
    )
    note = serializers.CharField(label=_("说明"), max_length=5000, required=False, allow_blank=True)


class RecordMediationData(StrictInputSerializer):
    agreement = serializers.CharField(label=_("调解协议内容"), max_length=5000)
    amount = serializers.DecimalField(
        label=_("协议金额（元）"), max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )


class NotifyPenaltyData(StrictInputSerializer):
    facts = serializers.CharField(label=_("违法事实"), max_length=5000, required=False, allow_blank=True)
    legal_basis = serializers.CharField(label=_("法律依据"), max_length=2000)
    proposed_amount = serializers.DecimalField(
        label=_("拟罚款金额（元）"), max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )


class DecidePenaltyData(StrictInputSerializer):
    legal_basis = serializers.CharField(label=_("法律依据"), max_length=2000)
    amount = serializers.DecimalField(label=_("罚款金额（元）"), max_digits=14, decimal_places=2, min_value=0)
    decision_number = serializers.CharField(label=_("决定书文号"), max_length=60, required=False, allow_blank=True)


class TransferData(StrictInputSerializer):
    body = serializers.ChoiceField(
        label=_("移送机关类别"),
        choices=[
            ("arbitration", _("劳动人事争议仲裁委员会")),
            ("court", _("人民法院")),
            ("public_security", _("公安机关")),
            ("other_department", _("其他部门")),
        ],
    )
    receiver = serializers.CharField(label=_("接收单位"), max_length=200)
    transferred_on = serializers.DateField(label=_("移送日期"), required=False, allow_null=True)

    def validate_transferred_on(self, value: dt.date | None) -> dt.date | None:
        if value and value > timezone.localdate():
            raise serializers.ValidationError(_("日期不能晚于今天。"), code="date_in_future")
        return value


class FollowUpData(StrictInputSerializer):
    reached = serializers.BooleanField(label=_("是否联系上"))
    comment = serializers.CharField(label=_("回访意见"), max_length=5000, required=False, allow_blank=True)


ACT_DATA: dict[str, type[StrictInputSerializer]] = {
    "record_step": RecordStepData,
    "order_rectification": OrderRectificationData,
    "record_rectification": RecordRectificationData,
    "record_mediation": RecordMediationData,
    "notify_penalty": NotifyPenaltyData,
    "decide_penalty": DecidePenaltyData,
    "transfer": TransferData,
    "follow_up": FollowUpData,
}


class ActInputSerializer(StrictInputSerializer):
    """One act of the lifecycle; `data` is checked by the act's own rules. Unknown fields are refused."""

    act = serializers.ChoiceField(label=_("操作"), choices=[(a.name, a.label) for a in workflow.ACTS.values()])
    reason = serializers.CharField(label=_("理由/说明"), max_length=5000, required=False, allow_blank=True)
    on_date = serializers.DateField(label=_("日期"), required=False, allow_null=True, help_text=_("默认为今天。"))
    inspectors = StaffField(
        label=_("承办监察员"), many=True, required=False, help_text=_("指派（或受理时指派）的监察员编号，至少两人")
    )
    outcome = serializers.ChoiceField(label=_("处理结果"), choices=Outcome.choices, required=False, allow_blank=True)
    amount_recovered = serializers.DecimalField(
        label=_("追发金额（元）"), max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    workers_paid = serializers.IntegerField(
        label=_("追发涉及人数"), min_value=0, max_value=1_000_000, required=False, allow_null=True
    )
    satisfied = serializers.BooleanField(label=_("满意"), required=False, allow_null=True)
    data = serializers.DictField(  # type: ignore[assignment]
        label=_("附加数据"),
        required=False,
        help_text=_(
            "按操作不同：record_step {step_type, description, participants}；order_rectification "
            "{items, deadline}；record_rectification {result, note}；record_mediation {agreement, amount}；"
            "notify_penalty {facts, legal_basis, proposed_amount}；decide_penalty {legal_basis, amount, "
            "decision_number}；transfer {body, receiver, transferred_on}；follow_up {reached, comment}；其他操作无。"
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        schema = ACT_DATA.get(attrs["act"], NoData)
        data = schema(data=attrs.get("data", {}), context={**self.context, "on_date": attrs.get("on_date")})
        if not data.is_valid():
            raise serializers.ValidationError({"data": data.errors})
        # JSON-ready values (dates and amounts as strings) for the timeline event.
        attrs["data"] = dict(data.data)
        return attrs


class AttachmentUploadSerializer(StrictInputSerializer):
    """A file (multipart `file`), optionally for one event of the case's timeline."""

    file = serializers.FileField(label=_("文件"), max_length=200, allow_empty_file=False)
    event = serializers.IntegerField(label=_("所属进程"), required=False, allow_null=True)


class PublicCaseStatusQuerySerializer(StrictInputSerializer):
    """A visitor's status lookup: the case number and a complainant's or the reporter's phone."""

    number = serializers.CharField(label=_("案件编号"), max_length=30)
    phone = serializers.CharField(label=_("投诉人或举报人电话"), max_length=30)

    def validate_phone(self, value: str) -> str:
        return normalize_phone(value)
