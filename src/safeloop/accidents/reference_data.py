"""The accident grading thresholds and the reporting clock (rules as data), loaded by a data
migration with the historical models and again by the demo after a test flush; re-running
updates rows by their natural keys."""

from datetime import date
from decimal import Decimal

REGULATION = "生产安全事故报告和调查处理条例（国务院令第493号）"
IN_FORCE = date(2007, 6, 1)
# grade, rank, deaths, serious injuries, direct loss (CNY): the lower bound of each grade.
THRESHOLDS = [
    ("extraordinary", 4, 30, 100, Decimal("100000000")),
    ("major", 3, 10, 50, Decimal("50000000")),
    ("serious", 2, 3, 10, Decimal("10000000")),
    ("general", 1, 0, 0, Decimal("0")),
]
# level, minutes: Art. 9 (the enterprise, one hour) and Art. 11 (each level up, two hours).
STEPS = [("enterprise", 60, "第九条"), ("county", 120, "第十一条"), ("city", 120, "第十一条")]
# days, accident type names: Art. 13 (30 days; road traffic and fire accidents 7 days).
WINDOWS = [(30, ""), (7, "车辆伤害,道路（轨道）车辆致害,火灾")]


def load_chain(apps) -> None:
    """The reporting chain and the follow-up windows (migration 0004 and the demo)."""
    ReportingStepRule = apps.get_model("accidents", "ReportingStepRule")
    RevisionWindow = apps.get_model("accidents", "RevisionWindow")
    for level, minutes, article in STEPS:
        ReportingStepRule.objects.update_or_create(
            level=level,
            effective_from=IN_FORCE,
            defaults={"within_minutes": minutes, "source": f"{REGULATION} {article}"},
        )
    for days, names in WINDOWS:
        RevisionWindow.objects.update_or_create(
            type_names=names,
            effective_from=IN_FORCE,
            defaults={"days": days, "source": f"{REGULATION} 第十三条"},
        )


def load(apps) -> None:
    GradeThreshold = apps.get_model("accidents", "GradeThreshold")
    ReportingRule = apps.get_model("accidents", "ReportingRule")
    for grade, rank, deaths, injuries, loss in THRESHOLDS:
        GradeThreshold.objects.update_or_create(
            grade=grade,
            effective_from=IN_FORCE,
            defaults={
                "rank": rank,
                "min_deaths": deaths,
                "min_serious_injuries": injuries,
                "min_direct_loss": loss,
                "source": f"{REGULATION} 第三条",
            },
        )
    ReportingRule.objects.update_or_create(
        effective_from=IN_FORCE,
        defaults={"report_within_minutes": 60, "source": f"{REGULATION} 第九条"},
    )
