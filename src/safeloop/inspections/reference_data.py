"""Loading the criteria library and the default checklists and targeting policy from
data/criteria.json (the data migration calls this with historical models)."""

import json
from datetime import date
from pathlib import Path

DATA = Path(__file__).parent / "data" / "criteria.json"
GONGMAO_SECTORS = [
    "metallurgy",
    "nonferrous",
    "building_materials",
    "machinery",
    "light_industry",
    "textiles",
    "tobacco",
    "commerce",
]
# area → the applicability conditions of its official checklist: ("sector"|"feature", value)
AREA_RULES = {
    "management": [("sector", s) for s in GONGMAO_SECTORS] + [("feature", "metal_smelting")],
    **{s: [("sector", s)] for s in GONGMAO_SECTORS if s != "commerce"},
    "dust_explosion": [("feature", "dust_explosion")],
    "ammonia_refrigeration": [("feature", "ammonia_refrigeration")],
    "confined_space": [("feature", "confined_space")],
    "explosives": [("sector", "explosives"), ("feature", "explosives_production")],
}
AREA_NAMES = {
    "management": "管理类",
    "metallurgy": "冶金",
    "nonferrous": "有色",
    "building_materials": "建材",
    "machinery": "机械",
    "light_industry": "轻工",
    "textiles": "纺织",
    "tobacco": "烟草",
    "commerce": "商贸",
    "dust_explosion": "粉尘爆炸",
    "ammonia_refrigeration": "液氨制冷",
    "confined_space": "有限空间",
    "explosives": "民爆",
}
# A general checklist for every enterprise; failing one of these is not by itself major.
GENERAL_ITEMS = [
    ("主要负责人和安全生产管理人员、从业人员按规定接受安全生产教育和培训", "第二十八条", "1"),
    ("特种作业人员按照国家有关规定经专门的安全作业培训，取得相应资格", "第三十条", "1"),
    ("建立安全风险分级管控制度和事故隐患排查治理制度，如实记录隐患排查治理情况", "第四十一条", "1"),
    ("依法参加工伤保险，为从业人员缴纳保险费", "第五十一条", "8"),
    ("制定生产安全事故应急救援预案并定期组织演练", "第八十一条", "5"),
]
DEFAULT_FREQUENCIES = {"red": 1, "orange": 3, "yellow": 6, "blue": 12}


def default_category(text: str) -> str:
    """The hazard category a finding on this item starts with (editable per item)."""
    if "电气" in text:
        return "3"
    if "报警" in text or "联锁" in text or "监测" in text:
        return "4"
    return "1"


def chinese_number(n: int) -> str:
    numerals = "一二三四五六七八九十"
    if n <= 10:
        return numerals[n - 1]
    return "十" + numerals[n - 11] if n < 20 else str(n)


def item_reference(article: str, item: int) -> str:
    """第十一条(三), or 第3项 for a standard without articles."""
    return f"{article}({chinese_number(item)})" if article else f"第{item}项"


def load(apps) -> None:
    Standard = apps.get_model("inspections", "CriteriaStandard")
    Criterion = apps.get_model("inspections", "Criterion")
    Checklist = apps.get_model("inspections", "Checklist")
    Item = apps.get_model("inspections", "ChecklistItem")
    Rule = apps.get_model("inspections", "ApplicabilityRule")
    Policy = apps.get_model("inspections", "TargetingPolicy")
    Frequency = apps.get_model("inspections", "RiskFrequency")

    data = json.loads(DATA.read_text(encoding="utf-8"))
    for s in data["standards"]:
        standard, _ = Standard.objects.update_or_create(
            code=s["code"],
            defaults={
                "title": s["title"],
                "document": s["document"],
                "effective_from": date.fromisoformat(s["effective_from"]),
                "retired_on": date.fromisoformat(s["retired_on"]) if s["retired_on"] else None,
                "source": s["source"],
            },
        )
        criteria = []
        for row in s["items"]:
            criterion, _ = Criterion.objects.get_or_create(
                standard=standard,
                article=row["article"],
                item=row["item"],
                revision=1,
                defaults={
                    "area": row["area"],
                    "text": row["text"],
                    "verified": row["verified"],
                    "source_note": row["source_note"][:200],
                },
            )
            criteria.append(criterion)
        if standard.retired_on:
            continue  # a retired standard keeps its items, not checklists for new visits
        for area in dict.fromkeys(c.area for c in criteria):
            checklist, created = Checklist.objects.get_or_create(
                standard=standard,
                kind="official",
                name=f"{s['title']}·{AREA_NAMES[area]}",
            )
            if not created:
                continue
            for order, c in enumerate((c for c in criteria if c.area == area), start=1):
                Item.objects.create(
                    checklist=checklist,
                    order=order,
                    text=c.text or f"（待补录）{item_reference(c.article, c.item)}",
                    basis=s["document"],
                    clause=item_reference(c.article, c.item),
                    category=default_category(c.text),
                    is_major=True,
                    criterion=c,
                    active=bool(c.text.strip()),
                )
            for kind, value in AREA_RULES[area]:
                Rule.objects.create(
                    checklist=checklist, **{kind: value}, source=f"{s['document']} 第二条适用范围"
                )
    general, created = Checklist.objects.get_or_create(kind="general", name="安全生产通用检查表")
    if created:
        for order, (text, clause, category) in enumerate(GENERAL_ITEMS, start=1):
            Item.objects.create(
                checklist=general,
                order=order,
                text=text,
                basis="《中华人民共和国安全生产法》（2021）",
                clause=clause,
                category=category,
            )
        Rule.objects.create(checklist=general, everyone=True, source="安全生产法")
    policy, created = Policy.objects.get_or_create(
        effective_from=date(2017, 1, 1),
        defaults={
            "source": "银川市工业领域安全生产通知 三(三)2；频次为本平台默认值，管理员可调整",
        },
    )
    if created:
        for level, months in DEFAULT_FREQUENCIES.items():
            Frequency.objects.create(policy=policy, level=level, months=months)
