from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("selfchecks", "0006_record_list_order_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="selfcheckrecord",
            index=models.Index(
                condition=models.Q(("result", "abnormal")),
                fields=["enterprise", "recorded_at", "id"],
                name="selfchecks_record_abnormal",
            ),
        ),
    ]
