"""Complaint and report cases (举报投诉案件) and their timeline.

A case is handled by one county bureau (`county`), numbered per county and year without gaps
(`bureau.numbering`), and carries its statutory deadlines, computed on the working-day calendar and
stored (with a `provisional` flag while they count days of a year whose official schedule is
not loaded). Every change of state is an `Event` row: who, when, what, why.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from bureau.models import Employer, Region, Worker
from bureau.scoping import ScopedQuerySet

MAX_CLAIM = Decimal("10000000.00")


class Category(models.Model):
    """Reference data an administrator may extend: what the complaint is about."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    ordering = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("案件类别")
        verbose_name_plural = _("案件类别")
        ordering = ["ordering", "code"]

    def __str__(self) -> str:
        return self.name


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    # found by the bureau itself (an inspection, an unmet rectification order): no complainant
    INSPECTION = "inspection", _("检查发现")


class Channel(models.TextChoices):
    WINDOW = "window", _("窗口来访")
    HOTLINE = "hotline", _("12333热线")
    ONLINE = "online", _("网上投诉")
    LETTER = "letter", _("来信")
    REFERRAL = "referral", _("其他部门转办")
    PLATFORM = "platform", _("根治欠薪线索平台")
    INSPECTION = "inspection", _("监察检查")


class Status(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("待补正")
    REFUSAL_REQUESTED = "refusal_requested", _("不予受理待审批")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    REFERRED = "referred", _("已告知/转交他处")
    ACCEPTED = "accepted", _("已立案调查")
    EXTENSION_REQUESTED = "extension_requested", _("延期待审批")
    CLOSURE_REQUESTED = "closure_requested", _("结案待审批")
    CLOSED = "closed", _("已结案")
    FOLLOWED_UP = "followed_up", _("已回访")
    WITHDRAWN = "withdrawn", _("已撤回")


class Outcome(models.TextChoices):
    PAID = "paid", _("已追发工资")
    RECTIFIED = "rectified", _("已责令改正并整改")
    PENALIZED = "penalized", _("已作出行政处罚")
    MEDIATED = "mediated", _("调解结案")
    TRANSFERRED = "transferred", _("已移送")
    NO_VIOLATION = "no_violation", _("查无违法")
    CANCELLED = "cancelled", _("撤销立案")


class ComplaintQuerySet(ScopedQuerySet["Complaint"]):
    def scope_q(self, path: str) -> models.Q:
        return models.Q(county__path__startswith=path) | models.Q(township__path__startswith=path)

    def visible_to(self, user: Any) -> ComplaintQuerySet:
        from bureau import roles

        if not roles.can(user, "complaints.view"):
            return self.none()
        return super().visible_to(user)  # type: ignore[return-value]


class Complaint(models.Model):
    county = models.ForeignKey(Region, verbose_name=_("受理县（区）"), on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey(
        Region, verbose_name=_("发生地乡镇（街道）"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("案件编号"), max_length=30, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.COMPLAINT)
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices, default=Channel.WINDOW)
    upstream_ref = models.CharField(_("上游编号"), max_length=60, blank=True)
    employer = models.ForeignKey(
        Employer, verbose_name=_("被投诉单位"), on_delete=models.PROTECT, related_name="complaints"
    )
    project_name = models.CharField(_("工程项目"), max_length=200, blank=True)
    site_address = models.CharField(_("发生地点"), max_length=255, blank=True)
    categories = models.ManyToManyField(Category, verbose_name=_("类别"), related_name="complaints")
    facts = models.TextField(_("事实与请求"), max_length=5000)
    period_from = models.DateField(_("欠薪/违法起始日"), null=True, blank=True)
    period_to = models.DateField(_("欠薪/违法截止日"), null=True, blank=True)
    beyond_limitation = models.BooleanField(_("超过两年时效"), default=False)
    # A report (举报) may come from anyone, possibly anonymously; who it is stays confidential.
    anonymous = models.BooleanField(_("匿名"), default=False)
    reporter_name = models.CharField(_("举报人姓名"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("举报人电话"), max_length=20, blank=True)
    reporter_contact = models.CharField(_("举报人其他联系方式"), max_length=200, blank=True)

    status = models.CharField(_("状态"), max_length=30, choices=Status.choices, default=Status.REGISTERED)
    received_on = models.DateField(_("收到日期"))
    acceptance_due = models.DateField(_("受理决定期限"))
    acceptance_due_provisional = models.BooleanField(default=False)
    accepted_on = models.DateField(_("立案日期"), null=True, blank=True)
    investigation_due = models.DateField(_("调查期限"), null=True, blank=True)
    investigation_due_provisional = models.BooleanField(default=False)
    extended = models.BooleanField(_("已延期"), default=False)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    outcome = models.CharField(_("处理结果"), max_length=30, choices=Outcome.choices, blank=True)
    amount_recovered = models.DecimalField(
        _("追发金额（元）"), max_digits=14, decimal_places=2, default=Decimal("0.00"), validators=[MinValueValidator(0)]
    )
    workers_paid = models.PositiveIntegerField(_("追发涉及人数"), default=0)
    satisfied = models.BooleanField(_("满意"), null=True, blank=True)

    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("承办监察员"), blank=True, related_name="assigned_complaints"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    idempotency_key = models.CharField(max_length=64, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("投诉举报案件")
        verbose_name_plural = _("投诉举报案件")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year", "seq"], name="complaint_number_unique"),
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="complaint_idempotency_unique",
            ),
            models.CheckConstraint(condition=models.Q(amount_recovered__gte=0), name="complaint_recovered_positive"),
            models.CheckConstraint(
                condition=models.Q(period_from__isnull=True)
                | models.Q(period_to__isnull=True)
                | models.Q(period_from__lte=models.F("period_to")),
                name="complaint_period_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "status"], name="complaint_county_status"),
            models.Index(fields=["acceptance_due"], name="complaint_acceptance_due"),
            models.Index(fields=["investigation_due"], name="complaint_investigation_due"),
        ]

    def __str__(self) -> str:
        return self.number


class Complainant(models.Model):
    """A worker on whose behalf the complaint is made, with what he claims."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="complainants")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="complaints")
    amount_claimed = models.DecimalField(
        _("诉求金额（元）"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(0), MaxValueValidator(MAX_CLAIM)],
    )
    period_from = models.DateField(_("欠薪起始日"), null=True, blank=True)
    period_to = models.DateField(_("欠薪截止日"), null=True, blank=True)
    is_contact = models.BooleanField(_("联系人"), default=False)

    class Meta:
        verbose_name = _("投诉人")
        verbose_name_plural = _("投诉人")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "worker"], name="complainant_unique"),
            models.CheckConstraint(
                condition=models.Q(amount_claimed__gte=0, amount_claimed__lte=MAX_CLAIM),
                name="complainant_amount_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint} · {self.worker}"


class Event(models.Model):
    """One entry of a case's timeline: an act of a user, with the status before and after."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=40)
    from_status = models.CharField(max_length=30, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=30, choices=Status.choices, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    on_date = models.DateField(_("日期"), null=True, blank=True)
    reason = models.TextField(_("理由/说明"), blank=True, max_length=5000)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("案件进程")
        verbose_name_plural = _("案件进程")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["complaint", "at"], name="event_complaint_at")]

    def __str__(self) -> str:
        return f"{self.complaint} {self.action}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"complaints/{instance.complaint.county.code}/{instance.complaint.year}/{instance.complaint.seq}/{filename}"


class Attachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
