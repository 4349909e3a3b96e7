"""The default complaint categories (reference data an administrator may extend)."""

from __future__ import annotations

DEFAULT_CATEGORIES: list[tuple[str, str, int]] = [
    ("unpaid_wages", "拖欠工资", 10),
    ("no_contract", "未签订书面劳动合同", 20),
    ("social_insurance", "社会保险", 30),
    ("working_hours", "工作时间与休息休假", 40),
    ("minimum_wage", "低于最低工资标准", 50),
    ("child_labour", "使用童工", 60),
    ("illegal_dispatch", "违法劳务派遣", 70),
    ("deposit_or_id", "收取押金或扣押证件", 80),
    ("other", "其他", 90),
]


def ensure_default_categories() -> None:
    """Create the default categories that are missing (after a database was flushed, say)."""
    from complaints.models import Category

    existing = set(Category.objects.values_list("code", flat=True))
    Category.objects.bulk_create(
        [
            Category(code=code, name=name, ordering=order)
            for code, name, order in DEFAULT_CATEGORIES
            if code not in existing
        ],
        ignore_conflicts=True,
    )
