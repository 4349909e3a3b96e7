"""Import the administrative division tree from a CSV file:

    python manage.py import_regions regions.csv

Header row `code,name[,parent_code][,level]`; see `bureau.regions_import` for the rules. The
import is all or nothing and can be re-run: known codes are updated, none is created twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from bureau.regions_import import RegionImportError, import_regions
from bureau.textfiles import read_command_input


class Command(BaseCommand):
    help = _("从CSV文件导入行政区划（表头：code,name[,parent_code][,level]），已有的区划按代码更新。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("UTF-8编码的CSV文件；“-”表示从标准输入读取"))

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        data = read_command_input(file)
        try:
            result = import_regions(data)
        except RegionImportError as exc:
            raise CommandError("\n".join([_("文件有误，未导入任何区划："), *exc.messages])) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("区划导入完成：新增%(created)s个，更新%(updated)s个，未变%(unchanged)s个。")
                % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
            )
        )
