import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "rules.json"


def seed(apps, schema_editor):
    """The statutory hours in force, with their sources (an administrator adds newer
    versions on the rules screen)."""
    TrainingRule = apps.get_model("training", "TrainingRule")
    for row in json.loads(DATA.read_text(encoding="utf-8")):
        TrainingRule.objects.get_or_create(
            post=row["post"], effective_from=row["effective_from"], defaults=row
        )


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
