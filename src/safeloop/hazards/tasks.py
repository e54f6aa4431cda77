"""The loop's monitoring jobs. Both are idempotent: a second run the same day changes nothing
more (notifications carry dedupe keys; accountability is written once per missed deadline)."""

from datetime import date

from django.db import transaction
from django.db.models import IntegerField
from django.db.models.expressions import RawSQL
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
    """Mark overdue open hazards with their days overdue, write an accountability record
    once per missed deadline, and notify up the chain by the policy's escalation steps."""
    today = today or timezone.localdate()
    policy = HazardPolicy.current()
    open_hazards = Hazard.objects.filter(state__in=OPEN_STATES)
    with transaction.atomic():
        # Days overdue in one statement: the scan stays fast at millions of rows.
        days_late = RawSQL("%s::date - deadline", [today], output_field=IntegerField())
        updated = (
            open_hazards.filter(deadline__lt=today)
            .exclude(overdue_days=days_late)
            .update(overdue_days=days_late)
        )
        open_hazards.filter(deadline__gte=today, overdue_days__gt=0).update(overdue_days=0)
    records = notices = 0
    overdue = open_hazards.filter(deadline__lt=today).select_related("enterprise")
    for hazard in overdue.iterator():
        _, created = Accountability.objects.get_or_create(
            hazard=hazard, reason="overdue", deadline=hazard.deadline
        )
        records += created
        days = (today - hazard.deadline).days
        for step in policy.escalation:
            if days >= step["after_days"]:
                notices += notify(
                    recipients(hazard, step["notify"]),
                    kind="hazard.overdue",
                    title=f"隐患整改逾期 {days} 天：{hazard.enterprise.name} · {hazard.place}",
                    link=f"/hazards/{hazard.pk}/",
                    dedupe_key=f"hazard:{hazard.pk}:overdue:{hazard.deadline}:{step['notify']}",
                )
    return {"marked": updated, "accountability": records, "notified": notices}


@app.periodic(cron="7 1 * * *")
@app.task(name="hazards.daily_monitoring", queue="hazards")
def daily_monitoring(timestamp: int) -> dict:
    with acting_as(None):
        result = scan_overdue()
        result["reminded"] = send_reminders()
    return result
