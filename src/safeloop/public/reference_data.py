"""The first version of the city's public rules, loaded by migration 0002 (and by the demo on
a flushed test database). Later versions are added on /public-reports/rules/.

Sources: 安全生产领域举报奖励办法 (应急〔2018〕19号) for public reporting, and the city's
practice of exposing hidden dangers left unrectified past their deadline; the figures are the
city's starting values."""

from datetime import date

FIRST = {
    "effective_from": date(2026, 1, 1),
    "source": "市应急管理局 社会监督与曝光规则（初版）",
    "exposed_levels": ["major", "general"],
    "exposed_after_days": 30,
    "duplicate_hours": 72,
    "duplicate_metres": 200,
    "duplicate_similarity": "0.30",
    "reports_per_hour": 5,
    "lookups_per_hour": 60,
}


def load(apps) -> None:
    """The first rules, unless some rules exist already."""
    rules = apps.get_model("public", "PublicRules")
    if not rules.objects.exists():
        rules.objects.create(**FIRST)
