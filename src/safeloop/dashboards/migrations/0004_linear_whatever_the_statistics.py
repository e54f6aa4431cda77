"""Replace the trigger functions: every one is now linear whatever the statistics. Hazard
rows are grouped before they meet their enterprise, each enterprise or profile is read by a
LATERAL index probe driven by the transition table, an UPDATE finds what moved by EXCEPT,
and the functions run with enable_seqscan off (sql.py). A bulk load in one transaction, never
analysed, no longer gets a nested loop over a transition table."""

from django.conf import settings
from django.db import migrations

from safeloop.dashboards import sql


def reinstall(apps, schema_editor):
    schema_editor.execute(sql.install_sql(settings.TIME_ZONE, due=False))  # CREATE OR REPLACE


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0003_linear_update_guard")]

    operations = [migrations.RunPython(reinstall, migrations.RunPython.noop)]
