"""The working-day calendar: "N working days after D" and "working days between D1 and D2"
on the official Chinese calendar.

Sources, in order: the admin-editable `CalendarDay` table (corrections and years the package
does not know), then the `chinesecalendar` package (2004-2026 in 1.11.0), then the plain
weekday rule. A day answered by the weekday rule in a year that is neither covered by the
package nor loaded by an administrator (`CalendarYear`) is *provisional*, and so is every
deadline that depends on one. When an administrator loads a year, `calendar_changed` fires (after
commit) and the registered recomputers bring provisional deadlines up to date.

The first day is not counted (Civil Code art. 201): 5 working days after a Friday receipt
start on the next working day.
"""

from __future__ import annotations

import contextvars
import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import chinese_calendar
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bureau.models import CalendarDay, CalendarYear, DayKind

# Sent after commit with `years` (a sorted list of ints) whenever the calendar of those years
# changed. Case apps connect their deadline recomputation to it (see `register_recomputer`).
calendar_changed = Signal()

_recomputers: list[Callable[[list[int]], Any]] = []


def register_recomputer(func: Callable[[list[int]], Any]) -> Callable[[list[int]], Any]:
    """Register `func(years)` to recompute stored deadlines touching those years."""
    if func not in _recomputers:
        _recomputers.append(func)
    return func


def run_recomputers(years: list[int]) -> int:
    for func in list(_recomputers):
        func(years)
    return len(_recomputers)


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    provisional: bool


def package_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class WorkdayCalendar:
    """Answers for many days with one query per year touched. Build one per request or task."""

    def __init__(self) -> None:
        self._overrides: dict[dt.date, str] = {}
        self._years_read: set[int] = set()
        self._loaded: set[int] | None = None
        self._package: dict[int, bool] = {}

    def _read_year(self, year: int) -> None:
        if year in self._years_read:
            return
        for day in CalendarDay.objects.filter(date__year=year).values_list("date", "kind"):
            self._overrides[day[0]] = day[1]
        self._years_read.add(year)

    def year_is_official(self, year: int) -> bool:
        if self._loaded is None:
            self._loaded = set(CalendarYear.objects.values_list("year", flat=True))
        if year not in self._package:
            self._package[year] = package_covers(year)
        return self._package[year] or year in self._loaded

    def day(self, date: dt.date) -> tuple[bool, bool]:
        """(is a working day, the answer is provisional)."""
        self._read_year(date.year)
        kind = self._overrides.get(date)
        if kind is not None:
            return kind == DayKind.WORKDAY, False
        if self._package.setdefault(date.year, package_covers(date.year)):
            return chinese_calendar.is_workday(date), False
        return date.weekday() < 5, not self.year_is_official(date.year)

    def is_workday(self, date: dt.date) -> bool:
        return self.day(date)[0]

    def add(self, start: dt.date, days: int) -> Deadline:
        """The date `days` working days after `start` (`start` itself not counted)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current, counted, provisional = start, 0, False
        while counted < days:
            current += dt.timedelta(days=1)
            working, unsure = self.day(current)
            provisional |= unsure
            counted += working
        return Deadline(current, provisional)

    def between(self, start: dt.date, end: dt.date) -> tuple[int, bool]:
        """Working days in (start, end]: how many have passed since `start` by `end`.
        Negative when `end` is before `start`."""
        if end < start:
            count, provisional = self.between(end, start)
            return -count, provisional
        count, provisional = 0, False
        current = start
        while current < end:
            current += dt.timedelta(days=1)
            working, unsure = self.day(current)
            count += working
            provisional |= unsure
        return count, provisional


def add_workdays(start: dt.date, days: int) -> Deadline:
    return WorkdayCalendar().add(start, days)


def workdays_between(start: dt.date, end: dt.date) -> tuple[int, bool]:
    return WorkdayCalendar().between(start, end)


def year_is_official(year: int) -> bool:
    return WorkdayCalendar().year_is_official(year)


@dataclass(frozen=True)
class Warning:
    code: str
    message: Any


def calendar_warnings(today: dt.date | None = None) -> list[Warning]:
    """Years that deadlines are already falling into but whose schedule is not loaded:
    this year at any time, next year from CALENDAR_WARN_FROM_MONTH (November) on."""
    today = today or timezone.localdate()
    calendar = WorkdayCalendar()
    years = [today.year]
    if today.month >= settings.CALENDAR_WARN_FROM_MONTH:
        years.append(today.year + 1)
    return [
        Warning(
            "calendar_year_missing",
            gettext_lazy("%(year)s年的法定节假日和调休安排尚未载入：落在该年的期限暂按周一至周五计算，标为“暂定”。请在管理后台载入。")
            % {"year": year},
        )
        for year in years
        if not calendar.year_is_official(year)
    ]


def admin_warnings(user: Any, today: dt.date | None = None) -> list[Warning]:
    from bureau import roles

    if not roles.can(user, "admin.manage"):
        return []
    return calendar_warnings(today)


_bulk_loading: contextvars.ContextVar[bool] = contextvars.ContextVar("calendar_bulk_loading", default=False)


def on_calendar_row_changed(sender: Any, instance: CalendarDay | CalendarYear, **kwargs: Any) -> None:
    """post_save/post_delete of one calendar row (typed in the admin)."""
    if _bulk_loading.get():
        return
    year = instance.year if isinstance(instance, CalendarYear) else instance.date.year
    notify_changed([year])


def notify_changed(years: Iterable[int]) -> None:
    """Announce after commit that the calendar of `years` changed."""
    changed = sorted(set(years))
    if not changed:
        return

    def send() -> None:
        from bureau.tasks import recompute_deadlines

        calendar_changed.send(sender=CalendarDay, years=changed)
        recompute_deadlines.delay(changed)

    transaction.on_commit(send)


@dataclass(frozen=True)
class ParsedDay:
    date: dt.date
    kind: str
    name: str


def parse_schedule(text: str, year: int) -> list[ParsedDay]:
    """Parse a year's schedule: CSV lines `date,kind,name` (kind: holiday or workday, also
    休/班); blank lines and lines starting with # are skipped. Errors name the line."""
    kinds = {"holiday": DayKind.HOLIDAY, "休": DayKind.HOLIDAY, "workday": DayKind.WORKDAY, "班": DayKind.WORKDAY}
    days: dict[dt.date, ParsedDay] = {}
    errors: list[str] = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not row[0].strip() or row[0].strip().startswith("#"):
            continue
        cells = [c.strip() for c in row] + ["", ""]
        try:
            date = dt.date.fromisoformat(cells[0])
        except ValueError:
            errors.append(_("第%(line)s行：日期“%(value)s”无效，应为YYYY-MM-DD。") % {"line": number, "value": cells[0]})
            continue
        if date.year != year:
            errors.append(_("第%(line)s行：%(date)s不在%(year)s年。") % {"line": number, "date": date, "year": year})
            continue
        kind = kinds.get(cells[1].lower())
        if kind is None:
            errors.append(_("第%(line)s行：类型应为 holiday（休）或 workday（班）。") % {"line": number})
            continue
        if kind == DayKind.WORKDAY and date.weekday() < 5:
            errors.append(_("第%(line)s行：%(date)s本是工作日，无需标为调休上班。") % {"line": number, "date": date})
            continue
        if date in days:
            errors.append(_("第%(line)s行：%(date)s重复。") % {"line": number, "date": date})
            continue
        days[date] = ParsedDay(date, kind, cells[2][:50])
    if errors:
        raise ValidationError(errors, code="calendar_file_invalid")
    if not days:
        raise ValidationError(_("文件中没有任何日期。"), code="calendar_file_empty")
    return sorted(days.values(), key=lambda d: d.date)


@transaction.atomic
def load_year(*, year: int, days: list[ParsedDay], by: Any = None, source: str = "") -> CalendarYear:
    """Replace `year`'s holidays and make-up days with `days` and mark the year official."""
    from bureau.audit import acting_as

    token = _bulk_loading.set(True)
    try:
        with acting_as(by):
            _replace_year(year=year, days=days, by=by, source=source)
    finally:
        _bulk_loading.reset(token)
    notify_changed([year])
    return CalendarYear.objects.get(year=year)


def _replace_year(*, year: int, days: list[ParsedDay], by: Any, source: str) -> None:
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(CalendarDay(date=d.date, kind=d.kind, name=d.name) for d in days)
    CalendarYear.objects.update_or_create(year=year, defaults={"source": source, "loaded_by": by})
