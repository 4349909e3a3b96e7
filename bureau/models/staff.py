"""Staff accounts: a Django user that belongs to a region and holds roles."""

from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from bureau.models.regions import Region


class Role(models.TextChoices):
    WINDOW = "window", _("窗口人员")
    INSPECTOR = "inspector", _("监察员")
    BRIGADE_HEAD = "brigade_head", _("监察大队长")
    BUREAU_HEAD = "bureau_head", _("局长")
    ASSISTANT = "assistant", _("协理员")
    ADMIN = "admin", _("系统管理员")


class User(AbstractUser):
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("所属区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("用户只能看到本区划及下级区划的数据；未设置区划的用户看不到任何数据。"),
    )
    phone = models.CharField(_("电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self) -> str:
        return self.name or self.username

    @cached_property
    def role_codes(self) -> frozenset[str]:
        if not self.pk:
            return frozenset()
        return frozenset(self.staff_roles.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes.intersection(roles))


class StaffRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="staffrole_unique")]

    def __str__(self) -> str:
        return self.get_role_display()
