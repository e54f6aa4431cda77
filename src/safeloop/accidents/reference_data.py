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
