"""The first version of the city's public rules. Sources: 安全生产领域举报奖励办法
(应急〔2018〕19号) and the city's exposure practice for overdue hidden dangers; the figures
are the city's starting values, changed by an administrator on /public-reports/rules/."""

import datetime

from django.db import migrations

FIRST = {
    "effective_from": datetime.date(2026, 1, 1),
    "source": "市应急管理局 社会监督与曝光规则（初版）",
    "exposed_levels": ["major", "general"],
    "exposed_after_days": 30,
    "duplicate_hours": 72,
    "duplicate_metres": 200,
    "duplicate_similarity": "0.30",
    "reports_per_hour": 5,
    "lookups_per_hour": 60,
}


def load(apps, schema_editor):
    rules = apps.get_model("public", "PublicRules")
    if not rules.objects.exists():
        rules.objects.create(**FIRST)


class Migration(migrations.Migration):
    dependencies = [("public", "0001_reports_and_rules")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
