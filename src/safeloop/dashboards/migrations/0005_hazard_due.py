"""The tally of open hidden dangers by deadline (the dashboards' overdue figures): its
tables, the triggers reinstalled to keep it (hazard and enterprise triggers), and the open
hidden dangers already there counted into it. The triggers' CREATE takes the hazard table's
lock, so no write lands between them and the count."""

from django.conf import settings
from django.db import migrations, models

from safeloop.dashboards import sql


def install(apps, schema_editor):
    from safeloop.dashboards.models import HazardDue, HazardDueChange

    schema_editor.execute(sql.install_sql(settings.TIME_ZONE))  # CREATE OR REPLACE
    schema_editor.execute(sql.fill_hazards_sql(HazardDue, sql.DUE))
    for statement in sql.fold_sql(HazardDue, HazardDueChange).split(";"):
        if statement.strip():
            schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    """The triggers as 0004 left them: writing no tally of deadlines."""
    schema_editor.execute(sql.install_sql(settings.TIME_ZONE, due=False))


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0004_linear_whatever_the_statistics"),
    ]

    operations = [
        migrations.CreateModel(
            name="HazardDueChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(max_length=6, verbose_name="region code")),
                ("park_id", models.IntegerField(default=0, verbose_name="park")),
                ("level", models.CharField(max_length=8, verbose_name="level")),
                ("deadline", models.DateField(verbose_name="deadline")),
                ("n", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "open hidden dangers by deadline (unfolded change)",
                "verbose_name_plural": "open hidden dangers by deadline (unfolded change)",
            },
        ),
        migrations.CreateModel(
            name="HazardDue",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(max_length=6, verbose_name="region code")),
                ("park_id", models.IntegerField(default=0, verbose_name="park")),
                ("level", models.CharField(max_length=8, verbose_name="level")),
                ("deadline", models.DateField(verbose_name="deadline")),
                ("n", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "open hidden dangers by deadline (summary)",
                "verbose_name_plural": "open hidden dangers by deadline (summary)",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("region_code", "park_id", "level", "deadline"),
                        name="dash_hazarddue_key",
                    )
                ],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
