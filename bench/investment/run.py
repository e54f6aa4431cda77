"""Safety-investment benchmark: the band arithmetic (calculations a second, every seeded
table), `safety_investment_gaps(year)` and the insurance gaps over every enterprise, and the
regulators' summary by county and sector as a city administrator.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/safeloop_mine \
      .venv/bin/python -m bench.investment.run [--repeat 5]

Run bench.investment.generate first. Prints the figures."""

import argparse
import os
import random
import statistics
import time
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from safeloop.enterprises.models import Enterprise  # noqa: E402
from safeloop.investment import calc, selectors  # noqa: E402
from safeloop.investment.models import ExpenseYear, RateTable  # noqa: E402
from safeloop.orgs.models import User  # noqa: E402


def timed(fn, repeat: int) -> tuple[float, object]:
    runs, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    today = timezone.localdate()
    tables = [t.parsed() for t in RateTable.in_force().values()]
    rng = random.Random(1)
    revenues = [Decimal(rng.randrange(0, 20_000_000_000_00)) / 100 for _ in range(20000)]
    started = time.perf_counter()
    for i, revenue in enumerate(revenues):
        calc.extraction(revenue, tables[i % len(tables)])
    per_second = len(revenues) / (time.perf_counter() - started)
    print(f"band arithmetic: {per_second:,.0f} calculations a second ({len(tables)} tables)")
    years = ExpenseYear.objects.filter(year=today.year).count()
    enterprises = Enterprise.objects.count()
    ms, gaps = timed(lambda: selectors.safety_investment_gaps(today.year, today=today), args.repeat)
    print(f"safety_investment_gaps({today.year}): {years} years, {len(gaps)} gaps, {ms:.0f} ms")
    ms, found = timed(lambda: selectors.insurance_gaps(today), args.repeat)
    print(f"insurance_gaps: {enterprises} enterprises, {len(found)} with a gap, {ms:.0f} ms")
    user = User.objects.get(username="city_admin")
    ms, rows = timed(
        lambda: selectors.summary(Enterprise.objects.for_user(user, "view"), today.year),
        args.repeat,
    )
    print(f"summary by county and sector (city administrator): {len(rows)} rows, {ms:.0f} ms")


if __name__ == "__main__":
    main()
