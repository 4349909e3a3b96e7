"""Case-number counters: one row per series (complaint, wage case, ...), county and year."""

from __future__ import annotations

from django.db import models

from bureau.models.regions import Region


class CaseCounter(models.Model):
    """The last number given in a series for a county and year; incremented under a row lock
    inside the registering transaction (bureau.numbering), so numbers have no gaps and no
    duplicates."""

    series = models.CharField(max_length=20)
    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "county", "year"], name="casecounter_series_unique")]

    def __str__(self) -> str:
        return f"{self.series} {self.county.code}-{self.year}: {self.last}"
