import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "rules.json"


def seed(apps, schema_editor):
    WarningRule = apps.get_model("alerts", "WarningRule")
    for row in json.loads(DATA.read_text(encoding="utf-8")):
        WarningRule.objects.get_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
