"""The first version of the emergency rule and the stock catalogue, loaded by migration 0002
(and by the demo on a flushed test database). Later versions are added on the rules screen."""

from datetime import date

# 生产安全事故应急条例 (国务院令第708号) and the city–county plan's "分级响应": the county
# commands general and serious incidents, the city major and extraordinarily serious ones.
RULE = {
    "expiry_warning_days": 30,
    "confirm_within_days": 30,
    "city_grades": ["major", "extraordinary"],
    "effective_from": date(2019, 4, 1),
    "source": "生产安全事故应急条例（国务院令第708号）；市县两级分级响应",
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
        rule_model.objects.create(**RULE)
    stock_type = apps.get_model("emergency", "StockType")
    for code, name, category, unit in STOCK_TYPES:
        stock_type.objects.get_or_create(
            code=code, defaults={"name": name, "category": category, "unit": unit}
        )
