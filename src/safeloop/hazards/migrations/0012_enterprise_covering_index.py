import django.db.models.deletion
from django.db import migrations, models

# The lists of a small scope (a park, a grid cell, an enterprise: a list of enterprises) count
# and page by this one index: it replaces the (enterprise, state) index and the foreign key's
# own, both read as its leading columns. Created before those are dropped, so no moment is
# without an index on the enterprise. Another migration (targets 0003) widens the found-date
# index the same way.


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0012_key_unit_order"),
        ("hazards", "0011_open_hazard_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(
                fields=["enterprise", "state"],
                include=(
                    "id",
                    "level",
                    "source",
                    "category",
                    "found_at",
                    "deadline",
                    "found_by_regulator",
                    "submitted_by",
                ),
                name="hazard_enterprise_state",
            ),
        ),
        migrations.RemoveIndex(
            model_name="hazard",
            name="hazards_haz_enterpr_80af96_idx",
        ),
        migrations.AlterField(
            model_name="hazard",
            name="enterprise",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="enterprises.enterprise",
                verbose_name="enterprise",
            ),
        ),
    ]
