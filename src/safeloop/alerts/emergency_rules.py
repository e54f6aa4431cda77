"""The early-warning rules over the emergency app's records, one SQL SELECT of candidates
each, like rules.py: stock expiring, availability not confirmed, and preparedness gaps
(a filed plan lapsed, a drill overdue).

The day counts of the first two are the emergency rule's in force (emergency.EmergencyRule,
versioned with its source), so the emergency pages and the warnings never disagree; the
warning rule row holds the on/off switch, the audience and the source. With no emergency
rule in force they select nothing."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from safeloop.alerts.rules import Candidates
from safeloop.emergency.choices import Availability
from safeloop.emergency.models import EmergencyRule
from safeloop.emergency.selectors import gaps_begun

NOTHING = Candidates(
    "SELECT NULL::text, NULL::bigint, NULL::text, NULL::text, NULL::text, NULL::bigint, "
    "NULL::bigint, NULL::bigint, NULL::text, NULL::jsonb, NULL::text WHERE FALSE",
    {},
)


def _rule(today: date) -> EmergencyRule | None:
    return (
        EmergencyRule.objects.filter(effective_from__lte=today).order_by("-effective_from").first()
    )


def stock_expiry(today: date) -> Candidates:
    """A stock in a warehouse expiring within the emergency rule's days, or expired; once
    per stock and expiry date, so a restocked (re-dated) stock warns again."""
    rule = _rule(today)
    if rule is None:
        return NOTHING
    return Candidates(
        """
        SELECT 'stock', s.id, r.name || ' · ' || t.name, s.expires_on::text, r.region_code,
               r.enterprise_id, r.park_id_copy, r.grid_id_copy,
               t.name || '（' || trim(to_char(s.quantity, 'FM999999990.##')) || s.unit || '）'
                 || CASE WHEN s.expires_on < %(today)s::date
                         THEN '已于 ' || s.expires_on || ' 过期'
                         ELSE '将于 ' || s.expires_on || ' 到期，剩余 '
                              || (s.expires_on - %(today)s::date) || ' 天' END,
               jsonb_build_object('expires_on', s.expires_on, 'days', %(days)s),
               '/emergency/resources/' || r.id || '/'
        FROM emergency_stock s
        JOIN emergency_resource r ON r.id = s.warehouse_id
        JOIN emergency_stocktype t ON t.id = s.stock_type_id
        WHERE s.expires_on IS NOT NULL AND s.quantity > 0
          AND s.expires_on <= %(today)s::date + %(days)s
        """,
        {"today": today, "days": rule.expiry_warning_days},
    )


def resource_unconfirmed(today: date) -> Candidates:
    """A resource (not marked unavailable) whose availability was not confirmed within the
    emergency rule's days; once per last confirmation, so confirming and lapsing again warns
    again."""
    rule = _rule(today)
    if rule is None:
        return NOTHING
    start = timezone.make_aware(datetime.combine(today, time.min))
    return Candidates(
        """
        SELECT 'resource', r.id, r.name,
               coalesce((r.confirmed_at AT TIME ZONE %(tz)s)::date::text, 'never'),
               r.region_code, r.enterprise_id, r.park_id_copy, r.grid_id_copy,
               CASE WHEN r.confirmed_at IS NULL THEN '应急资源的可用状态从未确认'
                    ELSE '应急资源的可用状态已 '
                         || (%(today)s::date - (r.confirmed_at AT TIME ZONE %(tz)s)::date)
                         || ' 天未确认（上次确认 '
                         || (r.confirmed_at AT TIME ZONE %(tz)s)::date || '）' END,
               jsonb_build_object('confirmed_at', r.confirmed_at, 'days', %(days)s),
               '/emergency/resources/' || r.id || '/'
        FROM emergency_resource r
        WHERE r.availability <> %(unavailable)s
          AND (r.confirmed_at IS NULL OR r.confirmed_at < %(stale)s)
        """,
        {
            "today": today,
            "tz": settings.TIME_ZONE,
            "days": rule.confirm_within_days,
            "stale": start - timedelta(days=rule.confirm_within_days),
            "unavailable": Availability.UNAVAILABLE.value,
        },
    )


def preparedness(params: dict, today: date) -> Candidates:
    """An operating enterprise whose filed plan lapsed or whose drill fell due within the
    last `within_days` days (and, with `include_never`, one that never filed a plan); once
    per gap and the day it began (emergency.selectors.gaps_begun)."""
    gaps = gaps_begun(
        today, within_days=params["within_days"], include_never=params["include_never"]
    )
    if not gaps:
        return NOTHING
    return Candidates(
        """
        SELECT 'enterprise', e.id, e.name, g.kind || ':' || g.since, e.region_code, e.id,
               e.park_id, e.grid_id, g.reason,
               jsonb_build_object('gap', g.kind, 'since', nullif(g.since, 'never')),
               '/emergency/plans/?enterprise=' || e.id
        FROM unnest(%(ids)s::bigint[], %(kinds)s::text[], %(since)s::text[], %(reasons)s::text[])
             AS g(enterprise_id, kind, since, reason)
        JOIN enterprises_enterprise e ON e.id = g.enterprise_id
        WHERE e.deleted_at IS NULL
        """,
        {
            "ids": [g.enterprise_id for g in gaps],
            "kinds": [g.kind for g in gaps],
            "since": [g.since.isoformat() if g.since else "never" for g in gaps],
            "reasons": [g.reason for g in gaps],
        },
    )
