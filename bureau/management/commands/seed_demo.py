"""Load the demo city (示范市) for a trial of bureau:

    python manage.py seed_demo [--seed N] [--employers 500] [--workers 5000]

Regions, staff accounts of every role, employers and workers, then the demo cases of the case
apps (`bureau.demo.DEMO_APPS`: complaints, wage cases), the same for the same seed. It can be
re-run: what exists already is left as it is, and a county that has cases gets no demo cases.
See `bureau.demo`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from bureau import demo


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Lines of a plain-text table aligned for a terminal (CJK characters take two columns)."""
    widths = [max(_width(cell) for cell in column) for column in zip(header, *rows, strict=False)]
    return ["  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in (header, *rows)]


class Command(BaseCommand):
    help = _("载入示范市演示数据：区划、各角色工作人员账号、用人单位和劳动者（同一种子生成相同数据，可重复运行）。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help=_("随机种子（默认 %(default)s）"))
        parser.add_argument(
            "--employers", type=int, default=demo.DEFAULT_EMPLOYERS, help=_("用人单位数量（默认 %(default)s）")
        )
        parser.add_argument(
            "--workers", type=int, default=demo.DEFAULT_WORKERS, help=_("劳动者数量（默认 %(default)s）")
        )

    def handle(self, *args: Any, seed: int, employers: int, workers: int, **options: Any) -> None:
        if employers < 0 or workers < 0:
            raise CommandError(_("数量不能为负数。"))
        result = demo.seed(seed=seed, employers=employers, workers=workers)
        cases = demo.seed_cases(seed=seed, today=timezone.localdate())
        write = self.stdout.write
        write(self.style.SUCCESS(_("示范市演示数据已就绪 / Demo city ready (seed %(seed)s)") % {"seed": seed}))
        write(
            _("  区划 Regions: 新增 created %(created)s, 更新 updated %(updated)s")
            % {"created": result.regions.created, "updated": result.regions.updated}
        )
        write(_("  工作人员 Staff: 新增 created %(n)s") % {"n": result.staff})
        write(_("  用人单位 Employers: 新增 created %(n)s") % {"n": result.employers})
        write(
            _("  劳动者 Workers: 新增 created %(n)s（登记 registrations %(r)s）")
            % {"n": result.workers, "r": result.registrations}
        )
        labels = {
            "complaints": _("投诉举报案件 Complaints"),
            "wage_cases": _("欠薪案件 Wage cases"),
            "projects": _("工程项目 Projects"),
            "payments": _("追发款项 Payments"),
            "listings": _("失信名单拟列入 Listing proposals"),
            "inspection_campaigns": _("专项检查 Inspection campaigns"),
            "inspection_visits": _("检查记录 Site visits"),
            "rectification_orders": _("责令改正 Rectification orders"),
            "annual_reviews": _("书面审查 Annual reviews"),
        }
        write(_("  演示案件 Demo cases（已有案件的县不再生成 / none where a county has cases）:"))
        for key, count in cases.items():
            write(_("    %(what)s: %(n)s") % {"what": labels.get(key, key), "n": count})
        write("")
        write(self.style.MIGRATE_HEADING(_("演示账号 / Demo accounts")))
        header = (_("用户名 Username"), _("姓名 Name"), _("角色 Role"), _("区划 Region"))
        for line in table(header, demo.account_rows(result.accounts)):
            write("  " + line)
        write("")
        write(self.style.WARNING(_("  密码 Password: %(password)s") % {"password": demo.DEMO_PASSWORD}))
        write(_("  （所有演示账号相同，仅供试用 / the same for every demo account, for a trial only）"))
