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

Case apps register their recomputation with `register_recomputer` from their
`AppConfig.ready()`, so that the Celery worker (which runs `django.setup()`) knows them too.
Administrators' guide: docs/calendar.md.
"""

from __future__ import annotations

import contextvars
import csv
import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

import chinese_calendar
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau.models import CalendarDay, CalendarYear, DayKind

logger = logging.getLogger(__name__)

# Sent after commit with `years` (a sorted list of ints) whenever the calendar of those years
# changed, in the process that made the change. For light reactions (caches); recomputing stored
# deadlines belongs in a recomputer (`register_recomputer`), which runs in the Celery worker.
calendar_changed = Signal()

_recomputers: list[Callable[[list[int]], Any]] = []


def register_recomputer(func: Callable[[list[int]], Any]) -> Callable[[list[int]], Any]:
    """Register `func(years)` to recompute stored deadlines touching those years. It must be
    idempotent: it runs in the task `bureau.recompute_deadlines` after every change of a year."""
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


class WorkdayCount(NamedTuple):
    """What `workdays_between` answers; unpacks as `(days, provisional)`."""

    days: int
    provisional: bool


def package_covers(year: int) -> bool:
    """Whether `chinesecalendar` knows `year` (it covers whole years)."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _as_date(value: dt.date) -> dt.date:
    """A `datetime` (e.g. a receipt timestamp) counts as its local calendar day. Without this, a
    datetime would never match an override and the count would silently ignore the table."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


class WorkdayCalendar:
    """Answers for many days with one query per year touched. Build one per request or task:
    it does not see calendar changes made after it read a year."""

    def __init__(self) -> None:
        self._overrides: dict[dt.date, str] = {}
        self._years_read: set[int] = set()
        self._loaded: set[int] | None = None
        self._package: dict[int, bool] = {}

    def _read_year(self, year: int) -> None:
        if year in self._years_read:
            return
        for date, kind in CalendarDay.objects.filter(date__year=year).values_list("date", "kind"):
            self._overrides[date] = kind
        self._years_read.add(year)

    def _covered(self, year: int) -> bool:
        covered = self._package.get(year)
        if covered is None:
            covered = self._package[year] = package_covers(year)
        return covered

    def year_is_official(self, year: int) -> bool:
        """The package knows `year`, or an administrator has loaded its schedule."""
        if self._covered(year):
            return True
        if self._loaded is None:
            self._loaded = set(CalendarYear.objects.values_list("year", flat=True))
        return year in self._loaded

    def day(self, date: dt.date) -> tuple[bool, bool]:
        """(is a working day, the answer is provisional). An override wins over the package;
        in a year that is neither covered nor loaded, Monday to Friday, provisionally."""
        date = _as_date(date)
        self._read_year(date.year)
        kind = self._overrides.get(date)
        if kind is not None:
            return kind == DayKind.WORKDAY, False
        if self._covered(date.year):
            return chinese_calendar.is_workday(date), False
        return date.weekday() < 5, not self.year_is_official(date.year)

    def is_workday(self, date: dt.date) -> bool:
        return self.day(date)[0]

    def add(self, start: dt.date, days: int) -> Deadline:
        """The date `days` working days after `start` (`start` itself not counted). Provisional
        when any day on the way was answered by the weekday rule in a year not yet loaded."""
        if days < 0:
            raise ValueError("days must not be negative")
        current, counted, provisional = _as_date(start), 0, False
        while counted < days:
            current += dt.timedelta(days=1)
            working, unsure = self.day(current)
            provisional |= unsure
            counted += working
        return Deadline(current, provisional)

    def between(self, start: dt.date, end: dt.date) -> WorkdayCount:
        """Working days in (start, end]: how many have passed since `start` by `end`.
        Negative when `end` is before `start`."""
        start, end = _as_date(start), _as_date(end)
        if end < start:
            count, provisional = self.between(end, start)
            return WorkdayCount(-count, provisional)
        count, provisional = 0, False
        current = start
        while current < end:
            current += dt.timedelta(days=1)
            working, unsure = self.day(current)
            count += working
            provisional |= unsure
        return WorkdayCount(count, provisional)


def add_workdays(start: dt.date, days: int) -> Deadline:
    return WorkdayCalendar().add(start, days)


def workdays_between(start: dt.date, end: dt.date) -> WorkdayCount:
    return WorkdayCalendar().between(start, end)


def year_is_official(year: int) -> bool:
    return WorkdayCalendar().year_is_official(year)


@dataclass(frozen=True)
class StaffWarning:
    code: str
    message: str


def calendar_warnings(today: dt.date | None = None) -> list[StaffWarning]:
    """Years that deadlines are already falling into but whose schedule is not loaded:
    this year at any time, next year from CALENDAR_WARN_FROM_MONTH (November) on."""
    today = today or timezone.localdate()
    calendar = WorkdayCalendar()
    years = [today.year]
    if today.month >= settings.CALENDAR_WARN_FROM_MONTH:
        years.append(today.year + 1)
    return [
        StaffWarning(
            "calendar_year_missing",
            _(
                "%(year)s年的法定节假日和调休安排尚未载入：落在该年的期限暂按周一至周五计算，标为“暂定”。"
                "请在管理后台载入。"
            )
            % {"year": year},
        )
        for year in years
        if not calendar.year_is_official(year)
    ]


def admin_warnings(user: Any, today: dt.date | None = None) -> list[StaffWarning]:
    """The calendar warnings, for those who can act on them (administrators)."""
    from bureau import roles

    if not roles.can_manage_calendar(user):
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
    """Announce after commit that the calendar of `years` changed: send `calendar_changed` and
    queue `bureau.recompute_deadlines` (run in-process when there is no broker)."""
    changed = sorted(set(years))
    if not changed:
        return

    def send() -> None:
        from kombu.exceptions import OperationalError

        from bureau.tasks import recompute_deadlines

        calendar_changed.send(sender=CalendarDay, years=changed)
        try:
            recompute_deadlines.delay(changed)
        except OperationalError:
            # The calendar itself is committed and already in use; only the stored deadlines
            # wait. Loading the year again (or running the task by hand) catches up.
            logger.exception("Could not queue bureau.recompute_deadlines for %s: broker unavailable", changed)

    transaction.on_commit(send)


@dataclass(frozen=True)
class ParsedDay:
    date: dt.date
    kind: str
    name: str


_SCHEDULE_KINDS = {"holiday": DayKind.HOLIDAY, "休": DayKind.HOLIDAY, "workday": DayKind.WORKDAY, "班": DayKind.WORKDAY}
# 2027-01-01, and what spreadsheets make of it: 2027/1/1, 2027.1.1, 2027年1月1日.
_SCHEDULE_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_SCHEDULE_HEADER = {"date", "日期"}


def decode_schedule(data: bytes) -> str:
    """The text of an uploaded schedule file: UTF-8 (with or without BOM), else GB18030, which
    is what Excel saves "CSV" as on Chinese Windows."""
    from bureau.textfiles import decode_upload

    text = decode_upload(data)
    if text is None:
        raise ValidationError(_("文件应为UTF-8或GBK编码的文本。"), code="calendar_file_encoding")
    return text


def _parse_date(value: str) -> dt.date | None:
    match = _SCHEDULE_DATE.fullmatch(value)
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def parse_schedule(text: str, year: int) -> list[ParsedDay]:
    """Parse a year's schedule: CSV lines `date,kind,name` (kind: holiday or workday, also
    休/班); blank lines and lines starting with # are skipped, and so is a header line starting
    with `date` or `日期`. Raises one ValidationError listing every bad line by its number."""
    days: dict[dt.date, ParsedDay] = {}
    errors: list[str] = []
    header_allowed = True
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip() or line.strip().startswith("#"):
            continue
        cells = [cell.strip() for cell in next(csv.reader([line]))] + ["", ""]
        if header_allowed and cells[0].lower() in _SCHEDULE_HEADER:
            header_allowed = False
            continue
        header_allowed = False
        date = _parse_date(cells[0])
        if date is None:
            errors.append(
                _("第%(line)s行：日期“%(value)s”无效，应为YYYY-MM-DD。") % {"line": number, "value": cells[0]}
            )
            continue
        if date.year != year:
            errors.append(_("第%(line)s行：%(date)s不在%(year)s年。") % {"line": number, "date": date, "year": year})
            continue
        kind = _SCHEDULE_KINDS.get(cells[1].lower())
        if kind is None:
            errors.append(
                _("第%(line)s行：类型“%(value)s”无效，应为 holiday（休）或 workday（班）。")
                % {"line": number, "value": cells[1]}
            )
            continue
        if date in days:
            errors.append(_("第%(line)s行：%(date)s重复。") % {"line": number, "date": date})
            continue
        if kind == DayKind.WORKDAY and date.weekday() < 5:
            errors.append(_("第%(line)s行：%(date)s本是工作日，无需标为调休上班。") % {"line": number, "date": date})
            continue
        days[date] = ParsedDay(date, kind, cells[2][: CalendarDay._meta.get_field("name").max_length or 50])
    if errors:
        raise ValidationError(errors, code="calendar_file_invalid")
    if not days:
        raise ValidationError(_("文件中没有任何日期。"), code="calendar_file_empty")
    return sorted(days.values(), key=lambda d: d.date)


@transaction.atomic
def load_year(*, year: int, days: list[ParsedDay], by: Any = None, source: str = "") -> CalendarYear:
    """Replace `year`'s holidays and make-up days with `days` (from `parse_schedule`) and mark
    the year official. Recomputation of deadlines follows after commit, once."""
    from bureau.audit import acting_as

    strays = sorted({d.date for d in days if d.date.year != year})
    if strays:
        raise ValueError(f"days outside {year}: {strays}")
    token = _bulk_loading.set(True)
    try:
        with acting_as(by):
            calendar_year = _replace_year(year=year, days=days, by=by, source=source)
    finally:
        _bulk_loading.reset(token)
    notify_changed([year])
    return calendar_year


def _replace_year(*, year: int, days: list[ParsedDay], by: Any, source: str) -> CalendarYear:
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(CalendarDay(date=d.date, kind=d.kind, name=d.name) for d in days)
    calendar_year, _created = CalendarYear.objects.update_or_create(
        year=year, defaults={"source": source, "loaded_by": by}
    )
    return calendar_year
