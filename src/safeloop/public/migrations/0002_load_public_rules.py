"""The first version of the city's public rules (public/reference_data.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from safeloop.public import reference_data

    reference_data.load(apps)


class Migration(migrations.Migration):
    dependencies = [("public", "0001_reports_and_rules")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
