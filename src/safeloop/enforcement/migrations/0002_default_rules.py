import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "rules.json"


def seed(apps, schema_editor):
    """The trigger rules and legal bases in force at start; an administrator adds versions
    on /enforcement/rules/."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    TriggerRule = apps.get_model("enforcement", "TriggerRule")
    LegalBasis = apps.get_model("enforcement", "LegalBasis")
    for row in data["triggers"]:
        TriggerRule.objects.get_or_create(
            kind=row["kind"], effective_from=row["effective_from"], defaults=row
        )
    for row in data["bases"]:
        row = {**row, "fine_min": Decimal(row["fine_min"]), "fine_max": Decimal(row["fine_max"])}
        LegalBasis.objects.get_or_create(
            code=row["code"], effective_from=row["effective_from"], defaults=row
        )


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
