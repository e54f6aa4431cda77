import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "tables.json"


def seed(apps, schema_editor):
    """The rate tables and the insurance rule of data/tables.json; rows already there stay."""
    RateTable = apps.get_model("investment", "RateTable")
    InsuranceRule = apps.get_model("investment", "InsuranceRule")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for row in data["tables"]:
        RateTable.objects.get_or_create(
            sector=row["sector"], effective_from=row["effective_from"], defaults=row
        )
    rule = data["insurance"]
    InsuranceRule.objects.get_or_create(effective_from=rule["effective_from"], defaults=rule)


class Migration(migrations.Migration):
    dependencies = [("investment", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
