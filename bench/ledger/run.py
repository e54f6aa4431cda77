"""Ledger benchmark: import and export of 100,000 rows, list page at 100,000 enterprises.

    DATABASE_URL=… .venv/bin/python bench/ledger/run.py [rows]

1. generates the file (bench/ledger/generate.py) unless it exists;
2. parse: openpyxl read-only, values only, every row — the baseline (own process);
3. import: check + write in one transaction through the importer (own process; its peak
   resident memory is reported); a second run of the same file shows the no-change path;
4. export: the 100,000 imported rows to .xlsx in write-only mode;
5. list page: p95 of the server time of a filtered page (sector + county + search), through
   the whole Django stack as a city administrator.
Bench rows carry serials from 500,000,000 up; they are removed before the import.
"""

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PY = sys.executable


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")
    import django

    django.setup()


def actor():
    from safeloop.orgs.models import RoleAssignment, User
    from safeloop.orgs.roles import Role

    user, _ = User.objects.get_or_create(username="bench_ledger_admin")
    RoleAssignment.objects.get_or_create(user=user, role=Role.SYSTEM_ADMIN)
    return User.objects.get(pk=user.pk)


def phase_parse(path):
    from openpyxl import load_workbook

    started = time.perf_counter()
    wb = load_workbook(path, read_only=True, data_only=False)
    rows = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True)) - 1
    wb.close()
    return {"rows": rows, "seconds": time.perf_counter() - started}


def phase_clean():
    setup()
    from django.db import connection

    from safeloop.demo.seed import seed

    seed()  # regions, parks and grid cells the rows refer to
    with connection.cursor() as c:
        # the demo seed evaluates the warning rules, which may have warned bench rows too
        for part in ("enterprises_licence", "enterprises_safetymanager", "alerts_earlywarning"):
            c.execute(
                f"DELETE FROM {part} WHERE enterprise_id IN (SELECT id FROM "  # noqa: S608
                "enterprises_enterprise WHERE substr(uscc, 9, 1) = '5')"
            )
        c.execute("DELETE FROM enterprises_enterprise WHERE substr(uscc, 9, 1) = '5'")
    return {}


def phase_import(path):
    setup()
    from safeloop.core.context import acting_as
    from safeloop.enterprises.imports import Importer

    user = actor()
    started = time.perf_counter()
    with acting_as(user, request_id="bench-ledger"):
        result = Importer(actor=user, apply=True).run(path)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reader_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "rows": result.total,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "errors": result.error_count,
        "seconds": seconds,
        "peak_mb": peak,
        "reader_peak_mb": reader_peak,
    }


def phase_export():
    setup()
    from safeloop.enterprises import spreadsheets
    from safeloop.enterprises.models import Enterprise

    qs = Enterprise.objects.filter(uscc__regex=r"^91\d{6}5").order_by("name", "pk")
    started = time.perf_counter()
    out, rows = spreadsheets.export(qs)
    seconds = time.perf_counter() - started
    size = out.seek(0, 2)
    out.close()
    return {"rows": rows, "seconds": seconds, "mb": size / 1e6}


def phase_list(runs=40):
    setup()
    from django.conf import settings
    from django.test import Client

    from safeloop.enterprises.models import Enterprise
    from safeloop.orgs.models import Region, RoleAssignment, User
    from safeloop.orgs.roles import Role

    settings.ALLOWED_HOSTS = ["*"]
    # served from the apps' folders: no collectstatic manifest needed for the benchmark
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    user, _ = User.objects.get_or_create(username="bench_ledger_city")
    RoleAssignment.objects.get_or_create(
        user=user, role=Role.CITY_ADMIN, region=Region.objects.get(code="640100")
    )
    client = Client()
    client.force_login(user)
    county = Region.objects.get(code="640105")
    urls = {
        "sector + county": f"/enterprises/?sector=machinery&region={county.pk}",
        "search by pinyin initials": "/enterprises/?q=nxxh",
        "expiring within 90 days": "/enterprises/?expiring_within=90&sort=-employees",
        "unfiltered, page 200": "/enterprises/?page=200",
    }
    out = {"enterprises": Enterprise.objects.count()}
    for label, url in urls.items():
        assert client.get(url).status_code == 200
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        times.sort()
        out[label] = {
            "p50_ms": statistics.median(times),
            "p95_ms": times[int(len(times) * 0.95) - 1],
        }
    return out


def run_phase(name, *args):
    result = subprocess.run(
        [PY, __file__, "--phase", name, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if result.returncode:
        sys.exit(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(n: int):
    path = ROOT / f"bench/out/ledger-{n}.xlsx"
    if not path.exists():
        subprocess.run([PY, HERE / "generate.py", str(n), path], check=True, cwd=ROOT)
    print(f"file: {path.name}, {path.stat().st_size / 1e6:.1f} MB")
    parse = run_phase("parse", path)
    print(f"openpyxl read-only parse: {parse['rows']:,} rows in {parse['seconds']:.1f} s "
          f"({parse['rows'] / parse['seconds']:,.0f} rows/s)")  # fmt: skip
    run_phase("clean")
    first = run_phase("import", path)
    ratio = parse["seconds"] / first["seconds"]
    print(f"import (new rows):   {first['rows']:,} rows in {first['seconds']:.1f} s "
          f"({first['rows'] / first['seconds']:,.0f} rows/s), ratio to parse {ratio:.2f} "
          f"(target ≥ 0.3), peak memory {first['peak_mb']:.0f} MB "
          f"+ sheet reader {first['reader_peak_mb']:.0f} MB (target < 500), "
          f"created {first['created']:,}, errors {first['errors']}")  # fmt: skip
    again = run_phase("import", path)
    print(f"re-import (no change): {again['seconds']:.1f} s "
          f"({again['rows'] / again['seconds']:,.0f} rows/s), "
          f"ratio {parse['seconds'] / again['seconds']:.2f}, "
          f"peak {again['peak_mb']:.0f} MB, unchanged {again['unchanged']:,}")  # fmt: skip
    export = run_phase("export")
    print(f"export: {export['rows']:,} rows in {export['seconds']:.1f} s "
          f"({export['rows'] / export['seconds']:,.0f} rows/s), {export['mb']:.1f} MB")  # fmt: skip
    listing = run_phase("list")
    print(f"list page at {listing.pop('enterprises'):,} enterprises (target p95 < 150 ms):")
    for label, t in listing.items():
        print(f"  {label:28} p50 {t['p50_ms']:6.1f} ms   p95 {t['p95_ms']:6.1f} ms")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--phase":
        name, args = sys.argv[2], sys.argv[3:]
        print(json.dumps(globals()[f"phase_{name}"](*args)))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
