import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "templates.json"


def seed(apps, schema_editor):
    """The templates in force, with their sources (an administrator adds newer versions on
    the templates screen)."""
    DutyTemplate = apps.get_model("duties", "DutyTemplate")
    for row in json.loads(DATA.read_text(encoding="utf-8")):
        keys = {k: row[k] for k in ("sector", "kind", "post", "effective_from")}
        DutyTemplate.objects.get_or_create(**keys, defaults=row)


class Migration(migrations.Migration):
    dependencies = [("duties", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
