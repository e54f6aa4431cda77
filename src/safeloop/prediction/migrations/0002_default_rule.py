from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    """The first scoring rule: the newest major-danger model adds the region's top 10 % by
    score whose probability is at least 5 %, with three contributions in the reason. An
    administrator adds newer versions on the rules screen. Nothing is scored until a model
    has been trained (safeloop manage prediction_train)."""
    ScoringRule = apps.get_model("prediction", "ScoringRule")
    ScoringRule.objects.get_or_create(
        effective_from="2020-01-01",
        defaults={
            "source": "市应急管理局 双重预防机制 检查对象选择：风险分级为主、预测评分为辅（试行）",
            "enabled": True,
            "target": "major",
            "top_share_percent": 10,
            "min_probability": Decimal("0.050"),
            "explained_terms": 3,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("prediction", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
