from django.db import migrations


def load(apps, schema_editor):
    from safeloop.inspections.reference_data import load as load_data

    load_data(apps)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
