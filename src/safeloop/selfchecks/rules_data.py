"""The default schedule rules (decisions recorded in docs/selfchecks.md), loaded by migration
0002; an administrator changes them by adding a rule with a later `effective_from`."""

from datetime import date

SOURCE = "SafeLoop default (docs/selfchecks.md); no national rule fixes the due day"
EFFECTIVE_FROM = date(2020, 1, 1)
RULES = [
    # frequency, period, due day, non-working due day
    ("shift", "day", 1, "keep"),  # continuous operations: checked every day, holidays too
    ("daily", "day", 1, "skip"),  # 日查 on working days, make-up working days included
    ("weekly", "week", 5, "previous"),  # Friday, else the week's last working day before it
    ("monthly", "month", 0, "previous"),  # the month's last working day
    ("quarterly", "quarter", 0, "previous"),
    ("yearly", "year", 0, "previous"),
]


def load(apps) -> None:
    ScheduleRule = apps.get_model("selfchecks", "ScheduleRule")
    for frequency, period, due_day, non_working_day in RULES:
        if not ScheduleRule.objects.filter(frequency=frequency).exists():
            ScheduleRule.objects.create(
                frequency=frequency,
                effective_from=EFFECTIVE_FROM,
                period=period,
                due_day=due_day,
                non_working_day=non_working_day,
                source=SOURCE,
            )


def ensure_rules() -> None:
    """Tests that truncate tables (live-server browser tests) remove the rules; load them
    again when missing."""
    from django.apps import apps

    load(apps)
