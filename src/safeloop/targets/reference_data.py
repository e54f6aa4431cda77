"""The default rules of the targets app as data (loaded by migration 0002 and, on a flushed
test or demo database, by the demo seed)."""

from datetime import date

NOTICE = "银川市工信局《关于加强工业领域安全生产双重预防机制建设的通知》（2017）三、3"

KINDS = [
    ("accidents", "事故起数", "accidents", "", 1),
    ("deaths", "死亡人数（含失踪）", "deaths", "", 2),
    ("serious", "较大事故起数", "accidents", "serious", 3),
    ("injuries", "受伤人数", "injuries", "", 4),
]

ITEMS = [
    {
        "code": "indicators",
        "name": "控制指标消耗",
        "weight": 20,
        "figure": "indicator_consumption",
        "formula": "deduct",
        "per": 1,
        "above": 80,
    },
    {
        "code": "major_rectification",
        "name": "重大事故隐患整改率",
        "weight": 20,
        "figure": "major_rectification",
        "formula": "rate",
    },
    {
        "code": "overdue",
        "name": "逾期未整改隐患",
        "weight": 15,
        "figure": "overdue",
        "formula": "deduct",
        "per": 0.5,
        "above": 0,
    },
    {
        "code": "inspection",
        "name": "监督检查覆盖率",
        "weight": 15,
        "figure": "inspection_coverage",
        "formula": "rate",
    },
    {
        "code": "selfcheck",
        "name": "企业自查完成率",
        "weight": 15,
        "figure": "selfcheck_completion",
        "formula": "rate",
    },
    {
        "code": "bulletin",
        "name": "通报事项",
        "weight": 5,
        "figure": "bulletin_items",
        "formula": "deduct",
        "per": 1,
        "above": 0,
    },
    {"code": "work", "name": "责任落实与日常工作（人工评分）", "weight": 10, "formula": "manual"},
]
VETOES = [{"code": "accident_grade", "grade": "serious"}, {"code": "indicator_breach"}]


def load(apps) -> None:
    TargetRule = apps.get_model("targets", "TargetRule")
    IndicatorKind = apps.get_model("targets", "IndicatorKind")
    ScoringScheme = apps.get_model("targets", "ScoringScheme")
    TargetRule.objects.get_or_create(
        effective_from=date(2017, 1, 1),
        defaults={
            "warn_percent": 80,
            "source": NOTICE + "（逐月通报、及时警示）；预警比例为本平台默认值，可调整",
        },
    )
    for code, name, measure, grade, position in KINDS:
        IndicatorKind.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "measure": measure,
                "grade": grade,
                "position": position,
                "source": NOTICE,
            },
        )
    ScoringScheme.objects.get_or_create(
        effective_from=date(2017, 1, 1),
        defaults={
            "items": ITEMS,
            "vetoes": VETOES,
            "source": NOTICE + "（年度考核、一票否决）；分值为本平台默认值，可按年度办法调整",
        },
    )
