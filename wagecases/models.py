"""Wage-arrears cases (欠薪案件): what each worker is owed, what was recovered, who paid.

A case is handled by one county bureau (`county`), numbered per county and year without gaps
(`bureau.numbering`, as complaints are, with a `W` in the number so the two series never
collide). It holds one `Claim` per worker: the amount claimed and, separately, the amount the
inspector confirmed. Money recovered is a `Payment` (date, amount, payer, method, evidence)
split into `Allocation`s to claims, each a kind: wages, compensation (加付赔偿金) or interest.
What is outstanding is always derived (confirmed minus the wages of non-reversed payments),
never stored; a payment entered in error is marked reversed, never deleted.
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

# Per worker, as for complaints (a claim of more is a typing error).
MAX_AMOUNT = Decimal("10000000.00")
FEN = Decimal("0.01")


class Source(models.TextChoices):
    COMPLAINT = "complaint", _("投诉举报")
    INSPECTION = "inspection", _("检查发现")
    DIRECT = "direct", _("直接立案")


class Status(models.TextChoices):
    OPEN = "open", _("办理中")
    CLOSED_PAID = "closed_paid", _("已清偿结案")
    CLOSED_TRANSFERRED = "closed_transferred", _("移送结案")


CLOSED = (Status.CLOSED_PAID, Status.CLOSED_TRANSFERRED)


class TransferTarget(models.TextChoices):
    ARBITRATION = "arbitration", _("劳动人事争议仲裁")
    COURT = "court", _("人民法院")
    PUBLIC_SECURITY = "public_security", _("公安机关（涉嫌拒不支付劳动报酬罪）")
    OTHER = "other", _("其他部门")


class Payer(models.TextChoices):
    EMPLOYER = "employer", _("用人单位")
    GENERAL_CONTRACTOR = "general_contractor", _("施工总承包单位（先行清偿）")
    WAGE_DEPOSIT = "wage_deposit", _("工资保证金")
    EMERGENCY_FUND = "emergency_fund", _("应急周转金")
    OTHER = "other", _("其他")


class Method(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("银行转账")
    CASH_SIGNED = "cash_signed", _("现金（本人签收）")
    SPECIAL_ACCOUNT = "special_account", _("农民工工资专用账户")
    OTHER = "other", _("其他")


class AllocationKind(models.TextChoices):
    WAGES = "wages", _("工资")
    COMPENSATION = "compensation", _("加付赔偿金")
    INTEREST = "interest", _("利息")


class WageCaseQuerySet(ScopedQuerySet["WageCase"]):
    def scope_q(self, path: str) -> models.Q:
        return models.Q(county__path__startswith=path)

    def visible_to(self, user: Any) -> WageCaseQuerySet:
        from bureau import roles

        if not roles.can(user, "wagecases.view"):
            return self.none()
        return super().visible_to(user)  # type: ignore[return-value]


class WageCase(models.Model):
    county = models.ForeignKey(Region, verbose_name=_("承办县（区）"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("案件编号"), max_length=30, unique=True)
    employer = models.ForeignKey(
        Employer, verbose_name=_("欠薪单位"), on_delete=models.PROTECT, related_name="wage_cases"
    )
    source = models.CharField(_("案件来源"), max_length=12, choices=Source.choices, default=Source.DIRECT)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("来源投诉案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wage_cases",
    )
    opened_on = models.DateField(_("立案日期"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    transferred_to = models.CharField(_("移送机关"), max_length=20, choices=TransferTarget.choices, blank=True)
    transfer_note = models.TextField(_("移送说明"), max_length=2000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = WageCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("欠薪案件")
        verbose_name_plural = _("欠薪案件")
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year", "seq"], name="wagecase_number_unique"),
            models.UniqueConstraint(
                fields=["complaint"], condition=models.Q(complaint__isnull=False), name="wagecase_complaint_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(source="complaint", complaint__isnull=False)
                | (~models.Q(source="complaint") & models.Q(complaint__isnull=True)),
                name="wagecase_complaint_source",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open", closed_on__isnull=True, transferred_to="")
                | models.Q(status="closed_paid", closed_on__isnull=False, transferred_to="")
                | (models.Q(status="closed_transferred", closed_on__isnull=False) & ~models.Q(transferred_to="")),
                name="wagecase_status_consistent",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True) | models.Q(closed_on__gte=models.F("opened_on")),
                name="wagecase_closed_after_opened",
            ),
        ]
        indexes = [models.Index(fields=["county", "status"], name="wagecase_county_status")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN


class Claim(models.Model):
    """What one worker is owed on a case: claimed by him, confirmed by the inspector."""

    case = models.ForeignKey(WageCase, on_delete=models.CASCADE, related_name="claims")
    worker = models.ForeignKey(Worker, verbose_name=_("劳动者"), on_delete=models.PROTECT, related_name="wage_claims")
    amount_claimed = models.DecimalField(
        _("诉求金额（元）"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
    )
    # NULL until the inspector confirms what is owed.
    amount_confirmed = models.DecimalField(
        _("核定欠薪金额（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
    )
    period_from = models.DateField(_("欠薪起始日"), null=True, blank=True)
    period_to = models.DateField(_("欠薪截止日"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("核定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("欠薪请求")
        verbose_name_plural = _("欠薪请求")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "worker"], name="claim_worker_unique"),
            models.CheckConstraint(
                condition=models.Q(amount_claimed__gte=0, amount_claimed__lte=MAX_AMOUNT),
                name="claim_claimed_range",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_confirmed__isnull=True)
                | models.Q(amount_confirmed__gte=0, amount_confirmed__lte=MAX_AMOUNT),
                name="claim_confirmed_range",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_confirmed__isnull=True, confirmed_by__isnull=True, confirmed_at__isnull=True)
                | models.Q(amount_confirmed__isnull=False, confirmed_by__isnull=False, confirmed_at__isnull=False),
                name="claim_confirmation_stamped",
            ),
            models.CheckConstraint(
                condition=models.Q(period_from__isnull=True)
                | models.Q(period_to__isnull=True)
                | models.Q(period_from__lte=models.F("period_to")),
                name="claim_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["worker"], name="claim_worker")]

    def __str__(self) -> str:
        return f"{self.case} · {self.worker}"


class Payment(models.Model):
    """Money recovered on a case. A payment entered in error is reversed (stamped), never
    deleted; the allocations of a reversed payment stop counting."""

    case = models.ForeignKey(WageCase, on_delete=models.PROTECT, related_name="payments")
    paid_on = models.DateField(_("支付日期"))
    # A payment to a group may exceed one worker's cap: the column allows up to 10^12 yuan.
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    payer = models.CharField(_("支付方"), max_length=20, choices=Payer.choices)
    method = models.CharField(_("支付方式"), max_length=20, choices=Method.choices)
    evidence = models.TextField(_("支付凭证"), max_length=2000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    reversed_at = models.DateTimeField(_("冲销时间"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reversal_reason = models.TextField(_("冲销原因"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("追发款项")
        verbose_name_plural = _("追发款项")
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(reversed_at__isnull=True, reversed_by__isnull=True, reversal_reason="")
                | (models.Q(reversed_at__isnull=False, reversed_by__isnull=False) & ~models.Q(reversal_reason="")),
                name="payment_reversal_stamped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.paid_on} {self.amount}"

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None


class Allocation(models.Model):
    """The part of a payment that went to one worker's claim, as wages, compensation or
    interest, and whether the worker confirmed receiving it."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    kind = models.CharField(_("款项性质"), max_length=20, choices=AllocationKind.choices, default=AllocationKind.WAGES)
    receipt_confirmed_at = models.DateTimeField(_("确认收款时间"), null=True, blank=True)
    receipt_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("款项分配")
        verbose_name_plural = _("款项分配")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["payment", "claim", "kind"], name="allocation_unique"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="allocation_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(receipt_confirmed_at__isnull=True, receipt_confirmed_by__isnull=True)
                | models.Q(receipt_confirmed_at__isnull=False, receipt_confirmed_by__isnull=False),
                name="allocation_receipt_stamped",
            ),
        ]
        indexes = [models.Index(fields=["claim", "kind"], name="allocation_claim_kind")]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.claim_id} {self.kind} {self.amount}"
