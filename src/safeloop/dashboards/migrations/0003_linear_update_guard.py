"""Replace the trigger functions: the UPDATE triggers' "nothing moved" check is now a set
difference, linear in the rows of one statement (sql._unchanged_guard)."""

from django.conf import settings
from django.db import migrations

from safeloop.dashboards import sql


def reinstall(apps, schema_editor):
    schema_editor.execute(sql.install_sql(settings.TIME_ZONE, due=False))  # CREATE OR REPLACE


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0002_triggers")]

    operations = [migrations.RunPython(reinstall, migrations.RunPython.noop)]
