"""Loads the rule tables (accident types, LEC/LS values, grading schemes, GB 18218 tables)
from risks/data/reference.json, each row with its source and confidence."""

from django.db import migrations


def forwards(apps, schema_editor):
    from safeloop.risks.reference_data import load

    load(apps)


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
