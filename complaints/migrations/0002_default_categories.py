from django.db import migrations

CATEGORIES = [
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


def add(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    for code, name, ordering in CATEGORIES:
        Category.objects.get_or_create(code=code, defaults={"name": name, "ordering": ordering})


def remove(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    Category.objects.filter(code__in=[c[0] for c in CATEGORIES], complaints__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_complaints")]
    operations = [migrations.RunPython(add, remove)]
