"""Backup and restore: a pg_dump of the database, a tar of the uploads (read and written
through the storage API: the media folder or the S3 bucket), and a manifest that
the restore checks the result against (row counts and the audit chain's head).

The counts and the chain head are read in one REPEATABLE READ transaction whose snapshot
pg_dump is given (`--snapshot`), so they describe exactly the rows the dump holds.
"""

import hashlib
import json
import os
import subprocess
import tarfile
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import dj_database_url
import psycopg
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone
from psycopg import sql

from safeloop.core import audit
from safeloop.core.storage import put, walk

DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"

# Every table of the database's own schemas (the app's, Django's, procrastinate's).
_TABLES = """
SELECT schemaname, tablename
FROM pg_tables
WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
  AND schemaname NOT LIKE 'pg\\_%'
ORDER BY 1, 2
"""


class BackupError(Exception):
    """A backup or restore that cannot go on, or a restored copy that differs."""


def _conninfo(db: dict) -> dict:
    params = {
        "dbname": db["NAME"],
        "user": db.get("USER") or None,
        "host": db.get("HOST") or None,
        "port": str(db["PORT"]) if db.get("PORT") else None,
        "password": db.get("PASSWORD") or None,
    }
    return {k: v for k, v in params.items() if v is not None}


def _pg_env(db: dict) -> dict:
    """The libpq environment pg_dump and pg_restore read: the password never goes on a
    command line, where other users of the host could read it."""
    env = dict(os.environ)
    for key, variable in (
        ("host", "PGHOST"),
        ("port", "PGPORT"),
        ("user", "PGUSER"),
        ("dbname", "PGDATABASE"),
        ("password", "PGPASSWORD"),
    ):
        value = _conninfo(db).get(key)
        if value is not None:
            env[variable] = value
        else:
            env.pop(variable, None)
    return env


def _run(argv: list[str], db: dict) -> None:
    done = subprocess.run(argv, env=_pg_env(db), capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{argv[0]} failed ({done.returncode}): {done.stderr.strip()}")


def count_rows(cursor) -> dict[str, int]:
    cursor.execute(_TABLES)
    counts = {}
    for schema, table in cursor.fetchall():
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, table)))
        counts[f"{schema}.{table}"] = cursor.fetchone()[0]
    return counts


def chain_head(cursor) -> tuple[int, str]:
    cursor.execute("SELECT seq, hash FROM core_auditchain WHERE id = 1")
    row = cursor.fetchone()
    return (row[0], row[1]) if row else (0, "")


def migration_heads() -> list[str]:
    """The newest migration of every app in this code."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.graph.leaf_nodes())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _archive_media(tar: tarfile.TarFile) -> int:
    """Every stored upload into `tar`, read through the storage API (a folder or a bucket)."""
    files = 0
    for name in walk(default_storage):
        info = tarfile.TarInfo(name)
        info.size = default_storage.size(name)
        info.mtime = int(timezone.now().timestamp())
        with default_storage.open(name, "rb") as content:
            tar.addfile(info, content)
        files += 1
    return files


def _unpack_media(tar: tarfile.TarFile) -> int:
    """Every file of `tar` back into the storage under its own name."""
    files = 0
    for member in tar:
        if not member.isfile():
            continue
        name = member.name.removeprefix("./")
        if name.startswith("/") or ".." in name.split("/"):
            raise BackupError(f"{member.name} is outside the uploads")
        content = tar.extractfile(member)
        assert content is not None  # a regular file
        put(default_storage, name, File(content, name=name))
        files += 1
    return files


def _media_where() -> str:
    return getattr(default_storage, "bucket_name", None) or str(settings.MEDIA_ROOT)


def backup(out: Path, *, log=print) -> dict:
    """Seal the audit log, dump the database and tar the uploads into `out`; returns the
    manifest it writes."""
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise BackupError(f"{out} is not empty; give a new directory")
    db = settings.DATABASES["default"]
    log(f"sealed {audit.seal()} audit entries")
    with psycopg.connect(**_conninfo(db)) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            snapshot = cursor.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
            counts = count_rows(cursor)
            head = chain_head(cursor)
            # The dump runs while this transaction holds the snapshot open.
            _run(
                ["pg_dump", "-Fc", f"--snapshot={snapshot}", "-f", str(out / DUMP), db["NAME"]],
                db,
            )
        conn.rollback()
    log(f"dumped database {db['NAME']}: {len(counts)} tables, {sum(counts.values())} rows")
    with tarfile.open(out / MEDIA, "w:gz") as tar:
        files = _archive_media(tar)
    log(f"archived {files} media files from {_media_where()}")
    try:
        app_version = version("safeloop")
    except PackageNotFoundError:
        app_version = ""
    manifest = {
        "created_at": timezone.now().isoformat(),
        "version": app_version,
        "migrations": migration_heads(),
        "database": db["NAME"],
        "tables": counts,
        "audit_head": {"seq": head[0], "hash": head[1]},
        "media_files": files,
        "sha256": {DUMP: _sha256(out / DUMP), MEDIA: _sha256(out / MEDIA)},
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    log(f"audit chain head {head[0]} {head[1]}")
    log(f"wrote {out / MANIFEST}")
    return manifest


@dataclass
class Check:
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _target(database_url: str | None) -> dict:
    """The settings of the database to restore into."""
    if not database_url:
        return dict(settings.DATABASES["default"])
    return dict(dj_database_url.parse(database_url))


def _read_manifest(source: Path) -> dict:
    try:
        return json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{source / MANIFEST} not found: not a backup directory") from None
    except json.JSONDecodeError as error:
        raise BackupError(f"{source / MANIFEST} is not valid JSON: {error}") from None


def verify(source: Path, db: dict, *, log=print) -> Check:
    """Compare the database `db` (settings) with the manifest: every table's row count, and
    the audit chain (recomputed, and its head equal to the manifest's)."""
    manifest = _read_manifest(source)
    check = Check()
    with psycopg.connect(**_conninfo(db)) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.cursor() as cursor:
            counts = count_rows(cursor)
            head = chain_head(cursor)
        result = audit.verify(conn)
    expected = manifest["tables"]
    for table in sorted(set(expected) | set(counts)):
        want, have = expected.get(table), counts.get(table)
        if want != have:
            check.problems.append(f"table {table}: {have} rows, the manifest says {want}")
    log(f"compared the row counts of {len(expected)} tables")
    for position, what in result.problems:
        check.problems.append(f"audit chain position {position}: {what}")
    want_head = (manifest["audit_head"]["seq"], manifest["audit_head"]["hash"])
    if head != want_head:
        check.problems.append(
            f"audit chain head {head[0]} {head[1]}, the manifest says {want_head[0]} {want_head[1]}"
        )
    log(f"checked {result.checked} audit entries; chain head {head[0]} {head[1]}")
    return check


def _is_empty(db: dict) -> bool:
    with psycopg.connect(**_conninfo(db)) as conn:
        return conn.execute(_TABLES).fetchone() is None


def restore(source: Path, *, database_url=None, force=False, verify_only=False, log=print) -> Check:
    """Restore the backup in `source` into the configured database (or `database_url`), put
    the uploads back into the storage (MEDIA_ROOT or the bucket), and check the result
    against the manifest."""
    manifest = _read_manifest(source)
    db = _target(database_url)
    if not verify_only:
        for name, digest in manifest.get("sha256", {}).items():
            if _sha256(source / name) != digest:
                raise BackupError(f"{source / name} differs from the manifest's checksum")
        if not _is_empty(db) and not force:
            raise BackupError(
                f"database {db['NAME']} is not empty; restore into an empty database "
                "or give --force to replace its contents"
            )
        argv = ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction"]
        if force:
            argv += ["--clean", "--if-exists"]
        _run([*argv, "-d", db["NAME"], str(source / DUMP)], db)
        log(f"restored {source / DUMP} into database {db['NAME']}")
        with tarfile.open(source / MEDIA, "r:gz") as tar:
            files = _unpack_media(tar)
        log(f"unpacked {files} media files into {_media_where()}")
    check = verify(source, db, log=log)
    if manifest.get("migrations") and manifest["migrations"] != migration_heads():
        log("note: the backup's migrations differ from this code's; run migrate after it")
    return check
