"""The first version of the emergency rule and the stock catalogue, loaded by migration 0002
(and by the demo on a flushed test database). Later versions are added on the rules screen."""

from datetime import date

# 生产安全事故应急条例 (国务院令第708号) and the city–county plan's "分级响应": the county
# commands general and serious incidents, the city major and extraordinarily serious ones.
FIRST_SOURCE = "生产安全事故应急条例（国务院令第708号）；市县两级分级响应"
SOURCE = FIRST_SOURCE + "；生产安全事故应急预案管理办法（应急管理部令第2号）第三十三、三十五条"

RULE = {
    "expiry_warning_days": 30,
    "confirm_within_days": 30,
    "city_grades": ["major", "extraordinary"],
    # 生产安全事故应急预案管理办法 (应急管理部令第2号, 2019): plans assessed and revised every
    # three years (第三十五条); a comprehensive or special plan drilled at least once a year,
    # an on-site disposal plan at least every half year (第三十三条).
    "plan_revision_years": 3,
    "drill_months": 12,
    "onsite_drill_months": 6,
    "effective_from": date(2019, 4, 1),
    "source": SOURCE,
}

# code, name, category, unit
STOCK_TYPES = [
    ("PPE-01", "正压式空气呼吸器", "个体防护", "套"),
    ("PPE-02", "防化服", "个体防护", "套"),
    ("PPE-03", "安全帽", "个体防护", "顶"),
    ("DET-01", "便携式四合一气体检测仪", "侦检", "台"),
    ("FIR-01", "干粉灭火器（8kg）", "灭火", "具"),
    ("FIR-02", "泡沫灭火剂", "灭火", "吨"),
    ("RES-01", "液压破拆工具组", "破拆救援", "套"),
    ("RES-02", "救生绳", "破拆救援", "根"),
    ("LEA-01", "吸附棉", "堵漏洗消", "千克"),
    ("LEA-02", "堵漏工具组", "堵漏洗消", "套"),
    ("MED-01", "急救箱", "医疗救护", "个"),
    ("POW-01", "移动发电机", "动力照明", "台"),
    ("LIG-01", "移动照明灯塔", "动力照明", "台"),
    ("SAN-01", "防汛沙袋", "防汛", "条"),
]


def load(apps) -> None:
    rule_model = apps.get_model("emergency", "EmergencyRule")
    if not rule_model.objects.exists():
        # A migration's historical model may predate some columns (0003 added the plan ones).
        names = {f.name for f in rule_model._meta.get_fields()}
        rule_model.objects.create(**{k: v for k, v in RULE.items() if k in names})
    stock_type = apps.get_model("emergency", "StockType")
    for code, name, category, unit in STOCK_TYPES:
        stock_type.objects.get_or_create(
            code=code, defaults={"name": name, "category": category, "unit": unit}
        )
