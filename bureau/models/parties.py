"""Employers (用人单位) and workers (劳动者): one record per credit code and per ID number."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bureau.models.regions import Region
from bureau.scoping import ScopedQuerySet


class EmployerQuerySet(ScopedQuerySet["Employer"]):
    def scope_q(self, path: str) -> models.Q:
        # Located in the subtree, or registered there (e.g. a contractor from another county
        # working on a site here).
        return models.Q(region__path__startswith=path) | models.Q(
            models.Exists(
                EmployerRegistration.objects.filter(employer=models.OuterRef("pk"), region__path__startswith=path)
            )
        )


class WorkerQuerySet(ScopedQuerySet["Worker"]):
    def scope_q(self, path: str) -> models.Q:
        return models.Q(
            models.Exists(
                WorkerRegistration.objects.filter(worker=models.OuterRef("pk"), region__path__startswith=path)
            )
        )


class EmployerType(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    INDIVIDUAL = "individual", _("个体工商户")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")
    CONTRACTOR = "contractor", _("建筑施工企业")
    DISPATCH = "dispatch", _("劳务派遣单位")
    OTHER = "other", _("其他组织")


class Industry(models.TextChoices):
    """GB/T 4754-2017 sections."""

    A = "A", _("农、林、牧、渔业")
    B = "B", _("采矿业")
    C = "C", _("制造业")
    D = "D", _("电力、热力、燃气及水生产和供应业")
    E = "E", _("建筑业")
    F = "F", _("批发和零售业")
    G = "G", _("交通运输、仓储和邮政业")
    H = "H", _("住宿和餐饮业")
    I = "I", _("信息传输、软件和信息技术服务业")  # noqa: E741
    J = "J", _("金融业")
    K = "K", _("房地产业")
    L = "L", _("租赁和商务服务业")
    M = "M", _("科学研究和技术服务业")
    N = "N", _("水利、环境和公共设施管理业")
    O = "O", _("居民服务、修理和其他服务业")  # noqa: E741
    P = "P", _("教育")
    Q = "Q", _("卫生和社会工作")
    R = "R", _("文化、体育和娱乐业")
    S = "S", _("公共管理、社会保障和社会组织")
    T = "T", _("国际组织")


class EmployerSize(models.TextChoices):
    MICRO = "micro", _("微型")
    SMALL = "small", _("小型")
    MEDIUM = "medium", _("中型")
    LARGE = "large", _("大型")


class Employer(models.Model):
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    name = models.CharField(_("单位名称"), max_length=200)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    type = models.CharField(_("单位类型"), max_length=20, choices=EmployerType.choices, default=EmployerType.ENTERPRISE)
    industry = models.CharField(_("行业门类"), max_length=1, choices=Industry.choices, blank=True)
    size = models.CharField(_("规模"), max_length=10, choices=EmployerSize.choices, blank=True)
    employee_count = models.PositiveIntegerField(_("职工人数"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=255, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="employers")
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = EmployerQuerySet.as_manager()

    class Meta:
        verbose_name = _("用人单位")
        verbose_name_plural = _("用人单位")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["credit_code"], name="employer_credit_code_unique"),
            models.CheckConstraint(condition=~models.Q(name=""), name="employer_name_not_blank"),
        ]
        indexes = [
            models.Index(fields=["region", "name"], name="employer_region_name"),
            models.Index(fields=["name", "id"], name="employer_name_id"),
        ]

    def __str__(self) -> str:
        return self.name


class Registration(models.Model):
    """A region that has dealt with a party registered (or located) elsewhere: one record per
    person or employer, seen by every region that registered it."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True


class EmployerRegistration(Registration):
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="registrations")

    class Meta:
        verbose_name = _("用人单位登记区划")
        verbose_name_plural = _("用人单位登记区划")
        constraints = [models.UniqueConstraint(fields=["employer", "region"], name="employerregistration_unique")]

    def __str__(self) -> str:
        return f"{self.employer} @ {self.region}"


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Worker(models.Model):
    """A person. Birth date and sex are derived from the ID number, never typed."""

    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号码"), max_length=18)
    birth_date = models.DateField(_("出生日期"), editable=False)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, editable=False)
    phone = models.CharField(_("手机/电话"), max_length=20, blank=True)
    home_region = models.ForeignKey(
        Region,
        verbose_name=_("户籍地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("现住址"), max_length=255, blank=True)
    migrant = models.BooleanField(_("农民工"), default=False)
    regions: models.ManyToManyField[Region, WorkerRegistration] = models.ManyToManyField(
        Region, through="WorkerRegistration", verbose_name=_("登记区划"), related_name="registered_workers"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = WorkerQuerySet.as_manager()

    class Meta:
        verbose_name = _("劳动者")
        verbose_name_plural = _("劳动者")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["id_number"], name="worker_id_number_unique"),
            models.CheckConstraint(condition=~models.Q(name=""), name="worker_name_not_blank"),
            models.CheckConstraint(condition=models.Q(sex__in=["M", "F"]), name="worker_sex_valid"),
        ]
        indexes = [
            models.Index(fields=["phone"], name="worker_phone"),
            # The lists' default order: a page can be read in index order (see docs/benchmarks.md).
            models.Index(fields=["name", "id"], name="worker_name_id"),
        ]

    def __str__(self) -> str:
        return self.name


class WorkerRegistration(Registration):
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="registrations")

    class Meta:
        verbose_name = _("劳动者登记区划")
        verbose_name_plural = _("劳动者登记区划")
        constraints = [models.UniqueConstraint(fields=["worker", "region"], name="workerregistration_unique")]

    def __str__(self) -> str:
        return f"{self.worker} @ {self.region}"
