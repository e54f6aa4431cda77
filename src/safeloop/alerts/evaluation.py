"""Evaluating the rules: one statement per rule inserts the new warnings, their audit entries
and their inbox messages (see rules.py). Run by the periodic job; safe to repeat."""

import uuid
from datetime import date

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from safeloop.alerts import (
    crackdown_rules,
    duties_rules,
    emergency_rules,
    enforcement_rules,
    investment_rules,
    parkrisk_rules,
    rules,
    targets_rules,
    training_rules,
)
from safeloop.alerts.choices import RuleCode
from safeloop.alerts.models import EarlyWarning, WarningRule
from safeloop.alerts.workflow import RAISED_STATE
from safeloop.core import calendar
from safeloop.core.notify import send_emails
from safeloop.orgs.roles import ENTERPRISE_STAFF, Role

# Who hears of warning `w`, as a condition on orgs_roleassignment `ra`.
AUDIENCE_SQL = {
    "enterprise": "(ra.enterprise_id = w.enterprise_id AND ra.role = ANY(%(staff)s))",
    "grid": "(ra.grid_id = w.grid_id AND ra.role = 'grid_inspector')",
    "park": "(ra.park_id = w.park_id AND ra.role = 'park_officer')",
    "county": (
        "(ra.role = ANY(%(county_roles)s) AND ra.region_id = "
        "(SELECT id FROM orgs_region WHERE code = w.region_code))"
    ),
    "city": (
        "(ra.role = ANY(%(city_roles)s) AND ra.region_id = "
        "(SELECT id FROM orgs_region WHERE code = left(w.region_code, 4) || '00'))"
    ),
}
ROLE_PARAMS = {
    "staff": sorted(ENTERPRISE_STAFF),
    "county_roles": [Role.COUNTY_ADMIN.value, Role.COUNTY_INSPECTOR.value],
    "city_roles": [Role.CITY_ADMIN.value, Role.CITY_INSPECTOR.value],
}


# Inbox lines: one per warning, or on a rule's first run one digest per person.
ONE_EACH = """SELECT DISTINCT ra.user_id, now(), 'warning', left(%(title)s || w.subject_label, 200),
             w.reason, '/alerts/' || w.id || '/', NULL::timestamptz, 'warning:' || w.id"""
DIGEST = """SELECT ra.user_id, now(), 'warning',
             left(%(digest_title)s || count(DISTINCT w.id) || ' 条', 200), %(digest_body)s,
             %(digest_link)s, NULL::timestamptz, 'warning-first:' || %(rule_id)s"""


def candidates(rule: WarningRule, today: date) -> rules.Candidates:
    """The rule's candidate SELECT."""
    params = rule.params
    if rule.code == RuleCode.LICENCE_EXPIRY:
        return rules.licence_expiry(params, today)
    if rule.code == RuleCode.CERTIFICATE_EXPIRY:
        return rules.certificate_expiry(params, today)
    if rule.code == RuleCode.HAZARDS_RISING:
        return rules.hazards_rising(params, today)
    if rule.code == RuleCode.OVERDUE_CLUSTER:
        return rules.overdue_cluster(params, today)
    if rule.code == RuleCode.NO_SELF_CHECK:
        return rules.no_self_check(params, today, rules.last_self_check_dates())
    if rule.code == RuleCode.MAJOR_DEADLINE:
        horizon = calendar.add_working_days(today, params["working_days"]).day
        return rules.major_deadline(params, today, horizon)
    if rule.code == RuleCode.STOCK_EXPIRY:
        return emergency_rules.stock_expiry(today)
    if rule.code == RuleCode.RESOURCE_UNCONFIRMED:
        return emergency_rules.resource_unconfirmed(today)
    if rule.code == RuleCode.PREPAREDNESS:
        return emergency_rules.preparedness(params, today)
    if rule.code == RuleCode.TRAINING_GAP:
        return training_rules.training_gap(params, today)
    if rule.code == RuleCode.EXPENSE_GAP:
        return investment_rules.expense_gap(params, today)
    if rule.code == RuleCode.INSURANCE_GAP:
        return investment_rules.insurance_gap(params, today)
    if rule.code == RuleCode.PARK_ASSESSMENT:
        return parkrisk_rules.park_assessment(today)
    if rule.code == RuleCode.DUTIES_MISSING:
        return duties_rules.duties_missing(today)
    if rule.code == RuleCode.CRACKDOWN_REVISIT:
        return crackdown_rules.crackdown_revisit(today)
    if rule.code == RuleCode.RECHECK_OVERDUE:
        return enforcement_rules.recheck_overdue(params, today)
    if rule.code == RuleCode.INDICATOR_CONSUMPTION:
        return targets_rules.indicator_consumption(params, today)
    raise ValueError(f"no evaluator for rule {rule.code!r}")


def evaluate(rule: WarningRule, today: date | None = None) -> dict:
    """Raise the rule's new warnings; returns counts. Nothing happens for a disabled rule."""
    today = today or timezone.localdate()
    if not rule.enabled:
        return {"rule": rule.code, "status": "disabled", "raised": 0, "notified": 0}
    chosen = candidates(rule, today)
    first_run = rule.first_run_at is None
    audience = [AUDIENCE_SQL[a] for a in rule.audience if a in AUDIENCE_SQL] or ["FALSE"]
    sql = f"""
    WITH cand (subject_kind, subject_id, subject_label, period, region_code, enterprise_id,
               park_id, grid_id, reason, details, link) AS ({chosen.sql}),
    w AS (
      INSERT INTO alerts_earlywarning
        (rule_id, subject_kind, subject_id, subject_label, period, region_code, enterprise_id,
         park_id, grid_id, state, reason, details, link, raised_at, note, version)
      SELECT %(rule_id)s, subject_kind, subject_id, left(subject_label, 200), period,
             region_code, enterprise_id, park_id, grid_id, %(raised_state)s,
             left(reason, 500), details, link, now(), '', 1
      FROM cand
      ON CONFLICT DO NOTHING
      RETURNING *
    ),
    audited AS (
      INSERT INTO core_auditentry (at, actor_id, actor_label, action, content_type_id,
        object_id, object_repr, region_code, changes, request_id, ip)
      SELECT now(), NULL, 'system', 'alerts.earlywarning.raise', %(ctype)s, w.id::text,
             left(w.subject_label, 200), w.region_code,
             jsonb_build_object('rule', jsonb_build_array(NULL, %(rule_code)s),
                                'period', jsonb_build_array(NULL, w.period),
                                'reason', jsonb_build_array(NULL, w.reason)),
             %(request_id)s, NULL
      FROM w
      RETURNING 1
    ),
    sent AS (
      INSERT INTO core_notification
        (recipient_id, created_at, kind, title, body, link, read_at, dedupe_key)
      {DIGEST if first_run else ONE_EACH}
      FROM w
      JOIN orgs_roleassignment ra ON ra.active AND ({" OR ".join(audience)})
      JOIN orgs_user u ON u.id = ra.user_id AND u.is_active
      {"GROUP BY ra.user_id" if first_run else ""}
      ON CONFLICT DO NOTHING
      RETURNING recipient_id, title
    )
    SELECT (SELECT count(*) FROM w), (SELECT count(*) FROM audited), (SELECT count(*) FROM sent),
           (SELECT coalesce(json_agg(json_build_array(recipient_id, title)), '[]') FROM sent)
    """
    params = {
        **chosen.params,
        **ROLE_PARAMS,
        "rule_id": rule.pk,
        "raised_state": str(RAISED_STATE),
        "rule_code": rule.code,
        "ctype": ContentType.objects.get_for_model(EarlyWarning).pk,
        "request_id": f"job-{uuid.uuid4()}",
        "title": f"【预警】{rule_title(rule)}：",
        "digest_title": f"【预警】{rule_title(rule)}：首次运行发现 ",
        "digest_body": (
            "该规则首次对现有数据运行，逐条提醒已合并为本条，请在预警列表中分组查看和批量确认。"
        ),
        "digest_link": f"/alerts/?rule={rule.code}&group=enterprise",
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        raised, _audited, notified, messages = cursor.fetchone()
        if first_run:
            WarningRule.objects.filter(pk=rule.pk).update(first_run_at=timezone.now())
    if settings.NOTIFY_BY_EMAIL and messages:
        send_emails(messages)
    return {"rule": rule.code, "status": "ran", "raised": raised, "notified": notified}


def rule_title(rule: WarningRule) -> str:
    from django.utils import translation

    with translation.override("zh-hans"):
        return str(rule.get_code_display())


def evaluate_all(today: date | None = None) -> list[dict]:
    return [evaluate(rule, today) for rule in WarningRule.objects.order_by("code")]
