"""Dashboard benchmarks on the province-sized dataset (bench.dashboards.generate).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_bench10m \
      .venv/bin/python -m bench.dashboards.run [--runs 50] [--creates 200] [--check]
        [--skip-naive] [--skip-pages]

Prints, all server time measured in-process (Django's test client: view, queries, template):
- the city and the county dashboard, p50 and p95 (target p95 < 100 ms);
- the same city dashboard grouped from the base tables, and one naive GROUP BY of the
  hazards by county, level and state, with the ratios;
- hazard create p50 (the register service) with the summary triggers and without them;
- with --check, the time of check_summaries' full recomputation.
Asserts nothing. The write test adds hazards; they are counted in the tallies (the rows made
with the triggers off are added to the tallies afterwards, so the check stays exact).
"""

import argparse
import os
import statistics
import time
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")
os.environ.setdefault("SAFELOOP_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from safeloop.dashboards import selectors, sql, tallies  # noqa: E402
from safeloop.dashboards.models import HazardCount, HazardDue, HazardMonth  # noqa: E402
from safeloop.enterprises.models import Enterprise  # noqa: E402
from safeloop.hazards import services  # noqa: E402
from safeloop.hazards.models import Hazard  # noqa: E402
from safeloop.orgs.models import User  # noqa: E402


def percentile(samples, p):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def timed(function, runs):
    function()  # warm
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return samples


def page(username: str, url: str, runs: int):
    client = Client()
    client.force_login(User.objects.get(username=username))

    def get():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    samples = timed(get, runs)
    print(
        f"  {username} {url}: p50 {ms(statistics.median(samples))}  "
        f"p95 {ms(percentile(samples, 95))}  ({runs} requests)"
    )
    return samples


def naive(runs: int):
    user = User.objects.get(username="city_admin")
    focus = selectors.focus_for(user)
    whole = timed(lambda: selectors.area_dashboard(user, focus, from_base_tables=True), runs)
    summary = timed(lambda: selectors.area_dashboard(user, focus), runs)

    def group_by():
        list(
            Hazard.objects.for_user(user)
            .order_by()
            .values("region_code", "level", "state")
            .annotate(n=django.db.models.Count("pk"))
        )

    one = timed(group_by, runs)
    return statistics.median(summary), statistics.median(whole), statistics.median(one)


def _create(actor, enterprise):
    services.register(
        actor=actor,
        enterprise=enterprise,
        level="general",
        source="1",
        category="1",
        place="基准车间",
        description="基准写入",
        deadline=timezone.localdate() + timedelta(days=30),
    )


def _triggers(enabled: bool):
    verb = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        for name in sql.trigger_names("hazards_hazard"):
            cursor.execute(f"ALTER TABLE hazards_hazard {verb} TRIGGER {name}")


def _count_in_tallies(first_id: int, last_id: int):
    """Add hazards made while the triggers were off, as the triggers would have."""
    ids = f"id BETWEEN {int(first_id)} AND {int(last_id)}"
    with connection.cursor() as cursor:
        for summary, columns in (
            (HazardCount, sql.COUNTS),
            (HazardMonth, sql.MONTHS),
            (HazardDue, sql.DUE),
        ):
            source = sql.hazard_source("hazards_hazard", ids, columns=columns)
            cursor.execute(sql.record(summary, [(source, "true", 1)]))


def creates(count: int, rounds: int = 4):
    actor = User.objects.get(username="county_inspector")
    enterprises = list(Enterprise.objects.filter(region_code="640104").order_by("pk")[:50])
    results = {True: [], False: []}
    for _ in range(rounds):
        for with_triggers in (False, True):
            _triggers(with_triggers)
            try:
                first = Hazard.objects.order_by("-pk").values_list("pk", flat=True).first()
                for i in range(count // rounds):
                    started = time.perf_counter()
                    _create(actor, enterprises[i % len(enterprises)])
                    results[with_triggers].append(time.perf_counter() - started)
                last = Hazard.objects.order_by("-pk").values_list("pk", flat=True).first()
            finally:
                _triggers(True)
            if not with_triggers:
                _count_in_tallies(first + 1, last)
    return {k: statistics.median(v) for k, v in results.items()}


def compare_with_base_tables(runs: int):
    print("\n## Against the base tables (city, figures only, p50)")
    summary, whole, one = naive(runs)
    print(f"  city dashboard figures from the tallies: {ms(summary)}")
    print(
        f"  the same figures grouped from the base tables: {ms(whole)}  "
        f"(tallies take {summary / whole:.4f} of it, {whole / summary:.0f}x faster)"
    )
    print(
        f"  one naive GROUP BY region, level, state over hazards: {ms(one)}  "
        f"(ratio dashboard / naive GROUP BY = {summary / one:.4f})"
    )


def write_path(count: int):
    print(f"\n## Hazard create p50 (register service, {count} per mode)")
    medians = creates(count)
    print(f"  without the summary triggers: {ms(medians[False])}")
    print(
        f"  with the summary triggers:    {ms(medians[True])}  "
        f"(+{ms(medians[True] - medians[False])})"
    )
    started = time.perf_counter()
    folded = tallies.fold()
    print(f"  fold afterwards: {folded} in {ms(time.perf_counter() - started)}")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--creates", type=int, default=200)
    parser.add_argument("--check", action="store_true")
    parser.add_argument(
        "--skip-naive", action="store_true", help="skip the base-table comparison (minutes)"
    )
    parser.add_argument("--skip-pages", action="store_true")
    ns = parser.parse_args()
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages' asset manifest
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM hazards_hazard")
        hazards = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM hazards_hazard WHERE state IN ('pending','rectifying','awaiting')"
        )
        open_ = cursor.fetchone()[0]
    print(
        f"# Dashboards: {hazards:,} hazards ({open_:,} open), {Enterprise.objects.count():,} "
        f"enterprises; machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    started = time.perf_counter()
    print(f"\nfold of pending changes: {tallies.fold()} in {ms(time.perf_counter() - started)}")
    if not ns.skip_pages:
        print("\n## Dashboard pages (server time)")
        page("city_admin", "/dashboards/", ns.runs)
        page("county_admin", "/dashboards/", ns.runs)
        page("city_admin", "/dashboards/?region=640104", ns.runs)
        print("\n## Activity panel, loaded by the page after it renders (server time)")
        page("city_admin", "/dashboards/activity/", ns.runs)
        page("county_admin", "/dashboards/activity/", ns.runs)
    if not ns.skip_naive:
        compare_with_base_tables(max(5, ns.runs // 10))
    if ns.creates:
        write_path(ns.creates)
    if ns.check:
        started = time.perf_counter()
        problems = tallies.differences()
        print(
            f"\n## check_summaries: {len(problems)} differences, "
            f"{time.perf_counter() - started:.1f} s"
        )
    print(f"\n(load average at the end: {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
