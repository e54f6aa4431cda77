from django.db import migrations

# The application's own database role (core.dbroles): created here when the migrating role may
# create roles, otherwise skipped with a notice (docs/operations.md has the SQL to run).


def grant(apps, schema_editor):
    from safeloop.core.dbroles import grant_app_role

    grant_app_role(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0010_audit_chain")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
