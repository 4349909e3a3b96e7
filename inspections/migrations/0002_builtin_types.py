from django.db import migrations

from inspections.reference import load_builtin


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(load_builtin, migrations.RunPython.noop)]
