"""Install the triggers that keep the tallies exact, then count what is already there."""

from django.conf import settings
from django.db import migrations

from safeloop.dashboards import sql


def install(apps, schema_editor):
    schema_editor.execute(sql.install_sql(settings.TIME_ZONE, due=False))  # 0005 adds it
    schema_editor.execute(sql.INDEXES)
    for statement in sql.fill_sql(due=False).split(";"):
        if statement.strip():
            schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    schema_editor.execute(sql.uninstall_sql())
    schema_editor.execute(sql.DROP_INDEXES)
    for table in ("hazardcount", "hazardmonth", "risktally"):
        schema_editor.execute(f"DELETE FROM dashboards_{table}")
        schema_editor.execute(f"DELETE FROM dashboards_{table}change")


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0001_initial"),
        ("hazards", "0007_escalation_due"),
        ("risks", "0003_map_version"),
        ("enterprises", "0006_import_batch"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
