from django.db import migrations

# An incident's timeline is append-only in the database itself: no UPDATE, no DELETE.
SQL = """
CREATE FUNCTION emergency_timeline_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the incident timeline is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER emergency_timeline_append_only
  BEFORE UPDATE OR DELETE ON emergency_timelineentry
  FOR EACH ROW EXECUTE FUNCTION emergency_timeline_append_only();
"""

REVERSE = """
DROP TRIGGER IF EXISTS emergency_timeline_append_only ON emergency_timelineentry;
DROP FUNCTION IF EXISTS emergency_timeline_append_only();
"""


def load(apps, schema_editor):
    from safeloop.emergency import reference_data

    reference_data.load(apps)


class Migration(migrations.Migration):
    dependencies = [("emergency", "0001_initial")]
    operations = [
        migrations.RunSQL(SQL, REVERSE),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
