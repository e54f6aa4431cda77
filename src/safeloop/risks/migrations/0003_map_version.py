"""A sequence whose value changes whenever map data may have changed: the four-colour map
caches its payload under that value, so every process sees a change at once."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("risks", "0002_reference_data")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS risks_map_version",
            "DROP SEQUENCE IF EXISTS risks_map_version",
        )
    ]
