from decimal import Decimal

from django.db import migrations, models

# The two provisions whose decisions weigh on credit beyond an ordinary penalty
# (docs/enforcement.md, "Penalty cases"); an administrator adds later versions on
# /enforcement/rules/.
BASES = [
    {
        "code": "aqsf-114-2",
        "title": "《中华人民共和国安全生产法》（2021年修正）第一百一十四条第二款",
        "offence": "发生生产安全事故，情节特别严重、影响特别恶劣的，按照第一款罚款数额的二倍以上五倍以下对负有责任的生产经营单位处以罚款",
        "fine_min": Decimal("600000"),
        "fine_max": Decimal("100000000"),
        "ground": "multiple",
        "effective_from": "2021-09-01",
        "source": "《中华人民共和国安全生产法》（2021年6月10日第十三届全国人大常委会第二十九次会议修正）",
    },
    {
        "code": "aqxkz-19",
        "title": "《安全生产许可证条例》（2014年修订）第十九条",
        "offence": "未取得安全生产许可证擅自进行生产的，责令停止生产，没收违法所得，并处罚款",
        "fine_min": Decimal("100000"),
        "fine_max": Decimal("500000"),
        "ground": "unlicensed",
        "effective_from": "2014-07-29",
        "source": "《安全生产许可证条例》（国务院令第397号，2014年7月29日国务院令第653号修订）",
    },
]


def seed(apps, schema_editor):
    LegalBasis = apps.get_model("enforcement", "LegalBasis")
    for row in BASES:
        LegalBasis.objects.get_or_create(
            code=row["code"], effective_from=row["effective_from"], defaults=row
        )


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0002_default_rules")]

    operations = [
        migrations.AddField(
            model_name="legalbasis",
            name="ground",
            field=models.CharField(
                choices=[
                    ("ordinary", "Ordinary penalty"),
                    ("multiple", "Fine of two to five times (Work Safety Law Art. 114)"),
                    ("unlicensed", "Operating without a required licence"),
                ],
                default="ordinary",
                max_length=12,
                verbose_name="kind of provision",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
