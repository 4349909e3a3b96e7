"""The administrative division tree (GB/T 2260 and its township/village extensions)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from bureau.scoping import ScopedQuerySet


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("省")
    CITY = 2, _("市")
    COUNTY = 3, _("县/区")
    TOWNSHIP = 4, _("乡镇/街道")
    VILLAGE = 5, _("社区/村")


region_code_validator = RegexValidator(
    r"^(\d{6}|\d{9}|\d{12})$", _("行政区划代码应为6、9或12位数字。"), code="invalid_region_code"
)


class RegionQuerySet(ScopedQuerySet["Region"]):
    def scope_q(self, path: str) -> models.Q:
        return models.Q(path__startswith=path)

    def subtree(self, region: Region) -> RegionQuerySet:
        """The region and every region below it."""
        return self.filter(path__startswith=region.path)


class Region(models.Model):
    """A node of the division tree. `path` is the chain of codes from the root, so that a
    subtree is one indexed prefix match whatever the codes look like."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True, validators=[region_code_validator])
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("级别"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        indexes = [models.Index(fields=["path"], name="region_path_prefix", opclasses=["varchar_pattern_ops"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="region_level_range"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        old_path = self.path
        self.path = (self.parent.path if self.parent else "") + self.code + "/"
        with transaction.atomic():
            super().save(*args, **kwargs)  # type: ignore[arg-type]
            if old_path and old_path != self.path:
                # Moved or re-coded: the whole subtree follows, or scoping would break.
                Region.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(
                        models.Value(self.path), Substr("path", len(old_path) + 1), output_field=models.CharField()
                    )
                )

    def clean(self) -> None:
        """The place in the tree must fit the code: a township's code starts with its county's,
        a village's with its township's, and a parent is a level above."""
        errors: dict[str, Any] = {}
        expected = {
            6: (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY),
            9: (RegionLevel.TOWNSHIP,),
            12: (RegionLevel.VILLAGE,),
        }
        if self.code and self.level and self.level not in expected.get(len(self.code), ()):
            errors["level"] = _("级别与区划代码的位数不符。")
        if self.parent is not None:
            if self.level and self.parent.level >= self.level:
                errors["parent"] = _("上级区划的级别应高于本区划。")
            elif self.code and len(self.code) > 6 and not self.code.startswith(self.parent.code[: len(self.code) - 3]):
                errors["parent"] = _("区划代码应以上级区划的代码开头。")
            elif self.pk and self.parent.path.startswith(self.path):
                errors["parent"] = _("不能把区划移到它自己的下级之下。")
        if errors:
            raise ValidationError(errors)

    def contains(self, other: Region | None) -> bool:
        return other is not None and other.path.startswith(self.path)

    def ancestors(self) -> list[Region]:
        codes = self.path.strip("/").split("/")[:-1]
        by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]

    @property
    def full_name(self) -> str:
        return "".join(r.name for r in [*self.ancestors(), self])
