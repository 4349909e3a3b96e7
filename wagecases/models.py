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
from typing import Any, TypeVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from bureau.models import Employer, Region, Worker
from bureau.scoping import ScopedQuerySet

_M = TypeVar("_M", bound=models.Model)

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


class DepositForm(models.TextChoices):
    CASH = "cash", _("现金存储")
    BANK_GUARANTEE = "bank_guarantee", _("银行保函")
    INSURANCE = "insurance", _("工程担保公司保函或保证保险")


class PartyRole(models.TextChoices):
    SUBCONTRACTOR = "subcontractor", _("专业分包单位")
    LABOUR_SUBCONTRACTOR = "labour_subcontractor", _("劳务分包单位")
    LABOUR_TEAM = "labour_team", _("班组")


class CountyScopedQuerySet(ScopedQuerySet[_M]):
    """Rows of a county (`county`), seen by staff whose region contains it and whose roles
    see wage cases."""

    def scope_q(self, path: str) -> models.Q:
        return models.Q(county__path__startswith=path)

    def visible_to(self, user: Any) -> Any:
        from bureau import roles

        if not roles.can(user, "wagecases.view"):
            return self.none()
        return super().visible_to(user)


class ProjectQuerySet(CountyScopedQuerySet["Project"]):
    pass


class Project(models.Model):
    """A construction project (工程项目) and its contracting chain: the developer (建设单位),
    the general contractor (施工总承包单位) who opens the wage special account and pays first
    when a subcontractor defaults (总包先行清偿), and its subcontractors and labour teams
    (`ProjectParty`)."""

    county = models.ForeignKey(Region, verbose_name=_("登记县（区）"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("项目名称"), max_length=200)
    site_region = models.ForeignKey(Region, verbose_name=_("项目所在地"), on_delete=models.PROTECT, related_name="+")
    address = models.CharField(_("项目地址"), max_length=200, blank=True)
    developer = models.ForeignKey(
        Employer, verbose_name=_("建设单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    general_contractor = models.ForeignKey(
        Employer,
        verbose_name=_("施工总承包单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracted_projects",
    )
    special_account_bank = models.CharField(_("工资专用账户开户行"), max_length=100, blank=True)
    special_account_number = models.CharField(_("工资专用账户账号"), max_length=40, blank=True)
    deposit_amount = models.DecimalField(
        _("工资保证金（元）"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    deposit_form = models.CharField(_("保证金形式"), max_length=20, choices=DepositForm.choices, blank=True)
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    completed_on = models.DateField(_("竣工日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("工程项目")
        verbose_name_plural = _("工程项目")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="project_name_unique"),
            models.CheckConstraint(
                condition=models.Q(deposit_amount__isnull=True) | models.Q(deposit_amount__gte=0),
                name="project_deposit_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(started_on__isnull=True)
                | models.Q(completed_on__isnull=True)
                | models.Q(started_on__lte=models.F("completed_on")),
                name="project_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectParty(models.Model):
    """A subcontractor or labour team on a project, under the party it contracted from
    (`parent`; none: directly under the general contractor). A labour team that is not a
    registered employer is known by its leader (班组长)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("角色"), max_length=24, choices=PartyRole.choices)
    employer = models.ForeignKey(
        Employer, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="project_parts"
    )
    leader_name = models.CharField(_("班组长姓名"), max_length=50, blank=True)
    leader_phone = models.CharField(_("班组长电话"), max_length=20, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("发包方"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("分包单位或班组")
        verbose_name_plural = _("分包单位和班组")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "employer"], condition=models.Q(employer__isnull=False), name="party_employer_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(employer__isnull=False) | ~models.Q(leader_name=""), name="party_named"
            ),
        ]

    def __str__(self) -> str:
        return str(self.employer) if self.employer_id else self.leader_name


class WageCaseQuerySet(CountyScopedQuerySet["WageCase"]):
    pass


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
    project = models.ForeignKey(
        Project, verbose_name=_("工程项目"), null=True, blank=True, on_delete=models.PROTECT, related_name="wage_cases"
    )
    opened_on = models.DateField(_("立案日期"))
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("承办监察员"), blank=True, related_name="assigned_wage_cases"
    )
    # 责令限期支付: the order to pay by a deadline; unmet, it leads to 加付赔偿金, transfer and listing.
    payment_ordered_on = models.DateField(_("责令支付日期"), null=True, blank=True)
    payment_due = models.DateField(_("限期支付截止日"), null=True, blank=True)
    # 总包先行清偿: the general contractor ordered to pay first (construction projects).
    contractor_ordered_on = models.DateField(_("责令总包先行清偿日期"), null=True, blank=True)
    # 引发群体性事件或极端事件: one of the grounds of the defaulter list.
    mass_incident = models.BooleanField(_("引发群体性或极端事件"), default=False)
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
            models.CheckConstraint(
                condition=models.Q(payment_ordered_on__isnull=True, payment_due__isnull=True)
                | models.Q(
                    payment_ordered_on__isnull=False,
                    payment_due__isnull=False,
                    payment_due__gte=models.F("payment_ordered_on"),
                ),
                name="wagecase_payment_order",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "status"], name="wagecase_county_status"),
            models.Index(fields=["employer", "status"], name="wagecase_employer_status"),
        ]

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
    # Who paid, when it is an employer: the case's employer, or the project's general contractor.
    payer_employer = models.ForeignKey(
        Employer, verbose_name=_("付款单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
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


class ListingKind(models.TextChoices):
    DEFAULTER = "defaulter", _("拖欠农民工工资失信联合惩戒对象名单")
    MAJOR_VIOLATION = "major_violation", _("重大劳动保障违法行为社会公布")


class ListingStatus(models.TextChoices):
    PROPOSED = "proposed", _("拟列入（待告知）")
    NOTIFIED = "notified", _("已告知（陈述申辩期）")
    LISTED = "listed", _("已列入")
    REJECTED = "rejected", _("不予列入")
    REMOVED = "removed", _("已移出")


LIVE_LISTING = (ListingStatus.PROPOSED, ListingStatus.NOTIFIED, ListingStatus.LISTED)


class RemovalKind(models.TextChoices):
    EARLY = "early", _("提前移出（信用修复）")
    TERM_END = "term_end", _("期满移出")
    REVOKED = "revoked", _("撤销列入决定")


class ListingQuerySet(CountyScopedQuerySet["Listing"]):
    def visible_to(self, user: Any) -> ListingQuerySet:
        """Staff who see wage cases see the listings in force (the window is told when it types
        the employer); proposals and refusals are internal, for inspectors and heads."""
        from bureau import roles

        scoped: ListingQuerySet = super().visible_to(user)
        if not roles.can(user, "wagecases.listings.propose"):
            scoped = scoped.filter(status=ListingStatus.LISTED)
        return scoped

    def in_force(self, on: Any) -> ListingQuerySet:
        return self.filter(status=ListingStatus.LISTED, start_on__lte=on, end_on__gte=on)


class Listing(models.Model):
    """An employer proposed for, put on and taken off the defaulter list (人社部令45) or the
    quarterly publication of major violations (部令29). The system proposes employers meeting
    the criteria; a head decides after the employer was told and could object."""

    county = models.ForeignKey(
        Region, verbose_name=_("决定机关所在县（区）"), on_delete=models.PROTECT, related_name="+"
    )
    employer = models.ForeignKey(
        Employer, verbose_name=_("用人单位"), on_delete=models.PROTECT, related_name="listings"
    )
    kind = models.CharField(_("类别"), max_length=20, choices=ListingKind.choices)
    status = models.CharField(_("状态"), max_length=12, choices=ListingStatus.choices, default=ListingStatus.PROPOSED)
    # The criteria met when proposed (codes, see wagecases.listings.CRITERIA) and the figures.
    criteria = models.JSONField(_("符合的情形"), default=list)
    facts = models.TextField(_("违法事实"), max_length=4000)
    amount_owed = models.DecimalField(_("拖欠金额（元）"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    workers_owed = models.PositiveIntegerField(_("涉及人数"), default=0)
    wage_cases = models.ManyToManyField(WageCase, verbose_name=_("相关欠薪案件"), blank=True, related_name="listings")
    proposed_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    # None: proposed by the system's daily check.
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notified_on = models.DateField(_("告知日期"), null=True, blank=True)
    objection_due = models.DateField(_("陈述申辩截止日"), null=True, blank=True)
    objection_received_on = models.DateField(_("收到异议日期"), null=True, blank=True)
    objection = models.TextField(_("陈述申辩意见"), max_length=4000, blank=True)
    objection_result = models.TextField(_("复核意见"), max_length=4000, blank=True)
    decision_due = models.DateField(_("决定期限"), null=True, blank=True)
    decision_extended = models.BooleanField(_("决定期限已延长"), default=False)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.TextField(_("决定说明"), max_length=4000, blank=True)
    start_on = models.DateField(_("列入起始日"), null=True, blank=True)
    end_on = models.DateField(_("列入截止日"), null=True, blank=True)
    removal_requested_on = models.DateField(_("申请提前移出日期"), null=True, blank=True)
    removal_due = models.DateField(_("移出申请决定期限"), null=True, blank=True)
    removal_pledge = models.BooleanField(_("已作出信用承诺"), default=False)
    removal_request = models.TextField(_("移出申请说明"), max_length=4000, blank=True)
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    removal_kind = models.CharField(_("移出方式"), max_length=12, choices=RemovalKind.choices, blank=True)
    removal_note = models.TextField(_("移出说明"), max_length=4000, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        verbose_name = _("失信名单或重大违法公布")
        verbose_name_plural = _("失信名单和重大违法公布")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # One live proposal or listing per employer and kind, in the whole country.
            models.UniqueConstraint(
                fields=["employer", "kind"],
                condition=models.Q(status__in=["proposed", "notified", "listed"]),
                name="listing_one_live",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="listed")
                | models.Q(decided_on__isnull=False, start_on__isnull=False, end_on__isnull=False),
                name="listing_listed_dated",
            ),
            models.CheckConstraint(
                condition=models.Q(start_on__isnull=True)
                | models.Q(end_on__isnull=True)
                | models.Q(start_on__lte=models.F("end_on")),
                name="listing_term_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="removed")
                | (models.Q(removed_on__isnull=False) & ~models.Q(removal_kind="")),
                name="listing_removed_dated",
            ),
        ]
        indexes = [models.Index(fields=["employer", "status"], name="listing_employer_status")]

    def __str__(self) -> str:
        return f"{self.employer} · {self.get_kind_display()}"


class Event(models.Model):
    """One entry of the timeline of a wage case or of a listing: what was done, by whom, when
    (None: the system), with the act's figures in `data`."""

    case = models.ForeignKey(WageCase, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    listing = models.ForeignKey(Listing, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=30)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    on_date = models.DateField(_("日期"))
    note = models.TextField(_("说明"), max_length=4000, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False, listing__isnull=True)
                | models.Q(case__isnull=True, listing__isnull=False),
                name="wage_event_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id or self.listing_id} {self.action}"
