"""The default rules as data: the indicator warning share (80 %), the indicator kinds and
the first scoring scheme with its veto rules; and an index the assessment's hidden-danger
figure reads (found in a year, with the columns it counts, so the year's rows are read from
the index alone)."""

from django.db import migrations

from safeloop.targets.reference_data import load


def seed(apps, schema_editor):
    load(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0001_initial"),
        ("hazards", "0010_hazard_number_and_after_photos"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS targets_hazard_found_year ON hazards_hazard "
            "(found_at) INCLUDE (region_code, enterprise_id, level, state, deadline, "
            "accepted_at)",
            "DROP INDEX IF EXISTS targets_hazard_found_year",
        ),
    ]
