"""An accident's life is a state governed by the `accident` workflow (reported, voided)
instead of a `voided` flag. Existing voided records keep their meaning: they become
`voided`, every other record `reported`."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    Accident = apps.get_model("accidents", "Accident")
    Accident.objects.filter(voided=True).update(state="voided")


def backwards(apps, schema_editor):
    Accident = apps.get_model("accidents", "Accident")
    Accident.objects.filter(state="voided").update(voided=True)


class Migration(migrations.Migration):
    dependencies = [("accidents", "0002_rules")]

    operations = [
        migrations.AddField(
            model_name="accident",
            name="state",
            field=models.CharField(
                choices=[("reported", "Reported"), ("voided", "Voided")],
                default="reported",
                editable=False,
                max_length=10,
                verbose_name="state",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="accident", name="voided"),
    ]
