import json
from pathlib import Path

from django.db import migrations, models

DATA = Path(__file__).resolve().parent.parent / "data" / "rules.json"
NEW = {"indicator_consumption"}


def seed(apps, schema_editor):
    """The control-indicator rule on a database seeded before it existed; a rule already
    there is left as it is."""
    WarningRule = apps.get_model("alerts", "WarningRule")
    for row in json.loads(DATA.read_text(encoding="utf-8")):
        if row["code"] in NEW:
            WarningRule.objects.get_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0010_enforcement_rules"),
        ("targets", "0002_default_rules"),
    ]

    operations = [
        migrations.AlterField(
            model_name="earlywarning",
            name="subject_kind",
            field=models.CharField(
                choices=[
                    ("enterprise", "Enterprise"),
                    ("licence", "Licence"),
                    ("certificate", "Certificate"),
                    ("hazard", "Hidden danger"),
                    ("park", "Park"),
                    ("grid", "Grid cell"),
                    ("stock", "Emergency stock"),
                    ("resource", "Emergency resource"),
                    ("indicator", "Control indicator"),
                ],
                max_length=12,
                verbose_name="subject",
            ),
        ),
        migrations.AlterField(
            model_name="warningrule",
            name="code",
            field=models.CharField(
                choices=[
                    ("licence_expiry", "Licence expiring"),
                    ("certificate_expiry", "Special-operation certificate expiring"),
                    ("hazards_rising", "Open hidden dangers rising month over month"),
                    ("overdue_cluster", "Cluster of overdue hidden dangers"),
                    ("no_self_check", "No self-check records"),
                    ("major_deadline", "Major hidden danger near its deadline without evidence"),
                    ("stock_expiry", "Emergency stock expiring"),
                    ("resource_unconfirmed", "Emergency resource availability not confirmed"),
                    ("preparedness", "Emergency plan lapsed or drill overdue"),
                    ("training_gap", "Key-post training hours short or certificate lapsing"),
                    ("indicator_consumption", "Control indicator near its limit or breached"),
                ],
                max_length=30,
                unique=True,
                verbose_name="rule",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
