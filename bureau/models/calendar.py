"""Working-day calendar data: days the `chinesecalendar` package does not know (or gets
wrong), and the years whose official schedule an administrator has loaded."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休息）")
    WORKDAY = "workday", _("调休上班日")


class CalendarYear(models.Model):
    """The official schedule of `year` has been entered completely (as CalendarDay rows).
    Until then deadlines that fall in a year the package does not cover are provisional."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("依据"), max_length=200, blank=True, help_text=_("例如：国务院办公厅通知文号"))
    loaded_at = models.DateTimeField(_("载入时间"), auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("已载入的年度假日安排")
        verbose_name_plural = _("已载入的年度假日安排")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(condition=models.Q(year__gte=2000, year__lte=2200), name="calendaryear_range")
        ]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """One day whose status differs from the plain weekday rule (or from the package)."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True, help_text=_("例如：春节、国庆节"))

    class Meta:
        verbose_name = _("节假日/调休日")
        verbose_name_plural = _("节假日/调休日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
