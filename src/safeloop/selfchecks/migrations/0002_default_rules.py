from django.db import migrations

from safeloop.selfchecks import rules_data


def load(apps, schema_editor):
    rules_data.load(apps)


class Migration(migrations.Migration):
    dependencies = [("selfchecks", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
