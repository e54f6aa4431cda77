"""The loop's monitoring jobs. Both are idempotent: a second run the same day changes nothing
more (notifications carry dedupe keys; accountability is written once per missed deadline)."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from safeloop.core import calendar
from safeloop.core.context import acting_as
from safeloop.core.notify import notify
from safeloop.hazards.choices import OPEN_STATES
from safeloop.hazards.models import Accountability, Hazard, HazardPolicy
from safeloop.hazards.recipients import recipients


def send_reminders(today: date | None = None) -> int:
    """Remind the enterprise a few working days before each open hazard's deadline."""
    today = today or timezone.localdate()
    policy = HazardPolicy.current()
    horizon = calendar.add_working_days(today, policy.reminder_working_days).day
    sent = 0
    due = Hazard.objects.filter(
        state__in=OPEN_STATES, deadline__gt=today, deadline__lte=horizon
    ).select_related("enterprise")
    for hazard in due.iterator():
        sent += notify(
            recipients(hazard, "enterprise"),
            kind="hazard.reminder",
            title=f"隐患整改期限将至（{hazard.deadline:%Y-%m-%d}）：{hazard.place}",
            link=f"/hazards/{hazard.pk}/",
            dedupe_key=f"hazard:{hazard.pk}:remind:{hazard.deadline}",
        )
    return sent


def scan_overdue(today: date | None = None) -> dict:
    """Escalate overdue open hazards step by step (the policy's escalation list) and write
    an accountability record when a hazard first misses its deadline.

    Each hazard remembers how many steps were notified, so a run reads only the hazards that
    reach a new step today (a range scan on a partial index), however many are open."""
    today = today or timezone.localdate()
    steps = HazardPolicy.current().escalation
    records = notices = 0
    for index, step in enumerate(steps):
        # A step fires once the hazard is `after_days` days overdue (0: its first late day).
        reached = today - timedelta(days=max(1, step["after_days"]))
        due = list(
            Hazard.objects.filter(
                state__in=OPEN_STATES, escalation_step=index, deadline__lte=reached
            )
            .select_related("enterprise")
            .order_by("deadline", "pk")
        )
        if not due:
            continue
        with transaction.atomic():
            if index == 0:
                for hazard in due:  # audited, once per missed deadline
                    _, created = Accountability.objects.get_or_create(
                        hazard=hazard, reason="overdue", deadline=hazard.deadline
                    )
                    records += created
            Hazard.objects.filter(pk__in=[h.pk for h in due], escalation_step=index).update(
                escalation_step=index + 1
            )
        for hazard in due:
            days = (today - hazard.deadline).days
            notices += notify(
                recipients(hazard, step["notify"]),
                kind="hazard.overdue",
                title=f"隐患整改逾期 {days} 天：{hazard.enterprise.name} · {hazard.place}",
                link=f"/hazards/{hazard.pk}/",
                dedupe_key=f"hazard:{hazard.pk}:overdue:{hazard.deadline}:{step['notify']}",
            )
    return {"accountability": records, "notified": notices}


@app.periodic(cron="7 1 * * *")
@app.task(name="hazards.daily_monitoring", queue="hazards")
def daily_monitoring(timestamp: int) -> dict:
    with acting_as(None):
        result = scan_overdue()
        result["reminded"] = send_reminders()
    return result
