"""The database role the running application uses (SAFELOOP_DATABASE_APP_ROLE): not the owner
and not a superuser, with the data rights of the application and no more. On the audit log it
may only read and insert; it cannot update, delete, truncate or disable a trigger, and it
seals and prunes through the SECURITY DEFINER functions of migrations 0009 and 0010."""

import sys

from django.conf import settings

# Tables the application reads but never writes: the audit chain's bookkeeping, the retention
# (written by migrate), the migration history.
READ_ONLY = ("core_auditchain", "core_auditanchor", "core_auditretention", "django_migrations")


def manual_sql(role: str) -> str:
    return (
        f"CREATE ROLE {role} LOGIN PASSWORD '…';  -- as a role that may create roles, "
        "then run `safeloop manage migrate` again (or `safeloop manage grant_app_role`)"
    )


def grant_app_role(connection, role: str | None = None, out=sys.stdout) -> bool:
    """Create the role when the migrating role may, and (re)grant its rights; idempotent.
    Returns False, with a notice, when the role is missing and cannot be created."""
    role = role or settings.DATABASE_APP_ROLE
    q = connection.ops.quote_name(role)
    with connection.cursor() as c:
        c.execute("SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user")
        superuser, createrole = c.fetchone()
        c.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        found = c.fetchone()
        if found is None:
            if not (superuser or createrole):
                out.write(
                    f"notice: the database role {role} does not exist and this role may not "
                    f"create it; the application keeps the owner's rights until it does:\n"
                    f"  {manual_sql(role)}\n"
                )
                return False
            # roles belong to the whole server: another database's migrate may create it now
            c.execute(
                "DO $$ BEGIN "
                f"CREATE ROLE {q} NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE; "
                "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
            )
        elif found[0]:
            out.write(f"notice: the database role {role} is a superuser; nothing is withheld\n")
        c.execute("SELECT current_user = %s", [role])
        if c.fetchone()[0]:
            return False  # the owner itself: nothing to grant
        c.execute("SELECT quote_ident(current_schema())")
        schema = c.fetchone()[0]
        c.execute(f"GRANT USAGE ON SCHEMA {schema} TO {q}")
        c.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {q}")
        c.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {q}")
        c.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {q}"
        )
        c.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
            f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {q}"
        )
        for table in READ_ONLY:
            c.execute(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {table} FROM {q}")
        c.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON core_auditentry FROM {q}")
        c.execute(f"GRANT EXECUTE ON FUNCTION core_audit_seal(integer) TO {q}")
        c.execute(f"GRANT EXECUTE ON FUNCTION core_audit_prune(integer) TO {q}")
    return True
