"""Output serializers of the complaint API: a list row, the case page and what it holds, the
assignment candidates, the visitor's status, the 409 body. Inputs are in inputs.py."""

from __future__ import annotations

import contextlib
from typing import Any

import phonenumbers
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bureau.api.serializers import RegionRefSerializer
from bureau.identifiers import format_phone, mask_id_number
from bureau.models import Employer, User, Worker
from complaints import workflow
from complaints.deadlines import deadline_state
from complaints.models import (
    Attachment,
    Category,
    Complainant,
    Complaint,
    Event,
)
from complaints.selectors import HIDDEN_FROM_WINDOW


def _user_name(user: User) -> str:
    return user.name or user.username


# --- output ---------------------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer[Category]):
    class Meta:
        model = Category
        fields = ["code", "name"]


class EmployerRefSerializer(serializers.ModelSerializer[Employer]):
    class Meta:
        model = Employer
        fields = ["id", "name", "credit_code"]


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, obj: User) -> str:
        return _user_name(obj)


class DeadlineSerializer(serializers.Serializer):
    kind = serializers.CharField(read_only=True, help_text=_("acceptance：受理决定期限；investigation：调查期限"))
    due = serializers.DateField(read_only=True)
    provisional = serializers.BooleanField(
        read_only=True, help_text=_("期限计算用到了尚未载入官方节假日安排的年份，按周一至周五暂算")
    )
    days_left = serializers.IntegerField(read_only=True, help_text=_("距期限的工作日数，逾期为负数"))
    state = serializers.CharField(
        read_only=True,
        help_text=_("ok：正常；soon：3个工作日内到期；due_today：今日到期；overdue：已逾期"),
    )


class ComplaintRowSerializer(serializers.ModelSerializer[Complaint]):
    """A case as lists show it. Needs `complaint_rows()` (annotations, prefetches) and, in the
    context, `calendar` (one WorkdayCalendar per request) and `today`."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    employer = EmployerRefSerializer(read_only=True)
    township = RegionRefSerializer(read_only=True, allow_null=True)
    county = RegionRefSerializer(read_only=True)
    categories = CategorySerializer(many=True, read_only=True)
    complainant_count = serializers.IntegerField(read_only=True)
    amount_claimed_total = serializers.DecimalField(read_only=True, max_digits=16, decimal_places=2)
    deadline = serializers.SerializerMethodField()
    inspectors = UserRefSerializer(many=True, read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "number",
            "kind",
            "kind_display",
            "channel",
            "channel_display",
            "status",
            "status_display",
            "employer",
            "township",
            "county",
            "received_on",
            "categories",
            "complainant_count",
            "amount_claimed_total",
            "deadline",
            "inspectors",
            "beyond_limitation",
        ]

    @extend_schema_field(DeadlineSerializer(allow_null=True))
    def get_deadline(self, obj: Complaint) -> dict[str, Any] | None:
        state = deadline_state(obj, today=self.context.get("today"), calendar=self.context.get("calendar"))
        if state is None:
            return None
        return {
            "kind": state.kind,
            "due": state.due.isoformat(),
            "provisional": state.provisional,
            "days_left": state.days_left,
            "state": state.state,
        }


class ComplainantWorkerSerializer(serializers.ModelSerializer[Worker]):
    """A worker on a case: ID number masked as in the worker list (full values through
    /workers/{id}/identity/, recorded)."""

    id_number = serializers.SerializerMethodField()

    class Meta:
        model = Worker
        fields = ["id", "name", "id_number"]

    def get_id_number(self, obj: Worker) -> str:
        return mask_id_number(obj.id_number)


class ComplainantSerializer(serializers.ModelSerializer[Complainant]):
    worker = ComplainantWorkerSerializer(read_only=True)
    amount_claimed = serializers.DecimalField(read_only=True, max_digits=16, decimal_places=2)
    other_cases = serializers.SerializerMethodField(help_text=_("该劳动者在您辖区内的其他案件数"))

    class Meta:
        model = Complainant
        fields = ["id", "worker", "amount_claimed", "period_from", "period_to", "is_contact", "other_cases"]

    def get_other_cases(self, obj: Complainant) -> int:
        return int(self.context.get("worker_cases", {}).get(obj.worker_id, 0))


def act_label(action: str) -> str:
    if action in workflow.ACTS:
        return str(workflow.ACTS[action].label)
    return str({"register": _("登记")}.get(action, action))


class EventSerializer(serializers.ModelSerializer[Event]):
    action_label = serializers.SerializerMethodField()
    by = UserRefSerializer(read_only=True)
    from_status = serializers.CharField(read_only=True, help_text=_("操作前的状态（登记时为空）"))
    to_status = serializers.CharField(read_only=True, help_text=_("操作后的状态"))

    class Meta:
        model = Event
        fields = ["id", "action", "action_label", "from_status", "to_status", "by", "at", "on_date", "reason", "data"]

    def get_action_label(self, obj: Event) -> str:
        return act_label(obj.action)


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    url = serializers.SerializerMethodField(help_text=_("下载地址（需登录且能查看本案）"))
    uploaded_by = UserRefSerializer(read_only=True)

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "url", "event", "uploaded_by", "uploaded_at"]

    def get_url(self, obj: Attachment) -> str:
        return reverse("complaint-attachment-download", kwargs={"pk": obj.complaint_id, "att_id": obj.pk})


class AllowedActSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    needs_reason = serializers.BooleanField()


class ReporterSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    contact = serializers.CharField()


class EarlierCaseSerializer(serializers.ModelSerializer[Complaint]):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Complaint
        fields = ["id", "number", "status", "status_display", "received_on"]


class EmployerHistorySerializer(serializers.Serializer):
    complaints_total = serializers.IntegerField(help_text=_("您辖区内该单位的全部案件数（含本案）"))
    open_cases = serializers.IntegerField(help_text=_("其中尚未办结的案件数（含本案）"))
    earlier = EarlierCaseSerializer(many=True, help_text=_("该单位的其他案件，最新的在前，最多10件"))


def reporter_of(complaint: Complaint) -> dict[str, str] | None:
    """The reporter's identity as stored, or None for an anonymous report or none given."""
    if complaint.anonymous or not (complaint.reporter_name or complaint.reporter_phone or complaint.reporter_contact):
        return None
    phone = complaint.reporter_phone
    with contextlib.suppress(phonenumbers.NumberParseException):  # not E.164: show it as typed
        phone = format_phone(phone)
    return {"name": complaint.reporter_name, "phone": phone, "contact": complaint.reporter_contact}


class ComplaintDetailSerializer(ComplaintRowSerializer):
    """A case page. The view puts into the context what depends on the user: `allowed_acts`,
    `show_reporter`, `show_penalty_drafts`, `employer_history`, `worker_cases`."""

    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    amount_recovered = serializers.DecimalField(read_only=True, max_digits=16, decimal_places=2)
    complainants = ComplainantSerializer(many=True, read_only=True)
    events = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    allowed_acts = serializers.SerializerMethodField()
    reporter = serializers.SerializerMethodField(
        help_text=_("举报人身份，仅承办监察员和负责人可见，每次查看均记录；其他人为 null")
    )
    employer_history = serializers.SerializerMethodField()

    class Meta(ComplaintRowSerializer.Meta):
        fields = [
            *ComplaintRowSerializer.Meta.fields,
            "facts",
            "project_name",
            "site_address",
            "upstream_ref",
            "period_from",
            "period_to",
            "accepted_on",
            "acceptance_due",
            "acceptance_due_provisional",
            "investigation_due",
            "investigation_due_provisional",
            "extended",
            "closed_on",
            "outcome",
            "outcome_display",
            "amount_recovered",
            "workers_paid",
            "satisfied",
            "anonymous",
            "complainants",
            "events",
            "attachments",
            "allowed_acts",
            "reporter",
            "employer_history",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, obj: Complaint) -> list[dict[str, Any]]:
        events = list(obj.events.all())
        if not self.context.get("show_penalty_drafts", False):
            events = [e for e in events if e.action not in HIDDEN_FROM_WINDOW]
        return list(EventSerializer(events, many=True).data)

    @extend_schema_field(AttachmentSerializer(many=True))
    def get_attachments(self, obj: Complaint) -> list[dict[str, Any]]:
        """Files attached to a hidden act (a penalty notice) are hidden with it."""
        attachments = list(obj.attachments.all())
        if not self.context.get("show_penalty_drafts", False):
            attachments = [a for a in attachments if not (a.event and a.event.action in HIDDEN_FROM_WINDOW)]
        return list(AttachmentSerializer(attachments, many=True, context=self.context).data)

    @extend_schema_field(AllowedActSerializer(many=True))
    def get_allowed_acts(self, obj: Complaint) -> list[dict[str, Any]]:
        return [
            {"name": name, "label": str(workflow.ACTS[name].label), "needs_reason": workflow.ACTS[name].needs_reason}
            for name in self.context.get("allowed_acts", [])
        ]

    @extend_schema_field(ReporterSerializer(allow_null=True))
    def get_reporter(self, obj: Complaint) -> dict[str, str] | None:
        if not self.context.get("show_reporter", False):
            return None
        return reporter_of(obj)

    @extend_schema_field(EmployerHistorySerializer())
    def get_employer_history(self, obj: Complaint) -> dict[str, Any] | None:
        history = self.context.get("employer_history")
        if history is None:
            return None
        return dict(EmployerHistorySerializer(history).data)


class CandidateSerializer(serializers.ModelSerializer[User]):
    name = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "name", "username", "roles"]

    def get_name(self, obj: User) -> str:
        return _user_name(obj)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_roles(self, obj: User) -> list[str]:
        return sorted(role.role for role in obj.staff_roles.all())


class PublicCaseStatusSerializer(serializers.ModelSerializer[Complaint]):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "number",
            "status",
            "status_display",
            "received_on",
            "acceptance_due",
            "accepted_on",
            "investigation_due",
            "closed_on",
        ]


class ConflictSerializer(serializers.Serializer):
    """409: the error format, plus what the conflict needs (the existing case of a double
    submission; the acts allowed from the current status)."""

    code = serializers.CharField()
    message = serializers.CharField()
    errors = serializers.ListField(child=serializers.DictField())  # type: ignore[assignment]
    id = serializers.IntegerField(required=False)
    number = serializers.CharField(required=False)
    allowed = serializers.ListField(child=serializers.CharField(), required=False)


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    errors = serializers.ListField(child=serializers.DictField())  # type: ignore[assignment]
