from django.db import migrations

# The audit log is append-only in the database itself: no UPDATE ever, and DELETE only from
# the pruning job, which sets `safeloop.audit_prune` for its own transaction.
SQL = """
CREATE FUNCTION core_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('safeloop.audit_prune', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the audit log is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER core_audit_append_only
  BEFORE UPDATE OR DELETE ON core_auditentry
  FOR EACH ROW EXECUTE FUNCTION core_audit_append_only();
"""

REVERSE = """
DROP TRIGGER IF EXISTS core_audit_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS core_audit_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
