"""The loop's monitoring jobs, set-based so that a run costs the same at ten million rows.

Each statement selects the hazards due, records what it must and writes the inbox messages
in one go; `ON CONFLICT DO NOTHING` on the messages' dedupe keys and on the accountability
records makes a repeated run change nothing more.
"""

import uuid
from datetime import date

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from safeloop.core.context import acting_as
from safeloop.core.notify import send_emails
from safeloop.hazards.choices import OPEN_STATES
from safeloop.hazards.models import Accountability, HazardPolicy
from safeloop.orgs.roles import ENTERPRISE_STAFF, Role

# Who hears, as a join condition on orgs_roleassignment `ra` for hazard `h`, enterprise `e`.
AUDIENCES = {
    "enterprise": ("ra.enterprise_id = h.enterprise_id AND ra.role = ANY(%(staff)s)"),
    "grid": "ra.grid_id = e.grid_id AND ra.role = 'grid_inspector'",
    "county": (
        "ra.role = ANY(%(county_roles)s) AND ra.region_id = "
        "(SELECT id FROM orgs_region WHERE code = h.region_code)"
    ),
    "city": (
        "ra.role = ANY(%(city_roles)s) AND ra.region_id = "
        "(SELECT id FROM orgs_region WHERE code = left(h.region_code, 4) || '00')"
    ),
}
ROLE_PARAMS = {
    "staff": sorted(ENTERPRISE_STAFF),
    "county_roles": [Role.COUNTY_ADMIN, Role.COUNTY_INSPECTOR],
    "city_roles": [Role.CITY_ADMIN, Role.CITY_INSPECTOR],
}
OPEN = "h.state IN ('" + "', '".join(OPEN_STATES) + "')"


def _messages_sql(audience: str, kind: str, title_sql: str, key_sql: str) -> str:
    """An INSERT of one inbox message per recipient of each hazard in CTE `due`. Only
    constant SQL fragments are formatted in; values travel as parameters."""
    return f"""
    INSERT INTO core_notification
      (recipient_id, created_at, kind, title, body, link, read_at, dedupe_key)
    SELECT DISTINCT ra.user_id, now(), '{kind}', {title_sql}, '', '/hazards/' || h.id || '/',
           NULL::timestamptz, {key_sql}
    FROM due h
    JOIN enterprises_enterprise e ON e.id = h.enterprise_id
    JOIN orgs_roleassignment ra ON ra.active AND {AUDIENCES[audience]}
    JOIN orgs_user u ON u.id = ra.user_id AND u.is_active
    ON CONFLICT DO NOTHING
    RETURNING recipient_id, title"""


def scan_overdue(today: date | None = None) -> dict:
    """Escalate overdue open hazards one policy step at a time and record accountability
    when a hazard first misses its deadline. Reads only hazards reaching a new step."""
    today = today or timezone.localdate()
    policy = HazardPolicy.current()
    steps = policy.escalation
    ctype = ContentType.objects.get_for_model(Accountability).pk
    request_id = f"job-{uuid.uuid4()}"
    totals = {"escalated": 0, "accountability": 0, "notified": 0}
    for index, step in enumerate(steps):
        following = steps[index + 1]["after_days"] if index + 1 < len(steps) else None
        accountability = ""
        if index == 0:
            accountability = """,
            acc AS (
              INSERT INTO hazards_accountability (hazard_id, reason, recorded_at, deadline,
                                                  sanction)
              SELECT id, 'overdue', now(), deadline, '' FROM due
              ON CONFLICT DO NOTHING
              RETURNING id, hazard_id, deadline
            ),
            audited AS (
              INSERT INTO core_auditentry (at, actor_id, actor_label, action, content_type_id,
                object_id, object_repr, region_code, changes, request_id, ip)
              SELECT now(), NULL, 'system', 'hazards.accountability.create', %(ctype)s,
                     acc.id::text, 'overdue ' || acc.deadline, due.region_code,
                     jsonb_build_object('hazard_id', jsonb_build_array(NULL, acc.hazard_id),
                                        'deadline', jsonb_build_array(NULL, acc.deadline)),
                     %(request_id)s, NULL
              FROM acc JOIN due ON due.id = acc.hazard_id
              RETURNING 1
            )"""
        sql = f"""
        WITH due AS (
          UPDATE hazards_hazard h SET escalation_step = %(next)s,
            escalation_due = h.deadline + %(following)s::int
          WHERE {OPEN} AND h.escalation_due <= %(today)s AND h.escalation_step = %(step)s
          RETURNING h.id, h.enterprise_id, h.region_code, h.deadline, h.place
        ){accountability},
        sent AS ({
            _messages_sql(
                step["notify"],
                "hazard.overdue",
                "'隐患整改逾期 ' || (%(today)s::date - h.deadline) || ' 天：' "
                "|| e.name || ' · ' || h.place",
                "'hazard:' || h.id || ':overdue:' || h.deadline || ':' || %(audience)s",
            )
        })
        SELECT (SELECT count(*) FROM due),
               {"(SELECT count(*) FROM acc)" if index == 0 else "0"},
               (SELECT count(*) FROM sent),
               (SELECT coalesce(json_agg(json_build_array(recipient_id, title)), '[]')
                FROM sent)
        """
        params = {
            **ROLE_PARAMS,
            "next": index + 1,
            "step": index,
            "following": None if following is None else max(1, following),
            "today": today,
            "audience": step["notify"],
            "ctype": ctype,
            "request_id": request_id,
        }
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            escalated, records, notified, messages = cursor.fetchone()
        totals["escalated"] += escalated
        totals["accountability"] += records
        totals["notified"] += notified
        _email(messages)
    return totals


def send_reminders(today: date | None = None) -> int:
    """Remind the enterprise a few working days before each open hazard's deadline, once."""
    from safeloop.core import calendar

    today = today or timezone.localdate()
    horizon = calendar.add_working_days(today, HazardPolicy.current().reminder_working_days).day
    sql = f"""
    WITH due AS (
      SELECT h.id, h.enterprise_id, h.region_code, h.deadline, h.place FROM hazards_hazard h
      WHERE {OPEN} AND h.deadline > %(today)s AND h.deadline <= %(horizon)s
    ),
    sent AS ({
        _messages_sql(
            "enterprise",
            "hazard.reminder",
            "'隐患整改期限将至（' || h.deadline || '）：' || h.place",
            "'hazard:' || h.id || ':remind:' || h.deadline",
        )
    })
    SELECT (SELECT count(*) FROM sent),
           (SELECT coalesce(json_agg(json_build_array(recipient_id, title)), '[]') FROM sent)
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, {**ROLE_PARAMS, "today": today, "horizon": horizon})
        sent, messages = cursor.fetchone()
    _email(messages)
    return sent


def _email(messages) -> None:
    if settings.NOTIFY_BY_EMAIL and messages:
        send_emails(messages if isinstance(messages, list) else [])


@app.periodic(cron="7 1 * * *")
@app.task(name="hazards.daily_monitoring", queue="hazards")
def daily_monitoring(timestamp: int) -> dict:
    with acting_as(None):
        result = scan_overdue()
        result["reminded"] = send_reminders()
    return result
