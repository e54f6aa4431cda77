import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "rules.json"


def seed(apps, schema_editor):
    """The points, grade bands and list policy in force, with their sources (an
    administrator adds newer versions on the rules screen)."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    CreditRule = apps.get_model("credit", "CreditRule")
    for row in data["rules"]:
        CreditRule.objects.get_or_create(
            kind=row["kind"], effective_from=row["effective_from"], defaults=row
        )
    scheme = data["scheme"]
    apps.get_model("credit", "CreditScheme").objects.get_or_create(
        effective_from=scheme["effective_from"], defaults=scheme
    )
    policy = data["policy"]
    apps.get_model("credit", "ListingPolicy").objects.get_or_create(
        effective_from=policy["effective_from"], defaults=policy
    )


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
