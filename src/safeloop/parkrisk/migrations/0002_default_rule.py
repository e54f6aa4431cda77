import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "rules.json"


def seed(apps, schema_editor):
    """The due-day rule in force, with its source (an administrator adds newer versions on
    the rule screen)."""
    AssessmentRule = apps.get_model("parkrisk", "AssessmentRule")
    for row in json.loads(DATA.read_text(encoding="utf-8")):
        AssessmentRule.objects.get_or_create(effective_from=row["effective_from"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("parkrisk", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
