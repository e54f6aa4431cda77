from django.db import migrations, models

FILL = """
UPDATE hazards_hazard h SET region_code = e.region_code
FROM enterprises_enterprise e WHERE e.id = h.enterprise_id AND h.region_code = '';
"""


class Migration(migrations.Migration):
    dependencies = [("hazards", "0005_hazard_notice_number")]

    operations = [
        migrations.AddField(
            model_name="hazard",
            name="region_code",
            field=models.CharField(
                default="", editable=False, max_length=6, verbose_name="region code"
            ),
            preserve_default=False,
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                fields=["region_code", "state", "-found_at"], name="hazard_region_state_found"
            ),
        ),
    ]
