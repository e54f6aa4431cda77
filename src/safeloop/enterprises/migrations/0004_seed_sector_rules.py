"""Seed the GB/T 4754-2017 → sector mapping from the domain reference (REFERENCE.md §3).

Each rule carries its source and confidence; administrators edit them in the admin. The
longest matching prefix wins ("30 except 305 and 3073–3079" is 30 → building materials plus
exceptions mapped to other)."""

from django.db import migrations

REF = "REFERENCE.md §3 (GB/T 4754-2017)"
RULES = [
    ("2671", "explosives", "confirmed", "炸药及火工产品制造"),
    ("31", "metallurgy", "partial", "黑色金属冶炼和压延加工业"),
    ("32", "nonferrous", "partial", "有色金属冶炼和压延加工业"),
    ("30", "building_materials", "partial", "非金属矿物制品业"),
    ("305", "other", "partial", "excluded from building materials"),
    *[(f"307{n}", "other", "partial", "excluded from building materials") for n in range(3, 10)],
    *[
        (code, "machinery", "partial", "")
        for code in ("33", "34", "35", "36", "37", "38", "39", "40", "43")
    ],
    ("17", "textiles", "unconfirmed", "纺织业"),
    ("18", "textiles", "unconfirmed", "纺织服装、服饰业"),
    *[
        (code, "light_industry", "unconfirmed", "")
        for code in ("13", "14", "15", "19", "20", "21", "22", "23", "24", "29")
    ],
    ("16", "tobacco", "unconfirmed", "烟草制品业"),
]
# Not in the reference: wholesale and retail as 商贸, to be confirmed.
EXTRA = [
    ("51", "commerce", "unconfirmed", "批发业 — not in the reference, to be confirmed"),
    ("52", "commerce", "unconfirmed", "零售业 — not in the reference, to be confirmed"),
]


def seed(apps, schema_editor):
    SectorRule = apps.get_model("enterprises", "SectorRule")
    for prefix, sector, confidence, note in RULES + EXTRA:
        SectorRule.objects.update_or_create(
            edition="GB/T 4754-2017",
            code_prefix=prefix,
            defaults={
                "sector": sector,
                "confidence": confidence,
                "note": note,
                "source": REF if (prefix, sector, confidence, note) in RULES else "",
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("enterprises", "SectorRule").objects.filter(edition="GB/T 4754-2017").delete()


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0003_ledger_record")]

    operations = [migrations.RunPython(seed, unseed)]
