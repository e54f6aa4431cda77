"""Loads the accident grading thresholds and the reporting clock (rules as data)."""

from django.db import migrations


def load(apps, schema_editor):
    from safeloop.accidents.reference_data import load as load_rules

    load_rules(apps)


class Migration(migrations.Migration):
    dependencies = [("accidents", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
