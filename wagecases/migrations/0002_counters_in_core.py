"""Case-number counters move to the core (bureau.CaseCounter, series "wagecase"): copy, then drop."""

from django.db import migrations


def copy_forward(apps, schema_editor):
    Old = apps.get_model("wagecases", "WageCaseCounter")
    New = apps.get_model("bureau", "CaseCounter")
    for row in Old.objects.all():
        New.objects.update_or_create(
            series="wagecase", county_id=row.county_id, year=row.year, defaults={"last": row.last}
        )


def copy_back(apps, schema_editor):
    Old = apps.get_model("wagecases", "WageCaseCounter")
    New = apps.get_model("bureau", "CaseCounter")
    for row in New.objects.filter(series="wagecase"):
        Old.objects.update_or_create(county_id=row.county_id, year=row.year, defaults={"last": row.last})


class Migration(migrations.Migration):
    dependencies = [
        ("wagecases", "0001_wagecases"),
        ("bureau", "0005_case_counters"),
    ]

    operations = [
        migrations.RunPython(copy_forward, copy_back),
        migrations.DeleteModel(name="WageCaseCounter"),
    ]
