from django.db import migrations, models

# The retention period moves into the database, where the trigger can read it: a DELETE of an
# entry younger than it is refused whatever the session sets, TRUNCATE is refused, and pruning
# goes through one function that deletes only entries past the retention. The session flag
# `safeloop.audit_prune` of migration 0003 no longer means anything.
SQL = """
CREATE FUNCTION core_audit_retention_days() RETURNS integer
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
  SELECT days FROM core_auditretention ORDER BY valid_from DESC, id DESC LIMIT 1
$$;

CREATE OR REPLACE FUNCTION core_audit_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
  keep integer;
BEGIN
  IF TG_OP = 'DELETE' THEN
    keep := core_audit_retention_days();
    IF keep IS NOT NULL AND OLD.at < now() - make_interval(days => keep) THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the audit log keeps entries % days (DELETE of entry % refused)', keep, OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE FUNCTION core_audit_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only (TRUNCATE of % refused)', TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER core_audit_no_truncate
  BEFORE TRUNCATE ON core_auditentry
  FOR EACH STATEMENT EXECUTE FUNCTION core_audit_no_truncate();

-- The pruning job's one way to delete: entries older than the longer of the asked and the
-- recorded retention. SECURITY DEFINER: the application's role has no DELETE on the table.
CREATE FUNCTION core_audit_prune(requested_days integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  keep integer := greatest(coalesce(requested_days, 0), core_audit_retention_days());
  deleted integer;
BEGIN
  IF keep IS NULL THEN
    RETURN 0;
  END IF;
  DELETE FROM core_auditentry WHERE at < now() - make_interval(days => keep);
  GET DIAGNOSTICS deleted = ROW_COUNT;
  RETURN deleted;
END $$;
"""

REVERSE = """
DROP FUNCTION IF EXISTS core_audit_prune(integer);
DROP TRIGGER IF EXISTS core_audit_no_truncate ON core_auditentry;
DROP FUNCTION IF EXISTS core_audit_no_truncate();
CREATE OR REPLACE FUNCTION core_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('safeloop.audit_prune', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
DROP FUNCTION IF EXISTS core_audit_retention_days();
"""


def record_retention(apps, schema_editor):
    from safeloop.core.retention import record_configured_retention

    record_configured_retention(apps.get_model("core", "AuditRetention"))


class Migration(migrations.Migration):
    dependencies = [("core", "0008_export_file")]

    operations = [
        migrations.CreateModel(
            name="AuditRetention",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("days", models.PositiveIntegerField(verbose_name="retention days")),
                ("source", models.CharField(max_length=200, verbose_name="retention basis")),
                (
                    "valid_from",
                    models.DateTimeField(auto_now_add=True, verbose_name="in force from"),
                ),
            ],
            options={
                "verbose_name": "audit retention",
                "verbose_name_plural": "audit retention",
                "ordering": ["-valid_from", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("days__gte", 180)), name="core_auditretention_floor"
                    )
                ],
            },
        ),
        migrations.RunSQL(SQL, REVERSE),
        migrations.RunPython(record_retention, migrations.RunPython.noop),
    ]
