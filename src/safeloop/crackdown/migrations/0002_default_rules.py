from datetime import date

from django.db import migrations

RULES = [
    {
        "first_visit_days": 15,
        "visit_every_days": 30,
        "visits_required": 2,
        "effective_from": date(2017, 1, 1),
        "source": (
            "银川市工业领域安全生产工作要点（2017）“突出打击非法生产经营建设行为”；"
            "回访周期取各地打非“回头看”的常见做法，待市局确认"
        ),
        "confidence": "unconfirmed",
        "notes": (
            "跟踪开始后15日内首次回访，此后每30日回访一次，"
            "连续两次回访确认取缔或关闭的场所未复产后方可结案。"
        ),
    }
]


def seed(apps, schema_editor):
    CrackdownRule = apps.get_model("crackdown", "CrackdownRule")
    for row in RULES:
        CrackdownRule.objects.get_or_create(effective_from=row["effective_from"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("crackdown", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
