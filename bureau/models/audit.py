"""Reads of personal data. Writes are recorded by django-auditlog (see bureau/audit.py);
reads are recorded here, one row per request, because a list page reads many people at once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    LIST = "list", _("列表查询")
    VIEW = "view", _("查看详情")
    REVEAL = "reveal", _("查看完整身份证号/电话")
    EXPORT = "export", _("导出")


class PersonalDataAccess(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    action = models.CharField(_("操作"), max_length=10, choices=AccessAction.choices)
    model = models.CharField(_("数据类型"), max_length=50)
    object_ids = models.JSONField(_("对象"), default=list)
    query = models.CharField(_("查询条件"), max_length=500, blank=True)
    remote_addr = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("个人信息访问记录")
        verbose_name_plural = _("个人信息访问记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display()} {self.model} {self.at:%Y-%m-%d %H:%M}"
