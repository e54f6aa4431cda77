import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "catalogue.json"


def seed(apps, schema_editor):
    """The national catalogues' entries, each with its source, date and certainty (an
    administrator adds newer versions on the catalogue screen)."""
    CatalogueEntry = apps.get_model("sourcecontrol", "CatalogueEntry")
    for row in json.loads(DATA.read_text(encoding="utf-8")):
        CatalogueEntry.objects.get_or_create(
            code=row["code"], effective_from=row["effective_from"], defaults=row
        )


class Migration(migrations.Migration):
    dependencies = [("sourcecontrol", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
