from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("selfchecks", "0007_abnormal_record_index")]

    operations = [
        migrations.AddIndex(
            model_name="selfcheckrecord",
            index=models.Index(
                condition=models.Q(("result", "abnormal")),
                fields=["region_code", "recorded_at", "id"],
                name="selfchecks_county_abnormal",
            ),
        ),
    ]
