"""Load a year's official holidays and make-up working days (调休) from a schedule file:

    python manage.py load_holidays 2027 holidays-2027.csv --source "国办发明电〔2026〕X号"

The file format is the one the admin upload reads (see `bureau.workdays.parse_schedule` and
docs/calendar.md). The year's previous holidays and make-up days are replaced, the year is marked
as loaded, and deadlines are recomputed after commit.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from bureau import workdays
from bureau.models import CalendarYear, DayKind
from bureau.textfiles import read_command_input


class Command(BaseCommand):
    help = _("从CSV文件载入某年的法定节假日和调休上班日（替换该年已有的安排）。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int, help=_("年份，例如 2027"))
        parser.add_argument("file", help=_("CSV文件，每行：日期,类型,名称；“-”表示从标准输入读取"))
        parser.add_argument("--source", default="", help=_("依据，例如国务院办公厅通知文号"))

    def handle(self, *args: Any, year: int, file: str, source: str, **options: Any) -> None:
        candidate = CalendarYear(year=year, source=source)
        try:
            candidate.validate_constraints()
        except ValidationError:
            raise CommandError(_("年份%(year)s超出允许范围。") % {"year": year}) from None
        try:
            candidate.clean_fields()
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from None

        data = read_command_input(file)
        try:
            days = workdays.parse_schedule(workdays.decode_schedule(data), year)
        except ValidationError as exc:
            raise CommandError("\n".join([_("文件有误，未载入任何日期："), *exc.messages])) from None

        replaced = CalendarYear.objects.filter(year=year).exists()
        workdays.load_year(year=year, days=days, by=None, source=source)

        holidays = sum(1 for d in days if d.kind == DayKind.HOLIDAY)
        self.stdout.write(
            self.style.SUCCESS(
                _("已载入%(year)s年的%(n)s个日期：%(holidays)s个法定节假日，%(workdays)s个调休上班日。")
                % {"year": year, "n": len(days), "holidays": holidays, "workdays": len(days) - holidays}
            )
        )
        if replaced:
            self.stdout.write(_("该年此前载入的安排已被替换。"))
        if workdays.package_covers(year):
            self.stdout.write(_("注意：内置日历已包含%(year)s年，文件中的日期将优先于内置日历。") % {"year": year})
