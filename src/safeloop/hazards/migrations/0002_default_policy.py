from datetime import date

from django.db import migrations

SOURCE = (
    "Defaults from REFERENCE.md §9: 安全生产事故隐患排查治理暂行规定 (总局令第16号, 2008); "
    "listing, extension and acceptance limits from local 挂牌督办 practice (Qingdao), "
    "one extension for a general hidden danger by local choice. Edit by adding a new policy."
)


def seed(apps, schema_editor):
    HazardPolicy = apps.get_model("hazards", "HazardPolicy")
    HazardPolicy.objects.get_or_create(
        effective_from=date(2008, 2, 1),
        defaults={
            "source": SOURCE,
            "listing_level": "county",
            "general_max_extensions": 1,
            "major_extension_notice_working_days": 20,
            "reminder_working_days": 3,
            "escalation": [
                {"after_days": 0, "notify": "enterprise"},
                {"after_days": 3, "notify": "grid"},
                {"after_days": 7, "notify": "county"},
                {"after_days": 15, "notify": "city"},
            ],
        },
    )


class Migration(migrations.Migration):
    dependencies = [("hazards", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
