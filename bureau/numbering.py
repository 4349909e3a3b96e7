"""Case numbers, one mechanism for every case type: `<county code>-<year>-<prefix><seq:04d>`,
counted per series, county and year, without gaps or duplicates under concurrency."""

from __future__ import annotations

from bureau.models import CaseCounter, Region, RegionLevel


def county_of(region: Region | None) -> Region | None:
    """The county-level region a region belongs to (itself if it is one)."""
    if region is None or region.level < RegionLevel.COUNTY:
        return None
    if region.level == RegionLevel.COUNTY:
        return region
    return next((r for r in region.ancestors() if r.level == RegionLevel.COUNTY), None)


def next_number(series: str, county: Region, year: int, *, prefix: str = "") -> tuple[int, str]:
    """The next number of a series, under a row lock held until the caller's transaction ends:
    a failed registration gives its number back (no gaps), concurrent ones wait (no duplicates).
    Call it inside a transaction."""
    CaseCounter.objects.bulk_create([CaseCounter(series=series, county=county, year=year)], ignore_conflicts=True)
    counter = CaseCounter.objects.select_for_update().get(series=series, county=county, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last, f"{county.code}-{year}-{prefix}{counter.last:04d}"
