"""Inspections (劳动保障监察检查): campaigns, site visits and patrols, rectification orders and
annual written reviews.

- A `Campaign` (专项检查) of a county bureau has a type (`CampaignType`, reference data an
  administrator may extend), a period, the townships and industries it targets and a target
  number of employers.
- Each type has a checklist (`ChecklistTemplate`). Templates are versioned and never edited in
  place: a change is a new version, so a visit keeps the questions it was answered with.
- A `Visit` (检查记录) is a campaign visit or, without a campaign, a proactive patrol (主动巡查),
  by two inspectors or more, with the facts found, the checklist answers, photos and the
  phone's position. A visit typed offline carries the client's UUID: a re-send is recognised.
- A `RectificationOrder` (责令改正) comes from a visit or an annual review, lists `OrderItem`s,
  is served on a date and falls due a number of working days later; later visits follow it up
  item by item. An unmet order can open a case (a complaint-style case or a wage-arrears case).
- An `AnnualReview` (书面审查 / 年检) is an employer's yearly submission and its review.
- A `PatrolTarget` is the county's yearly number of patrols.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from bureau.models import Employer, Industry, Region
from bureau.scoping import ScopedQuerySet

MAX_COUNT = 1_000_000
MAX_AMOUNT = Decimal("1000000000.00")


class ItemKind(models.TextChoices):
    YES_NO = "yes_no", _("是/否")
    NUMBER = "number", _("数量")
    AMOUNT = "amount", _("金额")
    TEXT = "text", _("文字")
    PHOTO = "photo", _("照片")


class CampaignType(models.Model):
    """What a campaign checks (reference data; the built-in ones are loaded by a migration)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    ordering = models.PositiveSmallIntegerField(_("排序"), default=100)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("专项检查类型")
        verbose_name_plural = _("专项检查类型")
        ordering = ["ordering", "code"]

    def __str__(self) -> str:
        return self.name

    def current_template(self) -> ChecklistTemplate | None:
        return self.templates.order_by("-version").first()


class ChecklistTemplate(models.Model):
    """One version of a type's checklist. `items` is a list of
    `{"key": slug, "label": text, "kind": ItemKind, "required": bool}`; a version is never
    changed once saved (see `inspections.checklists`)."""

    campaign_type = models.ForeignKey(
        CampaignType, verbose_name=_("检查类型"), on_delete=models.PROTECT, related_name="templates"
    )
    version = models.PositiveIntegerField(_("版本"))
    items = models.JSONField(_("检查项目"), default=list)
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检查表模板")
        verbose_name_plural = _("检查表模板")
        ordering = ["campaign_type", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["campaign_type", "version"], name="checklist_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_type} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Only ever inserted: a change is a new version (`checklists.template_publish`)."""
        if not self._state.adding:
            raise ValueError("a checklist version is never changed once saved: publish a new version")
        super().save(*args, **kwargs)


class CountyQuerySet(ScopedQuerySet[Any]):
    """Rows of a county bureau (`county`), seen by staff whose region contains it and whose
    roles see inspections."""

    def scope_q(self, path: str) -> models.Q:
        return models.Q(county__path__startswith=path)

    def visible_to(self, user: Any) -> Any:
        from bureau import roles

        if not roles.can(user, "inspections.view"):
            return self.none()
        return super().visible_to(user)


class Campaign(models.Model):
    county = models.ForeignKey(Region, verbose_name=_("组织县（区）"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=120)
    campaign_type = models.ForeignKey(
        CampaignType, verbose_name=_("检查类型"), on_delete=models.PROTECT, related_name="campaigns"
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    regions = models.ManyToManyField(
        Region, verbose_name=_("检查区域"), blank=True, related_name="+", help_text=_("不选则为全县（区）。")
    )
    industries = models.JSONField(_("行业门类"), default=list, blank=True)
    target_employers = models.PositiveIntegerField(
        _("目标检查单位数"), default=0, validators=[MaxValueValidator(MAX_COUNT)]
    )
    description = models.TextField(_("说明"), max_length=4000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CountyQuerySet.as_manager()

    class Meta:
        verbose_name = _("专项检查")
        verbose_name_plural = _("专项检查")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="campaign_name_unique"),
            models.CheckConstraint(condition=models.Q(starts_on__lte=models.F("ends_on")), name="campaign_dates"),
        ]

    def __str__(self) -> str:
        return self.name

    def industry_labels(self) -> list[str]:
        labels = dict(Industry.choices)
        return [str(labels.get(code, code)) for code in self.industries]


class WagesOnTime(models.TextChoices):
    YES = "yes", _("按时足额支付")
    NO = "no", _("存在拖欠或克扣")
    NOT_CHECKED = "not_checked", _("未检查")


class Visit(models.Model):
    """A site visit (检查记录): of a campaign, or without one a proactive patrol (主动巡查)."""

    county = models.ForeignKey(Region, verbose_name=_("检查县（区）"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("检查编号"), max_length=30, unique=True)
    employer = models.ForeignKey(
        Employer, verbose_name=_("被检查单位"), on_delete=models.PROTECT, related_name="inspection_visits"
    )
    visited_at = models.DateTimeField(_("检查时间"))
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("专项检查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        help_text=_("不选为主动巡查。"),
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("检查人员"), related_name="inspection_visits"
    )
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("检查表"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    answers = models.JSONField(_("检查表答案"), default=dict, blank=True)
    site_address = models.CharField(_("检查地点"), max_length=255, blank=True)
    workers_on_site = models.PositiveIntegerField(_("在岗人数"), default=0, validators=[MaxValueValidator(MAX_COUNT)])
    contracts_found = models.PositiveIntegerField(
        _("已签书面劳动合同人数"), default=0, validators=[MaxValueValidator(MAX_COUNT)]
    )
    contracts_urged = models.PositiveIntegerField(
        _("督促签订劳动合同人数"), default=0, validators=[MaxValueValidator(MAX_COUNT)]
    )
    wages_on_time = models.CharField(
        _("工资支付情况"), max_length=12, choices=WagesOnTime.choices, default=WagesOnTime.NOT_CHECKED
    )
    workers_unpaid = models.PositiveIntegerField(_("被欠薪人数"), default=0, validators=[MaxValueValidator(MAX_COUNT)])
    amount_unpaid = models.DecimalField(
        _("欠薪金额（元）"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
    )
    child_labour_found = models.PositiveIntegerField(
        _("发现童工人数"), default=0, validators=[MaxValueValidator(MAX_COUNT)]
    )
    minimum_wage_problem = models.BooleanField(_("发现低于最低工资标准"), default=False)
    findings = models.TextField(_("检查情况与发现的问题"), max_length=5000, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(_("定位精度（米）"), null=True, blank=True)
    client_uuid = models.UUIDField(_("客户端编号"), null=True, blank=True)
    # cases opened from what this visit found (unpaid wages, a violation)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("立案案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_visits",
    )
    wage_case = models.ForeignKey(
        "wagecases.WageCase",
        verbose_name=_("欠薪案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_visits",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CountyQuerySet.as_manager()

    class Meta:
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        ordering = ["-visited_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year", "seq"], name="visit_number_unique"),
            models.UniqueConstraint(
                fields=["created_by", "client_uuid"],
                condition=models.Q(client_uuid__isnull=False),
                name="visit_client_uuid_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(contracts_found__lte=models.F("workers_on_site")),
                name="visit_contracts_within_workers",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="visit_position_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "visited_at"], name="visit_county_time"),
            models.Index(fields=["employer", "visited_at"], name="visit_employer_time"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_patrol(self) -> bool:
        return self.campaign_id is None


def photo_path(instance: VisitPhoto, filename: str) -> str:
    visit = instance.visit
    return f"inspections/{visit.county.code}/{visit.year}/{visit.seq}/{filename}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    item_key = models.CharField(_("检查项目"), max_length=40, blank=True)
    file = models.FileField(upload_to=photo_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    client_uuid = models.UUIDField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("检查照片")
        verbose_name_plural = _("检查照片")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "client_uuid"],
                condition=models.Q(client_uuid__isnull=False),
                name="photo_client_uuid_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ReviewResult(models.TextChoices):
    PENDING = "pending", _("待审查")
    PASSED = "passed", _("合格")
    RECTIFY = "rectify", _("限期整改")
    FAILED = "failed", _("不合格")


class AnnualReview(models.Model):
    """An employer's yearly written submission (书面审查 / 用工年检) for `year`, and its review."""

    county = models.ForeignKey(Region, verbose_name=_("审查县（区）"), on_delete=models.PROTECT, related_name="+")
    employer = models.ForeignKey(
        Employer, verbose_name=_("用人单位"), on_delete=models.PROTECT, related_name="annual_reviews"
    )
    year = models.PositiveSmallIntegerField(_("审查年度"))
    submitted_on = models.DateField(_("报送日期"))
    workers = models.PositiveIntegerField(_("职工人数"), validators=[MaxValueValidator(MAX_COUNT)])
    contracts_signed = models.PositiveIntegerField(_("签订劳动合同人数"), validators=[MaxValueValidator(MAX_COUNT)])
    insured_workers = models.PositiveIntegerField(_("参加社会保险人数"), validators=[MaxValueValidator(MAX_COUNT)])
    wages_total = models.DecimalField(
        _("全年工资总额（元）"),
        max_digits=16,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
    )
    wages_on_time = models.BooleanField(_("工资按时足额支付"), default=True)
    lowest_monthly_wage = models.DecimalField(
        _("最低月工资（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    note = models.TextField(_("报送说明"), max_length=4000, blank=True)
    result = models.CharField(_("审查结论"), max_length=10, choices=ReviewResult.choices, default=ReviewResult.PENDING)
    opinion = models.TextField(_("审查意见"), max_length=4000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_on = models.DateField(_("审查日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CountyQuerySet.as_manager()

    class Meta:
        verbose_name = _("书面审查")
        verbose_name_plural = _("书面审查")
        ordering = ["-year", "employer__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "year"], name="review_employer_year_unique"),
            models.CheckConstraint(
                condition=models.Q(contracts_signed__lte=models.F("workers"), insured_workers__lte=models.F("workers")),
                name="review_counts_within_workers",
            ),
            models.CheckConstraint(
                condition=models.Q(result="pending", reviewed_on__isnull=True)
                | (~models.Q(result="pending") & models.Q(reviewed_on__isnull=False)),
                name="review_result_dated",
            ),
        ]
        indexes = [models.Index(fields=["county", "year", "result"], name="review_county_year")]

    def __str__(self) -> str:
        return f"{self.employer} {self.year}"


class OrderStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    MET = "met", _("已整改")
    UNMET = "unmet", _("逾期未整改")
    ESCALATED = "escalated", _("已立案查处")
    CANCELLED = "cancelled", _("已撤销")


class RectificationOrder(models.Model):
    """An order to correct (责令改正指令书), from a visit or an annual review."""

    county = models.ForeignKey(Region, verbose_name=_("县（区）"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    seq = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("指令书编号"), max_length=30, unique=True)
    employer = models.ForeignKey(
        Employer, verbose_name=_("用人单位"), on_delete=models.PROTECT, related_name="rectification_orders"
    )
    visit = models.ForeignKey(
        Visit, verbose_name=_("检查记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    review = models.ForeignKey(
        AnnualReview,
        verbose_name=_("书面审查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    served_on = models.DateField(_("送达日期"))
    deadline_days = models.PositiveSmallIntegerField(
        _("整改期限（工作日）"), validators=[MinValueValidator(1), MaxValueValidator(250)]
    )
    due_on = models.DateField(_("整改截止日"))
    due_provisional = models.BooleanField(default=False)
    status = models.CharField(_("状态"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.OPEN)
    concluded_on = models.DateField(_("办结日期"), null=True, blank=True)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("立案案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectification_orders",
    )
    wage_case = models.ForeignKey(
        "wagecases.WageCase",
        verbose_name=_("欠薪案件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectification_orders",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CountyQuerySet.as_manager()

    class Meta:
        verbose_name = _("责令改正指令书")
        verbose_name_plural = _("责令改正指令书")
        ordering = ["-served_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year", "seq"], name="order_number_unique"),
            models.CheckConstraint(
                condition=models.Q(visit__isnull=False, review__isnull=True)
                | models.Q(visit__isnull=True, review__isnull=False),
                name="order_one_source",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("served_on")), name="order_due_after_served"
            ),
        ]
        indexes = [
            models.Index(fields=["county", "status", "due_on"], name="order_county_status_due"),
            models.Index(fields=["employer", "status"], name="order_employer_status"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderItem(models.Model):
    order = models.ForeignKey(RectificationOrder, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("整改事项"), max_length=500)
    met = models.BooleanField(_("已整改"), null=True, blank=True)
    checked_on = models.DateField(_("复查日期"), null=True, blank=True)
    followup_visit = models.ForeignKey(
        Visit,
        verbose_name=_("复查记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followed_items",
    )
    note = models.CharField(_("复查说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["order", "position"]
        constraints = [models.UniqueConstraint(fields=["order", "position"], name="order_item_position_unique")]

    def __str__(self) -> str:
        return self.text


class OrderEvent(models.Model):
    """The timeline of an order: issued, followed up, concluded, escalated."""

    order = models.ForeignKey(RectificationOrder, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=30)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    on_date = models.DateField(_("日期"))
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("说明"), max_length=4000, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.action}"


class PatrolTarget(models.Model):
    """The county's yearly number of proactive patrols (e.g. at least 50)."""

    county = models.ForeignKey(Region, verbose_name=_("县（区）"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    patrols = models.PositiveIntegerField(_("主动巡查目标（次）"), validators=[MaxValueValidator(MAX_COUNT)])
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CountyQuerySet.as_manager()

    class Meta:
        verbose_name = _("巡查目标")
        verbose_name_plural = _("巡查目标")
        ordering = ["-year", "county"]
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="patrol_target_unique")]

    def __str__(self) -> str:
        return f"{self.county} {self.year}"
