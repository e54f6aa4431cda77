"""The key units list (重点监管) kept as a table, so that a city's list, its count and the
dashboard's figures read stored rows instead of testing every enterprise against ten
reasons on each request.

`refresh()` stores what `selectors.key_units` finds from the records, for every enterprise
or for some: it adds the enterprises that now have a reason, rewrites the reasons that
changed and removes those that have none left, in one statement. It runs

- for one enterprise, in the worker, after any change to a record a reason reads commits
  (hidden dangers, the risk profile, accidents, licences, emergency plans and drills,
  training records, the enterprise's people, safety expense, the enterprise itself);
- for everyone after a rule a reason reads changes or an import copies such records in
  (core.bulk.rows_copied), every hour (the reasons that follow the
  date: a deadline or a licence passing, a new year), and after `migrate` while the table is
  empty (a database that had the list before the table).

Refreshes take one lock in turn and read the records after taking it, so a refresh that
started before a change never overwrites the one that follows it."""

from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from procrastinate.contrib.django import app

from safeloop.core.bulk import rows_copied
from safeloop.core.context import acting_as
from safeloop.core.jobs import defer_after_commit
from safeloop.core.stalled import retry_safe

LOCK = "alerts.key_units"


def refresh(today=None, enterprise_ids=None) -> dict[str, int]:
    """Store the key units of `enterprise_ids` (every enterprise when None) as found on
    `today`: how many are listed, removed and changed (added or with other reasons)."""
    from safeloop.alerts.selectors import reason_union
    from safeloop.enterprises.models import Enterprise

    today = today or timezone.localdate()
    among = None if enterprise_ids is None else sorted({int(i) for i in enterprise_ids})
    if among == []:
        return {"listed": 0, "removed": 0, "changed": 0}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [LOCK])
        union, params = reason_union(today, among)
        live = Enterprise.objects.order_by().values("pk")
        if among is not None:
            live = live.filter(pk__in=among)
        live_sql, live_params = live.query.sql_with_params()
        only = "" if among is None else "AND u.enterprise_id = ANY(%s::bigint[])"
        # our own compiled querysets; values stay parameters
        statement = f"""
            WITH found AS MATERIALIZED (
                SELECT k.id, array_agg(DISTINCT k.reason ORDER BY k.reason) AS reasons,
                       bit_or(k.bit) AS flags
                FROM ({union}) k WHERE k.id IN ({live_sql}) GROUP BY k.id
            ), removed AS (
                DELETE FROM alerts_keyunit u
                WHERE NOT EXISTS (SELECT 1 FROM found f WHERE f.id = u.enterprise_id) {only}
                RETURNING 1
            ), changed AS (
                INSERT INTO alerts_keyunit (enterprise_id, reasons, flags, listed_at, changed_at)
                SELECT id, reasons, flags, statement_timestamp(), statement_timestamp()
                FROM found
                ON CONFLICT (enterprise_id) DO UPDATE
                SET reasons = EXCLUDED.reasons, flags = EXCLUDED.flags,
                    changed_at = EXCLUDED.changed_at
                WHERE alerts_keyunit.reasons IS DISTINCT FROM EXCLUDED.reasons
                   OR alerts_keyunit.flags IS DISTINCT FROM EXCLUDED.flags
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM found), (SELECT count(*) FROM removed),
                   (SELECT count(*) FROM changed)
        """  # noqa: S608
        args: list[Any] = [*params, *live_params]
        if among is not None:
            args.append(among)
        cursor.execute(statement, args)
        listed, removed, changed = cursor.fetchone()
    return {"listed": listed, "removed": removed, "changed": changed}


@retry_safe  # it stores what the records say: running it again is harmless
@app.task(name="alerts.refresh_key_unit", queue="alerts")
def refresh_key_unit(enterprise_id: int) -> dict[str, int]:
    """One enterprise's place on the key units list, after a change to its records."""
    with acting_as(None):
        return refresh(enterprise_ids=[enterprise_id])


@app.periodic(cron="3 * * * *")  # hourly: the reasons that follow the date
@retry_safe
@app.task(name="alerts.refresh_key_units", queue="alerts")
def refresh_key_units(timestamp: int | None = None) -> dict[str, int]:
    """The whole key units list checked against the records."""
    with acting_as(None):
        return refresh()


def enterprise_changed(enterprise_id: int | None) -> None:
    """Queue the enterprise's refresh once the transaction commits (one waiting per
    enterprise, core.jobs)."""
    if enterprise_id:
        key = f"{LOCK}:{enterprise_id}"
        defer_after_commit(refresh_key_unit, key, enterprise_id=enterprise_id)


def everyone_changed() -> None:
    """Queue the whole list's refresh once the transaction commits (one waiting)."""
    defer_after_commit(refresh_key_units, LOCK, timestamp=None)


# ------------------------------------------------------------------------------- signals
def _record_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        enterprise_changed(instance.enterprise_id)


def _weighs(values: dict, today) -> bool:
    """A hidden danger in these values is a reason: open, and major or past its deadline."""
    from safeloop.hazards.choices import OPEN_STATES, Level

    if values.get("state") not in OPEN_STATES:
        return False
    deadline = values.get("deadline")
    return values.get("level") == Level.MAJOR or (deadline is not None and deadline < today)


def _hazard_saved(sender, instance, raw=False, created=False, **kwargs):
    """Most hidden dangers are general ones within their deadline: registering one changes
    no reason, so the write path queues nothing. A change that makes or unmakes a reason (or
    moves the hidden danger to another enterprise) queues both enterprises."""
    if raw:
        return
    before = {} if created else getattr(instance, "_audit_before", None)
    today = timezone.localdate()
    after = {"state": instance.state, "level": instance.level, "deadline": instance.deadline}
    if before is None or _weighs(before, today) or _weighs(after, today):
        enterprise_changed(instance.enterprise_id)
    if before and before.get("enterprise_id") not in (None, instance.enterprise_id):
        enterprise_changed(before["enterprise_id"])


def _enterprise_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        enterprise_changed(instance.pk)


def _rule_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        everyone_changed()


def _rows_copied(sender, **kwargs):
    if sender in _FOLLOWED:
        everyone_changed()  # an import of many rows: the whole list, once, after the commit


_FOLLOWED: set = set()


def connect() -> None:
    """Follow the records and rules the reasons read (called by the app's ready())."""
    from safeloop.accidents.models import Accident
    from safeloop.alerts.models import WarningRule
    from safeloop.emergency.models import Drill, EmergencyRule, Plan
    from safeloop.enterprises.models import Enterprise, Licence, SafetyManager, SpecialOperator
    from safeloop.hazards.models import Hazard
    from safeloop.investment.models import ExpenseUse, ExpenseYear, InsuranceRule, RateTable
    from safeloop.risks.models import EnterpriseRiskProfile
    from safeloop.training.models import TrainingRecord, TrainingRule

    records = (EnterpriseRiskProfile, Accident, Licence, Plan, Drill, TrainingRecord)
    records += (SafetyManager, SpecialOperator, ExpenseYear, ExpenseUse)
    for model in records:
        uid = f"key-units-{model._meta.label_lower}"
        post_save.connect(_record_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_record_saved, sender=model, dispatch_uid=f"{uid}-deleted")
    post_save.connect(_hazard_saved, sender=Hazard, dispatch_uid="key-units-hazard")
    post_delete.connect(_record_saved, sender=Hazard, dispatch_uid="key-units-hazard-deleted")
    records += (Hazard,)
    post_save.connect(_enterprise_saved, sender=Enterprise, dispatch_uid="key-units-enterprise")
    _FOLLOWED.update((*records, Enterprise))
    rows_copied.connect(_rows_copied, dispatch_uid="key-units-copied")
    for model in (WarningRule, EmergencyRule, TrainingRule, RateTable, InsuranceRule):
        uid = f"key-units-{model._meta.label_lower}"
        post_save.connect(_rule_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_rule_saved, sender=model, dispatch_uid=f"{uid}-deleted")


def fill_after_migrate(sender, using="default", apps=None, **kwargs) -> None:
    """After `migrate`: fill an empty table where there are enterprises (a database that
    had the list before it was kept). Not after a migration back to before the table."""
    from safeloop.alerts.models import KeyUnit
    from safeloop.enterprises.models import Enterprise

    if apps is not None:
        try:
            apps.get_model("alerts", "KeyUnit")
        except LookupError:
            return
    if using != "default" or KeyUnit.objects.exists() or not Enterprise.objects.exists():
        return
    with acting_as(None):
        refresh()
