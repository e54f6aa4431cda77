from django.db import migrations, models

# The lists of a small scope (a park, a grid cell, an enterprise: a list of enterprises) count
# and page by this one index, which replaces the (enterprise, state) index. The foreign key's
# own narrow index stays: the dashboard triggers' per-enterprise probes, planned once for a
# few rows (dashboards/sql.py), must find an equality on the enterprise as the cheapest path.
# Another migration (targets 0003) widens the found-date index the same way.


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
                    "region_code",
                    "level",
                    "source",
                    "category",
                    "found_at",
                    "accepted_at",
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
    ]
